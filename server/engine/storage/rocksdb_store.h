// RocksDbStore: the embedded KeyValueStore, one RocksDB database with a column family per
// storage::Family, tuned per access pattern.
#pragma once

#include <memory>

#include "engine/storage/key_value_store.h"

namespace claimgraph::storage {

// Opens the RocksDB backend (what OpenStore does in this build); for the backend's own tests and
// the benchmark's raw RocksDB measurements.
absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenRocksDbStore(const StoreOptions& options);

}  // namespace claimgraph::storage
