// StagingStore: in-memory staging over a base store, sorted and spilled as sorted files.
#include "engine/exchange/staging_store.h"

#include <algorithm>
#include <vector>

#include "engine/status_macros.h"
#include "engine/storage/edge_aggregate.h"
#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

using storage::Family;

// Per-entry bookkeeping of the hash map (the slot's two string headers at a load factor of at
// least 7/16 after growth, its control byte), for the memory budget.
constexpr size_t kEntryOverheadBytes = 96;

// Snapshots of a staging store are markers only: reads always see the latest staged state.
class StagingSnapshot final : public storage::Snapshot {};

// The cursor scans get: always invalid, reporting why.
class UnsupportedCursor final : public storage::Cursor {
 public:
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void SeekToFirst() override {}
  void SeekToLast() override {}
  bool Valid() const override { return false; }
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  absl::Status status() const override {
    return absl::FailedPreconditionError("staging store: scans are not supported during a load");
  }
};

// A cursor over the entries of one staged map in key order, as IngestSorted reads them.
class SortedEntriesCursor final : public storage::Cursor {
 public:
  using Entry = std::pair<const std::string, std::string>;
  explicit SortedEntriesCursor(std::vector<const Entry*> entries) : entries_(std::move(entries)) {
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry* a, const Entry* b) { return a->first < b->first; });
  }
  void Seek(std::string_view key) override {
    at_ = static_cast<size_t>(
        std::lower_bound(entries_.begin(), entries_.end(), key,
                         [](const Entry* entry, std::string_view k) { return entry->first < k; }) -
        entries_.begin());
  }
  void SeekForPrev(std::string_view key) override {
    size_t after = static_cast<size_t>(
        std::upper_bound(entries_.begin(), entries_.end(), key,
                         [](std::string_view k, const Entry* entry) { return k < entry->first; }) -
        entries_.begin());
    at_ = after == 0 ? entries_.size() : after - 1;
  }
  void SeekToFirst() override { at_ = 0; }
  void SeekToLast() override { at_ = entries_.empty() ? 0 : entries_.size() - 1; }
  bool Valid() const override { return at_ < entries_.size(); }
  void Next() override { ++at_; }
  void Prev() override { at_ = at_ == 0 ? entries_.size() : at_ - 1; }
  std::string_view key() const override { return entries_[at_]->first; }
  std::string_view value() const override { return entries_[at_]->second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<const Entry*> entries_;
  size_t at_ = 0;
};

}  // namespace

std::unique_ptr<storage::Snapshot> StagingStore::NewSnapshot() {
  return std::make_unique<StagingSnapshot>();
}

StagingStore::StagingStore(storage::KeyValueStore* base) : base_(base) {
  for (Family family : {Family::kDictionary, Family::kRecords}) {
    auto cursor = base_->NewCursor(nullptr, family, "", "");
    cursor->SeekToFirst();
    // An unreadable base counts as holding data: the filter is only an optimisation.
    if (!cursor->Valid() && cursor->status().ok()) {
      written_[static_cast<size_t>(family)] = std::make_unique<WrittenKeyFilter>();
    }
  }
}

StagingStore::~StagingStore() { WaitForBackgroundSpill().IgnoreError(); }

void StagingStore::Layer::Clear() {
  for (auto& map : values) map.clear();
  for (auto& map : merges) map.clear();
}

absl::StatusOr<std::optional<std::string>> StagingStore::GetLocked(Family family,
                                                                   std::string_view key) {
  const size_t f = static_cast<size_t>(family);
  // Newest first: the layer taking writes, then the one being spilled, then the base. Deltas
  // met on the way are folded, oldest first, onto the first value found below them.
  std::array<const std::string*, 2> deltas{};
  size_t delta_count = 0;
  std::optional<std::string> below;
  bool found = false;
  for (const Layer* layer : {&staged_, &spilling_}) {
    auto value = layer->values[f].find(key);
    if (value != layer->values[f].end()) {
      below = value->second;
      found = true;
      break;
    }
    auto delta = layer->merges[f].find(key);
    if (delta != layer->merges[f].end()) deltas[delta_count++] = &delta->second;
  }
  if (!found) {
    if (delta_count == 0 && written_[f] != nullptr && !written_[f]->MayContain(key)) {
      return std::optional<std::string>();
    }
    CG_ASSIGN_OR_RETURN(below, base_->Get(nullptr, family, key));
  }
  if (delta_count == 0) return below;
  storage::EdgeAggregate aggregate;
  if (below) {
    auto decoded = storage::EdgeAggregate::Decode(*below);
    if (!decoded) return absl::DataLossError("staging store: corrupt stored aggregate");
    aggregate = *decoded;
  }
  for (size_t i = delta_count; i-- > 0;) {
    aggregate.Apply(*storage::EdgeAggregate::Decode(*deltas[i]));  // checked when written
  }
  return std::optional<std::string>(aggregate.Encode());
}

absl::StatusOr<std::optional<std::string>> StagingStore::Get(const storage::Snapshot*,
                                                             Family family, std::string_view key) {
  std::lock_guard lock(mutex_);
  return GetLocked(family, key);
}

std::vector<absl::StatusOr<std::optional<std::string>>> StagingStore::MultiGet(
    const storage::Snapshot*, Family family, const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  std::vector<absl::StatusOr<std::optional<std::string>>> out;
  out.reserve(keys.size());
  for (const auto& key : keys) out.push_back(GetLocked(family, key));
  return out;
}

std::unique_ptr<storage::Cursor> StagingStore::NewCursor(const storage::Snapshot*, Family,
                                                         std::string_view, std::string_view) {
  return std::make_unique<UnsupportedCursor>();
}

absl::Status StagingStore::Write(const storage::WriteBatch& batch, storage::WriteSync) {
  std::lock_guard lock(mutex_);
  for (const auto& op : batch.operations()) {
    if (op.kind == storage::WriteBatch::Kind::kDelete) {
      return absl::FailedPreconditionError(
          "staging store: deletes are not supported during a load");
    }
  }
  // Checked first, so a batch is applied whole or not at all.
  for (const auto& op : batch.operations()) {
    if (op.kind == storage::WriteBatch::Kind::kMergeAggregate &&
        !storage::EdgeAggregate::Decode(op.value)) {
      return absl::InvalidArgumentError("staging store: corrupt aggregate operand");
    }
  }
  for (const auto& op : batch.operations()) {
    const size_t f = static_cast<size_t>(op.family);
    Map& values = staged_.values[f];
    Map& merges = staged_.merges[f];
    if (written_[f] != nullptr) written_[f]->Add(op.key);
    if (op.kind == storage::WriteBatch::Kind::kMergeAggregate) {
      // Fold the delta into this layer's value or delta for the key, as the store's merge
      // operator would; never read below the layer.
      auto value = values.find(op.key);
      Map::iterator target;
      if (value != values.end()) {
        target = value;
      } else {
        auto [delta, inserted] = merges.try_emplace(op.key);
        if (inserted) {
          staged_bytes_ += op.key.size() + kEntryOverheadBytes + op.value.size();
          delta->second = op.value;
          continue;
        }
        target = delta;
      }
      auto aggregate = storage::EdgeAggregate::Decode(target->second);
      if (!aggregate) return absl::DataLossError("staging store: corrupt staged aggregate");
      aggregate->Apply(*storage::EdgeAggregate::Decode(op.value));
      target->second = aggregate->Encode();  // same size: the encoding is fixed-width
      continue;
    }
    // A value replaces whatever this layer held for the key, delta included.
    if (auto delta = merges.find(op.key); delta != merges.end()) {
      staged_bytes_ -= delta->first.size() + kEntryOverheadBytes + delta->second.size();
      merges.erase(delta);
    }
    auto [it, inserted] = values.try_emplace(op.key);
    if (inserted) {
      staged_bytes_ += op.key.size() + kEntryOverheadBytes;
    } else {
      staged_bytes_ -= it->second.size();
    }
    staged_bytes_ += op.value.size();
    it->second = op.value;
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::StoreStats> StagingStore::Stats() { return base_->Stats(); }

absl::Status StagingStore::CompactAll() {
  CG_RETURN_IF_ERROR(Spill());
  return base_->CompactAll();
}

absl::Status StagingStore::Flush() { return Spill(); }

absl::Status StagingStore::VerifyChecksums() { return base_->VerifyChecksums(); }

absl::StatusOr<storage::BackupInfo> StagingStore::CreateBackup(const std::string&) {
  return absl::FailedPreconditionError("staging store: no backups during a load");
}

size_t StagingStore::staged_bytes() const {
  std::lock_guard lock(mutex_);
  return staged_bytes_;
}

namespace {

// Ingests `layer` into `base`, each map's entries sorted, all families in one ingestion.
absl::Status IngestLayer(storage::KeyValueStore* base,
                         const std::array<StagingStore::Map, storage::kFamilyCount>& values,
                         const std::array<StagingStore::Map, storage::kFamilyCount>& merges) {
  std::vector<std::unique_ptr<SortedEntriesCursor>> cursors;
  auto sorted_cursor = [&](const StagingStore::Map& map) -> storage::Cursor* {
    if (map.empty()) return nullptr;
    std::vector<const SortedEntriesCursor::Entry*> sorted;
    sorted.reserve(map.size());
    for (const auto& entry : map) sorted.push_back(&entry);
    cursors.push_back(std::make_unique<SortedEntriesCursor>(std::move(sorted)));
    return cursors.back().get();
  };
  std::vector<storage::SortedIngest> families;
  for (size_t family = 0; family < values.size(); ++family) {
    storage::SortedIngest ingest{static_cast<Family>(family), sorted_cursor(values[family]),
                                 sorted_cursor(merges[family])};
    if (ingest.values != nullptr || ingest.merges != nullptr) families.push_back(ingest);
  }
  if (families.empty()) return absl::OkStatus();
  return base->IngestSorted(families);
}

}  // namespace

absl::Status StagingStore::WaitForBackgroundSpill() {
  if (!spill_thread_.joinable()) return absl::OkStatus();
  spill_thread_.join();
  std::lock_guard lock(mutex_);
  // Emptied only after the join: until then the spilling thread reads these maps.
  spilling_.Clear();
  absl::Status status = spill_status_;
  spill_status_ = absl::OkStatus();
  return status;
}

absl::Status StagingStore::Spill() {
  absl::Status background = WaitForBackgroundSpill();
  std::lock_guard lock(mutex_);
  CG_RETURN_IF_ERROR(background);
  CG_RETURN_IF_ERROR(IngestLayer(base_, staged_.values, staged_.merges));
  staged_.Clear();
  staged_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status StagingStore::SpillInBackground() {
  CG_RETURN_IF_ERROR(WaitForBackgroundSpill());
  std::lock_guard lock(mutex_);
  std::swap(staged_, spilling_);  // spilling_ was empty: writes go to fresh maps
  staged_bytes_ = 0;
  spill_thread_ = std::thread([this] {
    // spilling_ is read-only until the join; the base is thread-safe.
    absl::Status status = IngestLayer(base_, spilling_.values, spilling_.merges);
    std::lock_guard lock(mutex_);
    spill_status_ = std::move(status);
  });
  return absl::OkStatus();
}

}  // namespace claimgraph::exchange
