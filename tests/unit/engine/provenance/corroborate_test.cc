// Corroborate: independent origins case by case and fused numbers computed by hand
// (docs/provenance.md sections 2, 3 and 7).
#include "engine/provenance/corroborate.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/paging.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::ClaimSpec;
using testing::Fixture;

constexpr double kTolerance = 1e-9;

v1::CorroborateResponse Answer(Fixture& fixture, std::optional<uint64_t> as_of = std::nullopt,
                               bool include_inactive = false) {
  auto view = fixture.View(as_of);
  CorroborateOptions options;
  options.include_inactive = include_inactive;
  auto answer = Corroborate(*view, fixture.statement_id, options);
  REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
  return *answer;
}

// The seed article's example, as worked in docs/provenance.md section 7.
void BuildWorkedExample(Fixture& f) {
  f.IranSuppliesRussia();
  f.Entity("us-government", "government", "US government");
  f.Entity("nsc", "government_body", "National Security Council");
  f.Entity("kirby", "person", "John Kirby");
  f.Entity("cbs", "news_organisation", "CBS News");
  f.Entity("capitaltrack", "news_organisation", "CapitalTrack");
  f.Entity("kyiv-post", "news_organisation", "Kyiv Post");
  f.Entity("irna", "news_organisation", "IRNA");
  f.Entity("ukraine-mod", "government_body", "Ukraine defence ministry");
  f.Entity("iran-mfa", "government_body", "Iran foreign ministry");
  f.Source("cbs-2023-06-09", "cbs", v1::RELIABILITY_B, 19517);
  f.Source("capitaltrack-page", "capitaltrack", v1::RELIABILITY_E, 20194,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "cbs-2023-06-09"}}, 20194);
  f.Source("kyiv-post-article", "kyiv-post", v1::RELIABILITY_C, 19518);
  f.Source("irna-article", "irna", v1::RELIABILITY_D, 19519);
  f.Claim({.id = "c1",
           .claimant = "us-government",
           .certainty = v1::CERTAINTY_PROBABLE,
           .basis_description = "Newly declassified  intelligence",
           .claimed_day = 19516,
           .act = v1::CLAIM_ACT_BELIEVES});
  f.Claim({.id = "c2",
           .claimant = "kirby",
           .on_behalf_of = "nsc",
           .source = "cbs-2023-06-09",
           .relays = "c1",
           .confidence = 0.9,
           .claimed_day = 19517});
  f.Claim({.id = "c3",
           .claimant = "cbs",
           .certainty = v1::CERTAINTY_UNDERSPECIFIED,
           .source = "cbs-2023-06-09",
           .relays = "c2",
           .claimed_day = 19517,
           .act = v1::CLAIM_ACT_REPORTS});
  f.Claim({.id = "c4",
           .claimant = "capitaltrack",
           .certainty = v1::CERTAINTY_UNDERSPECIFIED,
           .source = "capitaltrack-page",
           .relays = "c2",
           .claimed_day = 20194,
           .act = v1::CLAIM_ACT_REPORTS});
  f.Claim({.id = "c5",
           .claimant = "ukraine-mod",
           .certainty = v1::CERTAINTY_PROBABLE,
           .estimative_word = "likely",
           .source = "kyiv-post-article",
           .confidence = 0.8});
  f.Claim({.id = "c6",
           .claimant = "iran-mfa",
           .stance = v1::STANCE_REFUTES,
           .source = "irna-article",
           .act = v1::CLAIM_ACT_DENIES});
}

const v1::ClaimContribution& ContributionOf(const v1::CorroborateResponse& answer,
                                            const std::string& claim_id) {
  for (const auto& origin : answer.origins()) {
    for (const auto& claim : origin.supporting()) {
      if (claim.claim_id() == claim_id) return claim;
    }
    for (const auto& claim : origin.refuting()) {
      if (claim.claim_id() == claim_id) return claim;
    }
  }
  FAIL("claim not in the answer: " << claim_id);
  static v1::ClaimContribution none;
  return none;
}

TEST_CASE("worked example from the design: origins, per-claim opinions and fusion") {
  Fixture f;
  BuildWorkedExample(f);
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 3);
  CHECK(answer.origins_for() == 2);
  CHECK(answer.origins_against() == 1);
  CHECK_FALSE(answer.single_origin());
  CHECK(answer.supporting_claims() == 5);
  CHECK(answer.refuting_claims() == 1);
  const auto& first = answer.origins(0);
  CHECK(first.supporting_size() == 4);
  REQUIRE(first.keys_size() == 2);
  CHECK(first.keys(0) == "basis:newly declassified intelligence");
  CHECK(first.keys(1) == "entity:us-government");
  CHECK(first.strongest_claim_id() == "c2");
  CHECK(answer.origins(1).keys(0) == "entity:ukraine-mod");
  CHECK(answer.origins(2).keys(0) == "entity:iran-mfa");

  struct Expected {
    const char* id;
    double strength, confidence, reliability, belief, disbelief;
  };
  for (const auto& e :
       {Expected{"c1", 0.70, 1, 0.5, 0.35, 0}, Expected{"c2", 0.95, 0.9, 0.8, 0.684, 0},
        Expected{"c3", 0.50, 0.9, 0.8, 0.36, 0}, Expected{"c4", 0.50, 0.9, 0.2, 0.09, 0},
        Expected{"c5", 0.675, 0.8, 0.65, 0.351, 0}, Expected{"c6", 0.95, 1, 0.45, 0, 0.4275}}) {
    CAPTURE(e.id);
    const auto& claim = ContributionOf(answer, e.id);
    CHECK(std::abs(claim.strength() - e.strength) < kTolerance);
    CHECK(std::abs(claim.confidence_factor() - e.confidence) < kTolerance);
    CHECK(std::abs(claim.reliability_factor() - e.reliability) < kTolerance);
    CHECK(std::abs(claim.opinion().belief() - e.belief) < kTolerance);
    CHECK(std::abs(claim.opinion().disbelief() - e.disbelief) < kTolerance);
  }
  CHECK(ContributionOf(answer, "c4").innermost_claim_id() == "c1");
  CHECK(ContributionOf(answer, "c4").chain_length() == 3);
  CHECK(std::abs(answer.fused().belief() - 0.6076639256732389) < kTolerance);
  CHECK(std::abs(answer.fused().disbelief() - 0.16772367177469039) < kTolerance);
  CHECK(std::abs(answer.fused().uncertainty() - 0.22461240255207077) < kTolerance);
  CHECK(std::abs(answer.fused().projected_probability() - 0.7199701269492743) < kTolerance);
}

TEST_CASE("diamond: two outlets relaying one briefing claim are one origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("kirby", "person");
  f.Entity("white-house", "government_body");
  f.Entity("outlet-a", "news_organisation");
  f.Entity("outlet-b", "news_organisation");
  f.Source("briefing", "white-house", v1::RELIABILITY_B);
  f.Source("article-a", "outlet-a", v1::RELIABILITY_C, 0,
           {{v1::DERIVATION_TYPE_QUOTES, "briefing"}});
  f.Source("article-b", "outlet-b", v1::RELIABILITY_C, 0,
           {{v1::DERIVATION_TYPE_QUOTES, "briefing"}});
  f.Claim({.id = "kirby", .claimant = "kirby", .source = "briefing"});
  f.Claim({.id = "a", .claimant = "outlet-a", .source = "article-a", .relays = "kirby"});
  f.Claim({.id = "b", .claimant = "outlet-b", .source = "article-b", .relays = "kirby"});
  auto answer = Answer(f);
  CHECK(answer.origins_size() == 1);
  CHECK(answer.origins_for() == 1);
  CHECK(answer.single_origin());
  CHECK(answer.origins(0).strongest_claim_id() == "kirby");
  // 0.95 * 0.8 = 0.76 alone: relays add nothing.
  CHECK(std::abs(answer.fused().belief() - 0.76) < kTolerance);
}

TEST_CASE("diamond: two outlets quoting one briefing in their own voice are one origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("white-house", "government_body");
  f.Entity("outlet-a", "news_organisation");
  f.Entity("outlet-b", "news_organisation");
  f.Source("briefing", "white-house", v1::RELIABILITY_B);
  f.Source("article-a", "outlet-a", v1::RELIABILITY_C, 0,
           {{v1::DERIVATION_TYPE_QUOTES, "briefing"}});
  f.Source("article-b", "outlet-b", v1::RELIABILITY_B, 0,
           {{v1::DERIVATION_TYPE_QUOTES, "briefing"}});
  f.Claim({.id = "a", .claimant = "outlet-a", .source = "article-a", .act = v1::CLAIM_ACT_REPORTS});
  f.Claim({.id = "b", .claimant = "outlet-b", .source = "article-b", .act = v1::CLAIM_ACT_REPORTS});
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 1);
  REQUIRE(answer.origins(0).keys_size() == 2);
  CHECK(answer.origins(0).keys(0) == "entity:white-house");
  CHECK(answer.origins(0).keys(1) == "source:briefing");
  CHECK(answer.origins(0).strongest_claim_id() == "b");  // 0.95 * 0.8 beats 0.95 * 0.65
}

TEST_CASE("two spokesmen of one government are one origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("us-government", "government");
  f.Entity("kirby", "person");
  f.Entity("price", "person");
  f.Claim({.id = "kirby", .claimant = "kirby", .on_behalf_of = "us-government"});
  f.Claim({.id = "price",
           .claimant = "price",
           .on_behalf_of = "us-government",
           .certainty = v1::CERTAINTY_PROBABLE});
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 1);
  CHECK(answer.origins(0).keys(0) == "entity:us-government");
  // No source anywhere: R = 0.5; kirby 0.95 * 0.5 = 0.475.
  CHECK(std::abs(answer.fused().belief() - 0.475) < kTolerance);
}

TEST_CASE("two reports resting on one intelligence release are one origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("odni", "intelligence_agency");
  f.Entity("outlet-a", "news_organisation");
  f.Entity("analyst", "person");
  f.Source("release", "odni", v1::RELIABILITY_A);
  f.Source("article-a", "outlet-a", v1::RELIABILITY_C);
  f.Claim({.id = "a", .claimant = "outlet-a", .source = "article-a", .basis_source = "release"});
  f.Claim({.id = "b", .claimant = "analyst", .basis_source = "release"});
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 1);
  CHECK(answer.origins_for() == 1);
  bool has_release = false;
  for (const auto& key : answer.origins(0).keys()) has_release |= key == "source:release";
  CHECK(has_release);
}

TEST_CASE("each claim reports its own origin set and the keys that joined it to its origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("odni", "intelligence_agency");
  f.Entity("gov", "government");
  f.Entity("x", "person");
  f.Entity("y", "person");
  f.Entity("z", "person");
  f.Source("release", "odni", v1::RELIABILITY_A);
  // a and b share the release, b and c the government; a and c share nothing, yet all three are
  // one origin (union-find over the keys).
  f.Claim({.id = "a", .claimant = "x", .basis_source = "release"});
  f.Claim({.id = "b", .claimant = "y", .on_behalf_of = "gov", .basis_source = "release"});
  f.Claim({.id = "c", .claimant = "z", .on_behalf_of = "gov"});
  f.Claim({.id = "d", .claimant = "z"});
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 2);
  const v1::Origin& joined = answer.origins(0);
  REQUIRE(joined.supporting_size() == 3);
  auto keys = [](const google::protobuf::RepeatedPtrField<std::string>& list) {
    return std::vector<std::string>(list.begin(), list.end());
  };
  using Keys = std::vector<std::string>;
  CHECK(keys(joined.supporting(0).origin_keys()) == Keys{"entity:x", "source:release"});
  CHECK(keys(joined.supporting(0).joined_by_keys()) == Keys{"source:release"});
  CHECK(keys(joined.supporting(1).origin_keys()) == Keys{"entity:gov", "source:release"});
  CHECK(keys(joined.supporting(1).joined_by_keys()) == Keys{"entity:gov", "source:release"});
  CHECK(keys(joined.supporting(2).origin_keys()) == Keys{"entity:gov"});
  CHECK(keys(joined.supporting(2).joined_by_keys()) == Keys{"entity:gov"});
  // d stands alone: its set, and nothing joined it.
  REQUIRE(answer.origins(1).supporting_size() == 1);
  CHECK(keys(answer.origins(1).supporting(0).origin_keys()) == Keys{"entity:z"});
  CHECK(answer.origins(1).supporting(0).joined_by_keys_size() == 0);
}

TEST_CASE("two different officials quoted in one article are two origins") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("outlet", "news_organisation");
  f.Entity("official-1", "person");
  f.Entity("official-2", "person");
  f.Source("article", "outlet", v1::RELIABILITY_B);
  f.Claim({.id = "o1", .claimant = "official-1", .source = "article"});
  f.Claim({.id = "o2",
           .claimant = "official-2",
           .certainty = v1::CERTAINTY_POSSIBLE,
           .source = "article",
           .confidence = 0.9});
  auto answer = Answer(f);
  CHECK(answer.origins_size() == 2);
  CHECK(answer.origins_for() == 2);
  CHECK_FALSE(answer.single_origin());
  // (0.76, 0, 0.24) + (0.288, 0, 0.712), computed by hand.
  CHECK(std::abs(answer.fused().belief() - 0.7812371978697256) < kTolerance);
  CHECK(std::abs(answer.fused().uncertainty() - 0.21876280213027446) < kTolerance);
  CHECK(std::abs(answer.fused().projected_probability() - 0.8906185989348628) < kTolerance);
}

TEST_CASE("ten outlets republishing one wire story are one origin") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("wire", "news_organisation");
  f.Source("wire-story", "wire", v1::RELIABILITY_A);
  f.Claim({.id = "wire", .claimant = "wire", .source = "wire-story", .act = v1::CLAIM_ACT_REPORTS});
  for (int i = 0; i < 10; ++i) {
    std::string outlet = "outlet-" + std::to_string(i);
    f.Entity(outlet, "news_organisation");
    f.Source("page-" + std::to_string(i), outlet, v1::RELIABILITY_C, 0,
             {{v1::DERIVATION_TYPE_REPUBLISHES, "wire-story"}});
    f.Claim({.id = "copy-" + std::to_string(i),
             .claimant = outlet,
             .certainty = v1::CERTAINTY_UNDERSPECIFIED,
             .source = "page-" + std::to_string(i),
             .act = v1::CLAIM_ACT_REPORTS});
  }
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 1);
  CHECK(answer.origins(0).supporting_size() == 11);
  CHECK(answer.single_origin());
  REQUIRE(answer.origins(0).keys_size() == 2);
  CHECK(answer.origins(0).keys(0) == "entity:wire");
  CHECK(answer.origins(0).keys(1) == "source:wire-story");
  CHECK(answer.origins(0).strongest_claim_id() == "wire");
  // 0.95 * 0.95 = 0.9025; P = 0.9025 + 0.5 * 0.0975.
  CHECK(std::abs(answer.fused().belief() - 0.9025) < kTolerance);
  CHECK(std::abs(answer.fused().projected_probability() - 0.95125) < kTolerance);
}

TEST_CASE("two truly independent origins fuse cumulatively") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("outlet-1", "news_organisation");
  f.Entity("outlet-2", "news_organisation");
  f.Entity("official-1", "person");
  f.Entity("official-2", "person");
  f.Source("s1", "outlet-1", v1::RELIABILITY_B);
  f.Source("s2", "outlet-2", v1::RELIABILITY_C);
  f.Claim({.id = "a", .claimant = "official-1", .source = "s1"});
  f.Claim({.id = "b",
           .claimant = "official-2",
           .certainty = v1::CERTAINTY_PROBABLE,
           .source = "s2",
           .confidence = 0.5});
  auto answer = Answer(f);
  REQUIRE(answer.origins_size() == 2);
  CHECK(std::abs(answer.origins(0).contribution().belief() - 0.76) < kTolerance);
  CHECK(std::abs(answer.origins(1).contribution().belief() - 0.2275) < kTolerance);
  CHECK(std::abs(answer.fused().belief() - 0.7758433079434168) < kTolerance);
  CHECK(std::abs(answer.fused().uncertainty() - 0.22415669205658323) < kTolerance);
  CHECK(std::abs(answer.fused().projected_probability() - 0.8879216539717084) < kTolerance);
}

TEST_CASE("refuting claims count against and fuse into disbelief") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("outlet-1", "news_organisation");
  f.Entity("outlet-2", "news_organisation");
  f.Entity("official-1", "person");
  f.Entity("burns", "person");
  f.Source("s1", "outlet-1", v1::RELIABILITY_B);
  f.Source("s2", "outlet-2", v1::RELIABILITY_C);
  f.Claim({.id = "a", .claimant = "official-1", .source = "s1"});
  f.Claim({.id = "r",
           .claimant = "burns",
           .stance = v1::STANCE_REFUTES,
           .certainty = v1::CERTAINTY_PROBABLE,
           .estimative_word = "likely",
           .source = "s2"});
  f.Claim({.id = "d", .claimant = "burns", .stance = v1::STANCE_DISCUSSES, .source = "s2"});
  auto answer = Answer(f);
  CHECK(answer.origins_for() == 1);
  CHECK(answer.origins_against() == 1);
  CHECK(answer.refuting_claims() == 1);
  REQUIRE(answer.discussing_claim_ids_size() == 1);
  CHECK(answer.discussing_claim_ids(0) == "d");
  CHECK(std::abs(answer.origins(1).contribution().disbelief() - 0.43875) < kTolerance);
  CHECK(std::abs(answer.fused().belief() - 0.6399369889730703) < kTolerance);
  CHECK(std::abs(answer.fused().disbelief() - 0.1579776460880654) < kTolerance);
  CHECK(std::abs(answer.fused().projected_probability() - 0.7409796714425024) < kTolerance);
}

// Sources s0 <- s1 <- ... <- s(n-1), then s0 updated to derive from s(n-1): one cycle of n.
void BuildCycle(Fixture& f, int length) {
  f.IranSuppliesRussia();
  for (int i = 0; i < length; ++i) {
    std::string outlet = "outlet-" + std::to_string(i);
    f.Entity(outlet, "news_organisation");
    std::vector<std::pair<v1::DerivationType, std::string>> derived;
    if (i > 0) derived.push_back({v1::DERIVATION_TYPE_CITES, "s" + std::to_string(i - 1)});
    f.Source("s" + std::to_string(i), outlet, v1::RELIABILITY_C, 0, derived);
  }
  f.Source("s0", "outlet-0", v1::RELIABILITY_C, 0,
           {{v1::DERIVATION_TYPE_CITES, "s" + std::to_string(length - 1)}}, 0, true);
  f.Claim({.id = "first", .claimant = "outlet-0", .source = "s0"});
  std::string last = std::to_string(length - 1);
  f.Claim({.id = "last", .claimant = "outlet-" + last, .source = "s" + last});
}

TEST_CASE("a derivation cycle of length 2 is reported and counts as one origin") {
  Fixture f;
  BuildCycle(f, 2);
  auto answer = Answer(f);
  REQUIRE(answer.cycles_size() == 1);
  REQUIRE(answer.cycles(0).source_ids_size() == 2);
  CHECK(answer.cycles(0).source_ids(0) == "s0");
  CHECK(answer.cycles(0).source_ids(1) == "s1");
  REQUIRE(answer.origins_size() == 1);
  CHECK(answer.origins(0).circular());
  CHECK(answer.origins(0).keys_size() == 4);  // both sources and both publishers
}

TEST_CASE("a derivation cycle of length 50 is reported and counts as one origin") {
  Fixture f;
  BuildCycle(f, 50);
  auto answer = Answer(f);
  REQUIRE(answer.cycles_size() == 1);
  CHECK(answer.cycles(0).source_ids_size() == 50);
  REQUIRE(answer.origins_size() == 1);
  CHECK(answer.origins(0).circular());
  CHECK(answer.origins(0).supporting_size() == 2);
}

TEST_CASE("retraction recorded before as_of removes the claim, after as_of does not") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("official-1", "person");
  f.Entity("official-2", "person");
  f.Claim({.id = "a", .claimant = "official-1"});
  auto b = f.Claim({.id = "b", .claimant = "official-2"});
  const uint64_t before_retraction = ids::ToMicros(b.recorded_at());
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("b");
  retraction.set_actor_id("official-2");
  auto recorded = f.db->RecordLifecycleEvent(retraction, f.context);
  REQUIRE(recorded.ok());
  const uint64_t after_retraction = ids::ToMicros(recorded->record.recorded_at());

  // As of before the retraction was recorded: both count.
  auto then = Answer(f, before_retraction);
  CHECK(then.origins_size() == 2);
  // As of the retraction and now: b vanishes.
  CHECK(Answer(f, after_retraction).origins_size() == 1);
  auto now = Answer(f);
  REQUIRE(now.origins_size() == 1);
  CHECK(now.origins(0).strongest_claim_id() == "a");
  // Unless asked for, with its status.
  auto all = Answer(f, std::nullopt, true);
  REQUIRE(all.origins_size() == 2);
  CHECK(all.origins(1).supporting(0).status() == v1::CLAIM_STATUS_RETRACTED);
  // A claim recorded after as_of does not exist for the answer.
  auto before_b = Answer(f, before_retraction - 1);
  CHECK(before_b.origins_size() == 1);
}

TEST_CASE("anonymous claimants are each their own origin unless a basis links them") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Claim({.id = "x", .claimant = ""});
  f.Claim({.id = "y", .claimant = "", .certainty = v1::CERTAINTY_POSSIBLE});
  CHECK(Answer(f).origins_size() == 2);
  f.Claim({.id = "z", .claimant = "", .basis_description = "a leaked memo"});
  f.Claim({.id = "w", .claimant = "", .basis_description = "A leaked  MEMO"});
  auto answer = Answer(f);
  CHECK(answer.origins_size() == 3);
}

TEST_CASE("corroborate errors: empty and unknown statement ids") {
  Fixture f;
  f.IranSuppliesRussia();
  auto view = f.View();
  CHECK(Corroborate(*view, "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Corroborate(*view, "st_unknown").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("the installed scorer keeps the fused probability on the statement's edges") {
  Fixture f;
  REQUIRE(InstallStatementScorer(*f.db).ok());
  f.IranSuppliesRussia();
  f.Entity("official-1", "person");
  f.Entity("official-2", "person");
  f.Entity("outlet", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_B);
  auto edge_score = [&]() {
    auto view = f.View();
    auto iran = view->Resolve(keys::IdKind::kEntity, "iran");
    REQUIRE(iran.ok());
    std::optional<double> score;
    REQUIRE(view->ForEachEdge(keys::kOutEdge, **iran, std::nullopt,
                              [&](const keys::EdgeKey&, const storage::EdgeAggregate& aggregate) {
                                score = aggregate.EffectiveConfidence();
                                return true;
                              })
                .ok());
    REQUIRE(score.has_value());
    return *score;
  };
  f.Claim({.id = "o1", .claimant = "official-1", .source = "article"});
  // 0.76 belief: P = 0.76 + 0.5 * 0.24.
  CHECK(std::abs(edge_score() - 0.88) < kTolerance);
  f.Claim({.id = "o2",
           .claimant = "official-2",
           .certainty = v1::CERTAINTY_POSSIBLE,
           .source = "article",
           .confidence = 0.9});
  CHECK(std::abs(edge_score() - 0.8906185989348628) < kTolerance);
  for (const char* claim : {"o1", "o2"}) {
    v1::LifecycleEvent retraction;
    retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
    retraction.mutable_target()->set_claim_id(claim);
    retraction.set_actor_id(claim == std::string("o1") ? "official-1" : "official-2");
    REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  }
  // Nothing supports the edge any more.
  CHECK(edge_score() == 0);
}

}  // namespace
}  // namespace claimgraph::provenance

namespace claimgraph::provenance {
namespace {

// The effective confidence on the out-edge of the fixture's statement subject (iran).
double EdgeScore(Fixture& f) {
  auto view = f.View();
  auto iran = view->Resolve(keys::IdKind::kEntity, "iran");
  REQUIRE(iran.ok());
  std::optional<double> score;
  bool pending = false;
  REQUIRE(view->ForEachEdge(keys::kOutEdge, **iran, std::nullopt,
                            [&](const keys::EdgeKey&, const storage::EdgeAggregate& aggregate) {
                              score = aggregate.EffectiveConfidence();
                              pending = aggregate.score_pending;
                              return true;
                            })
              .ok());
  REQUIRE(score.has_value());
  CHECK_FALSE(pending);
  return *score;
}

TEST_CASE("a source's new grade or derivation rescores the statements that depend on it") {
  Fixture f;
  REQUIRE(InstallStatementScorer(*f.db).ok());
  f.IranSuppliesRussia();
  f.Entity("official", "person");
  f.Entity("outlet", "news_organisation");
  f.Entity("wire-service", "news_organisation");
  f.Entity("site", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_B);
  f.Claim({.id = "o1", .claimant = "official", .source = "article"});
  // Certain (0.95) in a B source (0.80): b = 0.76, P = 0.76 + 0.5 * 0.24 = 0.88.
  CHECK(std::abs(EdgeScore(f) - 0.88) < kTolerance);
  // The outlet is regraded E (0.25): b = 0.2375, P = 0.2375 + 0.5 * 0.7625 = 0.61875.
  f.Source("article", "outlet", v1::RELIABILITY_E, 0, {}, 0, /*update=*/true);
  CHECK(std::abs(EdgeScore(f) - 0.61875) < kTolerance);
  // Regraded B again.
  f.Source("article", "outlet", v1::RELIABILITY_B, 0, {}, 0, /*update=*/true);
  CHECK(std::abs(EdgeScore(f) - 0.88) < kTolerance);

  // A wire story (B) and a site's page (C), each claim in its publisher's own voice: o1's origin,
  // the wire's {source:wire-story, entity:wire-service} and the site's {source:page, entity:site}
  // are three origins. Evidence: 0.76/0.24 twice (o1 and the wire) plus 0.6175/0.3825.
  f.Source("wire-story", "wire-service", v1::RELIABILITY_B);
  f.Source("page", "site", v1::RELIABILITY_C);
  f.Claim({.id = "w", .claimant = "wire-service", .source = "wire-story"});
  f.Claim({.id = "p", .claimant = "site", .source = "page"});
  const double three = 2 * 0.76 / 0.24 + 0.6175 / 0.3825;
  CHECK(std::abs(EdgeScore(f) - (three + 0.5) / (1 + three)) < kTolerance);
  // The page turns out to republish the wire story: the site speaks for the wire, two origins
  // (o1's and the wire's, whose strongest is the wire's own claim, 0.76).
  v1::Derivation republishes;
  republishes.set_type(v1::DERIVATION_TYPE_REPUBLISHES);
  republishes.set_source_id("wire-story");
  REQUIRE(f.db->AddDerivation("page", republishes, f.context).ok());
  const double two = 2 * 0.76 / 0.24;
  CHECK(std::abs(EdgeScore(f) - (two + 0.5) / (1 + two)) < kTolerance);
  REQUIRE(f.db->SettleScores().ok());
}

}  // namespace
}  // namespace claimgraph::provenance

namespace claimgraph::provenance {
namespace {

TEST_CASE("paged Corroborate: the pages are the unpaged answer, whatever is written between") {
  std::mt19937 random(7);
  for (size_t page_size : {1, 3, 10}) {
    testing::Fixture f;
    f.IranSuppliesRussia();
    const std::vector<std::string> people = {"a", "b", "c", "d", "e", "f"};
    for (const auto& person : people) f.Entity(person, "person");
    f.Entity("outlet", "news_organisation");
    f.Source("s1", "outlet", v1::RELIABILITY_B);
    f.Source("s2", "outlet", v1::RELIABILITY_D);
    const v1::Stance stances[] = {v1::STANCE_SUPPORTS, v1::STANCE_REFUTES, v1::STANCE_DISCUSSES};
    std::vector<std::string> written;
    for (int i = 0; i < 40; ++i) {
      std::string relays = !written.empty() && random() % 3 == 0
                               ? written[random() % written.size()]
                               : std::string();
      f.Claim({.id = "c" + std::to_string(i),
               .claimant = people[random() % people.size()],
               .on_behalf_of = random() % 4 == 0 ? people[random() % people.size()] : "",
               .stance = stances[random() % 3],
               .source = random() % 2 == 0 ? "s1" : (random() % 2 == 0 ? "s2" : ""),
               .relays = relays});
      written.push_back("c" + std::to_string(i));
    }
    auto pinned_view = f.db->NewPinnedReadView();
    REQUIRE(pinned_view.ok());
    const uint64_t pinned = (*pinned_view)->as_of();
    std::unique_ptr<ReadView> view = std::move(*pinned_view);
    CorroborateOptions options;
    options.page_size = page_size;
    v1::CorroborateResponse all;
    int pages = 0;
    for (;; ++pages) {
      REQUIRE(pages < 100);
      auto page = Corroborate(*view, f.statement_id, options);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      size_t claims = page->discussing_claim_ids_size();
      for (const auto& origin : page->origins()) {
        claims += origin.supporting_size() + origin.refuting_size();
      }
      CHECK(claims <= page_size);
      if (pages == 0) {
        all = *page;
        all.clear_next_page_token();
      } else {
        // Every page carries the same summary.
        CHECK(page->fused().SerializeAsString() == all.fused().SerializeAsString());
        CHECK(page->origin_count() == all.origin_count());
        for (const auto& origin : page->origins()) {
          REQUIRE(origin.index() <= all.origins_size());
          if (origin.index() == all.origins_size()) {
            *all.add_origins() = origin;
            continue;
          }
          v1::Origin* into = all.mutable_origins(origin.index());
          for (const auto& c : origin.supporting()) *into->add_supporting() = c;
          for (const auto& c : origin.refuting()) *into->add_refuting() = c;
        }
        for (const auto& id : page->discussing_claim_ids()) all.add_discussing_claim_ids(id);
      }
      if (page->next_page_token().empty()) break;
      CHECK(claims == page_size);
      // Writes between pages: a claim joining an origin, and a retraction.
      f.Claim({.id = "between" + std::to_string(pages), .claimant = "a"});
      if (pages == 0) {
        v1::LifecycleEvent retraction;
        retraction.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
        retraction.mutable_target()->set_claim_id("c39");
        retraction.set_actor_id("a");
        auto recorded = f.db->RecordLifecycleEvent(retraction, f.context);
        CHECK_MESSAGE(recorded.ok(), recorded.status().ToString());
      }
      options.page_token = page->next_page_token();
      auto as_of = paging::PinnedPageTokenAsOf(options.page_token);
      REQUIRE(as_of.ok());
      REQUIRE(as_of->has_value());
      auto next = f.db->NewReadView(**as_of);
      REQUIRE(next.ok());
      view = std::move(*next);
    }
    CHECK(pages >= 3);
    auto whole = Corroborate(*f.View(pinned), f.statement_id);
    REQUIRE(whole.ok());
    CHECK(whole->origin_count() == whole->origins_size());
    CHECK(all.SerializeAsString() == whole->SerializeAsString());
    // Bound to its query and its time.
    options.include_inactive = true;
    CHECK(Corroborate(*view, f.statement_id, options).status().code() ==
          absl::StatusCode::kInvalidArgument);
    options.include_inactive = false;
    CHECK(Corroborate(*f.View(), f.statement_id, options).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace claimgraph::provenance

namespace claimgraph::provenance {
namespace {

TEST_CASE("lifecycle events rescore their statement: retraction, relays link, deprecation") {
  Fixture f;
  REQUIRE(InstallStatementScorer(*f.db).ok());
  f.IranSuppliesRussia();
  f.Entity("official-1", "person");
  f.Entity("official-2", "person");
  f.Entity("outlet", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_B);
  f.Source("page", "outlet", v1::RELIABILITY_C);
  auto record = [&](v1::LifecycleKind kind, const std::string& claim, const std::string& actor,
                    const std::string& relays = "") {
    v1::LifecycleEvent event;
    event.set_kind(kind);
    event.mutable_target()->set_claim_id(claim);
    event.set_actor_id(actor);
    event.set_relays_claim_id(relays);
    auto recorded = f.db->RecordLifecycleEvent(event, f.context);
    REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
  };
  // o1: certain (0.95) in a B source (0.80): (0.76, 0, 0.24). o2: certain in a C source (0.65):
  // (0.6175, 0, 0.3825). Two origins: B = 0.76/0.24 + 0.6175/0.3825, P = (B + 0.5) / (1 + B).
  f.Claim({.id = "o1", .claimant = "official-1", .source = "article"});
  f.Claim({.id = "o2", .claimant = "official-2", .source = "page"});
  const double both = 0.76 / 0.24 + 0.6175 / 0.3825;
  CHECK(std::abs(EdgeScore(f) - (both + 0.5) / (1 + both)) < kTolerance);
  CHECK(std::abs(EdgeScore(f) - 0.9135105) < 1e-6);
  // o2 turns out to pass on o1 (a RELAYS link): one origin, o1's, whose strongest claim is o1
  // (o2 is discounted by both documents: 0.95 * 0.65 * 0.80 = 0.494 < 0.76). P = 0.88.
  record(v1::LIFECYCLE_KIND_RELAYS, "o2", "official-2", "o1");
  CHECK(std::abs(EdgeScore(f) - 0.88) < kTolerance);
  // o1 retracted: o2 still reported it, through the retracted claim: (0.494, 0, 0.506),
  // P = 0.494 + 0.5 * 0.506 = 0.747.
  record(v1::LIFECYCLE_KIND_RETRACTION, "o1", "official-1");
  CHECK(std::abs(EdgeScore(f) - 0.747) < kTolerance);
  // o2 deprecated: nothing supports the statement any more.
  record(v1::LIFECYCLE_KIND_DEPRECATION, "o2", "official-2");
  CHECK(EdgeScore(f) == 0);
  REQUIRE(f.db->SettleScores().ok());
}

}  // namespace
}  // namespace claimgraph::provenance
