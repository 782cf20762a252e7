// Options every traversal query shares: which edges a hop may take (EdgeFilter), how much work
// and memory a query may spend (QueryLimits), and what a query reports when a limit cut it (Cut).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace claimgraph::traversal {

enum class Direction {
  kOut,   // subject to object
  kIn,    // object to subject
  kBoth,  // either way; out-edges are listed before in-edges
};

enum class StanceFilter {
  kIncludeDisputed,  // at least one supporting claim (refuting ones allowed)
  kSupportedOnly,    // at least one supporting claim and no refuting claim
  kAny,              // at least one active claim, whatever its stance
};

// Which edges a hop may take. Names are external ids (entity ids, predicate names, source ids).
struct EdgeFilter {
  Direction direction = Direction::kOut;
  std::vector<std::string> predicates;      // empty: any
  std::vector<std::string> neighbor_types;  // entity types, with their subtypes; empty: any
  // On the statement's effective confidence (the fused score when computed, else the best
  // supporting claim's attribution confidence).
  double min_confidence = 0;
  StanceFilter stance = StanceFilter::kIncludeDisputed;
  // Claim-level filters, checked against the statement's active claims as of the query's time.
  // The stance rule is applied to the claims that remain after them: with include_claimants,
  // only claims whose claimant (or on_behalf_of) is listed count; claims by excluded claimants
  // or from excluded sources never count.
  std::vector<std::string> include_claimants;
  std::vector<std::string> exclude_claimants;
  std::vector<std::string> include_sources;
  std::vector<std::string> exclude_sources;
};

// Bounds on one query. Every bound that stops a query is reported in Cut, never silently.
struct QueryLimits {
  // Entities reported (Traverse, Subgraph) or paths returned (FindPaths).
  size_t max_results = 10000;
  // Edges taken from one entity; a hub's other edges are skipped (Cut::fanout).
  size_t max_fanout = 10000;
  // Edges read from storage or the topology over the whole query, accepted or not: bounds its
  // time and, with max_fanout, the memory it holds.
  size_t max_edges_scanned = 5'000'000;
  // Bytes of edges the query holds while it runs (expanded edges, paths found): bounds its
  // working memory whatever the graph's shape (Cut::memory).
  size_t max_memory_bytes = 256u << 20;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Polled while the query runs; true cancels it (Cut::cancelled).
  std::function<bool()> cancelled;
};

// Which limits cut a query's answer short. A cut answer is still correct as far as it goes.
struct Cut {
  bool results = false;
  bool fanout = false;
  bool edges_scanned = false;
  bool deadline = false;
  bool cancelled = false;
  bool memory = false;  // QueryLimits::max_memory_bytes
  // The answer reached the server's answer size limit (set by the service that builds it).
  bool answer_bytes = false;
  bool any() const {
    return results || fanout || edges_scanned || deadline || cancelled || memory || answer_bytes;
  }
  // "results,fanout" style list; empty when nothing was cut.
  std::string Describe() const;
  void Merge(const Cut& other);
};

}  // namespace claimgraph::traversal
