// Traversal queries against the plain reference implementations of random_graph.h, on hundreds
// of random graphs (parallel edges, self-loops, cycles, disconnected parts), with random filters
// and as_of times, each answered three ways: walking storage, from the topology's overlay (all
// edges written after the topology was built) and from a rebuilt topology base.
#include "engine/traversal/queries.h"

#include <doctest/doctest.h>

#include "engine/traversal/topology.h"
#include "random_graph.h"

namespace claimgraph::traversal {
namespace {

using testing::ModelFilter;
using testing::ModelStep;
using testing::RandomGraph;
using testing::TempDatabase;

constexpr int kGraphs = 100;

ModelFilter RandomFilter(std::mt19937_64& random, const RandomGraph& graph) {
  ModelFilter filter;
  filter.direction = static_cast<Direction>(random() % 3);
  if (random() % 2) {
    for (size_t p = 0; p < testing::TestPredicates().size(); ++p) {
      if (random() % 2) filter.predicates.insert(static_cast<int>(p));
    }
  }
  if (random() % 5 == 0) filter.neighbor_types.insert(random() % 2 ? "country" : "organisation");
  if (random() % 2) filter.min_confidence = (3 + static_cast<int>(random() % 6)) / 10.0;
  filter.stance = static_cast<StanceFilter>(random() % 3);
  if (random() % 4 == 0)
    filter.include_claimants.insert(static_cast<int>(random() % graph.claimant_count));
  if (random() % 6 == 0)
    filter.exclude_claimants.insert(static_cast<int>(random() % graph.claimant_count));
  if (random() % 6 == 0)
    filter.include_sources.insert(static_cast<int>(random() % graph.source_count));
  if (random() % 8 == 0)
    filter.exclude_sources.insert(static_cast<int>(random() % graph.source_count));
  return filter;
}

// Many random graphs share one database and one topology manager, built before any claim
// was written (so each graph's claims first live in its overlay); each graph's ids carry its own
// prefix.
struct Shared {
  TempDatabase database;
  std::unique_ptr<TopologyManager> topology;
  Shared() {
    auto manager = TopologyManager::Create(&database.db(), TopologyOptions{0, 64});
    REQUIRE(manager.ok());
    topology = std::move(*manager);
  }
};

struct Fixture {
  Shared& shared;
  RandomGraph graph;
  std::unique_ptr<TopologyManager>& topology;
  std::mt19937_64 random;
  uint64_t seed;

  Fixture(Shared& shared_state, uint64_t seed_value)
      : shared(shared_state),
        topology(shared_state.topology),
        random(seed_value * 7919 + 1),
        seed(seed_value) {
    graph.prefix = "g" + std::to_string(seed_value) + "_";
    int entities = 2 + static_cast<int>(random() % 20);
    int edges = static_cast<int>(random() % 50);
    graph.Generate(shared.database.db(), seed_value, entities, edges,
                   1 + static_cast<int>(random() % 3));
  }

  std::string Entity(int index) const { return graph.Id("e", index); }
  EdgeFilter Engine(const ModelFilter& filter) const { return filter.ToEngine(graph.prefix); }

  // The as_of times worth testing: now, some of the writes' times, and just before the first.
  std::vector<std::optional<uint64_t>> Times() {
    std::vector<std::optional<uint64_t>> times{std::nullopt};
    for (uint64_t time : graph.batch_times) {
      if (random() % 2) times.push_back(time);
    }
    if (!graph.batch_times.empty()) times.push_back(graph.batch_times.front() - 1);
    return times;
  }

  // Runs `check` on the storage walk and on the topology for one as_of.
  template <typename Check>
  void ForEachSource(std::optional<uint64_t> as_of, Check check) {
    auto storage = topology->PinStorage(as_of);
    REQUIRE(storage.ok());
    check(*storage->source, "storage");
    auto overlay = topology->Pin(as_of);
    REQUIRE(overlay.ok());
    CHECK(overlay->from_topology);
    check(*overlay->source, "overlay");
  }
};

// The model index of an engine entity (the graph is the one being checked).
const RandomGraph* current_graph = nullptr;
int EntityIndex(const ReadView& view, uint64_t internal) {
  auto id = view.ExternalId(keys::IdKind::kEntity, internal);
  REQUIRE(id.ok());
  return current_graph->EntityIndex(*id);
}

std::string StatementId(const ReadView& view, uint64_t internal) {
  auto id = view.ExternalId(keys::IdKind::kStatement, internal);
  REQUIRE(id.ok());
  return *id;
}

// Whether the engine edge is one of the reference's accepted steps out of its node.
bool IsAcceptedStep(const RandomGraph& graph, const std::vector<std::vector<ModelStep>>& adjacency,
                    const ReadView& view, const Edge& edge) {
  int from = EntityIndex(view, edge.node), to = EntityIndex(view, edge.other);
  std::string statement = StatementId(view, edge.statement);
  for (const auto& step : adjacency[from]) {
    if (step.to == to && graph.edges[step.edge].statement_id == statement &&
        step.out == (edge.direction == keys::kOutEdge)) {
      return true;
    }
  }
  return false;
}

void RunAllChecks(Fixture& fixture,
                  const std::function<void(Fixture&, std::optional<uint64_t>, const EdgeSource&,
                                           const char*)>& check) {
  current_graph = &fixture.graph;
  for (auto as_of : fixture.Times()) {
    fixture.ForEachSource(as_of, [&](const EdgeSource& source, const char* name) {
      check(fixture, as_of, source, name);
    });
  }
  // The same answers once the overlay is folded into a rebuilt base.
  REQUIRE(fixture.topology->Rebuild().ok());
  for (auto as_of : fixture.Times()) {
    auto pinned = fixture.topology->Pin(as_of);
    REQUIRE(pinned.ok());
    CHECK(pinned->from_topology);
    check(fixture, as_of, *pinned->source, "base");
  }
}

std::vector<int> RandomStarts(std::mt19937_64& random, const RandomGraph& graph) {
  std::vector<int> starts;
  int count = 1 + static_cast<int>(random() % 3);
  for (int i = 0; i < count; ++i) starts.push_back(static_cast<int>(random() % graph.entity_count));
  return starts;
}

}  // namespace

TEST_CASE("Traverse reaches what reference BFS reaches, at the same depths") {
  Shared shared;
  for (int seed = 0; seed < kGraphs; ++seed) {
    Fixture fixture(shared, seed);
    RunAllChecks(fixture, [](Fixture& f, std::optional<uint64_t>, const EdgeSource& source,
                             const char* name) {
      const ReadView& view = source.view();
      for (int round = 0; round < 3; ++round) {
        ModelFilter filter = RandomFilter(f.random, f.graph);
        auto starts = RandomStarts(f.random, f.graph);
        uint32_t depth = 1 + static_cast<uint32_t>(f.random() % 4);
        auto adjacency = f.graph.Adjacency(filter, view.as_of(), view.current());
        auto expected = RandomGraph::Bfs(adjacency, starts, depth);

        TraverseRequest request;
        for (int s : starts) request.start_ids.push_back(f.Entity(s));
        request.max_depth = depth;
        request.filter = f.Engine(filter);
        auto result = Traverse(source, request);
        REQUIRE_MESSAGE(result.ok(), result.status().ToString());
        std::string source_name = name;
        CAPTURE(source_name);
        CAPTURE(f.seed);
        CHECK_FALSE(result->cut.any());
        std::map<int, uint32_t> actual;
        for (const auto& reached : result->reached) {
          int index = EntityIndex(view, reached.entity);
          CHECK(actual.emplace(index, reached.depth).second);  // reported once
          if (reached.depth == 0) {
            CHECK_FALSE(reached.via.has_value());
            continue;
          }
          REQUIRE(reached.via.has_value());
          CHECK(reached.via->other == reached.entity);
          CHECK(IsAcceptedStep(f.graph, adjacency, view, *reached.via));
          auto from = expected.find(EntityIndex(view, reached.via->node));
          REQUIRE(from != expected.end());
          CHECK(from->second + 1 == reached.depth);
        }
        CHECK(actual == expected);
      }
    });
  }
}

TEST_CASE("Neighbors pages list exactly the reference's accepted edges in key order") {
  Shared shared;
  for (int seed = 0; seed < kGraphs; ++seed) {
    Fixture fixture(shared, 1000 + seed);
    RunAllChecks(fixture, [](Fixture& f, std::optional<uint64_t>, const EdgeSource& source,
                             const char* name) {
      const ReadView& view = source.view();
      for (int round = 0; round < 3; ++round) {
        ModelFilter filter = RandomFilter(f.random, f.graph);
        int entity = static_cast<int>(f.random() % f.graph.entity_count);
        auto adjacency = f.graph.Adjacency(filter, view.as_of(), view.current());
        std::multiset<std::pair<bool, std::string>> expected;
        for (const auto& step : adjacency[entity]) {
          expected.emplace(step.out, f.graph.edges[step.edge].statement_id);
        }
        NeighborsRequest request;
        request.entity_id = f.Entity(entity);
        request.filter = f.Engine(filter);
        request.page_size = 1 + static_cast<int32_t>(f.random() % 4);
        std::vector<Edge> all;
        for (int page = 0; page < 200; ++page) {
          auto result = Neighbors(source, request);
          REQUIRE_MESSAGE(result.ok(), result.status().ToString());
          CHECK(result->edges.size() <= static_cast<size_t>(request.page_size));
          CHECK_FALSE(result->cut.any());
          all.insert(all.end(), result->edges.begin(), result->edges.end());
          if (result->next_page_token.empty()) break;
          request.page_token = result->next_page_token;
        }
        std::string source_name = name;
        CAPTURE(source_name);
        CAPTURE(f.seed);
        std::multiset<std::pair<bool, std::string>> actual;
        for (size_t i = 0; i < all.size(); ++i) {
          const Edge& edge = all[i];
          CHECK(EntityIndex(view, edge.node) == entity);
          actual.emplace(edge.direction == keys::kOutEdge, StatementId(view, edge.statement));
          if (i > 0) {
            // Out-edges first, then in-edges, each in key order.
            const Edge& previous = all[i - 1];
            bool ordered = previous.direction == edge.direction
                               ? previous.Position() < edge.Position()
                               : previous.direction == keys::kOutEdge;
            CHECK(ordered);
          }
          // The edge's fields are the reference's.
          for (const auto& model_edge : f.graph.edges) {
            if (model_edge.statement_id != StatementId(view, edge.statement)) continue;
            auto fields = f.graph.FieldsAt(model_edge, view.as_of(), view.current());
            CHECK(edge.fields.claims == fields.claims);
            CHECK(edge.fields.supporting == fields.supporting);
            CHECK(edge.fields.refuting == fields.refuting);
            CHECK(edge.fields.confidence == doctest::Approx(fields.confidence));
          }
        }
        CHECK(actual == expected);
      }
    });
  }
}

namespace {

// Checks that `path` walks from `from` to `to` over accepted steps without repeating an entity.
void CheckPath(const RandomGraph& graph, const std::vector<std::vector<ModelStep>>& adjacency,
               const ReadView& view, const Path& path, int from, int to) {
  REQUIRE_FALSE(path.edges.empty());
  CHECK(EntityIndex(view, path.edges.front().node) == from);
  CHECK(EntityIndex(view, path.edges.back().other) == to);
  std::set<uint64_t> seen{path.edges.front().node};
  for (size_t i = 0; i < path.edges.size(); ++i) {
    CHECK(IsAcceptedStep(graph, adjacency, view, path.edges[i]));
    if (i > 0) CHECK(path.edges[i - 1].other == path.edges[i].node);
    CHECK(seen.insert(path.edges[i].other).second);
  }
}

double ModelWeight(const RandomGraph& graph, const std::vector<ModelStep>& steps, bool credible,
                   const ReadView& view) {
  double weight = 0;
  for (const auto& step : steps) {
    if (!credible) {
      weight += 1;
      continue;
    }
    double confidence = graph.Confidence(step.edge, view.as_of(), view.current());
    if (confidence <= 0) return std::numeric_limits<double>::infinity();
    weight += -std::log(confidence);
  }
  return weight;
}

std::vector<std::pair<std::string, int>> ModelSequence(const RandomGraph& graph,
                                                       const std::vector<ModelStep>& steps) {
  std::vector<std::pair<std::string, int>> sequence;
  for (const auto& step : steps)
    sequence.emplace_back(graph.edges[step.edge].statement_id, step.to);
  return sequence;
}

std::vector<std::pair<std::string, int>> EngineSequence(const ReadView& view, const Path& path) {
  std::vector<std::pair<std::string, int>> sequence;
  for (const auto& edge : path.edges) {
    sequence.emplace_back(StatementId(view, edge.statement), EntityIndex(view, edge.other));
  }
  return sequence;
}

}  // namespace

TEST_CASE("FindPaths agrees with reference BFS, Dijkstra and path enumeration") {
  Shared shared;
  for (int seed = 0; seed < kGraphs; ++seed) {
    Fixture fixture(shared, 2000 + seed);
    RunAllChecks(fixture, [](Fixture& f, std::optional<uint64_t>, const EdgeSource& source,
                             const char* name) {
      const ReadView& view = source.view();
      std::string source_name = name;
      CAPTURE(source_name);
      CAPTURE(f.seed);
      for (int round = 0; round < 3; ++round) {
        ModelFilter filter = RandomFilter(f.random, f.graph);
        // Paths are more interesting with fewer filters.
        if (f.random() % 2) {
          Direction direction = filter.direction;
          filter = ModelFilter();
          filter.direction = direction;
        }
        int from = static_cast<int>(f.random() % f.graph.entity_count);
        int to = static_cast<int>(f.random() % f.graph.entity_count);
        if (from == to) continue;
        uint32_t max_depth = 1 + static_cast<uint32_t>(f.random() % 4);
        auto adjacency = f.graph.Adjacency(filter, view.as_of(), view.current());
        std::vector<std::vector<ModelStep>> all;
        RandomGraph::SimplePaths(adjacency, from, to, max_depth, &all);

        PathsRequest request;
        request.from_id = f.Entity(from);
        request.to_id = f.Entity(to);
        request.max_depth = max_depth;
        request.filter = f.Engine(filter);

        // Shortest by hops: BGL BFS against reference BFS.
        request.mode = PathMode::kShortest;
        request.k = 1;
        auto shortest = FindPaths(source, request);
        REQUIRE_MESSAGE(shortest.ok(), shortest.status().ToString());
        auto depths = RandomGraph::Bfs(adjacency, {from}, max_depth);
        if (depths.count(to) == 0) {
          CHECK(shortest->paths.empty());
        } else {
          REQUIRE(shortest->paths.size() == 1);
          CHECK(shortest->paths[0].edges.size() == depths[to]);
          CheckPath(f.graph, adjacency, view, shortest->paths[0], from, to);
        }

        // Most credible: BGL Dijkstra against reference Dijkstra.
        request.mode = PathMode::kMostCredible;
        auto credible = FindPaths(source, request);
        REQUIRE_MESSAGE(credible.ok(), credible.status().ToString());
        double best =
            f.graph.Dijkstra(adjacency, from, to, max_depth, true, view.as_of(), view.current());
        if (std::isinf(best)) {
          CHECK(credible->paths.empty());
        } else {
          REQUIRE(credible->paths.size() == 1);
          CHECK(credible->paths[0].weight == doctest::Approx(best).epsilon(1e-6));
          CheckPath(f.graph, adjacency, view, credible->paths[0], from, to);
        }

        // k best (Yen's on BGL Dijkstra): the k least weights among all simple paths.
        for (bool by_confidence : {false, true}) {
          request.mode = by_confidence ? PathMode::kMostCredible : PathMode::kShortest;
          request.k = 2 + static_cast<uint32_t>(f.random() % 3);
          auto k_best = FindPaths(source, request);
          REQUIRE_MESSAGE(k_best.ok(), k_best.status().ToString());
          std::vector<double> weights;
          for (const auto& steps : all) {
            double weight = ModelWeight(f.graph, steps, by_confidence, view);
            if (!std::isinf(weight)) weights.push_back(weight);
          }
          std::sort(weights.begin(), weights.end());
          size_t expected = std::min<size_t>(weights.size(), request.k);
          REQUIRE(k_best->paths.size() == expected);
          std::set<std::vector<std::pair<std::string, int>>> distinct;
          for (size_t i = 0; i < expected; ++i) {
            CHECK(k_best->paths[i].weight == doctest::Approx(weights[i]).epsilon(1e-6));
            CheckPath(f.graph, adjacency, view, k_best->paths[i], from, to);
            CHECK(distinct.insert(EngineSequence(view, k_best->paths[i])).second);
          }
        }

        // All simple paths up to max_depth, bounded by max_results.
        request.mode = PathMode::kAllSimple;
        request.k = 1;
        request.limits.max_results = 1 + f.random() % 40;
        auto simple = FindPaths(source, request);
        REQUIRE_MESSAGE(simple.ok(), simple.status().ToString());
        std::set<std::vector<std::pair<std::string, int>>> expected, actual;
        for (const auto& steps : all) expected.insert(ModelSequence(f.graph, steps));
        for (const auto& path : simple->paths) {
          CheckPath(f.graph, adjacency, view, path, from, to);
          actual.insert(EngineSequence(view, path));
        }
        CHECK(actual.size() == simple->paths.size());
        if (all.size() <= request.limits.max_results) {
          CHECK_FALSE(simple->cut.any());
          CHECK(actual == expected);
        } else {
          CHECK(simple->cut.results);
          CHECK(simple->paths.size() == request.limits.max_results);
          CHECK(std::includes(expected.begin(), expected.end(), actual.begin(), actual.end()));
        }
        request.limits = QueryLimits{};
      }
    });
  }
}

TEST_CASE("Subgraph holds the reference neighbourhood and the edges among it") {
  Shared shared;
  for (int seed = 0; seed < kGraphs; ++seed) {
    Fixture fixture(shared, 3000 + seed);
    RunAllChecks(fixture, [](Fixture& f, std::optional<uint64_t>, const EdgeSource& source,
                             const char* name) {
      const ReadView& view = source.view();
      std::string source_name = name;
      CAPTURE(source_name);
      CAPTURE(f.seed);
      ModelFilter filter = RandomFilter(f.random, f.graph);
      auto starts = RandomStarts(f.random, f.graph);
      uint32_t depth = static_cast<uint32_t>(f.random() % 3);
      auto adjacency = f.graph.Adjacency(filter, view.as_of(), view.current());
      auto expected_entities = RandomGraph::Bfs(adjacency, starts, depth);
      std::set<std::string> expected_edges;
      for (const auto& [entity, entity_depth] : expected_entities) {
        for (const auto& step : adjacency[entity]) {
          if (expected_entities.count(step.to)) {
            expected_edges.insert(f.graph.edges[step.edge].statement_id);
          }
        }
      }
      SubgraphRequest request;
      for (int s : starts) request.entity_ids.push_back(f.Entity(s));
      request.depth = depth;
      request.filter = f.Engine(filter);
      auto result = Subgraph(source, request);
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      CHECK_FALSE(result->cut.any());
      std::map<int, uint32_t> entities;
      for (const auto& reached : result->entities) {
        entities[EntityIndex(view, reached.entity)] = reached.depth;
      }
      CHECK(entities == expected_entities);
      std::set<std::string> edges;
      for (const auto& edge : result->edges) {
        CHECK(edge.direction == keys::kOutEdge);
        CHECK(edges.insert(StatementId(view, edge.statement)).second);
      }
      CHECK(edges == expected_edges);
    });
  }
}

}  // namespace claimgraph::traversal
