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

#include <istream>

#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/exchange/importer.h"

namespace claimgraph::exchange {

struct OfflineLoadOptions {
  ImportOptions import;
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
};

// Loads `input` into the database at options.storage.path, creating it when allowed. The
// database must not be open elsewhere (RocksDB's lock refuses a second opener). The load is not
// atomic as a whole: each move into RocksDB is, so a failed load leaves the records of the moves
// before the failure (the summary of a strict stop says where to resume). Nothing of a rejected
// record is written, as in the streaming import.
absl::StatusOr<ImportSummary> OfflineLoad(const DatabaseOptions& options, std::istream* input,
                                          const OfflineLoadOptions& load_options,
                                          const WriteContext& context);

}  // namespace claimgraph::exchange
