// CLI framework: argument access, output formatting, time and enum parsing.
#include "cli/cli.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "absl/status/status.h"

namespace claimgraph::cli {
namespace {

// gRPC's status codes are absl's, number for number.
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

void CheckDeclared(const std::set<std::string>& declared, const std::string& name) {
  if (declared.count(name) == 0) {
    std::cerr << "claimgraph: internal error: the command reads --" << name
              << " but does not declare it\n";
    std::abort();
  }
}

}  // namespace

bool Arguments::Has(const std::string& name) const {
  CheckDeclared(declared, name);
  return options.count(name) > 0;
}

std::optional<std::string> Arguments::Get(const std::string& name) const {
  CheckDeclared(declared, name);
  auto range = options.equal_range(name);
  if (range.first == range.second) return std::nullopt;
  return std::prev(range.second)->second;  // the last one wins
}

std::vector<std::string> Arguments::GetAll(const std::string& name) const {
  CheckDeclared(declared, name);
  std::vector<std::string> values;
  for (auto [it, end] = options.equal_range(name); it != end; ++it) values.push_back(it->second);
  return values;
}

std::string Arguments::Require(const std::string& name) const {
  auto value = Get(name);
  if (!value || value->empty()) throw UsageError{"--" + name + " is required"};
  return *value;
}

std::string Arguments::Positional(size_t index, const std::string& what) const {
  if (index >= positional.size()) throw UsageError{what + " is required"};
  return positional[index];
}

int64_t Arguments::GetInt(const std::string& name, int64_t fallback) const {
  auto value = Get(name);
  if (!value) return fallback;
  try {
    size_t used = 0;
    int64_t parsed = std::stoll(*value, &used);
    if (used != value->size()) throw std::invalid_argument("trailing");
    return parsed;
  } catch (const std::exception&) {
    throw UsageError{"--" + name + ": '" + *value + "' is not a whole number"};
  }
}

double Arguments::GetDouble(const std::string& name, double fallback) const {
  auto value = Get(name);
  if (!value) return fallback;
  try {
    size_t used = 0;
    double parsed = std::stod(*value, &used);
    if (used != value->size()) throw std::invalid_argument("trailing");
    return parsed;
  } catch (const std::exception&) {
    throw UsageError{"--" + name + ": '" + *value + "' is not a number"};
  }
}

namespace {

// A hint for the errors a newcomer meets first: no server, TLS mismatch, a read as of a time
// before the thing existed, a missing token.
std::string Hint(const CliContext& cli, const grpc::Status& status) {
  const auto& options = cli.client->options();
  const std::string& message = status.error_message();
  auto has = [&](const char* text) { return message.find(text) != std::string::npos; };
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      if (has("handshake")) {
        return "the TLS handshake with " + options.target +
               " failed: the server may serve plaintext (drop --tls-ca) or another CA signed it";
      }
      if (has("Socket closed") && options.tls_ca_file.empty()) {
        return "the server at " + options.target +
               " closed the connection: if it serves TLS, pass --tls-ca CA.pem (see docs/cli.md)";
      }
      if (has("connect")) {
        return "no claimgraphd answers at " + options.target +
               ": start one with `make run` (from the source tree), or pass --server HOST:PORT";
      }
      return "";
    case grpc::StatusCode::NOT_FOUND:
      if (!cli.as_of.empty())
        return "as of " + cli.as_of + ": the database did not hold it at that time";
      return "";
    case grpc::StatusCode::UNAUTHENTICATED:
      if (options.token.empty()) return "the server wants a token: pass --token-file FILE";
      return "";
    default:
      return "";
  }
}

}  // namespace

int ReportError(CliContext& cli, const grpc::Status& status) {
  *cli.err << "error: " << CodeName(status.error_code()) << ": " << status.error_message() << "\n";
  std::string hint = cli.client != nullptr ? Hint(cli, status) : "";
  if (!hint.empty()) *cli.err << "hint: " << hint << "\n";
  return static_cast<int>(status.error_code());
}

std::unique_ptr<grpc::ClientContext> StreamContext(const CliContext& cli) {
  auto context = cli.client->NewContext();
  if (!cli.timeout_given) context->set_deadline(std::chrono::system_clock::time_point::max());
  return context;
}

std::vector<Option> Concat(std::vector<Option> first, const std::vector<Option>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

Option AsOfOption() {
  return {"as-of", "TIME",
          "answer as the database knew it at TIME (RFC 3339, or YYYY-MM-DD for midnight UTC)"};
}

std::vector<Option> PagingOptions() {
  return {{"page-size", "N", "results per page (0: the server's default)"},
          {"page-token", "T", "continue where the previous page's 'next page' left off"}};
}

void PrintJson(CliContext& cli, const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = false;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    *cli.err << "error: cannot print JSON: " << status.message() << "\n";
    return;
  }
  *cli.out << json << "\n";
}

void PrintTable(CliContext& cli, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t c = 0; c < header.size(); ++c) widths[c] = header[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], std::min<size_t>(row[c].size(), 60));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < header.size(); ++c) {
      std::string cell = c < row.size() ? row[c] : "";
      if (cell.size() > 60) cell = cell.substr(0, 57) + "...";
      line += cell;
      if (c + 1 < header.size())
        line += std::string(widths[c] - std::min(widths[c], cell.size()) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    *cli.out << line << "\n";
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

void PrintFields(CliContext& cli, const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size());
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    *cli.out << key << ":" << std::string(width - key.size() + 1, ' ') << value << "\n";
  }
}

google::protobuf::Timestamp ParseTime(const std::string& option, const std::string& text) {
  google::protobuf::Timestamp timestamp;
  std::string value = text;
  // Accept a bare date for convenience: 2023-06-09 means midnight UTC.
  if (value.size() == 10 && value[4] == '-' && value[7] == '-') value += "T00:00:00Z";
  if (!google::protobuf::util::TimeUtil::FromString(value, &timestamp)) {
    throw UsageError{"--" + option + ": '" + text +
                     "' is not an RFC 3339 time (2023-06-09T12:00:00Z)"};
  }
  return timestamp;
}

std::string FormatTime(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

std::string FormatBytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%lld B", static_cast<long long>(bytes));
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

int ParseEnum(const std::string& option, const std::string& text,
              const google::protobuf::EnumDescriptor* descriptor) {
  std::string wanted = Upper(text);
  for (char& c : wanted) {
    if (c == '-') c = '_';
  }
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    const std::string& name = value->name();
    if (name.size() >= wanted.size() &&
        name.compare(name.size() - wanted.size(), wanted.size(), wanted) == 0 &&
        (name.size() == wanted.size() || name[name.size() - wanted.size() - 1] == '_') &&
        name.find("UNSPECIFIED") == std::string::npos) {
      return value->number();
    }
  }
  std::string choices;
  for (int i = 1; i < descriptor->value_count(); ++i) {
    if (!choices.empty()) choices += ", ";
    choices += EnumName(descriptor, descriptor->value(i)->number());
  }
  throw UsageError{"--" + option + ": '" + text + "' is not one of " + choices};
}

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor, int value) {
  const auto* found = descriptor->FindValueByNumber(value);
  if (found == nullptr) return std::to_string(value);
  // Strip the enum's prefix: STANCE_SUPPORTS -> supports.
  std::string name = found->name();
  std::string prefix;
  for (char c : descriptor->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  prefix += '_';
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace claimgraph::cli
