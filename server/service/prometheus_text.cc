// PrometheusText: the exposition format writer and HistogramData.
#include "service/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace claimgraph::service {

HistogramData HistogramData::WithBounds(std::vector<double> bounds) {
  HistogramData histogram;
  histogram.bucket_counts.assign(bounds.size() + 1, 0);
  histogram.upper_bounds = std::move(bounds);
  return histogram;
}

void HistogramData::Observe(double value) {
  // Prometheus buckets are "less than or equal to the bound".
  auto bucket = std::lower_bound(upper_bounds.begin(), upper_bounds.end(), value);
  size_t index = static_cast<size_t>(bucket - upper_bounds.begin());
  if (bucket_counts.size() != upper_bounds.size() + 1) {
    bucket_counts.resize(upper_bounds.size() + 1, 0);
  }
  ++bucket_counts[index];
  sum += value;
  ++count;
}

std::string PrometheusText::FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integers (counts, bytes) read best without an exponent, up to 2^53 where doubles stop being
  // exact.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string PrometheusText::EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PrometheusText::EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PrometheusText::SanitizeName(std::string_view name, bool allow_colon) {
  std::string out(name);
  if (out.empty()) return "_";
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) out[i] = '_';
  }
  return out;
}

void PrometheusText::BeginFamily(std::string_view name, MetricType type, std::string_view help) {
  family_ = SanitizeName(name, /*allow_colon=*/true);
  type_ = type;
  const char* type_name = type == MetricType::kCounter ? "counter"
                          : type == MetricType::kGauge ? "gauge"
                                                       : "histogram";
  text_ += "# HELP " + family_ + " " + EscapeHelp(help) + "\n";
  text_ += "# TYPE " + family_ + " " + type_name + "\n";
}

void PrometheusText::Sample(std::string_view suffix, const MetricLabels& labels,
                            const char* extra_label, const std::string& extra_value, double value) {
  text_ += family_;
  text_ += suffix;
  if (!labels.empty() || extra_label != nullptr) {
    text_ += '{';
    bool first = true;
    for (const auto& [label, label_value] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ +=
          SanitizeName(label, /*allow_colon=*/false) + "=\"" + EscapeLabelValue(label_value) + "\"";
    }
    if (extra_label != nullptr) {
      if (!first) text_ += ',';
      text_ += std::string(extra_label) + "=\"" + extra_value + "\"";
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += FormatValue(value);
  text_ += '\n';
}

void PrometheusText::Value(const MetricLabels& labels, double value) {
  Sample("", labels, nullptr, std::string(), value);
}

void PrometheusText::Histogram(const MetricLabels& labels, const HistogramData& histogram) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < histogram.upper_bounds.size(); ++i) {
    if (i < histogram.bucket_counts.size()) cumulative += histogram.bucket_counts[i];
    Sample("_bucket", labels, "le", FormatValue(histogram.upper_bounds[i]),
           static_cast<double>(cumulative));
  }
  // +Inf holds every observation, so it equals _count even when the buckets were not given.
  Sample("_bucket", labels, "le", "+Inf", static_cast<double>(histogram.count));
  Sample("_sum", labels, nullptr, std::string(), histogram.sum);
  Sample("_count", labels, nullptr, std::string(), static_cast<double>(histogram.count));
}

}  // namespace claimgraph::service
