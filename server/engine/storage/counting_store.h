// CountingStore: a KeyValueStore that forwards every call to the store it wraps and counts the
// reads and writes, so tests and benchmarks can check how a query reads storage (point reads,
// batched reads, cursors) and how a write reaches it (synced or deferred), without timing it.
// Header only; the counters are atomic, the store as thread-safe as the wrapped one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/key_value_store.h"

namespace claimgraph::storage {

class CountingStore final : public KeyValueStore {
 public:
  explicit CountingStore(std::unique_ptr<KeyValueStore> inner) : inner_(std::move(inner)) {}

  struct Counts {
    uint64_t gets = 0, multi_gets = 0, multi_get_keys = 0, cursors = 0;
    uint64_t synced_writes = 0, deferred_writes = 0;  // by WriteSync
    uint64_t log_syncs = 0;                           // SyncLog calls
  };
  Counts counts() const {
    return {gets_,          multi_gets_,      multi_get_keys_, cursors_,
            synced_writes_, deferred_writes_, log_syncs_};
  }
  // Counts since `before`.
  Counts Since(const Counts& before) const {
    Counts now = counts();
    return {now.gets - before.gets,
            now.multi_gets - before.multi_gets,
            now.multi_get_keys - before.multi_get_keys,
            now.cursors - before.cursors,
            now.synced_writes - before.synced_writes,
            now.deferred_writes - before.deferred_writes,
            now.log_syncs - before.log_syncs};
  }

  std::unique_ptr<Snapshot> NewSnapshot() override { return inner_->NewSnapshot(); }
  absl::StatusOr<std::optional<std::string>> Get(const Snapshot* snapshot, Family family,
                                                 std::string_view key) override {
    ++gets_;
    return inner_->Get(snapshot, family, key);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const Snapshot* snapshot, Family family, const std::vector<std::string>& keys) override {
    ++multi_gets_;
    multi_get_keys_ += keys.size();
    return inner_->MultiGet(snapshot, family, keys);
  }
  std::unique_ptr<Cursor> NewCursor(const Snapshot* snapshot, Family family, std::string_view lower,
                                    std::string_view upper) override {
    ++cursors_;
    return inner_->NewCursor(snapshot, family, lower, upper);
  }
  absl::Status Write(const WriteBatch& batch, WriteSync sync = WriteSync::kPolicy) override {
    ++(sync == WriteSync::kDeferred ? deferred_writes_ : synced_writes_);
    return inner_->Write(batch, sync);
  }
  absl::Status IngestSorted(const std::vector<SortedIngest>& families) override {
    return inner_->IngestSorted(families);
  }
  absl::StatusOr<StoreStats> Stats() override { return inner_->Stats(); }
  absl::Status CompactAll() override { return inner_->CompactAll(); }
  absl::Status CompactRecentWrites() override { return inner_->CompactRecentWrites(); }
  absl::Status Flush() override { return inner_->Flush(); }
  bool BelowDiskReserve() const override { return inner_->BelowDiskReserve(); }
  absl::Status SyncLog() override {
    ++log_syncs_;
    return inner_->SyncLog();
  }
  absl::Status VerifyChecksums() override { return inner_->VerifyChecksums(); }
  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) override {
    return inner_->CreateBackup(backup_dir);
  }

 private:
  std::unique_ptr<KeyValueStore> inner_;
  std::atomic<uint64_t> gets_{0}, multi_gets_{0}, multi_get_keys_{0}, cursors_{0};
  std::atomic<uint64_t> synced_writes_{0}, deferred_writes_{0}, log_syncs_{0};
};

}  // namespace claimgraph::storage
