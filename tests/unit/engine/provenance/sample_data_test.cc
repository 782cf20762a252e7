// Provenance answers on the curated sample (data/sample/claims.ndjson, the example article): the
// republished page adds no origin, its date is flagged, the drone route traces to Kirby speaking
// for the National Security Council, and Burns's "likely limits" is found as a refutation of the
// military cooperation claims, with fused numbers computed by hand (docs/provenance.md 7).
#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/provenance/contradictions.h"
#include "engine/provenance/corroborate.h"
#include "engine/provenance/trace.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;

constexpr double kTolerance = 1e-9;
const std::string kPage = "capitaltrack-2025-04-16-iran-drones";
const std::string kReport = "cbs-news-2023-06-09-iran-drone-plant";

void LoadSample(Fixture& f) {
  std::ifstream in(std::string(CLAIMGRAPH_SOURCE_DIR) + "/data/sample/claims.ndjson");
  REQUIRE(in.good());
  std::vector<v1::ImportRecord> records;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    v1::ImportRecord record;
    REQUIRE(google::protobuf::util::JsonStringToMessage(line, &record).ok());
    records.push_back(std::move(record));
  }
  auto results = f.db->ApplyRecords(records, ImportMode::kStrict, f.context);
  REQUIRE(results.ok());
  for (const auto& result : *results) REQUIRE_MESSAGE(result.error.ok(), result.error.ToString());
}

std::string StatementOf(Fixture& f, const std::string& claim_id) {
  auto claim = f.View()->GetClaim(claim_id);
  REQUIRE(claim.ok());
  return claim->statement_id();
}

bool HasFlag(const v1::Trace& trace, v1::TraceFlagKind kind, const std::string& node_key,
             const std::string& related_key) {
  for (const auto& flag : trace.flags()) {
    if (flag.kind() == kind && flag.node_key() == node_key && flag.related_key() == related_key) {
      return true;
    }
  }
  return false;
}

bool HasEdge(const v1::Trace& trace, const std::string& from, const std::string& to,
             v1::TraceEdgeKind kind) {
  for (const auto& edge : trace.edges()) {
    if (edge.from_key() == from && edge.to_key() == to && edge.kind() == kind) return true;
  }
  return false;
}

TEST_CASE("sample: the republished page is no independent origin apart from the report") {
  Fixture f;
  LoadSample(f);
  auto view = f.View();
  // Over every statement of the sample: each claim the page makes shares its origin with a
  // claim of the report it copies (CBS News) or of whoever CBS quoted.
  std::set<std::string> statements;
  for (const char* subject : {"iran", "russia", "alabuga-drone-plant", "iranian-attack-drones"}) {
    ClaimQuery query;
    query.subject_id = subject;
    auto page = view->ListClaims(query, 1000, "");
    REQUIRE(page.ok());
    for (const auto& claim : page->items) statements.insert(claim.statement_id());
  }
  REQUIRE(statements.size() >= 8);
  for (const auto& statement : statements) {
    auto answer = Corroborate(*view, statement);
    REQUIRE(answer.ok());
    for (const auto& origin : answer->origins()) {
      bool page_claim = false, other_claim = false;
      for (const auto* side : {&origin.supporting(), &origin.refuting()}) {
        for (const auto& claim : *side) {
          auto record = view->GetClaim(claim.claim_id());
          REQUIRE(record.ok());
          (record->claimant().entity_id() == "capitaltrack" ? page_claim : other_claim) = true;
        }
      }
      CAPTURE(statement);
      CHECK((!page_claim || other_claim));
    }
  }
  // The supply claim: page -> CBS -> White House -> United States, one origin.
  auto supply = Corroborate(*view, StatementOf(f, "claim-supply-page"));
  REQUIRE(supply.ok());
  REQUIRE(supply->origins_size() == 1);
  CHECK(supply->single_origin());
  CHECK(supply->origins(0).supporting_size() == 4);
  std::vector<std::string> keys(supply->origins(0).keys().begin(), supply->origins(0).keys().end());
  CHECK(keys == std::vector<std::string>{"basis:newly declassified intelligence",
                                         "entity:united-states",
                                         "source:us-intel-2023-06-09-iran-russia-drone-plant"});
  // The strongest: the United States' own claim, CERTAIN in a D-graded page: 0.95 * 0.45.
  CHECK(supply->origins(0).strongest_claim_id() == "claim-supply-us");
  CHECK(std::abs(supply->fused().belief() - 0.4275) < kTolerance);
  CHECK(std::abs(supply->fused().projected_probability() - 0.71375) < kTolerance);
}

TEST_CASE("sample: the page's declared date is flagged as later than the report it copies") {
  Fixture f;
  LoadSample(f);
  auto trace = TraceClaim(*f.View(), "claim-supply-page");
  REQUIRE(trace.ok());
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_COPY_DATED_LATER, "source:" + kPage,
                "source:" + kReport));
  // Where it first appeared: the intelligence release all the documents derive from.
  REQUIRE(trace->first_source_ids_size() == 1);
  CHECK(trace->first_source_ids(0) == "us-intel-2023-06-09-iran-russia-drone-plant");
  REQUIRE(trace->first_claim_ids_size() == 1);
  CHECK(trace->first_claim_ids(0) == "claim-supply-us");
}

TEST_CASE("sample: the drone route traces to Kirby speaking for the National Security Council") {
  Fixture f;
  LoadSample(f);
  for (const char* leg : {"from", "to", "via"}) {
    CAPTURE(leg);
    std::string page = std::string("claim-route-") + leg + "-page";
    std::string kirby = std::string("claim-route-") + leg + "-kirby";
    auto trace = TraceClaim(*f.View(), page);
    REQUIRE(trace.ok());
    CHECK(HasEdge(*trace, "claim:" + kirby, "agent:national-security-council",
                  v1::TRACE_EDGE_KIND_ON_BEHALF_OF));
    CHECK(HasEdge(*trace, "claim:" + kirby, "agent:john-kirby", v1::TRACE_EDGE_KIND_CLAIMANT));
    // Kirby passes on the administration's belief, based on the declassified intelligence.
    REQUIRE(trace->root_claim_ids_size() == 1);
    CHECK(trace->root_claim_ids(0) == std::string("claim-route-") + leg + "-administration");
    CHECK(HasEdge(*trace, "claim:" + trace->root_claim_ids(0),
                  "source:us-intel-2023-06-09-iran-russia-drone-plant", v1::TRACE_EDGE_KIND_BASIS));
  }
}

TEST_CASE("sample: Burns's likely limits refute the military cooperation claims") {
  Fixture f;
  LoadSample(f);
  const std::string cooperation = StatementOf(f, "claim-partnership-limits-burns");
  CHECK(cooperation == StatementOf(f, "claim-partnership-expanding-kirby"));
  auto answer = Corroborate(*f.View(), cooperation);
  REQUIRE(answer.ok());
  // For: Kirby for the NSC (expanding, both ways) and CBS News's own "deepening"; against: Burns
  // for the CIA.
  CHECK(answer->origins_for() == 2);
  CHECK(answer->origins_against() == 1);
  REQUIRE(answer->origins_size() == 3);
  std::map<std::string, const v1::Origin*> by_key;
  for (const auto& origin : answer->origins()) by_key[origin.keys(0)] = &origin;
  REQUIRE(by_key.count("entity:national-security-council"));
  REQUIRE(by_key.count("entity:cbs-news"));
  REQUIRE(by_key.count("entity:cia"));
  // Kirby: 0.95 * 0.45 = 0.4275 twice; the later utterance represents the origin.
  CHECK(by_key["entity:national-security-council"]->strongest_claim_id() ==
        "claim-partnership-both-ways-kirby");
  CHECK(std::abs(by_key["entity:cbs-news"]->contribution().belief() - 0.342) < kTolerance);
  // Burns: "likely" (0.55-0.80) gives 0.675, times 0.45: disbelief 0.30375.
  CHECK(by_key["entity:cia"]->strongest_claim_id() == "claim-partnership-limits-burns");
  CHECK(std::abs(by_key["entity:cia"]->contribution().disbelief() - 0.30375) < kTolerance);
  CHECK(std::abs(answer->fused().belief() - 0.46859048370972667) < kTolerance);
  CHECK(std::abs(answer->fused().disbelief() - 0.16141564057317054) < kTolerance);
  CHECK(std::abs(answer->fused().uncertainty() - 0.36999387571710285) < kTolerance);
  CHECK(std::abs(answer->fused().projected_probability() - 0.6535874215682781) < kTolerance);

  auto contradictions = ContradictionsOfStatement(*f.View(), cooperation);
  REQUIRE(contradictions.ok());
  bool both_sides = false;
  for (const auto& found : contradictions->contradictions()) {
    if (found.kind() != v1::CONTRADICTION_KIND_BOTH_SIDES) continue;
    both_sides = true;
    CHECK(std::find(found.claim_ids().begin(), found.claim_ids().end(),
                    "claim-partnership-limits-burns") != found.claim_ids().end());
  }
  CHECK(both_sides);
  // And from Russia, the entity.
  auto by_entity = ContradictionsOfEntity(*f.View(), "russia");
  REQUIRE(by_entity.ok());
  int found_for_statement = 0;
  for (const auto& found : by_entity->contradictions()) {
    found_for_statement +=
        found.kind() == v1::CONTRADICTION_KIND_BOTH_SIDES && found.statement_id() == cooperation;
  }
  CHECK(found_for_statement == 1);
}

}  // namespace
}  // namespace claimgraph::provenance
