// `trace --format dot`: the shared trace drawing (drawing/trace_dot.h) with the traced
// proposition, fetched from the server, as its title.
#pragma once

#include <string>

#include "cli/cli.h"

namespace claimgraph::cli {

// Exactly one of claim_id and statement_id is set: what was traced.
void PrintTraceDot(CliContext& cli, const v1::Trace& trace, const std::string& claim_id,
                   const std::string& statement_id);

}  // namespace claimgraph::cli
