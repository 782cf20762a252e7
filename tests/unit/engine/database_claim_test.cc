// Database claims: CreateClaim validation (statement inline / by id, schema types, missing
// entities, confidence, quotes against stored text, relays), request ids, content-derived ids,
// edges written with their aggregates, and CreateClaims atomicity.
#include <doctest/doctest.h>

#include "engine/database.h"
#include "engine/ids.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeStatement;
using testing::Must;
using testing::NamesField;

// The status has `code` and its message starts with `field`.
void ExpectError(const absl::Status& status, absl::StatusCode code, std::string_view field) {
  CHECK_MESSAGE(status.code() == code, status.ToString());
  CHECK_MESSAGE(NamesField(status, field), "expected '", std::string(field), "' in ",
                status.ToString());
}

template <typename T>
void ExpectError(const absl::StatusOr<T>& result, absl::StatusCode code, std::string_view field) {
  REQUIRE_FALSE(result.ok());
  ExpectError(result.status(), code, field);
}

uint64_t Internal(const ReadView& view, keys::IdKind kind, std::string_view id) {
  auto resolved = Must(view.Resolve(kind, id));
  REQUIRE(resolved.has_value());
  return *resolved;
}

struct Edge {
  keys::EdgeKey key;
  storage::EdgeAggregate aggregate;
};

std::vector<Edge> Edges(const ReadView& view, char direction, std::string_view entity) {
  std::vector<Edge> edges;
  auto status =
      view.ForEachEdge(direction, Internal(view, keys::IdKind::kEntity, entity), std::nullopt,
                       [&](const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
                         edges.push_back({key, aggregate});
                         return true;
                       });
  REQUIRE(status.ok());
  return edges;
}

struct World {
  World() { testing::SeedWorld(t); }
  testing::TestDatabase t;
};

}  // namespace

TEST_CASE("a claim with an inline statement stores both and fills the output fields") {
  World w;
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  claim.set_estimative_word("likely");
  claim.set_on_behalf_of_id("nsc");
  w.t.context.principal = "importer";
  auto written = Must(w.t.db->CreateClaim(claim, "", w.t.context));
  CHECK(written.outcome == WriteOutcome::kCreated);
  const auto& stored = written.record;
  CHECK(stored.id().rfind("cl_", 0) == 0);
  CHECK(stored.statement_id() == ids::StatementId(claim.statement(), false));
  CHECK(stored.statement().id() == stored.statement_id());
  CHECK(stored.recorded_by() == "importer");
  CHECK(stored.has_recorded_at());
  CHECK(stored.status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(stored.certainty() == v1::CERTAINTY_UNDERSPECIFIED);
  CHECK(stored.confidence() == 1.0);
  CHECK(stored.probability_low() == doctest::Approx(0.55));
  CHECK(stored.probability_high() == doctest::Approx(0.80));

  auto view = w.t.View();
  auto read = Must(view->GetClaim(stored.id()));
  CHECK(read.statement_id() == stored.statement_id());
  CHECK(read.statement().subject_id() == "iran");
  CHECK(read.statement().recorded_at().seconds() == stored.recorded_at().seconds());
  CHECK(read.status() == v1::CLAIM_STATUS_ACTIVE);
  auto statement = Must(view->GetStatement(stored.statement_id()));
  CHECK(statement.predicate() == "supplies");
  CHECK(statement.object().entity_id() == "russia");

  // The out-edge of the subject and the in-edge of the object carry the aggregate.
  auto out = Edges(*view, keys::kOutEdge, "iran");
  REQUIRE(out.size() == 1);
  CHECK(out[0].key.other == Internal(*view, keys::IdKind::kEntity, "russia"));
  CHECK(out[0].key.statement == Internal(*view, keys::IdKind::kStatement, stored.statement_id()));
  CHECK(out[0].key.predicate == Internal(*view, keys::IdKind::kPredicate, "supplies"));
  CHECK(out[0].aggregate.claims == 1);
  CHECK(out[0].aggregate.supporting == 1);
  CHECK(out[0].aggregate.refuting == 0);
  CHECK(out[0].aggregate.best_confidence == 1.0);
  auto in = Edges(*view, keys::kInEdge, "russia");
  REQUIRE(in.size() == 1);
  CHECK(in[0].key.other == Internal(*view, keys::IdKind::kEntity, "iran"));
  CHECK(Edges(*view, keys::kInEdge, "iran").empty());
  CHECK(Edges(*view, keys::kOutEdge, "russia").empty());
}

TEST_CASE("the same statement claimed twice is stored once, with parallel claims on one edge") {
  World w;
  auto first = Must(w.t.db->CreateClaim(
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"), "", w.t.context));
  v1::Claim refuting =
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "iran", v1::STANCE_REFUTES);
  refuting.set_act(v1::CLAIM_ACT_DENIES);
  auto second = Must(w.t.db->CreateClaim(refuting, "", w.t.context));
  CHECK(first.record.statement_id() == second.record.statement_id());
  CHECK(first.record.id() != second.record.id());
  CHECK(Must(w.t.db->GetStats()).statements == 1);
  CHECK(Must(w.t.db->GetStats()).claims == 2);
  auto view = w.t.View();
  auto out = Edges(*view, keys::kOutEdge, "iran");
  REQUIRE(out.size() == 1);
  CHECK(out[0].aggregate.claims == 2);
  CHECK(out[0].aggregate.supporting == 1);
  CHECK(out[0].aggregate.refuting == 1);
}

TEST_CASE("a claim may name its statement by id, and the id must match an inline statement") {
  World w;
  auto first = Must(w.t.db->CreateClaim(
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"), "", w.t.context));
  v1::Claim by_id;
  by_id.set_statement_id(first.record.statement_id());
  by_id.set_act(v1::CLAIM_ACT_REPORTS);
  by_id.set_stance(v1::STANCE_SUPPORTS);
  by_id.mutable_claimant()->set_entity_id("outlet");
  auto second = Must(w.t.db->CreateClaim(by_id, "", w.t.context));
  CHECK(second.record.statement_id() == first.record.statement_id());
  CHECK(second.record.statement().subject_id() == "iran");

  v1::Claim unknown = by_id;
  unknown.set_statement_id("st_00000000000000000000000000000000");
  ExpectError(w.t.db->CreateClaim(unknown, "", w.t.context), absl::StatusCode::kNotFound,
              "claim.statement_id");

  v1::Claim mismatch = MakeClaim(MakeStatement("iran", "supplies", "ukraine"), "john_kirby");
  mismatch.set_statement_id(first.record.statement_id());
  ExpectError(w.t.db->CreateClaim(mismatch, "", w.t.context), absl::StatusCode::kInvalidArgument,
              "claim.statement_id");
  // Both given and agreeing is fine.
  v1::Claim agreeing = MakeClaim(MakeStatement("iran", "supplies", "russia"), "cia");
  agreeing.set_statement_id(first.record.statement_id());
  CHECK(w.t.db->CreateClaim(agreeing, "", w.t.context).ok());
}

TEST_CASE("the schema decides predicates, domains and ranges") {
  World w;
  auto create = [&](const v1::Statement& statement) {
    return w.t.db->CreateClaim(MakeClaim(statement, "john_kirby"), "", w.t.context);
  };
  ExpectError(create(MakeStatement("iran", "sells_to", "russia")),
              absl::StatusCode::kInvalidArgument, "claim.statement.predicate");
  // A city cannot supply; a city cannot be supplied.
  ExpectError(create(MakeStatement("kyiv", "supplies", "russia")),
              absl::StatusCode::kInvalidArgument, "claim.statement.subject_id");
  ExpectError(create(MakeStatement("iran", "supplies", "kyiv")), absl::StatusCode::kInvalidArgument,
              "claim.statement.object.entity_id");
  // Subtypes fit: an intelligence agency is an agent, a weapon a product, an economic zone a
  // place.
  CHECK(create(MakeStatement("cia", "supplies", "drones")).ok());
  CHECK(create(MakeStatement("alabuga", "located_in", "russia")).ok());
  // Literal objects are checked against the literal kinds of the range.
  v1::Statement said;
  said.set_subject_id("john_kirby");
  said.set_predicate("said");
  said.mutable_object()->set_string_value("limits");
  CHECK(create(said).ok());
  said.mutable_object()->set_integer_value(3);
  ExpectError(create(said), absl::StatusCode::kInvalidArgument, "claim.statement.object");
  v1::Statement literal_supplies = MakeStatement("iran", "supplies", "russia");
  literal_supplies.mutable_object()->set_double_value(2.5);
  ExpectError(create(literal_supplies), absl::StatusCode::kInvalidArgument,
              "claim.statement.object");
  // Some-value and no-value fit any range.
  v1::Statement some = MakeStatement("iran", "supplies", "russia");
  some.mutable_object()->mutable_some_value()->set_description("an unnamed buyer");
  CHECK(create(some).ok());
  some.mutable_object()->mutable_no_value();
  CHECK(create(some).ok());
}

TEST_CASE("missing entities and sources are NOT_FOUND naming the field") {
  World w;
  v1::Claim good = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  auto expect = [&](v1::Claim claim, std::string_view field) {
    ExpectError(w.t.db->CreateClaim(claim, "", w.t.context), absl::StatusCode::kNotFound, field);
  };
  v1::Claim c = good;
  c.mutable_statement()->set_subject_id("atlantis");
  expect(c, "claim.statement.subject_id");
  c = good;
  c.mutable_statement()->mutable_object()->set_entity_id("atlantis");
  expect(c, "claim.statement.object.entity_id");
  c = good;
  c.mutable_claimant()->set_entity_id("nobody");
  expect(c, "claim.claimant.entity_id");
  c = good;
  c.set_on_behalf_of_id("nobody");
  expect(c, "claim.on_behalf_of_id");
  c = good;
  c.mutable_basis()->set_source_id("no_source");
  expect(c, "claim.basis.source_id");
  c = good;
  c.mutable_basis()->set_entity_id("nobody");
  expect(c, "claim.basis.entity_id");
  c = good;
  c.set_source_id("no_source");
  expect(c, "claim.source_id");
  c = good;
  c.set_relays_claim_id("cl_missing");
  expect(c, "claim.relays_claim_id");

  // A qualifier naming a missing entity is reported at its index as given, not as sorted.
  c = good;
  auto* purpose = c.mutable_statement()->add_qualifiers();
  purpose->set_key("zzz_recipient");
  purpose->mutable_value()->set_entity_id("nobody");
  auto* via = c.mutable_statement()->add_qualifiers();
  via->set_key("aaa_via");
  via->mutable_value()->set_entity_id("russia");
  expect(c, "claim.statement.qualifiers[0].value.entity_id");

  // A claim without an entity claimant ("officials") needs no entity.
  c = good;
  c.mutable_claimant()->mutable_some_value()->set_description("officials");
  CHECK(w.t.db->CreateClaim(c, "", w.t.context).ok());
  // Nothing of the rejected claims was written.
  CHECK(Must(w.t.db->GetStats()).claims == 1);
  CHECK(Must(w.t.db->GetStats()).statements == 1);
}

TEST_CASE("confidence outside [0, 1] is rejected") {
  World w;
  for (double confidence : {-0.1, 1.5}) {
    v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
    claim.set_confidence(confidence);
    ExpectError(w.t.db->CreateClaim(claim, "", w.t.context), absl::StatusCode::kInvalidArgument,
                "claim.confidence");
  }
  v1::Claim zero = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  zero.set_confidence(0);
  CHECK(Must(w.t.db->CreateClaim(zero, "", w.t.context)).record.confidence() == 0);
}

TEST_CASE("quote offsets are code points checked against the stored source text") {
  World w;
  auto quoted = [&](const char* text, int start, int end, const char* source = "page") {
    v1::Claim claim = MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet");
    claim.set_act(v1::CLAIM_ACT_REPORTS);
    claim.set_source_id(source);
    claim.mutable_quote()->set_text(text);
    claim.mutable_quote()->set_start(start);
    claim.mutable_quote()->set_end(end);
    return claim;
  };
  const char* kyiv = "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 was attacked";
  // After a 3-byte dash: code point offset 74, byte offset 76.
  auto good = w.t.db->CreateClaim(quoted(kyiv, 74, 91), "", w.t.context);
  REQUIRE_MESSAGE(good.ok(), good.status().ToString());
  CHECK(good->record.quote().start() == 74);
  ExpectError(w.t.db->CreateClaim(quoted(kyiv, 76, 93), "", w.t.context),
              absl::StatusCode::kInvalidArgument, "claim.quote");
  ExpectError(w.t.db->CreateClaim(quoted("Iran supplies Russix", 25, 45), "", w.t.context),
              absl::StatusCode::kInvalidArgument, "claim.quote");
  ExpectError(w.t.db->CreateClaim(quoted("was attacked.", 90, 103), "", w.t.context),
              absl::StatusCode::kInvalidArgument, "claim.quote.end");
  CHECK(w.t.db->CreateClaim(quoted("Iran supplies Russia", 25, 45), "", w.t.context).ok());

  // A source without stored text cannot be checked: the quote is taken as given.
  v1::Source bare;
  bare.set_id("bare");
  Must(w.t.db->CreateSource(bare, w.t.context));
  CHECK(w.t.db->CreateClaim(quoted("anything", 1000, 1008, "bare"), "", w.t.context).ok());
}

TEST_CASE("a relay must exist and be about the same statement") {
  World w;
  v1::Claim government = MakeClaim(MakeStatement("iran", "supplies", "russia"), "white_house");
  government.set_act(v1::CLAIM_ACT_BELIEVES);
  auto origin = Must(w.t.db->CreateClaim(government, "", w.t.context));

  v1::Claim spokesman = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  spokesman.set_act(v1::CLAIM_ACT_SAYS);
  spokesman.set_relays_claim_id(origin.record.id());
  auto relay = Must(w.t.db->CreateClaim(spokesman, "", w.t.context));
  CHECK(relay.record.relays_claim_id() == origin.record.id());

  v1::Claim other_statement = MakeClaim(MakeStatement("iran", "supplies", "ukraine"), "outlet");
  other_statement.set_relays_claim_id(origin.record.id());
  ExpectError(w.t.db->CreateClaim(other_statement, "", w.t.context),
              absl::StatusCode::kInvalidArgument, "claim.relays_claim_id");

  auto view = w.t.View();
  std::vector<uint64_t> relays;
  REQUIRE(view->ForEachRelayOf(Internal(*view, keys::IdKind::kClaim, origin.record.id()),
                               [&](uint64_t id) {
                                 relays.push_back(id);
                                 return true;
                               })
              .ok());
  REQUIRE(relays.size() == 1);
  CHECK(relays[0] == Internal(*view, keys::IdKind::kClaim, relay.record.id()));
}

TEST_CASE("a repeated request id returns the first claim unchanged") {
  World w;
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  auto first = Must(w.t.db->CreateClaim(claim, "request-1", w.t.context));
  CHECK(first.outcome == WriteOutcome::kCreated);
  auto retry = Must(w.t.db->CreateClaim(claim, "request-1", w.t.context));
  CHECK(retry.outcome == WriteOutcome::kUnchanged);
  CHECK(retry.record.id() == first.record.id());
  CHECK(retry.record.status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(retry.record.statement().subject_id() == "iran");
  // Even with other content: the request was already served.
  v1::Claim other = MakeClaim(MakeStatement("iran", "supplies", "ukraine"), "john_kirby");
  auto replay = Must(w.t.db->CreateClaim(other, "request-1", w.t.context));
  CHECK(replay.outcome == WriteOutcome::kUnchanged);
  CHECK(replay.record.id() == first.record.id());
  CHECK(Must(w.t.db->GetStats()).claims == 1);
  // A new request id with the same content is a duplicate claim.
  ExpectError(w.t.db->CreateClaim(claim, "request-2", w.t.context),
              absl::StatusCode::kAlreadyExists, "claim.id");
  ExpectError(w.t.db->CreateClaim(claim, std::string(300, 'r'), w.t.context),
              absl::StatusCode::kInvalidArgument, "request_id");
  // The request id survives a reopen.
  w.t.Reopen();
  CHECK(Must(w.t.db->CreateClaim(claim, "request-1", w.t.context)).outcome ==
        WriteOutcome::kUnchanged);
}

TEST_CASE("claim ids derive from content unless given") {
  World w;
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  auto first = Must(w.t.db->CreateClaim(claim, "", w.t.context));
  ExpectError(w.t.db->CreateClaim(claim, "", w.t.context), absl::StatusCode::kAlreadyExists,
              "claim.id");
  auto kept = Must(w.t.db->CreateClaim(claim, "", w.t.context, OnExisting::kKeepIfIdentical));
  CHECK(kept.outcome == WriteOutcome::kUnchanged);
  CHECK(kept.record.id() == first.record.id());
  // Unset confidence and certainty mean 1 and underspecified: the same claim.
  v1::Claim explicit_defaults = claim;
  explicit_defaults.set_confidence(1.0);
  explicit_defaults.set_certainty(v1::CERTAINTY_UNDERSPECIFIED);
  ExpectError(w.t.db->CreateClaim(explicit_defaults, "", w.t.context),
              absl::StatusCode::kAlreadyExists, "claim.id");
  v1::Claim different = claim;
  different.set_cue("said");
  auto second = Must(w.t.db->CreateClaim(different, "", w.t.context));
  CHECK(second.record.id() != first.record.id());

  v1::Claim named = claim;
  named.set_id("kirby-1");
  CHECK(Must(w.t.db->CreateClaim(named, "", w.t.context)).record.id() == "kirby-1");
  v1::Claim renamed_content = different;
  renamed_content.set_id("kirby-1");
  ExpectError(w.t.db->CreateClaim(renamed_content, "", w.t.context, OnExisting::kKeepIfIdentical),
              absl::StatusCode::kAlreadyExists, "claim.id");
}

TEST_CASE("output-only claim fields given on input are not stored") {
  World w;
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  claim.set_status(v1::CLAIM_STATUS_RETRACTED);
  claim.set_probability_low(0.1);
  claim.set_probability_high(0.2);
  claim.add_lifecycle()->set_reason("made up");
  claim.set_recorded_by("forged");
  auto written = Must(w.t.db->CreateClaim(claim, "", w.t.context));
  auto read = Must(w.t.View()->GetClaim(written.record.id()));
  CHECK(read.status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(read.lifecycle_size() == 0);
  CHECK(read.probability_low() == 0);
  CHECK(read.probability_high() == 0);
  CHECK(read.recorded_by() == "anonymous");
  // And the same claim without them is the same claim.
  v1::Claim clean = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  auto again = Must(w.t.db->CreateClaim(clean, "", w.t.context, OnExisting::kKeepIfIdentical));
  CHECK(again.outcome == WriteOutcome::kUnchanged);
}

TEST_CASE("literal objects get an out-edge only") {
  World w;
  v1::Statement said;
  said.set_subject_id("john_kirby");
  said.set_predicate("said");
  said.mutable_object()->set_string_value("there were likely limits");
  Must(w.t.db->CreateClaim(MakeClaim(said, "john_kirby"), "", w.t.context));
  auto view = w.t.View();
  auto out = Edges(*view, keys::kOutEdge, "john_kirby");
  REQUIRE(out.size() == 1);
  CHECK(out[0].key.other == 0);
  CHECK(out[0].aggregate.claims == 1);
}

TEST_CASE("CreateClaims is all or nothing and names the bad index") {
  World w;
  auto before = Must(w.t.db->GetStats());
  std::vector<v1::Claim> claims = {
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"),
      MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet"),
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "william_burns"),
  };
  claims[2].set_confidence(7);
  auto failed = w.t.db->CreateClaims(claims, w.t.context);
  ExpectError(failed, absl::StatusCode::kInvalidArgument, "claims[2].confidence");
  claims[2].set_confidence(0.5);
  claims[2].mutable_claimant()->set_entity_id("nobody");
  ExpectError(w.t.db->CreateClaims(claims, w.t.context), absl::StatusCode::kNotFound,
              "claims[2].claimant.entity_id");

  // Nothing of the failed batches is visible, and the counters did not move.
  auto view = w.t.View();
  CHECK(testing::AllClaims(*view, ClaimQuery{}).empty());
  CHECK(absl::IsNotFound(
      view->GetStatement(ids::StatementId(MakeStatement("iran", "supplies", "russia"), false))
          .status()));
  CHECK(Edges(*view, keys::kOutEdge, "iran").empty());
  auto after = Must(w.t.db->GetStats());
  CHECK(after.claims == before.claims);
  CHECK(after.statements == before.statements);
  CHECK(after.predicates == before.predicates);

  // Fixed, the batch goes in whole; the two claims of one statement share it.
  claims[2].mutable_claimant()->set_entity_id("william_burns");
  auto written = Must(w.t.db->CreateClaims(claims, w.t.context));
  REQUIRE(written.size() == 3);
  CHECK(written[0].record.statement_id() == written[2].record.statement_id());
  auto stats = Must(w.t.db->GetStats());
  CHECK(stats.claims == 3);
  CHECK(stats.statements == 2);
  auto out = Edges(*w.t.View(), keys::kOutEdge, "iran");
  REQUIRE(out.size() == 1);
  CHECK(out[0].aggregate.claims == 2);
}

TEST_CASE("CreateClaims sees its own earlier claims: duplicates and relays") {
  World w;
  v1::Claim origin = MakeClaim(MakeStatement("iran", "supplies", "russia"), "white_house");
  origin.set_id("origin");
  v1::Claim relay = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  relay.set_relays_claim_id("origin");
  auto written = Must(w.t.db->CreateClaims({origin, relay}, w.t.context));
  CHECK(written[1].record.relays_claim_id() == "origin");

  v1::Claim fresh = MakeClaim(MakeStatement("russia", "attacked", "kyiv"), "outlet");
  ExpectError(w.t.db->CreateClaims({fresh, fresh}, w.t.context), absl::StatusCode::kAlreadyExists,
              "claims[1].id");
  CHECK(Must(w.t.db->GetStats()).claims == 2);
}

TEST_CASE("CreateClaims refuses batches over the limit") {
  Limits limits;
  limits.max_batch_claims = 2;
  testing::TestDatabase t(limits);
  testing::SeedWorld(t);
  v1::Claim claim = MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby");
  ExpectError(t.db->CreateClaims({claim, claim, claim}, t.context),
              absl::StatusCode::kResourceExhausted, "claims");
}

}  // namespace claimgraph

namespace claimgraph {

TEST_CASE("a symmetric predicate's two orientations are one statement, in every write path") {
  World w;
  const v1::Statement forward = MakeStatement("iran", "cooperates_with", "russia");
  const v1::Statement backward = MakeStatement("russia", "cooperates_with", "iran");
  const std::string canonical = ids::StatementId(forward, true);
  const std::string as_given = ids::StatementId(backward, false);  // the id before canonical form
  REQUIRE(canonical != as_given);

  auto first = Must(w.t.db->CreateClaim(MakeClaim(backward, "john_kirby"), "", w.t.context));
  CHECK(first.record.statement_id() == canonical);
  CHECK(first.record.statement().subject_id() == "iran");
  CHECK(first.record.statement().object().entity_id() == "russia");
  auto second = Must(w.t.db->CreateClaim(MakeClaim(forward, "william_burns"), "", w.t.context));
  CHECK(second.record.statement_id() == canonical);
  // A batch and an import land there too.
  v1::Claim batched = MakeClaim(backward, "nsc");
  auto batch = Must(w.t.db->CreateClaims({batched}, w.t.context));
  CHECK(batch.front().record.statement_id() == canonical);
  v1::ImportRecord record;
  *record.mutable_claim() = MakeClaim(backward, "white_house");
  auto imported = Must(w.t.db->ApplyRecords({record}, ImportMode::kStrict, w.t.context));
  REQUIRE(imported.size() == 1);
  CHECK(imported[0].error.ok());

  // The id of the orientation as given, sent with the inline statement, is an alias (old exports
  // carry it); any other id is refused naming the canonical one.
  v1::Claim aliased = MakeClaim(backward, "cia");
  aliased.set_statement_id(as_given);
  CHECK(Must(w.t.db->CreateClaim(aliased, "", w.t.context)).record.statement_id() == canonical);
  v1::Claim wrong = MakeClaim(backward, "outlet");
  wrong.set_statement_id(ids::StatementId(MakeStatement("iran", "supplies", "russia"), false));
  auto refused = w.t.db->CreateClaim(wrong, "", w.t.context);
  ExpectError(refused, absl::StatusCode::kInvalidArgument, "claim.statement_id");
  CHECK(std::string(refused.status().message()).find(canonical) != std::string::npos);
  // By id alone only the stored (canonical) statement is found.
  v1::Claim by_id = MakeClaim(backward, "outlet");
  by_id.clear_statement();
  by_id.set_statement_id(as_given);
  ExpectError(w.t.db->CreateClaim(by_id, "", w.t.context), absl::StatusCode::kNotFound,
              "claim.statement_id");
  by_id.set_statement_id(canonical);
  CHECK(Must(w.t.db->CreateClaim(by_id, "", w.t.context)).record.statement_id() == canonical);

  auto view = Must(w.t.db->NewReadView());
  auto statement = Must(view->GetStatement(canonical));
  CHECK(statement.subject_id() == "iran");
  CHECK_FALSE(view->GetStatement(as_given).ok());
  // One edge, iran -> russia: out of iran, into russia, with all six claims.
  auto out = Edges(*view, keys::kOutEdge, "iran");
  REQUIRE(out.size() == 1);
  CHECK(out[0].aggregate.claims == 6);
  CHECK(Edges(*view, keys::kInEdge, "russia").size() == 1);
  CHECK(Edges(*view, keys::kOutEdge, "russia").empty());
  // An ordered predicate keeps both orientations apart.
  auto supplies = Must(w.t.db->CreateClaim(
      MakeClaim(MakeStatement("russia", "supplies", "iran"), "john_kirby"), "", w.t.context));
  CHECK(supplies.record.statement().subject_id() == "russia");
}

}  // namespace claimgraph
