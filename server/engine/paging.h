// Page tokens: opaque to clients. A token carries the key to resume from and a fingerprint of the
// query that made it, so a token replayed against a different query is rejected, not misread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace claimgraph::paging {

// A stable 64-bit fingerprint (FNV-1a) of a query's canonical description.
uint64_t Fingerprint(std::string_view canonical_query);
std::string EncodePageToken(uint64_t query_fingerprint, std::string_view resume_key);
// The resume key of `token` ("" for an empty token). InvalidArgument("page_token: ...") when the
// token is malformed or belongs to another query.
absl::StatusOr<std::string> DecodePageToken(std::string_view token, uint64_t query_fingerprint);

}  // namespace claimgraph::paging
