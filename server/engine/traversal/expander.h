// Expander: the accepted edges of one entity under an EdgeFilter, read from an EdgeSource, with
// the query's limits enforced as it reads (fan-out per entity, edges scanned, deadline,
// cancellation). Every traversal query expands entities only through it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/traversal/edge_source.h"
#include "engine/traversal/options.h"

namespace claimgraph::traversal {

class Expander {
 public:
  // Resolves the filter's names against the source's view. InvalidArgument names the field
  // ("filter.predicates[1]: ...") for a predicate the schema does not know.
  static absl::StatusOr<std::unique_ptr<Expander>> Create(const EdgeSource* source,
                                                          const EdgeFilter& filter,
                                                          const QueryLimits& limits);

  // Visits the accepted edges of `entity` in key order (out-edges, then in-edges), at most
  // max_fanout of them (Cut::fanout when more were left), starting after `after` when given
  // (positions are per direction: a direction before `after_direction` is skipped). `visit`
  // returns false to stop. Stops early, with Cut set, when a query-wide limit is hit.
  absl::Status Expand(uint64_t entity, const std::function<bool(const Edge&)>& visit,
                      std::optional<std::pair<char, EdgePosition>> after = std::nullopt,
                      std::optional<size_t> max_edges = std::nullopt);
  // Whether the edge passes the filter (the neighbour's type and claim-level checks included).
  absl::StatusOr<bool> Accepts(const Edge& edge);

  // Polls the deadline and the cancellation callback (on the first call and every 64th after);
  // true (with Cut set) when the query must stop. Cheap enough to call per vertex.
  bool Interrupted();
  // True once any query-wide limit (edges scanned, deadline, cancellation) stopped the query.
  bool stopped() const { return cut_.edges_scanned || cut_.deadline || cut_.cancelled; }

  const Cut& cut() const { return cut_; }
  Cut* mutable_cut() { return &cut_; }
  const QueryLimits& limits() const { return limits_; }
  const EdgeSource& source() const { return *source_; }
  const ReadView& view() const { return source_->view(); }
  size_t edges_scanned() const { return edges_scanned_; }
  // The last edge Expand fully handled (accepted and visited, or rejected): where a paged
  // listing resumes.
  const std::optional<std::pair<char, EdgePosition>>& last_consumed() const {
    return last_consumed_;
  }

 private:
  Expander(const EdgeSource* source, const EdgeFilter& filter, const QueryLimits& limits)
      : source_(source), filter_(filter), limits_(limits) {}
  absl::StatusOr<bool> NeighborTypeAllowed(uint64_t entity);
  absl::StatusOr<bool> ClaimsAllow(uint64_t statement);
  bool StanceAllows(int64_t claims, int64_t supporting, int64_t refuting) const;

  const EdgeSource* source_;
  EdgeFilter filter_;
  QueryLimits limits_;
  Cut cut_;
  size_t edges_scanned_ = 0;
  uint64_t interrupt_polls_ = 0;
  std::optional<std::pair<char, EdgePosition>> last_consumed_;
  // Resolved filter: predicate ids in ascending order (key order), nullopt: any.
  std::optional<std::vector<uint32_t>> predicates_;
  std::set<uint64_t> include_claimants_, exclude_claimants_, include_sources_, exclude_sources_;
  bool claim_level_ = false;
  std::unordered_map<uint64_t, bool> type_allowed_;    // by entity
  std::unordered_map<uint64_t, bool> claims_allowed_;  // by statement
};

}  // namespace claimgraph::traversal
