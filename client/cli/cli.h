// The claimgraph CLI framework: the declaration of a command (its positionals and options, from
// which the parser, the usage text and the completion script are all made), the parsed
// arguments, and the output helpers shared by every command (tables for people, --json for
// scripts, errors with their gRPC status and a hint for a newcomer).
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "claimgraph_client.h"

namespace claimgraph::cli {

// Exit status of a usage error (sysexits.h EX_USAGE); an RPC error exits with its gRPC code.
inline constexpr int kUsageError = 64;

// Thrown only inside the CLI's own parsing, caught in main: a usage error with its message.
struct UsageError {
  std::string message;
};

// One option of a command. `name` is the long name ("as-of" is --as-of); a one-letter name is
// also accepted with one dash (-k).
struct Option {
  std::string name;
  // The value's placeholder in the usage text ("TIME"); empty: a switch that takes no value.
  std::string value;
  std::string help;
  // May be given more than once, every value kept in order; else a second one is an error.
  bool repeated = false;
};

// A word of the command line that is not an option.
struct Positional {
  std::string name;  // "ID"
  std::string help;
  bool required = true;
  // Takes every remaining word (at least one when required).
  bool repeated = false;
};

// What a command received, checked against its declaration by the parser: every option here
// is one the command declared, with a value exactly when it takes one.
class Arguments {
 public:
  std::vector<std::string> positional;
  // Switches map to "true".
  std::multimap<std::string, std::string> options;
  // The options the command declared: reading any other is a programming error (it could never
  // be given), reported at once rather than answered as "not given".
  std::set<std::string> declared;

  bool Has(const std::string& name) const;
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  // The option's value, or a UsageError naming it (for options required only in some forms).
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
  // The --as-of value of the command, for error messages ("not found as of T").
  std::string as_of;
  // --timeout was given (else a long stream, import or export, has no deadline).
  bool timeout_given = false;
  // The command line as typed (without the program name), for printing a command to rerun.
  std::vector<std::string> words;
};

struct Command {
  std::string path;  // "entity get"; the first word of a two-word path is a group
  std::string help;
  std::vector<Positional> positionals;
  std::vector<Option> options;
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
void RegisterTraversalCommands(CommandTable& table);
void RegisterExchangeCommands(CommandTable& table);
void RegisterProvenanceCommands(CommandTable& table);

// The options every command accepts, anywhere on the line (the connection and --json).
std::vector<Option> GlobalOptions();
// Option lists shared by several commands.
std::vector<Option> Concat(std::vector<Option> first, const std::vector<Option>& second);
Option AsOfOption();
std::vector<Option> PagingOptions();

// --- helpers for commands ---
// Prints "error: CODE: message" (and a hint when the cause is a common mistake) and returns the
// gRPC code as the exit status.
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
// Bytes in binary units a person reads at a glance: "812 B", "14.9 MiB".
std::string FormatBytes(int64_t bytes);
// The enum value named `text` (case-insensitive, with or without the enum's prefix).
int ParseEnum(const std::string& option, const std::string& text,
              const google::protobuf::EnumDescriptor* descriptor);
std::string EnumName(const google::protobuf::EnumDescriptor* descriptor, int value);

// Sets the request's as_of from --as-of when given.
template <typename Request>
void SetAsOf(const Arguments& arguments, Request* request) {
  if (auto value = arguments.Get("as-of")) *request->mutable_as_of() = ParseTime("as-of", *value);
}

// One unary call with a fresh context (deadline, token, request id).
template <typename Stub, typename Request, typename Response>
grpc::Status Call(CliContext& cli, Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  return (stub.*method)(cli.client->NewContext().get(), request, response);
}

// Calls, then prints the answer: as JSON under --json, else with `print` (which may return an
// exit status). Returns the exit status: the gRPC code on error.
template <typename Stub, typename Request, typename Response, typename Print>
int Invoke(CliContext& cli, Stub& stub,
           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, Print print) {
  Response response;
  auto status = Call(cli, stub, method, request, &response);
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) {
    PrintJson(cli, response);
    return 0;
  }
  if constexpr (std::is_void_v<std::invoke_result_t<Print, const Response&>>) {
    print(response);
    return 0;
  } else {
    return print(response);
  }
}

// A context for a long stream (import, export): the token and request id of every call, and a
// deadline only when --timeout was given.
std::unique_ptr<grpc::ClientContext> StreamContext(const CliContext& cli);

// Parses the command line against the table and runs the command; returns the exit status.
// Help and --version print to `out` and exit 0; usage errors print to `err` and exit 64.
int RunCommandLine(const CommandTable& table, const std::vector<std::string>& words,
                   std::ostream& out, std::ostream& err);
// A bash completion script for every command and option of the table.
std::string BashCompletion(const CommandTable& table);

}  // namespace claimgraph::cli
