// RenderSvg: DOT text to SVG with Graphviz's library (libgvc), in process. Graphviz keeps
// global state and is not thread-safe: callers serialise (the HTTP endpoint has one thread;
// the function also takes a lock).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace claimgraph::service::http {

// InvalidArgument when the DOT does not parse, Internal when layout or rendering fails.
absl::StatusOr<std::string> RenderSvg(std::string_view dot);

}  // namespace claimgraph::service::http
