// PrometheusText: writes metrics in the Prometheus text exposition format, version 0.0.4 (what
// GET /metrics answers). It only formats: the caller owns the numbers and takes a consistent
// snapshot of them before writing.
//
// Output per family:
//   # HELP name help text (backslash and newline escaped)
//   # TYPE name counter|gauge|histogram
//   name{label="value",...} 42
// Histograms write cumulative name_bucket{...,le="bound"} lines ending with le="+Inf", then
// name_sum and name_count. Label values escape backslash, double quote and newline. Metric and
// label names outside [a-zA-Z_:][a-zA-Z0-9_:]* have the offending characters replaced by '_'
// (label names never contain ':').
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimgraph::service {

enum class MetricType { kCounter, kGauge, kHistogram };

// Label name/value pairs, written in the order given.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A histogram's state: `bucket_counts[i]` counts observations <= upper_bounds[i] and greater than
// the previous bound (not cumulative); the last element counts those above every bound, so
// bucket_counts.size() == upper_bounds.size() + 1. Bounds ascend.
struct HistogramData {
  std::vector<double> upper_bounds;
  std::vector<uint64_t> bucket_counts;
  double sum = 0;
  uint64_t count = 0;

  // Empty buckets for `bounds` (which must ascend).
  static HistogramData WithBounds(std::vector<double> bounds);
  // Adds one observation. Not thread-safe: callers that share one guard it.
  void Observe(double value);
};

// Builds one exposition. Not thread-safe; cheap to create per scrape.
class PrometheusText {
 public:
  // Starts a family: writes its HELP and TYPE lines. The samples that follow, until the next
  // BeginFamily, belong to it; a family must not be begun twice in one exposition.
  void BeginFamily(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current counter or gauge family.
  void Value(const MetricLabels& labels, double value);
  // One labelled histogram of the current histogram family.
  void Histogram(const MetricLabels& labels, const HistogramData& histogram);

  const std::string& text() const { return text_; }

  // Exposed for tests: a sample value as written ("NaN", "+Inf", "-Inf", integers without
  // exponent or fraction, otherwise the shortest round-tripping form).
  static std::string FormatValue(double value);
  static std::string EscapeLabelValue(std::string_view value);
  static std::string EscapeHelp(std::string_view help);
  static std::string SanitizeName(std::string_view name, bool allow_colon);

 private:
  void Sample(std::string_view suffix, const MetricLabels& labels, const char* extra_label,
              const std::string& extra_value, double value);

  std::string text_;
  std::string family_;  // sanitized name of the current family
  MetricType type_ = MetricType::kGauge;
};

}  // namespace claimgraph::service
