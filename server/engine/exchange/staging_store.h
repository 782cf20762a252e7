// StagingStore: the KeyValueStore an offline load writes through. Writes land in in-memory hash
// maps (one per family; edge-aggregate merges folded among themselves), reads see those maps
// over a base store, and Spill() sorts the maps and moves them into the base as sorted files
// (KeyValueStore::IngestSorted), so memory stays bounded however large the load. Hash maps, not
// ordered ones: a load does several point reads per key it writes and never scans, so the keys
// are sorted once per spill instead of on every insert and lookup. SpillInBackground() lets the
// load go on while one set of maps is sorted and written (a second core's work).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "engine/exchange/written_key_filter.h"
#include "engine/string_map.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph::exchange {

// Thread-safe. The base must outlive the StagingStore, and nothing else may write to the base
// while it is in use. Scans (NewCursor, snapshots) are not supported: the write path needs point
// reads only, and a cursor over a half-spilled load would mean nothing; NewCursor returns a
// cursor whose status() is FailedPrecondition. Deletes are refused (imports never delete).
class StagingStore final : public storage::KeyValueStore {
 public:
  // Open addressing: a load looks up several keys for every key it writes.
  using Map = StringMap<std::string>;

  // Families the base holds nothing of get a filter of the keys written to them (see
  // written_), so lookups of keys the load never wrote skip the base.
  explicit StagingStore(storage::KeyValueStore* base);
  // Waits for a background spill (its result is lost: call Spill() to learn it).
  ~StagingStore() override;

  std::unique_ptr<storage::Snapshot> NewSnapshot() override;
  absl::StatusOr<std::optional<std::string>> Get(const storage::Snapshot* snapshot,
                                                 storage::Family family,
                                                 std::string_view key) override;
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const storage::Snapshot* snapshot, storage::Family family,
      const std::vector<std::string>& keys) override;
  std::unique_ptr<storage::Cursor> NewCursor(const storage::Snapshot* snapshot,
                                             storage::Family family, std::string_view lower,
                                             std::string_view upper) override;
  // Staged data is durable only once ingested: `sync` does not apply.
  absl::Status Write(const storage::WriteBatch& batch,
                     storage::WriteSync sync = storage::WriteSync::kPolicy) override;
  absl::StatusOr<storage::StoreStats> Stats() override;
  absl::Status CompactAll() override;
  absl::Status Flush() override;
  // Checks the base's files (staged data is in memory and has no checksums).
  absl::Status VerifyChecksums() override;
  // Refused (FailedPrecondition): a backup in the middle of a load would hold part of it.
  absl::StatusOr<storage::BackupInfo> CreateBackup(const std::string& backup_dir) override;

  // Approximate bytes held in memory (keys, values and map overhead) by the maps taking writes
  // (a background spill's maps are not counted: they are freed when it ends).
  size_t staged_bytes() const;
  // Ingests every staged family into the base as sorted files and empties the maps, waiting for
  // a background spill first. Returns the first error of either.
  absl::Status Spill();
  // Hands the staged maps to a background thread that ingests them, and returns: writes go to
  // fresh maps meanwhile, and reads see both. Waits first for the previous background spill, so
  // memory stays within twice the staged bytes a caller spills at. Returns the previous
  // background spill's error; this one's is returned by the next Spill*.
  absl::Status SpillInBackground();

 private:
  // One generation of staged writes. A key is in at most one of a family's two maps.
  struct Layer {
    std::array<Map, storage::kFamilyCount> values;
    // Edge-aggregate deltas folded among themselves, for keys this layer has no value of: a
    // merge never reads the value below it (earlier spills are in RocksDB, and at scale most
    // edges' are), so the delta is ingested as a merge entry for RocksDB's merge operator to
    // fold. Only a read of the key combines them with the value below.
    std::array<Map, storage::kFamilyCount> merges;
    void Clear();
  };

  absl::StatusOr<std::optional<std::string>> GetLocked(storage::Family family,
                                                       std::string_view key);
  // Joins the background spill and returns its result (OK when none ran).
  absl::Status WaitForBackgroundSpill();

  storage::KeyValueStore* base_;
  mutable std::mutex mutex_;
  Layer staged_;
  size_t staged_bytes_ = 0;
  // The layer a background spill is ingesting: read-only while spill_thread_ runs (the thread
  // reads it without the mutex), emptied under the mutex once the base holds it.
  Layer spilling_;
  std::thread spill_thread_;
  absl::Status spill_status_;  // the background spill's result, set before the thread ends
  // Every key written to the dictionary and record families when the base held none of that
  // family at the start: a key not in the filter is in no layer and not in the base. These are
  // the families a load reads to find ids and records are new.
  std::array<std::unique_ptr<WrittenKeyFilter>, storage::kFamilyCount> written_;
};

}  // namespace claimgraph::exchange
