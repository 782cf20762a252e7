// Contradictions: both sides, functional conflicts, retractions and corrections, FALSE verdicts
// while claims still support (docs/provenance.md section 5).
#include "engine/provenance/contradictions.h"

#include <doctest/doctest.h>

#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;

int Count(const v1::ContradictionsResponse& answer, v1::ContradictionKind kind) {
  int count = 0;
  for (const auto& found : answer.contradictions()) count += found.kind() == kind ? 1 : 0;
  return count;
}

const v1::Contradiction* First(const v1::ContradictionsResponse& answer,
                               v1::ContradictionKind kind) {
  for (const auto& found : answer.contradictions()) {
    if (found.kind() == kind) return &found;
  }
  return nullptr;
}

TEST_CASE("independent origins on both sides contradict, one-sided support does not") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("kirby", "person");
  f.Entity("iran-mfa", "government_body");
  f.Claim({.id = "s", .claimant = "kirby"});
  auto one_sided = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(one_sided.ok());
  CHECK(one_sided->contradictions_size() == 0);
  f.Claim({.id = "r", .claimant = "iran-mfa", .stance = v1::STANCE_REFUTES});
  auto answer = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(answer.ok());
  const auto* found = First(*answer, v1::CONTRADICTION_KIND_BOTH_SIDES);
  REQUIRE(found != nullptr);
  CHECK(found->origins_for() == 1);
  CHECK(found->origins_against() == 1);
  REQUIRE(found->claim_ids_size() == 2);
  CHECK(found->claim_ids(0) == "s");
  CHECK(found->claim_ids(1) == "r");
  // Found from the entity too (as subject and as object).
  for (const char* entity : {"iran", "russia"}) {
    auto by_entity = ContradictionsOfEntity(*f.View(), entity);
    REQUIRE(by_entity.ok());
    CHECK(Count(*by_entity, v1::CONTRADICTION_KIND_BOTH_SIDES) == 1);
  }
}

TEST_CASE("two objects of a functional predicate contradict when both are supported") {
  Fixture f;
  f.Entity("ukraine", "country");
  f.Entity("kyiv", "city");
  f.Entity("lviv", "city");
  f.Entity("a", "person");
  f.Entity("b", "person");
  f.statement.set_subject_id("ukraine");
  f.statement.set_predicate("has_capital");
  f.statement.mutable_object()->set_entity_id("kyiv");
  f.Claim({.id = "kyiv", .claimant = "a"});
  const std::string kyiv_statement = f.statement_id;
  f.statement_id.clear();
  f.statement.mutable_object()->set_entity_id("lviv");
  f.Claim({.id = "lviv", .claimant = "b"});
  auto answer = ContradictionsOfStatement(*f.View(), kyiv_statement);
  REQUIRE(answer.ok());
  const auto* found = First(*answer, v1::CONTRADICTION_KIND_FUNCTIONAL_CONFLICT);
  REQUIRE(found != nullptr);
  CHECK(found->statement_id() == kyiv_statement);
  CHECK(found->other_statement_id() == f.statement_id);
  // Reported once per pair from the entity.
  auto by_entity = ContradictionsOfEntity(*f.View(), "ukraine");
  REQUIRE(by_entity.ok());
  CHECK(Count(*by_entity, v1::CONTRADICTION_KIND_FUNCTIONAL_CONFLICT) == 1);
  // A non-functional predicate with two objects is no contradiction.
  f.statement_id.clear();
  f.statement.set_predicate("visited");
  f.Claim({.id = "v1", .claimant = "a"});
  f.statement_id.clear();
  f.statement.mutable_object()->set_entity_id("kyiv");
  f.Claim({.id = "v2", .claimant = "a"});
  auto visited = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(visited.ok());
  CHECK(Count(*visited, v1::CONTRADICTION_KIND_FUNCTIONAL_CONFLICT) == 0);
}

TEST_CASE("functional objects at disjoint valid times do not contradict") {
  Fixture f;
  f.Entity("germany", "country");
  f.Entity("bonn", "city");
  f.Entity("berlin", "city");
  f.Entity("a", "person");
  f.statement.set_subject_id("germany");
  f.statement.set_predicate("has_capital");
  f.statement.mutable_object()->set_entity_id("bonn");
  *f.statement.mutable_valid_from() = testing::Day(100);
  *f.statement.mutable_valid_to() = testing::Day(7500);
  f.Claim({.id = "bonn", .claimant = "a"});
  const std::string bonn = f.statement_id;
  f.statement_id.clear();
  f.statement.mutable_object()->set_entity_id("berlin");
  *f.statement.mutable_valid_from() = testing::Day(7500);
  f.statement.clear_valid_to();
  f.Claim({.id = "berlin", .claimant = "a"});
  auto answer = ContradictionsOfStatement(*f.View(), bonn);
  REQUIRE(answer.ok());
  CHECK(Count(*answer, v1::CONTRADICTION_KIND_FUNCTIONAL_CONFLICT) == 0);
}

TEST_CASE("retracted and corrected claims are listed with their events, as of their time") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("a", "person");
  f.Entity("outlet", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_C);
  auto claim = f.Claim({.id = "a", .claimant = "a", .source = "article"});
  f.Claim({.id = "b", .claimant = "outlet", .source = "article"});
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("a");
  retraction.set_actor_id("a");
  retraction.set_reason("misspoke");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  v1::LifecycleEvent correction;
  correction.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
  correction.mutable_target()->set_claim_id("b");
  correction.set_actor_id("outlet");
  REQUIRE(f.db->RecordLifecycleEvent(correction, f.context).ok());
  auto answer = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(answer.ok());
  CHECK(Count(*answer, v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED) == 2);
  const auto* found = First(*answer, v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED);
  REQUIRE(found->events_size() == 1);
  CHECK(found->events(0).reason() == "misspoke");
  // As of before either event was recorded: nothing.
  auto then =
      ContradictionsOfStatement(*f.View(ids::ToMicros(claim.recorded_at()) + 1), f.statement_id);
  REQUIRE(then.ok());
  CHECK(Count(*then, v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED) == 0);
}

TEST_CASE("a FALSE verdict while claims still support the statement is a contradiction") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("a", "person");
  f.Entity("checker", "fact_checker");
  f.Claim({.id = "a", .claimant = "a"});
  v1::Assessment verdict;
  verdict.set_assessor_id("checker");
  verdict.mutable_target()->set_statement_id(f.statement_id);
  verdict.set_verdict_text("False");
  verdict.set_verdict(v1::VERDICT_FALSE);
  REQUIRE(f.db->RecordAssessment(verdict, f.context).ok());
  v1::Assessment on_claim = verdict;
  on_claim.mutable_target()->set_claim_id("a");
  REQUIRE(f.db->RecordAssessment(on_claim, f.context).ok());
  auto answer = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(answer.ok());
  CHECK(Count(*answer, v1::CONTRADICTION_KIND_FALSE_WHILE_SUPPORTED) == 2);
  // Once the only supporting claim is retracted, the statement verdict no longer contradicts.
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("a");
  retraction.set_actor_id("a");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  auto after = ContradictionsOfStatement(*f.View(), f.statement_id);
  REQUIRE(after.ok());
  CHECK(Count(*after, v1::CONTRADICTION_KIND_FALSE_WHILE_SUPPORTED) == 0);
  CHECK(Count(*after, v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED) == 1);
}

TEST_CASE("contradictions errors: empty and unknown ids") {
  Fixture f;
  auto view = f.View();
  CHECK(ContradictionsOfStatement(*view, "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ContradictionsOfStatement(*view, "st_x").status().code() == absl::StatusCode::kNotFound);
  CHECK(ContradictionsOfEntity(*view, "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ContradictionsOfEntity(*view, "nobody").status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace claimgraph::provenance
