// Traversal over gRPC on a generated graph with a hub of 100,000 edges, under tight limits: every
// query either answers completely or ends with the cut flag that names the limit it hit; pages
// walk the whole hub exactly once; the server stays healthy.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

constexpr int kLeaves = 100000;
// Leaves below kBridges also point at "far", so hub -> leaf -> far is a 2-hop path.
constexpr int kBridges = 100;

std::string Leaf(int i) { return "leaf-" + std::to_string(i); }

// hub --sanctions--> leaf-i (confidence 0.9 for even i, 0.2 for odd i); leaf-i --sanctions--> far
// for i < kBridges.
void WriteHubGraph(const std::string& path) {
  std::ofstream out(path);
  out << R"({"entity": {"id": "hub", "type": "country", "name": "Hub"}})" << "\n";
  out << R"({"entity": {"id": "far", "type": "country", "name": "Far"}})" << "\n";
  out << R"({"entity": {"id": "loner", "type": "country", "name": "Loner"}})" << "\n";
  out << R"({"source": {"id": "wire", "title": "Wire", "kind": "SOURCE_KIND_ARTICLE"}})" << "\n";
  for (int i = 0; i < kLeaves; ++i) {
    out << R"({"entity": {"id": ")" << Leaf(i) << R"(", "type": "person", "name": "Leaf )" << i
        << "\"}}\n";
  }
  auto claim = [&](const std::string& id, const std::string& subject, const std::string& object,
                   const char* confidence) {
    out << R"({"claim": {"id": ")" << id << R"(", "statement": {"subject_id": ")" << subject
        << R"(", "predicate": "sanctions", "object": {"entity_id": ")" << object
        << R"("}}, "act": "CLAIM_ACT_SAYS", "stance": "STANCE_SUPPORTS", "claimant": {"entity_id": "hub"}, "source_id": "wire", "confidence": )"
        << confidence << "}}\n";
  };
  for (int i = 0; i < kLeaves; ++i) claim("c-" + std::to_string(i), "hub", Leaf(i), i % 2 == 0 ? "0.9" : "0.2");
  for (int i = 0; i < kBridges; ++i) claim("b-" + std::to_string(i), Leaf(i), "far", "0.9");
}

struct HubServer {
  HubServer() : server({"--max-traversal-fanout", "5000", "--max-traversal-results", "20000"}) {
    std::string error;
    REQUIRE_MESSAGE(server.LoadAndStart(WriteHubGraph, &error), error);
  }
  ServerProcess server;
};

// Loaded once for all subcases (doctest reruns the test case body for each).
HubServer& Hub() {
  static HubServer hub;
  return hub;
}

}  // namespace

TEST_CASE("a hub of 100k edges under tight limits: pages, cuts, paths, subgraphs") {
  auto c = Hub().server.NewClient(60000);

  SUBCASE("Neighbors pages walk every edge once, and the confidence filter is exact") {
    // bulk-load stores each statement's fused score, which the filter compares: a lone
    // supporting claim of confidence 0.9 scores 0.6125 here, one of confidence 0.2 scores 0.525.
    for (double min_confidence : {0.0, 0.55}) {
      v1::NeighborsRequest request;
      request.set_entity_id("hub");
      request.set_page_size(1000);
      request.mutable_filter()->set_min_confidence(min_confidence);
      std::set<std::string> statements, objects;
      int pages = 0;
      do {
        v1::NeighborsResponse page;
        auto status = c->traversal().Neighbors(c->NewContext().get(), request, &page);
        REQUIRE_MESSAGE(status.ok(), status.error_message());
        CHECK(page.edges_size() <= 1000);
        for (const auto& edge : page.edges()) {
          CHECK(edge.subject_id() == "hub");
          CHECK(edge.confidence() >= min_confidence);
          statements.insert(edge.statement_id());
          objects.insert(edge.object_id());
        }
        request.set_page_token(page.next_page_token());
        ++pages;
        REQUIRE(pages <= kLeaves);
      } while (!request.page_token().empty());
      int expected = min_confidence > 0 ? kLeaves / 2 : kLeaves;
      CHECK(statements.size() == static_cast<size_t>(expected));
      CHECK(objects.size() == static_cast<size_t>(expected));
      if (min_confidence > 0) CHECK(objects.count(Leaf(1)) == 0);
    }
  }

  SUBCASE("Traverse stops at the limits it was given and says which") {
    v1::TraverseRequest request;
    request.add_start_ids("hub");
    request.set_max_depth(2);
    request.mutable_limits()->set_max_results(500);
    auto context = c->NewContext();
    auto stream = c->traversal().Traverse(context.get(), request);
    v1::TraverseResponse message;
    std::set<std::string> seen;
    bool done = false;
    v1::TraversalCut cut;
    while (stream->Read(&message)) {
      for (const auto& entity : message.entities()) CHECK(seen.insert(entity.entity_id()).second);
      if (message.done()) {
        done = true;
        cut = message.cut();
      }
    }
    REQUIRE(stream->Finish().ok());
    CHECK(done);
    CHECK(seen.size() <= 501);  // the start plus at most max_results
    CHECK((cut.results() || cut.fanout()));

    // Asked for no limit on fan-out, the server's own (--max-traversal-fanout 5000) applies.
    v1::TraverseRequest wide;
    wide.add_start_ids("hub");
    wide.set_max_depth(1);
    auto wide_context = c->NewContext();
    auto wide_stream = c->traversal().Traverse(wide_context.get(), wide);
    size_t reached = 0;
    v1::TraversalCut wide_cut;
    while (wide_stream->Read(&message)) {
      reached += static_cast<size_t>(message.entities_size());
      if (message.done()) wide_cut = message.cut();
    }
    REQUIRE(wide_stream->Finish().ok());
    CHECK(wide_cut.fanout());
    CHECK(reached <= 5001);

    // Scanning stops at max_edges_scanned.
    v1::TraverseRequest scanned = wide;
    scanned.mutable_limits()->set_max_edges_scanned(1000);
    auto scanned_context = c->NewContext();
    auto scanned_stream = c->traversal().Traverse(scanned_context.get(), scanned);
    v1::TraversalCut scanned_cut;
    while (scanned_stream->Read(&message)) {
      if (message.done()) scanned_cut = message.cut();
    }
    REQUIRE(scanned_stream->Finish().ok());
    CHECK(scanned_cut.edges_scanned());

    // Asking for more than the server allows is refused, naming the field.
    v1::TraverseRequest greedy = wide;
    greedy.mutable_limits()->set_max_fanout(100000);
    auto greedy_context = c->NewContext();
    auto greedy_stream = c->traversal().Traverse(greedy_context.get(), greedy);
    while (greedy_stream->Read(&message)) {
    }
    auto status = greedy_stream->Finish();
    CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(status.error_message().find("max_fanout") != std::string::npos);
  }

  SUBCASE("paths through the hub: found under generous limits, cut under tight ones") {
    v1::FindPathsRequest request;
    request.set_from_id("hub");
    request.set_to_id("far");
    request.set_max_depth(4);
    request.mutable_limits()->set_max_fanout(5000);
    v1::FindPathsResponse response;
    // The bridges are leaves 0..99, which the hub's first 5000 edges need not contain: with the
    // fan-out cut the answer is a 2-edge path or no path with the cut flag, never a wrong path.
    REQUIRE(c->traversal().FindPaths(c->NewContext().get(), request, &response).ok());
    if (response.paths_size() > 0) {
      REQUIRE(response.paths(0).edges_size() == 2);
      CHECK(response.paths(0).edges(0).subject_id() == "hub");
      CHECK(response.paths(0).edges(1).object_id() == "far");
    } else {
      CHECK(response.cut().fanout());
    }
    // Backwards from far (100 in-edges) to the hub is within every limit: exactly one shortest
    // path of 2 edges, no cut.
    request.set_from_id("far");
    request.set_to_id("hub");
    request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_IN);
    REQUIRE(c->traversal().FindPaths(c->NewContext().get(), request, &response).ok());
    REQUIRE(response.paths_size() == 1);
    CHECK(response.paths(0).edges_size() == 2);
    CHECK_FALSE(response.cut().fanout());
    // The 3 best paths far <- leaf-i <- hub: 3 distinct 2-edge paths.
    request.set_k(3);
    REQUIRE(c->traversal().FindPaths(c->NewContext().get(), request, &response).ok());
    REQUIRE(response.paths_size() == 3);
    std::set<std::string> middles;
    for (const auto& path : response.paths()) {
      CHECK(path.edges_size() == 2);
      middles.insert(path.edges(0).subject_id());
    }
    CHECK(middles.size() == 3);
    // An edge budget far below the hub's degree: a valid 3-edge path, or none and the cut flag.
    request.set_k(1);
    request.set_from_id(Leaf(kLeaves - 1));
    request.set_to_id("far");
    request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
    request.mutable_limits()->set_max_edges_scanned(100);
    REQUIRE(c->traversal().FindPaths(c->NewContext().get(), request, &response).ok());
    if (response.paths_size() == 0) {
      CHECK(response.cut().edges_scanned());
    } else {
      CHECK(response.paths(0).edges_size() == 3);
    }
    // No path at all to an entity without edges, and nothing was cut to decide it.
    request.set_to_id("loner");
    request.mutable_limits()->clear_max_edges_scanned();
    REQUIRE(c->traversal().FindPaths(c->NewContext().get(), request, &response).ok());
    CHECK(response.paths_size() == 0);
  }

  SUBCASE("a subgraph of the hub is cut at max_results and still renders") {
    v1::SubgraphRequest request;
    request.add_entity_ids("hub");
    request.set_depth(1);
    request.set_format(v1::GRAPH_FORMAT_DOT);
    request.mutable_limits()->set_max_results(200);
    v1::SubgraphResponse response;
    REQUIRE(c->traversal().Subgraph(c->NewContext().get(), request, &response).ok());
    CHECK(response.cut().results());
    CHECK(response.entities_size() <= 201);
    CHECK(response.document().rfind("digraph", 0) == 0);
  }

  // After all of that the server still answers.
  v1::GetEntityRequest get;
  get.set_id(Leaf(kLeaves - 1));
  v1::Entity entity;
  CHECK(c->entities().GetEntity(c->NewContext().get(), get, &entity).ok());
}

}  // namespace claimgraph::testing
