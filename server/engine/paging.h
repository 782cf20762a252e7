// Page tokens: opaque to clients. A token carries the key to resume from and a fingerprint of the
// query that made it, so a token replayed against a different query is rejected, not misread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Graph answers (Trace, Subgraph) page over one sequence of items made of their nodes and edges,
// in the unpaged answer's orders: node n is followed by the edges that become complete with it.
// Edge i is complete at node max(c(i-1), later(i)), where later(i) is the later of its two ends in
// node order (c(-1) = 0): the first node from which on both ends of edge i, and of every edge
// before it, are known. So the pages' nodes, concatenated, are the unpaged nodes in order, their
// edges are the unpaged edges in order, and no page names a node of a later page.
struct GraphItem {
  bool is_edge = false;
  size_t index = 0;  // into the unpaged answer's nodes or edges
};
// `edge_later_end[i]`: the position of edge i's later end among the nodes (< node_count).
std::vector<GraphItem> GraphPageOrder(size_t node_count, const std::vector<size_t>& edge_later_end);
// A graph page position: the offset of the page's first item and the answer's item count, which
// a token's answer must have again (it does, as of the pinned time; a change means the token is
// not this answer's).
std::string EncodeGraphPosition(uint64_t offset, uint64_t item_count);
// The offset of a position made by EncodeGraphPosition for an answer of `item_count` items
// (0 for ""); InvalidArgument("page_token: ...") otherwise.
absl::StatusOr<uint64_t> DecodeGraphPosition(std::string_view position, uint64_t item_count);

}  // namespace claimgraph::paging
