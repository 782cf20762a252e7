// WhoSaid and ClaimsBy: claimants in utterance order with where they were reported, and a
// claimant's track record from later assessments (docs/provenance.md section 6).
#include "engine/provenance/who_said.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>

#include "engine/paging.h"
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
    auto as_of = paging::PinnedPageTokenAsOf(options.page_token);
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
  options.include_inactive = true;
  CHECK(WhoSaid(*view, f.statement_id, options).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace claimgraph::provenance

namespace claimgraph::provenance {
namespace {

// Concatenates the pages of a paged ClaimsBy, writing between pages with `between` (given the
// page number). Fails the test on an error.
template <typename Between>
v1::ClaimsByResponse AllPages(testing::Fixture& f, const std::string& entity, bool include_inactive,
                              size_t page_size, uint64_t* pinned, Between between) {
  ClaimsByOptions options;
  options.include_inactive = include_inactive;
  options.page_size = page_size;
  auto first = f.db->NewPinnedReadView();
  REQUIRE(first.ok());
  *pinned = (*first)->as_of();
  std::unique_ptr<ReadView> view = std::move(*first);
  v1::ClaimsByResponse all;
  for (int page = 0;; ++page) {
    auto answer = ClaimsBy(*view, entity, options);
    REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
    REQUIRE(static_cast<size_t>(answer->claims_size()) <= page_size);
    CHECK_FALSE(answer->truncated());
    for (const auto& record : answer->claims()) *all.add_claims() = record;
    all.set_borne_out(all.borne_out() + answer->borne_out());
    all.set_contradicted(all.contradicted() + answer->contradicted());
    all.set_mixed(all.mixed() + answer->mixed());
    all.set_unassessed(all.unassessed() + answer->unassessed());
    if (answer->next_page_token().empty()) break;
    // Every page but the last is full.
    CHECK(static_cast<size_t>(answer->claims_size()) == page_size);
    between(page);
    options.page_token = answer->next_page_token();
    auto as_of = paging::PinnedPageTokenAsOf(options.page_token);
    REQUIRE(as_of.ok());
    REQUIRE(as_of->has_value());
    CHECK(**as_of == *pinned);
    auto next = f.db->NewReadView(*as_of);
    REQUIRE(next.ok());
    view = std::move(*next);
  }
  return all;
}

TEST_CASE("paged ClaimsBy: the pages are the unpaged answer, whatever is written between them") {
  std::mt19937 random(20261207);
  for (int round = 0; round < 4; ++round) {
    testing::Fixture f;
    f.IranSuppliesRussia();
    f.Entity("org", "government_body");
    f.Entity("checker", "fact_checker");
    const std::vector<std::string> people = {"org", "p1", "p2", "p3"};
    for (size_t i = 1; i < people.size(); ++i) f.Entity(people[i], "person");
    // Claims of two statements; the reference is every claim whose claimant or principal is
    // `org`, in the order written.
    std::vector<std::string> reference;
    std::vector<std::pair<std::string, std::string>> claimants;  // claim id, claimant
    const int claims = 150 + static_cast<int>(random() % 100);
    for (int i = 0; i < claims; ++i) {
      if (i == claims / 2) {
        f.statement.set_subject_id("russia");
        f.statement.mutable_object()->set_entity_id("iran");
        f.statement_id.clear();
      }
      std::string claimant = people[random() % people.size()];
      std::string principal = random() % 3 == 0 ? people[random() % people.size()] : "";
      if (principal == claimant) principal.clear();
      std::string id = "c" + std::to_string(i);
      f.Claim({.id = id,
               .claimant = claimant,
               .on_behalf_of = principal,
               .stance = random() % 4 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS,
               .claimed_day = static_cast<int64_t>(1 + random() % 50)});
      if (claimant == "org" || principal == "org") reference.push_back(id);
      claimants.emplace_back(id, claimant);
      if (random() % 8 == 0) {
        v1::LifecycleEvent retraction;
        retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
        retraction.mutable_target()->set_claim_id(id);
        retraction.set_actor_id(claimant);
        REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
      }
      if (random() % 6 == 0) {
        v1::Assessment verdict;
        verdict.set_assessor_id("checker");
        verdict.mutable_target()->set_claim_id(id);
        verdict.set_verdict(random() % 2 == 0 ? v1::VERDICT_TRUE : v1::VERDICT_FALSE);
        REQUIRE(f.db->RecordAssessment(verdict, f.context).ok());
      }
    }
    const bool include_inactive = round % 2 == 1;
    ClaimsByOptions unpaged_options;
    unpaged_options.include_inactive = include_inactive;
    unpaged_options.max_claims = 100'000;
    auto unpaged = ClaimsBy(*f.View(), "org", unpaged_options);
    REQUIRE(unpaged.ok());
    // The unpaged answer against the reference.
    std::vector<std::string> listed;
    for (const auto& record : unpaged->claims()) listed.push_back(record.claim().id());
    if (include_inactive) CHECK(listed == reference);
    CHECK(listed.size() <= reference.size());

    const size_t page_size = std::vector<size_t>{1, 2, 7, 40}[round % 4];
    int written = 0;
    uint64_t pinned = 0;
    auto paged = AllPages(f, "org", include_inactive, page_size, &pinned, [&](int page) {
      // A new claim by org, and a retraction of one listed on a later page.
      f.Claim({.id = "new" + std::to_string(page), .claimant = "org"});
      ++written;
      if (page == 0 && listed.size() > page_size) {
        v1::LifecycleEvent retraction;
        retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
        retraction.mutable_target()->set_claim_id(listed.back());
        for (const auto& [id, claimant] : claimants) {
          if (id == listed.back()) retraction.set_actor_id(claimant);
        }
        auto recorded = f.db->RecordLifecycleEvent(retraction, f.context);
        CHECK((recorded.ok() || recorded.status().code() == absl::StatusCode::kFailedPrecondition));
      }
    });
    CHECK(written > 0);
    // The unpaged answer as of the pinned time is the concatenation, totals included.
    unpaged = ClaimsBy(*f.View(pinned), "org", unpaged_options);
    REQUIRE(unpaged.ok());
    CHECK(paged.SerializeAsString() == unpaged->SerializeAsString());
    CHECK(paged.claims_size() == static_cast<int>(listed.size()));
  }
}

TEST_CASE("a ClaimsBy page token is bound to its entity, include_inactive and time") {
  testing::Fixture f;
  f.IranSuppliesRussia();
  f.Entity("org", "government_body");
  for (int i = 0; i < 3; ++i) f.Claim({.id = "c" + std::to_string(i), .claimant = "org"});
  auto pinned = f.db->NewPinnedReadView();
  REQUIRE(pinned.ok());
  ClaimsByOptions options;
  options.page_size = 1;
  auto first = ClaimsBy(**pinned, "org", options);
  REQUIRE(first.ok());
  REQUIRE(first->claims_size() == 1);
  REQUIRE_FALSE(first->next_page_token().empty());
  options.page_token = first->next_page_token();
  CHECK(ClaimsBy(**pinned, "org", options).ok());
  auto code = [&](const ReadView& view, const std::string& entity, const ClaimsByOptions& o) {
    return ClaimsBy(view, entity, o).status().code();
  };
  CHECK(code(**pinned, "iran", options) == absl::StatusCode::kInvalidArgument);
  ClaimsByOptions inactive = options;
  inactive.include_inactive = true;
  CHECK(code(**pinned, "org", inactive) == absl::StatusCode::kInvalidArgument);
  CHECK(code(*f.View((*pinned)->as_of() - 1), "org", options) ==
        absl::StatusCode::kInvalidArgument);
  ClaimsByOptions garbage = options;
  garbage.page_token = "not-a-token";
  CHECK(code(**pinned, "org", garbage) == absl::StatusCode::kInvalidArgument);
  // A WhoSaid token is not a ClaimsBy token.
  WhoSaidOptions who;
  who.page_size = 1;
  auto said = WhoSaid(**pinned, f.statement_id, who);
  REQUIRE(said.ok());
  ClaimsByOptions foreign = options;
  foreign.page_token = said->next_page_token();
  CHECK(code(**pinned, "org", foreign) == absl::StatusCode::kInvalidArgument);
}

}  // namespace
TEST_CASE("an answer byte budget cuts unpaged answers and ends pages early, losing nothing") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("org", "government_body");
  // 40 claims of about 2 KB each (their basis descriptions) by org, on one statement.
  const std::string padding(2000, 'x');
  for (int i = 0; i < 40; ++i) {
    f.Claim({.id = "c" + std::to_string(i),
             .claimant = "org",
             .basis_description = padding + std::to_string(i),
             .claimed_day = 1 + i % 7});
  }
  constexpr size_t kBudget = 16 * 1024;
  auto pinned = f.db->NewPinnedReadView();
  REQUIRE(pinned.ok());
  const uint64_t as_of = (*pinned)->as_of();

  SUBCASE("WhoSaid") {
    auto whole = WhoSaid(**pinned, f.statement_id);
    REQUIRE(whole.ok());
    REQUIRE(whole->attributions_size() == 40);
    CHECK_FALSE(whole->truncated());
    WhoSaidOptions options;
    options.max_answer_bytes = kBudget;
    auto cut = WhoSaid(**pinned, f.statement_id, options);
    REQUIRE(cut.ok());
    CHECK(cut->truncated());
    CHECK(cut->ByteSizeLong() <= kBudget);
    REQUIRE(cut->attributions_size() > 1);
    REQUIRE(cut->attributions_size() < 40);
    for (int i = 0; i < cut->attributions_size(); ++i) {
      CHECK(cut->attributions(i).SerializeAsString() == whole->attributions(i).SerializeAsString());
    }
    // Paged, 25 a page: the budget ends pages early, and the pages are still the whole answer.
    options.page_size = 25;
    v1::WhoSaidResponse all;
    int pages = 0;
    std::unique_ptr<ReadView> view = std::move(*pinned);
    while (true) {
      auto page = WhoSaid(*view, f.statement_id, options);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      CHECK(page->ByteSizeLong() <= kBudget);
      CHECK(page->attributions_size() >= 1);
      ++pages;
      for (const auto& attribution : page->attributions()) *all.add_attributions() = attribution;
      if (page->next_page_token().empty()) break;
      options.page_token = page->next_page_token();
      auto next = f.db->NewReadView(as_of);
      REQUIRE(next.ok());
      view = std::move(*next);
    }
    CHECK(pages > 40 * 2000 / kBudget);
    CHECK(all.SerializeAsString() == whole->SerializeAsString());
  }

  SUBCASE("ClaimsBy") {
    ClaimsByOptions options;
    options.max_claims = 100;
    auto whole = ClaimsBy(**pinned, "org", options);
    REQUIRE(whole.ok());
    REQUIRE(whole->claims_size() == 40);
    options.max_answer_bytes = kBudget;
    auto cut = ClaimsBy(**pinned, "org", options);
    REQUIRE(cut.ok());
    CHECK(cut->truncated());
    CHECK(cut->ByteSizeLong() <= kBudget);
    REQUIRE(cut->claims_size() > 1);
    REQUIRE(cut->claims_size() < 40);
    // The totals count the claims answered, not the one left out.
    CHECK(cut->unassessed() == cut->claims_size());
    options.page_size = 25;
    v1::ClaimsByResponse all;
    std::unique_ptr<ReadView> view = std::move(*pinned);
    while (true) {
      auto page = ClaimsBy(*view, "org", options);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      CHECK(page->ByteSizeLong() <= kBudget);
      CHECK(page->unassessed() == page->claims_size());
      for (const auto& record : page->claims()) *all.add_claims() = record;
      all.set_unassessed(all.unassessed() + page->unassessed());
      if (page->next_page_token().empty()) break;
      options.page_token = page->next_page_token();
      auto next = f.db->NewReadView(as_of);
      REQUIRE(next.ok());
      view = std::move(*next);
    }
    CHECK(all.SerializeAsString() == whole->SerializeAsString());
  }
}

}  // namespace claimgraph::provenance
