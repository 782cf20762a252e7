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
  return Invoke(cli, cli.client->admin(), &v1::AdminService::Stub::CreateBackup,
                v1::CreateBackupRequest(), [&](const v1::Backup& response) {
                  PrintTable(cli, {"ID", "CREATED", "BYTES", "FILES"}, {BackupRow(response)});
                });
}

int List(CliContext& cli, const Arguments&) {
  return Invoke(cli, cli.client->admin(), &v1::AdminService::Stub::ListBackups,
                v1::ListBackupsRequest(),
                [&](const v1::ListBackupsResponse& response) { return PrintList(cli, response); });
}

int Verify(CliContext& cli, const Arguments& arguments) {
  v1::VerifyBackupRequest request;
  request.set_id(BackupId(arguments));
  return Invoke(cli, cli.client->admin(), &v1::AdminService::Stub::VerifyBackup, request,
                [&](const v1::VerifyBackupResponse&) {
                  *cli.out << "backup " << request.id()
                           << " verified: every file present with its size and checksum\n";
                });
}

int Restore(CliContext& cli, const Arguments& arguments) {
  v1::RestoreBackupRequest request;
  request.set_id(BackupId(arguments));
  request.set_target_dir(arguments.Require("target"));
  return Invoke(cli, cli.client->admin(), &v1::AdminService::Stub::RestoreBackup, request,
                [&](const v1::RestoreBackupResponse& response) {
                  *cli.out << "restored backup " << request.id() << " into "
                           << response.target_dir()
                           << "\nstart a server on it: claimgraphd --data-dir "
                           << response.target_dir() << "\n";
                });
}

int Purge(CliContext& cli, const Arguments& arguments) {
  v1::PurgeBackupsRequest request;
  request.set_keep(static_cast<uint32_t>(arguments.GetInt("keep", 0)));
  return Invoke(cli, cli.client->admin(), &v1::AdminService::Stub::PurgeBackups, request,
                [&](const v1::ListBackupsResponse& response) { return PrintList(cli, response); });
}

}  // namespace

void RegisterBackupCommands(CommandTable& table) {
  const std::vector<Positional> id = {{"BACKUP_ID", "a backup's id (claimgraph backup list)"}};
  table.Add(
      {"backup create", "make an online backup into the server's --backup-dir", {}, {}, Create});
  table.Add({"backup list", "list backups", {}, {}, List});
  table.Add({"backup verify", "check a backup's files and checksums", id, {}, Verify});
  table.Add({"backup restore",
             "restore a backup into a new directory on the server host",
             id,
             {{"target", "/ABSOLUTE/NEW/DIR", "the new directory (on the server host)"}},
             Restore});
  table.Add({"backup purge",
             "delete all but the newest N backups",
             {},
             {{"keep", "N", "how many of the newest backups to keep"}},
             Purge});
}

}  // namespace claimgraph::cli
