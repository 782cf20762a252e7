// Command lines of the bench tools, parsed by CLI11 (as client/cli/ is): unknown options and
// stray arguments are usage errors (exit 64, EX_USAGE, with the usage on stderr), --help prints
// the usage (exit 0).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>

namespace claimgraph::bench {

inline constexpr int kUsageError = 64;

// nullopt when the tool should go on; otherwise the exit status.
inline std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);
    return status == 0 ? 0 : kUsageError;
  }
  return std::nullopt;
}

}  // namespace claimgraph::bench
