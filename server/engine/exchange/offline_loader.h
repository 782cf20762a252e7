// The offline loader: bulk loads NDJSON import records into a new or stopped database much
// faster than the streaming import, producing the same database. It runs the same validation and
// staging code (Database::ApplyRecords, batch by batch) against a StagingStore, which keeps the
// writes sorted in memory with edge-aggregate merges folded, and moves them into RocksDB as
// sorted files (IngestExternalFiles, all families at once) whenever the staged bytes pass a
// budget (on a second thread, while the load goes on), and at the end. No write-ahead log, no
// memtables, no compaction of overlapping writes. Statement scores are deferred: every statement a
// batch touches gets a dirty-score marker (in the same ingested files as its edges), and once
// everything is ingested the loader rescores the marked statements once each with the provenance
// scorer, as the streaming path's per-batch rescoring would, and removes the markers. A load that
// stops before that leaves the markers: the server's next start rescores them.
#pragma once

#include <chrono>
#include <functional>
#include <istream>

#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/exchange/importer.h"

namespace claimgraph::exchange {

// Where a load is, for a progress display and the summary's phase times.
struct LoadProgress {
  enum class Phase { kLoading, kCompacting, kScoring, kSettling, kDone };
  Phase phase = Phase::kLoading;
  uint64_t lines = 0;        // input lines read so far
  uint64_t input_bytes = 0;  // input bytes read so far
  uint64_t rejected = 0;     // records rejected so far
  double phase_seconds = 0;  // since the phase began
  double total_seconds = 0;  // since the load began
};

// The shares of a load's memory budget: staged writes (held twice while a spill runs), the id
// resolutions, the block cache.
struct MemoryShares {
  size_t max_staged_bytes = 0;
  size_t resolution_cache_bytes = 0;
  size_t cache_bytes = 0;
};
MemoryShares SplitMemoryBudget(uint64_t memory_bytes);

// A quarter of the machine's physical memory, at least 256 MiB: the default budget.
uint64_t DefaultLoadMemoryBytes();

// "loading", "compacting", "scoring", "settling", "done".
const char* PhaseName(LoadProgress::Phase phase);

struct OfflineLoadOptions {
  ImportOptions import;
  // The memory the load may use; when set, it replaces max_staged_bytes, resolution_cache_bytes
  // and the store's block cache with shares of it (SplitMemoryBudget), leaving about a third
  // for what is not budgeted (the parsed batch, the sort of a spill, the allocator's slack).
  uint64_t memory_bytes = 0;
  // Staged bytes that trigger a move into RocksDB, made on a second thread while the load goes
  // on: the loader's memory stays within about twice this.
  size_t max_staged_bytes = 512u << 20;
  // The writer's cache of id resolutions (DatabaseOptions::resolution_cache_bytes) during the
  // load: enough for the entities and sources of a 5M-claim load and their statements' repeats.
  size_t resolution_cache_bytes = 512u << 20;
  // Compact every family at the end (smaller, faster database; takes extra time).
  bool compact = true;
  // Rescore the loaded statements at the end. When false, they keep their dirty-score markers
  // and whoever next installs a scorer (claimgraphd at start) rescores them.
  bool score = true;
  // Called on the loading thread when a phase begins (phase_seconds 0, with the previous
  // phase's total in `previous_phase_seconds`), after a batch at most every
  // `progress_interval` while loading, and once with kDone at the end.
  std::function<void(const LoadProgress& now, double previous_phase_seconds)> progress;
  std::chrono::milliseconds progress_interval{500};
};

// Loads `input` into the database at options.storage.path, creating it when allowed. The
// database must not be open elsewhere (RocksDB's lock refuses a second opener). Into a new or
// empty directory the load is atomic: it is built in a staging directory beside it and moved
// into place when complete (LoadDirectory), so a load that fails or is killed leaves the target
// as it was. Into a database that holds data it is not atomic as a whole: each move into RocksDB
// is, so a failed load leaves the records of the moves before the failure (re-running it is
// idempotent). A strict stop is a complete load of the records before it (its summary says where
// to resume). Nothing of a rejected record is written, as in the streaming import.
absl::StatusOr<ImportSummary> OfflineLoad(const DatabaseOptions& options, std::istream* input,
                                          const OfflineLoadOptions& load_options,
                                          const WriteContext& context);

}  // namespace claimgraph::exchange
