// The narrow storage interface every layer above storage goes through: point and multi-get,
// bounded ordered cursors, atomic write batches (with atomic aggregate merges) and snapshots.
// RocksDB is the embedded backend; an ordered distributed key-value engine (FoundationDB) can be
// a second one with the same key layout, because nothing above this interface sees RocksDB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace claimgraph::storage {

// Key spaces, chosen by access pattern (see docs/architecture.md). Values are PERMANENT: they
// name column families on disk.
enum class Family : uint8_t {
  kMeta = 0,        // format version, id counters
  kDictionary = 1,  // external string ids <-> internal 64-bit ids
  kRecords = 2,     // entity/source versions, statements, claims, assessments, events
  kEdges = 3,       // out- and in-edges with their aggregates
  kIndexes = 4,     // secondary indexes (claims by statement, claimant, source, ...)
};
inline constexpr int kFamilyCount = 5;
const char* FamilyName(Family family);

// An ordered list of writes applied all at once or not at all. Not thread-safe.
// How long a write waits for the disk.
enum class WriteSync {
  // Per the store's sync policy (--wal-sync): what an acknowledged write needs.
  kPolicy,
  // Without waiting for the disk: the batch is in the log, so a process crash keeps it, and the
  // next synced write makes it durable too; only a power loss before then can drop it. For
  // writes that a synced marker rebuilds (a statement's score, whose dirty marker was synced in
  // the batch that made it stale), so that an acknowledged write costs one sync.
  kDeferred,
};

class WriteBatch {
 public:
  enum class Kind : uint8_t { kPut, kDelete, kMergeAggregate };
  struct Operation {
    Kind kind;
    Family family;
    std::string key;
    std::string value;
  };

  void Put(Family family, std::string_view key, std::string_view value);
  void Delete(Family family, std::string_view key);
  // Atomically folds `operand` (an encoded EdgeAggregate delta) into the stored aggregate,
  // without a read: counts add, maxima take the larger, minima the smaller.
  void MergeAggregate(Family family, std::string_view key, std::string_view operand);

  const std::vector<Operation>& operations() const { return operations_; }
  bool empty() const { return operations_.empty(); }
  size_t approximate_bytes() const { return bytes_; }
  void Clear();

 private:
  std::vector<Operation> operations_;
  size_t bytes_ = 0;
};

// A consistent point-in-time view of the store. Owned by the caller; release by destroying.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // Identifies the store's state the snapshot holds: two snapshots with the same nonzero
  // sequence hold the same data (RocksDB's sequence number), so a value read through one may be
  // reused for the other. 0: unknown, never to be matched.
  virtual uint64_t sequence() const { return 0; }
};

// An ordered cursor over [lower, upper) of one family within one snapshot. Single-threaded.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void Seek(std::string_view key) = 0;         // first key >= key
  virtual void SeekForPrev(std::string_view key) = 0;  // last key <= key
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Not OK when the scan stopped on an I/O or corruption error rather than at its bound.
  virtual absl::Status status() const = 0;
};

// What the store holds and costs. Sizes of files and memtables are exact at the moment they are
// read; the `estimated_` figures are the engine's estimates and are labelled so wherever shown.
struct StoreStats {
  uint64_t disk_bytes = 0;  // every file under the store's directory (SST, WAL, manifest, ...)
  uint64_t total_sst_bytes = 0;
  uint64_t wal_bytes = 0;  // live write-ahead log files: writes not yet flushed to SST files
  uint64_t memtable_bytes = 0;
  uint64_t estimated_live_data_bytes = 0;  // SST estimate of live data, plus the memtables
  uint64_t estimated_keys = 0;
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
  uint64_t estimated_pending_compaction_bytes = 0;
  uint64_t bytes_written = 0;
  // Bytes compactions wrote (each rewrite of data counts again): write amplification.
  uint64_t compaction_bytes_written = 0;
};

struct BackupInfo {
  uint32_t id = 0;
  int64_t created_unix_seconds = 0;
  uint64_t size_bytes = 0;
  uint32_t files = 0;
};

// One family's input to KeyValueStore::IngestSorted. Each cursor is read from its current
// position while Valid(), keys strictly increasing, and the two hold disjoint keys: a `values`
// entry replaces the stored value of its key; a `merges` entry (may be null) is an encoded
// EdgeAggregate delta folded into the stored aggregate, as WriteBatch::MergeAggregate does, so
// a bulk load never reads what an earlier ingestion stored to add to it.
struct SortedIngest {
  Family family;
  Cursor* values = nullptr;
  Cursor* merges = nullptr;
};

// What the engine asks of the store it opens; a backend maps each to its own settings.
struct StoreOptions {
  std::string path;
  bool create_if_missing = true;
  // The store's cache of data read from disk (RocksDB: one LRU block cache shared by families).
  size_t cache_bytes = 256ull << 20;
  // true: a write of the default policy is durable before it returns (survives power loss).
  // false: it survives a process crash (kill -9), not a machine crash.
  bool sync_writes = true;
  bool read_only = false;
  // Writes are refused (RESOURCE_EXHAUSTED) while the file system has less free space than this,
  // so the disk never fills under the store. At least kMinDiskReserveBytes (disk_space.h); 0:
  // DefaultDiskReserve of the data directory's volume.
  uint64_t min_free_disk_bytes = 0;
  // For a bulk load that calls CompactAll once at the end: the store does no background
  // reorganisation of what is ingested meanwhile (RocksDB: no automatic compactions, so files
  // are not rewritten level by level on their way down, and no write stalls), and its
  // CompactAll / CompactRecentWrites merge every file straight into the last level in one pass.
  bool defer_compaction = false;
};

// Thread-safe: every method may be called from any thread concurrently.
class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;

  virtual std::unique_ptr<Snapshot> NewSnapshot() = 0;
  // `snapshot` may be null (latest state). Returns nullopt when the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(const Snapshot* snapshot, Family family,
                                                         std::string_view key) = 0;
  virtual std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const Snapshot* snapshot, Family family, const std::vector<std::string>& keys) = 0;
  // A cursor over [lower, upper); an empty `upper` means no upper bound. The cursor must not
  // outlive the snapshot.
  virtual std::unique_ptr<Cursor> NewCursor(const Snapshot* snapshot, Family family,
                                            std::string_view lower, std::string_view upper) = 0;
  // Applies the batch atomically before returning OK; durably per `sync` (WriteSync).
  virtual absl::Status Write(const WriteBatch& batch, WriteSync sync = WriteSync::kPolicy) = 0;

  // Bulk-loads sorted entries into several families at once, without the write path: all of
  // them or none. Meant for offline loads while nothing else writes. Stores that cannot do this
  // return Unimplemented.
  virtual absl::Status IngestSorted(const std::vector<SortedIngest>& families) {
    (void)families;
    return absl::UnimplementedError("this store cannot ingest sorted files");
  }

  virtual absl::StatusOr<StoreStats> Stats() = 0;
  // Compacts every family into its last level, rewriting the files already there too, so every
  // overwritten value and tombstone is dropped.
  virtual absl::Status CompactAll() = 0;
  // Compacts what writes added above each family's last level into it, and leaves a family
  // that holds nothing above its last level as it is: after writes to a few families (a bulk
  // load's scores), much less work than CompactAll.
  virtual absl::Status CompactRecentWrites() { return CompactAll(); }
  virtual absl::Status Flush() = 0;
  // Reads every stored block and checks its checksum: DataLoss on corruption.
  virtual absl::Status VerifyChecksums() = 0;
  // An online, consistent, incremental backup into `backup_dir` (created when missing).
  virtual absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) = 0;
  // True while writes are refused because the disk is below its free-space reserve.
  virtual bool BelowDiskReserve() const { return false; }
  // Makes every write applied before the call durable, as a synced write would have (a no-op
  // when the store's sync policy does not sync). With deferred writes, what lets writers share
  // one sync (group commit).
  virtual absl::Status SyncLog() { return absl::OkStatus(); }
};

// The store this build links, chosen at link time as LevelDB chooses its Env::Default(): the
// engine calls these and includes no backend's header. Defined by the backend (RocksDbStore in
// rocksdb_store.cc).
//
// Opens (creating when allowed) the store at options.path. FailedPrecondition when another
// process holds the directory, DataLoss on corruption.
absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenStore(const StoreOptions& options);
// Backups made by KeyValueStore::CreateBackup, oldest first.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);
// Checks that every file of the backup is present with its size and checksum.
absl::Status VerifyBackup(const std::string& backup_dir, uint32_t backup_id);
// Restores a backup into `target_dir`, which must be empty or absent; a server can then be
// started on it. The live database is never touched.
absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& target_dir);
// Deletes all but the newest `keep` backups.
absl::Status PurgeOldBackups(const std::string& backup_dir, uint32_t keep);

}  // namespace claimgraph::storage
