// Group commit: a write is applied under the write lock without waiting for the disk, and its
// caller then waits here, outside the lock, for a log sync that covers it. One sync covers every
// write applied before it began, so writers that arrive while a sync runs share the next one
// instead of each paying its own (as LevelDB's and RocksDB's writer queues do).
//
// A write is visible to readers once applied, and acknowledged once durable: a process crash
// keeps both (the log is in the operating system before the lock is released); a power loss can
// drop only writes that no caller was told had succeeded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/status/status.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph {

class GroupSync {
 public:
  // Counts a write just applied to the store and returns its ticket. Called under the write lock,
  // in the order the writes were applied.
  uint64_t Applied();
  // The ticket of the last write applied: what a caller that wrote nothing itself (its write
  // changed nothing) waits for, since what it read may not be durable yet.
  uint64_t LastApplied();
  // Returns once a sync that began after the write of `ticket` was applied has succeeded,
  // syncing the store itself when no other caller is doing so; the sync's error otherwise.
  absl::Status AwaitDurable(uint64_t ticket, storage::KeyValueStore& store);

 private:
  std::mutex mutex_;
  std::condition_variable synced_changed_;
  uint64_t applied_ = 0;  // guarded by mutex_
  uint64_t synced_ = 0;   // every write with a ticket up to this is durable; guarded by mutex_
  bool syncing_ = false;  // a caller is syncing; guarded by mutex_
};

}  // namespace claimgraph
