// What a Database holds (its store, schema, counters, clock, caches and the rescoring state) and
// the one write path every write goes through. Internal to the engine's write side.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/cache_invariants.h"
#include "engine/database.h"
#include "engine/ids.h"
#include "engine/read_view.h"
#include "engine/record_cache.h"
#include "engine/sources/source_graph.h"
#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"
#include "engine/write/group_sync.h"
#include "engine/write/resolution_cache.h"

namespace claimgraph {

class Transaction;

struct Database::Impl {
  DatabaseOptions options;
  std::unique_ptr<storage::KeyValueStore> store;
  std::shared_ptr<const schema::SchemaRegistry> schema;
  Limits limits;

  std::mutex write_mutex;  // serializes transactions: check-then-write and id allocation
  std::array<uint64_t, 128> counters{};       // by IdKind character; guarded by write_mutex
  std::atomic<uint64_t> clock{0};             // last recorded_at handed out
  StatementScorer scorer;                     // guarded by write_mutex
  ResolutionCache resolutions;                // guarded by write_mutex
  std::vector<CommitObserver> observers;      // guarded by write_mutex
  std::unique_ptr<RecordCache> record_cache;  // immutable records for reads; may be null
  // Every source version for provenance reads; null without DatabaseOptions::source_graph.
  std::unique_ptr<sources::SourceGraph> source_graph;
  // engine/cache_invariants.h; advanced (under write_mutex) after the commit of a write that
  // broke an invariant, read by every new view before it takes its snapshot.
  std::atomic<uint64_t> cache_generation{kFirstCacheGeneration};
  // Transactions are applied without waiting for the disk; their callers wait here, outside
  // write_mutex, and share syncs.
  GroupSync group_sync;

  // Tells the observers about a committed transaction. Called under write_mutex.
  void NotifyCommitted(uint64_t time, const std::set<uint64_t>& statements,
                       const std::vector<keys::EdgeKey>& edges) {
    if (observers.empty()) return;
    CommitEvent event{time, &statements, &edges, cache_generation.load()};
    for (const auto& observer : observers) observer(event);
  }

  // Hands the source graph the versions the commit at `time` stored, right after it commits and
  // before anything reads its state (the inline rescore, the observers). After a commit that
  // advanced the cache generation the graph is loaded again from a snapshot that holds the
  // commit, under the write lock, as rarely as such writes are. write_mutex held.
  absl::Status UpdateSourceGraph(uint64_t time,
                                 const std::vector<sources::SourceGraph::Version>& versions) {
    if (!source_graph) return absl::OkStatus();
    if (source_graph->cache_generation() == cache_generation.load()) {
      source_graph->Apply(time, versions);
      return absl::OkStatus();
    }
    return LoadSourceGraph();
  }
  // Fills the source graph from a view of the latest state, as of the clock its snapshot holds.
  absl::Status LoadSourceGraph() {
    auto view = LatestView(nullptr);
    CG_ASSIGN_OR_RETURN(uint64_t committed, view->CommittedClock());
    return source_graph->Load(*view, committed, view->cache_generation());
  }

  uint64_t NextTime() {
    uint64_t now = std::max(options.clock ? options.clock() : ids::NowMicros(), clock.load() + 1);
    clock.store(now);
    return now;
  }
  // --- statement scores (docs/provenance.md 3.5) ---
  // After a commit (write_mutex held, `clock` = the commit's time): rescores each statement of
  // at most options.inline_rescore_max_claims claims now, queues the others for the rescoring
  // thread. A queued statement is not rescored inline: its background rescore covers the write.
  absl::Status Rescore(const std::set<uint64_t>& statements);
  // Rescores now whatever their size (start-up: dirty markers). write_mutex held.
  absl::Status RescoreNow(const std::set<uint64_t>& statements);
  // Appends the score's merge into the statement's edges to `batch` (and `edges`, the out-edge
  // key); a current score also deletes the dirty marker.
  absl::Status StageScore(const ReadView& view, uint64_t statement, std::optional<double> score,
                          bool pending, storage::WriteBatch* batch,
                          std::vector<keys::EdgeKey>* edges);
  // Writes a background rescore computed from a snapshot taken at `seen` (the clock then):
  // current when no write touched the statement since, else still pending and queued again.
  // write_mutex held.
  absl::Status LandScore(const ReadView& view, uint64_t statement, std::optional<double> score,
                         uint64_t seen);
  void RescoreLoop();
  void StopRescoring();

  // Guarded by write_mutex. A statement is in `pending_scores` (with the time of the latest
  // write that touched it) from a write that queued it until a rescore whose snapshot includes
  // that write lands; meanwhile it is either in `rescore_queue` or being rescored.
  std::map<uint64_t, uint64_t> pending_scores;
  std::deque<uint64_t> rescore_queue;
  bool stop_rescoring = false;
  uint64_t rescore_failures = 0;
  absl::Status last_rescore_failure;
  std::condition_variable rescore_wake;     // queued work, or stop
  std::condition_variable rescore_settled;  // pending_scores emptied, a failure, or stop
  std::thread rescorer;

  ~Impl() { StopRescoring(); }

  // Through `cache` (nullptr: none); by default the Database's record cache.
  std::unique_ptr<ReadView> LatestView(RecordCache* cache) {
    uint64_t generation = cache_generation.load();  // before the snapshot: see ReadView
    auto snapshot = store->NewSnapshot();
    return std::make_unique<ReadView>(store.get(), std::move(snapshot),
                                      std::numeric_limits<uint64_t>::max(), true, schema.get(),
                                      &limits, cache, generation, source_graph.get());
  }
  std::unique_ptr<ReadView> LatestView() { return LatestView(record_cache.get()); }

  // After `transaction` staged a write that changed something: commits its batch (applied, not
  // yet durable: the caller then waits on group_sync), rescores the statements it touched
  // (Rescore) and tells the commit observers. write_mutex held.
  absl::Status Publish(Transaction& transaction);
};

// The statements whose fused score depends on `source` after a new version of it changed its
// reliability grade: those with a claim found in it; with `derivations` (its derivation links
// changed), also those with a claim found in any source deriving from it, transitively (the 'd'
// index), whose origin sets hold its root documents. Reads the claim postings of those sources
// and one claim record per posting.
absl::StatusOr<std::set<uint64_t>> DependentStatements(const ReadView& view, uint64_t source,
                                                       bool derivations);

}  // namespace claimgraph
