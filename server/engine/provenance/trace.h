// Trace: the provenance DAG behind a claim or a statement — relays, source derivations, found-in,
// claimant, on_behalf_of, basis and publishers — with its roots, who said it first, where it
// first appeared and the flags of docs/provenance.md section 1. The walk is breadth first with an
// explicit queue (no recursion) and stops at a node limit.
#pragma once

#include <cstddef>
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

}  // namespace claimgraph::provenance
