// ExplorationGraph: the graph as Boost.Graph sees it during one query. It models BGL's
// IncidenceGraph over the Expander, so BGL's breadth_first_visit and dijkstra_shortest_paths
// run on the filtered graph without copying it: an entity's accepted edges are read on first
// use and kept in an arena for the rest of the query (the memory a query holds is its visited
// entities' accepted edges, bounded by max_fanout and max_edges_scanned).
//
// Vertices are entity ids, or, in a layered graph (hop-bounded path searches), an entity id with
// its hop count in the top byte: Dijkstra over the layers finds the best path of at most
// max_hops edges exactly. Searches stop early by throwing SearchStopped from a visitor or from
// out_edges; the query that started the search catches it.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/graph/graph_traits.hpp>
#include <boost/iterator/iterator_facade.hpp>

#include "absl/status/status.h"
#include "engine/traversal/expander.h"

namespace claimgraph::traversal {

// Thrown inside a BGL search to end it; never leaves the query function that ran the search.
struct SearchStopped {};

inline constexpr int kHopShift = 56;
inline constexpr uint64_t kEntityMask = (uint64_t{1} << kHopShift) - 1;
inline uint64_t EntityOf(uint64_t vertex) { return vertex & kEntityMask; }
inline uint32_t HopsOf(uint64_t vertex) { return static_cast<uint32_t>(vertex >> kHopShift); }
inline uint64_t Layered(uint64_t entity, uint32_t hops) {
  return entity | (static_cast<uint64_t>(hops) << kHopShift);
}

class ExplorationGraph;

// An arc of the exploration graph: the arena edge it follows, from a given vertex.
struct Arc {
  uint64_t source = 0;
  uint32_t edge = 0;  // index into the arena
  bool operator==(const Arc& other) const { return source == other.source && edge == other.edge; }
  bool operator!=(const Arc& other) const { return !(*this == other); }
};

// Iterates the arena range of one entity, skipping arcs the graph bans (Yen's spur searches,
// hop bounds).
class ArcIterator
    : public boost::iterator_facade<ArcIterator, Arc, boost::forward_traversal_tag, Arc> {
 public:
  ArcIterator() = default;
  ArcIterator(const ExplorationGraph* graph, uint64_t source, uint32_t position, uint32_t end);

 private:
  friend class boost::iterator_core_access;
  Arc dereference() const { return Arc{source_, position_}; }
  bool equal(const ArcIterator& other) const { return position_ == other.position_; }
  void increment();
  void SkipBanned();

  const ExplorationGraph* graph_ = nullptr;
  uint64_t source_ = 0;
  uint32_t position_ = 0, end_ = 0;
};

class ExplorationGraph {
 public:
  // `max_hops` > 0 makes the graph layered: vertex (entity, h) leads to (neighbour, h + 1) for
  // h < max_hops. 0: plain entity vertices.
  ExplorationGraph(Expander* expander, uint32_t max_hops)
      : expander_(expander), max_hops_(max_hops) {}

  // The accepted edges of `entity`, read on first use. Throws SearchStopped on a storage error
  // (kept in status()) or when a query-wide limit stops the query.
  std::pair<uint32_t, uint32_t> EdgesOf(uint64_t entity) const;
  const Edge& edge(uint32_t index) const { return arena_[index]; }
  uint64_t Target(const Arc& arc) const {
    uint64_t other = arena_[arc.edge].other;
    return max_hops_ == 0 ? other : Layered(other, HopsOf(arc.source) + 1);
  }
  // Whether the arc may be taken: hop bound, bans, expansion predicate.
  bool Allowed(uint64_t source, uint32_t edge) const;

  // Only vertices for which `may_expand` is true get out-edges (BFS depth bounds).
  void set_may_expand(std::function<bool(uint64_t vertex)> may_expand) {
    may_expand_ = std::move(may_expand);
  }
  bool MayExpand(uint64_t vertex) const {
    if (max_hops_ != 0 && HopsOf(vertex) >= max_hops_) return false;
    return !may_expand_ || may_expand_(vertex);
  }
  // Bans for Yen's spur searches: arena edges and entities that may not be used.
  std::unordered_set<uint32_t>& banned_edges() { return banned_edges_; }
  std::unordered_set<uint64_t>& banned_entities() { return banned_entities_; }
  // Arcs to the entity itself are never useful to a search (a self-loop re-reaches its source).
  void set_skip_self_loops(bool skip) { skip_self_loops_ = skip; }

  const absl::Status& status() const { return status_; }
  Expander& expander() const { return *expander_; }
  size_t arena_size() const { return arena_.size(); }

 private:
  Expander* expander_;
  uint32_t max_hops_;
  std::function<bool(uint64_t)> may_expand_;
  std::unordered_set<uint32_t> banned_edges_;
  std::unordered_set<uint64_t> banned_entities_;
  bool skip_self_loops_ = false;
  // Mutable: BGL passes the graph as const, and expansion is a cache fill.
  mutable std::vector<Edge> arena_;
  mutable std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> expanded_;
  mutable absl::Status status_;
};

// --- BGL IncidenceGraph interface (found by argument-dependent lookup) ---
std::pair<ArcIterator, ArcIterator> out_edges(uint64_t vertex, const ExplorationGraph& graph);
inline uint64_t source(const Arc& arc, const ExplorationGraph&) { return arc.source; }
inline uint64_t target(const Arc& arc, const ExplorationGraph& graph) { return graph.Target(arc); }
size_t out_degree(uint64_t vertex, const ExplorationGraph& graph);

}  // namespace claimgraph::traversal

namespace boost {
template <>
struct graph_traits<claimgraph::traversal::ExplorationGraph> {
  using vertex_descriptor = uint64_t;
  using edge_descriptor = claimgraph::traversal::Arc;
  using out_edge_iterator = claimgraph::traversal::ArcIterator;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = incidence_graph_tag;
  using degree_size_type = size_t;
  using vertices_size_type = size_t;
  using edges_size_type = size_t;
  using adjacency_iterator = void;
  using in_edge_iterator = void;
  using vertex_iterator = void;
  using edge_iterator = void;
  static vertex_descriptor null_vertex() { return 0; }  // 0 is never an entity id
};
}  // namespace boost
