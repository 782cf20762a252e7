// StorageEdgeSource: a cursor over the out- or in-edge keys of one node in one snapshot.
#include "engine/traversal/edge_source.h"

#include "engine/status_macros.h"

namespace claimgraph::traversal {

absl::Status StorageEdgeSource::ForEach(char direction, uint64_t node,
                                        std::optional<uint32_t> predicate,
                                        std::optional<EdgePosition> after,
                                        const std::function<bool(const Edge&)>& visit) const {
  std::string prefix =
      predicate ? keys::EdgePrefix(direction, node, *predicate) : keys::EdgePrefix(direction, node);
  auto cursor = view_->store().NewCursor(view_->snapshot(), storage::Family::kEdges, prefix,
                                         keys::PrefixSuccessor(prefix));
  if (after) {
    // Seek to the first key after `after`: the key itself, then step over it when present.
    auto [after_predicate, after_other, after_statement] = *after;
    std::string resume =
        keys::EdgeKey{direction, node, after_predicate, after_other, after_statement}.Encode();
    cursor->Seek(resume);
    if (cursor->Valid() && cursor->key() == resume) cursor->Next();
  } else {
    cursor->SeekToFirst();
  }
  for (; cursor->Valid(); cursor->Next()) {
    auto key = keys::EdgeKey::Decode(cursor->key());
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!key || !aggregate) return absl::DataLossError("corrupt edge");
    if (key->other == 0) continue;  // literal object: not a graph edge
    if (!view_->current()) {
      // first_recorded_at never moves later, so an edge first recorded after as_of is absent.
      if (aggregate->first_recorded_at > view_->as_of()) continue;
      CG_ASSIGN_OR_RETURN(aggregate, view_->AggregateAsOf(key->statement));
      if (aggregate->first_recorded_at > view_->as_of()) continue;
    }
    Edge edge{direction,  node,           key->predicate,
              key->other, key->statement, EdgeFields::From(*aggregate)};
    if (!visit(edge)) break;
  }
  return cursor->status();
}

}  // namespace claimgraph::traversal
