// RocksDbStore's bulk paths: sorted ingestion with merge entries, a store opened without
// background compactions, and the two whole-store compactions, inspected through RocksDB's own
// file metadata (opened read-only once the store is closed).
#include "engine/storage/rocksdb_store.h"

#include <doctest/doctest.h>

#include <rocksdb/db.h>

#include <map>
#include <set>

#include "engine/storage/edge_aggregate.h"
#include "engine/strings.h"
#include "unit/engine/test_database.h"

namespace claimgraph::storage {
namespace {

using testing::TempDir;

// A cursor over an ordered map, as IngestSorted reads it.
class MapCursor final : public Cursor {
 public:
  explicit MapCursor(const std::map<std::string, std::string>& entries)
      : entries_(entries), at_(entries_.begin()) {}
  void Seek(std::string_view key) override { at_ = entries_.lower_bound(std::string(key)); }
  void SeekForPrev(std::string_view) override {}
  void SeekToFirst() override { at_ = entries_.begin(); }
  void SeekToLast() override {}
  bool Valid() const override { return at_ != entries_.end(); }
  void Next() override { ++at_; }
  void Prev() override {}
  std::string_view key() const override { return at_->first; }
  std::string_view value() const override { return at_->second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::map<std::string, std::string>& entries_;
  std::map<std::string, std::string>::const_iterator at_;
};

// Per family: the level-0 file count and the names of all live files.
struct FamilyFiles {
  int level0 = 0;
  int above_last = 0;  // files in a level above the last (RocksDB's default 7 levels)
  std::set<std::string> names;
};
std::map<std::string, FamilyFiles> InspectFiles(const std::string& path) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::map<std::string, FamilyFiles> out;
  for (const auto& file : files) {
    out[file.column_family_name].names.insert(file.name);
    if (file.level == 0) ++out[file.column_family_name].level0;
    if (file.level < 6) ++out[file.column_family_name].above_last;
  }
  for (auto* handle : handles) REQUIRE(db->DestroyColumnFamilyHandle(handle).ok());
  return out;
}

EdgeAggregate Claims(int64_t claims) {
  EdgeAggregate aggregate;
  aggregate.claims = claims;
  aggregate.first_recorded_at = aggregate.last_recorded_at = static_cast<uint64_t>(claims);
  return aggregate;
}

// `rounds` ingestions of the same 100 record keys (a later value wins) and 100 edge merges of
// one claim each: every ingestion overlaps all the others.
void IngestOverlapping(KeyValueStore* store, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    std::map<std::string, std::string> records, merges;
    for (int i = 0; i < 100; ++i) {
      records[StrCat("record-", i)] = StrCat("value-", round);
      merges[StrCat("edge-", i)] = Claims(1).Encode();
    }
    MapCursor record_cursor(records), merge_cursor(merges);
    REQUIRE(store
                ->IngestSorted({{Family::kRecords, &record_cursor, nullptr},
                                {Family::kEdges, nullptr, &merge_cursor}})
                .ok());
  }
}

TEST_CASE(
    "a bulk store keeps its ingested files for one compaction, then settles only new writes") {
  TempDir dir;
  StoreOptions options;
  options.path = dir.path();
  options.sync_writes = false;
  options.defer_compaction = true;
  // Overlapping ingestions fill the levels from the bottom up (L6, L5, ... L1), then level 0:
  // 12 leave 6 files in level 0, past RocksDB's compaction trigger (4).
  constexpr int kIngestions = 12;
  {
    auto store = OpenRocksDbStore(options);
    REQUIRE(store.ok());
    IngestOverlapping(store->get(), kIngestions);
  }
  // No compaction ran: one file per ingestion and family.
  auto files = InspectFiles(dir.path());
  for (Family family : {Family::kRecords, Family::kEdges}) {
    CHECK(files[FamilyName(family)].names.size() == kIngestions);
    CHECK(files[FamilyName(family)].level0 > 4);
  }

  options.defer_compaction = false;
  {
    auto store = OpenRocksDbStore(options);
    REQUIRE(store.ok());
    REQUIRE((*store)->CompactAll().ok());
    // The merge entries of every ingestion folded into one value.
    auto edge = (*store)->Get(nullptr, Family::kEdges, "edge-7");
    REQUIRE(edge.ok());
    REQUIRE(edge->has_value());
    CHECK(EdgeAggregate::Decode(**edge)->claims == kIngestions);
    CHECK(**(*store)->Get(nullptr, Family::kRecords, "record-7") ==
          StrCat("value-", kIngestions - 1));
  }
  auto compacted = InspectFiles(dir.path());
  CHECK(compacted[FamilyName(Family::kRecords)].level0 == 0);
  CHECK(compacted[FamilyName(Family::kEdges)].level0 == 0);

  // New writes to the edges only: settling them rewrites the edges and leaves the records' files.
  {
    auto store = OpenRocksDbStore(options);
    REQUIRE(store.ok());
    WriteBatch batch;
    for (int i = 0; i < 100; ++i)
      batch.MergeAggregate(Family::kEdges, StrCat("edge-", i), Claims(10).Encode());
    REQUIRE((*store)->Write(batch).ok());
    REQUIRE((*store)->CompactRecentWrites().ok());
    auto edge = (*store)->Get(nullptr, Family::kEdges, "edge-7");
    REQUIRE(edge.ok());
    CHECK(EdgeAggregate::Decode(**edge)->claims == kIngestions + 10);
  }
  auto settled = InspectFiles(dir.path());
  CHECK(settled[FamilyName(Family::kRecords)].names ==
        compacted[FamilyName(Family::kRecords)].names);
  CHECK(settled[FamilyName(Family::kEdges)].level0 == 0);
  CHECK(settled[FamilyName(Family::kEdges)].names != compacted[FamilyName(Family::kEdges)].names);
}

TEST_CASE("a store without background compactions compacts straight into the last level") {
  TempDir dir;
  StoreOptions options;
  options.path = dir.path();
  options.sync_writes = false;
  options.defer_compaction = true;
  constexpr int kIngestions = 12;
  auto store = OpenRocksDbStore(options);
  REQUIRE(store.ok());
  IngestOverlapping(store->get(), kIngestions);
  // Unflushed writes are compacted too.
  WriteBatch unflushed;
  unflushed.Put(Family::kRecords, "record-late", "late");
  REQUIRE((*store)->Write(unflushed).ok());
  auto sst_bytes = [&] {
    auto stats = (*store)->Stats();
    REQUIRE(stats.ok());
    return *stats;
  };
  REQUIRE((*store)->CompactAll().ok());
  // One merge: the compaction wrote the compacted data once (level by level, CompactRange
  // writes it once per level it passes).
  auto after = sst_bytes();
  CHECK(after.compaction_bytes_written <= after.total_sst_bytes);
  auto read = [&](Family family, const std::string& key) {
    auto value = (*store)->Get(nullptr, family, key);
    REQUIRE(value.ok());
    REQUIRE(value->has_value());
    return **value;
  };
  CHECK(EdgeAggregate::Decode(read(Family::kEdges, "edge-7"))->claims == kIngestions);
  CHECK(read(Family::kRecords, "record-7") == StrCat("value-", kIngestions - 1));
  CHECK(read(Family::kRecords, "record-late") == "late");

  // Writes to the edges only, settled while compactions are still deferred.
  WriteBatch batch;
  for (int i = 0; i < 100; ++i)
    batch.MergeAggregate(Family::kEdges, StrCat("edge-", i), Claims(10).Encode());
  REQUIRE((*store)->Write(batch).ok());
  store->reset();
  auto compacted = InspectFiles(dir.path());
  for (Family family : {Family::kRecords, Family::kEdges}) {
    CHECK(compacted[FamilyName(family)].above_last == 0);
  }
  store = OpenRocksDbStore(options);
  REQUIRE(store.ok());
  REQUIRE((*store)->CompactRecentWrites().ok());
  CHECK(EdgeAggregate::Decode(read(Family::kEdges, "edge-7"))->claims == kIngestions + 10);
  store->reset();
  auto settled = InspectFiles(dir.path());
  CHECK(settled[FamilyName(Family::kRecords)].names ==
        compacted[FamilyName(Family::kRecords)].names);
  CHECK(settled[FamilyName(Family::kEdges)].above_last == 0);
  CHECK(settled[FamilyName(Family::kEdges)].names != compacted[FamilyName(Family::kEdges)].names);
}

TEST_CASE("an ingestion refuses a key given both as a value and as a merge") {
  TempDir dir;
  StoreOptions options;
  options.path = dir.path();
  options.sync_writes = false;
  auto store = OpenRocksDbStore(options);
  REQUIRE(store.ok());
  std::map<std::string, std::string> values{{"edge", Claims(1).Encode()}};
  std::map<std::string, std::string> merges{{"edge", Claims(2).Encode()}};
  MapCursor value_cursor(values), merge_cursor(merges);
  CHECK_FALSE((*store)->IngestSorted({{Family::kEdges, &value_cursor, &merge_cursor}}).ok());
  auto edge = (*store)->Get(nullptr, Family::kEdges, "edge");
  REQUIRE(edge.ok());
  CHECK_FALSE(edge->has_value());  // nothing of the refused ingestion landed
}

TEST_CASE("a second opener of a data directory is told another claimgraphd is using it") {
  TempDir dir;
  StoreOptions options;
  options.path = dir.path();
  auto first = OpenRocksDbStore(options);
  REQUIRE(first.ok());
  auto second = OpenRocksDbStore(options);
  REQUIRE(absl::IsFailedPrecondition(second.status()));
  CHECK(std::string(second.status().message()) ==
        StrCat("another claimgraphd is using ", dir.path(),
               " (its LOCK file is held): stop it, or give another --data-dir"));
}

}  // namespace
}  // namespace claimgraph::storage
