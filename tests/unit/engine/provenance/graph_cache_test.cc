// ProvenanceGraph with the Database's RecordCache: traces and corroborations equal those of a
// view without the cache, warm and cold, as of the past, after writes that arrive once entries
// are cached, and from a view older than the cached entries; the state entries (sources,
// entities, claim lifecycle states, a statement's claims) are served only to views of the state
// they were read in.
#include <doctest/doctest.h>

#include <limits>

#include "engine/provenance/corroborate.h"
#include "engine/provenance/graph.h"
#include "engine/provenance/trace.h"
#include "engine/strings.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;

// A view of the database's latest state (or as of `as_of`) that does not use the cache.
std::unique_ptr<ReadView> UncachedView(Fixture& f, std::optional<uint64_t> as_of = std::nullopt) {
  uint64_t time = as_of.value_or(std::numeric_limits<uint64_t>::max());
  return std::make_unique<ReadView>(&f.db->store(), f.db->store().NewSnapshot(), time,
                                    !as_of.has_value(), &f.db->schema(), &f.db->limits(), nullptr);
}

// Every answer the cache could change, serialized: the traces of `claims` and the
// corroboration of the fixture's statement.
std::string Answers(const ReadView& view, const std::string& statement,
                    const std::vector<std::string>& claims) {
  std::string out;
  for (const auto& claim : claims) {
    auto trace = TraceClaim(view, claim);
    out += trace.ok() ? trace->SerializeAsString() : trace.status().ToString();
    out += "|";
  }
  auto corroboration = Corroborate(view, statement);
  out +=
      corroboration.ok() ? corroboration->SerializeAsString() : corroboration.status().ToString();
  auto statement_trace = TraceStatement(view, statement);
  out += statement_trace.ok() ? statement_trace->SerializeAsString()
                              : statement_trace.status().ToString();
  return out;
}

TEST_CASE("cached provenance reads answer as uncached ones, before and after later writes") {
  Fixture f;
  f.Entity("outlet-a", "news_organisation");
  f.Entity("outlet-b", "news_organisation");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_B, 100);
  f.Source("doc-1", "outlet-b", v1::RELIABILITY_C, 101,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "doc-0"}});
  f.IranSuppliesRussia();
  for (int i = 0; i < 6; ++i) {
    f.Entity(StrCat("person-", i), "person");
    f.Claim({.id = StrCat("c", i),
             .claimant = StrCat("person-", i),
             .stance = i == 4 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS,
             .source = StrCat("doc-", i % 2),
             .relays = i > 0 && i % 2 == 0 ? StrCat("c", i - 1) : "",
             .confidence = 0.5 + 0.05 * i});
  }
  const std::vector<std::string> claims = {"c0", "c3", "c4", "c5", "c9-not-stored"};
  const uint64_t middle = ids::ToMicros(f.View()->GetClaim("c3")->recorded_at());
  auto cache_view = f.View();
  REQUIRE(cache_view->record_cache() != nullptr);
  RecordCache* cache = &cache_view->record_cache()->cache();  // the Database's, shared

  // Cold, then warm: the second run finds its claims and ids (or, the state unchanged, the
  // nodes built from them) in the cache.
  const std::string expected = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(Answers(*f.View(), f.statement_id, claims) == expected);
  const uint64_t hits = cache->Stats().hits + cache->Stats().state_hits;
  CHECK(Answers(*f.View(), f.statement_id, claims) == expected);
  CHECK(cache->Stats().hits + cache->Stats().state_hits > hits);
  CHECK(Answers(*f.View(middle), f.statement_id, claims) ==
        Answers(*UncachedView(f, middle), f.statement_id, claims));

  // Views taken now, used after the writes below have been read through the cache.
  auto old_cached = f.View();
  auto old_uncached = UncachedView(f);

  // Writes after the entries were cached: a new relay of a cached claim, a retraction of a
  // cached claim, a changed source, a new document deriving from a cached one.
  f.Entity("person-9", "person");
  f.Source("doc-2", "outlet-a", v1::RELIABILITY_A, 102, {{v1::DERIVATION_TYPE_QUOTES, "doc-1"}});
  f.Claim({.id = "c9-not-stored", .claimant = "person-9", .source = "doc-2", .relays = "c5"});
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("c3");
  retraction.set_actor_id("person-3");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  f.Source("doc-0", "outlet-b", v1::RELIABILITY_E, 100,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "doc-1"}}, 0, true);

  const std::string after = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(after != expected);  // the writes change the answers
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  // The older views see none of it, though the cache now holds the new claim and its ids.
  CHECK(Answers(*old_cached, f.statement_id, claims) ==
        Answers(*old_uncached, f.statement_id, claims));
  CHECK(Answers(*old_cached, f.statement_id, claims) == expected);
  CHECK(Answers(*f.View(middle), f.statement_id, claims) ==
        Answers(*UncachedView(f, middle), f.statement_id, claims));
}

// A view of the latest state through the cache; its answers are also checked against an
// uncached view of the same snapshot.
void CheckLatest(Fixture& f, const std::vector<std::string>& claims, const std::string& why) {
  auto cached = f.View();
  auto uncached = UncachedView(f);
  INFO(why);
  CHECK(Answers(*cached, f.statement_id, claims) == Answers(*uncached, f.statement_id, claims));
}

TEST_CASE("state entries are served only to views of the state they were read in") {
  Fixture f;
  f.Entity("outlet-a", "news_organisation", "Outlet A");
  f.Entity("outlet-b", "news_organisation", "Outlet B");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_B, 100);
  f.Source("doc-1", "outlet-b", v1::RELIABILITY_C, 101,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "doc-0"}});
  f.IranSuppliesRussia();
  for (int i = 0; i < 4; ++i) {
    f.Entity(StrCat("person-", i), "person", StrCat("Person ", i));
    f.Claim({.id = StrCat("c", i),
             .claimant = StrCat("person-", i),
             .stance = i == 3 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS,
             .source = StrCat("doc-", i % 2),
             .relays = i == 2 ? "c1" : "",
             .confidence = 0.6 + 0.1 * i});
  }
  const std::vector<std::string> claims = {"c0", "c1", "c2", "c3"};
  auto cache_view = f.View();
  REQUIRE(cache_view->record_cache() != nullptr);
  RecordCache* cache = &cache_view->record_cache()->cache();  // the Database's, shared
  const uint64_t before_writes = ids::ToMicros(f.View()->GetClaim("c3")->recorded_at());

  // Warm: the second read of the same state is answered from state entries.
  CheckLatest(f, claims, "cold");
  const auto cold = cache->Stats();
  CHECK(cold.state_changes > 0);
  const std::string warm_answers = Answers(*f.View(), f.statement_id, claims);
  const auto warm = cache->Stats();
  CHECK(warm.state_hits > cold.state_hits);
  CHECK(warm.state_changes == cold.state_changes);  // no write: the same state
  CHECK(warm_answers == Answers(*UncachedView(f), f.statement_id, claims));
  // As of the past: never from state entries.
  CHECK(Answers(*f.View(before_writes), f.statement_id, claims) ==
        Answers(*UncachedView(f, before_writes), f.statement_id, claims));
  CHECK(cache->Stats().state_hits == warm.state_hits);

  auto old_cached = f.View();
  auto old_uncached = UncachedView(f);
  const std::string old_answers = Answers(*old_uncached, f.statement_id, claims);

  // Each kind of change to what state entries hold, each checked on a warm cache.
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_E, 100, {}, 0, true);  // source update
  CheckLatest(f, claims, "after a source update");
  CheckLatest(f, claims, "after a source update, warm");
  v1::Entity rename;
  rename.set_id("person-1");
  rename.set_name("Person One Renamed");
  REQUIRE(f.db->UpdateEntity(rename, {"name"}, f.context).ok());  // entity name
  CheckLatest(f, claims, "after a rename");
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("c0");
  retraction.set_actor_id("person-0");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());  // a claim's lifecycle
  CheckLatest(f, claims, "after a retraction");
  f.Entity("person-9", "person");
  f.Claim({.id = "c9", .claimant = "person-9", .source = "doc-1"});  // a statement's claims
  CheckLatest(f, claims, "after a new claim");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_E, 100, {{v1::DERIVATION_TYPE_QUOTES, "doc-1"}}, 0,
           true);  // a derivation cycle
  CheckLatest(f, claims, "after a new derivation");
  const std::string latest = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(latest != old_answers);
  CHECK(Answers(*f.View(), f.statement_id, claims) == latest);

  // A view older than the cached state reads its own state, and adds nothing the latest views
  // would then be served.
  const auto before_old = cache->Stats();
  CHECK(Answers(*old_cached, f.statement_id, claims) == old_answers);
  CHECK(cache->Stats().state_hits == before_old.state_hits);
  CHECK(Answers(*f.View(), f.statement_id, claims) == latest);
  CHECK(Answers(*f.View(before_writes), f.statement_id, claims) ==
        Answers(*UncachedView(f, before_writes), f.statement_id, claims));

  // The statement scorer through the cache scores as without it.
  auto statement = f.View()->Resolve(keys::IdKind::kStatement, f.statement_id);
  REQUIRE(statement.ok());
  REQUIRE(statement->has_value());
  auto cached_score = FusedScore(*f.View(), **statement);
  auto uncached_score = FusedScore(*UncachedView(f), **statement);
  REQUIRE(cached_score.ok());
  REQUIRE(uncached_score.ok());
  CHECK(*cached_score == *uncached_score);
}

TEST_CASE("state entries read by an older view first are not served after the write") {
  Fixture f;
  f.Entity("outlet-a", "news_organisation");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_B, 100);
  f.IranSuppliesRussia();
  f.Entity("person-0", "person");
  f.Claim({.id = "c0", .claimant = "person-0", .source = "doc-0"});
  const std::vector<std::string> claims = {"c0"};
  auto old_cached = f.View();
  const std::string old_answers = Answers(*UncachedView(f), f.statement_id, claims);
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_F, 100, {}, 0, true);
  // The older view reads first (its state is older than none: it may fill the cache), then a
  // view after the write must not be served what it read.
  CHECK(Answers(*old_cached, f.statement_id, claims) == old_answers);
  CHECK(Answers(*old_cached, f.statement_id, claims) == old_answers);
  const std::string after = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(after != old_answers);
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  // And the older view, used again once the newer state is cached, still reads its own.
  CHECK(Answers(*old_cached, f.statement_id, claims) == old_answers);
}

}  // namespace
}  // namespace claimgraph::provenance
