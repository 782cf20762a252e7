// ProvenanceGraph loading: Preload (batched reads) builds exactly the nodes lazy loading builds,
// at the latest state and as of a past time, and Corroborate reads a statement with a number of
// storage calls that does not grow with its claims.
#include "engine/provenance/graph.h"

#include <doctest/doctest.h>

#include "engine/provenance/corroborate.h"
#include "engine/strings.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;
using testing::FixtureOptions;

// Sources doc-0 <- doc-1 <- ... (each republishes the one before), published by outlets.
void DocumentChain(Fixture& f, int documents) {
  f.Entity("outlet-a", "news_organisation");
  f.Entity("outlet-b", "news_organisation");
  for (int i = 0; i < documents; ++i) {
    std::vector<std::pair<v1::DerivationType, std::string>> derived;
    if (i > 0) derived.push_back({v1::DERIVATION_TYPE_REPUBLISHES, StrCat("doc-", i - 1)});
    f.Source(StrCat("doc-", i), i % 2 ? "outlet-a" : "outlet-b", v1::RELIABILITY_C, 100 + i,
             derived);
  }
}

// `claims` claims about iran supplies russia, from distinct people, each in one of the
// documents, every fourth relaying the claim before it.
void ManyClaims(Fixture& f, int claims, int documents) {
  f.IranSuppliesRussia();
  for (int i = 0; i < claims; ++i) {
    f.Entity(StrCat("person-", i), "person");
    f.Claim({.id = StrCat("c", i),
             .claimant = StrCat("person-", i),
             .stance = i % 5 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS,
             .source = StrCat("doc-", i % documents),
             .relays = i % 4 == 3 ? StrCat("c", i - 1) : ""});
  }
}

void CheckSameNodes(ProvenanceGraph& lazy, ProvenanceGraph& preloaded,
                    const std::vector<uint64_t>& claims) {
  REQUIRE(preloaded.Preload(claims).ok());
  for (uint64_t id : claims) {
    auto a = lazy.Claim(id);
    auto b = preloaded.Claim(id);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE((*a == nullptr) == (*b == nullptr));
    if (*a == nullptr) continue;
    CHECK((*a)->claim().SerializeAsString() == (*b)->claim().SerializeAsString());
    CHECK((*a)->status == (*b)->status);
    CHECK((*a)->events.size() == (*b)->events.size());
    CHECK((*a)->relayed == (*b)->relayed);
    CHECK((*a)->source == (*b)->source);
    if ((*a)->source == 0) continue;
    auto source_a = lazy.Source((*a)->source);
    auto source_b = preloaded.Source((*b)->source);
    REQUIRE(source_a.ok());
    REQUIRE(source_b.ok());
    REQUIRE((*source_a == nullptr) == (*source_b == nullptr));
    if (*source_a == nullptr) continue;
    CHECK((*source_a)->facts == (*source_b)->facts);
  }
}

TEST_CASE("preloaded claims and sources equal lazily loaded ones, now and as of the past") {
  Fixture f;
  DocumentChain(f, 4);
  ManyClaims(f, 6, 4);
  const uint64_t middle = ids::ToMicros(f.View()->GetClaim("c3")->recorded_at());
  // Events of every kind, and a source changed after the fact.
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("c1");
  retraction.set_actor_id("person-1");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  v1::LifecycleEvent correction;
  correction.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
  correction.mutable_target()->set_claim_id("c2");
  correction.set_actor_id("outlet-b");
  correction.set_reason("date fixed");
  REQUIRE(f.db->RecordLifecycleEvent(correction, f.context).ok());
  f.Source("doc-3", "outlet-a", v1::RELIABILITY_A, 103,
           {{v1::DERIVATION_TYPE_QUOTES, "doc-0"}, {v1::DERIVATION_TYPE_REPUBLISHES, "doc-2"}}, 0,
           true);
  for (auto as_of : {std::optional<uint64_t>(), std::optional<uint64_t>(middle)}) {
    auto view = f.View(as_of);
    std::vector<uint64_t> claims;
    REQUIRE(view->ForEachClaimOfStatement(
                    *view->Resolve(keys::IdKind::kStatement, f.statement_id).value(),
                    [&](uint64_t id) {
                      claims.push_back(id);
                      return true;
                    })
                .ok());
    CHECK(claims.size() == (as_of ? 4u : 6u));
    claims.push_back(987654);  // not stored: nullptr both ways
    ProvenanceGraph lazy(*view), preloaded(*view);
    CheckSameNodes(lazy, preloaded, claims);
    auto c1 = preloaded.Claim(claims[1]);
    REQUIRE(c1.ok());
    CHECK((*c1)->status == (as_of ? v1::CLAIM_STATUS_ACTIVE : v1::CLAIM_STATUS_RETRACTED));
  }
}

TEST_CASE("corroborate reads a statement with storage calls that do not grow with its claims") {
  std::vector<uint64_t> calls;
  for (int claims : {8, 40}) {
    Fixture f(FixtureOptions{.count_reads = true});
    DocumentChain(f, 8);
    ManyClaims(f, claims, 8);
    auto view = f.View();
    auto before = f.counting->counts();
    auto answer = Corroborate(*view, f.statement_id);
    REQUIRE(answer.ok());
    CHECK(answer->supporting_claims() + answer->refuting_claims() == claims);
    auto used = f.counting->Since(before);
    // One scan (the statement's claims): no per-claim lifecycle scan.
    CHECK(used.cursors == 1);
    calls.push_back(used.gets + used.multi_gets + used.cursors);
    // The same answer as the lazy path would give: every claim's origin found.
    CHECK(answer->origins_size() > 0);
  }
  // The same documents behind both: the same number of calls for 5x the claims.
  CHECK(calls[0] == calls[1]);
}

}  // namespace
}  // namespace claimgraph::provenance
