// Statement scores on edges (Database::Impl::Rescore and the rescoring thread, with the
// provenance scorer): after writes settle the stored score equals a full rescore exactly; a
// score not flagged pending is exact at every moment; a burst of writes to a large statement
// costs one background rescore; a failed or unfinished rescore survives a close (dirty markers).
#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "engine/provenance/corroborate.h"
#include "engine/strings.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph {
namespace {

using provenance::testing::ClaimSpec;
using provenance::testing::Fixture;
using provenance::testing::FixtureOptions;

// The out-edge aggregate of a statement, as `view` sees it.
storage::EdgeAggregate EdgeOf(const ReadView& view, const std::string& statement_id) {
  auto statement = view.GetStatement(statement_id);
  REQUIRE(statement.ok());
  auto subject = view.Resolve(keys::IdKind::kEntity, statement->subject_id());
  auto internal = view.Resolve(keys::IdKind::kStatement, statement_id);
  REQUIRE(subject.ok());
  REQUIRE(internal.ok());
  std::optional<storage::EdgeAggregate> found;
  REQUIRE(view.ForEachEdge(keys::kOutEdge, **subject, std::nullopt,
                           [&](const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
                             if (key.statement == **internal) found = aggregate;
                             return !found.has_value();
                           })
              .ok());
  REQUIRE(found.has_value());
  return *found;
}

// The score a full rescore computes in `view` (0 when nothing supports or refutes).
double FullScore(const ReadView& view, const std::string& statement_id) {
  auto internal = view.Resolve(keys::IdKind::kStatement, statement_id);
  REQUIRE(internal.ok());
  auto score = provenance::FusedScore(view, **internal);
  REQUIRE(score.ok());
  return score->value_or(0.0);
}

bool AnyDirtyMarker(Database& db) {
  auto cursor = db.store().NewCursor(nullptr, storage::Family::kMeta, "dirty",
                                     keys::PrefixSuccessor("dirty"));
  cursor->SeekToFirst();
  return cursor->Valid();
}

// Reopens a database left with the statement's dirty marker (a crash, a lost score) and checks
// that installing the scorer rescores it before it returns: marker gone, score exact.
void ReopenAndCheckRescored(Fixture& f) {
  f.Reopen();
  CHECK(AnyDirtyMarker(*f.db));
  REQUIRE(provenance::InstallStatementScorer(*f.db).ok());
  CHECK_FALSE(AnyDirtyMarker(*f.db));
  auto edge = EdgeOf(*f.View(), f.statement_id);
  CHECK_FALSE(edge.score_pending);
  REQUIRE(edge.score.has_value());
  CHECK(*edge.score == FullScore(*f.View(), f.statement_id));
}

// A world of agents and documents for random claims: sources that republish each other, one
// published by a claimant (its own voice), organisations to speak for.
void SeedWorld(Fixture& f) {
  for (int i = 0; i < 6; ++i) f.Entity(StrCat("person-", i), "person");
  f.Entity("ministry", "government_body");
  f.Entity("agency", "government_body");
  f.Entity("wire", "news_organisation");
  f.Entity("outlet", "news_organisation");
  f.Entity("checker", "fact_checker");
  f.Source("wire-story", "wire", v1::RELIABILITY_B, 100);
  f.Source("copy", "outlet", v1::RELIABILITY_D, 120,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "wire-story"}});
  f.Source("copy-of-copy", "outlet", v1::RELIABILITY_E, 130,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "copy"}});
  f.Source("briefing", "ministry", v1::RELIABILITY_A, 90);
  f.Source("blog", "person-0", v1::RELIABILITY_UNSPECIFIED, 140);
}

v1::Statement Statement(const std::string& subject, const std::string& object) {
  v1::Statement statement;
  statement.set_subject_id(subject);
  statement.set_predicate("supplies");
  statement.mutable_object()->set_entity_id(object);
  return statement;
}

struct Written {
  std::string id;
  std::string statement_id;
  std::string claimant;   // empty: anonymous
  std::string publisher;  // of its source; empty: no source
};

// Applies `operations` random writes (claims, retractions, deprecations, corrections) to three
// statements; calls `check` after each write.
void RandomWrites(Fixture& f, uint64_t seed, int operations,
                  const std::function<void(const std::vector<std::string>&)>& check) {
  std::mt19937_64 random(seed);
  f.Entity("iran", "country");
  f.Entity("russia", "country");
  f.Entity("belarus", "country");
  const std::vector<v1::Statement> statements = {
      Statement("iran", "russia"), Statement("russia", "belarus"), Statement("iran", "belarus")};
  std::vector<std::string> statement_ids(statements.size());
  std::vector<Written> claims;
  std::set<std::string> retired;  // retracted or deprecated
  const std::vector<std::pair<std::string, std::string>> sources = {{"", ""},
                                                                    {"wire-story", "wire"},
                                                                    {"copy", "outlet"},
                                                                    {"copy-of-copy", "outlet"},
                                                                    {"briefing", "ministry"},
                                                                    {"blog", "person-0"}};
  for (int op = 0; op < operations; ++op) {
    const uint64_t dice = random() % 100;
    if (dice < 70 || claims.empty()) {
      size_t which = random() % statements.size();
      f.statement = statements[which];
      f.statement_id = statement_ids[which];
      ClaimSpec spec;
      spec.id = StrCat("c", op);
      spec.claimant = random() % 8 == 0 ? "" : StrCat("person-", random() % 6);
      if (random() % 5 == 0) spec.on_behalf_of = random() % 2 ? "ministry" : "agency";
      const v1::Stance stances[] = {v1::STANCE_SUPPORTS, v1::STANCE_SUPPORTS, v1::STANCE_REFUTES,
                                    v1::STANCE_DISCUSSES};
      spec.stance = stances[random() % 4];
      const v1::Certainty certainties[] = {v1::CERTAINTY_CERTAIN, v1::CERTAINTY_PROBABLE,
                                           v1::CERTAINTY_POSSIBLE, v1::CERTAINTY_UNDERSPECIFIED};
      spec.certainty = certainties[random() % 4];
      if (random() % 6 == 0) spec.estimative_word = "likely";
      const auto& [source, publisher] = sources[random() % sources.size()];
      spec.source = source;
      if (random() % 4 == 0) spec.confidence = static_cast<double>(random() % 101) / 100.0;
      if (random() % 7 == 0)
        spec.basis_description = random() % 2 ? "a leaked memo" : "satellite images";
      if (random() % 9 == 0) spec.basis_source = "briefing";
      spec.claimed_day = static_cast<int64_t>(1 + random() % 5);
      std::vector<const Written*> same;
      for (const auto& claim : claims) {
        if (claim.statement_id == statement_ids[which] && !statement_ids[which].empty()) {
          same.push_back(&claim);
        }
      }
      if (!same.empty() && random() % 3 == 0) spec.relays = same[random() % same.size()]->id;
      v1::Claim written = f.Claim(spec);
      statement_ids[which] = written.statement_id();
      claims.push_back({spec.id, written.statement_id(), spec.claimant, publisher});
    } else {
      const Written& target = claims[random() % claims.size()];
      v1::LifecycleEvent event;
      event.mutable_target()->set_claim_id(target.id);
      if (dice < 85 && !target.claimant.empty() && !retired.count(target.id)) {
        event.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
        event.set_actor_id(target.claimant);
        retired.insert(target.id);
      } else if (dice < 93 && !target.publisher.empty()) {
        event.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
        event.set_actor_id(target.publisher);
      } else {
        event.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
        event.set_actor_id("checker");
        if (retired.count(target.id)) continue;  // deprecating twice is refused
        retired.insert(target.id);
      }
      event.set_reason(StrCat("event ", op));
      auto recorded = f.db->RecordLifecycleEvent(event, f.context);
      REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
    }
    std::vector<std::string> known;
    for (const auto& id : statement_ids) {
      if (!id.empty()) known.push_back(id);
    }
    check(known);
  }
}

void CheckInvariant(Fixture& f, const std::vector<std::string>& statements) {
  // Whatever the rescoring thread is doing: a score presented as current is exact in the same
  // snapshot.
  auto view = f.View();
  for (const auto& statement : statements) {
    auto edge = EdgeOf(*view, statement);
    if (edge.score_pending) continue;
    REQUIRE(edge.score.has_value());
    CHECK(*edge.score == FullScore(*view, statement));
  }
}

void CheckSettled(Fixture& f, const std::vector<std::string>& statements) {
  REQUIRE(f.db->SettleScores().ok());
  auto view = f.View();
  for (const auto& statement : statements) {
    auto edge = EdgeOf(*view, statement);
    CHECK_FALSE(edge.score_pending);
    REQUIRE(edge.score.has_value());
    // Exactly equal: the background rescore is the full scorer, not an approximation.
    CHECK(*edge.score == FullScore(*view, statement));
  }
  CHECK_FALSE(AnyDirtyMarker(*f.db));
  auto stats = f.db->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->scores_pending == 0);
}

TEST_CASE("random writes: settled scores equal a full rescore, in the background or inline") {
  for (size_t inline_limit : {size_t{0}, size_t{3}, size_t{1000}}) {
    CAPTURE(inline_limit);
    for (uint64_t seed : {1u, 2u, 3u}) {
      CAPTURE(seed);
      Fixture f(FixtureOptions{.inline_rescore_max_claims = inline_limit});
      REQUIRE(provenance::InstallStatementScorer(*f.db).ok());
      SeedWorld(f);
      std::vector<std::string> last;
      int writes = 0;
      RandomWrites(f, seed, 120, [&](const std::vector<std::string>& statements) {
        last = statements;
        CheckInvariant(f, statements);
        if (++writes % 40 == 0) CheckSettled(f, statements);
      });
      CheckSettled(f, last);
    }
  }
}

// A scorer that wraps the provenance one, counts its calls by thread, and can hold the rescoring
// thread inside a call until released.
class GatedScorer {
 public:
  explicit GatedScorer(std::thread::id writer) : writer_(writer) {}

  StatementScorer Scorer() {
    return [this](const ReadView& view, uint64_t statement,
                  size_t max_claims) -> absl::StatusOr<StatementScore> {
      std::unique_lock lock(mutex_);
      if (std::this_thread::get_id() == writer_) {
        writer_calls_ += 1;
        writer_max_claims_ = std::max(writer_max_claims_, max_claims);
      } else {
        background_calls_ += 1;
        entered_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return !hold_; });
        if (fail_) return absl::UnavailableError("scorer down");
      }
      lock.unlock();
      return provenance::ScoreStatement(view, statement, max_claims);
    };
  }
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
    entered_ = false;
  }
  void WaitEntered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    hold_ = false;
    changed_.notify_all();
  }
  void Fail(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }
  int background_calls() {
    std::lock_guard lock(mutex_);
    return background_calls_;
  }
  int writer_calls() {
    std::lock_guard lock(mutex_);
    return writer_calls_;
  }
  size_t writer_max_claims() {
    std::lock_guard lock(mutex_);
    return writer_max_claims_;
  }

 private:
  std::thread::id writer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool hold_ = false, entered_ = false, fail_ = false;
  int background_calls_ = 0, writer_calls_ = 0;
  size_t writer_max_claims_ = 0;
};

TEST_CASE("a burst of writes to a large statement costs one background rescore") {
  // The gate outlives the database that calls it.
  GatedScorer gate(std::this_thread::get_id());
  Fixture f(FixtureOptions{.inline_rescore_max_claims = 4});
  REQUIRE(f.db->SetStatementScorer(gate.Scorer()).ok());
  SeedWorld(f);
  f.IranSuppliesRussia();
  // Up to the limit the writer rescores itself, reading at most 4 claims.
  for (int i = 0; i < 4; ++i)
    f.Claim({.id = StrCat("small-", i), .claimant = StrCat("person-", i)});
  CHECK(gate.background_calls() == 0);
  CHECK(gate.writer_calls() == 4);
  CHECK_FALSE(EdgeOf(*f.View(), f.statement_id).score_pending);
  const double before = *EdgeOf(*f.View(), f.statement_id).score;

  // The fifth claim goes to the rescoring thread, which is held inside its rescore.
  gate.Hold();
  f.Claim({.id = "fifth", .claimant = "person-4", .stance = v1::STANCE_REFUTES});
  gate.WaitEntered();
  // Meanwhile readers see the last computed score, flagged pending.
  auto pending = EdgeOf(*f.View(), f.statement_id);
  CHECK(pending.score_pending);
  CHECK(*pending.score == before);
  CHECK(pending.claims == 5);
  // Twenty more writes while the rescore is held: no rescore on the writing thread (the
  // statement is queued), and none per write in the background.
  int writer_calls = gate.writer_calls();
  for (int i = 0; i < 20; ++i) {
    f.Claim({.id = StrCat("burst-", i),
             .claimant = StrCat("person-", i % 6),
             .stance = i % 3 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS});
  }
  CHECK(gate.writer_calls() == writer_calls);
  CHECK(gate.writer_max_claims() == 4);
  gate.Release();
  REQUIRE(f.db->SettleScores().ok());
  // The held rescore (its snapshot before the burst) lands as still pending; one more covers the
  // whole burst.
  CHECK(gate.background_calls() == 2);
  auto settled = EdgeOf(*f.View(), f.statement_id);
  CHECK_FALSE(settled.score_pending);
  CHECK(*settled.score == FullScore(*f.View(), f.statement_id));
  CHECK_FALSE(AnyDirtyMarker(*f.db));
}

TEST_CASE("a background rescore tells the commit observers about the edge it changed") {
  Fixture f(FixtureOptions{.inline_rescore_max_claims = 0});
  REQUIRE(provenance::InstallStatementScorer(*f.db).ok());
  std::mutex mutex;
  std::vector<std::pair<uint64_t, size_t>> events;  // time, edges
  f.db->AddCommitObserver([&](const CommitEvent& event) {
    std::lock_guard lock(mutex);
    events.emplace_back(event.time, event.edges ? event.edges->size() : 0);
  });
  SeedWorld(f);
  f.IranSuppliesRussia();
  f.Claim({.id = "a", .claimant = "person-1"});
  REQUIRE(f.db->SettleScores().ok());
  std::lock_guard lock(mutex);
  // The last two events: the claim's commit, then the rescore's, later in time, with its edge.
  REQUIRE(events.size() >= 2);
  CHECK(events.back().first > events[events.size() - 2].first);
  CHECK(events.back().second == 1);
  CHECK_FALSE(EdgeOf(*f.View(), f.statement_id).score_pending);
}

TEST_CASE("a failed background rescore stays pending and is redone at the next start") {
  GatedScorer gate(std::this_thread::get_id());
  Fixture f(FixtureOptions{.inline_rescore_max_claims = 0});
  REQUIRE(f.db->SetStatementScorer(gate.Scorer()).ok());
  SeedWorld(f);
  f.IranSuppliesRussia();
  gate.Fail(true);
  f.Claim({.id = "a", .claimant = "person-1"});
  auto settled = f.db->SettleScores();
  CHECK(settled.code() == absl::StatusCode::kUnavailable);
  CHECK(EdgeOf(*f.View(), f.statement_id).score_pending);
  CHECK(AnyDirtyMarker(*f.db));
  // Closed before any rescore succeeded, as a crash would leave it: the marker survives, and
  // installing the scorer at the next open rescores before it returns.
  ReopenAndCheckRescored(f);
}

TEST_CASE("an acknowledged write costs one log sync, and a lost background score is rebuilt") {
  SUBCASE("the write and its inline rescore are applied, then one sync covers both") {
    Fixture f(FixtureOptions{.count_reads = true});
    REQUIRE(provenance::InstallStatementScorer(*f.db).ok());
    SeedWorld(f);
    f.IranSuppliesRussia();
    auto before = f.counting->counts();
    f.Claim({.id = "a", .claimant = "person-1", .source = "wire-story"});
    auto spent = f.counting->Since(before);
    CHECK(spent.synced_writes == 0);
    CHECK(spent.deferred_writes == 2);  // the claim's batch, then the statement's new score
    CHECK(spent.log_syncs == 1);
    CHECK_FALSE(AnyDirtyMarker(*f.db));
    // A write that changes nothing still waits until what it found is durable: here it already
    // is, so it syncs nothing.
    before = f.counting->counts();
    v1::Entity same;
    same.set_id("person-1");
    same.set_type("person");
    same.set_name("person-1");
    auto written = f.db->CreateEntity(same, f.context, OnExisting::kUpdate);
    REQUIRE(written.ok());
    CHECK(written->outcome == WriteOutcome::kUnchanged);
    spent = f.counting->Since(before);
    CHECK(spent.deferred_writes == 0);
    CHECK(spent.log_syncs == 0);
  }
  SUBCASE("a background score written after the last sync is lost, and redone at the next start") {
    Fixture f(FixtureOptions{.inline_rescore_max_claims = 0, .lose_deferred_writes = true});
    REQUIRE(provenance::InstallStatementScorer(*f.db).ok());
    SeedWorld(f);
    f.IranSuppliesRussia();
    f.Claim({.id = "a", .claimant = "person-1", .source = "wire-story"});
    f.Claim({.id = "b", .claimant = "person-2", .stance = v1::STANCE_REFUTES, .source = "briefing"});
    REQUIRE(f.db->SettleScores().ok());
    // The claims were synced before their calls returned, their dirty marker with them; the
    // background score that removes it was not, and a power loss now drops it.
    CHECK(AnyDirtyMarker(*f.db));
    ReopenAndCheckRescored(f);
    CHECK(EdgeOf(*f.View(), f.statement_id).refuting == 1);
  }
}

}  // namespace
}  // namespace claimgraph
