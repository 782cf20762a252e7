// Database lifecycle events (who may retract and correct, double retraction, effect on edge
// aggregates and listings), assessments, and ApplyRecords in strict and lenient modes.
#include <doctest/doctest.h>

#include "engine/database.h"
#include "engine/ids.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeEntity;
using testing::MakeRetraction;
using testing::MakeStatement;
using testing::Must;
using testing::NamesField;

template <typename T>
void ExpectError(const absl::StatusOr<T>& result, absl::StatusCode code, std::string_view field) {
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().code() == code, result.status().ToString());
  CHECK_MESSAGE(NamesField(result.status(), field), "expected '", std::string(field), "' in ",
                result.status().ToString());
}

// The aggregate of the one out-edge of `subject`.
storage::EdgeAggregate OnlyEdge(const ReadView& view, std::string_view subject) {
  auto node = Must(view.Resolve(keys::IdKind::kEntity, subject));
  REQUIRE(node.has_value());
  std::vector<storage::EdgeAggregate> found;
  REQUIRE(view.ForEachEdge(keys::kOutEdge, *node, std::nullopt,
                           [&](const keys::EdgeKey&, const storage::EdgeAggregate& aggregate) {
                             found.push_back(aggregate);
                             return true;
                           })
              .ok());
  REQUIRE(found.size() == 1);
  return found[0];
}

struct World {
  World() {
    testing::SeedWorld(t);
    v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
    claim.set_on_behalf_of_id("nsc");
    claim.set_source_id("page");
    claim.set_confidence(0.9);
    kirby = Must(t.db->CreateClaim(claim, "", t.context)).record;
    v1::Claim denial =
        MakeClaim(MakeStatement("iran", "supplies", "russia"), "iran", v1::STANCE_REFUTES);
    denial.set_act(v1::CLAIM_ACT_DENIES);
    iran = Must(t.db->CreateClaim(denial, "", t.context)).record;
  }
  testing::TestDatabase t;
  v1::Claim kirby;  // supports, in "page" (published by "outlet"), on behalf of "nsc"
  v1::Claim iran;   // refutes, in no source
};

}  // namespace

TEST_CASE("a retraction by the claimant deactivates the claim and drops the edge counts") {
  World w;
  auto before = OnlyEdge(*w.t.View(), "iran");
  CHECK(before.claims == 2);
  CHECK(before.supporting == 1);
  CHECK(before.refuting == 1);

  auto written =
      Must(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "john_kirby"), w.t.context));
  CHECK(written.outcome == WriteOutcome::kCreated);
  CHECK(written.record.id().rfind("ev_", 0) == 0);
  auto view = w.t.View();
  auto after = OnlyEdge(*view, "iran");
  CHECK(after.claims == 1);
  CHECK(after.supporting == 0);
  CHECK(after.refuting == 1);
  auto claim = Must(view->GetClaim(w.kirby.id()));
  CHECK(claim.status() == v1::CLAIM_STATUS_RETRACTED);
  REQUIRE(claim.lifecycle_size() == 1);
  CHECK(claim.lifecycle(0).reason() == "withdrawn");
  CHECK(Must(view->ClaimInactive(*Must(view->Resolve(keys::IdKind::kClaim, w.kirby.id())))));

  ClaimQuery query;
  query.statement_id = w.kirby.statement_id();
  CHECK(testing::AllClaims(*view, query).size() == 1);
  query.include_inactive = true;
  CHECK(testing::AllClaims(*view, query).size() == 2);

  // The refutation, retracted by its claimant, drops the refuting count.
  Must(w.t.db->RecordLifecycleEvent(MakeRetraction(w.iran.id(), "iran"), w.t.context));
  auto none = OnlyEdge(*w.t.View(), "iran");
  CHECK(none.claims == 0);
  CHECK(none.refuting == 0);
}

TEST_CASE("whom the claimant spoke for may retract, nobody else") {
  World w;
  ExpectError(
      w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "william_burns"), w.t.context),
      absl::StatusCode::kFailedPrecondition, "lifecycle_event.actor_id");
  ExpectError(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "outlet"), w.t.context),
              absl::StatusCode::kFailedPrecondition, "lifecycle_event.actor_id");
  CHECK(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "nsc"), w.t.context).ok());
}

TEST_CASE("retraction errors: target kind, missing things, double retraction") {
  World w;
  v1::LifecycleEvent of_statement = MakeRetraction("", "john_kirby");
  of_statement.mutable_target()->set_statement_id(w.kirby.statement_id());
  ExpectError(w.t.db->RecordLifecycleEvent(of_statement, w.t.context),
              absl::StatusCode::kInvalidArgument, "lifecycle_event.target");
  ExpectError(w.t.db->RecordLifecycleEvent(MakeRetraction("cl_missing", "john_kirby"), w.t.context),
              absl::StatusCode::kNotFound, "lifecycle_event.target.claim_id");
  ExpectError(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "nobody"), w.t.context),
              absl::StatusCode::kNotFound, "lifecycle_event.actor_id");
  v1::LifecycleEvent no_kind = MakeRetraction(w.kirby.id(), "john_kirby");
  no_kind.clear_kind();
  ExpectError(w.t.db->RecordLifecycleEvent(no_kind, w.t.context),
              absl::StatusCode::kInvalidArgument, "lifecycle_event.kind");

  auto first =
      Must(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "john_kirby"), w.t.context));
  // The identical event again is a retry: unchanged, answered with the stored event.
  auto retry =
      Must(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "john_kirby"), w.t.context));
  CHECK(retry.outcome == WriteOutcome::kUnchanged);
  CHECK(retry.record.id() == first.record.id());
  CHECK(ids::ToMicros(retry.record.recorded_at()) == ids::ToMicros(first.record.recorded_at()));
  // Another retraction of the same claim is refused.
  ExpectError(w.t.db->RecordLifecycleEvent(
                  MakeRetraction(w.kirby.id(), "john_kirby", "second thoughts"), w.t.context),
              absl::StatusCode::kFailedPrecondition, "lifecycle_event.target.claim_id");
  // The same event id with other content is a conflict.
  v1::LifecycleEvent reused = MakeRetraction(w.iran.id(), "iran", "other");
  reused.set_id(first.record.id());
  ExpectError(w.t.db->RecordLifecycleEvent(reused, w.t.context), absl::StatusCode::kAlreadyExists,
              "lifecycle_event.id");
  ExpectError(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "john_kirby"), w.t.context,
                                           OnExisting::kFail),
              absl::StatusCode::kAlreadyExists, "lifecycle_event.id");
  // Counts dropped once only.
  auto edge = OnlyEdge(*w.t.View(), "iran");
  CHECK(edge.claims == 1);
  CHECK(edge.supporting == 0);
}

TEST_CASE("a deprecation of a retracted claim does not drop the counts twice") {
  World w;
  Must(w.t.db->RecordLifecycleEvent(MakeRetraction(w.kirby.id(), "john_kirby"), w.t.context));
  v1::LifecycleEvent deprecation;
  deprecation.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
  deprecation.mutable_target()->set_claim_id(w.kirby.id());
  deprecation.set_actor_id("checker");
  Must(w.t.db->RecordLifecycleEvent(deprecation, w.t.context));
  auto edge = OnlyEdge(*w.t.View(), "iran");
  CHECK(edge.claims == 1);
  CHECK(edge.supporting == 0);
  CHECK(edge.refuting == 1);
  auto claim = Must(w.t.View()->GetClaim(w.kirby.id()));
  CHECK(claim.status() == v1::CLAIM_STATUS_RETRACTED);  // retraction outranks deprecation
  CHECK(claim.lifecycle_size() == 2);
  deprecation.set_reason("again");
  ExpectError(w.t.db->RecordLifecycleEvent(deprecation, w.t.context),
              absl::StatusCode::kFailedPrecondition, "lifecycle_event.target.claim_id");

  // Deprecation alone deactivates too.
  v1::LifecycleEvent other;
  other.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
  other.mutable_target()->set_claim_id(w.iran.id());
  other.set_actor_id("checker");
  Must(w.t.db->RecordLifecycleEvent(other, w.t.context));
  CHECK(Must(w.t.View()->GetClaim(w.iran.id())).status() == v1::CLAIM_STATUS_DEPRECATED);
  CHECK(OnlyEdge(*w.t.View(), "iran").claims == 0);
}

TEST_CASE("only the publisher corrects, and a correction leaves the claim active") {
  World w;
  v1::LifecycleEvent correction;
  correction.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
  correction.mutable_target()->set_claim_id(w.kirby.id());
  correction.set_actor_id("wire");
  ExpectError(w.t.db->RecordLifecycleEvent(correction, w.t.context),
              absl::StatusCode::kFailedPrecondition, "lifecycle_event.actor_id");
  correction.set_actor_id("outlet");
  Must(w.t.db->RecordLifecycleEvent(correction, w.t.context));
  auto claim = Must(w.t.View()->GetClaim(w.kirby.id()));
  CHECK(claim.status() == v1::CLAIM_STATUS_CORRECTED);
  CHECK(OnlyEdge(*w.t.View(), "iran").claims == 2);

  // A claim found in no source has no publisher to correct it.
  v1::LifecycleEvent sourceless = correction;
  sourceless.mutable_target()->set_claim_id(w.iran.id());
  ExpectError(w.t.db->RecordLifecycleEvent(sourceless, w.t.context),
              absl::StatusCode::kInvalidArgument, "lifecycle_event.target");
  // A source is corrected by its publisher.
  v1::LifecycleEvent of_source;
  of_source.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
  of_source.mutable_target()->set_source_id("original");
  of_source.set_actor_id("outlet");
  ExpectError(w.t.db->RecordLifecycleEvent(of_source, w.t.context),
              absl::StatusCode::kFailedPrecondition, "lifecycle_event.actor_id");
  of_source.set_actor_id("wire");
  CHECK(w.t.db->RecordLifecycleEvent(of_source, w.t.context).ok());
  auto view = w.t.View();
  auto source = Must(view->Resolve(keys::IdKind::kSource, "original"));
  CHECK(Must(view->LifecycleEvents(keys::TargetKind::kSource, *source)).size() == 1);
}

TEST_CASE("assessments of claims, statements and sources") {
  World w;
  v1::Assessment assessment;
  assessment.set_assessor_id("checker");
  assessment.mutable_target()->set_claim_id(w.kirby.id());
  assessment.set_verdict(v1::VERDICT_MIXTURE);
  assessment.set_verdict_text("Partly true");
  w.t.context.principal = "desk";
  auto written = Must(w.t.db->RecordAssessment(assessment, w.t.context));
  CHECK(written.outcome == WriteOutcome::kCreated);
  CHECK(written.record.id().rfind("as_", 0) == 0);
  CHECK(written.record.recorded_by() == "desk");
  auto retry = Must(w.t.db->RecordAssessment(assessment, w.t.context));
  CHECK(retry.outcome == WriteOutcome::kUnchanged);
  CHECK(ids::ToMicros(retry.record.recorded_at()) == ids::ToMicros(written.record.recorded_at()));
  ExpectError(w.t.db->RecordAssessment(assessment, w.t.context, OnExisting::kFail),
              absl::StatusCode::kAlreadyExists, "assessment.id");
  v1::Assessment reused = assessment;
  reused.set_id(written.record.id());
  reused.set_verdict(v1::VERDICT_FALSE);
  ExpectError(w.t.db->RecordAssessment(reused, w.t.context), absl::StatusCode::kAlreadyExists,
              "assessment.id");

  v1::Assessment of_statement = assessment;
  of_statement.mutable_target()->set_statement_id(w.kirby.statement_id());
  CHECK(w.t.db->RecordAssessment(of_statement, w.t.context).ok());
  v1::Assessment of_source = assessment;
  of_source.mutable_target()->set_source_id("page");
  of_source.set_media_category("decontextualised");
  CHECK(w.t.db->RecordAssessment(of_source, w.t.context).ok());

  auto view = w.t.View();
  auto claim_id = *Must(view->Resolve(keys::IdKind::kClaim, w.kirby.id()));
  auto statement_id = *Must(view->Resolve(keys::IdKind::kStatement, w.kirby.statement_id()));
  auto source_id = *Must(view->Resolve(keys::IdKind::kSource, "page"));
  auto of_claim = Must(view->Assessments(keys::TargetKind::kClaim, claim_id));
  REQUIRE(of_claim.size() == 1);
  CHECK(of_claim[0].verdict_text() == "Partly true");
  CHECK(Must(view->Assessments(keys::TargetKind::kStatement, statement_id)).size() == 1);
  CHECK(Must(view->Assessments(keys::TargetKind::kSource, source_id)).size() == 1);
  CHECK(Must(w.t.db->GetStats()).assessments == 3);

  v1::Assessment bad = assessment;
  bad.set_assessor_id("nobody");
  ExpectError(w.t.db->RecordAssessment(bad, w.t.context), absl::StatusCode::kNotFound,
              "assessment.assessor_id");
  bad = assessment;
  bad.mutable_target()->set_claim_id("cl_missing");
  ExpectError(w.t.db->RecordAssessment(bad, w.t.context), absl::StatusCode::kNotFound,
              "assessment.target.claim_id");
  bad.mutable_target()->set_statement_id("st_missing");
  ExpectError(w.t.db->RecordAssessment(bad, w.t.context), absl::StatusCode::kNotFound,
              "assessment.target.statement_id");
  bad.mutable_target()->set_source_id("missing");
  ExpectError(w.t.db->RecordAssessment(bad, w.t.context), absl::StatusCode::kNotFound,
              "assessment.target.source_id");
  bad = assessment;
  bad.clear_verdict();
  ExpectError(w.t.db->RecordAssessment(bad, w.t.context), absl::StatusCode::kInvalidArgument,
              "assessment.verdict");
}

namespace {

v1::ImportRecord EntityRecord(std::string_view id, std::string_view type, std::string_view name) {
  v1::ImportRecord record;
  *record.mutable_entity() = MakeEntity(id, type, name);
  return record;
}

v1::ImportRecord ClaimRecord(const v1::Claim& claim) {
  v1::ImportRecord record;
  *record.mutable_claim() = claim;
  return record;
}

}  // namespace

TEST_CASE("strict import stops at the first bad record and keeps the ones before it") {
  testing::TestDatabase t;
  std::vector<v1::ImportRecord> records = {
      EntityRecord("iran", "country", "Iran"),
      EntityRecord("russia", "no_such_type", "Russia"),
      EntityRecord("ukraine", "country", "Ukraine"),
  };
  auto results = Must(t.db->ApplyRecords(records, ImportMode::kStrict, t.context));
  REQUIRE(results.size() == 2);
  CHECK(results[0].outcome == WriteOutcome::kCreated);
  CHECK(results[0].id == "iran");
  CHECK_FALSE(results[1].outcome.has_value());
  CHECK(results[1].error.code() == absl::StatusCode::kInvalidArgument);
  CHECK(NamesField(results[1].error, "entity.type"));
  auto view = t.View();
  CHECK(view->GetEntity("iran").ok());
  CHECK(absl::IsNotFound(view->GetEntity("russia").status()));
  CHECK(absl::IsNotFound(view->GetEntity("ukraine").status()));
  CHECK(Must(t.db->GetStats()).entities == 1);
}

TEST_CASE("lenient import skips bad records and writes nothing of them") {
  testing::TestDatabase t;
  v1::Claim good = MakeClaim(MakeStatement("iran", "supplies", "russia"), "iran");
  v1::Claim bad_claimant = MakeClaim(MakeStatement("russia", "attacked", "iran"), "nobody");
  v1::ImportRecord empty;
  v1::ImportRecord source;
  source.mutable_source()->set_id("page");
  source.mutable_source()->set_publisher_id("iran");
  std::vector<v1::ImportRecord> records = {
      EntityRecord("iran", "country", "Iran"),
      EntityRecord("russia", "country", "Russia"),
      ClaimRecord(bad_claimant),
      EntityRecord("ukraine", "country", "Ukraine"),
      ClaimRecord(good),
      empty,
      source,
      EntityRecord("iran", "country", "Iran"),
      EntityRecord("russia", "country", "Russian Federation"),
      ClaimRecord(good),
  };
  auto results = Must(t.db->ApplyRecords(records, ImportMode::kLenient, t.context));
  REQUIRE(results.size() == records.size());
  CHECK(results[2].error.code() == absl::StatusCode::kNotFound);
  CHECK(NamesField(results[2].error, "claim.claimant.entity_id"));
  CHECK(results[4].outcome == WriteOutcome::kCreated);
  CHECK(results[5].error.code() == absl::StatusCode::kInvalidArgument);
  CHECK(NamesField(results[5].error, "record"));
  CHECK(results[6].outcome == WriteOutcome::kCreated);
  CHECK(results[7].outcome == WriteOutcome::kUnchanged);  // identical entity
  CHECK(results[8].outcome == WriteOutcome::kUpdated);    // entities are upserted
  CHECK(results[9].outcome == WriteOutcome::kUnchanged);  // identical claim
  CHECK(results[9].id == results[4].id);

  auto view = t.View();
  CHECK(Must(view->GetEntity("russia")).name() == "Russian Federation");
  CHECK(view->GetEntity("ukraine").ok());
  auto stats = Must(t.db->GetStats());
  CHECK(stats.entities == 3);
  CHECK(stats.claims == 1);
  CHECK(stats.statements == 1);
  CHECK(stats.sources == 1);
  // The rejected claim left no statement, edge or posting behind.
  auto russia = *Must(view->Resolve(keys::IdKind::kEntity, "russia"));
  int edges = 0;
  REQUIRE(view->ForEachEdge(keys::kOutEdge, russia, std::nullopt,
                            [&](const keys::EdgeKey&, const storage::EdgeAggregate&) {
                              ++edges;
                              return true;
                            })
              .ok());
  CHECK(edges == 0);
  CHECK(testing::AllClaims(*view, ClaimQuery{}).size() == 1);
  ClaimQuery by_subject;
  by_subject.subject_id = "russia";
  CHECK(testing::AllClaims(*view, by_subject).empty());

  // Re-running the same import changes nothing but the entity the file itself renames.
  auto again = Must(t.db->ApplyRecords(records, ImportMode::kLenient, t.context));
  for (size_t i : {0, 3, 4, 6, 7, 9}) {
    CHECK_MESSAGE(again[i].outcome == WriteOutcome::kUnchanged, i);
  }
  CHECK(again[1].outcome == WriteOutcome::kUpdated);
  CHECK(again[8].outcome == WriteOutcome::kUpdated);
  CHECK(Must(t.db->GetStats()).claims == 1);
}

TEST_CASE("an imported entity cannot change its type") {
  testing::TestDatabase t;
  Must(t.db->ApplyRecords({EntityRecord("iran", "country", "Iran")}, ImportMode::kStrict,
                          t.context));
  auto results = Must(
      t.db->ApplyRecords({EntityRecord("iran", "person", "Iran")}, ImportMode::kStrict, t.context));
  REQUIRE(results.size() == 1);
  CHECK(results[0].error.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(NamesField(results[0].error, "entity.type"));
}

}  // namespace claimgraph
