// Structured logging: one key=value line per event on stderr, filtered by level.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace claimgraph::service {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn", "error"; false for anything else.
bool ParseLogLevel(std::string_view text, LogLevel* level);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// Writes `ts=... level=... msg=... key=value ...`; values with spaces or quotes are quoted.
// Thread-safe: each line is written whole.
void Log(LogLevel level, std::string_view message,
         const std::vector<std::pair<std::string_view, std::string>>& fields = {});

}  // namespace claimgraph::service
