// Quoting, wrapping and wording shared by the drawings.
#include "drawing/dot_text.h"

#include <google/protobuf/util/time_util.h>

#include <cstdio>

namespace claimgraph::drawing {
namespace {

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

}  // namespace

std::string DotQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::string Wrap(std::string_view text, size_t width) {
  std::string out;
  size_t line = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    if (line > 0 && line + 1 + word.size() > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    if (end < text.size() && text[end] == '\n') {
      out += '\n';
      line = 0;
    }
    start = end + 1;
  }
  return out;
}

std::string ValueText(const v1::Value& value,
                      const std::function<std::string(const std::string&)>& name_of) {
  switch (value.kind_case()) {
    case v1::Value::kEntityId: {
      std::string name = name_of ? name_of(value.entity_id()) : "";
      return name.empty() ? value.entity_id() : name;
    }
    case v1::Value::kStringValue:
      return "\"" + value.string_value() + "\"";
    case v1::Value::kIntegerValue:
      return std::to_string(value.integer_value());
    case v1::Value::kDoubleValue:
      return Number(value.double_value());
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kTimestampValue:
      return google::protobuf::util::TimeUtil::ToString(value.timestamp_value()).substr(0, 10);
    case v1::Value::kQuantityValue:
      return Number(value.quantity_value().amount()) + " " + value.quantity_value().unit();
    case v1::Value::kSomeValue:
      return value.some_value().description().empty() ? "something"
                                                      : value.some_value().description();
    case v1::Value::kNoValue:
      return "nothing";
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return "-";
}

std::string PropositionText(const v1::Statement& statement,
                            const std::function<std::string(const std::string&)>& name_of) {
  std::string subject = name_of ? name_of(statement.subject_id()) : "";
  std::string predicate = statement.predicate();
  for (char& c : predicate) {
    if (c == '_') c = ' ';
  }
  std::string text = (subject.empty() ? statement.subject_id() : subject) + " " + predicate + " " +
                     ValueText(statement.object(), name_of);
  for (const auto& qualifier : statement.qualifiers()) {
    text += " [" + qualifier.key() + ": " + ValueText(qualifier.value(), name_of) + "]";
  }
  return text;
}

std::string ProbabilityText(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "P=%.2f", value);
  return buffer;
}

}  // namespace claimgraph::drawing
