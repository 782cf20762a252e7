// StorageEdgeSource: a cursor over the out- or in-edge keys of one node in one snapshot.
#include "engine/traversal/edge_source.h"

#include "engine/status_macros.h"

namespace claimgraph::traversal {

absl::Status StorageEdgeSource::ForEach(char direction, uint64_t node,
                                        std::optional<uint32_t> predicate,
                                        std::optional<EdgePosition> after,
                                        const std::function<bool(const Edge&)>& visit) const {
  // Literal objects are not graph edges: skipped before a past view recomputes their aggregate.
  ReadView::EdgeScan scan{predicate, after, /*entity_objects_only=*/true};
  return view_->ForEachEdge(direction, node, scan,
                            [&](const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
                              return visit(Edge{direction, node, key.predicate, key.other,
                                                key.statement, EdgeFields::From(aggregate)});
                            });
}

}  // namespace claimgraph::traversal
