// EdgeSource: where a traversal gets the edges of one entity, at one consistent version of the
// graph. Two implementations: StorageEdgeSource walks the RocksDB edge keys (out/in) of one
// ReadView; TopologyEdgeSource (topology.h) reads the in-memory topology. Both give the same
// edges, with the same aggregates, in the same order (edge-key order), so every query runs on
// either.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <tuple>

#include "absl/status/status.h"
#include "engine/read_view.h"
#include "engine/storage/edge_aggregate.h"
#include "engine/storage/key_codec.h"

namespace claimgraph::traversal {

// The filter fields a traversal reads from an edge's aggregate. Both sources report exactly
// these, so answers do not depend on which source served them.
struct EdgeFields {
  int64_t claims = 0;      // active claims
  int64_t supporting = 0;  // of which support
  int64_t refuting = 0;    // of which refute
  double confidence = 0;   // EdgeAggregate::EffectiveConfidence()
  uint64_t first_recorded_at = 0;

  static EdgeFields From(const storage::EdgeAggregate& aggregate) {
    return {aggregate.claims, aggregate.supporting, aggregate.refuting,
            aggregate.EffectiveConfidence(), aggregate.first_recorded_at};
  }
};

// One edge seen from `node`: out-edges (direction keys::kOutEdge) have node = subject and
// other = object; in-edges (keys::kInEdge) have node = object and other = subject. Edges whose
// object is a literal (object 0) are not graph edges and are never reported.
struct Edge {
  char direction = keys::kOutEdge;
  uint64_t node = 0;
  uint32_t predicate = 0;
  uint64_t other = 0;
  uint64_t statement = 0;
  EdgeFields fields;

  uint64_t subject() const { return direction == keys::kOutEdge ? node : other; }
  uint64_t object() const { return direction == keys::kOutEdge ? other : node; }
  // The position of the edge in key order within (direction, node).
  std::tuple<uint32_t, uint64_t, uint64_t> Position() const {
    return {predicate, other, statement};
  }
};

using EdgePosition = std::tuple<uint32_t, uint64_t, uint64_t>;

// Answers for one version of the graph (one snapshot, one as_of). Used by one thread at a time.
class EdgeSource {
 public:
  virtual ~EdgeSource() = default;
  // Visits, in key order, the edges of `node` in `direction` that existed at the view's as_of,
  // with their aggregate as of then; only edges of `predicate` when given, and only edges after
  // `after` when given. `visit` returns false to stop.
  virtual absl::Status ForEach(char direction, uint64_t node, std::optional<uint32_t> predicate,
                               std::optional<EdgePosition> after,
                               const std::function<bool(const Edge&)>& visit) const = 0;
  // The view every other read of the query goes through (claims, entities, names).
  virtual const ReadView& view() const = 0;
  // True when the source knows, without a storage read, that the entity with internal id
  // `internal` and external id `external` exists at the view's time; false when it does not know
  // (the caller then reads the dictionary under the view). Lets a query trust an id mapping that
  // did not come from its own snapshot (the record cache's) only when the entity is there.
  virtual bool KnowsEntity(uint64_t internal, std::string_view external) const {
    (void)internal;
    (void)external;
    return false;
  }
};

// Walks the edge keys of `view`'s snapshot. Past as_of: each edge's aggregate is recomputed from
// its claims (ReadView::AggregateAsOf).
class StorageEdgeSource final : public EdgeSource {
 public:
  explicit StorageEdgeSource(const ReadView* view) : view_(view) {}
  absl::Status ForEach(char direction, uint64_t node, std::optional<uint32_t> predicate,
                       std::optional<EdgePosition> after,
                       const std::function<bool(const Edge&)>& visit) const override;
  const ReadView& view() const override { return *view_; }

 private:
  const ReadView* view_;
};

}  // namespace claimgraph::traversal
