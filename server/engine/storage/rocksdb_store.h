// RocksDbStore: the embedded KeyValueStore, one RocksDB database with a column family per
// storage::Family, tuned per access pattern.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/storage/key_value_store.h"

namespace claimgraph::storage {

// The smallest free-space reserve accepted: what switching and flushing one memtable may need
// (a new WAL, preallocated to 1.1 times RocksDB's default 64 MiB write_buffer_size, and an SST
// of at most that size), so a database at its reserve can still flush and restart.
inline constexpr uint64_t kMinDiskReserveBytes = 128ull << 20;

// min(256 MiB, 5% of the volume holding `path`), and at least kMinDiskReserveBytes.
uint64_t DefaultDiskReserve(const std::string& path);

// Free bytes for unprivileged writers on the volume holding `path` (or its nearest existing
// ancestor); nullopt when it cannot be read.
std::optional<uint64_t> FreeDiskBytes(const std::string& path);

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
  // so the disk never fills under RocksDB (whose writes abort the process on ENOSPC). At least
  // kMinDiskReserveBytes; 0: DefaultDiskReserve of the data directory's volume.
  uint64_t min_free_disk_bytes = 0;
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
