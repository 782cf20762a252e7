// import_bench: measures loading an NDJSON file (from generate_claims) into a new database,
// either through the streaming import path in process (Database::ApplyRecords batches, synced
// writes) or through the offline loader (sorted files ingested), then compacts and reports the
// rate, the records' outcome counts and the bytes on disk per claim. Run it under
// /usr/bin/time -v for peak memory. Also the raw limit the offline loader is measured against:
// --mode raw-sst rewrites every key-value pair of a loaded database (read into memory first,
// untimed) into a new one as sorted files (SstFileWriter + one ingest), nothing else. Usage:
//   import_bench --mode stream|offline --input FILE --db NEW_DIR [--batch-size N]
//                [--sync true|false] [--score true|false] [--schema schema/default.textproto]
//   import_bench --mode raw-sst --input LOADED_DB_DIR --db NEW_DIR
//   import_bench --mode parse --input FILE
// --score (default true): stream mode installs the provenance scorer as claimgraphd does, so
// each batch rescores the statements it touched; the offline loader scores every loaded
// statement once at the end (false: it leaves dirty-score markers for claimgraphd's next start).
// CPU seconds (user + system of the whole process, background threads included) are printed beside
// wall time: on a shared machine they are the figure to compare.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "bench_cli.h"
#include "engine/database.h"
#include "engine/exchange/importer.h"
#include "engine/exchange/ndjson.h"
#include "engine/exchange/offline_loader.h"
#include "engine/provenance/corroborate.h"
#include "engine/strings.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "import_bench: %s\n", message.c_str());
  return 1;
}

// User + system CPU seconds of the process so far (all threads).
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A forward cursor over key-value pairs held in memory in key order.
class PairsCursor final : public claimgraph::storage::Cursor {
 public:
  explicit PairsCursor(const std::vector<std::pair<std::string, std::string>>& pairs)
      : pairs_(pairs) {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void SeekToFirst() override { at_ = 0; }
  void SeekToLast() override { at_ = pairs_.empty() ? 0 : pairs_.size() - 1; }
  bool Valid() const override { return at_ < pairs_.size(); }
  void Next() override { ++at_; }
  void Prev() override { at_ = at_ == 0 ? pairs_.size() : at_ - 1; }
  std::string_view key() const override { return pairs_[at_].first; }
  std::string_view value() const override { return pairs_[at_].second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::vector<std::pair<std::string, std::string>>& pairs_;
  size_t at_ = 0;
};

// --mode raw-sst: the same key-value pairs as the database at `source`, written as sorted files.
int RawSst(const std::string& source, const std::string& target) {
  using namespace claimgraph;
  storage::StoreOptions source_options;
  source_options.path = source;
  source_options.create_if_missing = false;
  source_options.read_only = true;
  auto from = storage::OpenStore(source_options);
  if (!from.ok()) return Fail(std::string(from.status().message()));
  std::vector<std::vector<std::pair<std::string, std::string>>> families(storage::kFamilyCount);
  uint64_t pairs = 0, bytes = 0;
  for (int f = 0; f < storage::kFamilyCount; ++f) {
    auto cursor = (*from)->NewCursor(nullptr, static_cast<storage::Family>(f), "", "");
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      families[f].emplace_back(std::string(cursor->key()), std::string(cursor->value()));
      bytes += cursor->key().size() + cursor->value().size();
    }
    if (!cursor->status().ok()) return Fail(std::string(cursor->status().message()));
    pairs += families[f].size();
  }
  from->reset();
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  storage::StoreOptions target_options;
  target_options.path = target;
  target_options.sync_writes = false;
  auto to = storage::OpenStore(target_options);
  if (!to.ok()) return Fail(std::string(to.status().message()));
  std::vector<std::unique_ptr<PairsCursor>> cursors;
  std::vector<storage::SortedIngest> entries;
  for (int f = 0; f < storage::kFamilyCount; ++f) {
    if (families[f].empty()) continue;
    cursors.push_back(std::make_unique<PairsCursor>(families[f]));
    entries.push_back({static_cast<storage::Family>(f), cursors.back().get()});
  }
  auto ingested = (*to)->IngestSorted(entries);
  if (!ingested.ok()) return Fail(std::string(ingested.message()));
  to->reset();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_start;
  std::printf(
      "mode=raw-sst pairs=%llu bytes=%llu write_s=%.2f pairs_per_s=%.0f cpu_s=%.2f "
      "pairs_per_cpu_s=%.0f\n",
      static_cast<unsigned long long>(pairs), static_cast<unsigned long long>(bytes), seconds,
      static_cast<double>(pairs) / seconds, cpu, static_cast<double>(pairs) / cpu);
  return 0;
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
  bool score = true;
  std::string sync_text = "true", score_text = "true";
  CLI::App app{"import_bench: claimgraph's import paths in process, on one NDJSON file",
               "import_bench"};
  app.add_option("--mode", mode, "stream, offline, raw-sst or parse")
      ->required()
      ->check(CLI::IsMember({"stream", "offline", "raw-sst", "parse"}));
  app.add_option("--input", input_path, "the NDJSON FILE")->required();
  app.add_option("--db", db_path, "a NEW_DIR for the database (not with parse)");
  app.add_option("--schema", schema_path, "the schema")->capture_default_str();
  app.add_option("--batch-size", batch_size, "records per batch")->capture_default_str();
  app.add_option("--sync", sync_text, "WAL synced per batch")
      ->check(CLI::IsMember({"true", "false"}))
      ->capture_default_str();
  app.add_option("--score", score_text, "provenance scorer on")
      ->check(CLI::IsMember({"true", "false"}))
      ->capture_default_str();
  if (auto status = bench::ParseCommandLine(app, argc, argv)) return *status;
  sync = sync_text == "true";
  score = score_text == "true";
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
  if ((mode != "stream" && mode != "offline" && mode != "raw-sst") || input_path.empty() ||
      db_path.empty()) {
    return Fail("usage: --mode stream|offline|raw-sst|parse --input FILE [--db NEW_DIR]");
  }
  if (std::filesystem::exists(db_path))
    return Fail(StrCat(db_path, " exists: give a new directory"));
  if (mode == "raw-sst") return RawSst(input_path, db_path);
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
  double cpu_start = CpuSeconds();
  double load_cpu_seconds = 0;
  absl::StatusOr<exchange::ImportSummary> summary;
  double load_seconds = 0;
  if (mode == "stream") {
    auto database = Database::Open(options);
    if (!database.ok()) return Fail(std::string(database.status().message()));
    if (score) {
      // As claimgraphd does: every committed batch rescores the statements it touched.
      auto installed = provenance::InstallStatementScorer(**database);
      if (!installed.ok()) return Fail(std::string(installed.message()));
    }
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
      status = importer->AddLine(&line);
      apply_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - apply_start).count();
    }
    auto apply_start = std::chrono::steady_clock::now();
    if (status.ok()) status = importer->Finish(reader.lines_read() + 1);
    apply_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - apply_start).count();
    if (!status.ok()) return Fail(std::string(status.message()));
    summary = importer->summary();
    load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    load_cpu_seconds = CpuSeconds() - cpu_start;
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
    // Compacted by the loader itself, as claimgraphd bulk-load does: load_s includes it.
    load.compact = true;
    load.score = score;
    summary = exchange::OfflineLoad(options, &input, load, WriteContext{"bench"});
    load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    load_cpu_seconds = CpuSeconds() - cpu_start;
  }
  if (!summary.ok()) return Fail(std::string(summary.status().message()));
  double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double total_cpu_seconds = CpuSeconds() - cpu_start;
  uint64_t claims = summary->claims.created + summary->claims.unchanged;
  uint64_t bytes = DirectoryBytes(db_path);
  std::printf(
      "mode=%s batch_size=%zu sync=%d records=%llu rejected=%llu claims=%llu load_s=%.2f "
      "claims_per_s=%.0f records_per_s=%.0f load_and_compact_s=%.2f disk_bytes=%llu "
      "bytes_per_claim=%.1f load_cpu_s=%.2f load_and_compact_cpu_s=%.2f "
      "claims_per_cpu_s=%.0f\n",
      mode.c_str(), batch_size, sync ? 1 : 0,
      static_cast<unsigned long long>(summary->records_seen),
      static_cast<unsigned long long>(summary->rejected_total),
      static_cast<unsigned long long>(claims), load_seconds,
      static_cast<double>(claims) / load_seconds,
      static_cast<double>(summary->records_seen) / load_seconds, total_seconds,
      static_cast<unsigned long long>(bytes), claims ? static_cast<double>(bytes) / claims : 0.0,
      load_cpu_seconds, total_cpu_seconds, static_cast<double>(claims) / total_cpu_seconds);
  for (const auto& rejection : summary->rejections) {
    std::fprintf(stderr, "rejected %llu: %s\n", static_cast<unsigned long long>(rejection.index),
                 std::string(rejection.error.message()).c_str());
  }
  return 0;
}
