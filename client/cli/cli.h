// The claimgraph CLI framework: parsed arguments, the command table, and output helpers shared
// by every command (tables for people, --json for scripts, errors with their gRPC status).
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "claimgraph_client.h"

namespace claimgraph::cli {

// Exit status of a usage error (sysexits.h EX_USAGE); an RPC error exits with its gRPC code.
inline constexpr int kUsageError = 64;

// Thrown only inside the CLI's own parsing, caught in main: a usage error with its message.
struct UsageError {
  std::string message;
};

class Arguments {
 public:
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;

  bool Has(const std::string& name) const { return options.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  // The option's value, or a UsageError naming it.
  std::string Require(const std::string& name) const;
  // The n-th positional argument, or a UsageError naming `what`.
  std::string Positional(size_t index, const std::string& what) const;
  int64_t GetInt(const std::string& name, int64_t fallback) const;
  double GetDouble(const std::string& name, double fallback) const;
};

struct CliContext {
  client::ClaimGraphClient* client = nullptr;
  bool json = false;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

struct Command {
  std::string path;   // "entity get"
  std::string usage;  // "ID [--as-of TIME]"
  std::string help;
  // Options that take no value (every other --option takes one).
  std::vector<std::string> switches;
  std::function<int(CliContext&, const Arguments&)> run;
};

class CommandTable {
 public:
  void Add(Command command) { commands_.push_back(std::move(command)); }
  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

// Each area registers its commands here (core_commands.cc and one file per area).
void RegisterCoreCommands(CommandTable& table);
void RegisterBackupCommands(CommandTable& table);
void RegisterProvenanceCommands(CommandTable& table);

// --- helpers for commands ---
// Prints "error: CODE: message" and returns the gRPC code as the exit status.
int ReportError(CliContext& cli, const grpc::Status& status);
// Prints a message as protobuf JSON (one object, field names as in the proto).
void PrintJson(CliContext& cli, const google::protobuf::Message& message);
// Aligned columns with a header row.
void PrintTable(CliContext& cli, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);
// "key: value" lines, aligned.
void PrintFields(CliContext& cli, const std::vector<std::pair<std::string, std::string>>& fields);
// RFC 3339 parsing (UsageError naming the option) and formatting ("-" when unset).
google::protobuf::Timestamp ParseTime(const std::string& option, const std::string& text);
std::string FormatTime(const google::protobuf::Timestamp& timestamp);
// Sets `as_of` from --as-of when given.
void ApplyAsOf(const Arguments& arguments, google::protobuf::Timestamp* as_of, bool* present);
// The enum value named `text` (case-insensitive, with or without the enum's prefix).
int ParseEnum(const std::string& option, const std::string& text,
              const google::protobuf::EnumDescriptor* descriptor);
std::string EnumName(const google::protobuf::EnumDescriptor* descriptor, int value);

}  // namespace claimgraph::cli
