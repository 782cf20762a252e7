// The traversal queries: Neighbors (one hop, paged), Traverse (k-hop expansion), FindPaths
// (shortest by hops, most credible, k best, all simple paths up to a length) and Subgraph (the
// neighbourhood of a set of entities). Each runs on one EdgeSource, i.e. one consistent version
// of the graph, with Boost.Graph's breadth_first_visit and dijkstra_shortest_paths over the
// ExplorationGraph. Every limit that cuts an answer is reported in its Cut.
//
// Thread-safety: each call uses its EdgeSource (and its ReadView) from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/paging.h"
#include "engine/traversal/edge_source.h"
#include "engine/traversal/options.h"

namespace claimgraph::traversal {

// Largest depth a Traverse, Subgraph or path search may ask for.
inline constexpr uint32_t kMaxDepth = 64;

// --- Neighbors ---
struct NeighborsRequest {
  std::string entity_id;
  EdgeFilter filter;
  int32_t page_size = 0;  // 0: the default page size
  std::string page_token;
  // Only deadline and cancellation apply; a page scans at most Limits::max_scan_per_page edges
  // and returns a short page with a token when filters reject most of them.
  QueryLimits limits;
};
struct NeighborsResult {
  std::vector<Edge> edges;  // Edge::node is the entity asked about
  std::string next_page_token;
  Cut cut;
};
absl::StatusOr<NeighborsResult> Neighbors(const EdgeSource& source,
                                          const NeighborsRequest& request);

// --- Traverse ---
struct Reached {
  uint64_t entity = 0;
  uint32_t depth = 0;       // 0 for the start entities
  std::optional<Edge> via;  // the edge it was first reached by (Edge::other == entity)
};
struct TraverseRequest {
  std::vector<std::string> start_ids;
  uint32_t max_depth = 1;  // 1..kMaxDepth
  EdgeFilter filter;       // applied at every hop
  // max_results counts the entities reached beyond the starts.
  QueryLimits limits;
  // When set, each entity is handed over as it is reached (in breadth-first order) instead of
  // being kept in the result; returning false stops the query (reported as cancelled).
  std::function<bool(const Reached&)> on_reached;
};
struct TraverseResult {
  std::vector<Reached> reached;  // starts first, then breadth-first order; empty with on_reached
  size_t reported = 0;
  Cut cut;
};
absl::StatusOr<TraverseResult> Traverse(const EdgeSource& source, const TraverseRequest& request);

// --- FindPaths ---
enum class PathMode {
  kShortest,      // fewest edges (k > 1: the k shortest, Yen's algorithm on BGL Dijkstra)
  kMostCredible,  // least sum of -log(confidence), i.e. the greatest product of confidences
  kAllSimple,     // every simple path up to max_depth edges, up to max_results of them
};
struct PathsRequest {
  std::string from_id;
  std::string to_id;
  PathMode mode = PathMode::kShortest;
  uint32_t k = 1;          // shortest / most credible: how many paths (1..max_results)
  uint32_t max_depth = 4;  // edges in a path, 1..kMaxDepth
  EdgeFilter filter;
  QueryLimits limits;
};
struct Path {
  // In walking order: edges[i].node is the entity left, edges[i].other the entity entered.
  std::vector<Edge> edges;
  double weight = 0;      // hops, or sum of -log(confidence) for kMostCredible
  double confidence = 1;  // product of the edges' confidences
};
struct PathsResult {
  std::vector<Path> paths;  // best first (kAllSimple: in depth-first discovery order)
  Cut cut;
};
absl::StatusOr<PathsResult> FindPaths(const EdgeSource& source, const PathsRequest& request);

// --- Subgraph ---
struct SubgraphRequest {
  std::vector<std::string> entity_ids;
  uint32_t depth = 1;  // 0..kMaxDepth: 0 gives the entities and the edges among them
  EdgeFilter filter;
  QueryLimits limits;  // max_results counts entities beyond the given ones
};
struct SubgraphResult {
  std::vector<Reached> entities;
  // Each edge once, seen from its subject (direction kOutEdge), between entities of the result.
  std::vector<Edge> edges;
  Cut cut;
};
absl::StatusOr<SubgraphResult> Subgraph(const EdgeSource& source, const SubgraphRequest& request);

// --- Subgraph, paged ---
// Every page walks the whole subgraph again (within the request's limits, as unpaged) and
// answers the slice of its items the token names: the entities in the unpaged order, each
// followed by the edges that become complete with it (paging::GraphPageOrder), so the pages'
// entities and edges, concatenated, are the unpaged answer's in order. The source's view must be
// as of a pinned time (Database::NewPinnedReadView's for the first page, the token's after).
struct SubgraphPaging {
  size_t page_size = 0;  // > 0: items per page
  std::string page_token;
};
struct SubgraphPage {
  // The whole walk: every entity and edge, and its cut (never deadline or cancelled: a walk they
  // stop fails, since its pages would not be one answer).
  SubgraphResult whole;
  // This page's items, in order, indexing whole.entities and whole.edges.
  std::vector<paging::GraphItem> items;
  // The token that resumes after the first `sent` of this page's items ("" when they end the
  // answer): the next page's is TokenAfter(items.size()); a caller that sends fewer (an answer
  // size limit) resumes from where it stopped.
  std::string TokenAfter(size_t sent) const;

  uint64_t fingerprint = 0;
  uint64_t as_of = 0;
  uint64_t offset = 0;      // of the page's first item
  uint64_t item_count = 0;  // of the whole answer
};
// As Subgraph, and InvalidArgument("page_token: ...") for a token that is malformed, of another
// query (entities, depth, filter, limits) or of another time; DeadlineExceeded or Cancelled when
// the walk is stopped by them.
absl::StatusOr<SubgraphPage> SubgraphPaged(const EdgeSource& source, const SubgraphRequest& request,
                                           const SubgraphPaging& paging);

// The edge as seen from its subject (an in-edge turned around).
Edge AsOutEdge(const Edge& edge);

}  // namespace claimgraph::traversal
