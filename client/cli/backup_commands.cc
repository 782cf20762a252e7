// CLI commands for online backups: backup create | list | verify | restore | purge.
#include <iostream>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

std::vector<std::string> BackupRow(const v1::Backup& backup) {
  return {std::to_string(backup.id()), FormatTime(backup.created_at()), std::to_string(backup.size_bytes()),
          std::to_string(backup.files())};
}

uint32_t BackupId(const Arguments& arguments) {
  std::string text = arguments.Positional(0, "BACKUP_ID");
  try {
    size_t used = 0;
    unsigned long id = std::stoul(text, &used);
    if (used != text.size() || id == 0 || id > 0xFFFFFFFFul) throw std::out_of_range("id");
    return static_cast<uint32_t>(id);
  } catch (const std::exception&) {
    throw UsageError{"BACKUP_ID: '" + text + "' is not a backup id"};
  }
}

int PrintList(CliContext& cli, const v1::ListBackupsResponse& response) {
  if (cli.json) return PrintJson(cli, response), 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& backup : response.backups()) rows.push_back(BackupRow(backup));
  PrintTable(cli, {"ID", "CREATED", "BYTES", "FILES"}, rows);
  *cli.out << "backup directory: " << response.backup_dir() << "\n";
  return 0;
}

int Create(CliContext& cli, const Arguments&) {
  v1::Backup response;
  auto status = cli.client->admin().CreateBackup(cli.client->NewContext().get(), v1::CreateBackupRequest(), &response);
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) return PrintJson(cli, response), 0;
  PrintTable(cli, {"ID", "CREATED", "BYTES", "FILES"}, {BackupRow(response)});
  return 0;
}

int List(CliContext& cli, const Arguments&) {
  v1::ListBackupsResponse response;
  auto status = cli.client->admin().ListBackups(cli.client->NewContext().get(), v1::ListBackupsRequest(), &response);
  if (!status.ok()) return ReportError(cli, status);
  return PrintList(cli, response);
}

int Verify(CliContext& cli, const Arguments& arguments) {
  v1::VerifyBackupRequest request;
  request.set_id(BackupId(arguments));
  v1::VerifyBackupResponse response;
  auto status = cli.client->admin().VerifyBackup(cli.client->NewContext().get(), request, &response);
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) return PrintJson(cli, response), 0;
  *cli.out << "backup " << request.id() << " verified: every file present with its size and checksum\n";
  return 0;
}

int Restore(CliContext& cli, const Arguments& arguments) {
  v1::RestoreBackupRequest request;
  request.set_id(BackupId(arguments));
  request.set_target_dir(arguments.Require("target"));
  v1::RestoreBackupResponse response;
  auto status = cli.client->admin().RestoreBackup(cli.client->NewContext().get(), request, &response);
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) return PrintJson(cli, response), 0;
  *cli.out << "restored backup " << request.id() << " into " << response.target_dir()
           << "\nstart a server on it: claimgraphd --data-dir " << response.target_dir() << "\n";
  return 0;
}

int Purge(CliContext& cli, const Arguments& arguments) {
  v1::PurgeBackupsRequest request;
  request.set_keep(static_cast<uint32_t>(arguments.GetInt("keep", 0)));
  v1::ListBackupsResponse response;
  auto status = cli.client->admin().PurgeBackups(cli.client->NewContext().get(), request, &response);
  if (!status.ok()) return ReportError(cli, status);
  return PrintList(cli, response);
}

}  // namespace

void RegisterBackupCommands(CommandTable& table) {
  table.Add({"backup create", "", "make an online backup into the server's --backup-dir", {}, Create});
  table.Add({"backup list", "", "list backups", {}, List});
  table.Add({"backup verify", "BACKUP_ID", "check a backup's files and checksums", {}, Verify});
  table.Add({"backup restore", "BACKUP_ID --target /ABSOLUTE/NEW/DIR",
             "restore a backup into a new directory on the server host", {}, Restore});
  table.Add({"backup purge", "--keep N", "delete all but the newest N backups", {}, Purge});
}

}  // namespace claimgraph::cli
