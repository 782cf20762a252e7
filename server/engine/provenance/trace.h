// Trace: the provenance DAG behind a claim or a statement — relays, source derivations, found-in,
// claimant, on_behalf_of, basis and publishers — with its roots, who said it first, where it
// first appeared and the flags of docs/provenance.md section 1. The walk is breadth first with an
// explicit queue (no recursion) and stops at a node limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "claimgraph/v1/provenance_service.pb.h"
#include "engine/read_view.h"

namespace claimgraph::provenance {

struct TraceOptions {
  // At most this many nodes; beyond it the trace is cut and `truncated` set.
  size_t max_nodes = 10'000;
  // TraceStatement: start from retracted and deprecated claims too.
  bool include_inactive = false;
};

// InvalidArgument for an empty id; NotFound when the claim is unknown at the view's time.
absl::StatusOr<v1::Trace> TraceClaim(const ReadView& view, std::string_view claim_id,
                                     const TraceOptions& options = {});
// The union of the traces of the statement's claims.
absl::StatusOr<v1::Trace> TraceStatement(const ReadView& view, std::string_view statement_id,
                                         const TraceOptions& options = {});

// Paging a trace (docs/provenance.md section 1, "Paged traces"). Every page walks the whole trace
// again (bounded by max_nodes, as unpaged) and answers the slice of its items the token names:
// the nodes in walk order, each followed by the edges that become complete with it
// (paging::GraphPageOrder). The view must be as of a pinned time, as for a paged WhoSaid.
struct TracePaging {
  size_t page_size = 0;  // > 0: items per page
  std::string page_token;
  // A page ends before the item that would take it past this many bytes (it holds at least one
  // item, and the first page its summaries); 0: no bound.
  size_t max_page_bytes = 0;
};
struct TracePage {
  // The page's nodes, edges and flags (those of its nodes); the summaries on the first page
  // only; truncated and as_of on every page.
  v1::Trace trace;
  std::string next_page_token;  // empty on the last page
  size_t total_nodes = 0;
  size_t total_edges = 0;
};
// As TraceClaim and TraceStatement, and InvalidArgument("page_token: ...") for a token that is
// malformed, of another query (id, max_nodes, include_inactive) or of another time.
absl::StatusOr<TracePage> TraceClaimPage(const ReadView& view, std::string_view claim_id,
                                         const TraceOptions& options, const TracePaging& paging);
absl::StatusOr<TracePage> TraceStatementPage(const ReadView& view, std::string_view statement_id,
                                             const TraceOptions& options,
                                             const TracePaging& paging);

}  // namespace claimgraph::provenance
