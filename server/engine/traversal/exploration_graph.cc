// ExplorationGraph: lazy expansion into the arena and the arc iterator.
#include "engine/traversal/exploration_graph.h"

#include <limits>

namespace claimgraph::traversal {

ArcIterator::ArcIterator(const ExplorationGraph* graph, uint64_t source, uint32_t position,
                         uint32_t end)
    : graph_(graph), source_(source), position_(position), end_(end) {
  SkipBanned();
}

void ArcIterator::increment() {
  ++position_;
  SkipBanned();
}

void ArcIterator::SkipBanned() {
  while (position_ < end_ && !graph_->Allowed(source_, position_)) ++position_;
}

std::pair<uint32_t, uint32_t> ExplorationGraph::EdgesOf(uint64_t entity) const {
  auto found = expanded_.find(entity);
  if (found != expanded_.end()) return found->second;
  if (expander_->Interrupted()) throw SearchStopped{};
  if (arena_.size() >= std::numeric_limits<uint32_t>::max() - expander_->limits().max_fanout) {
    expander_->mutable_cut()->edges_scanned = true;
    throw SearchStopped{};
  }
  // The arena is the query's working memory: a new expansion may add up to max_fanout edges.
  if (arena_.size() * sizeof(Edge) > expander_->limits().max_memory_bytes) {
    expander_->mutable_cut()->memory = true;
    throw SearchStopped{};
  }
  auto begin = static_cast<uint32_t>(arena_.size());
  absl::Status status = expander_->Expand(entity, [&](const Edge& edge) {
    arena_.push_back(edge);
    return true;
  });
  if (!status.ok()) {
    status_ = status;
    throw SearchStopped{};
  }
  if (expander_->stopped()) {
    // The entity's list may be partial: a search must not go on as if it were complete.
    arena_.resize(begin);
    throw SearchStopped{};
  }
  auto range = std::make_pair(begin, static_cast<uint32_t>(arena_.size()));
  expanded_.emplace(entity, range);
  return range;
}

bool ExplorationGraph::Allowed(uint64_t source, uint32_t edge) const {
  const Edge& e = arena_[edge];
  if (skip_self_loops_ && e.other == e.node) return false;
  if (!banned_edges_.empty() && banned_edges_.count(edge) != 0) return false;
  if (!banned_entities_.empty() && banned_entities_.count(e.other) != 0) return false;
  (void)source;
  return true;
}

std::pair<ArcIterator, ArcIterator> out_edges(uint64_t vertex, const ExplorationGraph& graph) {
  if (!graph.MayExpand(vertex)) {
    ArcIterator empty(&graph, vertex, 0, 0);
    return {empty, empty};
  }
  auto [begin, end] = graph.EdgesOf(EntityOf(vertex));
  return {ArcIterator(&graph, vertex, begin, end), ArcIterator(&graph, vertex, end, end)};
}

size_t out_degree(uint64_t vertex, const ExplorationGraph& graph) {
  auto [begin, end] = out_edges(vertex, graph);
  return static_cast<size_t>(std::distance(begin, end));
}

}  // namespace claimgraph::traversal
