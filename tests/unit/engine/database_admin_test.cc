// Database open checks (schema required, format version, lock), the statement scorer and its
// rescoring, compaction through the merge operator, and concurrent readers beside a writer.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeStatement;
using testing::Must;

std::vector<storage::EdgeAggregate> OutEdges(const ReadView& view, std::string_view subject) {
  std::vector<storage::EdgeAggregate> edges;
  auto node = *Must(view.Resolve(keys::IdKind::kEntity, subject));
  REQUIRE(view.ForEachEdge(keys::kOutEdge, node, std::nullopt,
                           [&](const keys::EdgeKey&, const storage::EdgeAggregate& aggregate) {
                             edges.push_back(aggregate);
                             return true;
                           })
              .ok());
  return edges;
}

}  // namespace

TEST_CASE("Open needs a schema and refuses another format version") {
  testing::TempDir dir;
  auto options = testing::TestOptions(dir.path());
  options.schema = nullptr;
  auto no_schema = Database::Open(options);
  REQUIRE_FALSE(no_schema.ok());
  CHECK(no_schema.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(testing::NamesField(no_schema.status(), "schema"));

  {
    auto db = testing::OpenDatabase(dir.path());
    // A second process (here: a second open) is refused while the first holds the lock.
    auto second = Database::Open(testing::TestOptions(dir.path()));
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == absl::StatusCode::kFailedPrecondition);
    storage::WriteBatch batch;
    std::string version;
    keys::AppendU32(&version, keys::kFormatVersion + 1);
    batch.Put(storage::Family::kMeta, keys::kFormatVersionKey, version);
    REQUIRE(db->store().Write(batch).ok());
  }
  auto reopened = Database::Open(testing::TestOptions(dir.path()));
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(reopened.status().message()).find("format version") != std::string::npos);
}

TEST_CASE("the statement scorer sets the edge score after every write that touches it") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  // Before a scorer: the effective confidence is the best supporting claim's.
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  claim.set_confidence(0.7);
  auto first = Must(t.db->CreateClaim(claim, "", t.context));
  auto before = OutEdges(*t.View(), "iran");
  REQUIRE(before.size() == 1);
  CHECK_FALSE(before[0].score.has_value());
  CHECK(before[0].EffectiveConfidence() == 0.7);

  // The scorer here: supporting share of the active claims, read through the view it is given.
  std::atomic<int> calls{0};
  REQUIRE(t.db->SetStatementScorer([&](const ReadView& view, uint64_t statement,
                                       size_t) -> absl::StatusOr<StatementScore> {
                ++calls;
                CG_ASSIGN_OR_RETURN(auto aggregate, view.AggregateAsOf(statement));
                StatementScore result;
                if (aggregate.claims == 0) return result;
                result.score = static_cast<double>(aggregate.supporting) /
                               static_cast<double>(aggregate.claims);
                return result;
              })
              .ok());
  v1::Claim denial =
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "iran", v1::STANCE_REFUTES);
  Must(t.db->CreateClaim(denial, "", t.context));
  CHECK(calls.load() >= 1);
  auto scored = OutEdges(*t.View(), "iran");
  REQUIRE(scored.size() == 1);
  REQUIRE(scored[0].score.has_value());
  CHECK(*scored[0].score == doctest::Approx(0.5));
  CHECK(scored[0].EffectiveConfidence() == doctest::Approx(0.5));
  // The in-edge carries the same score.
  auto russia = *Must(t.View()->Resolve(keys::IdKind::kEntity, "russia"));
  std::optional<double> in_score;
  REQUIRE(t.View()
              ->ForEachEdge(keys::kInEdge, russia, std::nullopt,
                            [&](const keys::EdgeKey&, const storage::EdgeAggregate& a) {
                              in_score = a.score;
                              return true;
                            })
              .ok());
  REQUIRE(in_score.has_value());
  CHECK(*in_score == doctest::Approx(0.5));

  // A retraction rescores too.
  Must(t.db->RecordLifecycleEvent(testing::MakeRetraction(first.record.id(), "john_kirby"),
                                  t.context));
  CHECK(*OutEdges(*t.View(), "iran")[0].score == doctest::Approx(0.0));

  // An assessment of the statement is a reason to rescore it as well.
  int calls_before = calls.load();
  v1::Assessment assessment;
  assessment.set_assessor_id("checker");
  assessment.mutable_target()->set_statement_id(first.record.statement_id());
  assessment.set_verdict(v1::VERDICT_TRUE);
  Must(t.db->RecordAssessment(assessment, t.context));
  CHECK(calls.load() == calls_before + 1);

  // No dirty markers are left behind after the rescore.
  auto cursor = t.db->store().NewCursor(nullptr, storage::Family::kMeta, "dirty",
                                        keys::PrefixSuccessor("dirty"));
  cursor->SeekToFirst();
  CHECK_FALSE(cursor->Valid());
}

TEST_CASE("compaction folds the merge operands without changing any aggregate") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    v1::Claim claim = MakeClaim(MakeStatement("iran", i % 2 ? "supplies" : "sanctions", "russia"),
                                i % 3 ? "john_kirby" : "william_burns",
                                i % 5 ? v1::STANCE_SUPPORTS : v1::STANCE_REFUTES);
    claim.set_confidence(static_cast<double>(i) / 40.0);
    claim.set_cue(StrCat("cue ", i));
    ids.push_back(Must(t.db->CreateClaim(claim, "", t.context)).record.id());
  }
  for (int i = 0; i < 40; i += 3) {
    Must(t.db->RecordLifecycleEvent(
        testing::MakeRetraction(ids[i], i % 3 ? "john_kirby" : "william_burns"), t.context));
  }
  auto before = OutEdges(*t.View(), "iran");
  REQUIRE(t.db->Compact().ok());
  t.Reopen();
  auto after = OutEdges(*t.View(), "iran");
  REQUIRE(before.size() == 2);
  REQUIRE(after.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(after[i].claims == before[i].claims);
    CHECK(after[i].supporting == before[i].supporting);
    CHECK(after[i].refuting == before[i].refuting);
    CHECK(after[i].best_confidence == before[i].best_confidence);
    CHECK(after[i].first_recorded_at == before[i].first_recorded_at);
    CHECK(after[i].last_recorded_at == before[i].last_recorded_at);
  }
  CHECK(after[0].claims + after[1].claims == 40 - 14);
  auto stats = Must(t.db->GetStats());
  CHECK(stats.store.estimated_keys > 0);
}

TEST_CASE("readers beside a writer always see a consistent snapshot") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  std::atomic<bool> done{false};
  std::atomic<int> inconsistencies{0};
  std::atomic<int> views{0};
  std::thread writer([&] {
    for (int i = 0; i < 150; ++i) {
      // A batch of two claims of one statement: a reader sees both or neither.
      v1::Claim a = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
      a.set_cue(StrCat("a", i));
      v1::Claim b =
          MakeClaim(MakeStatement("iran", "supplies", "russia"), "iran", v1::STANCE_REFUTES);
      b.set_cue(StrCat("b", i));
      auto written = t.db->CreateClaims({a, b}, t.context);
      if (!written.ok()) ++inconsistencies;
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto view = t.db->NewReadView();
        if (!view.ok()) {
          ++inconsistencies;
          continue;
        }
        ++views;
        auto node = (*view)->Resolve(keys::IdKind::kEntity, "iran");
        int64_t claims = 0, supporting = 0, refuting = 0;
        auto status = (*view)->ForEachEdge(
            keys::kOutEdge, **node, std::nullopt,
            [&](const keys::EdgeKey&, const storage::EdgeAggregate& aggregate) {
              claims += aggregate.claims;
              supporting += aggregate.supporting;
              refuting += aggregate.refuting;
              return true;
            });
        ClaimQuery query;
        query.subject_id = "iran";
        auto page = (*view)->ListClaims(query, 1000, "");
        if (!status.ok() || !page.ok() || claims % 2 != 0 || supporting != refuting ||
            static_cast<int64_t>(page->items.size()) != claims) {
          ++inconsistencies;
        }
      }
    });
  }
  writer.join();
  for (auto& reader : readers) reader.join();
  CHECK(inconsistencies.load() == 0);
  CHECK(views.load() > 0);
  CHECK(OutEdges(*t.View(), "iran")[0].claims == 300);
}

}  // namespace claimgraph
