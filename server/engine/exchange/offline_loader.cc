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
  storage::RocksDbOptions storage_options = options.storage;
  storage_options.read_only = false;
  storage_options.sync_writes = false;  // nothing goes through the write-ahead log
  CG_ASSIGN_OR_RETURN(auto base, storage::OpenRocksDbStore(storage_options));
  auto owned_staging = std::make_unique<StagingStore>(base.get());
  StagingStore* staging = owned_staging.get();
  DatabaseOptions staging_options = options;
  staging_options.defer_scoring = true;
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
    if (!line.status.ok()) {
      CG_RETURN_IF_ERROR(importer.AddUnreadable(std::move(line.status)));
    } else {
      CG_RETURN_IF_ERROR(importer.Add(std::move(line.record)));
    }
    // Between batches only: the staged state then holds whole batches.
    if (staging->staged_bytes() > load_options.max_staged_bytes) {
      CG_RETURN_IF_ERROR(staging->SpillInBackground());
    }
  }
  CG_RETURN_IF_ERROR(importer.Finish());
  CG_RETURN_IF_ERROR(staging->Spill());
  ImportSummary summary = importer.summary();
  database.reset();
  if (load_options.score) {
    // Everything is in RocksDB now, where the scorer's scans work: rescore each statement the
    // load touched once (SetStatementScorer rescores the marked ones and removes the markers).
    CG_ASSIGN_OR_RETURN(auto loaded, Database::OpenWithStore(options, std::move(base)));
    CG_RETURN_IF_ERROR(provenance::InstallStatementScorer(*loaded));
    if (load_options.compact) CG_RETURN_IF_ERROR(loaded->Compact());
    return summary;
  }
  if (load_options.compact) CG_RETURN_IF_ERROR(base->CompactAll());
  return summary;
}

}  // namespace claimgraph::exchange
