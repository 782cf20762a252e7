// ids.cc: content-derived ids (same content, same id; different content, different id) and the
// time conversions.
#include "engine/ids.h"

#include <doctest/doctest.h>

#include <set>

namespace claimgraph::ids {
namespace {

v1::Statement Supplies() {
  v1::Statement statement;
  statement.set_subject_id("iran");
  statement.set_predicate("supplies");
  statement.mutable_object()->set_entity_id("russia");
  return statement;
}

void AddQualifier(v1::Statement* statement, const std::string& key, const std::string& value) {
  auto* qualifier = statement->add_qualifiers();
  qualifier->set_key(key);
  qualifier->mutable_value()->set_string_value(value);
}

}  // namespace

TEST_CASE("statement ids have the documented form") {
  std::string id = StatementId(Supplies(), false);
  CHECK(id.size() == 3 + 32);
  CHECK(id.rfind("st_", 0) == 0);
  CHECK(id.find_first_not_of("0123456789abcdef", 3) == std::string::npos);
  CHECK(HashHex("").size() == 32);
  // SHA-256("") starts e3b0c442...: the hash is SHA-256, not something else.
  CHECK(HashHex("") == "e3b0c44298fc1c149afbf4c8996fb924");
}

TEST_CASE("the same statement with qualifiers in another order gets the same id") {
  v1::Statement a = Supplies(), b = Supplies();
  AddQualifier(&a, "purpose", "drone plant");
  AddQualifier(&a, "via", "caspian sea");
  AddQualifier(&a, "item", "materials");
  AddQualifier(&b, "item", "materials");
  AddQualifier(&b, "purpose", "drone plant");
  AddQualifier(&b, "via", "caspian sea");
  CHECK(StatementId(a, false) == StatementId(b, false));
  // A repeated qualifier is the same statement too (canonical form de-duplicates).
  AddQualifier(&b, "via", "caspian sea");
  CHECK(StatementId(a, false) == StatementId(b, false));
  // Output fields do not count.
  b.set_id("st_whatever");
  b.mutable_recorded_at()->set_seconds(12345);
  CHECK(StatementId(a, false) == StatementId(b, false));
  CHECK(CanonicalStatement(b, false).qualifiers_size() == 3);
  CHECK_FALSE(CanonicalStatement(b, false).has_recorded_at());
}

TEST_CASE("different statement content gets a different id") {
  std::set<std::string> ids;
  v1::Statement base = Supplies();
  ids.insert(StatementId(base, false));
  v1::Statement other_subject = base;
  other_subject.set_subject_id("russia");
  ids.insert(StatementId(other_subject, false));
  v1::Statement other_predicate = base;
  other_predicate.set_predicate("sanctions");
  ids.insert(StatementId(other_predicate, false));
  v1::Statement other_object = base;
  other_object.mutable_object()->set_entity_id("ukraine");
  ids.insert(StatementId(other_object, false));
  v1::Statement literal_object = base;
  literal_object.mutable_object()->set_string_value("russia");
  ids.insert(StatementId(literal_object, false));
  v1::Statement qualified = base;
  AddQualifier(&qualified, "purpose", "drone plant");
  ids.insert(StatementId(qualified, false));
  v1::Statement qualified_other = base;
  AddQualifier(&qualified_other, "purpose", "missiles");
  ids.insert(StatementId(qualified_other, false));
  v1::Statement valid = base;
  valid.mutable_valid_from()->set_seconds(1685577600);
  ids.insert(StatementId(valid, false));
  CHECK(ids.size() == 8);
}

TEST_CASE("derived claim ids ignore output fields and follow content") {
  v1::Claim claim;
  claim.set_statement_id("st_1");
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.mutable_claimant()->set_entity_id("john_kirby");
  std::string id = DerivedClaimId(claim);
  CHECK(id.rfind("cl_", 0) == 0);
  CHECK(id.size() == 35);

  v1::Claim with_output = claim;
  with_output.set_id("cl_given");
  with_output.mutable_recorded_at()->set_seconds(99);
  with_output.set_recorded_by("someone");
  with_output.set_status(v1::CLAIM_STATUS_RETRACTED);
  with_output.set_probability_low(0.5);
  *with_output.mutable_statement() = Supplies();
  with_output.add_lifecycle()->set_reason("x");
  CHECK(DerivedClaimId(with_output) == id);

  v1::Claim refutes = claim;
  refutes.set_stance(v1::STANCE_REFUTES);
  CHECK(DerivedClaimId(refutes) != id);
  v1::Claim other_claimant = claim;
  other_claimant.mutable_claimant()->set_entity_id("william_burns");
  CHECK(DerivedClaimId(other_claimant) != id);
  v1::Claim other_source = claim;
  other_source.set_source_id("src");
  CHECK(DerivedClaimId(other_source) != id);
}

TEST_CASE("derived assessment and event ids follow content, not output fields") {
  v1::Assessment assessment;
  assessment.set_assessor_id("checker");
  assessment.mutable_target()->set_claim_id("cl_1");
  assessment.set_verdict(v1::VERDICT_FALSE);
  std::string id = DerivedAssessmentId(assessment);
  CHECK(id.rfind("as_", 0) == 0);
  v1::Assessment recorded = assessment;
  recorded.set_recorded_by("p");
  recorded.mutable_recorded_at()->set_seconds(5);
  CHECK(DerivedAssessmentId(recorded) == id);
  v1::Assessment other = assessment;
  other.set_verdict(v1::VERDICT_TRUE);
  CHECK(DerivedAssessmentId(other) != id);

  v1::LifecycleEvent event;
  event.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  event.mutable_target()->set_claim_id("cl_1");
  event.set_actor_id("kirby");
  std::string event_id = DerivedEventId(event);
  CHECK(event_id.rfind("ev_", 0) == 0);
  v1::LifecycleEvent other_event = event;
  other_event.set_reason("because");
  CHECK(DerivedEventId(other_event) != event_id);
}

TEST_CASE("micros convert to timestamps and back") {
  for (uint64_t micros : {uint64_t{1}, uint64_t{999999}, uint64_t{1000000},
                          uint64_t{1685700000123456}, uint64_t{253402300799999999}}) {
    auto timestamp = FromMicros(micros);
    CHECK(timestamp.nanos() % 1000 == 0);
    CHECK(ToMicros(timestamp) == micros);
  }
  CHECK(ToMicros(google::protobuf::Timestamp()) == 0);
  uint64_t now = NowMicros();
  CHECK(now > 1700000000ull * 1000000);  // after November 2023
}

TEST_CASE("a symmetric predicate's two orientations are one statement, smaller entity id first") {
  v1::Statement forward, backward;
  forward.set_subject_id("iran");
  forward.set_predicate("cooperates_with");
  forward.mutable_object()->set_entity_id("russia");
  backward.set_subject_id("russia");
  backward.set_predicate("cooperates_with");
  backward.mutable_object()->set_entity_id("iran");
  AddQualifier(&backward, "domain", "military");
  AddQualifier(&forward, "domain", "military");
  CHECK(StatementId(forward, true) == StatementId(backward, true));
  CHECK(CanonicalStatement(backward, true).subject_id() == "iran");
  CHECK(CanonicalStatement(backward, true).object().entity_id() == "russia");
  // Canonical already: the id is the one an ordered predicate gives, so statements stored in
  // this orientation before symmetric predicates were canonical keep their ids.
  CHECK(StatementId(forward, true) == StatementId(forward, false));
  CHECK(StatementId(CanonicalStatement(backward, true), true) == StatementId(backward, true));
  // Not symmetric: two statements.
  CHECK(StatementId(forward, false) != StatementId(backward, false));
  // Byte order: "Z" (0x5a) sorts before "a".
  v1::Statement upper = forward;
  upper.set_subject_id("a");
  upper.mutable_object()->set_entity_id("Z");
  CHECK(CanonicalStatement(upper, true).subject_id() == "Z");
  // A literal object is never moved into the subject.
  v1::Statement literal = forward;
  literal.set_subject_id("zz");
  literal.mutable_object()->set_string_value("aa");
  CHECK(CanonicalStatement(literal, true).subject_id() == "zz");
}

}  // namespace claimgraph::ids
