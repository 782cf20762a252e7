// Database: the claimgraph engine. Validates and writes entities, sources, claims (with their
// statements, edges and indexes), assessments and lifecycle events, each call as one atomic
// batch, and hands out ReadViews that answer reads from one snapshot as of a system time.
// Thread-safe: writes are serialized internally; reads run concurrently on snapshots.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/limits.h"
#include "engine/read_view.h"
#include "engine/schema/schema_registry.h"
#include "engine/storage/disk_space.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph {

struct DatabaseOptions {
  // The store to open (its path, cache, sync policy); the backend is the one this build links
  // (storage::OpenStore).
  storage::StoreOptions storage;
  // The ontology writes are validated against. Required.
  std::shared_ptr<const schema::SchemaRegistry> schema;
  Limits limits;
  // System time source (micros since the epoch) for recorded_at; empty: the system clock.
  // Injected by tests and offline loads that must reproduce a database byte for byte.
  std::function<uint64_t()> clock;
  // A write rescores a statement of at most this many claims itself, before it returns (a
  // rescore reads every claim of the statement: ~2 us each, so this bounds the write's extra
  // cost near 0.1 ms). A larger statement is rescored by a background thread, and a burst of
  // writes to it costs one rescore (docs/provenance.md 3.5). 0: always in the background.
  size_t inline_rescore_max_claims = 64;
  // Writes leave a dirty-score marker on every statement they touch and rescore nothing, even
  // without a scorer; the next SetStatementScorer rescores the marked statements in one pass.
  // Offline loads set it: their staging store cannot serve the scorer's reads, and scoring each
  // statement once at the end costs less than after every batch.
  bool defer_scoring = false;
  // Threads SetStatementScorer scores the dirty-marked statements with (at a start after a crash,
  // and at the end of an offline load, where it is half the load's work). 0: one per core.
  size_t rescore_threads = 0;
  // Bound of the writer's cache of committed id resolutions (entities, sources, predicates and
  // whatever a write looked up; ~110 bytes an entry, so 64 MiB holds ~600k). Full, it starts
  // over. An offline load raises it: it resolves every entity and source many times.
  size_t resolution_cache_bytes = 64u << 20;
  // Bytes of decoded immutable records (dictionary entries, claims) kept in memory across reads
  // for provenance walks (engine/record_cache.h). 0: no cache.
  size_t record_cache_bytes = 32 << 20;
  // Hold every source version in memory for provenance walks (engine/sources/source_graph.h):
  // read at open by one scan of the source records, kept current by every commit.
  bool source_graph = true;
};

// The smallest free-disk reserve a database accepts (DatabaseOptions::storage.min_free_disk_bytes).
inline constexpr uint64_t kMinFreeDiskBytes = storage::kMinDiskReserveBytes;

// Who is writing: becomes recorded_by on every record the write creates.
struct WriteContext {
  std::string principal = "anonymous";
};

// What a create does when the id is already stored.
enum class OnExisting {
  kFail,             // ALREADY_EXISTS
  kKeepIfIdentical,  // identical content: nothing written, reported as unchanged; else ALREADY_EXISTS
  kUpdate,           // entities and sources only: a new version when the content differs
};

enum class WriteOutcome { kCreated, kUpdated, kUnchanged };

template <typename T>
struct Written {
  T record;
  WriteOutcome outcome = WriteOutcome::kCreated;
};

enum class ImportMode {
  kStrict,   // stop at the first bad record; records before it are committed
  kLenient,  // skip bad records, report them, go on
};

struct RecordResult {
  std::optional<WriteOutcome> outcome;  // empty when rejected
  absl::Status error;                   // why it was rejected
  std::string id;                       // id of the written record
};

// What a StatementScorer answers for one statement.
struct StatementScore {
  // The fused score; nullopt when nothing supports or refutes the statement (stored as 0).
  std::optional<double> score;
  // The statement has more claims than the call allowed: nothing was computed.
  bool too_many_claims = false;
};
// Computes the fused score a statement's edges carry for traversal filters (see provenance),
// reading at most `max_claims` claims (SIZE_MAX: all). Called on the writing thread under the
// write lock with a small max_claims, on the rescoring thread without the lock and without a
// limit, and by SetStatementScorer from several threads at once (each with its own view); it
// must read only through `view` and be safe to call concurrently.
using StatementScorer = std::function<absl::StatusOr<StatementScore>(
    const ReadView& view, uint64_t statement, size_t max_claims)>;

// What one committed write changed in the graph, handed to commit observers.
struct CommitEvent {
  uint64_t time = 0;  // the write's recorded_at: the clock value its batch stored
  // Statements whose edges or claims the write touched (internal ids).
  const std::set<uint64_t>* statements = nullptr;
  // Out-edge keys whose aggregate the write merged into (new edges and changed counts).
  const std::vector<keys::EdgeKey>* edges = nullptr;
  // The cache generation after the write (engine/cache_invariants.h): an observer holding what
  // it learnt under an earlier one must start over.
  uint64_t cache_generation = 0;
};
// Called under the write lock after each committed write (and its inline rescore), and after each
// background rescore lands (an event with the statement and its out-edge), in commit order.
// Must be quick and must not write to the database.
using CommitObserver = std::function<void(const CommitEvent& event)>;

// What a backup holds (id, creation time, size): the store's record of it.
using BackupInfo = storage::BackupInfo;

struct DatabaseStats {
  uint64_t entities = 0, sources = 0, statements = 0, claims = 0, assessments = 0,
           lifecycle_events = 0, predicates = 0;
  // Statements whose edge score awaits the background rescore (flagged pending on the edges).
  uint64_t scores_pending = 0;
  storage::StoreStats store;
};

class Database {
 public:
  // Opens or creates the database; checks the on-disk format version.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  // Opens over a store the caller provides (options.storage is not used): an offline loader
  // stages into an in-memory store this way. Same format checks as Open.
  static absl::StatusOr<std::unique_ptr<Database>> OpenWithStore(
      const DatabaseOptions& options, std::unique_ptr<storage::KeyValueStore> store);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // --- writes: each call is one atomic, durable batch; a rejected call writes nothing ---
  absl::StatusOr<Written<v1::Entity>> CreateEntity(const v1::Entity& entity,
                                                   const WriteContext& context,
                                                   OnExisting on_existing = OnExisting::kFail);
  // Replaces the fields named in `paths` (name, aliases, description, attributes, external_ids,
  // type; AIP-134, engine/field_mask.h) with those of `patch`. A new type must be allowed by
  // every stored statement about the entity; changing it advances the cache generation.
  absl::StatusOr<Written<v1::Entity>> UpdateEntity(const v1::Entity& patch,
                                                   const std::vector<std::string>& paths,
                                                   const WriteContext& context);
  absl::StatusOr<Written<v1::Source>> CreateSource(const v1::Source& source,
                                                   const WriteContext& context,
                                                   OnExisting on_existing = OnExisting::kFail);
  // Replaces the fields named in `paths` (any Source field but id and output fields; empty: all).
  absl::StatusOr<Written<v1::Source>> UpdateSource(const v1::Source& patch,
                                                   const std::vector<std::string>& paths,
                                                   const WriteContext& context);
  // Adds one derivation link to a stored source (a new version); unchanged when present.
  absl::StatusOr<Written<v1::Source>> AddDerivation(std::string_view source_id,
                                                    const v1::Derivation& derivation,
                                                    const WriteContext& context);
  // Creates a claim (and its statement when new). A repeated `request_id` returns the claim the
  // first request created, unchanged.
  absl::StatusOr<Written<v1::Claim>> CreateClaim(const v1::Claim& claim,
                                                 std::string_view request_id,
                                                 const WriteContext& context,
                                                 OnExisting on_existing = OnExisting::kFail);
  // All or nothing: the first bad claim fails the call, naming its index ("claims[3].stance: ...").
  absl::StatusOr<std::vector<Written<v1::Claim>>> CreateClaims(const std::vector<v1::Claim>& claims,
                                                               const WriteContext& context);
  absl::StatusOr<Written<v1::LifecycleEvent>> RecordLifecycleEvent(
      const v1::LifecycleEvent& event, const WriteContext& context,
      OnExisting on_existing = OnExisting::kKeepIfIdentical);
  absl::StatusOr<Written<v1::Assessment>> RecordAssessment(
      const v1::Assessment& assessment, const WriteContext& context,
      OnExisting on_existing = OnExisting::kKeepIfIdentical);
  // Applies import records in one batch: entities and sources are upserted (a new version when
  // changed), claims, assessments and events are kept when identical. Returns one result per
  // record applied (in strict mode, the results stop after the first rejected record).
  absl::StatusOr<std::vector<RecordResult>> ApplyRecords(const std::vector<v1::ImportRecord>& records,
                                                         ImportMode mode,
                                                         const WriteContext& context);

  // --- reads ---
  // A consistent view of the database as of `as_of_micros` (system time; nullopt: now).
  // InvalidArgument when as_of is in the future beyond clock skew.
  absl::StatusOr<std::unique_ptr<ReadView>> NewReadView(
      std::optional<uint64_t> as_of_micros = std::nullopt) const;
  // A view as of a definite time: `as_of_micros`, or (unset or later) the time of the last
  // committed write, taken with the snapshot under the write lock. A view as of the same time
  // from a later snapshot answers exactly the same: how paged answers stay consistent.
  absl::StatusOr<std::unique_ptr<ReadView>> NewPinnedReadView(
      std::optional<uint64_t> as_of_micros = std::nullopt) const;

  absl::StatusOr<DatabaseStats> GetStats() const;
  const schema::SchemaRegistry& schema() const;
  const Limits& limits() const;
  // True while the data directory's free space is below its reserve: writes are refused
  // (RESOURCE_EXHAUSTED) and reads are served. Cheap: the store keeps the flag current.
  bool WritesRefusedForDiskSpace() const;
  storage::KeyValueStore& store();

  // Installs the scorer (the provenance layer's fused confidence), rescores statements whose
  // score a crash or a close left pending (their dirty markers) before returning, and starts the
  // background rescoring thread.
  absl::Status SetStatementScorer(StatementScorer scorer);
  // Waits until every pending statement score has been rescored (tests, benchmarks, a clean
  // shutdown). Returns the rescoring thread's error when a rescore fails.
  absl::Status SettleScores();
  // Adds an observer of committed writes (e.g. the traversal topology's overlay). Observers live
  // as long as the Database; add them before concurrent writes start.
  void AddCommitObserver(CommitObserver observer);
  // Flushes memtables and compacts every family (used after bulk loads and by benchmarks).
  absl::Status Compact();
  // Compacts only what writes added above each family's last level into it (a bulk load's
  // scores), leaving families that hold nothing above it as they are.
  absl::Status CompactRecentWrites();
  // Writes the memtables to disk, so the next open replays no log (a clean shutdown).
  absl::Status Flush();

  // --- backups (the store's; see storage::KeyValueStore::CreateBackup) ---
  // An online, consistent, incremental backup into `backup_dir` (created when missing). Callers
  // serialize backup calls on one directory.
  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir);
  // The operations on a backup directory need no open database. Backups oldest first; NotFound
  // when none was made there yet.
  static absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);
  // Checks that every file of the backup is present with its size and checksum.
  static absl::Status VerifyBackup(const std::string& backup_dir, uint32_t backup_id);
  // Restores a backup into `target_dir`, which must be empty or absent; the live database is
  // never touched.
  static absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                                    const std::string& target_dir);
  // Deletes all but the newest `keep` backups.
  static absl::Status PurgeOldBackups(const std::string& backup_dir, uint32_t keep);
  // Opens the store at `data_dir` read-only (no server may have it open) and reads every stored
  // block, checking its checksum: DataLoss on corruption.
  static absl::Status VerifyChecksums(const std::string& data_dir);

  struct Impl;

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace claimgraph
