// Expander: claim-level exclusions apply before the stance test, so a refutation from an
// excluded source or claimant never counts (the random-graph comparisons in queries_test.cc check
// every filter combination; this is the case worked by hand).
#include "engine/traversal/expander.h"

#include <doctest/doctest.h>

#include "engine/traversal/queries.h"
#include "unit/engine/traversal/random_graph.h"

namespace claimgraph::traversal {
namespace {

void MustWrite(const absl::Status& status) { REQUIRE_MESSAGE(status.ok(), status.ToString()); }

TEST_CASE("supported only with an excluded source: the excluded refutation does not count") {
  testing::TempDatabase database;
  Database& db = database.db();
  WriteContext context;
  for (auto [id, type] : std::vector<std::pair<std::string, std::string>>{
           {"iran", "country"}, {"russia", "country"}, {"p0", "person"}, {"p1", "person"}}) {
    v1::Entity entity;
    entity.set_id(id);
    entity.set_type(type);
    entity.set_name(id);
    MustWrite(db.CreateEntity(entity, context).status());
  }
  for (const char* id : {"s0", "s1"}) {
    v1::Source source;
    source.set_id(id);
    MustWrite(db.CreateSource(source, context).status());
  }
  // p0 supports (iran trusts russia) in s0; p1 refutes it in s1.
  for (auto [claimant, source, stance] :
       std::vector<std::tuple<std::string, std::string, v1::Stance>>{
           {"p0", "s0", v1::STANCE_SUPPORTS}, {"p1", "s1", v1::STANCE_REFUTES}}) {
    v1::Claim claim;
    claim.mutable_statement()->set_subject_id("iran");
    claim.mutable_statement()->set_predicate("trusts");
    claim.mutable_statement()->mutable_object()->set_entity_id("russia");
    claim.set_act(v1::CLAIM_ACT_SAYS);
    claim.set_stance(stance);
    claim.mutable_claimant()->set_entity_id(claimant);
    claim.set_source_id(source);
    MustWrite(db.CreateClaim(claim, "", context).status());
  }
  auto view = db.NewReadView();
  REQUIRE(view.ok());
  StorageEdgeSource source(view->get());
  auto count = [&](const EdgeFilter& filter) {
    NeighborsRequest request;
    request.entity_id = "iran";
    request.filter = filter;
    auto result = Neighbors(source, request);
    REQUIRE_MESSAGE(result.ok(), result.status().ToString());
    return result->edges.size();
  };
  EdgeFilter filter;
  filter.stance = StanceFilter::kSupportedOnly;
  CHECK(count(filter) == 0);  // disputed
  filter.exclude_sources = {"s1"};
  CHECK(count(filter) == 1);  // the only refutation is excluded
  filter.exclude_sources.clear();
  filter.exclude_claimants = {"p1"};
  CHECK(count(filter) == 1);
  filter.exclude_claimants = {"p0"};
  CHECK(count(filter) == 0);  // what remains only refutes
  filter.exclude_claimants.clear();
  filter.include_sources = {"s0"};
  CHECK(count(filter) == 1);
}

}  // namespace
}  // namespace claimgraph::traversal
