// Streams cannot exhaust the server's threads: 2,000 idle Import streams against
// --max-concurrent-streams 64 leave the server with a bounded thread count (the rest are refused
// with RESOURCE_EXHAUSTED at once), unary calls and health keep answering, and the admitted idle
// streams are cancelled by --stream-idle-timeout-ms. A stream past --max-stream-messages is
// cancelled too.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

constexpr int kStreams = 2000;
constexpr int kCap = 64;
// Far above the cap plus the server's own threads, far below one thread per stream.
constexpr int kThreadLimit = 400;

// The value of an unlabelled or labelled sample line in a /metrics text, -1 when absent.
double Sample(const std::string& metrics, const std::string& name) {
  auto at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + name.size() + 2));
}

}  // namespace

TEST_CASE("2,000 idle streams: the thread count stays bounded, the rest of the server answers") {
  ServerProcess server({"--max-concurrent-streams", std::to_string(kCap), "--stream-idle-timeout-ms", "2000",
                        "--metrics-listen", "127.0.0.1:0", "--log-level", "warn"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(60000);

  struct Open {
    std::unique_ptr<grpc::ClientContext> context;
    v1::ImportSummary summary;
    std::unique_ptr<grpc::ClientWriter<v1::ImportRequest>> stream;
  };
  std::vector<std::unique_ptr<Open>> streams;
  for (int i = 0; i < kStreams; ++i) {
    auto open = std::make_unique<Open>();
    open->context = c->NewContext();
    open->stream = c->exchange().Import(open->context.get(), &open->summary);
    streams.push_back(std::move(open));
  }
  // Every call has reached the server once the admitted and the refused add up.
  std::string metrics;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = HttpGet(server.MetricsPort(), "/metrics");
    if (Sample(metrics, "claimgraph_streams_ended_total{reason=\"refused\"}") >= kStreams - kCap) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(Sample(metrics, "claimgraph_streams_ended_total{reason=\"refused\"}") >= kStreams - kCap);
  CHECK(Sample(metrics, "claimgraph_streams_open") <= kCap);
  // The refusals of the burst ran on threads of the synchronous server's pool, which shrinks
  // once they are done (slowly on a loaded machine); the open streams themselves hold none.
  int threads = server.ThreadCount();
  for (auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       threads >= kThreadLimit && std::chrono::steady_clock::now() < settle;
       threads = server.ThreadCount()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  MESSAGE("server threads with 2,000 streams open: " << threads);
  CHECK(threads > 0);
  CHECK(threads < kThreadLimit);

  // The rest of the server answers meanwhile.
  v1::GetEntityRequest get;
  get.set_id("nobody");
  v1::Entity entity;
  CHECK(c->entities().GetEntity(c->NewContext().get(), get, &entity).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(HttpGet(server.MetricsPort(), "/healthz").find("HTTP/1.1 200") == 0);

  // Refused streams end RESOURCE_EXHAUSTED; the admitted idle ones are cancelled by the timeout.
  int refused = 0, cancelled = 0, other = 0;
  for (auto& open : streams) {
    auto status = open->stream->Finish();
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      CHECK(status.error_message().find("--max-concurrent-streams") != std::string::npos);
    } else if (status.error_code() == grpc::StatusCode::CANCELLED) {
      ++cancelled;
    } else {
      ++other;
    }
  }
  CHECK(refused >= kStreams - kCap);
  CHECK(cancelled <= kCap);
  CHECK(other == 0);
  metrics = HttpGet(server.MetricsPort(), "/metrics");
  CHECK(Sample(metrics, "claimgraph_streams_open") == 0);
  CHECK(Sample(metrics, "claimgraph_rpc_in_flight") == 0);
}

TEST_CASE("a stream past --max-stream-messages is cancelled") {
  ServerProcess server({"--max-stream-messages", "3"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);
  auto context = c->NewContext();
  v1::ImportSummary summary;
  auto stream = c->exchange().Import(context.get(), &summary);
  // Empty messages, one every 100 ms, until the server ends the call (bounded by the count).
  for (int i = 0; i < 600 && stream->Write(v1::ImportRequest()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(stream->Finish().error_code() == grpc::StatusCode::CANCELLED);
  CHECK(server.ReadLog().find("too many messages") != std::string::npos);
}

}  // namespace claimgraph::testing
