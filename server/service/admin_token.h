// The admin token a server generates when it is given no --tokens-file: secure by default, still
// one command to start. The first start writes a random token to <data-dir>/admin.token (mode
// 0600, readable only by the server's user); later starts read it back. Local tools that can read
// the file (the claimgraph CLI, from the data directory) use it; nobody else can call the API.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace claimgraph::service {

// The file's name inside the data directory.
inline constexpr char kAdminTokenFile[] = "admin.token";
// The principal the generated token acts as (what writes record as recorded_by).
inline constexpr char kAdminTokenPrincipal[] = "admin";

// The token in <data_dir>/admin.token, created (64 random hex digits, mode 0600) when absent.
// `created` tells whether this call wrote it. Errors name the file.
absl::StatusOr<std::string> EnsureAdminToken(const std::string& data_dir, bool* created);

}  // namespace claimgraph::service
