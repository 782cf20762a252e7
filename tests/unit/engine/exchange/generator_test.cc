// The claims generator: deterministic, and its output imports with no rejected record.
#include "claims_generator.h"

#include "exchange_test_support.h"

namespace claimgraph::bench {
namespace {

using exchange::testing::Describe;
using exchange::testing::Generate;
using exchange::testing::Import;
using exchange::testing::OpenTestDatabase;
using exchange::testing::TempDir;

TEST_CASE("the generator gives byte-identical output for one seed and different for another") {
  std::string a = Generate(42, 200, 1500);
  CHECK(a == Generate(42, 200, 1500));
  CHECK(a != Generate(43, 200, 1500));
  CHECK(a.size() > 100000);
}

TEST_CASE("generated data has the shapes the benchmarks rely on and imports without rejections") {
  GeneratorOptions options;
  options.seed = 8;
  options.entities = 300;
  options.claims = 3000;
  std::map<std::string, int> predicates;
  std::map<uint64_t, int> subject_degree;
  std::string text;
  auto counts = GenerateClaims(options, *exchange::testing::DefaultSchema(),
                               [&](const v1::ImportRecord& record) {
                                 if (record.has_claim() && record.claim().has_statement()) {
                                   ++predicates[record.claim().statement().predicate()];
                                 }
                                 auto line = exchange::RecordToJsonLine(record);
                                 text += *line + "\n";
                                 return absl::OkStatus();
                               });
  REQUIRE(counts.ok());
  CHECK(counts->entities == 300);
  CHECK(counts->claims == 3000);
  CHECK(counts->relays > 100);
  CHECK(counts->source_updates >= 1);
  CHECK(counts->assessments > 10);
  CHECK(counts->lifecycle_events > 10);
  CHECK(predicates.size() > 15);
  CHECK(text.find("\"on_behalf_of_id\"") != std::string::npos);
  CHECK(text.find("DERIVATION_TYPE_REPUBLISHES") != std::string::npos);
  CHECK(text.find("DERIVATION_TYPE_QUOTES") != std::string::npos);
  CHECK(text.find("LIFECYCLE_KIND_RETRACTION") != std::string::npos);
  CHECK(text.find("\"quote\"") != std::string::npos);

  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  exchange::ImportOptions strict;
  strict.mode = ImportMode::kStrict;
  auto summary = Import(database.get(), text, strict);
  INFO(Describe(summary));
  CHECK(summary.rejected_total == 0);
  CHECK(summary.claims.created == 3000);
  CHECK(summary.sources.updated == counts->source_updates);
}

TEST_CASE("generator options are checked") {
  GeneratorOptions options;
  options.entities = 3;
  auto counts = GenerateClaims(options, *exchange::testing::DefaultSchema(),
                               [](const v1::ImportRecord&) { return absl::OkStatus(); });
  CHECK(absl::IsInvalidArgument(counts.status()));
}

}  // namespace
}  // namespace claimgraph::bench
