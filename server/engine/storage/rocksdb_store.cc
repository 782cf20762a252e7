// RocksDB implementation of KeyValueStore, including the EdgeAggregate merge operator.
#include "engine/storage/rocksdb_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/storage/disk_space.h"
#include "engine/storage/edge_aggregate.h"
#include "engine/strings.h"

namespace claimgraph::storage {

namespace {

// Bytes of every regular file under `path`; files that vanish while it walks (a compaction
// deleting its inputs) are skipped, never an error.
uint64_t DirectoryBytes(const std::string& path) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  std::error_code error;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code size_error;
    if (!it->is_regular_file(size_error)) continue;
    uint64_t size = it->file_size(size_error);
    if (!size_error) total += size;
  }
  return total;
}

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(message);
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (s.IsBusy() || s.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

// Folds EdgeAggregate deltas; associative, so RocksDB may combine operands in any grouping.
class EdgeAggregateMerge final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    EdgeAggregate result;
    if (existing != nullptr) {
      auto decoded = EdgeAggregate::Decode(std::string_view(existing->data(), existing->size()));
      if (!decoded) return false;  // corruption: RocksDB reports it to the reader
      result = *decoded;
    }
    auto delta = EdgeAggregate::Decode(std::string_view(value.data(), value.size()));
    if (!delta) return false;
    result.Apply(*delta);
    *new_value = result.Encode();
    return true;
  }
  const char* Name() const override { return "claimgraph.EdgeAggregateMerge"; }
};

class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::Snapshot* get() const { return snapshot_; }
  uint64_t sequence() const override { return snapshot_->GetSequenceNumber(); }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

class RocksCursor final : public Cursor {
 public:
  RocksCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, const Snapshot* snapshot,
              std::string_view lower, std::string_view upper)
      : lower_(lower), upper_(upper) {
    rocksdb::ReadOptions options;
    if (snapshot != nullptr) options.snapshot = static_cast<const RocksSnapshot*>(snapshot)->get();
    lower_slice_ = rocksdb::Slice(lower_);
    options.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) {
      upper_slice_ = rocksdb::Slice(upper_);
      options.iterate_upper_bound = &upper_slice_;
    }
    // Bounded scans may run over prefix-extracted families: stay in total order.
    options.total_order_seek = true;
    iterator_.reset(db->NewIterator(options, family));
  }
  void Seek(std::string_view key) override { iterator_->Seek(rocksdb::Slice(key)); }
  void SeekForPrev(std::string_view key) override { iterator_->SeekForPrev(rocksdb::Slice(key)); }
  void SeekToFirst() override { iterator_->SeekToFirst(); }
  void SeekToLast() override { iterator_->SeekToLast(); }
  bool Valid() const override { return iterator_->Valid(); }
  void Next() override { iterator_->Next(); }
  void Prev() override { iterator_->Prev(); }
  std::string_view key() const override {
    auto k = iterator_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = iterator_->value();
    return {v.data(), v.size()};
  }
  absl::Status status() const override { return FromRocks(iterator_->status(), "scan"); }

 private:
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
};

class RocksDbStore final : public KeyValueStore {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
               std::shared_ptr<rocksdb::Statistics> statistics,
               std::shared_ptr<rocksdb::Cache> cache, bool sync_writes)
      : db_(std::move(db)),
        handles_(std::move(handles)),
        statistics_(std::move(statistics)),
        cache_(std::move(cache)),
        sync_writes_(sync_writes) {}

  ~RocksDbStore() override {
    // Flushing on close shortens the next open's WAL replay; the WAL already made writes durable.
    db_->FlushWAL(true).PermitUncheckedError();
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }

  std::unique_ptr<Snapshot> NewSnapshot() override {
    return std::make_unique<RocksSnapshot>(db_.get());
  }

  absl::StatusOr<std::optional<std::string>> Get(const Snapshot* snapshot, Family family,
                                                 std::string_view key) override {
    rocksdb::ReadOptions options;
    if (snapshot != nullptr) options.snapshot = static_cast<const RocksSnapshot*>(snapshot)->get();
    std::string value;
    auto s = db_->Get(options, handle(family), rocksdb::Slice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "get");
    return std::optional<std::string>(std::move(value));
  }

  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const Snapshot* snapshot, Family family, const std::vector<std::string>& keys) override {
    rocksdb::ReadOptions options;
    if (snapshot != nullptr) options.snapshot = static_cast<const RocksSnapshot*>(snapshot)->get();
    // The batched form: one pass over the memtables and files for all keys, filters probed and
    // blocks fetched once per block rather than once per key (the vector form is a loop of Gets).
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_->MultiGet(options, handle(family), keys.size(), slices.data(), values.data(),
                  statuses.data(), /*sorted_input=*/false);
    std::vector<absl::StatusOr<std::optional<std::string>>> out;
    out.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        out.emplace_back(std::optional<std::string>());
      } else if (!statuses[i].ok()) {
        out.emplace_back(FromRocks(statuses[i], "multi-get"));
      } else {
        out.emplace_back(std::optional<std::string>(values[i].ToString()));
      }
    }
    return out;
  }

  std::unique_ptr<Cursor> NewCursor(const Snapshot* snapshot, Family family, std::string_view lower,
                                    std::string_view upper) override {
    return std::make_unique<RocksCursor>(db_.get(), handle(family), snapshot, lower, upper);
  }

  absl::Status SyncLog() override {
    if (!sync_writes_) return absl::OkStatus();
    return FromRocks(db_->SyncWAL(), "WAL sync");
  }

  absl::Status Write(const WriteBatch& batch, WriteSync sync = WriteSync::kPolicy) override {
    rocksdb::WriteBatch rocks_batch;
    for (const auto& op : batch.operations()) {
      rocksdb::Status s;
      switch (op.kind) {
        case WriteBatch::Kind::kPut:
          s = rocks_batch.Put(handle(op.family), op.key, op.value);
          break;
        case WriteBatch::Kind::kDelete:
          s = rocks_batch.Delete(handle(op.family), op.key);
          break;
        case WriteBatch::Kind::kMergeAggregate:
          s = rocks_batch.Merge(handle(op.family), op.key, op.value);
          break;
      }
      if (!s.ok()) return FromRocks(s, "batch");
    }
    rocksdb::WriteOptions options;
    options.sync = sync_writes_ && sync == WriteSync::kPolicy;
    // Stop before the disk is full: RocksDB 7.8 as built by Debian aborts on an assertion when a
    // WAL write hits ENOSPC, so writes are refused while free space is under the reserve. Reads
    // keep working, and writes go through again as soon as space is freed.
    if (auto free_bytes = FreeDiskBytes(path_);
        free_bytes && *free_bytes < min_free_bytes_ + batch.approximate_bytes() * 2) {
      return absl::ResourceExhaustedError(StrCat(
          "write refused: the disk is nearly full (", *free_bytes >> 20, " MiB free, reserve ",
          min_free_bytes_ >> 20, " MiB); reads still work, writes resume when space is freed"));
    }
    rocksdb::Status written = db_->Write(options, &rocks_batch);
    return FromRocks(written, "write");
  }

  absl::Status IngestSorted(const std::vector<SortedIngest>& families) override {
    // Files of at most this size, so one large family does not become one huge file.
    constexpr uint64_t kMaxFileBytes = 256ull << 20;
    std::vector<rocksdb::IngestExternalFileArg> args;
    auto remove_files = [&] {
      for (const auto& arg : args) {
        for (const auto& file : arg.external_files) std::remove(file.c_str());
      }
    };
    for (const auto& input : families) {
      const Family family = input.family;
      rocksdb::Options options = db_->GetOptions(handle(family));
      rocksdb::IngestExternalFileArg arg;
      arg.column_family = handle(family);
      arg.options.move_files = true;
      std::unique_ptr<rocksdb::SstFileWriter> writer;
      rocksdb::Status s;
      Cursor* values = input.values;
      Cursor* merges = input.merges;
      auto valid = [](Cursor* cursor) { return cursor != nullptr && cursor->Valid(); };
      while (s.ok() && (valid(values) || valid(merges))) {
        if (writer == nullptr || writer->FileSize() >= kMaxFileBytes) {
          if (writer != nullptr) s = writer->Finish();
          if (!s.ok()) break;
          arg.external_files.push_back(StrCat(db_->GetName(), "/ingest-", FamilyName(family), "-",
                                              ingest_counter_.fetch_add(1), ".sst"));
          writer = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options,
                                                            handle(family));
          s = writer->Open(arg.external_files.back());
          if (!s.ok()) break;
        }
        // The two streams interleave in key order; the writer refuses keys out of order, which
        // also catches a key present in both.
        bool merge = !valid(values) || (valid(merges) && merges->key() < values->key());
        Cursor* from = merge ? merges : values;
        rocksdb::Slice key(from->key().data(), from->key().size());
        rocksdb::Slice value(from->value().data(), from->value().size());
        s = merge ? writer->Merge(key, value) : writer->Put(key, value);
        from->Next();
      }
      if (s.ok() && writer != nullptr) s = writer->Finish();
      bool has_files = !arg.external_files.empty();
      if (has_files) args.push_back(std::move(arg));
      absl::Status read = values != nullptr ? values->status() : absl::OkStatus();
      if (read.ok() && merges != nullptr) read = merges->status();
      if (!s.ok() || !read.ok()) {
        remove_files();
        return read.ok() ? FromRocks(s, "write sorted file") : read;
      }
    }
    if (args.empty()) return absl::OkStatus();
    // One call for every family: RocksDB applies the files of all families atomically.
    auto s = db_->IngestExternalFiles(args);
    remove_files();  // moved files are hard-linked into the database; drop the originals
    return FromRocks(s, "ingest sorted files");
  }

  absl::StatusOr<StoreStats> Stats() override {
    StoreStats stats;
    auto property = [&](const std::string& name) {
      uint64_t total = 0;
      for (auto* h : handles_) {
        uint64_t value = 0;
        if (db_->GetIntProperty(h, name, &value)) total += value;
      }
      return total;
    };
    stats.total_sst_bytes = property(rocksdb::DB::Properties::kTotalSstFilesSize);
    stats.memtable_bytes = property(rocksdb::DB::Properties::kCurSizeAllMemTables);
    stats.estimated_live_data_bytes =
        property(rocksdb::DB::Properties::kEstimateLiveDataSize) + stats.memtable_bytes;
    stats.estimated_keys = property(rocksdb::DB::Properties::kEstimateNumKeys);
    stats.estimated_pending_compaction_bytes =
        property(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
    rocksdb::VectorLogPtr wal_files;
    if (db_->GetSortedWalFiles(wal_files).ok()) {
      for (const auto& file : wal_files) stats.wal_bytes += file->SizeFileBytes();
    }
    stats.disk_bytes = DirectoryBytes(path_);
    stats.block_cache_hits = statistics_->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    stats.block_cache_misses = statistics_->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
    stats.bytes_written = statistics_->getTickerCount(rocksdb::BYTES_WRITTEN);
    stats.compaction_bytes_written = statistics_->getTickerCount(rocksdb::COMPACT_WRITE_BYTES);
    return stats;
  }

  absl::Status CompactAll() override {
    return CompactFamilies(rocksdb::BottommostLevelCompaction::kForce);
  }

  absl::Status CompactRecentWrites() override {
    // No compaction filter: the last level is rewritten only where files above it overlap.
    return CompactFamilies(rocksdb::BottommostLevelCompaction::kIfHaveCompactionFilter);
  }

  absl::Status Flush() override {
    return FromRocks(db_->Flush(rocksdb::FlushOptions(), handles_), "flush");
  }

  absl::Status VerifyChecksums() override {
    return FromRocks(db_->VerifyChecksum(), "verify checksums");
  }

  bool BelowDiskReserve() const override {
    auto free_bytes = FreeDiskBytes(path_);
    return free_bytes && *free_bytes < min_free_bytes_;
  }

  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) override {
    // A backup copies files: on a volume below the reserve it would fill it (and, on the data's
    // own volume, stop RocksDB), so it is refused before it starts.
    if (auto free_bytes = FreeDiskBytes(backup_dir); free_bytes && *free_bytes < min_free_bytes_) {
      return absl::ResourceExhaustedError(StrCat(
          "backup refused: ", *free_bytes >> 20, " MiB free where the backups go (", backup_dir,
          "), below the ", min_free_bytes_ >> 20, " MiB reserve; free space first"));
    }
    rocksdb::BackupEngineOptions options(backup_dir);
    rocksdb::BackupEngine* raw = nullptr;
    auto s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(), options, &raw);
    if (!s.ok()) return FromRocks(s, "open backup engine");
    std::unique_ptr<rocksdb::BackupEngine> engine(raw);
    rocksdb::CreateBackupOptions create;
    create.flush_before_backup = true;  // the memtables' data goes into the backup's SSTs
    uint32_t id = 0;
    s = engine->CreateNewBackup(create, db_.get(), &id);
    if (!s.ok()) return FromRocks(s, "create backup");
    rocksdb::BackupInfo info;
    rocksdb::Status info_status = engine->GetBackupInfo(id, &info);
    if (!info_status.ok()) return FromRocks(info_status, "backup info");
    return BackupInfo{info.backup_id, info.timestamp, info.size, info.number_files};
  }

 private:
  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return handles_[static_cast<size_t>(family)];
  }

  absl::Status CompactFamilies(rocksdb::BottommostLevelCompaction last_level) {
    // Every family at once, with as many compaction slots as cores for the duration: the usual
    // two background jobs leave one slot, so a full compaction (the last and longest step of a
    // bulk load) would run on one core however many the machine has.
    std::lock_guard lock(compact_all_mutex_);  // one at a time, so the slots are restored once
    if (compactions_deferred_) {
      return CompactIntoLastLevel(last_level == rocksdb::BottommostLevelCompaction::kForce);
    }
    const int cores = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    const int usual_jobs = db_->GetDBOptions().max_background_jobs;
    auto raised = db_->SetDBOptions({{"max_background_jobs", std::to_string(cores + 1)}});
    if (!raised.ok()) return FromRocks(raised, "raise compaction slots");
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction = last_level;
    options.exclusive_manual_compaction = false;
    options.max_subcompactions = static_cast<uint32_t>(cores);
    std::vector<rocksdb::Status> results(handles_.size());
    std::vector<std::thread> compactions;
    for (size_t i = 0; i < handles_.size(); ++i) {
      compactions.emplace_back(
          [&, i] { results[i] = db_->CompactRange(options, handles_[i], nullptr, nullptr); });
    }
    for (auto& compaction : compactions) compaction.join();
    auto restored = db_->SetDBOptions({{"max_background_jobs", std::to_string(usual_jobs)}});
    for (const auto& result : results) {
      if (!result.ok()) return FromRocks(result, "compact");
    }
    return FromRocks(restored, "restore compaction slots");
  }

  // Automatic compactions are off (StoreOptions::defer_compaction), so nothing else compacts and
  // each family's files can be merged straight into its last level in one pass. CompactRange
  // would move them down one level at a time, rewriting the data once per level (L0 to L1, L1
  // to L2, ... to the last), several times what one merge writes. Without
  // `rewrite_last_level`, a family with nothing above its last level is left as it is, and only
  // the last-level files the others overlap are rewritten (RocksDB adds them to the inputs).
  absl::Status CompactIntoLastLevel(bool rewrite_last_level) {
    auto flushed = db_->Flush(rocksdb::FlushOptions(), handles_);
    if (!flushed.ok()) return FromRocks(flushed, "flush");
    const uint32_t cores = std::max(2u, std::thread::hardware_concurrency());
    std::vector<rocksdb::Status> results(handles_.size());
    std::vector<std::thread> compactions;
    for (size_t i = 0; i < handles_.size(); ++i) {
      compactions.emplace_back([&, i] {
        rocksdb::ColumnFamilyMetaData meta;
        db_->GetColumnFamilyMetaData(handles_[i], &meta);
        if (meta.levels.empty()) return;
        const int last = static_cast<int>(meta.levels.size()) - 1;
        std::vector<std::string> inputs;
        bool above_last = false;
        for (const auto& level : meta.levels) {
          if (level.level == last && !rewrite_last_level) continue;
          for (const auto& file : level.files) inputs.push_back(file.name);
          if (level.level != last && !level.files.empty()) above_last = true;
        }
        if (inputs.empty() || (!above_last && !rewrite_last_level)) return;
        rocksdb::CompactionOptions options;
        options.compression = rocksdb::kDisableCompressionOption;  // the family's own
        options.output_file_size_limit = db_->GetOptions(handles_[i]).target_file_size_base;
        options.max_subcompactions = cores;
        results[i] = db_->CompactFiles(options, handles_[i], inputs, last);
      });
    }
    for (auto& compaction : compactions) compaction.join();
    for (const auto& result : results) {
      if (!result.ok()) return FromRocks(result, "compact into the last level");
    }
    return absl::OkStatus();
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::shared_ptr<rocksdb::Cache> cache_;
  bool sync_writes_;
  std::atomic<uint64_t> ingest_counter_{0};
  std::mutex compact_all_mutex_;

 public:
  std::string path_;
  uint64_t min_free_bytes_ = 0;
  bool compactions_deferred_ = false;
};

rocksdb::CompressionType ChooseCompression() {
  // Debian's RocksDB is built with LZ4 and ZSTD, but check rather than assume.
  for (auto type : rocksdb::GetSupportedCompressions()) {
    if (type == rocksdb::kLZ4Compression) return type;
  }
  for (auto type : rocksdb::GetSupportedCompressions()) {
    if (type == rocksdb::kSnappyCompression) return type;
  }
  return rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions FamilyOptions(Family family,
                                           const std::shared_ptr<rocksdb::Cache>& cache,
                                           rocksdb::CompressionType compression) {
  rocksdb::ColumnFamilyOptions options;
  options.compression = compression;
  options.bottommost_compression = compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in the table readers, outside the block cache: a point read
  // then skips two cache lookups (each an LRU shard mutex and reference count), which were a
  // fifth of a GetEntity's RocksDB time. Their memory (about 1.3 bytes per key for the filters
  // at 10 bits per key, plus the index) is small beside the block cache at our sizes.
  table.cache_index_and_filter_blocks = false;
  table.format_version = 5;
  // Whole-key bloom filters make point lookups (dictionary, records) skip files cheaply.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  if (family == Family::kEdges) {
    // Edge scans always stay within one (direction, node) prefix: 1 + 8 bytes. A prefix bloom
    // lets a scan of a node skip files that hold none of its edges.
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(9));
    table.whole_key_filtering = false;
    options.merge_operator = std::make_shared<EdgeAggregateMerge>();
  }
  if (family == Family::kIndexes) {
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(9));
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackups(
    const std::string& backup_dir) {
  if (!std::filesystem::exists(backup_dir)) {
    return absl::NotFoundError(StrCat("backup directory ", backup_dir, " does not exist"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  auto s = rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(),
                                               rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return FromRocks(s, "open backups");
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  auto engine = OpenBackups(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& info : infos)
    out.push_back({info.backup_id, info.timestamp, info.size, info.number_files});
  return out;
}

absl::Status VerifyBackup(const std::string& backup_dir, uint32_t backup_id) {
  auto engine = OpenBackups(backup_dir);
  if (!engine.ok()) return engine.status();
  auto s = (*engine)->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (s.IsNotFound()) return absl::NotFoundError(StrCat("backup ", backup_id, " not found"));
  if (!s.ok()) return absl::DataLossError(StrCat("backup ", backup_id, ": ", s.ToString()));
  return absl::OkStatus();
}

absl::Status RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                           const std::string& target_dir) {
  std::error_code error;
  if (std::filesystem::exists(target_dir) && !std::filesystem::is_empty(target_dir, error)) {
    return absl::FailedPreconditionError(StrCat("restore target ", target_dir, " is not empty"));
  }
  auto engine = OpenBackups(backup_dir);
  if (!engine.ok()) return engine.status();
  auto s = (*engine)->RestoreDBFromBackup(backup_id, target_dir, target_dir);
  if (s.IsNotFound()) return absl::NotFoundError(StrCat("backup ", backup_id, " not found"));
  return FromRocks(s, "restore");
}

absl::Status PurgeOldBackups(const std::string& backup_dir, uint32_t keep) {
  rocksdb::BackupEngine* raw = nullptr;
  auto s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(),
                                       rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return FromRocks(s, "open backup engine");
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  return FromRocks(engine->PurgeOldBackups(keep), "purge backups");
}

absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenRocksDbStore(const StoreOptions& options) {
  if (options.min_free_disk_bytes != 0 && options.min_free_disk_bytes < kMinDiskReserveBytes) {
    return absl::InvalidArgumentError(
        StrCat("free-disk reserve of ", options.min_free_disk_bytes >> 20, " MiB is below the ",
               kMinDiskReserveBytes >> 20, " MiB a memtable switch and flush may need"));
  }
  const uint64_t reserve = options.min_free_disk_bytes != 0 ? options.min_free_disk_bytes
                                                            : DefaultDiskReserve(options.path);
  auto cache = rocksdb::NewLRUCache(options.cache_bytes);
  auto compression = ChooseCompression();
  auto statistics = rocksdb::CreateDBStatistics();
  statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = options.create_if_missing;
  db_options.statistics = statistics;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.paranoid_checks = true;
  db_options.keep_log_file_num = 5;
  // Below the reserve, opening must not need space: the WAL it replays stays in the memtables
  // (no flush during recovery) and the new WAL is not preallocated. The database then serves
  // reads and refuses writes until space is freed.
  const auto free_at_open = FreeDiskBytes(options.path);
  const bool low_on_disk = !options.read_only && free_at_open && *free_at_open < reserve;
  if (low_on_disk) {
    db_options.avoid_flush_during_recovery = true;
    db_options.allow_fallocate = false;
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kFamilyCount; ++i) {
    auto family = static_cast<Family>(i);
    rocksdb::ColumnFamilyOptions family_options = FamilyOptions(family, cache, compression);
    family_options.disable_auto_compactions = options.defer_compaction;
    descriptors.emplace_back(FamilyName(family), std::move(family_options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  }
  if (!s.ok()) {
    absl::Status opened = FromRocks(s, StrCat("open ", options.path));
    // RocksDB's own words ("lock ... LOCK: Resource temporarily unavailable") do not say why.
    if (absl::IsFailedPrecondition(opened)) {
      return absl::FailedPreconditionError(
          StrCat("another claimgraphd is using ", options.path,
                 " (its LOCK file is held): stop it, or give another --data-dir"));
    }
    return opened;
  }
  auto store =
      std::make_unique<RocksDbStore>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
                                     std::move(statistics), std::move(cache), options.sync_writes);
  store->path_ = options.path;
  store->min_free_bytes_ = reserve;
  store->compactions_deferred_ = options.defer_compaction;
  return std::unique_ptr<KeyValueStore>(std::move(store));
}

absl::StatusOr<std::unique_ptr<KeyValueStore>> OpenStore(const StoreOptions& options) {
  return OpenRocksDbStore(options);
}

}  // namespace claimgraph::storage
