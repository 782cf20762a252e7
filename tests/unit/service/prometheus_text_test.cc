// PrometheusText tests against the text exposition format 0.0.4.
#include "service/prometheus_text.h"

#include <cmath>
#include <limits>

#include "doctest/doctest.h"

namespace claimgraph::service {
namespace {

TEST_CASE("prometheus text writes counters and gauges with labels") {
  PrometheusText text;
  text.BeginFamily("claimgraph_rpc_requests_total", MetricType::kCounter, "RPCs handled.");
  text.Value({{"method", "EntityService/GetEntity"}, {"code", "OK"}}, 42);
  text.Value({{"method", "ClaimService/CreateClaim"}, {"code", "INVALID_ARGUMENT"}}, 3);
  text.BeginFamily("claimgraph_rpc_in_flight", MetricType::kGauge, "RPCs being handled.");
  text.Value({}, 0);
  CHECK(text.text() ==
        "# HELP claimgraph_rpc_requests_total RPCs handled.\n"
        "# TYPE claimgraph_rpc_requests_total counter\n"
        "claimgraph_rpc_requests_total{method=\"EntityService/GetEntity\",code=\"OK\"} 42\n"
        "claimgraph_rpc_requests_total{method=\"ClaimService/"
        "CreateClaim\",code=\"INVALID_ARGUMENT\"} 3\n"
        "# HELP claimgraph_rpc_in_flight RPCs being handled.\n"
        "# TYPE claimgraph_rpc_in_flight gauge\n"
        "claimgraph_rpc_in_flight 0\n");
}

TEST_CASE("prometheus text escapes label values and help") {
  PrometheusText text;
  text.BeginFamily("m", MetricType::kGauge, "line one\nback\\slash \"quotes\" stay");
  text.Value({{"path", "C:\\dir\n\"x\""}}, 1);
  CHECK(text.text() ==
        "# HELP m line one\\nback\\\\slash \"quotes\" stay\n"
        "# TYPE m gauge\n"
        "m{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n");
}

TEST_CASE("prometheus text sanitizes metric and label names") {
  CHECK(PrometheusText::SanitizeName("rpc.latency-seconds", true) == "rpc_latency_seconds");
  CHECK(PrometheusText::SanitizeName("ns:metric_1", true) == "ns:metric_1");
  CHECK(PrometheusText::SanitizeName("ns:label", false) == "ns_label");
  CHECK(PrometheusText::SanitizeName("1abc", true) == "_abc");
  CHECK(PrometheusText::SanitizeName("", true) == "_");
  CHECK(PrometheusText::SanitizeName("caf\xc3\xa9", true) == "caf__");
  PrometheusText text;
  text.BeginFamily("a-b", MetricType::kGauge, "h");
  text.Value({{"bad label", "v"}}, 2);
  CHECK(text.text() == "# HELP a_b h\n# TYPE a_b gauge\na_b{bad_label=\"v\"} 2\n");
}

TEST_CASE("prometheus text formats special and fractional values") {
  CHECK(PrometheusText::FormatValue(0) == "0");
  CHECK(PrometheusText::FormatValue(-3) == "-3");
  CHECK(PrometheusText::FormatValue(1e15) == "1000000000000000");
  CHECK(PrometheusText::FormatValue(0.25) == "0.25");
  CHECK(PrometheusText::FormatValue(0.1) == "0.1");
  CHECK(PrometheusText::FormatValue(1e300) == "1e+300");
  CHECK(PrometheusText::FormatValue(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(PrometheusText::FormatValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(PrometheusText::FormatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("prometheus text writes cumulative histogram buckets, sum and count") {
  // Binary fractions, so the sum is exact.
  auto latency = HistogramData::WithBounds({0.25, 0.5, 1});
  for (double seconds : {0.125, 0.25, 0.375, 0.75, 0.75, 4.0}) latency.Observe(seconds);
  CHECK(latency.count == 6);
  CHECK(latency.bucket_counts == std::vector<uint64_t>{2, 1, 2, 1});
  PrometheusText text;
  text.BeginFamily("claimgraph_rpc_latency_seconds", MetricType::kHistogram, "RPC latency.");
  text.Histogram({{"method", "Get"}}, latency);
  CHECK(text.text() ==
        "# HELP claimgraph_rpc_latency_seconds RPC latency.\n"
        "# TYPE claimgraph_rpc_latency_seconds histogram\n"
        "claimgraph_rpc_latency_seconds_bucket{method=\"Get\",le=\"0.25\"} 2\n"
        "claimgraph_rpc_latency_seconds_bucket{method=\"Get\",le=\"0.5\"} 3\n"
        "claimgraph_rpc_latency_seconds_bucket{method=\"Get\",le=\"1\"} 5\n"
        "claimgraph_rpc_latency_seconds_bucket{method=\"Get\",le=\"+Inf\"} 6\n"
        "claimgraph_rpc_latency_seconds_sum{method=\"Get\"} 6.25\n"
        "claimgraph_rpc_latency_seconds_count{method=\"Get\"} 6\n");
}

TEST_CASE("prometheus text histogram without labels and without observations") {
  PrometheusText text;
  text.BeginFamily("h", MetricType::kHistogram, "empty");
  text.Histogram({}, HistogramData::WithBounds({1}));
  CHECK(text.text() ==
        "# HELP h empty\n# TYPE h histogram\n"
        "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

}  // namespace
}  // namespace claimgraph::service
