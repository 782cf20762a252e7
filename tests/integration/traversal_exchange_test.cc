// Traversal and import/export over gRPC and the CLI, on the sample article's data.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

const std::string kSample = std::string(CLAIMGRAPH_SOURCE_DIR) + "/data/sample/claims.ndjson";

ProgramResult Cli(const ServerProcess& server, std::vector<std::string> arguments, const std::string& input = "") {
  arguments.insert(arguments.begin(), {"--server", server.address(), "--timeout", "30"});
  return RunProgram(CLAIMGRAPH_CLI_PATH, arguments, input);
}

}  // namespace

TEST_CASE("traversal on the sample: neighbours, the drone route, k-hop with limits, subgraph pictures") {
  ServerProcess server({"--load", kSample});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);

  v1::NeighborsRequest neighbors;
  neighbors.set_entity_id("iranian-attack-drones");
  v1::NeighborsResponse edges;
  REQUIRE(c->traversal().Neighbors(c->NewContext().get(), neighbors, &edges).ok());
  std::set<std::string> objects;
  for (const auto& edge : edges.edges()) objects.insert(edge.object_id());
  CHECK(objects.count("amirabad") == 1);
  CHECK(objects.count("makhachkala") == 1);
  CHECK(objects.count("caspian-sea") == 1);
  // The ids view: the same edges with the same statements and aggregates, without names.
  auto ids_neighbors = neighbors;
  ids_neighbors.set_view(v1::TRAVERSAL_VIEW_IDS);
  v1::NeighborsResponse id_edges;
  REQUIRE(c->traversal().Neighbors(c->NewContext().get(), ids_neighbors, &id_edges).ok());
  REQUIRE(id_edges.edges_size() == edges.edges_size());
  for (int i = 0; i < edges.edges_size(); ++i) {
    CHECK(id_edges.edges(i).statement_id() == edges.edges(i).statement_id());
    CHECK(id_edges.edges(i).object_id() == edges.edges(i).object_id());
    CHECK(id_edges.edges(i).confidence() == edges.edges(i).confidence());
    CHECK(id_edges.edges(i).object_name().empty());
    CHECK_FALSE(edges.edges(i).object_name().empty());
  }
  ids_neighbors.set_view(static_cast<v1::TraversalView>(7));
  CHECK(c->traversal().Neighbors(c->NewContext().get(), ids_neighbors, &id_edges).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  neighbors.set_entity_id("atlantis");
  CHECK(c->traversal().Neighbors(c->NewContext().get(), neighbors, &edges).error_code() == grpc::StatusCode::NOT_FOUND);

  // The route the article describes: from Amirabad, the drones go to Makhachkala.
  v1::FindPathsRequest path;
  path.set_from_id("amirabad");
  path.set_to_id("makhachkala");
  path.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
  v1::FindPathsResponse paths;
  REQUIRE(c->traversal().FindPaths(c->NewContext().get(), path, &paths).ok());
  REQUIRE(paths.paths_size() == 1);
  REQUIRE(paths.paths(0).edges_size() == 2);
  CHECK(paths.paths(0).edges(0).predicate() == "shipped_from");
  CHECK(paths.paths(0).edges(1).predicate() == "shipped_to");
  bool kirby = false;
  for (const auto& claim : paths.paths(0).edges(0).claims_detail()) {
    kirby |= claim.claimant().entity_id() == "john-kirby" && claim.on_behalf_of_id() == "national-security-council";
  }
  CHECK(kirby);
  path.set_from_id("iran");
  path.set_mode(v1::PATH_MODE_MOST_CREDIBLE);
  path.set_k(2);
  REQUIRE(c->traversal().FindPaths(c->NewContext().get(), path, &paths).ok());
  CHECK(paths.paths_size() >= 1);
  path.set_max_depth(1000);
  CHECK(c->traversal().FindPaths(c->NewContext().get(), path, &paths).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);

  // k-hop, streamed; a tight result limit is reported, never silent.
  v1::TraverseRequest traverse;
  traverse.add_start_ids("iran");
  traverse.set_max_depth(2);
  traverse.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
  auto collect = [&](const v1::TraverseRequest& request, v1::TraversalCut* cut) {
    std::vector<v1::ReachedEntity> reached;
    auto context = c->NewContext();
    auto reader = c->traversal().Traverse(context.get(), request);
    v1::TraverseResponse message;
    bool done = false;
    while (reader->Read(&message)) {
      for (const auto& entity : message.entities()) reached.push_back(entity);
      if (message.done()) {
        done = true;
        *cut = message.cut();
      }
    }
    REQUIRE(reader->Finish().ok());
    CHECK(done);
    return reached;
  };
  v1::TraversalCut cut;
  auto reached = collect(traverse, &cut);
  CHECK(reached.size() > 10);
  CHECK(reached[0].entity_id() == "iran");
  CHECK(reached[0].depth() == 0);
  CHECK_FALSE(cut.results());
  // The ids view reaches the same entities at the same depths, without names or edges.
  auto ids_request = traverse;
  ids_request.set_view(v1::TRAVERSAL_VIEW_IDS);
  auto ids = collect(ids_request, &cut);
  REQUIRE(ids.size() == reached.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(ids[i].entity_id() == reached[i].entity_id());
    CHECK(ids[i].depth() == reached[i].depth());
    CHECK(ids[i].name().empty());
    CHECK_FALSE(ids[i].has_via());
  }
  CHECK_FALSE(reached[1].name().empty());
  CHECK(reached[1].has_via());
  traverse.mutable_limits()->set_max_results(2);
  reached = collect(traverse, &cut);
  CHECK(reached.size() == 3);  // the start and two more
  CHECK(cut.results());

  // Subgraph as DOT renders with Graphviz.
  auto dot = Cli(server, {"subgraph", "iranian-attack-drones", "--depth", "1", "--format", "dot"});
  REQUIRE_MESSAGE(dot.exit_code == 0, dot.err);
  CHECK(dot.out.find("digraph") != std::string::npos);
  CHECK(dot.out.find("Makhachkala") != std::string::npos);
  auto svg = RunProgram("/usr/bin/dot", {"-Tsvg"}, dot.out);
  CHECK(svg.exit_code == 0);
  CHECK(svg.out.find("<svg") != std::string::npos);
  auto graphml = Cli(server, {"subgraph", "iran", "--format", "graphml"});
  CHECK(graphml.out.find("<graphml") != std::string::npos);
  auto route = Cli(server, {"path", "amirabad", "makhachkala", "--direction", "both"});
  REQUIRE(route.exit_code == 0);
  CHECK(route.out.find("shipped_to") != std::string::npos);
  CHECK(route.out.find("john-kirby") != std::string::npos);
  auto hop = Cli(server, {"neighbors", "iran", "--direction", "both", "--min-confidence", "0.1"});
  CHECK(hop.exit_code == 0);
  CHECK(hop.out.find("russia") != std::string::npos);
  auto k_hop = Cli(server, {"traverse", "iran", "--depth", "1"});
  CHECK(k_hop.exit_code == 0);
  CHECK(k_hop.out.find("DEPTH") != std::string::npos);
}

TEST_CASE("import and export: idempotent re-import, round trip, bad records, N-Quads, offline bulk load") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto first = Cli(server, {"import", kSample});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(first.out.find("claims") != std::string::npos);
  auto again = Cli(server, {"--json", "import", kSample});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("\"created\"") == std::string::npos);  // nothing new the second time
  auto exported = Cli(server, {"export"});
  REQUIRE(exported.exit_code == 0);
  CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') >= 140);

  // Round trip through an empty server gives identical output.
  ServerProcess second;
  REQUIRE_MESSAGE(second.Start(&error), error);
  auto reimport = Cli(second, {"import", "-"}, exported.out);
  REQUIRE_MESSAGE(reimport.exit_code == 0, reimport.err);
  CHECK(Cli(second, {"export"}).out == exported.out);

  // Bad records: lenient goes on and reports each by its file line; strict stops and says where.
  std::string bad = "{\"entity\":{\"id\":\"ok-1\",\"type\":\"person\",\"name\":\"One\"}}\n"
                    "{not json}\n"
                    "{\"entity\":{\"id\":\"bad\",\"type\":\"planet\",\"name\":\"X\"}}\n"
                    "{\"entity\":{\"id\":\"ok-2\",\"type\":\"person\",\"name\":\"Two\"}}\n";
  auto lenient = Cli(second, {"import", "-"}, bad);
  CHECK(lenient.exit_code == 65);
  CHECK(lenient.out.find("rejected line 2") != std::string::npos);
  CHECK(lenient.out.find("rejected line 3: INVALID_ARGUMENT: entity.type") != std::string::npos);
  auto strict = Cli(second, {"import", "-", "--strict"},
                    "{\"entity\":{\"id\":\"ok-3\",\"type\":\"person\",\"name\":\"Three\"}}\n" + bad);
  CHECK(strict.exit_code == 65);
  CHECK(strict.out.find("stopped at line 3") != std::string::npos);
  CHECK(strict.out.find("--resume-from 3") != std::string::npos);

  // Invalid UTF-8 at the first, a middle and the last line, blank lines between: every valid
  // line is stored and each bad one is named by its file line.
  std::string mixed;
  for (int i = 1; i <= 9; ++i) {
    if (i == 1 || i == 5 || i == 9) {
      mixed += "{\"entity\":{\"id\":\"u-" + std::to_string(i) + "\",\"name\":\"\xff\"}}\n";
    } else if (i == 3) {
      mixed += "\n";
    } else {
      mixed += "{\"entity\":{\"id\":\"u-" + std::to_string(i) +
               "\",\"type\":\"person\",\"name\":\"U\"}}\n";
    }
  }
  ServerProcess third;
  REQUIRE_MESSAGE(third.Start(&error), error);
  auto utf8 = Cli(third, {"import", "-"}, mixed);
  CHECK(utf8.exit_code == 65);
  for (int line : {1, 5, 9}) {
    CHECK(utf8.out.find("rejected line " + std::to_string(line) + ": INVALID_ARGUMENT: line " +
                        std::to_string(line) + ": is not valid UTF-8") != std::string::npos);
  }
  for (int i : {2, 4, 6, 7, 8}) {
    CHECK(Cli(third, {"entity", "get", "u-" + std::to_string(i)}).exit_code == 0);
  }
  // Strict: stops at line 1; resuming from the printed line after fixing nothing but skipping it
  // (--resume-from 2) stores the rest up to the next bad line, 5.
  auto strict_utf8 = Cli(third, {"import", "-", "--strict", "--resume-from", "2"}, mixed);
  CHECK(strict_utf8.exit_code == 65);
  CHECK(strict_utf8.out.find("stopped at line 5") != std::string::npos);

  // N-Quads that Debian's rapper parses.
  auto nquads = Cli(server, {"export", "--format", "nquads"});
  REQUIRE(nquads.exit_code == 0);
  std::string dir = MakeTempDir("claimgraph-nq");
  std::ofstream(dir + "/out.nq") << nquads.out;
  auto rapper = RunProgram("/usr/bin/rapper", {"-i", "nquads", "-c", dir + "/out.nq"});
  CHECK_MESSAGE(rapper.exit_code == 0, rapper.err);
  // The W3C PROV library (python3-prov) reads it too: it rejects a relation whose agent is not
  // typed as one.
  auto prov = RunProgram("/usr/bin/python3",
                         {std::string(CLAIMGRAPH_SOURCE_DIR) + "/tests/python/prov_check.py", dir + "/out.nq"});
  REQUIRE_MESSAGE(prov.exit_code == 0, prov.err.substr(0, 2000));
  CHECK_MESSAGE(prov.out.rfind("records ", 0) == 0, prov.out);
  CHECK_MESSAGE(prov.out.find("\nProvAgent ") != std::string::npos, prov.out);
  // One attribution per claim (107), published source (4) and assessment (1) of the sample.
  CHECK_MESSAGE(prov.out.find("\nProvAttribution 112\n") != std::string::npos, prov.out);

  // The offline loader builds the same database the streaming import did.
  auto bulk = RunProgram(CLAIMGRAPHD_PATH, {"bulk-load", "--data-dir", dir + "/bulk", "--file", kSample});
  REQUIRE_MESSAGE(bulk.exit_code == 0, bulk.err);
  ServerProcess loaded({"--data-dir", dir + "/bulk"});
  REQUIRE_MESSAGE(loaded.Start(&error), error);
  CHECK(Cli(loaded, {"export"}).out == exported.out);
  loaded.Stop();
  RemoveTree(dir);
}

}  // namespace claimgraph::testing

namespace claimgraph::testing {
namespace {

std::vector<std::string> Listed(const v1::SubgraphResponse& answer) {
  std::vector<std::string> listed;
  for (const auto& entity : answer.entities()) {
    listed.push_back(entity.entity_id() + "@" + std::to_string(entity.depth()));
  }
  for (const auto& edge : answer.edges()) listed.push_back(edge.statement_id());
  return listed;
}

TEST_CASE("subgraph pages over gRPC are the unpaged answer as of the first page") {
  ServerProcess server({"--load", kSample});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);
  v1::SubgraphRequest request;
  request.add_entity_ids("iran");
  request.add_entity_ids("russia");
  request.set_depth(2);
  request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
  v1::SubgraphResponse unpaged;
  REQUIRE(c->traversal().Subgraph(c->NewContext().get(), request, &unpaged).ok());
  CHECK_FALSE(unpaged.document().empty());
  REQUIRE(unpaged.entities_size() > 3);

  request.set_page_size(3);
  v1::SubgraphResponse joined;
  std::string written_statement;
  int pages = 0;
  for (; pages < 1000; ++pages) {
    v1::SubgraphResponse page;
    auto status = c->traversal().Subgraph(c->NewContext().get(), request, &page);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(page.document().empty());
    CHECK(page.entities_size() + page.edges_size() <= 3);
    CHECK(page.total_entities() == unpaged.entities_size());
    CHECK(page.total_edges() == unpaged.edges_size());
    joined.MergeFrom(page);
    if (page.next_page_token().empty()) break;
    if (pages == 0) {
      // A new edge out of iran, written between pages, is not part of the answer.
      v1::CreateClaimRequest write;
      auto* claim = write.mutable_claim();
      claim->set_id("between-pages");
      claim->mutable_statement()->set_subject_id("iran");
      claim->mutable_statement()->set_predicate("supplies");
      claim->mutable_statement()->mutable_object()->set_entity_id("turkey");
      claim->set_act(v1::CLAIM_ACT_SAYS);
      claim->set_stance(v1::STANCE_SUPPORTS);
      claim->mutable_claimant()->set_entity_id("john-kirby");
      v1::Claim created;
      auto written = c->claims().CreateClaim(c->NewContext().get(), write, &created);
      REQUIRE_MESSAGE(written.ok(), written.error_message());
      written_statement = created.statement_id();
    }
    request.set_page_token(page.next_page_token());
  }
  CHECK(pages > 1);
  CHECK(Listed(joined) == Listed(unpaged));
  for (const auto& edge : joined.edges()) CHECK(edge.statement_id() != written_statement);

  // Tokens are bound to the query; paged answers have no DOT or GraphML document.
  v1::SubgraphResponse response;
  request.set_depth(1);
  auto status = c->traversal().Subgraph(c->NewContext().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("page_token") != std::string::npos);
  request.set_depth(2);
  request.set_page_token("garbage!");
  status = c->traversal().Subgraph(c->NewContext().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("page_token") != std::string::npos);
  request.clear_page_token();
  request.set_format(v1::GRAPH_FORMAT_DOT);
  status = c->traversal().Subgraph(c->NewContext().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("format") != std::string::npos);
  request.set_format(v1::GRAPH_FORMAT_UNSPECIFIED);
  request.set_page_size(1'000'000);
  status = c->traversal().Subgraph(c->NewContext().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);

  // The CLI: a page as tables with the next token, or every page with --all.
  auto page = Cli(server, {"subgraph", "iran", "--depth", "2", "--page-size", "2"});
  REQUIRE_MESSAGE(page.exit_code == 0, page.err);
  CHECK(page.out.find("next page: --page-token ") != std::string::npos);
  auto all = Cli(server, {"subgraph", "iran", "--depth", "2", "--page-size", "2", "--all"});
  REQUIRE_MESSAGE(all.exit_code == 0, all.err);
  CHECK(all.out.find("next page") == std::string::npos);
  // A new query: the edge written above is part of it now.
  CHECK(all.out.find(written_statement) != std::string::npos);
  auto dot = Cli(server, {"subgraph", "iran", "--page-size", "2", "--format", "dot"});
  CHECK(dot.exit_code != 0);
}

}  // namespace
}  // namespace claimgraph::testing
