// Database staging: the resolution cache kept across writes (external id -> internal id, entity
// types) remembers only committed facts, and cached entity types still gate the schema; batches
// written in key order keep the last write of a key; dirty-score markers under deferred scoring,
// and their rescoring by several threads at once.
#include <doctest/doctest.h>

#include <atomic>

#include "engine/database.h"
#include "engine/provenance/corroborate.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeEntity;
using testing::MakeStatement;
using testing::Must;

std::optional<uint64_t> Resolved(const testing::TestDatabase& t, keys::IdKind kind,
                                 std::string_view id) {
  return Must(t.View()->Resolve(kind, id));
}

TEST_CASE("ids allocated by a failed batch are not remembered") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  // The first two claims allocate the predicates 'supplies' and 'attacked' and their statements;
  // the third fails the batch, so none of that is committed.
  std::vector<v1::Claim> claims = {
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"),
      MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet"),
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "william_burns"),
  };
  claims[2].set_confidence(7);
  REQUIRE_FALSE(t.db->CreateClaims(claims, t.context).ok());
  // A later write that needs 'attacked' allocates it again and stores its dictionary entry; a
  // cache that had kept the failed batch's id would skip both.
  Must(t.db->CreateClaim(MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet"), "",
                         t.context));
  auto attacked = Resolved(t, keys::IdKind::kPredicate, "attacked");
  REQUIRE(attacked.has_value());
  CHECK_FALSE(Resolved(t, keys::IdKind::kPredicate, "supplies").has_value());
  CHECK(Must(t.db->GetStats()).predicates == 1);
  // The edge carries the stored predicate id, before and after a reopen (no cache).
  auto edge_predicate = [&] {
    auto view = t.View();
    auto russia = Must(view->Resolve(keys::IdKind::kEntity, "russia"));
    std::vector<uint32_t> predicates;
    REQUIRE(view->ForEachEdge(keys::kOutEdge, *russia, std::nullopt,
                              [&](const keys::EdgeKey& key, const storage::EdgeAggregate&) {
                                predicates.push_back(key.predicate);
                                return true;
                              })
                .ok());
    REQUIRE(predicates.size() == 1);
    return predicates[0];
  };
  CHECK(edge_predicate() == *attacked);
  t.Reopen();
  CHECK(Resolved(t, keys::IdKind::kPredicate, "attacked") == attacked);
  CHECK(edge_predicate() == *attacked);
  // Entities created after the reopen get fresh ids, not ones a failed batch had used.
  Must(t.db->CreateEntity(MakeEntity("belarus", "country", "Belarus"), t.context));
  auto stats = Must(t.db->GetStats());
  CHECK(Resolved(t, keys::IdKind::kEntity, "belarus") == stats.entities);
}

TEST_CASE("cached entity types still decide domains and ranges") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  // The first claims put the types of iran, russia and kyiv in the cache.
  Must(t.db->CreateClaim(MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"), "",
                         t.context));
  Must(t.db->CreateClaim(MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet"), "",
                         t.context));
  // A city cannot supply, and cannot be supplied, whether its type is cached or not.
  auto subject = t.db->CreateClaim(MakeClaim(MakeStatement("kyiv", "supplies", "russia"), "outlet"),
                                   "", t.context);
  REQUIRE_FALSE(subject.ok());
  CHECK(testing::NamesField(subject.status(), "claim.statement.subject_id"));
  auto object = t.db->CreateClaim(MakeClaim(MakeStatement("iran", "supplies", "kyiv"), "outlet"),
                                  "", t.context);
  REQUIRE_FALSE(object.ok());
  CHECK(testing::NamesField(object.status(), "claim.statement.object.entity_id"));
  // An entity created and used in the same batch (not yet cached) is checked from its record.
  std::vector<v1::ImportRecord> records(2);
  *records[0].mutable_entity() = MakeEntity("minsk", "city", "Minsk");
  *records[1].mutable_claim() = MakeClaim(MakeStatement("minsk", "supplies", "russia"), "outlet");
  auto results = Must(t.db->ApplyRecords(records, ImportMode::kLenient, t.context));
  REQUIRE(results.size() == 2);
  CHECK(results[0].outcome == WriteOutcome::kCreated);
  CHECK_FALSE(results[1].outcome.has_value());
  CHECK(testing::NamesField(results[1].error, "claim.statement.subject_id"));
}

size_t CountDirtyMarkers(Database& db) {
  auto cursor = db.store().NewCursor(nullptr, storage::Family::kMeta, "dirty",
                                     keys::PrefixSuccessor("dirty"));
  size_t count = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) ++count;
  REQUIRE(cursor->status().ok());
  return count;
}

TEST_CASE("deferred scoring leaves one dirty marker per touched statement") {
  testing::TempDir dir;
  auto options = testing::TestOptions(dir.path());
  options.defer_scoring = true;
  WriteContext context;
  auto deferred = Database::Open(options);
  REQUIRE(deferred.ok());
  for (const char* id : {"iran", "russia"}) {
    Must((*deferred)->CreateEntity(MakeEntity(id, "country", id), context));
  }
  Must((*deferred)->CreateEntity(MakeEntity("kirby", "person", "John Kirby"), context));
  Must((*deferred)->CreateEntity(MakeEntity("burns", "person", "William Burns"), context));
  auto statement = MakeStatement("iran", "supplies", "russia");
  Must((*deferred)->CreateClaim(MakeClaim(statement, "kirby"), "", context));
  Must((*deferred)->CreateClaim(MakeClaim(statement, "burns"), "", context));
  CHECK(CountDirtyMarkers(**deferred) == 1);
  // Installing a scorer rescores the marked statement and clears the marker.
  size_t scored = 0;
  REQUIRE((*deferred)
              ->SetStatementScorer(
                  [&](const ReadView&, uint64_t, size_t) -> absl::StatusOr<StatementScore> {
                    ++scored;
                    StatementScore result;
                    result.score = 0.25;
                    return result;
                  })
              .ok());
  CHECK(scored == 1);
  CHECK(CountDirtyMarkers(**deferred) == 0);
}

// Writes `statements` statements (a few claims each, some of them relays, from different
// claimants) with scoring deferred, so each is left with a dirty marker; returns their ids.
std::vector<std::string> WriteDeferred(const std::string& path, int statements) {
  REQUIRE(statements <= 10000);
  auto options = testing::TestOptions(path);
  options.defer_scoring = true;
  auto db = Database::Open(options);
  REQUIRE(db.ok());
  WriteContext context;
  std::vector<v1::ImportRecord> records;
  for (int i = 0; i < 40; ++i) {
    *records.emplace_back().mutable_entity() =
        MakeEntity(StrCat("person-", i), "person", StrCat("Person ", i));
  }
  for (int i = 0; i < 200; ++i) {
    *records.emplace_back().mutable_entity() =
        MakeEntity(StrCat("country-", i), "country", StrCat("Country ", i));
  }
  for (int i = 0; i < statements; ++i) {
    // Distinct (subject, object) pairs: subjects 0-99, objects 100-199.
    auto statement = MakeStatement(StrCat("country-", i % 100), "supplies",
                                   StrCat("country-", 100 + (i / 100) % 100));
    for (int c = 0; c <= i % 3; ++c) {
      auto claim = MakeClaim(statement, StrCat("person-", (i + c * 13) % 40),
                             c == 2 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS);
      claim.set_id(StrCat("claim-", i, "-", c));
      if (c == 1) claim.set_relays_claim_id(StrCat("claim-", i, "-0"));
      *records.emplace_back().mutable_claim() = claim;
    }
    if (records.size() >= 500) {
      Must((*db)->ApplyRecords(records, ImportMode::kStrict, context));
      records.clear();
    }
  }
  Must((*db)->ApplyRecords(records, ImportMode::kStrict, context));
  std::vector<std::string> ids;
  auto view = Must((*db)->NewReadView());
  for (int i = 0; i < statements; ++i) {
    ids.push_back(Must(view->GetClaim(StrCat("claim-", i, "-0"))).statement_id());
  }
  return ids;
}

TEST_CASE("dirty statements are rescored by several threads, each score exact") {
  testing::TempDir dir;
  // More statements than two of the rescorer's chunks, so several threads share the work.
  const std::vector<std::string> statements = WriteDeferred(dir.path(), 5000);
  auto options = testing::TestOptions(dir.path());
  options.rescore_threads = 3;
  auto db = Must(Database::Open(options));
  CHECK(CountDirtyMarkers(*db) == statements.size());
  std::atomic<size_t> calls{0};
  REQUIRE(db->SetStatementScorer([&](const ReadView& view, uint64_t statement, size_t max_claims) {
              calls.fetch_add(1);
              return provenance::ScoreStatement(view, statement, max_claims);
            }).ok());
  CHECK(calls.load() == statements.size());
  CHECK(CountDirtyMarkers(*db) == 0);
  auto view = Must(db->NewReadView());
  for (const auto& id : statements) {
    const uint64_t internal = *Must(view->Resolve(keys::IdKind::kStatement, id));
    auto statement = Must(view->GetStatement(id));
    const uint64_t subject = *Must(view->Resolve(keys::IdKind::kEntity, statement.subject_id()));
    std::optional<storage::EdgeAggregate> edge;
    REQUIRE(view->ForEachEdge(keys::kOutEdge, subject, std::nullopt,
                              [&](const keys::EdgeKey& key, const storage::EdgeAggregate& value) {
                                if (key.statement == internal) edge = value;
                                return !edge.has_value();
                              })
                .ok());
    REQUIRE(edge.has_value());
    CHECK_FALSE(edge->score_pending);
    const auto expected = Must(provenance::FusedScore(*view, internal));
    REQUIRE(expected.has_value());
    REQUIRE(edge->score.has_value());
    CHECK(*edge->score == *expected);
  }
}

TEST_CASE("a failed parallel rescore keeps the failed statement's marker for the next start") {
  testing::TempDir dir;
  const std::vector<std::string> statements = WriteDeferred(dir.path(), 4500);
  auto options = testing::TestOptions(dir.path());
  options.rescore_threads = 2;
  {
    auto db = Must(Database::Open(options));
    const uint64_t poisoned =
        *Must(Must(db->NewReadView())->Resolve(keys::IdKind::kStatement, statements[3000]));
    auto status = db->SetStatementScorer([&](const ReadView& view, uint64_t statement,
                                             size_t max_claims) -> absl::StatusOr<StatementScore> {
      if (statement == poisoned) return absl::UnavailableError("scorer down");
      return provenance::ScoreStatement(view, statement, max_claims);
    });
    CHECK(status.code() == absl::StatusCode::kUnavailable);
    // At least the failed statement's chunk is unwritten.
    CHECK(CountDirtyMarkers(*db) >= 1);
  }
  auto db = Must(Database::Open(options));
  REQUIRE(provenance::InstallStatementScorer(*db).ok());
  CHECK(CountDirtyMarkers(*db) == 0);
}

}  // namespace
}  // namespace claimgraph
