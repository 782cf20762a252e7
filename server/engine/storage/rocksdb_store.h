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
};

// Opens (creating when allowed) the database at options.path. Fails with FailedPrecondition when
// the directory is locked by another process, and with DataLoss on corruption.
absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenRocksDbStore(const RocksDbOptions& options);

}  // namespace claimgraph::storage
