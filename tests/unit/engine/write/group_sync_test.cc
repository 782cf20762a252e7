// GroupSync: a caller returns only after a sync that began once its write was applied, and
// callers that arrive while a sync runs share the next one.
#include "engine/write/group_sync.h"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/storage/key_value_store.h"

namespace claimgraph {
namespace {

// A store whose only working call is SyncLog: it counts the syncs, can hold the first one until
// released, and can fail the next one.
class SyncingStore final : public storage::KeyValueStore {
 public:
  absl::Status SyncLog() override {
    std::unique_lock lock(mutex_);
    ++syncs_;
    entered_.notify_all();
    released_.wait(lock, [&] { return !hold_; });
    if (fail_next_) {
      fail_next_ = false;
      return absl::UnavailableError("sync failed");
    }
    return absl::OkStatus();
  }
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard lock(mutex_);
    hold_ = false;
    released_.notify_all();
  }
  void FailNext() {
    std::lock_guard lock(mutex_);
    fail_next_ = true;
  }
  void AwaitSyncs(int count) {
    std::unique_lock lock(mutex_);
    entered_.wait(lock, [&] { return syncs_ >= count; });
  }
  int syncs() {
    std::lock_guard lock(mutex_);
    return syncs_;
  }

  std::unique_ptr<storage::Snapshot> NewSnapshot() override { return nullptr; }
  absl::StatusOr<std::optional<std::string>> Get(const storage::Snapshot*, storage::Family,
                                                 std::string_view) override {
    return absl::UnimplementedError("get");
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const storage::Snapshot*, storage::Family, const std::vector<std::string>&) override {
    return {};
  }
  std::unique_ptr<storage::Cursor> NewCursor(const storage::Snapshot*, storage::Family,
                                             std::string_view, std::string_view) override {
    return nullptr;
  }
  absl::Status Write(const storage::WriteBatch&, storage::WriteSync) override {
    return absl::UnimplementedError("write");
  }
  absl::StatusOr<storage::StoreStats> Stats() override { return absl::UnimplementedError(""); }
  absl::Status CompactAll() override { return absl::OkStatus(); }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status VerifyChecksums() override { return absl::OkStatus(); }
  absl::StatusOr<storage::BackupInfo> CreateBackup(const std::string&) override {
    return absl::UnimplementedError("backup");
  }

 private:
  std::mutex mutex_;
  std::condition_variable entered_, released_;
  int syncs_ = 0;
  bool hold_ = false;
  bool fail_next_ = false;
};

TEST_CASE("writers that arrive during a sync share the next one") {
  GroupSync group;
  SyncingStore store;
  store.Hold();
  const uint64_t first = group.Applied();
  std::thread syncer([&] { CHECK(group.AwaitDurable(first, store).ok()); });
  store.AwaitSyncs(1);  // the first sync began: it covers the first write only
  std::vector<uint64_t> later;
  for (int i = 0; i < 5; ++i) later.push_back(group.Applied());
  std::vector<std::thread> writers;
  for (uint64_t ticket : later) {
    writers.emplace_back([&, ticket] { CHECK(group.AwaitDurable(ticket, store).ok()); });
  }
  store.Release();
  syncer.join();
  for (auto& writer : writers) writer.join();
  // Six writes, two syncs: the one under way, and one that covers the five written meanwhile.
  CHECK(store.syncs() == 2);
  // Everything applied is durable: a caller that wrote nothing new does not sync again.
  CHECK(group.AwaitDurable(group.LastApplied(), store).ok());
  CHECK(store.syncs() == 2);
  CHECK(group.AwaitDurable(0, store).ok());
}

TEST_CASE("a failed sync fails its caller, and the next caller syncs again") {
  GroupSync group;
  SyncingStore store;
  const uint64_t ticket = group.Applied();
  store.FailNext();
  auto failed = group.AwaitDurable(ticket, store);
  CHECK(failed.code() == absl::StatusCode::kUnavailable);
  CHECK(group.AwaitDurable(ticket, store).ok());
  CHECK(store.syncs() == 2);
}

}  // namespace
}  // namespace claimgraph
