// Shared fixtures of the exchange tests: temporary databases with a deterministic clock, the
// default schema, generated NDJSON, and exports as text.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

#include "claims_generator.h"
#include "engine/database.h"
#include "engine/exchange/exporter.h"
#include "engine/exchange/importer.h"
#include "engine/exchange/ndjson.h"
#include "engine/strings.h"

namespace claimgraph::exchange::testing {

inline std::shared_ptr<const schema::SchemaRegistry> DefaultSchema() {
  static auto schema = [] {
    auto loaded =
        schema::SchemaRegistry::LoadTextFile(CLAIMGRAPH_SOURCE_DIR "/schema/default.textproto");
    REQUIRE(loaded.ok());
    return std::shared_ptr<const schema::SchemaRegistry>(std::move(*loaded));
  }();
  return schema;
}

// A directory removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            StrCat("claimgraph-exchange-", ::getpid(), "-", counter.fetch_add(1));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path(const std::string& name = "db") const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Options with a clock that starts at the same instant in every test database and advances one
// microsecond per read, so two databases fed the same batches hold identical bytes.
using TestClock = std::shared_ptr<std::atomic<uint64_t>>;
inline TestClock NewTestClock() {
  return std::make_shared<std::atomic<uint64_t>>(1'700'000'000'000'000ull);
}

inline DatabaseOptions TestOptions(const std::string& path, TestClock now = NewTestClock()) {
  DatabaseOptions options;
  options.schema = DefaultSchema();
  options.storage.path = path;
  options.storage.sync_writes = false;
  options.storage.cache_bytes = 8u << 20;
  options.clock = [now] { return now->fetch_add(1); };
  return options;
}

inline std::unique_ptr<Database> OpenTestDatabase(const std::string& path,
                                                  TestClock clock = NewTestClock()) {
  auto database = Database::Open(TestOptions(path, std::move(clock)));
  REQUIRE_MESSAGE(database.ok(), std::string(database.status().message()));
  return *std::move(database);
}

inline std::string Generate(uint64_t seed, uint64_t entities, uint64_t claims) {
  bench::GeneratorOptions options;
  options.seed = seed;
  options.entities = entities;
  options.claims = claims;
  std::string out;
  auto counts =
      bench::GenerateClaims(options, *DefaultSchema(), [&](const v1::ImportRecord& record) {
        auto line = RecordToJsonLine(record);
        if (!line.ok()) return line.status();
        out += *line;
        out += '\n';
        return absl::OkStatus();
      });
  REQUIRE_MESSAGE(counts.ok(), std::string(counts.status().message()));
  return out;
}

inline ImportSummary Import(Database* database, const std::string& ndjson,
                            ImportOptions options = {}) {
  std::istringstream input(ndjson);
  auto summary = ImportNdjson(database, &input, options, WriteContext{"test"});
  REQUIRE_MESSAGE(summary.ok(), std::string(summary.status().message()));
  return *std::move(summary);
}

inline std::string Export(Database* database, ExportOptions options = {},
                          std::optional<uint64_t> as_of = std::nullopt) {
  auto view = database->NewReadView(as_of);
  REQUIRE(view.ok());
  std::string out;
  auto status = ExportRecords(**view, options, [&](const v1::ImportRecord& record) {
    auto line = RecordToJsonLine(record);
    if (!line.ok()) return line.status();
    out += *line;
    out += '\n';
    return absl::OkStatus();
  });
  REQUIRE_MESSAGE(status.ok(), std::string(status.message()));
  return out;
}

inline std::string Describe(const ImportSummary& summary) {
  std::string text = StrCat("rejected ", summary.rejected_total, ":");
  for (const auto& rejection : summary.rejections) {
    text += StrCat(" [", rejection.index, "] ", std::string(rejection.error.message()), ";");
  }
  return text;
}

}  // namespace claimgraph::exchange::testing
