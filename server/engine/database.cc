// Database: open, the public write calls (each through the one write path, Impl::Publish), import
// batches and read views. The write side's parts are in engine/write/.
#include "engine/database.h"

#include <limits>
#include <map>
#include <mutex>

#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "engine/validation.h"
#include "engine/write/database_impl.h"
#include "engine/write/format_upgrade.h"
#include "engine/write/transaction.h"

namespace claimgraph {
namespace {

using keys::IdKind;
using storage::Family;

// How far in the future an as_of may lie (clock skew between client and server).
constexpr uint64_t kAsOfSkewMicros = 5ull * 60 * 1000000;

// Renames the leading field of an error message: "claim.x: ..." -> "claims[3].x: ...".
absl::Status Renamed(const absl::Status& status, std::string_view from, std::string_view to) {
  std::string message(status.message());
  if (message.compare(0, from.size(), from) == 0)
    message = StrCat(to, message.substr(from.size()));
  else
    message = StrCat(to, ": ", message);
  return absl::Status(status.code(), message);
}

// The one write path: runs `write` (which stages a transaction and, when it changed something,
// publishes it) under the write lock, then waits outside the lock until everything applied so far
// is durable (group commit, engine/write/group_sync.h). An answer that changed nothing waits
// too: the record it found may have been applied by a writer still waiting for its sync.
template <typename Result, typename Write>
absl::StatusOr<Result> RunWrite(Database::Impl& db, Write write) {
  uint64_t ticket = 0;
  absl::StatusOr<Result> result = absl::UnknownError("not run");
  {
    std::lock_guard lock(db.write_mutex);
    result = write();
    ticket = db.group_sync.LastApplied();
  }
  if (!result.ok()) return result;
  CG_RETURN_IF_ERROR(db.group_sync.AwaitDurable(ticket, *db.store));
  return result;
}

// A one-record write: stages it in one transaction and, unless it changed nothing, publishes it.
template <typename T, typename Stage>
absl::StatusOr<Written<T>> WriteOne(Database::Impl& db, const WriteContext& context, Stage stage) {
  return RunWrite<Written<T>>(db, [&]() -> absl::StatusOr<Written<T>> {
    Transaction transaction(&db, context);
    CG_ASSIGN_OR_RETURN(Written<T> written, stage(transaction));
    if (written.outcome != WriteOutcome::kUnchanged) CG_RETURN_IF_ERROR(db.Publish(transaction));
    return written;
  });
}

}  // namespace

absl::Status Database::Impl::Publish(Transaction& transaction) {
  CG_RETURN_IF_ERROR(transaction.Commit());
  group_sync.Applied();
  CG_RETURN_IF_ERROR(UpdateSourceGraph(transaction.time(), transaction.touched_sources));
  CG_RETURN_IF_ERROR(Rescore(transaction.touched_statements));
  NotifyCommitted(transaction.time(), transaction.touched_statements, transaction.touched_edges);
  return absl::OkStatus();
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  if (options.schema == nullptr) return absl::InvalidArgumentError("schema: is required");
  CG_ASSIGN_OR_RETURN(auto store, storage::OpenStore(options.storage));
  return OpenWithStore(options, std::move(store));
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenWithStore(
    const DatabaseOptions& options, std::unique_ptr<storage::KeyValueStore> opened_store) {
  if (options.schema == nullptr) return absl::InvalidArgumentError("schema: is required");
  if (opened_store == nullptr) return absl::InvalidArgumentError("store: is required");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->schema = options.schema;
  impl->limits = options.limits;
  impl->resolutions.set_max_bytes(options.resolution_cache_bytes);
  if (options.record_cache_bytes > 0) {
    impl->record_cache = std::make_unique<RecordCache>(options.record_cache_bytes);
  }
  impl->store = std::move(opened_store);
  auto& store = *impl->store;
  CG_ASSIGN_OR_RETURN(auto version, store.Get(nullptr, Family::kMeta, keys::kFormatVersionKey));
  if (!version) {
    CG_ASSIGN_OR_RETURN(auto any_record, store.Get(nullptr, Family::kMeta, keys::kClockKey));
    if (any_record) return absl::DataLossError("database has data but no format version");
    if (!options.storage.read_only) {
      storage::WriteBatch batch;
      std::string encoded;
      keys::AppendU32(&encoded, keys::kFormatVersion);
      batch.Put(Family::kMeta, keys::kFormatVersionKey, encoded);
      CG_RETURN_IF_ERROR(store.Write(batch));
    }
  } else if (keys::DecodeU32(*version) == 1) {
    if (options.storage.read_only) {
      return absl::FailedPreconditionError(
          StrCat("on-disk format version 1 is upgraded to ", keys::kFormatVersion,
                 " by the first read-write open; open it read-write once"));
    }
    CG_RETURN_IF_ERROR(UpgradeFromVersion1(store));
  } else if (keys::DecodeU32(*version) != keys::kFormatVersion) {
    return absl::FailedPreconditionError(
        StrCat("on-disk format version ", keys::DecodeU32(*version), " is not ",
               keys::kFormatVersion, " (this build's); see docs/operations.md on upgrades"));
  }
  for (IdKind kind : {IdKind::kEntity, IdKind::kSource, IdKind::kStatement, IdKind::kClaim,
                      IdKind::kPredicate, IdKind::kAssessment, IdKind::kEvent}) {
    CG_ASSIGN_OR_RETURN(auto counter, store.Get(nullptr, Family::kMeta, keys::CounterKey(kind)));
    impl->counters[static_cast<uint8_t>(kind)] = counter ? keys::DecodeU64(*counter) : 0;
  }
  CG_ASSIGN_OR_RETURN(auto clock, store.Get(nullptr, Family::kMeta, keys::kClockKey));
  impl->clock = clock ? keys::DecodeU64(*clock) : 0;
  CG_ASSIGN_OR_RETURN(auto generation,
                      store.Get(nullptr, Family::kMeta, keys::kCacheGenerationKey));
  impl->cache_generation = generation ? keys::DecodeU64(*generation) : kFirstCacheGeneration;
  if (impl->record_cache) impl->record_cache->AdvanceGeneration(impl->cache_generation.load());
  if (options.source_graph) {
    impl->source_graph = std::make_unique<sources::SourceGraph>();
    CG_RETURN_IF_ERROR(impl->LoadSourceGraph());
  }
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

absl::StatusOr<Written<v1::Entity>> Database::CreateEntity(const v1::Entity& entity,
                                                           const WriteContext& context,
                                                           OnExisting on_existing) {
  return WriteOne<v1::Entity>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageEntity(entity, on_existing);
  });
}

absl::StatusOr<Written<v1::Entity>> Database::UpdateEntity(const v1::Entity& patch,
                                                           const std::vector<std::string>& paths,
                                                           const WriteContext& context) {
  return WriteOne<v1::Entity>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageEntityUpdate(patch, paths);
  });
}

absl::StatusOr<Written<v1::Source>> Database::CreateSource(const v1::Source& source,
                                                           const WriteContext& context,
                                                           OnExisting on_existing) {
  return WriteOne<v1::Source>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageSource(source, on_existing);
  });
}

absl::StatusOr<Written<v1::Source>> Database::UpdateSource(const v1::Source& patch,
                                                           const std::vector<std::string>& paths,
                                                           const WriteContext& context) {
  return WriteOne<v1::Source>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageSourceUpdate(patch, paths);
  });
}

absl::StatusOr<Written<v1::Source>> Database::AddDerivation(std::string_view source_id,
                                                            const v1::Derivation& derivation,
                                                            const WriteContext& context) {
  // Read and write under the write lock, so concurrent additions cannot lose each other.
  return RunWrite<Written<v1::Source>>(*impl_, [&]() -> absl::StatusOr<Written<v1::Source>> {
    auto view = impl_->LatestView();
    CG_RETURN_IF_ERROR(validation::CheckId("source_id", source_id, impl_->limits));
    auto source = view->GetSource(source_id);
    if (!source.ok()) {
      return absl::Status(source.status().code(),
                          StrCat("source_id: ", std::string(source.status().message())));
    }
    for (const auto& link : source->derived_from()) {
      if (link.source_id() == derivation.source_id() && link.type() == derivation.type()) {
        return Written<v1::Source>{*std::move(source), WriteOutcome::kUnchanged};
      }
    }
    *source->add_derived_from() = derivation;
    Transaction transaction(impl_.get(), context);
    auto staged = transaction.StageSource(*source, OnExisting::kUpdate);
    if (!staged.ok()) {
      // The new link is the source's last: name it as the request does.
      std::string message(staged.status().message());
      const std::string link = StrCat("source.derived_from[", source->derived_from_size() - 1, "]");
      if (message.rfind(link, 0) == 0) message = StrCat("derivation", message.substr(link.size()));
      return absl::Status(staged.status().code(), message);
    }
    auto written = *std::move(staged);
    if (written.outcome == WriteOutcome::kUnchanged) return written;
    CG_RETURN_IF_ERROR(impl_->Publish(transaction));
    return written;
  });
}

absl::StatusOr<Written<v1::Claim>> Database::CreateClaim(const v1::Claim& claim,
                                                         std::string_view request_id,
                                                         const WriteContext& context,
                                                         OnExisting on_existing) {
  return RunWrite<Written<v1::Claim>>(*impl_, [&]() -> absl::StatusOr<Written<v1::Claim>> {
    Transaction transaction(impl_.get(), context);
    CG_ASSIGN_OR_RETURN(auto written, transaction.StageClaim(claim, request_id, on_existing));
    if (written.outcome == WriteOutcome::kUnchanged) {
      auto view = impl_->LatestView();
      CG_ASSIGN_OR_RETURN(written.record, view->GetClaim(written.record.id()));
      return written;
    }
    CG_RETURN_IF_ERROR(impl_->Publish(transaction));
    return written;
  });
}

absl::StatusOr<std::vector<Written<v1::Claim>>> Database::CreateClaims(
    const std::vector<v1::Claim>& claims, const WriteContext& context) {
  if (claims.size() > impl_->limits.max_batch_claims) {
    return absl::ResourceExhaustedError(
        StrCat("claims: at most ", impl_->limits.max_batch_claims, " in one batch"));
  }
  using Results = std::vector<Written<v1::Claim>>;
  return RunWrite<Results>(*impl_, [&]() -> absl::StatusOr<Results> {
    Transaction transaction(impl_.get(), context);
    transaction.DeclareBatchClaims(claims);
    std::vector<Written<v1::Claim>> results;
    for (size_t i = 0; i < claims.size(); ++i) {
      auto written = transaction.StageClaim(claims[i], "", OnExisting::kFail);
      if (!written.ok()) return Renamed(written.status(), "claim", StrCat("claims[", i, "]"));
      results.push_back(*std::move(written));
    }
    CG_ASSIGN_OR_RETURN(auto bad_relays, transaction.FinishBatchRelays());
    if (!bad_relays.empty()) {
      for (size_t i = 0; i < results.size(); ++i) {
        if (results[i].record.id() == bad_relays.front().claim_id) {
          return Renamed(bad_relays.front().error, "claim", StrCat("claims[", i, "]"));
        }
      }
      return bad_relays.front().error;
    }
    CG_RETURN_IF_ERROR(impl_->Publish(transaction));
    return results;
  });
}

absl::StatusOr<Written<v1::LifecycleEvent>> Database::RecordLifecycleEvent(
    const v1::LifecycleEvent& event, const WriteContext& context, OnExisting on_existing) {
  return WriteOne<v1::LifecycleEvent>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageEvent(event, on_existing);
  });
}

absl::StatusOr<Written<v1::Assessment>> Database::RecordAssessment(const v1::Assessment& assessment,
                                                                   const WriteContext& context,
                                                                   OnExisting on_existing) {
  return WriteOne<v1::Assessment>(*impl_, context, [&](Transaction& transaction) {
    return transaction.StageAssessment(assessment, on_existing);
  });
}

namespace {

// Stages import records in order; `rejected` ones are reported with their error, unstaged.
std::vector<RecordResult> StageImportRecords(Transaction& transaction,
                                             const std::vector<v1::ImportRecord>& records,
                                             ImportMode mode,
                                             const std::map<size_t, absl::Status>& rejected) {
  std::vector<RecordResult> results;
  results.reserve(records.size());
  for (size_t index = 0; index < records.size(); ++index) {
    const auto& record = records[index];
    RecordResult result;
    // An enum number the schema does not declare, anywhere in the record, rejects it first.
    absl::Status early = validation::CheckEnums(record);
    if (auto found = rejected.find(index); found != rejected.end()) early = found->second;
    if (!early.ok()) {
      result.error = std::move(early);
      results.push_back(std::move(result));
      if (mode == ImportMode::kStrict) break;
      continue;
    }
    auto take = [&](auto written) {
      if (written.ok()) {
        result.outcome = written->outcome;
        result.id = written->record.id();
      } else {
        result.error = written.status();
      }
    };
    switch (record.record_case()) {
      case v1::ImportRecord::kEntity:
        take(transaction.StageEntity(record.entity(), OnExisting::kUpdate));
        break;
      case v1::ImportRecord::kSource:
        take(transaction.StageSource(record.source(), OnExisting::kUpdate));
        break;
      case v1::ImportRecord::kClaim:
        take(transaction.StageClaim(record.claim(), "", OnExisting::kKeepIfIdentical));
        break;
      case v1::ImportRecord::kAssessment:
        take(transaction.StageAssessment(record.assessment(), OnExisting::kKeepIfIdentical));
        break;
      case v1::ImportRecord::kLifecycleEvent:
        take(transaction.StageEvent(record.lifecycle_event(), OnExisting::kKeepIfIdentical));
        break;
      case v1::ImportRecord::RECORD_NOT_SET:
        result.error = absl::InvalidArgumentError(
            "record: one of entity, source, claim, assessment, lifecycle_event is required");
        break;
    }
    bool failed = !result.error.ok();
    results.push_back(std::move(result));
    if (failed && mode == ImportMode::kStrict) break;
  }
  return results;
}

}  // namespace

absl::StatusOr<std::vector<RecordResult>> Database::ApplyRecords(
    const std::vector<v1::ImportRecord>& records, ImportMode mode, const WriteContext& context) {
  using Results = std::vector<RecordResult>;
  return RunWrite<Results>(*impl_, [&]() -> absl::StatusOr<Results> {
    std::vector<v1::Claim> batch_claims;
    for (const auto& record : records) {
      if (record.record_case() == v1::ImportRecord::kClaim) batch_claims.push_back(record.claim());
    }
    // A claim whose relay to a later claim of the batch fails (that claim was rejected, or is about
    // another statement) is rejected in its turn, and the batch staged again without it: each
    // pass rejects at least one more record, so this ends.
    std::map<size_t, absl::Status> rejected_relays;
    while (true) {
      Transaction transaction(impl_.get(), context);
      transaction.DeclareBatchClaims(batch_claims);
      auto results = StageImportRecords(transaction, records, mode, rejected_relays);
      CG_ASSIGN_OR_RETURN(auto bad_relays, transaction.FinishBatchRelays());
      if (bad_relays.empty()) {
        CG_RETURN_IF_ERROR(impl_->Publish(transaction));
        return results;
      }
      for (const auto& bad : bad_relays) {
        for (size_t i = 0; i < results.size(); ++i) {
          if (results[i].error.ok() && records[i].record_case() == v1::ImportRecord::kClaim &&
              results[i].id == bad.claim_id) {
            rejected_relays.emplace(i, bad.error);
          }
        }
      }
    }
  });
}

absl::StatusOr<std::unique_ptr<ReadView>> Database::NewReadView(
    std::optional<uint64_t> as_of_micros) const {
  if (as_of_micros && *as_of_micros > ids::NowMicros() + kAsOfSkewMicros) {
    return absl::InvalidArgumentError("as_of: is in the future");
  }
  // The cache generation before the snapshot, the clock after it: the snapshot holds nothing of
  // a later generation, and every record in it is at or before the clock.
  uint64_t generation = impl_->cache_generation.load();
  auto snapshot = impl_->store->NewSnapshot();
  uint64_t clock = impl_->clock.load();
  uint64_t as_of = as_of_micros.value_or(std::numeric_limits<uint64_t>::max());
  return std::make_unique<ReadView>(impl_->store.get(), std::move(snapshot), as_of, as_of >= clock,
                                    impl_->schema.get(), &impl_->limits, impl_->record_cache.get(),
                                    generation, impl_->source_graph.get());
}

absl::StatusOr<std::unique_ptr<ReadView>> Database::NewPinnedReadView(
    std::optional<uint64_t> as_of_micros) const {
  if (as_of_micros && *as_of_micros > ids::NowMicros() + kAsOfSkewMicros) {
    return absl::InvalidArgumentError("as_of: is in the future");
  }
  std::unique_ptr<storage::Snapshot> snapshot;
  uint64_t clock = 0, generation = 0;
  {
    // No write is between taking its time and committing while the lock is held, so every
    // record recorded by `clock` is in the snapshot, and none recorded later.
    std::lock_guard lock(impl_->write_mutex);
    generation = impl_->cache_generation.load();
    snapshot = impl_->store->NewSnapshot();
    clock = impl_->clock.load();
  }
  uint64_t as_of = std::min(as_of_micros.value_or(clock), clock);
  return std::make_unique<ReadView>(impl_->store.get(), std::move(snapshot), as_of, as_of >= clock,
                                    impl_->schema.get(), &impl_->limits, impl_->record_cache.get(),
                                    generation, impl_->source_graph.get());
}

absl::StatusOr<DatabaseStats> Database::GetStats() const {
  DatabaseStats stats;
  {
    std::lock_guard lock(impl_->write_mutex);
    auto count = [&](IdKind kind) { return impl_->counters[static_cast<uint8_t>(kind)]; };
    stats.entities = count(IdKind::kEntity);
    stats.sources = count(IdKind::kSource);
    stats.statements = count(IdKind::kStatement);
    stats.claims = count(IdKind::kClaim);
    stats.assessments = count(IdKind::kAssessment);
    stats.lifecycle_events = count(IdKind::kEvent);
    stats.predicates = count(IdKind::kPredicate);
    stats.scores_pending = impl_->pending_scores.size();
  }
  CG_ASSIGN_OR_RETURN(stats.store, impl_->store->Stats());
  return stats;
}

const schema::SchemaRegistry& Database::schema() const { return *impl_->schema; }
const Limits& Database::limits() const { return impl_->limits; }
storage::KeyValueStore& Database::store() { return *impl_->store; }

absl::Status Database::Flush() { return impl_->store->Flush(); }

absl::StatusOr<BackupInfo> Database::CreateBackup(const std::string& backup_dir) {
  return impl_->store->CreateBackup(backup_dir);
}
absl::StatusOr<std::vector<BackupInfo>> Database::ListBackups(const std::string& backup_dir) {
  return storage::ListBackups(backup_dir);
}
absl::Status Database::VerifyBackup(const std::string& backup_dir, uint32_t backup_id) {
  return storage::VerifyBackup(backup_dir, backup_id);
}
absl::Status Database::RestoreBackup(const std::string& backup_dir, uint32_t backup_id,
                                     const std::string& target_dir) {
  return storage::RestoreBackup(backup_dir, backup_id, target_dir);
}
absl::Status Database::PurgeOldBackups(const std::string& backup_dir, uint32_t keep) {
  return storage::PurgeOldBackups(backup_dir, keep);
}
absl::Status Database::VerifyChecksums(const std::string& data_dir) {
  storage::StoreOptions options;
  options.path = data_dir;
  options.create_if_missing = false;
  options.read_only = true;
  CG_ASSIGN_OR_RETURN(auto store, storage::OpenStore(options));
  return store->VerifyChecksums();
}

bool Database::WritesRefusedForDiskSpace() const { return impl_->store->BelowDiskReserve(); }

void Database::AddCommitObserver(CommitObserver observer) {
  std::lock_guard lock(impl_->write_mutex);
  impl_->observers.push_back(std::move(observer));
}

absl::Status Database::Compact() {
  CG_RETURN_IF_ERROR(impl_->store->Flush());
  return impl_->store->CompactAll();
}

absl::Status Database::CompactRecentWrites() { return impl_->store->CompactRecentWrites(); }

}  // namespace claimgraph
