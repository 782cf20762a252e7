// A hub with 100,000 edges under tight limits: every limit that cuts an answer says so, and the
// answer stays within the limit, from storage and from the topology alike. Also the exports.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "engine/traversal/export.h"
#include "engine/traversal/queries.h"
#include "engine/traversal/topology.h"
#include "random_graph.h"

namespace claimgraph::traversal {
namespace {

using testing::TempDatabase;

constexpr int kLeaves = 100000;

// hub -trusts-> leaf<i> for every leaf, and leaf<i> -trusts-> leaf<i+1> for the first 50.
void WriteHub(Database& db) {
  std::vector<v1::ImportRecord> records;
  auto flush = [&] {
    auto results = db.ApplyRecords(records, ImportMode::kStrict, WriteContext());
    REQUIRE_MESSAGE(results.ok(), results.status().ToString());
    for (const auto& result : *results) REQUIRE_MESSAGE(result.error.ok(), result.error.ToString());
    records.clear();
  };
  auto entity = [&](const std::string& id) {
    v1::ImportRecord record;
    record.mutable_entity()->set_id(id);
    record.mutable_entity()->set_type("country");
    record.mutable_entity()->set_name("Name of " + id);
    records.push_back(record);
  };
  auto claim = [&](const std::string& subject, const std::string& object) {
    v1::ImportRecord record;
    auto* c = record.mutable_claim();
    c->mutable_statement()->set_subject_id(subject);
    c->mutable_statement()->set_predicate("trusts");
    c->mutable_statement()->mutable_object()->set_entity_id(object);
    c->set_act(v1::CLAIM_ACT_ASSERTS);
    c->set_stance(v1::STANCE_SUPPORTS);
    c->mutable_claimant()->mutable_some_value()->set_description("officials");
    c->set_confidence(0.8);
    records.push_back(record);
  };
  entity("hub");
  for (int i = 0; i < kLeaves; ++i) {
    entity("leaf" + std::to_string(i));
    if (records.size() >= 10000) flush();
  }
  flush();
  for (int i = 0; i < kLeaves; ++i) {
    claim("hub", "leaf" + std::to_string(i));
    if (i < 50) claim("leaf" + std::to_string(i), "leaf" + std::to_string(i + 1));
    if (records.size() >= 10000) flush();
  }
  flush();
}

struct HubFixture {
  TempDatabase database;
  std::unique_ptr<TopologyManager> topology;
  HubFixture() {
    WriteHub(database.db());
    auto manager = TopologyManager::Create(&database.db());
    REQUIRE(manager.ok());
    topology = std::move(*manager);
  }
  template <typename Check>
  void ForEachSource(Check check) {
    auto storage = topology->PinStorage();
    REQUIRE(storage.ok());
    check(*storage->source, "storage");
    auto pinned = topology->Pin();
    REQUIRE(pinned.ok());
    REQUIRE(pinned->from_topology);
    check(*pinned->source, "topology");
  }
};

HubFixture& Hub() {
  static HubFixture fixture;  // written once for all the cases in this file
  return fixture;
}

}  // namespace

TEST_CASE("a hub traversal under a fan-out limit is cut and says so") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    TraverseRequest request;
    request.start_ids = {"hub"};
    request.max_depth = 2;
    request.limits.max_fanout = 1000;
    auto result = Traverse(source, request);
    REQUIRE(result.ok());
    CHECK(result->cut.fanout);
    CHECK(result->cut.Describe() == "fanout");
    // The hub gives at most 1000 leaves; the chain leaves add their next leaf at depth 2.
    CHECK(result->reached.size() <= 1 + 1000 + 1000);
    CHECK(result->reached.size() > 1000);
  });
}

TEST_CASE("a hub traversal under a result limit stops at the limit and says so") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    TraverseRequest request;
    request.start_ids = {"hub"};
    request.limits.max_results = 500;
    auto result = Traverse(source, request);
    REQUIRE(result.ok());
    CHECK(result->cut.results);
    CHECK(result->reached.size() == 501);  // the start and 500 more
    // Exactly as many as exist: not cut.
    request.start_ids = {"leaf10"};
    request.max_depth = 64;
    request.limits.max_results = 40;  // leaf11 .. leaf50
    result = Traverse(source, request);
    REQUIRE(result.ok());
    CHECK_FALSE(result->cut.any());
    CHECK(result->reached.size() == 41);
    request.limits.max_results = 39;
    result = Traverse(source, request);
    REQUIRE(result.ok());
    CHECK(result->cut.results);
    CHECK(result->reached.size() == 40);
  });
}

TEST_CASE("a hub traversal under a scan budget, a past deadline or a cancellation is cut") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    TraverseRequest request;
    request.start_ids = {"hub"};
    request.limits.max_edges_scanned = 2000;
    auto scanned = Traverse(source, request);
    REQUIRE(scanned.ok());
    CHECK(scanned->cut.edges_scanned);
    CHECK(scanned->reached.size() == 1);  // the hub's list was partial: nothing reported from it

    request.limits = QueryLimits{};
    request.limits.deadline = std::chrono::steady_clock::now();
    auto late = Traverse(source, request);
    REQUIRE(late.ok());
    CHECK(late->cut.deadline);

    request.limits = QueryLimits{};
    int polls = 0;
    request.limits.cancelled = [&polls] { return ++polls > 3; };
    auto cancelled = Traverse(source, request);
    REQUIRE(cancelled.ok());
    CHECK(cancelled->cut.cancelled);

    // A streaming consumer that stops is reported as a cancellation.
    request.limits = QueryLimits{};
    size_t seen = 0;
    request.on_reached = [&seen](const Reached&) { return ++seen < 10; };
    auto stopped = Traverse(source, request);
    REQUIRE(stopped.ok());
    CHECK(stopped->cut.cancelled);
    CHECK(seen == 10);
    CHECK(stopped->reached.empty());
  });
}

TEST_CASE("hub neighbours page through all 100k edges in bounded pages") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    NeighborsRequest request;
    request.entity_id = "hub";
    request.page_size = 1000;
    std::set<uint64_t> seen;
    int pages = 0;
    for (;;) {
      auto page = Neighbors(source, request);
      REQUIRE(page.ok());
      CHECK(page->edges.size() <= 1000);
      for (const auto& edge : page->edges) CHECK(seen.insert(edge.statement).second);
      ++pages;
      if (page->next_page_token.empty()) break;
      request.page_token = page->next_page_token;
    }
    CHECK(seen.size() == static_cast<size_t>(kLeaves));
    CHECK(pages == kLeaves / 1000);  // a full last page already knows it is the last
    // A token does not fit another query.
    NeighborsRequest other;
    other.entity_id = "leaf1";
    other.page_token = request.page_token.empty() ? "x" : request.page_token;
    CHECK_FALSE(Neighbors(source, other).ok());
  });
}

TEST_CASE("hub path searches stay within their limits") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    PathsRequest request;
    request.from_id = "hub";
    request.to_id = "leaf30";
    request.mode = PathMode::kAllSimple;
    request.max_depth = 40;
    request.limits.max_results = 5;
    auto all = FindPaths(source, request);
    REQUIRE(all.ok());
    CHECK(all->cut.results);
    CHECK(all->paths.size() == 5);

    request.mode = PathMode::kShortest;
    auto shortest = FindPaths(source, request);
    REQUIRE(shortest.ok());
    REQUIRE(shortest->paths.size() == 1);
    CHECK(shortest->paths[0].edges.size() == 1);

    request.mode = PathMode::kMostCredible;
    request.k = 3;
    auto credible = FindPaths(source, request);
    REQUIRE(credible.ok());
    REQUIRE(credible->paths.size() == 3);
    CHECK(credible->paths[0].edges.size() == 1);
    CHECK(credible->paths[1].edges.size() == 2);  // hub -> leaf29 -> leaf30
    CHECK(credible->paths[0].confidence == doctest::Approx(0.8));

    request.mode = PathMode::kShortest;
    request.k = 1;
    request.limits = QueryLimits{};
    request.limits.max_fanout = 10;
    auto limited = FindPaths(source, request);
    REQUIRE(limited.ok());
    CHECK(limited->cut.fanout);  // leaf30 may lie beyond the hub's first 10 edges
  });
}

TEST_CASE("a hub query over its memory budget stops and says so") {
  Hub().ForEachSource([](const EdgeSource& source, const char* source_name) {
    std::string name = source_name;
    CAPTURE(name);
    // The hub's 100k edges cannot be held in 1 MiB: the expansion after the budget is refused.
    TraverseRequest traverse;
    traverse.start_ids = {"hub"};
    traverse.max_depth = 2;
    traverse.filter.direction = Direction::kBoth;
    traverse.limits.max_memory_bytes = 1u << 20;
    auto reached = Traverse(source, traverse);
    REQUIRE(reached.ok());
    CHECK(reached->cut.memory);
    CHECK(reached->cut.Describe().find("memory") != std::string::npos);
    // Paths found count against it too: the hub's paths to leaf30 (direct, and through the leaf
    // chain on either side) do not fit the bytes of two 3-edge paths.
    PathsRequest paths;
    paths.from_id = "hub";
    paths.to_id = "leaf30";
    paths.mode = PathMode::kAllSimple;
    paths.max_depth = 3;
    paths.filter.direction = Direction::kBoth;
    paths.limits.max_memory_bytes = 64u << 20;
    auto unbounded = FindPaths(source, paths);
    REQUIRE(unbounded.ok());
    REQUIRE(unbounded->paths.size() >= 3);
    CHECK_FALSE(unbounded->cut.memory);
    paths.limits.max_memory_bytes = 2 * (3 * (sizeof(Edge) + sizeof(uint32_t)) + sizeof(Path));
    auto bounded = FindPaths(source, paths);
    REQUIRE(bounded.ok());
    CHECK(bounded->cut.memory);
    CHECK(bounded->paths.size() < unbounded->paths.size());
  });
}

TEST_CASE("a subgraph exports as JSON, DOT that Graphviz renders, and GraphML") {
  auto pinned = Hub().topology->Pin();
  REQUIRE(pinned.ok());
  SubgraphRequest request;
  request.entity_ids = {"leaf3"};
  request.depth = 2;
  request.filter.direction = Direction::kBoth;
  request.limits.max_fanout = 5;
  auto subgraph = Subgraph(*pinned->source, request);
  REQUIRE(subgraph.ok());
  CHECK(subgraph->cut.fanout);  // the hub has 100k edges: cut at 5
  CHECK(subgraph->entities.size() <= 1 + 2 + 2 * 5);

  auto json = ExportSubgraph(*pinned->view, *subgraph, ExportFormat::kJson);
  REQUIRE(json.ok());
  CHECK(json->find("\"id\":\"leaf3\"") != std::string::npos);
  CHECK(json->find("\"predicate\":\"trusts\"") != std::string::npos);
  CHECK(json->find("\"cut\":\"fanout\"") != std::string::npos);

  auto dot = ExportSubgraph(*pinned->view, *subgraph, ExportFormat::kDot);
  REQUIRE(dot.ok());
  CHECK(dot->find("\"leaf3\" -> \"leaf4\" [label=\"trusts\\nP=0.80 \u00b7 ") != std::string::npos);
  CHECK(dot->find("label=\"Legend\"") != std::string::npos);
  CHECK(dot->find("label=\"Name of leaf3\\n(country)\"") != std::string::npos);
  char path[] = "/tmp/claimgraph-dot-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << *dot;
  std::string command = std::string("dot -Tsvg ") + path + " -o " + path + ".svg 2>/dev/null";
  CHECK(std::system(command.c_str()) == 0);
  std::ifstream svg(std::string(path) + ".svg");
  std::string svg_text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  CHECK(svg_text.find("Name of leaf3") != std::string::npos);
  std::remove(path);
  std::remove((std::string(path) + ".svg").c_str());

  auto graphml = ExportSubgraph(*pinned->view, *subgraph, ExportFormat::kGraphMl);
  REQUIRE(graphml.ok());
  CHECK(graphml->find("<node id=\"leaf3\">") != std::string::npos);
  CHECK(graphml->find("<data key=\"predicate\">trusts</data>") != std::string::npos);
  CHECK_FALSE(ParseExportFormat("svg").ok());
}

}  // namespace claimgraph::traversal
