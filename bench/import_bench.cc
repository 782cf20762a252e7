// import_bench: measures loading an NDJSON file (from generate_claims) into a new database,
// either through the streaming import path in process (Database::ApplyRecords batches, synced
// writes) or through the offline loader (sorted files ingested), then compacts and reports the
// rate, the records' outcome counts and the bytes on disk per claim. Run it under
// /usr/bin/time -v for peak memory. Usage:
//   import_bench --mode stream|offline --input FILE --db NEW_DIR [--batch-size N]
//                [--sync true|false] [--schema schema/default.textproto]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/database.h"
#include "engine/exchange/importer.h"
#include "engine/exchange/ndjson.h"
#include "engine/exchange/offline_loader.h"
#include "engine/strings.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "import_bench: %s\n", message.c_str());
  return 1;
}

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace claimgraph;
  std::string mode, input_path, db_path, schema_path = "schema/default.textproto";
  size_t batch_size = 1000;
  bool sync = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--mode")
      mode = value;
    else if (flag == "--input")
      input_path = value;
    else if (flag == "--db")
      db_path = value;
    else if (flag == "--schema")
      schema_path = value;
    else if (flag == "--batch-size")
      batch_size = std::stoull(value);
    else if (flag == "--sync")
      sync = value == "true";
    else
      return Fail(StrCat("unknown flag ", flag));
  }
  if (mode == "parse" && !input_path.empty()) {
    // The NDJSON parsing cost alone, to separate it from the write path.
    std::ifstream input(input_path, std::ios::binary);
    exchange::NdjsonReader reader(&input);
    exchange::NdjsonLine line;
    uint64_t records = 0, bad = 0;
    auto start = std::chrono::steady_clock::now();
    while (true) {
      auto more = reader.Next(&line);
      if (!more.ok()) return Fail(std::string(more.status().message()));
      if (!*more) break;
      ++records;
      bad += line.status.ok() ? 0 : 1;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("mode=parse records=%llu unreadable=%llu parse_s=%.2f records_per_s=%.0f\n",
                static_cast<unsigned long long>(records), static_cast<unsigned long long>(bad),
                seconds, static_cast<double>(records) / seconds);
    return 0;
  }
  if ((mode != "stream" && mode != "offline") || input_path.empty() || db_path.empty()) {
    return Fail("usage: --mode stream|offline|parse --input FILE [--db NEW_DIR]");
  }
  if (std::filesystem::exists(db_path))
    return Fail(StrCat(db_path, " exists: give a new directory"));
  auto schema = schema::SchemaRegistry::LoadTextFile(schema_path);
  if (!schema.ok()) return Fail(std::string(schema.status().message()));
  std::ifstream input(input_path, std::ios::binary);
  if (!input) return Fail(StrCat("cannot read ", input_path));

  DatabaseOptions options;
  options.schema = std::shared_ptr<const schema::SchemaRegistry>(std::move(*schema));
  options.storage.path = db_path;
  options.storage.sync_writes = sync;
  exchange::ImportOptions import;
  import.batch_size = batch_size;
  import.mode = ImportMode::kLenient;

  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<exchange::ImportSummary> summary;
  double load_seconds = 0;
  if (mode == "stream") {
    auto database = Database::Open(options);
    if (!database.ok()) return Fail(std::string(database.status().message()));
    // ImportNdjson's loop, timed in two parts: reading JSON, and applying batches.
    auto importer = exchange::Importer::Create(database->get(), import, WriteContext{"bench"});
    if (!importer.ok()) return Fail(std::string(importer.status().message()));
    exchange::NdjsonReader reader(&input);
    exchange::NdjsonLine line;
    double apply_seconds = 0;
    absl::Status status;
    while (status.ok()) {
      auto more = reader.Next(&line);
      if (!more.ok() || !*more) {
        status = more.status();
        break;
      }
      auto apply_start = std::chrono::steady_clock::now();
      status = line.status.ok() ? importer->Add(std::move(line.record))
                                : importer->AddUnreadable(line.status);
      apply_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - apply_start).count();
    }
    auto apply_start = std::chrono::steady_clock::now();
    if (status.ok()) status = importer->Finish();
    apply_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - apply_start).count();
    if (!status.ok()) return Fail(std::string(status.message()));
    summary = importer->summary();
    load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t applied_claims = summary->claims.created + summary->claims.unchanged;
    std::printf("apply_s=%.2f apply_claims_per_s=%.0f apply_records_per_s=%.0f\n", apply_seconds,
                static_cast<double>(applied_claims) / apply_seconds,
                static_cast<double>(summary->records_seen) / apply_seconds);
    if (summary.ok()) {
      auto compacted = (*database)->Compact();
      if (!compacted.ok()) return Fail(std::string(compacted.message()));
    }
  } else {
    exchange::OfflineLoadOptions load;
    load.import = import;
    load.compact = false;
    summary = exchange::OfflineLoad(options, &input, load, WriteContext{"bench"});
    load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (summary.ok()) {
      auto database = Database::Open(options);
      if (!database.ok()) return Fail(std::string(database.status().message()));
      auto compacted = (*database)->Compact();
      if (!compacted.ok()) return Fail(std::string(compacted.message()));
    }
  }
  if (!summary.ok()) return Fail(std::string(summary.status().message()));
  double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t claims = summary->claims.created + summary->claims.unchanged;
  uint64_t bytes = DirectoryBytes(db_path);
  std::printf(
      "mode=%s batch_size=%zu sync=%d records=%llu rejected=%llu claims=%llu load_s=%.2f "
      "claims_per_s=%.0f records_per_s=%.0f load_and_compact_s=%.2f disk_bytes=%llu "
      "bytes_per_claim=%.1f\n",
      mode.c_str(), batch_size, sync ? 1 : 0,
      static_cast<unsigned long long>(summary->records_seen),
      static_cast<unsigned long long>(summary->rejected_total),
      static_cast<unsigned long long>(claims), load_seconds,
      static_cast<double>(claims) / load_seconds,
      static_cast<double>(summary->records_seen) / load_seconds, total_seconds,
      static_cast<unsigned long long>(bytes), claims ? static_cast<double>(bytes) / claims : 0.0);
  for (const auto& rejection : summary->rejections) {
    std::fprintf(stderr, "rejected %llu: %s\n", static_cast<unsigned long long>(rejection.index),
                 std::string(rejection.error.message()).c_str());
  }
  return 0;
}
