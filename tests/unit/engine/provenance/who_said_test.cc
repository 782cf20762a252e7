// WhoSaid and ClaimsBy: claimants in utterance order with where they were reported, and a
// claimant's track record from later assessments (docs/provenance.md section 6).
#include "engine/provenance/who_said.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;

TEST_CASE("who said it: every claimant in utterance order with its source") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("kirby", "person", "John Kirby");
  f.Entity("nsc", "government_body", "National Security Council");
  f.Entity("outlet", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_B, 300);
  f.Claim({.id = "late", .claimant = "outlet", .source = "article", .claimed_day = 300});
  f.Claim({.id = "undated", .claimant = ""});
  f.Claim({.id = "early",
           .claimant = "kirby",
           .on_behalf_of = "nsc",
           .certainty = v1::CERTAINTY_PROBABLE,
           .estimative_word = "likely",
           .source = "article",
           .relays = "",
           .claimed_day = 200});
  auto answer = WhoSaid(*f.View(), f.statement_id);
  REQUIRE(answer.ok());
  REQUIRE(answer->attributions_size() == 3);
  const auto& first = answer->attributions(0);
  CHECK(first.claim().id() == "early");
  CHECK(first.claimant().name() == "John Kirby");
  CHECK(first.on_behalf_of().name() == "National Security Council");
  CHECK(first.source().id() == "article");
  CHECK(first.claim().probability_low() == 0.55);
  CHECK(first.claim().status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(answer->attributions(1).claim().id() == "late");
  CHECK(answer->attributions(2).claim().id() == "undated");
  CHECK_FALSE(answer->attributions(2).has_claimant());
  CHECK(WhoSaid(*f.View(), "st_none").status().code() == absl::StatusCode::kNotFound);
  CHECK(WhoSaid(*f.View(), "").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("claims by an entity, as claimant and as principal, with their track record") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("white-house", "government_body");
  f.Entity("kirby", "person");
  f.Entity("checker", "fact_checker");
  auto first = f.Claim({.id = "wh", .claimant = "white-house"});
  f.Claim({.id = "kirby", .claimant = "kirby", .on_behalf_of = "white-house"});
  f.Claim({.id = "denial", .claimant = "white-house", .stance = v1::STANCE_REFUTES});
  v1::Assessment verdict;
  verdict.set_assessor_id("checker");
  verdict.mutable_target()->set_statement_id(f.statement_id);
  verdict.set_verdict(v1::VERDICT_TRUE);
  *verdict.mutable_assessed_at() = testing::Day(400);
  REQUIRE(f.db->RecordAssessment(verdict, f.context).ok());
  v1::Assessment on_claim;
  on_claim.set_assessor_id("checker");
  on_claim.mutable_target()->set_claim_id("kirby");
  on_claim.set_verdict(v1::VERDICT_MIXTURE);
  REQUIRE(f.db->RecordAssessment(on_claim, f.context).ok());

  auto answer = ClaimsBy(*f.View(), "white-house");
  REQUIRE(answer.ok());
  REQUIRE(answer->claims_size() == 3);
  CHECK(answer->claims(0).claim().id() == "wh");
  CHECK(answer->claims(0).outcome() == v1::TRACK_OUTCOME_BORNE_OUT);
  CHECK(answer->claims(0).statement_assessments_size() == 1);
  CHECK(answer->claims(1).claim().id() == "kirby");
  CHECK(answer->claims(1).outcome() == v1::TRACK_OUTCOME_MIXED);  // its own assessment decides
  CHECK(answer->claims(2).outcome() == v1::TRACK_OUTCOME_CONTRADICTED);
  CHECK(answer->borne_out() == 1);
  CHECK(answer->mixed() == 1);
  CHECK(answer->contradicted() == 1);
  // As of the first claim: one claim, not yet assessed.
  auto then = ClaimsBy(*f.View(ids::ToMicros(first.recorded_at())), "white-house");
  REQUIRE(then.ok());
  REQUIRE(then->claims_size() == 1);
  CHECK(then->claims(0).outcome() == v1::TRACK_OUTCOME_UNASSESSED);
  CHECK(then->unassessed() == 1);
  CHECK(ClaimsBy(*f.View(), "nobody").status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace claimgraph::provenance

namespace claimgraph::provenance {
namespace {

TEST_CASE("a paged WhoSaid over 100,000 claims stays one answer while writes continue") {
  testing::Fixture f;
  f.IranSuppliesRussia();
  f.Entity("crowd", "person");
  constexpr int kClaims = 100'000;
  auto spec = [](int i) {
    // Days 1..997 in a scrambled order; every 10th claim undated (sorted after the dated ones).
    return testing::ClaimSpec{.id = "w" + std::to_string(i),
                              .claimant = "crowd",
                              .claimed_day = i % 10 == 0 ? 0 : 1 + (i * 7919) % 997};
  };
  for (int start = 0; start < kClaims; start += 10'000) {
    std::vector<v1::Claim> batch;
    for (int i = start; i < start + 10'000; ++i) batch.push_back(f.Build(spec(i)));
    auto written = f.db->CreateClaims(batch, f.context);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    f.statement_id = written->front().record.statement_id();
  }
  WhoSaidOptions options;
  options.page_size = 9'000;
  auto first = f.db->NewPinnedReadView();
  REQUIRE(first.ok());
  const uint64_t pinned = (*first)->as_of();
  std::vector<v1::Attribution> all;
  std::unique_ptr<ReadView> view = std::move(*first);
  for (int page = 0; page < 20; ++page) {
    auto answer = WhoSaid(*view, f.statement_id, options);
    REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
    CHECK(answer->attributions_size() <= 9'000);
    for (auto& said : *answer->mutable_attributions()) all.push_back(std::move(said));
    if (answer->next_page_token().empty()) break;
    // Writes between pages: a new claim dated earliest of all, and a retraction.
    f.Claim({.id = "late" + std::to_string(page), .claimant = "crowd", .claimed_day = 1});
    if (page == 0) {
      v1::LifecycleEvent retraction;
      retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
      retraction.mutable_target()->set_claim_id("w99999");
      retraction.set_actor_id("crowd");
      REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
    }
    options.page_token = answer->next_page_token();
    auto as_of = WhoSaidTokenAsOf(f.statement_id, false, options.page_token);
    REQUIRE(as_of.ok());
    CHECK(**as_of == pinned);
    auto next = f.db->NewReadView(*as_of);
    REQUIRE(next.ok());
    view = std::move(*next);
  }
  // Every claim once, none written after the first page, the retracted one still active then,
  // in utterance order: dated by day, undated last, recorded order within a day.
  REQUIRE(all.size() == kClaims);
  std::set<std::string> ids;
  int64_t last_day = 0;
  bool undated = false;
  for (const auto& said : all) {
    ids.insert(said.claim().id());
    CHECK(said.claim().id().rfind("late", 0) != 0);
    if (said.claim().id() == "w99999") CHECK(said.claim().status() == v1::CLAIM_STATUS_ACTIVE);
    int64_t day = said.claim().has_claimed_at() ? said.claim().claimed_at().seconds() / 86400 : 0;
    if (day == 0) {
      undated = true;
    } else {
      CHECK_FALSE(undated);
      CHECK(day >= last_day);
      last_day = day;
    }
  }
  CHECK(ids.size() == kClaims);
  // A token is bound to its query.
  auto other = WhoSaidTokenAsOf(f.statement_id, /*include_inactive=*/true, options.page_token);
  CHECK(other.status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace claimgraph::provenance
