// Topology: the graph's edges held in memory for traversal, as Boost.Graph
// compressed_sparse_row_graphs over dense vertex indices (out- and in-adjacency), with the filter
// fields beside each edge, built from one snapshot; plus an overlay of the edges added or changed
// by commits since that build, fed by a Database commit observer and folded in by rebuilds.
// RocksDB stays the source of truth: the topology is a cache of the edge family that can be
// dropped and rebuilt at any time.
//
// Versions: every overlay entry carries the commit time (the clock value its write stored), and a
// query pins one version = (base, overlay, time T) where T is the clock value stored in the
// query's own RocksDB snapshot. Entries after T are ignored, so a query sees exactly the commits
// its snapshot sees, whatever is written while it runs.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/traversal/edge_source.h"

namespace claimgraph::traversal {

// The filter fields stored beside each edge of the base topology (40 bytes).
struct TopologyEdge {
  uint64_t statement = 0;
  uint64_t first_recorded_at = 0;
  double confidence = 0;
  uint32_t predicate = 0;
  int32_t claims = 0;
  int32_t supporting = 0;
  int32_t refuting = 0;
};

// The in-edge CSR stores only the index of the edge in the out-edge CSR.
struct InEdgeRef {
  uint32_t out_edge = 0;
};

// Immutable after Build; shared by every version that uses it.
class BaseTopology {
 public:
  using OutGraph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, TopologyEdge,
                                         boost::no_property, uint32_t, uint32_t>;
  using InGraph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, InEdgeRef,
                                         boost::no_property, uint32_t, uint32_t>;

  // Reads every out-edge of `view`'s snapshot (the view must be current). `clock` is the commit
  // time the snapshot includes.
  static absl::StatusOr<std::unique_ptr<BaseTopology>> Build(const ReadView& view, uint64_t clock);

  uint64_t clock() const { return clock_; }
  // The cache generation of the snapshot it was built from (engine/cache_invariants.h).
  uint64_t cache_generation() const { return cache_generation_; }
  size_t vertex_count() const { return dense_to_entity_.size(); }
  size_t edge_count() const { return edge_count_; }
  // Bytes held by the graph structures and maps.
  size_t MemoryBytes() const;

  // The dense index of an entity, or nullopt when it has no edge in the base.
  std::optional<uint32_t> Dense(uint64_t entity) const {
    if (entity >= entity_to_dense_.size()) return std::nullopt;
    uint32_t dense = entity_to_dense_[entity];
    if (dense == kNoVertex) return std::nullopt;
    return dense;
  }
  uint64_t Entity(uint32_t dense) const { return dense_to_entity_[dense]; }
  // The external id of a vertex's entity, held in memory because a traversal reports thousands
  // of them and a dictionary read each cost more than the whole search. Ids never change once
  // assigned, so the base's copy is right for every as_of.
  std::string_view ExternalId(uint32_t dense) const {
    return std::string_view(id_bytes_).substr(id_offsets_[dense],
                                              id_offsets_[dense + 1] - id_offsets_[dense]);
  }
  // The external id of the statement of base out-edge `edge` (an index into out()), held in
  // memory for the same reason: Neighbors answers one per edge, and a dictionary read each was
  // most of a one-hop call's work. Statement ids never change either.
  std::string StatementId(uint32_t edge) const;
  // The name of a predicate used by a base edge, or nullopt for any other predicate (one first
  // used after the build).
  std::optional<std::string_view> PredicateName(uint32_t predicate) const {
    if (predicate >= predicate_names_.size() || predicate_names_[predicate].empty()) {
      return std::nullopt;
    }
    return predicate_names_[predicate];
  }
  // Finds the base edge with the given key; nullopt when absent.
  std::optional<uint32_t> FindOutEdge(uint64_t subject, uint32_t predicate, uint64_t object,
                                      uint64_t statement) const;

  const OutGraph& out() const { return out_; }
  const InGraph& in() const { return in_; }

 private:
  static constexpr uint32_t kNoVertex = 0xffffffffu;
  BaseTopology() = default;
  // Build's steps: `fields` are the edges in out-edge order.
  absl::Status ReadStatementIds(const ReadView& view, const std::vector<TopologyEdge>& fields);
  absl::Status ReadPredicateNames(const ReadView& view, const std::vector<TopologyEdge>& fields);

  uint64_t clock_ = 0;
  uint64_t cache_generation_ = 0;
  size_t edge_count_ = 0;
  std::vector<uint32_t> entity_to_dense_;  // indexed by internal entity id
  std::vector<uint64_t> dense_to_entity_;
  std::string id_bytes_;              // external ids of the vertices, concatenated
  std::vector<uint32_t> id_offsets_;  // vertex i's id is [id_offsets_[i], id_offsets_[i + 1])
  // Statement ids by out-edge index. Every stored statement id is "st_" + 32 hex digits
  // (ids::StatementId), kept as the 16 bytes the digits spell; an id of any other form (none
  // today) is kept whole in irregular_statement_ids_ and its packed slot is unused.
  std::vector<std::array<uint8_t, 16>> statement_hashes_;
  std::unordered_map<uint32_t, std::string> irregular_statement_ids_;  // by out-edge index
  std::vector<std::string> predicate_names_;  // by predicate id; empty: not used in the base
  OutGraph out_;
  InGraph in_;
};

// Edges added or changed since the base was built. Appended to by the commit observer (one
// writer, under the manager's lock) while queries read it (shared lock); entries are never
// changed once written, only superseded by later ones.
class Overlay {
 public:
  struct Change {
    uint64_t time;  // commit time
    TopologyEdge fields;
  };
  struct NewEdge {
    uint64_t time;  // commit time of the edge's first appearance
    uint32_t predicate;
    uint64_t other;
    uint64_t statement;
  };

  // Records the state of an edge after the commit at `time`.
  void Record(uint64_t time, const keys::EdgeKey& out_key, const TopologyEdge& fields,
              bool in_base);
  // The latest fields of `statement` at or before `time`, or nullopt when none.
  std::optional<TopologyEdge> Latest(uint64_t statement, uint64_t time) const;
  // New edges of `node` in `direction` (kOutEdge / kInEdge) known at `time`, in key order.
  std::vector<NewEdge> NewEdges(char direction, uint64_t node, uint64_t time) const;
  // True when no entry at all is recorded (the common fast path).
  bool empty() const { return entries_.load(std::memory_order_acquire) == 0; }
  size_t entries() const { return entries_.load(std::memory_order_acquire); }
  // Copies the entries at or after `time` into `target` (used when a rebuild replaces the base).
  void CopySince(uint64_t time, const BaseTopology& new_base, Overlay* target) const;

 private:
  mutable std::shared_mutex mutex_;
  std::atomic<size_t> entries_{0};
  std::unordered_map<uint64_t, std::vector<Change>> changes_;  // by statement, time ascending
  // By node: edges absent from the base, kept sorted by (predicate, other, statement).
  std::unordered_map<uint64_t, std::vector<NewEdge>> new_out_, new_in_;
  // The out-key of each new edge, so CopySince can re-check it against the new base.
  std::unordered_map<uint64_t, keys::EdgeKey> new_keys_;
};

// One pinned version of the topology, as a query sees it.
struct TopologyVersion {
  std::shared_ptr<const BaseTopology> base;
  std::shared_ptr<const Overlay> overlay;
  uint64_t time = 0;  // the clock value of the query's snapshot
};

// Serves the edges of one pinned version. Current views read the stored filter fields; past
// as_of views take the candidate edges from the topology (dropping those first recorded after
// as_of) and recompute each candidate's fields from its claims (ReadView::AggregateAsOf).
class TopologyEdgeSource final : public EdgeSource {
 public:
  TopologyEdgeSource(TopologyVersion version, const ReadView* view)
      : version_(std::move(version)), view_(view) {}
  absl::Status ForEach(char direction, uint64_t node, std::optional<uint32_t> predicate,
                       std::optional<EdgePosition> after,
                       const std::function<bool(const Edge&)>& visit) const override;
  const ReadView& view() const override { return *view_; }
  // Known when the view is current and the base holds the entity as a vertex under that id: the
  // base was built from a snapshot at or before the view's, and entities are never deleted.
  bool KnowsEntity(uint64_t internal, std::string_view external) const override;

 private:
  TopologyVersion version_;
  const ReadView* view_;
};

struct TopologyOptions {
  // Overlay entries that trigger a background rebuild (0: never rebuild automatically). Bounds
  // the overlay's memory and the per-edge overlay lookups.
  size_t rebuild_after_entries = 100000;
  // Pinning retries while the commit observer catches up with a snapshot before falling back
  // to the storage walk.
  int pin_attempts = 64;
};

// A query's consistent pair: a snapshot view and, when the topology can serve it, the version
// matching that snapshot. The source reads the version, or walks storage when there is none.
struct PinnedGraph {
  std::unique_ptr<ReadView> view;
  std::unique_ptr<EdgeSource> source;
  bool from_topology = false;
  // The base the source reads (null when served from storage): answers external entity ids.
  std::shared_ptr<const BaseTopology> base;
};

// Owns the current base and overlay, observes the Database's commits and rebuilds in a
// background thread. Thread-safe. Must be destroyed before the Database it observes, and the
// Database must not commit after that (the observer is left installed but disarmed).
class TopologyManager {
 public:
  // Builds the first base from a snapshot and installs the commit observer.
  static absl::StatusOr<std::unique_ptr<TopologyManager>> Create(Database* database,
                                                                 TopologyOptions options = {});
  ~TopologyManager();

  // A consistent view and edge source as of `as_of` (nullopt: now).
  absl::StatusOr<PinnedGraph> Pin(std::optional<uint64_t> as_of = std::nullopt) const;
  // A storage-walk pin, for comparison and as the fallback.
  absl::StatusOr<PinnedGraph> PinStorage(std::optional<uint64_t> as_of = std::nullopt) const;
  // Rebuilds the base from a new snapshot now, folding the overlay in.
  absl::Status Rebuild();

  struct Stats {
    size_t vertices = 0, edges = 0, base_bytes = 0, overlay_entries = 0, rebuilds = 0;
    bool stale = false;
  };
  Stats GetStats() const;

 private:
  struct Shared;
  TopologyManager(Database* database, TopologyOptions options);
  void OnCommit(const CommitEvent& event);
  // The clock value stored in `view`'s snapshot (the time of the last commit it includes).
  absl::StatusOr<uint64_t> PinnedClock(const ReadView& view) const;
  void RebuildLoop();

  Database* database_;
  TopologyOptions options_;
  std::shared_ptr<Shared> shared_;
  std::mutex rebuild_mutex_;  // one rebuild at a time
  std::thread rebuild_thread_;
};

}  // namespace claimgraph::traversal
