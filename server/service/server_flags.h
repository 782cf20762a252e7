// Command-line flags and the optional config file of claimgraphd, parsed into ServerOptions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/server.h"

namespace claimgraph::service {

struct ServerCommand {
  ServerOptions options;
  LogLevel log_level = LogLevel::kInfo;
  // NDJSON import files loaded (idempotently) before serving.
  std::vector<std::string> load_files;
  bool help = false;
  bool version = false;
};

// Parses `--name=value` / `--name value` flags. `--config FILE` reads `name = value` lines
// (# comments) first; flags given on the command line override the file. Errors name the flag.
absl::StatusOr<ServerCommand> ParseServerFlags(const std::vector<std::string>& arguments);
std::string ServerFlagsHelp();

}  // namespace claimgraph::service
