// Corroborate: a statement's supporting and refuting claims grouped by independent origin, with
// each claim's discounted opinion, each origin's strongest claim and the cumulative fusion of the
// origins (docs/provenance.md sections 2-3). Also the StatementScorer that keeps the fused
// projected probability on the statement's edges for traversal filters.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "claimgraph/v1/provenance_service.pb.h"
#include "engine/database.h"
#include "engine/provenance/graph.h"
#include "engine/read_view.h"

namespace claimgraph::provenance {

struct CorroborateOptions {
  // Count retracted and deprecated claims too.
  bool include_inactive = false;
  // At most this many claims of the statement are examined; beyond it `truncated` is set.
  size_t max_claims = 1'000'000;
  // Beyond max_claims, answer with `truncated` alone, without examining any claim (the
  // statement scorer's size check).
  bool stop_when_truncated = false;
};

// NotFound when the statement is unknown at the view's time; InvalidArgument for an empty id.
absl::StatusOr<v1::CorroborateResponse> Corroborate(const ReadView& view,
                                                    std::string_view statement_id,
                                                    const CorroborateOptions& options = {});
// The same on a graph the caller shares between several answers (one snapshot).
absl::StatusOr<v1::CorroborateResponse> CorroborateStatement(ProvenanceGraph& graph,
                                                             uint64_t statement,
                                                             const CorroborateOptions& options);

// The fused projected probability of a statement at the view's time, or nullopt when no active
// claim supports or refutes it (stored as 0 on the edges: docs/provenance.md 3.5).
absl::StatusOr<std::optional<double>> FusedScore(const ReadView& view, uint64_t statement);
// The database's StatementScorer: FusedScore, or too_many_claims (nothing computed) when the
// statement has more than `max_claims` claims.
absl::StatusOr<StatementScore> ScoreStatement(const ReadView& view, uint64_t statement,
                                              size_t max_claims);
// Installs ScoreStatement as the database's StatementScorer. The server calls it once at start-up.
absl::Status InstallStatementScorer(Database& database);

void SetOpinion(const Opinion& opinion, v1::Opinion* out);
// The external ids of a relay cycle's members, in its relay order.
absl::Status AddRelayCycle(ProvenanceGraph& graph, const RelayCycle& cycle, v1::RelayCycle* out);

}  // namespace claimgraph::provenance
