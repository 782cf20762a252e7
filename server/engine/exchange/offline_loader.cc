// The offline loader: ApplyRecords over a StagingStore, spilled into RocksDB as sorted files.
#include "engine/exchange/offline_loader.h"

#include <unistd.h>

#include <algorithm>

#include "engine/exchange/load_directory.h"
#include "engine/exchange/ndjson.h"
#include "engine/exchange/ndjson_prefetcher.h"
#include "engine/exchange/staging_store.h"
#include "engine/provenance/corroborate.h"
#include "engine/status_macros.h"

namespace claimgraph::exchange {
namespace {

using Clock = std::chrono::steady_clock;
using Phase = LoadProgress::Phase;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Reports phases and throttled loading progress to OfflineLoadOptions::progress.
class ProgressReporter {
 public:
  explicit ProgressReporter(const OfflineLoadOptions& options)
      : report_(options.progress), interval_(options.progress_interval) {}

  void Begin(Phase phase) {
    double previous = SecondsSince(phase_start_);
    phase_start_ = Clock::now();
    now_.phase = phase;
    Send(previous);
  }
  // While loading: at most every interval, unless `now`.
  void Loading(uint64_t lines, uint64_t bytes, const ImportSummary& summary, bool now = false) {
    if (!report_ || (!now && Clock::now() < next_)) return;
    now_.lines = lines;
    now_.input_bytes = bytes;
    now_.rejected = summary.rejected_total;
    Send(0);
  }

 private:
  void Send(double previous_phase_seconds) {
    if (!report_) return;
    now_.phase_seconds = SecondsSince(phase_start_);
    now_.total_seconds = SecondsSince(start_);
    report_(now_, previous_phase_seconds);
    next_ = Clock::now() + interval_;
  }

  const std::function<void(const LoadProgress&, double)>& report_;
  const std::chrono::milliseconds interval_;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point phase_start_ = start_;
  Clock::time_point next_ = start_;
  LoadProgress now_;
};

}  // namespace

MemoryShares SplitMemoryBudget(uint64_t memory_bytes) {
  MemoryShares shares;
  shares.max_staged_bytes = memory_bytes / 4;  // twice this while a spill runs
  shares.resolution_cache_bytes = memory_bytes / 8;
  shares.cache_bytes = memory_bytes / 16;
  return shares;
}

uint64_t DefaultLoadMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_bytes = ::sysconf(_SC_PAGE_SIZE);
  const uint64_t physical = pages > 0 && page_bytes > 0
                                ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_bytes)
                                : 0;
  return std::max<uint64_t>(physical / 4, 256ull << 20);
}

const char* PhaseName(LoadProgress::Phase phase) {
  switch (phase) {
    case Phase::kLoading:
      return "loading";
    case Phase::kCompacting:
      return "compacting";
    case Phase::kScoring:
      return "scoring";
    case Phase::kSettling:
      return "settling";
    case Phase::kDone:
      return "done";
  }
  return "?";
}

absl::StatusOr<ImportSummary> OfflineLoad(const DatabaseOptions& options, std::istream* input,
                                          const OfflineLoadOptions& load_options,
                                          const WriteContext& context) {
  CG_ASSIGN_OR_RETURN(auto directory, LoadDirectory::Prepare(options.storage.path,
                                                             options.storage.create_if_missing));
  DatabaseOptions target_options = options;
  target_options.storage.path = directory.path();
  size_t max_staged_bytes = load_options.max_staged_bytes;
  size_t resolution_cache_bytes = load_options.resolution_cache_bytes;
  if (load_options.memory_bytes != 0) {
    MemoryShares shares = SplitMemoryBudget(load_options.memory_bytes);
    max_staged_bytes = shares.max_staged_bytes;
    resolution_cache_bytes = shares.resolution_cache_bytes;
    target_options.storage.cache_bytes = shares.cache_bytes;
  }
  storage::StoreOptions storage_options = target_options.storage;
  storage_options.read_only = false;
  storage_options.sync_writes = false;  // nothing goes through the write-ahead log
  // The ingested files are compacted once, after the last spill, instead of level by level
  // while the load goes on.
  storage_options.defer_compaction = true;
  CG_ASSIGN_OR_RETURN(auto base, storage::OpenStore(storage_options));
  auto owned_staging = std::make_unique<StagingStore>(base.get());
  StagingStore* staging = owned_staging.get();
  DatabaseOptions staging_options = target_options;
  staging_options.defer_scoring = true;
  // Nothing reads provenance while the load runs, and the staging store cannot be scanned.
  staging_options.source_graph = false;
  staging_options.resolution_cache_bytes = resolution_cache_bytes;
  CG_ASSIGN_OR_RETURN(auto database,
                      Database::OpenWithStore(staging_options, std::move(owned_staging)));
  CG_ASSIGN_OR_RETURN(auto importer,
                      Importer::Create(database.get(), load_options.import, context));

  ProgressReporter progress(load_options);
  progress.Begin(Phase::kLoading);
  // Read and parsed on a thread of its own while this one stages.
  NdjsonPrefetcher prefetcher(input, load_options.import.resume_from);
  uint64_t lines_read = 0, bytes_read = 0;
  while (!importer.stopped()) {
    CG_ASSIGN_OR_RETURN(auto chunk, prefetcher.Next());
    if (!chunk) {
      lines_read = prefetcher.lines_read();
      bytes_read = prefetcher.bytes_read();
      break;
    }
    for (NdjsonLine& line : chunk->lines) {
      if (importer.stopped()) break;
      CG_RETURN_IF_ERROR(importer.AddLine(&line));
      // The staged bytes grow only when a batch is applied: the staged state holds whole batches.
      if (staging->staged_bytes() > max_staged_bytes) {
        CG_RETURN_IF_ERROR(staging->SpillInBackground());
      }
    }
    lines_read = chunk->lines_read;
    bytes_read = chunk->bytes_read;
    progress.Loading(lines_read, bytes_read, importer.summary());
  }
  CG_RETURN_IF_ERROR(importer.Finish(lines_read + 1));
  CG_RETURN_IF_ERROR(staging->Spill());
  ImportSummary summary = importer.summary();
  progress.Loading(lines_read, bytes_read, summary, /*now=*/true);
  database.reset();
  // The store keeps automatic compactions off until the load is complete, so each compaction
  // below is one merge of every file into the last level (KeyValueStore::CompactAll), not a
  // rewrite per level, and none competes with the scorer for the cores. Compacted before
  // scoring, so the scorer's scans read one sorted run per family instead of every ingested file.
  if (load_options.compact) {
    progress.Begin(Phase::kCompacting);
    CG_RETURN_IF_ERROR(base->CompactAll());
  }
  if (load_options.score) {
    progress.Begin(Phase::kScoring);
    // Everything is in RocksDB now, where the scorer's scans work: rescore each statement the
    // load touched once (SetStatementScorer rescores the marked ones and removes the markers).
    CG_ASSIGN_OR_RETURN(auto loaded, Database::OpenWithStore(target_options, std::move(base)));
    CG_RETURN_IF_ERROR(provenance::InstallStatementScorer(*loaded));
    // The scores touched only the edges and the markers: settle those, leave the rest.
    if (load_options.compact) {
      progress.Begin(Phase::kSettling);
      CG_RETURN_IF_ERROR(loaded->CompactRecentWrites());
    }
    CG_RETURN_IF_ERROR(loaded->Flush());
  } else {
    CG_RETURN_IF_ERROR(base->Flush());
    base.reset();
  }
  // Closed (every file synced) before it is moved into place.
  CG_RETURN_IF_ERROR(directory.Publish());
  progress.Begin(Phase::kDone);
  return summary;
}

}  // namespace claimgraph::exchange
