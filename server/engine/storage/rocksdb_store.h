// RocksDbStore: the embedded KeyValueStore, one RocksDB database with a column family per
// storage::Family, tuned per access pattern.
#pragma once

#include <memory>
#include <string>

#include "engine/storage/key_value_store.h"

namespace claimgraph::storage {

struct RocksDbOptions {
  std::string path;
  bool create_if_missing = true;
  // Shared LRU block cache across families.
  size_t block_cache_bytes = 256ull << 20;
  // true: fsync the WAL before acknowledging a write (survives power loss). false: the WAL is
  // written but not synced (survives a process crash / kill -9, not a machine crash).
  bool sync_writes = true;
  bool read_only = false;
  // Writes are refused (RESOURCE_EXHAUSTED) while the file system has less free space than this,
  // so the disk never fills under RocksDB. 0: no reserve.
  uint64_t min_free_disk_bytes = 256ull << 20;
  // For a bulk load that compacts once at the end: no background compaction of the files it
  // ingests meanwhile (each would otherwise be rewritten once per level on the way down), and
  // no write stalls for the level-0 files that pile up.
  bool disable_auto_compactions = false;
};

// Opens (creating when allowed) the database at options.path. Fails with FailedPrecondition when
// the directory is locked by another process, and with DataLoss on corruption.
absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenRocksDbStore(const RocksDbOptions& options);

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
