// The offline loader: ApplyRecords over a StagingStore, spilled into RocksDB as sorted files.
#include "engine/exchange/offline_loader.h"

#include "engine/exchange/ndjson.h"
#include "engine/exchange/staging_store.h"
#include "engine/provenance/corroborate.h"
#include "engine/status_macros.h"

namespace claimgraph::exchange {

absl::StatusOr<ImportSummary> OfflineLoad(const DatabaseOptions& options, std::istream* input,
                                          const OfflineLoadOptions& load_options,
                                          const WriteContext& context) {
  storage::StoreOptions storage_options = options.storage;
  storage_options.read_only = false;
  storage_options.sync_writes = false;  // nothing goes through the write-ahead log
  // The ingested files are compacted once, after the last spill, instead of level by level
  // while the load goes on (a fifth of a 5M-claim load's CPU went to those compactions).
  storage_options.defer_compaction = true;
  CG_ASSIGN_OR_RETURN(auto base, storage::OpenStore(storage_options));
  auto owned_staging = std::make_unique<StagingStore>(base.get());
  StagingStore* staging = owned_staging.get();
  DatabaseOptions staging_options = options;
  staging_options.defer_scoring = true;
  // Nothing reads provenance while the load runs, and the staging store cannot be scanned.
  staging_options.source_graph = false;
  staging_options.resolution_cache_bytes = load_options.resolution_cache_bytes;
  CG_ASSIGN_OR_RETURN(auto database,
                      Database::OpenWithStore(staging_options, std::move(owned_staging)));
  CG_ASSIGN_OR_RETURN(auto importer,
                      Importer::Create(database.get(), load_options.import, context));

  NdjsonReader reader(input);
  NdjsonLine line;
  while (!importer.stopped()) {
    bool parse = importer.next_index() >= load_options.import.resume_from;
    CG_ASSIGN_OR_RETURN(bool more, reader.Next(&line, parse));
    if (!more) break;
    CG_RETURN_IF_ERROR(importer.AddLine(&line));
    // Between batches only: the staged state then holds whole batches.
    if (staging->staged_bytes() > load_options.max_staged_bytes) {
      CG_RETURN_IF_ERROR(staging->SpillInBackground());
    }
  }
  CG_RETURN_IF_ERROR(importer.Finish(reader.lines_read() + 1));
  CG_RETURN_IF_ERROR(staging->Spill());
  ImportSummary summary = importer.summary();
  database.reset();
  // Reopened with background compactions on, as any later opener has them.
  base.reset();
  storage_options.defer_compaction = false;
  CG_ASSIGN_OR_RETURN(base, storage::OpenStore(storage_options));
  // Compacted before scoring, so the scorer's scans read one sorted run per level instead of
  // every ingested file, and no compaction competes with it for the cores.
  if (load_options.compact) CG_RETURN_IF_ERROR(base->CompactAll());
  if (load_options.score) {
    // Everything is in RocksDB now, where the scorer's scans work: rescore each statement the
    // load touched once (SetStatementScorer rescores the marked ones and removes the markers).
    CG_ASSIGN_OR_RETURN(auto loaded, Database::OpenWithStore(options, std::move(base)));
    CG_RETURN_IF_ERROR(provenance::InstallStatementScorer(*loaded));
    // The scores touched only the edges and the markers: settle those, leave the rest.
    if (load_options.compact) CG_RETURN_IF_ERROR(loaded->store().CompactRecentWrites());
  }
  return summary;
}

}  // namespace claimgraph::exchange
