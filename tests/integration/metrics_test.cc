// The metrics endpoint of claimgraphd: /metrics in Prometheus text format after some calls,
// /healthz and /readyz.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  ssize_t sent = write(fd, request.data(), request.size());
  (void)sent;
  std::string response;
  char buffer[4096];
  for (ssize_t got; (got = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, static_cast<size_t>(got));
  close(fd);
  return response;
}

}  // namespace

TEST_CASE("metrics endpoint: rpc counts and latency by method and code, RocksDB and record gauges, probes") {
  ServerProcess server({"--metrics-listen", "127.0.0.1:0"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto at = server.startup_output().find("metrics on port ");
  REQUIRE(at != std::string::npos);
  int metrics_port = std::atoi(server.startup_output().c_str() + at + 16);
  REQUIRE(metrics_port > 0);

  auto c = server.NewClient();
  v1::GetEntityRequest get;
  get.set_id("nobody");
  v1::Entity ignored;
  for (int i = 0; i < 3; ++i) c->entities().GetEntity(c->NewContext().get(), get, &ignored);

  std::string metrics = HttpGet(metrics_port, "/metrics");
  CHECK(metrics.find("HTTP/1.1 200") == 0);
  CHECK(metrics.find("text/plain; version=0.0.4") != std::string::npos);
  CHECK(metrics.find("claimgraph_rpc_calls_total{method=\"EntityService/GetEntity\",code=\"NOT_FOUND\"} 3") !=
        std::string::npos);
  CHECK(metrics.find("claimgraph_rpc_latency_seconds_count{method=\"EntityService/GetEntity\"} 3") !=
        std::string::npos);
  CHECK(metrics.find("claimgraph_rpc_latency_seconds_bucket{method=\"EntityService/GetEntity\",le=\"+Inf\"} 3") !=
        std::string::npos);
  CHECK(metrics.find("claimgraph_rocksdb_block_cache_hits_total") != std::string::npos);
  CHECK(metrics.find("claimgraph_records{kind=\"claim\"} 0") != std::string::npos);
  CHECK(metrics.find("claimgraph_ready 1") != std::string::npos);
  CHECK(HttpGet(metrics_port, "/healthz").find("HTTP/1.1 200") == 0);
  CHECK(HttpGet(metrics_port, "/readyz").find("HTTP/1.1 200") == 0);
  CHECK(HttpGet(metrics_port, "/nothing").find("HTTP/1.1 404") == 0);
  CHECK(server.Stop() == 0);
}

}  // namespace claimgraph::testing
