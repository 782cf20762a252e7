// validation.cc: every check rejects with InvalidArgument whose message starts with the field
// path, and good input passes.
#include "engine/validation.h"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "engine/strings.h"

namespace claimgraph::validation {
namespace {

const Limits kLimits;

// The status is InvalidArgument and its message starts with "field: ".
void ExpectField(const absl::Status& status, const std::string& field) {
  CHECK_MESSAGE(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
  CHECK_MESSAGE(std::string(status.message()).rfind(field + ": ", 0) == 0, "expected '", field,
                "', got '", std::string(status.message()), "'");
}

v1::Entity GoodEntity() {
  v1::Entity entity;
  entity.set_id("john_kirby");
  entity.set_type("person");
  entity.set_name("John Kirby");
  entity.add_aliases("Kirby");
  (*entity.mutable_attributes())["role"] = "spokesman";
  (*entity.mutable_external_ids())["wikidata"] = "Q6243346";
  return entity;
}

v1::Source GoodSource() {
  v1::Source source;
  source.set_id("page");
  source.set_url("https://example.com/a");
  source.set_publisher_id("outlet");
  auto* link = source.add_derived_from();
  link->set_type(v1::DERIVATION_TYPE_REPUBLISHES);
  link->set_source_id("original");
  source.set_text("Iran supplies Russia.");
  return source;
}

v1::Claim GoodClaim() {
  v1::Claim claim;
  auto* statement = claim.mutable_statement();
  statement->set_subject_id("iran");
  statement->set_predicate("supplies");
  statement->mutable_object()->set_entity_id("russia");
  auto* qualifier = statement->add_qualifiers();
  qualifier->set_key("purpose");
  qualifier->mutable_value()->set_string_value("drone plant");
  claim.set_act(v1::CLAIM_ACT_BELIEVES);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.mutable_claimant()->set_entity_id("john_kirby");
  claim.set_source_id("page");
  claim.mutable_quote()->set_text("Iran supplies Russia");
  claim.mutable_quote()->set_start(0);
  claim.mutable_quote()->set_end(20);
  claim.set_confidence(0.9);
  return claim;
}

v1::Assessment GoodAssessment() {
  v1::Assessment assessment;
  assessment.set_assessor_id("checker");
  assessment.mutable_target()->set_claim_id("cl_1");
  assessment.set_verdict(v1::VERDICT_MIXTURE);
  return assessment;
}

v1::LifecycleEvent GoodEvent() {
  v1::LifecycleEvent event;
  event.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  event.mutable_target()->set_claim_id("cl_1");
  event.set_actor_id("john_kirby");
  return event;
}

}  // namespace

TEST_CASE("ids: required, bounded, UTF-8, no control characters") {
  CHECK(CheckId("x.id", "iran", kLimits).ok());
  CHECK(CheckId("x.id", "Q794", kLimits).ok());
  CHECK(CheckId("x.id", "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2", kLimits).ok());
  ExpectField(CheckId("x.id", "", kLimits), "x.id");
  ExpectField(CheckId("x.id", std::string(kLimits.max_id_bytes + 1, 'a'), kLimits), "x.id");
  CHECK(CheckId("x.id", std::string(kLimits.max_id_bytes, 'a'), kLimits).ok());
  ExpectField(CheckId("x.id", "\xC3", kLimits), "x.id");
  ExpectField(CheckId("x.id", std::string("a\0b", 3), kLimits), "x.id");
  ExpectField(CheckId("x.id", "a\nb", kLimits), "x.id");
  ExpectField(CheckId("x.id", "a\x7F", kLimits), "x.id");
}

TEST_CASE("strings and timestamps") {
  CHECK(CheckString("f", "", 5).ok());
  CHECK(CheckString("f", "12345", 5).ok());
  ExpectField(CheckString("f", "123456", 5), "f");
  ExpectField(CheckString("f", "\xED\xA0\x80", 5), "f");
  ExpectField(CheckString("f", std::string("\0", 1), 5), "f");
  google::protobuf::Timestamp timestamp;
  CHECK(CheckTimestamp("t", timestamp).ok());
  timestamp.set_seconds(253402300800LL);
  ExpectField(CheckTimestamp("t", timestamp), "t");
  timestamp.set_seconds(-62135596801LL);
  ExpectField(CheckTimestamp("t", timestamp), "t");
  timestamp.set_seconds(0);
  timestamp.set_nanos(-1);
  ExpectField(CheckTimestamp("t", timestamp), "t");
  timestamp.set_nanos(1000000000);
  ExpectField(CheckTimestamp("t", timestamp), "t");
}

TEST_CASE("entity checks name their field") {
  CHECK(CheckEntity(GoodEntity(), kLimits).ok());
  struct Case {
    std::function<void(v1::Entity*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](v1::Entity* e) { e->clear_id(); }, "entity.id"},
      {[](v1::Entity* e) { e->clear_type(); }, "entity.type"},
      {[](v1::Entity* e) { e->set_type(std::string(65, 'a')); }, "entity.type"},
      {[](v1::Entity* e) { e->clear_name(); }, "entity.name"},
      {[](v1::Entity* e) { e->set_name(" \t "); }, "entity.name"},
      {[](v1::Entity* e) { e->set_name("\xFF"); }, "entity.name"},
      {[](v1::Entity* e) { e->set_description("\xC0\xAF"); }, "entity.description"},
      {[](v1::Entity* e) { e->set_aliases(0, "  "); }, "entity.aliases[0]"},
      {[](v1::Entity* e) { e->add_aliases("\xFF"); }, "entity.aliases[1]"},
      {[](v1::Entity* e) {
         for (size_t i = 0; i <= kLimits.max_aliases; ++i) e->add_aliases("a");
       },
       "entity.aliases"},
      {[](v1::Entity* e) { (*e->mutable_attributes())["Bad Key"] = "x"; }, "entity.attributes"},
      {[](v1::Entity* e) { (*e->mutable_attributes())["role"] = "\xFF"; },
       "entity.attributes[role]"},
      {[](v1::Entity* e) {
         for (size_t i = 0; i <= kLimits.max_attributes; ++i) {
           (*e->mutable_attributes())[StrCat("k", i)] = "v";
         }
       },
       "entity.attributes"},
      {[](v1::Entity* e) { (*e->mutable_external_ids())["WikiData"] = "Q1"; },
       "entity.external_ids"},
      {[](v1::Entity* e) { (*e->mutable_external_ids())["wikidata"] = ""; },
       "entity.external_ids[wikidata]"},
  };
  for (const auto& test : cases) {
    v1::Entity entity = GoodEntity();
    test.change(&entity);
    ExpectField(CheckEntity(entity, kLimits), test.field);
  }
}

TEST_CASE("source checks name their field") {
  CHECK(CheckSource(GoodSource(), kLimits).ok());
  struct Case {
    std::function<void(v1::Source*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](v1::Source* s) { s->clear_id(); }, "source.id"},
      {[](v1::Source* s) { s->set_url(std::string(8193, 'a')); }, "source.url"},
      {[](v1::Source* s) { s->set_title("\xFF"); }, "source.title"},
      {[](v1::Source* s) { s->set_publisher_id("a\tb"); }, "source.publisher_id"},
      {[](v1::Source* s) { s->set_kind(static_cast<v1::SourceKind>(99)); }, "source.kind"},
      {[](v1::Source* s) { s->set_reliability(static_cast<v1::Reliability>(42)); },
       "source.reliability"},
      {[](v1::Source* s) { s->mutable_declared_published_at()->set_nanos(-5); },
       "source.declared_published_at"},
      {[](v1::Source* s) { s->mutable_first_seen_at()->set_seconds(-62135596801LL); },
       "source.first_seen_at"},
      {[](v1::Source* s) { s->mutable_retrieved_at()->set_seconds(253402300800LL); },
       "source.retrieved_at"},
      {[](v1::Source* s) { s->set_content_hash(std::string(257, 'a')); }, "source.content_hash"},
      {[](v1::Source* s) { s->set_text(std::string("a\0", 2)); }, "source.text"},
      {[](v1::Source* s) { s->set_language(std::string(65, 'a')); }, "source.language"},
      {[](v1::Source* s) { s->mutable_derived_from(0)->clear_type(); },
       "source.derived_from[0].type"},
      {[](v1::Source* s) {
         s->mutable_derived_from(0)->set_type(static_cast<v1::DerivationType>(77));
       },
       "source.derived_from[0].type"},
      {[](v1::Source* s) { s->mutable_derived_from(0)->clear_source_id(); },
       "source.derived_from[0].source_id"},
      {[](v1::Source* s) {
         for (size_t i = 0; i <= kLimits.max_derivations; ++i) {
           auto* link = s->add_derived_from();
           link->set_type(v1::DERIVATION_TYPE_CITES);
           link->set_source_id(StrCat("s", i));
         }
       },
       "source.derived_from"},
  };
  for (const auto& test : cases) {
    v1::Source source = GoodSource();
    test.change(&source);
    ExpectField(CheckSource(source, kLimits), test.field);
  }
  Limits small;
  small.max_source_text_bytes = 4;
  ExpectField(CheckSource(GoodSource(), small), "source.text");
}

TEST_CASE("value checks name their field") {
  v1::Value value;
  ExpectField(CheckValue("v", value, kLimits), "v");
  value.set_entity_id("");
  ExpectField(CheckValue("v", value, kLimits), "v.entity_id");
  value.set_string_value("\xFF");
  ExpectField(CheckValue("v", value, kLimits), "v.string_value");
  value.set_double_value(std::numeric_limits<double>::quiet_NaN());
  ExpectField(CheckValue("v", value, kLimits), "v.double_value");
  value.set_double_value(std::numeric_limits<double>::infinity());
  ExpectField(CheckValue("v", value, kLimits), "v.double_value");
  value.mutable_timestamp_value()->set_nanos(-1);
  ExpectField(CheckValue("v", value, kLimits), "v.timestamp_value");
  value.mutable_quantity_value()->set_amount(std::nan(""));
  ExpectField(CheckValue("v", value, kLimits), "v.quantity_value.amount");
  value.mutable_quantity_value()->set_amount(3);
  value.mutable_quantity_value()->set_unit(std::string(65, 'k'));
  ExpectField(CheckValue("v", value, kLimits), "v.quantity_value.unit");
  value.mutable_some_value()->set_description("\xFF");
  ExpectField(CheckValue("v", value, kLimits), "v.some_value.description");
  value.set_integer_value(-5);
  CHECK(CheckValue("v", value, kLimits).ok());
  value.set_bool_value(false);
  CHECK(CheckValue("v", value, kLimits).ok());
  value.mutable_no_value();
  CHECK(CheckValue("v", value, kLimits).ok());
}

TEST_CASE("claim checks name their field") {
  CHECK(CheckClaim(GoodClaim(), kLimits).ok());
  struct Case {
    std::function<void(v1::Claim*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](v1::Claim* c) { c->set_id("bad\nid"); }, "claim.id"},
      {[](v1::Claim* c) { c->clear_statement(); }, "claim.statement"},
      {[](v1::Claim* c) { c->set_statement_id(std::string(300, 's')); }, "claim.statement_id"},
      {[](v1::Claim* c) { c->mutable_statement()->clear_subject_id(); },
       "claim.statement.subject_id"},
      {[](v1::Claim* c) { c->mutable_statement()->clear_predicate(); },
       "claim.statement.predicate"},
      {[](v1::Claim* c) { c->mutable_statement()->set_predicate(std::string(65, 'p')); },
       "claim.statement.predicate"},
      {[](v1::Claim* c) { c->mutable_statement()->clear_object(); }, "claim.statement.object"},
      {[](v1::Claim* c) { c->mutable_statement()->mutable_object()->set_double_value(INFINITY); },
       "claim.statement.object.double_value"},
      {[](v1::Claim* c) { c->mutable_statement()->mutable_qualifiers(0)->set_key("Purpose"); },
       "claim.statement.qualifiers[0].key"},
      {[](v1::Claim* c) { c->mutable_statement()->mutable_qualifiers(0)->clear_value(); },
       "claim.statement.qualifiers[0].value"},
      {[](v1::Claim* c) {
         for (size_t i = 0; i <= kLimits.max_qualifiers; ++i) {
           auto* q = c->mutable_statement()->add_qualifiers();
           q->set_key("k");
           q->mutable_value()->set_integer_value(static_cast<int64_t>(i));
         }
       },
       "claim.statement.qualifiers"},
      {[](v1::Claim* c) { c->mutable_statement()->mutable_valid_from()->set_nanos(-1); },
       "claim.statement.valid_from"},
      {[](v1::Claim* c) { c->mutable_statement()->mutable_valid_to()->set_nanos(-1); },
       "claim.statement.valid_to"},
      {[](v1::Claim* c) {
         c->mutable_statement()->mutable_valid_from()->set_seconds(200);
         c->mutable_statement()->mutable_valid_to()->set_seconds(100);
       },
       "claim.statement.valid_to"},
      {[](v1::Claim* c) {
         c->mutable_statement()->mutable_valid_from()->set_seconds(100);
         c->mutable_statement()->mutable_valid_from()->set_nanos(5);
         c->mutable_statement()->mutable_valid_to()->set_seconds(100);
       },
       "claim.statement.valid_to"},
      {[](v1::Claim* c) { c->clear_act(); }, "claim.act"},
      {[](v1::Claim* c) { c->set_act(static_cast<v1::ClaimAct>(99)); }, "claim.act"},
      {[](v1::Claim* c) { c->clear_stance(); }, "claim.stance"},
      {[](v1::Claim* c) { c->set_stance(static_cast<v1::Stance>(9)); }, "claim.stance"},
      {[](v1::Claim* c) { c->set_certainty(static_cast<v1::Certainty>(9)); }, "claim.certainty"},
      {[](v1::Claim* c) { c->set_estimative_word(std::string(257, 'w')); },
       "claim.estimative_word"},
      {[](v1::Claim* c) { c->set_cue("\xFF"); }, "claim.cue"},
      {[](v1::Claim* c) { c->clear_claimant(); }, "claim.claimant"},
      {[](v1::Claim* c) { c->mutable_claimant()->set_entity_id(""); }, "claim.claimant.entity_id"},
      {[](v1::Claim* c) {
         c->mutable_claimant()->mutable_some_value()->set_description(std::string(1025, 'x'));
       },
       "claim.claimant.some_value.description"},
      {[](v1::Claim* c) { c->set_on_behalf_of_id("a\x01"); }, "claim.on_behalf_of_id"},
      {[](v1::Claim* c) { c->mutable_basis()->set_source_id("a\x01"); }, "claim.basis.source_id"},
      {[](v1::Claim* c) { c->mutable_basis()->set_entity_id("a\x01"); }, "claim.basis.entity_id"},
      {[](v1::Claim* c) { c->mutable_basis()->set_description(std::string(4097, 'd')); },
       "claim.basis.description"},
      {[](v1::Claim* c) { c->set_source_id("a\x01"); }, "claim.source_id"},
      {[](v1::Claim* c) { c->clear_source_id(); }, "claim.quote"},
      {[](v1::Claim* c) { c->mutable_quote()->clear_text(); }, "claim.quote.text"},
      {[](v1::Claim* c) { c->mutable_quote()->set_text("\xFF"); }, "claim.quote.text"},
      {[](v1::Claim* c) { c->mutable_quote()->set_start(-1); }, "claim.quote.start"},
      {[](v1::Claim* c) { c->mutable_quote()->set_end(0); }, "claim.quote.end"},
      {[](v1::Claim* c) { c->mutable_quote()->set_end(21); }, "claim.quote.end"},
      {[](v1::Claim* c) { c->set_relays_claim_id("a\x01"); }, "claim.relays_claim_id"},
      {[](v1::Claim* c) {
         c->set_id("cl_self");
         c->set_relays_claim_id("cl_self");
       },
       "claim.relays_claim_id"},
      {[](v1::Claim* c) { c->set_confidence(-0.01); }, "claim.confidence"},
      {[](v1::Claim* c) { c->set_confidence(1.01); }, "claim.confidence"},
      {[](v1::Claim* c) { c->set_confidence(std::nan("")); }, "claim.confidence"},
      {[](v1::Claim* c) { c->mutable_claimed_at()->set_nanos(2000000000); }, "claim.claimed_at"},
  };
  for (const auto& test : cases) {
    v1::Claim claim = GoodClaim();
    test.change(&claim);
    ExpectField(CheckClaim(claim, kLimits), test.field);
  }
  // The edges of the ranges are allowed.
  v1::Claim edge = GoodClaim();
  edge.set_confidence(0);
  CHECK(CheckClaim(edge, kLimits).ok());
  edge.set_confidence(1);
  CHECK(CheckClaim(edge, kLimits).ok());
  // A statement by id alone is enough; a some-value claimant is allowed.
  v1::Claim by_id = GoodClaim();
  by_id.clear_statement();
  by_id.set_statement_id("st_0123");
  by_id.mutable_claimant()->mutable_some_value()->set_description("officials");
  CHECK(CheckClaim(by_id, kLimits).ok());
  // Quote lengths are counted in code points, not bytes.
  v1::Claim unicode = GoodClaim();
  unicode.mutable_quote()->set_text("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2");
  unicode.mutable_quote()->set_start(3);
  unicode.mutable_quote()->set_end(7);
  CHECK(CheckClaim(unicode, kLimits).ok());
  unicode.mutable_quote()->set_end(11);
  ExpectField(CheckClaim(unicode, kLimits), "claim.quote.end");
}

TEST_CASE("assessment checks name their field") {
  CHECK(CheckAssessment(GoodAssessment(), kLimits).ok());
  struct Case {
    std::function<void(v1::Assessment*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](v1::Assessment* a) { a->set_id("\x01"); }, "assessment.id"},
      {[](v1::Assessment* a) { a->clear_assessor_id(); }, "assessment.assessor_id"},
      {[](v1::Assessment* a) { a->clear_target(); }, "assessment.target"},
      {[](v1::Assessment* a) { a->mutable_target()->set_statement_id(""); },
       "assessment.target.statement_id"},
      {[](v1::Assessment* a) { a->mutable_target()->set_source_id(""); },
       "assessment.target.source_id"},
      {[](v1::Assessment* a) { a->mutable_target()->set_claim_id(""); },
       "assessment.target.claim_id"},
      {[](v1::Assessment* a) { a->clear_verdict(); }, "assessment.verdict"},
      {[](v1::Assessment* a) { a->set_verdict(static_cast<v1::Verdict>(12)); },
       "assessment.verdict"},
      {[](v1::Assessment* a) { a->set_verdict_text(std::string(1025, 'v')); },
       "assessment.verdict_text"},
      {[](v1::Assessment* a) { a->set_media_category("\xFF"); }, "assessment.media_category"},
      {[](v1::Assessment* a) { a->set_explanation(std::string("\0", 1)); },
       "assessment.explanation"},
      {[](v1::Assessment* a) { a->mutable_assessed_at()->set_seconds(253402300800LL); },
       "assessment.assessed_at"},
  };
  for (const auto& test : cases) {
    v1::Assessment assessment = GoodAssessment();
    test.change(&assessment);
    ExpectField(CheckAssessment(assessment, kLimits), test.field);
  }
}

TEST_CASE("lifecycle event checks name their field") {
  CHECK(CheckLifecycleEvent(GoodEvent(), kLimits).ok());
  struct Case {
    std::function<void(v1::LifecycleEvent*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](v1::LifecycleEvent* e) { e->set_id("\x01"); }, "lifecycle_event.id"},
      {[](v1::LifecycleEvent* e) { e->clear_kind(); }, "lifecycle_event.kind"},
      {[](v1::LifecycleEvent* e) { e->set_kind(static_cast<v1::LifecycleKind>(8)); },
       "lifecycle_event.kind"},
      {[](v1::LifecycleEvent* e) { e->clear_target(); }, "lifecycle_event.target"},
      {[](v1::LifecycleEvent* e) { e->mutable_target()->set_claim_id(""); },
       "lifecycle_event.target.claim_id"},
      {[](v1::LifecycleEvent* e) { e->clear_actor_id(); }, "lifecycle_event.actor_id"},
      {[](v1::LifecycleEvent* e) { e->set_reason("\xFF"); }, "lifecycle_event.reason"},
      {[](v1::LifecycleEvent* e) { e->mutable_occurred_at()->set_nanos(-3); },
       "lifecycle_event.occurred_at"},
  };
  for (const auto& test : cases) {
    v1::LifecycleEvent event = GoodEvent();
    test.change(&event);
    ExpectField(CheckLifecycleEvent(event, kLimits), test.field);
  }
}

TEST_CASE("as_of parses to micros and names its field when bad") {
  google::protobuf::Timestamp as_of;
  auto absent = ParseAsOf(false, as_of);
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->has_value());
  as_of.set_seconds(1685700000);
  as_of.set_nanos(123456789);
  auto present = ParseAsOf(true, as_of);
  REQUIRE(present.ok());
  CHECK(**present == 1685700000123456ull);
  as_of.set_seconds(-1);
  as_of.set_nanos(0);
  ExpectField(ParseAsOf(true, as_of).status(), "as_of");
  as_of.set_seconds(10);
  as_of.set_nanos(-1);
  ExpectField(ParseAsOf(true, as_of).status(), "as_of");
}

TEST_CASE("page sizes") {
  CHECK(CheckPageSize(0, kLimits).ok());
  CHECK(CheckPageSize(kLimits.max_page_size, kLimits).ok());
  ExpectField(CheckPageSize(-1, kLimits), "page_size");
  auto too_big = CheckPageSize(kLimits.max_page_size + 1, kLimits);
  CHECK(too_big.code() == absl::StatusCode::kResourceExhausted);
  CHECK(std::string(too_big.message()).rfind("page_size: ", 0) == 0);
}

}  // namespace claimgraph::validation
