// The metrics endpoint of claimgraphd: /metrics in Prometheus text format after some calls,
// /healthz and /readyz.
#include <doctest/doctest.h>

#include "server_harness.h"

namespace claimgraph::testing {

TEST_CASE("metrics endpoint: rpc counts and latency by method and code, RocksDB and record gauges, probes") {
  ServerProcess server({"--metrics-listen", "127.0.0.1:0"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  int metrics_port = server.MetricsPort();
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
