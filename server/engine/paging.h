// Page tokens: opaque to clients. A token carries the key to resume from and a fingerprint of the
// query that made it, so a token replayed against a different query is rejected, not misread.
#pragma once

#include <cstdint>
#include <optional>
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

// Answers paged as of one pinned time (the provenance answers): the token's resume key starts
// with the as_of of the first page (u64), so every later page is answered as of that time.
std::string EncodePinnedPageToken(uint64_t query_fingerprint, uint64_t as_of,
                                  std::string_view position);
// The as_of a pinned token carries, read before the query's view is opened (nullopt for an empty
// token). Only the token's form is checked here; DecodePinnedPageToken checks its query.
absl::StatusOr<std::optional<uint64_t>> PinnedPageTokenAsOf(std::string_view token);
// The position of a pinned token ("" for an empty token). InvalidArgument("page_token: ...") when
// it is malformed, belongs to another query, or pins another time than `as_of` (the view's).
absl::StatusOr<std::string> DecodePinnedPageToken(std::string_view token,
                                                  uint64_t query_fingerprint, uint64_t as_of);

}  // namespace claimgraph::paging
