// Exporter: exact round trips, dependency order (derivation cycles included), subgraphs that
// import cleanly on their own, and as_of.
#include "engine/exchange/exporter.h"

#include <fstream>

#include "exchange_test_support.h"

namespace claimgraph::exchange {
namespace {

using testing::Describe;
using testing::Export;
using testing::Import;
using testing::OpenTestDatabase;
using testing::TempDir;

size_t CountLines(const std::string& text, std::string_view needle = "") {
  size_t count = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.compare(start, end - start, "") != 0 &&
        (needle.empty() || std::string_view(text).substr(start, end - start).find(needle) !=
                               std::string_view::npos)) {
      ++count;
    }
    start = end + 1;
  }
  return count;
}

TEST_CASE("export then import into an empty database then export gives identical output") {
  TempDir dir;
  auto original = OpenTestDatabase(dir.path("original"));
  auto loaded = Import(original.get(), testing::Generate(5, 150, 900));
  INFO(Describe(loaded));
  REQUIRE(loaded.rejected_total == 0);
  std::string first = Export(original.get());
  CHECK(first.find("recorded_at") == std::string::npos);
  CHECK(first.find("recorded_by") == std::string::npos);
  CHECK(CountLines(first, "\"claim\"") == 900);

  auto copy = OpenTestDatabase(dir.path("copy"));
  ImportOptions strict;
  strict.mode = ImportMode::kStrict;
  auto reloaded = Import(copy.get(), first, strict);
  INFO(Describe(reloaded));
  REQUIRE(reloaded.rejected_total == 0);
  CHECK(reloaded.claims.created == 900);
  std::string second = Export(copy.get());
  CHECK(second == first);
  // And the export of one state is stable.
  CHECK(Export(copy.get()) == second);
}

TEST_CASE("export orders sources so that derivation cycles and forward links import cleanly") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path("a"));
  std::string text =
      R"({"entity":{"id":"wire","type":"news_organisation","name":"Wire"}})"
      "\n"
      R"({"source":{"id":"b","title":"B","publisher_id":"wire"}})"
      "\n"
      R"({"source":{"id":"a","title":"A","derived_from":[{"type":"DERIVATION_TYPE_REPUBLISHES","source_id":"b"}]}})"
      "\n"
      R"({"source":{"id":"b","title":"B","publisher_id":"wire","derived_from":[{"type":"DERIVATION_TYPE_CITES","source_id":"a"}]}})"
      "\n";
  auto summary = Import(database.get(), text);
  REQUIRE(summary.rejected_total == 0);
  std::string exported = Export(database.get());
  // a is emitted first without its link to b, then b whole, then a whole.
  CHECK(CountLines(exported, "\"source\"") == 3);
  auto copy = OpenTestDatabase(dir.path("b"));
  ImportOptions strict;
  strict.mode = ImportMode::kStrict;
  auto reloaded = Import(copy.get(), exported, strict);
  INFO(Describe(reloaded));
  CHECK(reloaded.rejected_total == 0);
  CHECK(Export(copy.get()) == exported);
}

TEST_CASE("a subgraph export holds what its entities' statements refer to and imports alone") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path("a"));
  REQUIRE(Import(database.get(), testing::Generate(9, 150, 900)).rejected_total == 0);
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  // The busiest subject: low-numbered entities are the hubs of the power law.
  auto page = (*view)->ListClaims(ClaimQuery{}, 1, "");
  REQUIRE(page.ok());
  REQUIRE(page->items.size() == 1);
  std::string root = page->items[0].statement().subject_id();
  ExportOptions options;
  options.subgraph_entities = {root};
  std::string subgraph = Export(database.get(), options);
  CHECK(subgraph.find(StrCat("\"subject_id\":\"", root, "\"")) != std::string::npos);
  size_t claims = CountLines(subgraph, "\"claim\"");
  CHECK(claims > 0);
  CHECK(claims < 900);

  auto copy = OpenTestDatabase(dir.path("b"));
  ImportOptions strict;
  strict.mode = ImportMode::kStrict;
  auto reloaded = Import(copy.get(), subgraph, strict);
  INFO(Describe(reloaded));
  CHECK(reloaded.rejected_total == 0);
  CHECK(reloaded.claims.created == claims);
  CHECK(Export(copy.get(), options) == subgraph);

  options.subgraph_entities = {"no_such_entity"};
  auto missing_view = database->NewReadView();
  REQUIRE(missing_view.ok());
  auto status = ExportRecords(**missing_view, options,
                              [](const v1::ImportRecord&) { return absl::OkStatus(); });
  CHECK(absl::IsNotFound(status));
}

TEST_CASE("export as of a time leaves out what was recorded later") {
  TempDir dir;
  std::string data = testing::Generate(3, 100, 400);
  size_t half = data.size() / 2;
  half = data.find('\n', half) + 1;
  auto clock = testing::NewTestClock();
  auto database = OpenTestDatabase(dir.path("a"), clock);
  REQUIRE(Import(database.get(), data.substr(0, half)).rejected_total == 0);
  // The last time the clock handed out: every record so far was recorded at or before it.
  uint64_t as_of = clock->load() - 1;
  std::string early = Export(database.get(), {}, as_of);
  REQUIRE(Import(database.get(), data.substr(half)).rejected_total == 0);
  CHECK(Export(database.get(), {}, as_of) != Export(database.get()));

  auto partial = OpenTestDatabase(dir.path("b"));
  REQUIRE(Import(partial.get(), data.substr(0, half)).rejected_total == 0);
  CHECK(Export(database.get(), {}, as_of) == Export(partial.get()));
  CHECK(early == Export(partial.get()));
}

TEST_CASE("a failing visitor stops the export with its status") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  REQUIRE(Import(database.get(), testing::Generate(1, 60, 50)).rejected_total == 0);
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  int seen = 0;
  auto status = ExportRecords(**view, {}, [&](const v1::ImportRecord&) {
    return ++seen == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  CHECK(absl::IsCancelled(status));
  CHECK(seen == 3);
}

}  // namespace
}  // namespace claimgraph::exchange

namespace claimgraph::exchange {
namespace {

TEST_CASE("the sample data imports strictly and round trips through export exactly") {
  std::ifstream file(CLAIMGRAPH_SOURCE_DIR "/data/sample/claims.ndjson");
  REQUIRE(file.good());
  std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  testing::TempDir dir;
  auto database = testing::OpenTestDatabase(dir.path("a"));
  ImportOptions strict;
  strict.mode = ImportMode::kStrict;
  auto summary = testing::Import(database.get(), data, strict);
  INFO(testing::Describe(summary));
  REQUIRE(summary.rejected_total == 0);
  CHECK(summary.claims.created > 10);
  std::string first = testing::Export(database.get());
  auto copy = testing::OpenTestDatabase(dir.path("b"));
  auto reloaded = testing::Import(copy.get(), first, strict);
  INFO(testing::Describe(reloaded));
  CHECK(reloaded.rejected_total == 0);
  CHECK(testing::Export(copy.get()) == first);
}

}  // namespace
}  // namespace claimgraph::exchange
