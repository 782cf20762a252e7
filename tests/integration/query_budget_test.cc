// The worst-case query of each traversal RPC and provenance walk on generated graphs whose answers
// explode (a ladder with 4^11 simple paths between its ends, a star of 6,000 leaves, a statement
// said by 3,000 claimants), on a server with a 1 MiB answer limit: each answers within the limit
// (with the cut that says so) or refuses, and the server's resident memory stays bounded. An export
// takes a heavy-query slot for as long as it streams.
#include <doctest/doctest.h>
#include <grpcpp/create_channel.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

constexpr int kLadderLayers = 11;
constexpr int kLadderWidth = 4;
constexpr int kStarLeaves = 6000;
constexpr int kChorus = 3000;
constexpr uint64_t kAnswerLimit = 1u << 20;
// Far above what the bounded queries need, far below what the unbounded ones took.
constexpr uint64_t kResidentLimit = 600ull << 20;

std::string Rung(int layer, int i) {
  return "n-" + std::to_string(layer) + "-" + std::to_string(i);
}

// start -> every node of layer 1 -> every node of layer 2 ... -> every node of layer 11 -> end;
// star -> leaf-i.
void WriteGraph(const std::string& path) {
  std::ofstream out(path);
  auto entity = [&](const std::string& id, const std::string& name) {
    out << R"({"entity": {"id": ")" << id << R"(", "type": "person", "name": ")" << name
        << "\"}}\n";
  };
  out << R"({"source": {"id": "wire", "title": "Wire", "kind": "SOURCE_KIND_ARTICLE"}})"
      << "\n";
  entity("start", "Start");
  entity("end", "End");
  entity("star", "Star");
  for (int layer = 1; layer <= kLadderLayers; ++layer) {
    for (int i = 0; i < kLadderWidth; ++i) entity(Rung(layer, i), "Rung " + Rung(layer, i));
  }
  for (int i = 0; i < kStarLeaves; ++i)
    entity("leaf-" + std::to_string(i), "Leaf number " + std::to_string(i));
  int claims = 0;
  auto claim = [&](const std::string& subject, const std::string& object) {
    out << R"({"claim": {"id": "c-)" << claims++ << R"(", "statement": {"subject_id": ")" << subject
        << R"(", "predicate": "sanctions", "object": {"entity_id": ")" << object
        << R"("}}, "act": "CLAIM_ACT_SAYS", "stance": "STANCE_SUPPORTS", "claimant": {"entity_id": "star"}, "source_id": "wire", "confidence": 0.9}})"
        << "\n";
  };
  for (int i = 0; i < kLadderWidth; ++i) {
    claim("start", Rung(1, i));
    claim(Rung(kLadderLayers, i), "end");
  }
  for (int layer = 1; layer < kLadderLayers; ++layer) {
    for (int i = 0; i < kLadderWidth; ++i) {
      for (int j = 0; j < kLadderWidth; ++j) claim(Rung(layer, i), Rung(layer + 1, j));
    }
  }
  for (int i = 0; i < kStarLeaves; ++i) claim("star", "leaf-" + std::to_string(i));
  // A chorus apart from the rest of the graph: one statement (choir sanctions hymn) said by
  // kChorus claimants of their own, each from its own source, so provenance walks over it have as
  // many claims, claimants and origins.
  entity("choir", "Choir");
  entity("hymn", "Hymn");
  for (int i = 0; i < kChorus; ++i) {
    entity("voice-" + std::to_string(i), "Voice " + std::to_string(i));
    out << R"({"source": {"id": "outlet-)" << i << R"(", "title": "Outlet )" << i
        << R"(", "kind": "SOURCE_KIND_ARTICLE"}})"
        << "\n";
    out << R"({"claim": {"id": "chorus-)" << i
        << R"(", "statement": {"subject_id": "choir", "predicate": "sanctions", "object": {"entity_id": "hymn"}}, "act": "CLAIM_ACT_SAYS", "stance": "STANCE_SUPPORTS", "claimant": {"entity_id": "voice-)"
        << i << R"("}, "source_id": "outlet-)" << i << R"(", "confidence": 0.8}})"
        << "\n";
  }
}

struct BudgetServer {
  BudgetServer() : server({"--max-answer-mb", "1"}) {
    std::string error;
    REQUIRE_MESSAGE(server.LoadAndStart(WriteGraph, &error), error);
  }
  ServerProcess server;
};

BudgetServer& Budget() {
  static BudgetServer budget;
  return budget;
}

v1::FindPathsRequest WorstPaths(v1::PathMode mode, int k) {
  v1::FindPathsRequest request;
  request.set_from_id("start");
  request.set_to_id("end");
  request.set_mode(mode);
  request.set_k(k);
  request.set_max_depth(16);
  request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
  return request;
}

}  // namespace

TEST_CASE("worst-case traversals answer within the answer limit, say so, and keep memory bounded") {
  auto c = Budget().server.NewClient(120000);

  SUBCASE("FindPaths ALL_SIMPLE, k 100000, depth 16, both directions") {
    v1::FindPathsResponse response;
    auto status = c->traversal().FindPaths(c->NewContext().get(),
                                           WorstPaths(v1::PATH_MODE_ALL_SIMPLE, 100000), &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(response.paths_size() > 0);
    CHECK(response.cut().answer_bytes());
    CHECK(response.ByteSizeLong() <= kAnswerLimit + 4096);
    for (const auto& path : response.paths()) {
      REQUIRE(path.edges_size() >= kLadderLayers + 1);
      CHECK(path.edges(0).subject_id() == "start");
    }
  }

  SUBCASE("FindPaths SHORTEST and MOST_CREDIBLE with many paths") {
    for (auto mode : {v1::PATH_MODE_SHORTEST, v1::PATH_MODE_MOST_CREDIBLE}) {
      v1::FindPathsResponse response;
      auto status =
          c->traversal().FindPaths(c->NewContext().get(), WorstPaths(mode, 1000), &response);
      REQUIRE_MESSAGE(status.ok(), status.error_message());
      CHECK(response.paths_size() > 0);
      CHECK(response.cut().answer_bytes());
      CHECK(response.ByteSizeLong() <= kAnswerLimit + 4096);
    }
  }

  SUBCASE("Subgraph of the star: the entities and edges that fit, and a document of them") {
    v1::SubgraphRequest request;
    request.add_entity_ids("star");
    request.set_depth(16);
    request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
    v1::SubgraphResponse response;
    auto status = c->traversal().Subgraph(c->NewContext().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(response.cut().answer_bytes());
    CHECK(response.entities_size() > 1);
    CHECK(response.entities_size() < kStarLeaves + 1);
    CHECK(response.ByteSizeLong() <= kAnswerLimit + 4096);
    CHECK(response.document().find("leaf-") != std::string::npos);
    for (const auto& edge : response.edges()) CHECK(edge.subject_id() == "star");
  }

  SUBCASE("Traverse depth 16 both ways streams everything reachable") {
    v1::TraverseRequest request;
    request.add_start_ids("star");
    request.set_max_depth(16);
    request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_BOTH);
    auto context = c->NewContext();
    auto stream = c->traversal().Traverse(context.get(), request);
    v1::TraverseResponse message;
    size_t reached = 0;
    bool done = false;
    while (stream->Read(&message)) {
      reached += static_cast<size_t>(message.entities_size());
      done = done || message.done();
    }
    REQUIRE(stream->Finish().ok());
    CHECK(done);
    CHECK(reached == kStarLeaves + 1);
  }

  SUBCASE("provenance walks over a statement of 3,000 claims answer within the limit or refuse") {
    v1::GetClaimRequest get;
    get.set_id("chorus-0");
    v1::Claim chorus;
    REQUIRE(c->claims().GetClaim(c->NewContext().get(), get, &chorus).ok());
    const std::string statement = chorus.statement_id();
    // Answered within the answer limit, or RESOURCE_EXHAUSTED: never more memory than that.
    auto bounded = [](const grpc::Status& status, const google::protobuf::Message& response) {
      if (status.ok()) {
        CHECK_MESSAGE(response.ByteSizeLong() <= kAnswerLimit + 4096, response.GetTypeName());
      } else {
        CHECK_MESSAGE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED,
                      status.error_message());
      }
    };
    v1::WhoSaidRequest who;
    who.set_statement_id(statement);
    v1::WhoSaidResponse said;
    bounded(c->provenance().WhoSaid(c->NewContext().get(), who, &said), said);
    CHECK(said.truncated());  // 3,000 attributions do not fit in 1 MiB
    v1::TraceStatementRequest trace;
    trace.set_statement_id(statement);
    v1::TraceStatementResponse traced;
    bounded(c->provenance().TraceStatement(c->NewContext().get(), trace, &traced), traced);
    v1::CorroborateRequest corroborate;
    corroborate.set_statement_id(statement);
    v1::CorroborateResponse corroborated;
    bounded(c->provenance().Corroborate(c->NewContext().get(), corroborate, &corroborated),
            corroborated);
  }

  SUBCASE("four worst-case path searches at once") {
    std::vector<std::thread> threads;
    std::atomic<int> answered{0};
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        auto own = Budget().server.NewClient(120000);
        v1::FindPathsResponse response;
        auto status = own->traversal().FindPaths(
            own->NewContext().get(), WorstPaths(v1::PATH_MODE_ALL_SIMPLE, 100000), &response);
        // Admitted and cut, or refused by the heavy-query budget: never anything else.
        if (status.ok() && response.cut().answer_bytes()) answered.fetch_add(1);
        if (!status.ok()) CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(answered.load() >= 1);
  }

  const uint64_t resident = Budget().server.ResidentBytes();
  MESSAGE("server resident memory: " << (resident >> 20) << " MiB");
  CHECK(resident > 0);
  CHECK(resident < kResidentLimit);
}

TEST_CASE(
    "an export holds a heavy-query slot until its client has read it: others are refused "
    "meanwhile") {
  // About 2 MB of export, far beyond what a 64 KiB flow-control window lets the server send to a
  // client that does not read, so the export stays in its handler, holding the one slot.
  ServerProcess server({"--max-heavy-queries", "1"});
  std::string error;
  REQUIRE_MESSAGE(server.LoadAndStart(
                      [](const std::string& path) {
                        std::ofstream out(path);
                        const std::string description(400, 'd');
                        for (int i = 0; i < 5000; ++i) {
                          out << R"({"entity": {"id": "e-)" << i
                              << R"(", "type": "person", "name": "Person )" << i
                              << R"(", "description": ")" << description << "\"}}\n";
                        }
                      },
                      &error),
                  error);
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 << 10);
  auto slow_channel =
      grpc::CreateCustomChannel(server.address(), grpc::InsecureChannelCredentials(), arguments);
  auto slow = v1::ImportExportService::NewStub(slow_channel);
  grpc::ClientContext held_context;
  held_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::ExportRequest everything;
  auto held = slow->Export(&held_context, everything);  // never read until the end of the test

  auto c = server.NewClient(10000);
  v1::FindPathsRequest paths;
  paths.set_from_id("e-0");
  paths.set_to_id("e-1");
  auto find_paths = [&] {
    v1::FindPathsResponse ignored;
    return c->traversal().FindPaths(c->NewContext().get(), paths, &ignored);
  };
  // The export reaches its handler at some point after the call: until then FindPaths runs.
  grpc::Status refused;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    refused = find_paths();
    if (refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(refused.error_message().find("--max-heavy-queries") != std::string::npos);

  // A second export, of a subgraph, is refused as well.
  v1::ExportRequest subgraph;
  subgraph.add_subgraph_entity_ids("e-1");
  auto second_context = c->NewContext();
  auto second = c->exchange().Export(second_context.get(), subgraph);
  v1::ExportResponse message;
  while (second->Read(&message)) {
  }
  grpc::Status second_status = second->Finish();
  CHECK(second_status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(second_status.error_message().find("ImportExportService/Export") != std::string::npos);

  // Cancelling the held export gives its slot back.
  held_context.TryCancel();
  held->Finish();
  grpc::Status after;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    after = find_paths();
    if (after.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_MESSAGE(after.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED, after.error_message());
  CHECK(server.Stop() == 0);
}

}  // namespace claimgraph::testing
