// Disk space: what a store keeps free so that the disk never fills under it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace claimgraph::storage
