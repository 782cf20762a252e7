// Paged Subgraph against the unpaged answer on random graphs: the pages' entities and edges,
// concatenated, are the unpaged answer's as of the first page's time, in order, while claims are
// written between the pages; and tokens bound to their query and time.
#include <doctest/doctest.h>

#include "engine/strings.h"
#include "engine/traversal/queries.h"
#include "engine/traversal/topology.h"
#include "random_graph.h"

namespace claimgraph::traversal {
namespace {

using testing::RandomGraph;
using testing::TempDatabase;

// What a test compares of an entity reached and of an edge.
std::string Describe(const Reached& reached) {
  return StrCat(reached.entity, "@", reached.depth, "/", reached.via ? reached.via->statement : 0);
}
std::string Describe(const Edge& edge) {
  return StrCat(edge.node, "-", edge.predicate, "-", edge.other, "#", edge.statement);
}

struct Pages {
  std::vector<std::string> entities, edges;
  size_t pages = 0;
  std::string cut;  // the whole walk's, the same on every page
};

// Every page of `request` from a view pinned now, with `between(page)` called between pages.
template <typename Between>
Pages AllPages(Database& db, TopologyManager& topology, const SubgraphRequest& request,
               size_t page_size, uint64_t* pinned, Between between) {
  auto first = db.NewPinnedReadView();
  REQUIRE(first.ok());
  *pinned = (*first)->as_of();
  SubgraphPaging paging;
  paging.page_size = page_size;
  Pages all;
  std::set<uint64_t> known;  // entities of the pages so far
  for (;;) {
    auto graph = topology.Pin(*pinned);
    REQUIRE(graph.ok());
    auto page = SubgraphPaged(*graph->source, request, paging);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    REQUIRE(page->items.size() <= page_size);
    if (all.pages == 0) all.cut = page->whole.cut.Describe();
    CHECK(page->whole.cut.Describe() == all.cut);
    for (const auto& item : page->items) {
      if (item.is_edge) {
        const Edge& edge = page->whole.edges[item.index];
        // No edge names an entity of a later page.
        CHECK(known.count(edge.node) == 1);
        CHECK(known.count(edge.other) == 1);
        all.edges.push_back(Describe(edge));
      } else {
        const Reached& reached = page->whole.entities[item.index];
        known.insert(reached.entity);
        all.entities.push_back(Describe(reached));
      }
    }
    ++all.pages;
    std::string token = page->TokenAfter(page->items.size());
    if (token.empty()) break;
    // Every page but the last is full.
    CHECK(page->items.size() == page_size);
    between(static_cast<int>(all.pages));
    paging.page_token = token;
    REQUIRE(all.pages < 10'000);
  }
  return all;
}

TEST_CASE("paged Subgraph: the pages are the unpaged answer, whatever is written between them") {
  TempDatabase database;
  auto manager = TopologyManager::Create(&database.db(), TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  TopologyManager& topology = **manager;
  for (int seed = 0; seed < 40; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 random(seed * 104729 + 7);
    RandomGraph graph;
    graph.prefix = "p" + std::to_string(seed) + "_";
    const int entities = 2 + static_cast<int>(random() % 20);
    graph.Generate(database.db(), seed, entities, static_cast<int>(random() % 60),
                   1 + static_cast<int>(random() % 3));
    SubgraphRequest request;
    const int starts = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < starts; ++i) {
      request.entity_ids.push_back(graph.Id("e", static_cast<int>(random() % entities)));
    }
    request.depth = static_cast<uint32_t>(random() % 4);
    request.filter.direction = static_cast<Direction>(random() % 3);
    if (random() % 3 == 0) request.limits.max_results = 1 + random() % 6;
    const size_t page_size = std::vector<size_t>{1, 2, 3, 5, 1000}[random() % 5];
    CAPTURE(page_size);
    // Between pages: a claim on a new edge among the graph's entities.
    int serial = 0;
    auto write = [&](int) {
      v1::Claim claim;
      claim.set_id(graph.Id("late", serial++));
      auto* statement = claim.mutable_statement();
      statement->set_subject_id(graph.Id("e", static_cast<int>(random() % entities)));
      statement->set_predicate("trusts");
      statement->mutable_object()->set_entity_id(
          graph.Id("e", static_cast<int>(random() % entities)));
      auto* qualifier = statement->add_qualifiers();
      qualifier->set_key("serial");
      qualifier->mutable_value()->set_integer_value(1000 + serial);
      claim.set_act(v1::CLAIM_ACT_ASSERTS);
      claim.set_stance(v1::STANCE_SUPPORTS);
      claim.mutable_claimant()->set_entity_id(graph.Id("p", 0));
      WriteContext context;
      REQUIRE(database.db().CreateClaim(claim, "", context).ok());
    };
    uint64_t pinned = 0;
    Pages pages = AllPages(database.db(), topology, request, page_size, &pinned, write);
    // The unpaged answer as of the pinned time, from the topology and from storage.
    for (bool storage : {false, true}) {
      auto graph_view = storage ? topology.PinStorage(pinned) : topology.Pin(pinned);
      REQUIRE(graph_view.ok());
      auto unpaged = Subgraph(*graph_view->source, request);
      REQUIRE(unpaged.ok());
      std::vector<std::string> entities_expected, edges_expected;
      for (const auto& reached : unpaged->entities) entities_expected.push_back(Describe(reached));
      for (const auto& edge : unpaged->edges) edges_expected.push_back(Describe(edge));
      CHECK(pages.entities == entities_expected);
      CHECK(pages.edges == edges_expected);
      CHECK(pages.cut == unpaged->cut.Describe());
      const size_t items = entities_expected.size() + edges_expected.size();
      CHECK(pages.pages == std::max<size_t>(1, (items + page_size - 1) / page_size));
    }
  }
}

TEST_CASE("paged Subgraph tokens are bound to their query and time") {
  TempDatabase database;
  auto manager = TopologyManager::Create(&database.db(), TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  RandomGraph graph;
  graph.prefix = "t_";
  graph.Generate(database.db(), 11, 8, 30, 1);
  SubgraphRequest request;
  request.entity_ids = {graph.Id("e", 0), graph.Id("e", 1)};
  request.depth = 2;
  request.filter.direction = Direction::kBoth;
  auto pinned_view = database.db().NewPinnedReadView();
  REQUIRE(pinned_view.ok());
  const uint64_t pinned = (*pinned_view)->as_of();
  auto pinned_graph = (*manager)->Pin(pinned);
  REQUIRE(pinned_graph.ok());
  SubgraphPaging paging{1, ""};
  auto first = SubgraphPaged(*pinned_graph->source, request, paging);
  REQUIRE(first.ok());
  paging.page_token = first->TokenAfter(first->items.size());
  REQUIRE_FALSE(paging.page_token.empty());
  auto expect_rejected = [&](const EdgeSource& source, const SubgraphRequest& changed) {
    auto page = SubgraphPaged(source, changed, paging);
    CHECK(page.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(page.status().message().find("page_token") != std::string_view::npos);
  };
  SubgraphRequest other = request;
  other.depth = 1;
  expect_rejected(*pinned_graph->source, other);
  other = request;
  other.entity_ids = {graph.Id("e", 1), graph.Id("e", 0)};
  expect_rejected(*pinned_graph->source, other);
  other = request;
  other.filter.direction = Direction::kOut;
  expect_rejected(*pinned_graph->source, other);
  other = request;
  other.limits.max_results = 3;
  expect_rejected(*pinned_graph->source, other);
  // Another time.
  auto later = (*manager)->Pin(pinned - 1);
  REQUIRE(later.ok());
  expect_rejected(*later->source, request);
  // Garbage, and a position past the answer.
  paging.page_token = "not a token";
  expect_rejected(*pinned_graph->source, request);
  paging.page_token = paging::EncodePinnedPageToken(first->fingerprint, pinned,
                                                    paging::EncodeGraphPosition(1, 1'000'000));
  expect_rejected(*pinned_graph->source, request);
  // A view that is not pinned.
  auto now = (*manager)->Pin();
  REQUIRE(now.ok());
  paging.page_token.clear();
  CHECK(SubgraphPaged(*now->source, request, paging).status().code() ==
        absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace claimgraph::traversal
