// Importer: bad records of every kind in both modes, strict stop and resume, idempotent re-runs,
// references within one batch, and the bounded rejection list.
#include "engine/exchange/importer.h"

#include "exchange_test_support.h"

namespace claimgraph::exchange {
namespace {

using testing::Describe;
using testing::Export;
using testing::Import;
using testing::OpenTestDatabase;
using testing::TempDir;

// Good records interleaved with one bad record of every kind. Index: what the line is.
const char* const kMixed[] = {
    R"({"entity":{"id":"kirby","type":"person","name":"John Kirby"}})",   // 0
    R"({"entity":{"id":"nsc","type":"government_body","name":"NSC"}})",   // 1
    R"({"entity":{"id":"iran","type":"country","name":"Iran"}})",         // 2
    R"({"entity":{"id":"russia","type":"country","name":"Russia"}})",     // 3
    R"({"source":{"id":"wh","title":"Briefing","publisher_id":"nsc"}})",  // 4
    R"({"entity":{"id":"broken")",                                        // 5 malformed JSON
    R"({"entity":{"id":"x","type":"person","colour":"red"}})",            // 6 unknown field
    R"({})",                                                              // 7 empty record
    R"({"entity":{"id":"blob","type":"spaceship","name":"Blob"}})",       // 8 unknown type
    R"({"source":{"id":"copy","derived_from":[{"type":"DERIVATION_TYPE_REPUBLISHES","source_id":"nowhere"}]}})",  // 9 unknown reference
    R"({"claim":{"id":"c1","statement":{"subject_id":"iran","predicate":"supplies","object":{"entity_id":"russia"}},"act":"CLAIM_ACT_ASSERTS","stance":"STANCE_SUPPORTS","claimant":{"entity_id":"kirby"},"on_behalf_of_id":"nsc","source_id":"wh"}})",  // 10 good
    R"({"claim":{"id":"c2","statement":{"subject_id":"iran","predicate":"supplies","object":{"entity_id":"russia"}},"stance":"STANCE_SUPPORTS","claimant":{"entity_id":"kirby"}}})",  // 11 no act
    R"({"claim":{"id":"c3","statement":{"subject_id":"iran","predicate":"supplies","object":{"entity_id":"russia"}},"act":"CLAIM_ACT_SAYS","stance":"STANCE_SUPPORTS","claimant":{"entity_id":"kirby"},"confidence":2}})",  // 12 confidence
    R"({"claim":{"id":"c4","statement":{"subject_id":"iran","predicate":"supplies","object":{"entity_id":"russia"}},"act":"CLAIM_ACT_SAYS","stance":"STANCE_SUPPORTS","claimant":{"entity_id":"ghost"}}})",  // 13 unknown claimant
    R"({"claim":{"id":"c5","statement":{"subject_id":"iran","predicate":"teleports","object":{"entity_id":"russia"}},"act":"CLAIM_ACT_SAYS","stance":"STANCE_SUPPORTS","claimant":{"entity_id":"kirby"}}})",  // 14 unknown predicate
    R"({"claim":{"id":"c6","statement":{"subject_id":"wh","predicate":"supplies","object":{"entity_id":"russia"}},"act":"CLAIM_ACT_SAYS","stance":"STANCE_SUPPORTS","claimant":{"entity_id":"kirby"}}})",  // 15 subject is not an entity
    R"({"assessment":{"id":"a1","assessor_id":"nsc","target":{"claim_id":"c1"}}})",  // 16 no
                                                                                     // verdict
    R"({"assessment":{"id":"a2","assessor_id":"nsc","target":{"claim_id":"c1"},"verdict":"VERDICT_TRUE"}})",  // 17 good
    R"({"lifecycle_event":{"id":"e1","target":{"claim_id":"c1"},"actor_id":"kirby"}})",  // 18 no
                                                                                         // kind
    R"({"lifecycle_event":{"id":"e2","kind":"LIFECYCLE_KIND_RETRACTION","target":{"claim_id":"c1"},"actor_id":"russia"}})",  // 19 not the claimant
    R"({"lifecycle_event":{"id":"e3","kind":"LIFECYCLE_KIND_RETRACTION","target":{"claim_id":"c1"},"actor_id":"kirby"}})",  // 20 good
};
constexpr uint64_t kBad[] = {5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19};

std::string MixedFile() {
  std::string text;
  for (const char* line : kMixed) text += StrCat(line, "\n");
  return text;
}

TEST_CASE("lenient import applies the good records and reports every bad one with its reason") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.batch_size = 4;
  auto summary = Import(database.get(), MixedFile(), options);
  INFO(Describe(summary));
  REQUIRE(summary.rejections.size() == std::size(kBad));
  for (size_t i = 0; i < std::size(kBad); ++i) CHECK(summary.rejections[i].index == kBad[i]);
  CHECK(summary.rejected_total == std::size(kBad));
  CHECK_FALSE(summary.stopped);
  CHECK(summary.next_index == std::size(kMixed));
  auto message = [&](size_t i) { return std::string(summary.rejections[i].error.message()); };
  CHECK(message(0).rfind("line 6: ", 0) == 0);
  CHECK(message(1).find("colour") != std::string::npos);
  CHECK(message(2).rfind("record: ", 0) == 0);
  CHECK(message(3).rfind("entity.type: ", 0) == 0);
  CHECK(message(4).rfind("source.derived_from[0].source_id: ", 0) == 0);
  CHECK(message(5).rfind("claim.act: ", 0) == 0);
  CHECK(message(6).rfind("claim.confidence: ", 0) == 0);
  CHECK(message(7).rfind("claim.claimant.entity_id: ", 0) == 0);
  CHECK(message(8).rfind("claim.statement.predicate: ", 0) == 0);
  CHECK(message(9).rfind("claim.statement.subject_id: ", 0) == 0);
  CHECK(message(10).rfind("assessment.verdict: ", 0) == 0);
  CHECK(message(11).rfind("lifecycle_event.kind: ", 0) == 0);
  CHECK(message(12).rfind("lifecycle_event.actor_id: ", 0) == 0);

  CHECK(summary.entities.created == 4);
  CHECK(summary.entities.rejected == 1);
  CHECK(summary.sources.created == 1);
  CHECK(summary.sources.rejected == 1);
  CHECK(summary.claims.created == 1);
  CHECK(summary.claims.rejected == 5);
  CHECK(summary.assessments.created == 1);
  CHECK(summary.lifecycle_events.created == 1);
  CHECK(summary.unreadable.rejected == 3);
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  auto claim = (*view)->GetClaim("c1");
  REQUIRE(claim.ok());
  CHECK(claim->status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(absl::IsNotFound((*view)->GetClaim("c2").status()));
  CHECK(absl::IsNotFound((*view)->GetEntity("blob").status()));
}

TEST_CASE("strict import stops at the first bad record, keeps what came before, and resumes") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.mode = ImportMode::kStrict;
  options.batch_size = 3;
  auto first = Import(database.get(), MixedFile(), options);
  CHECK(first.stopped);
  CHECK(first.stopped_at == 5);
  CHECK(first.next_index == 5);
  CHECK(first.rejected_total == 1);
  CHECK(first.entities.created == 4);
  CHECK(first.sources.created == 1);
  CHECK(std::string(first.rejections.at(0).error.message()).rfind("line 6: ", 0) == 0);

  // A record rejected by validation inside a batch: the batch's earlier records are committed.
  options.resume_from = 6;
  auto second = Import(database.get(), MixedFile(), options);
  CHECK(second.stopped);
  CHECK(second.stopped_at == 6);
  CHECK(second.records_skipped == 6);

  options.resume_from = 10;
  auto third = Import(database.get(), MixedFile(), options);
  CHECK(third.stopped);
  CHECK(third.stopped_at == 11);
  CHECK(third.claims.created == 1);
  CHECK(third.next_index == 11);
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  CHECK((*view)->GetClaim("c1").ok());
  CHECK((*view)->GetEntity("russia").ok());
  CHECK(absl::IsNotFound((*view)->GetEntity("blob").status()));
}

TEST_CASE(
    "a strict import that stops on a validation failure mid-batch commits the records before it") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.mode = ImportMode::kStrict;
  options.batch_size = 100;
  std::string text = StrCat(kMixed[0], "\n", kMixed[1], "\n", kMixed[8], "\n", kMixed[2], "\n");
  auto summary = Import(database.get(), text, options);
  CHECK(summary.stopped);
  CHECK(summary.stopped_at == 2);
  CHECK(summary.entities.created == 2);
  CHECK(summary.entities.rejected == 1);
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  CHECK((*view)->GetEntity("nsc").ok());
  CHECK(absl::IsNotFound((*view)->GetEntity("iran").status()));
}

TEST_CASE("strict import names the first bad line as the resume point, whatever follows it") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.mode = ImportMode::kStrict;
  // [good, bad type, unknown field, good], a blank line first: file lines 2..5.
  std::string text = StrCat("\n", kMixed[0], "\n", kMixed[8], "\n", kMixed[6], "\n", kMixed[2], "\n");
  auto summary = Import(database.get(), text, options);
  INFO(Describe(summary));
  CHECK(summary.stopped);
  CHECK(summary.rejected_total == 1);
  REQUIRE(summary.rejections.size() == 1);
  CHECK(summary.rejections[0].line == 3);
  CHECK(summary.stopped_at == 1);
  CHECK(summary.stopped_at_line == 3);
  CHECK(summary.next_line == 3);
  CHECK(summary.entities.created == 1);
}

TEST_CASE("lenient import reports rejections by file line, blank lines counted") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  std::string text = StrCat(kMixed[0], "\n\n", kMixed[5], "\n", kMixed[1], "\n\xff\xfe\n",
                            kMixed[8], "\n\n");
  auto summary = Import(database.get(), text, ImportOptions{});
  INFO(Describe(summary));
  REQUIRE(summary.rejections.size() == 3);
  CHECK(summary.rejections[0].line == 3);
  CHECK(summary.rejections[1].line == 5);
  CHECK(std::string(summary.rejections[1].error.message()) == "line 5: is not valid UTF-8");
  CHECK(summary.rejections[2].line == 6);
  CHECK(summary.entities.created == 2);
  CHECK(summary.next_line == 8);
}

TEST_CASE("references to records earlier in the same batch resolve") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.batch_size = 1000;
  options.mode = ImportMode::kStrict;
  std::string text;
  for (int i : {0, 1, 2, 3, 4, 10, 17, 20}) text += StrCat(kMixed[i], "\n");
  auto summary = Import(database.get(), text, options);
  INFO(Describe(summary));
  CHECK(summary.rejected_total == 0);
  CHECK(summary.claims.created == 1);
  CHECK(summary.lifecycle_events.created == 1);
}

TEST_CASE("importing the same file twice changes nothing the second time") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  std::string data = testing::Generate(11, 120, 600);
  ImportOptions options;
  options.batch_size = 97;
  auto first = Import(database.get(), data, options);
  INFO(Describe(first));
  REQUIRE(first.rejected_total == 0);
  std::string before = Export(database.get());
  auto stats_before = database->GetStats();
  REQUIRE(stats_before.ok());

  auto second = Import(database.get(), data, options);
  CHECK(second.rejected_total == 0);
  CHECK(second.claims.created == 0);
  CHECK(second.claims.unchanged == first.claims.created);
  CHECK(second.entities.created == 0);
  CHECK(second.entities.updated == 0);
  CHECK(second.entities.unchanged == first.entities.created);
  CHECK(second.assessments.created == 0);
  CHECK(second.lifecycle_events.created == 0);
  CHECK(second.sources.created == 0);
  // Only the sources the file gives twice (a later update closing a derivation cycle) get a new
  // version on the re-run, and end where they were.
  CHECK(second.sources.updated == 2 * first.sources.updated);
  CHECK(Export(database.get()) == before);
  auto stats_after = database->GetStats();
  REQUIRE(stats_after.ok());
  CHECK(stats_after->claims == stats_before->claims);
  CHECK(stats_after->statements == stats_before->statements);
  CHECK(stats_after->entities == stats_before->entities);
}

TEST_CASE("the rejection list is bounded but every rejection is counted") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  std::string text;
  for (int i = 0; i < 50; ++i) text += "{\"entity\":{\"id\":\"\"}}\n";
  ImportOptions options;
  options.max_reported_rejections = 10;
  auto summary = Import(database.get(), text, options);
  CHECK(summary.rejected_total == 50);
  CHECK(summary.entities.rejected == 50);
  CHECK(summary.rejections.size() == 10);
  CHECK(summary.rejections.back().index == 9);
}

TEST_CASE("import options are checked") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  ImportOptions options;
  options.batch_size = 0;
  auto importer = Importer::Create(database.get(), options, WriteContext{});
  CHECK(absl::IsInvalidArgument(importer.status()));
  CHECK(std::string(importer.status().message()).rfind("batch_size: ", 0) == 0);
}

}  // namespace
}  // namespace claimgraph::exchange
