// Circular reporting through relays: cycles written in one batch or closed by a later RELAYS
// link, traced, corroborated and listed without looping (docs/provenance.md sections 1-3), with
// the numbers worked by hand; and a source citing itself.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/ids.h"
#include "engine/provenance/contradictions.h"
#include "engine/provenance/corroborate.h"
#include "engine/provenance/trace.h"
#include "engine/provenance/who_said.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::ClaimSpec;
using testing::Fixture;

constexpr double kTolerance = 1e-12;

bool HasFlag(const v1::Trace& trace, v1::TraceFlagKind kind, const std::string& node_key) {
  for (const auto& flag : trace.flags()) {
    if (flag.kind() == kind && flag.node_key() == node_key) return true;
  }
  return false;
}

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

// Writes the claims in one BatchCreateClaims call.
std::vector<v1::Claim> Batch(Fixture& f, const std::vector<ClaimSpec>& specs) {
  std::vector<v1::Claim> claims;
  for (const auto& spec : specs) claims.push_back(f.Build(spec));
  auto written = f.db->CreateClaims(claims, f.context);
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  std::vector<v1::Claim> records;
  for (auto& claim : *written) records.push_back(claim.record);
  f.statement_id = records.front().statement_id();
  return records;
}

v1::LifecycleEvent RelaysLink(const std::string& claim, const std::string& relayed) {
  v1::LifecycleEvent event;
  event.set_kind(v1::LIFECYCLE_KIND_RELAYS);
  event.mutable_target()->set_claim_id(claim);
  event.set_relays_claim_id(relayed);
  event.set_actor_id("curator");
  return event;
}

void ExpectLink(Fixture& f, const v1::LifecycleEvent& event, absl::StatusCode code) {
  auto written = f.db->RecordLifecycleEvent(event, f.context);
  CHECK_MESSAGE(written.status().code() == code, written.status().ToString());
}

// Outlet A credits outlet B, and B credits A; a page in A's document relays A.
void BuildTwoOutletRing(Fixture& f) {
  f.IranSuppliesRussia();
  f.Entity("pub", "news_organisation", "Publisher");
  f.Entity("a", "person", "Reporter A");
  f.Entity("b", "person", "Reporter B");
  f.Entity("p", "person", "Page author");
  f.Source("sa", "pub", v1::RELIABILITY_B);  // trust 0.80
  f.Source("sb", "pub", v1::RELIABILITY_C);  // trust 0.65
  Batch(f, {{.id = "A", .claimant = "a", .source = "sa", .relays = "B", .claimed_day = 20},
            {.id = "B",
             .claimant = "b",
             .certainty = v1::CERTAINTY_PROBABLE,
             .source = "sb",
             .relays = "A",
             .confidence = 0.9,
             .claimed_day = 10},
            {.id = "P", .claimant = "p", .source = "sa", .relays = "A", .claimed_day = 30}});
}

TEST_CASE("two claims relaying each other, written in one batch: one origin, worked by hand") {
  Fixture f;
  BuildTwoOutletRing(f);
  auto view = f.View();
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  // All three chains end in the ring {A, B}: one origin holding both members' principals.
  REQUIRE(answer->origins_size() == 1);
  const v1::Origin& origin = answer->origins(0);
  CHECK(Ids(origin.keys()) == std::vector<std::string>{"entity:a", "entity:b"});
  CHECK(origin.circular());
  CHECK(answer->origins_for() == 1);
  REQUIRE(answer->relay_cycles_size() == 1);
  CHECK(Ids(answer->relay_cycles(0).claim_ids()) == std::vector<std::string>{"A", "B"});
  REQUIRE(origin.supporting_size() == 3);
  // A: chain A -> B, once round the ring. C = 1 * 0.9; R = 0.80 (sa) * 0.65 (sb differs) = 0.52.
  // s = 0.95 (certain): b = 0.95 * 0.468 = 0.4446.
  const auto& a = origin.supporting(0);
  CHECK(a.claim_id() == "A");
  CHECK(a.confidence_factor() == doctest::Approx(0.9).epsilon(kTolerance));
  CHECK(a.reliability_factor() == doctest::Approx(0.52).epsilon(kTolerance));
  CHECK(a.opinion().belief() == doctest::Approx(0.4446).epsilon(kTolerance));
  CHECK(a.innermost_claim_id() == "A");
  CHECK(a.chain_length() == 2);
  CHECK(a.relay_cycle());
  // B: chain B -> A. C = 0.9, R = 0.65 * 0.80 = 0.52; s = 0.70: b = 0.3276.
  const auto& b = origin.supporting(1);
  CHECK(b.claim_id() == "B");
  CHECK(b.reliability_factor() == doctest::Approx(0.52).epsilon(kTolerance));
  CHECK(b.opinion().belief() == doctest::Approx(0.3276).epsilon(kTolerance));
  CHECK(b.innermost_claim_id() == "A");
  // P: chain P -> A -> B; P and A share sa, counted once: R = 0.80 * 0.65 = 0.52, C = 0.9,
  // length 3; b = 0.4446, as A's.
  const auto& p = origin.supporting(2);
  CHECK(p.claim_id() == "P");
  CHECK(p.reliability_factor() == doctest::Approx(0.52).epsilon(kTolerance));
  CHECK(p.confidence_factor() == doctest::Approx(0.9).epsilon(kTolerance));
  CHECK(p.chain_length() == 3);
  CHECK(p.relay_cycle());
  // Tie at mass 0.4446 between A and P: the later utterance (P, day 30) represents the origin.
  CHECK(origin.strongest_claim_id() == "P");
  // One origin: fused = its contribution (0.4446, 0, 0.5554), P = 0.4446 + 0.2777 = 0.7223.
  CHECK(answer->fused().projected_probability() == doctest::Approx(0.7223).epsilon(kTolerance));

  // The trace reports the ring with its members, both as root claims, and who said it first.
  auto trace = TraceClaim(*view, "P");
  REQUIRE(trace.ok());
  REQUIRE(trace->relay_cycles_size() == 1);
  CHECK(Ids(trace->relay_cycles(0).claim_ids()) == std::vector<std::string>{"A", "B"});
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_RELAY_CYCLE, "claim:A"));
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_RELAY_CYCLE, "claim:B"));
  CHECK_FALSE(HasFlag(*trace, v1::TRACE_FLAG_KIND_RELAY_CYCLE, "claim:P"));
  CHECK(Ids(trace->root_claim_ids()) == std::vector<std::string>{"A", "B"});
  CHECK(Ids(trace->first_claim_ids()) == std::vector<std::string>{"B"});  // day 10

  // WhoSaid names the ring's first member as every claim's innermost claim.
  auto said = WhoSaid(*view, f.statement_id);
  REQUIRE(said.ok());
  REQUIRE(said->attributions_size() == 3);
  for (const auto& attribution : said->attributions()) {
    CHECK(attribution.innermost_claim_id() == "A");
    CHECK(attribution.relay_cycle());
  }
}

TEST_CASE("a relay cycle of 50 claims closed by a later RELAYS link, as of before and after") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("curator", "person", "Curator");
  // c49 is written first, relaying nothing; c48 relays c49, ..., c0 relays c1.
  for (int i = 49; i >= 0; --i) {
    f.Entity("k" + std::to_string(i), "person");
    f.Claim({.id = "c" + std::to_string(i),
             .claimant = "k" + std::to_string(i),
             .relays = i == 49 ? "" : "c" + std::to_string(i + 1)});
  }
  const uint64_t before = ids::ToMicros(f.View()->GetClaim("c0")->recorded_at());
  auto link = f.db->RecordLifecycleEvent(RelaysLink("c49", "c0"), f.context);
  REQUIRE_MESSAGE(link.ok(), link.status().ToString());

  // Before the link: a chain of 50 ending in c49, whose claimant is the one origin key.
  auto earlier = Corroborate(*f.View(before), f.statement_id);
  REQUIRE(earlier.ok());
  REQUIRE(earlier->origins_size() == 1);
  CHECK(Ids(earlier->origins(0).keys()) == std::vector<std::string>{"entity:k49"});
  CHECK_FALSE(earlier->origins(0).circular());
  CHECK(earlier->relay_cycles_size() == 0);

  // After it: the ring of 50 is one origin holding all 50 principals.
  auto view = f.View();
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  REQUIRE(answer->origins_size() == 1);
  CHECK(answer->origins(0).keys_size() == 50);
  CHECK(answer->origins(0).circular());
  REQUIRE(answer->relay_cycles_size() == 1);
  CHECK(answer->relay_cycles(0).claim_ids_size() == 50);
  // In relay order from the member recorded first (c49): c49 -> c0 -> c1 ...
  CHECK(answer->relay_cycles(0).claim_ids(0) == "c49");
  CHECK(answer->relay_cycles(0).claim_ids(1) == "c0");
  // No source on any hop: R = 0.5, C = 1; s = 0.95: b = 0.475, P = 0.475 + 0.5 * 0.525.
  CHECK(answer->fused().projected_probability() == doctest::Approx(0.7375).epsilon(kTolerance));
  for (const auto& claim : answer->origins(0).supporting()) CHECK(claim.chain_length() == 50);

  auto trace = TraceClaim(*view, "c0");
  REQUIRE(trace.ok());
  REQUIRE(trace->relay_cycles_size() == 1);
  CHECK(trace->relay_cycles(0).claim_ids_size() == 50);
  CHECK(trace->root_claim_ids_size() == 50);
  auto old_trace = TraceClaim(*f.View(before), "c0");
  REQUIRE(old_trace.ok());
  CHECK(old_trace->relay_cycles_size() == 0);
  CHECK(Ids(old_trace->root_claim_ids()) == std::vector<std::string>{"c49"});

  // Contradictions: one origin on one side, and a relays link is no retraction or correction.
  auto contradictions = ContradictionsOfStatement(*view, f.statement_id);
  REQUIRE(contradictions.ok());
  CHECK(contradictions->contradictions_size() == 0);

  // The claim shows the link among its lifecycle events, and its status stays active.
  auto c49 = view->GetClaim("c49");
  REQUIRE(c49.ok());
  CHECK(c49->status() == v1::CLAIM_STATUS_ACTIVE);
  REQUIRE(c49->lifecycle_size() == 1);
  CHECK(c49->lifecycle(0).relays_claim_id() == "c0");
}

TEST_CASE("a ring of 10,000 claims in one batch is traced and corroborated without looping") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("ring", "person", "Anonymous ring");
  constexpr int kRing = 10'000;
  std::vector<ClaimSpec> specs;
  for (int i = 0; i < kRing; ++i) {
    specs.push_back({.id = "r" + std::to_string(i),
                     .claimant = "ring",
                     .relays = "r" + std::to_string((i + 1) % kRing),
                     .confidence = 0.99});
  }
  Batch(f, specs);
  auto view = f.View();
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  REQUIRE(answer->origins_size() == 1);
  CHECK(answer->origins(0).circular());
  REQUIRE(answer->relay_cycles_size() == 1);
  CHECK(answer->relay_cycles(0).claim_ids_size() == kRing);
  // Each chain goes once round the ring: C = 0.99^10000 (about 2.2e-44), R = 0.5.
  const auto& first = answer->origins(0).supporting(0);
  CHECK(first.chain_length() == kRing);
  CHECK(first.confidence_factor() == doctest::Approx(std::pow(0.99, kRing)).epsilon(1e-9));

  TraceOptions options;
  options.max_nodes = 2 * kRing + 10;
  auto trace = TraceClaim(*view, "r0", options);
  REQUIRE(trace.ok());
  CHECK_FALSE(trace->truncated());
  REQUIRE(trace->relay_cycles_size() == 1);
  CHECK(trace->relay_cycles(0).claim_ids_size() == kRing);
  CHECK(trace->root_claim_ids_size() == kRing);
}

TEST_CASE("relays to later claims of a batch are checked when the batch is complete") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("a", "person");
  f.Entity("curator", "person");
  // A relay to a claim neither stored nor in the batch.
  std::vector<v1::Claim> claims{f.Build({.id = "x", .claimant = "a", .relays = "nowhere"})};
  auto missing = f.db->CreateClaims(claims, f.context);
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()).rfind("claims[0].relays_claim_id", 0) == 0);
  // A relay to a later claim of the batch about another statement: all or nothing.
  v1::Claim other = f.Build({.id = "y", .claimant = "a"});
  other.mutable_statement()->set_predicate("sanctions");
  claims = {f.Build({.id = "x", .claimant = "a", .relays = "y"}), other};
  auto mixed = f.db->CreateClaims(claims, f.context);
  CHECK(mixed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(mixed.status().message()).rfind("claims[0].relays_claim_id", 0) == 0);
  CHECK_FALSE(f.View()->GetClaim("y").ok());  // nothing written

  // Lenient import: the relaying claim is rejected with its target, the rest is applied.
  std::vector<v1::ImportRecord> records(3);
  *records[0].mutable_claim() = f.Build({.id = "x", .claimant = "a", .relays = "bad"});
  *records[1].mutable_claim() = f.Build({.id = "bad", .claimant = "nobody"});
  *records[2].mutable_claim() = f.Build({.id = "fine", .claimant = "a"});
  auto results = f.db->ApplyRecords(records, ImportMode::kLenient, f.context);
  REQUIRE(results.ok());
  REQUIRE(results->size() == 3);
  CHECK((*results)[0].error.code() == absl::StatusCode::kNotFound);
  CHECK((*results)[1].error.code() == absl::StatusCode::kNotFound);
  CHECK((*results)[2].outcome == WriteOutcome::kCreated);
  CHECK_FALSE(f.View()->GetClaim("x").ok());

  // RELAYS links: one relay per claim, never itself, on the same statement; a retry is a no-op.
  ExpectLink(f, RelaysLink("fine", "fine"), absl::StatusCode::kInvalidArgument);
  f.Claim({.id = "second", .claimant = "a", .relays = "fine"});
  ExpectLink(f, RelaysLink("second", "fine"), absl::StatusCode::kFailedPrecondition);
  v1::LifecycleEvent no_claim = RelaysLink("fine", "second");
  no_claim.clear_relays_claim_id();
  ExpectLink(f, no_claim, absl::StatusCode::kInvalidArgument);
  auto link = f.db->RecordLifecycleEvent(RelaysLink("fine", "second"), f.context);
  REQUIRE(link.ok());
  auto again = f.db->RecordLifecycleEvent(RelaysLink("fine", "second"), f.context);
  REQUIRE(again.ok());
  CHECK(again->outcome == WriteOutcome::kUnchanged);
  v1::LifecycleEvent retract = RelaysLink("fine", "second");
  retract.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
  ExpectLink(f, retract, absl::StatusCode::kInvalidArgument);  // only RELAYS names a claim
}

TEST_CASE("a source citing itself is stored and flagged as a derivation cycle") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("pub", "news_organisation");
  f.Entity("a", "person");
  f.Source("loop", "pub", v1::RELIABILITY_C, 0, {{v1::DERIVATION_TYPE_CITES, "loop"}});
  f.Claim({.id = "x", .claimant = "pub", .source = "loop"});
  auto view = f.View();
  auto trace = TraceClaim(*view, "x");
  REQUIRE(trace.ok());
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_DERIVATION_CYCLE, "source:loop"));
  REQUIRE(trace->cycles_size() == 1);
  CHECK(Ids(trace->cycles(0).source_ids()) == std::vector<std::string>{"loop"});
  CHECK(Ids(trace->root_source_ids()) == std::vector<std::string>{"loop"});
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  REQUIRE(answer->origins_size() == 1);
  // The outlet speaks in its own voice: the root documents of its page, the page itself.
  CHECK(Ids(answer->origins(0).keys()) == std::vector<std::string>{"entity:pub", "source:loop"});
  CHECK(answer->origins(0).circular());
}

}  // namespace
}  // namespace claimgraph::provenance
