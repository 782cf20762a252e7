// Database staging: the resolution cache kept across writes (external id -> internal id, entity
// types) remembers only committed facts, and cached entity types still gate the schema; batches
// written in key order keep the last write of a key; dirty-score markers under deferred scoring.
#include <doctest/doctest.h>

#include "engine/database.h"
#include "engine/key_codec.h"
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
  auto count_markers = [&] {
    auto cursor = (*deferred)->store().NewCursor(nullptr, storage::Family::kMeta, "dirty", "dirtz");
    size_t count = 0;
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) ++count;
    REQUIRE(cursor->status().ok());
    return count;
  };
  CHECK(count_markers() == 1);
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
  CHECK(count_markers() == 0);
}

}  // namespace
}  // namespace claimgraph
