// Where a client finds its bearer token when none is given: so that the CLI works against a
// server that generated its own admin token (claimgraphd without --tokens-file) with no flag.
// In order:
//   1. the CLAIMGRAPH_TOKEN environment variable;
//   2. the per-user file $XDG_CONFIG_HOME/claimgraph/token (default ~/.config/claimgraph/token);
//   3. for a loopback server only (the token is the local server's): the server's
//      <data-dir>/admin.token, with the data directory from CLAIMGRAPH_DATA_DIR or else the
//      server's default, data/db, when the file is readable.
// Each file's first line is the token. Empty when none is found.
#pragma once

#include <string>

namespace claimgraph::client {

std::string DiscoverToken(const std::string& target);

}  // namespace claimgraph::client
