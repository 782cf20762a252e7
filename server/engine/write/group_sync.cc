#include "engine/write/group_sync.h"

#include <algorithm>

namespace claimgraph {

uint64_t GroupSync::Applied() {
  std::lock_guard lock(mutex_);
  return ++applied_;
}

uint64_t GroupSync::LastApplied() {
  std::lock_guard lock(mutex_);
  return applied_;
}

absl::Status GroupSync::AwaitDurable(uint64_t ticket, storage::KeyValueStore& store) {
  std::unique_lock lock(mutex_);
  while (synced_ < ticket) {
    if (syncing_) {
      synced_changed_.wait(lock);
      continue;
    }
    // This caller syncs for everyone: every write counted so far is in the store's log.
    syncing_ = true;
    const uint64_t covers = applied_;
    lock.unlock();
    absl::Status status = store.SyncLog();
    lock.lock();
    syncing_ = false;
    if (status.ok()) synced_ = std::max(synced_, covers);
    synced_changed_.notify_all();
    // The writes it would have covered stay unacknowledged; a waiter behind it tries again.
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace claimgraph
