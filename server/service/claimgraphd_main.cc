// claimgraphd: parses flags, loads start-up files, serves until SIGTERM/SIGINT.
#include <absl/synchronization/mutex.h>
#include <unistd.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "engine/exchange/importer.h"
#include "engine/exchange/offline_loader.h"
#include "engine/strings.h"
#include "service/import_export_service.h"
#include "service/bulk_load_display.h"
#include "service/log.h"
#include "service/server.h"
#include "service/server_flags.h"
#include "service/token_authenticator.h"

namespace {

using claimgraph::StrCat;
using claimgraph::service::Log;
using claimgraph::service::LogLevel;

// Loads an NDJSON file of import records in lenient batches through the one importer; every
// rejected line is logged with its file line (the first 1000; all are counted).
bool LoadFile(claimgraph::Database& database, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Log(LogLevel::kError, "cannot open load file", {{"file", path}});
    return false;
  }
  claimgraph::exchange::ImportOptions options;
  auto summary = claimgraph::exchange::ImportNdjson(&database, &in, options,
                                                    claimgraph::WriteContext{"claimgraphd --load"});
  if (!summary.ok()) {
    Log(LogLevel::kError, "load failed",
        {{"file", path}, {"error", std::string(summary.status().message())}});
    return false;
  }
  for (const auto& rejection : summary->rejections) {
    Log(LogLevel::kWarn, "record rejected",
        {{"file", path},
         {"line", StrCat(rejection.line)},
         {"error", std::string(rejection.error.message())}});
  }
  uint64_t written = 0, unchanged = 0;
  for (const auto* kind : {&summary->entities, &summary->sources, &summary->claims,
                           &summary->assessments, &summary->lifecycle_events}) {
    written += kind->created + kind->updated;
    unchanged += kind->unchanged;
  }
  Log(LogLevel::kInfo, "loaded",
      {{"file", path},
       {"written", StrCat(written)},
       {"unchanged", StrCat(unchanged)},
       {"rejected", StrCat(summary->rejected_total)},
       {"rejections_logged", StrCat(summary->rejections.size())}});
  return true;
}

// Offline subcommands, for a stopped server's data: `NAME --flag value ...`.
std::string FlagValue(const std::vector<std::string>& arguments, const std::string& name) {
  for (size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == "--" + name) return arguments[i + 1];
  }
  for (const auto& argument : arguments) {
    if (argument.rfind("--" + name + "=", 0) == 0) return argument.substr(name.size() + 3);
  }
  return "";
}

int HashTokenCommand() {
  // The token comes on stdin, so it never shows in `ps` or shell history.
  std::string token;
  if (!std::getline(std::cin, token) || token.empty()) {
    std::fprintf(stderr, "usage: echo -n TOKEN | claimgraphd hash-token\n");
    return 2;
  }
  std::printf("%s\n", claimgraph::service::HashToken(token).c_str());
  return 0;
}

int VerifyCommand(const std::vector<std::string>& arguments) {
  std::string data_dir = FlagValue(arguments, "data-dir");
  if (data_dir.empty()) {
    std::fprintf(stderr, "usage: claimgraphd verify --data-dir DIR   (server stopped)\n");
    return 2;
  }
  auto verified = claimgraph::Database::VerifyChecksums(data_dir);
  if (!verified.ok()) {
    std::fprintf(stderr, "claimgraphd verify: %s\n", std::string(verified.message()).c_str());
    return 1;
  }
  std::printf("ok: %s opens and every block checksum verifies\n", data_dir.c_str());
  return 0;
}

int RestoreCommand(const std::vector<std::string>& arguments) {
  std::string backup_dir = FlagValue(arguments, "backup-dir"),
              data_dir = FlagValue(arguments, "data-dir");
  std::string id = FlagValue(arguments, "backup-id");
  if (backup_dir.empty() || data_dir.empty() || id.empty()) {
    std::fprintf(
        stderr,
        "usage: claimgraphd restore-backup --backup-dir DIR --backup-id N --data-dir NEW_DIR\n");
    return 2;
  }
  auto restored = claimgraph::Database::RestoreBackup(
      backup_dir, static_cast<uint32_t>(std::stoul(id)), data_dir);
  if (!restored.ok()) {
    std::fprintf(stderr, "claimgraphd restore-backup: %s\n",
                 std::string(restored.message()).c_str());
    return 1;
  }
  std::printf("restored backup %s into %s\n", id.c_str(), data_dir.c_str());
  return 0;
}

int BulkLoadCommand(const std::vector<std::string>& arguments) {
  std::string data_dir = FlagValue(arguments, "data-dir"), file = FlagValue(arguments, "file");
  if (data_dir.empty() || file.empty()) {
    std::fprintf(
        stderr,
        "usage: claimgraphd bulk-load --data-dir DIR --file FILE|- [--strict] [--batch-size N] "
        "[--memory-mb N] [--staging-mb N] [--schema FILE]   (server stopped)\n");
    return 2;
  }
  std::shared_ptr<const claimgraph::schema::SchemaRegistry> schema;
  std::string schema_path = FlagValue(arguments, "schema");
  auto loaded = schema_path.empty()
                    ? claimgraph::schema::SchemaRegistry::LoadText(
                          claimgraph::service::kDefaultSchemaText, "default.textproto")
                    : claimgraph::schema::SchemaRegistry::LoadTextFile(schema_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "claimgraphd bulk-load: %s\n",
                 std::string(loaded.status().message()).c_str());
    return 1;
  }
  schema = std::move(*loaded);
  claimgraph::DatabaseOptions options;
  options.storage.path = data_dir;
  options.storage.sync_writes = false;  // each move into RocksDB is an atomic file ingestion
  options.schema = schema;
  claimgraph::exchange::OfflineLoadOptions load;
  load.import.mode = std::find(arguments.begin(), arguments.end(), "--strict") != arguments.end()
                         ? claimgraph::ImportMode::kStrict
                         : claimgraph::ImportMode::kLenient;
  std::string batch = FlagValue(arguments, "batch-size");
  if (!batch.empty()) load.import.batch_size = std::stoul(batch);
  // The load's memory budget (default a quarter of the machine's), split between staged
  // writes, id resolutions and the block cache; --staging-mb then sets the staged share alone
  // (twice it is held while one spill runs).
  std::string memory_mb = FlagValue(arguments, "memory-mb");
  load.memory_bytes = memory_mb.empty() ? claimgraph::exchange::DefaultLoadMemoryBytes()
                                        : std::stoull(memory_mb) << 20;
  std::string staging_mb = FlagValue(arguments, "staging-mb");
  if (!staging_mb.empty()) {
    auto shares = claimgraph::exchange::SplitMemoryBudget(load.memory_bytes);
    load.memory_bytes = 0;
    load.max_staged_bytes = std::stoull(staging_mb) << 20;
    load.resolution_cache_bytes = shares.resolution_cache_bytes;
    options.storage.cache_bytes = shares.cache_bytes;
  }
  std::ifstream in;
  std::istream* input = &std::cin;
  if (file != "-") {
    in.open(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "claimgraphd bulk-load: cannot read %s\n", file.c_str());
      return 1;
    }
    input = &in;
  }
  std::error_code size_error;
  uint64_t input_bytes = file == "-" ? 0 : std::filesystem::file_size(file, size_error);
  if (size_error) input_bytes = 0;
  claimgraph::service::BulkLoadDisplay display(stderr, ::isatty(STDERR_FILENO) != 0, input_bytes);
  load.progress = [&](const claimgraph::exchange::LoadProgress& now, double previous) {
    display.Update(now, previous);
  };
  auto started = std::chrono::steady_clock::now();
  auto summary = claimgraph::exchange::OfflineLoad(
      options, input, load, claimgraph::WriteContext{"claimgraphd bulk-load"});
  if (!summary.ok()) {
    std::fprintf(stderr, "claimgraphd bulk-load: %s\n",
                 std::string(summary.status().message()).c_str());
    return 1;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  claimgraph::v1::ImportSummary proto;
  claimgraph::service::ToProto(*summary, &proto);
  std::string json;
  google::protobuf::util::MessageToJsonString(proto, &json);
  std::printf("%s\n", json.c_str());
  display.PrintSummary(*summary, data_dir);
  std::fprintf(stderr, "bulk-load: %llu records in %.1f s (%.0f records/s), %llu rejected\n",
               static_cast<unsigned long long>(summary->records_seen), seconds,
               seconds > 0 ? static_cast<double>(summary->records_seen) / seconds : 0.0,
               static_cast<unsigned long long>(summary->rejected_total));
  return summary->rejected_total > 0 ? 65 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil checks every absl::Mutex acquisition for lock-order cycles, a debugging aid
  // that costs 1.5-2.5% of the server's CPU (gRPC locks several per call); off, as in an
  // optimised Abseil build.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (!arguments.empty() && arguments[0].rfind("--", 0) != 0) {
    std::string subcommand = arguments[0];
    arguments.erase(arguments.begin());
    if (subcommand == "hash-token") return HashTokenCommand();
    if (subcommand == "verify") return VerifyCommand(arguments);
    if (subcommand == "restore-backup") return RestoreCommand(arguments);
    if (subcommand == "bulk-load") return BulkLoadCommand(arguments);
    std::fprintf(stderr,
                 "claimgraphd: unknown subcommand '%s' (hash-token, verify, restore-backup, "
                 "bulk-load; or flags, see --help)\n",
                 subcommand.c_str());
    return 2;
  }
  auto command = claimgraph::service::ParseServerFlags(arguments);
  if (!command.ok()) {
    std::fprintf(stderr, "claimgraphd: %s\n", std::string(command.status().message()).c_str());
    return 2;
  }
  if (command->help) {
    std::fputs(claimgraph::service::ServerFlagsHelp().c_str(), stdout);
    return 0;
  }
  if (command->version) {
    std::printf("claimgraphd %s\n", command->options.version.c_str());
    return 0;
  }
  claimgraph::service::SetLogLevel(command->log_level);

  // Signals are taken by one thread with sigwait, so handlers never run inside gRPC or RocksDB.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = claimgraph::service::ClaimGraphServer::Start(command->options);
  if (!server.ok()) {
    std::fprintf(stderr, "claimgraphd: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  for (const auto& file : command->load_files) {
    if (!LoadFile((*server)->database(), file)) return 1;
  }
  // Tests and scripts read the chosen port from this line.
  if ((*server)->metrics_port() != 0)
    std::printf("claimgraphd metrics on port %d\n", (*server)->metrics_port());
  std::printf("claimgraphd listening on port %d\n", (*server)->port());
  std::fflush(stdout);

  std::thread signal_thread([&signals, &server]() {
    int signal = 0;
    sigwait(&signals, &signal);
    Log(LogLevel::kInfo, "signal received, draining", {{"signal", StrCat(signal)}});
    // A second signal exits at once: every acknowledged write is already in the WAL.
    std::thread([&signals]() {
      int second = 0;
      sigwait(&signals, &second);
      Log(LogLevel::kWarn, "second signal, exiting now", {{"signal", StrCat(second)}});
      std::_Exit(3);
    }).detach();
    (*server)->Shutdown();
  });
  (*server)->Wait();
  signal_thread.join();
  server->reset();
  return 0;
}
