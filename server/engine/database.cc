// Database: open, the write path (a Transaction stages validated records into one WriteBatch,
// reading its own pending writes) and read views.
#include "engine/database.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <unordered_map>

#include "engine/cache_invariants.h"
#include "engine/strings.h"
#include "engine/estimative.h"
#include "engine/ids.h"
#include "engine/key_codec.h"
#include "engine/status_macros.h"
#include "engine/text.h"
#include "engine/field_mask.h"
#include "engine/validation.h"

namespace claimgraph {
namespace {

using google::protobuf::util::MessageDifferencer;
using keys::IdKind;
using storage::Family;

// How far in the future an as_of may lie (clock skew between client and server).
constexpr uint64_t kAsOfSkewMicros = 5ull * 60 * 1000000;
using keys::kDirtyScorePrefix;

template <typename T>
absl::StatusOr<T> Parse(std::string_view bytes, std::string_view what) {
  T message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(StrCat("corrupt ", what, " record"));
  }
  return message;
}

template <typename T>
bool SameContent(T a, T b) {
  a.clear_recorded_at();
  a.clear_recorded_by();
  b.clear_recorded_at();
  b.clear_recorded_by();
  return MessageDifferencer::Equals(a, b);
}

std::string DirtyScoreKey(uint64_t statement) {
  std::string key(kDirtyScorePrefix);
  keys::AppendU64(&key, statement);
  return key;
}

// The statements whose fused score depends on `source` after a new version of it changed its
// reliability grade: those with a claim found in it; with `derivations` (its derivation links
// changed), also those with a claim found in any source deriving from it, transitively (the 'd'
// index), whose origin sets hold its root documents. Reads the claim postings of those sources
// and one claim record per posting.
absl::StatusOr<std::set<uint64_t>> DependentStatements(const ReadView& view, uint64_t source,
                                                       bool derivations) {
  std::vector<uint64_t> sources{source};
  std::set<uint64_t> seen{source};
  for (size_t next = 0; derivations && next < sources.size(); ++next) {
    const std::string prefix = keys::PostingPrefix(keys::kDerivedFrom, sources[next]);
    auto cursor = view.store().NewCursor(view.snapshot(), Family::kIndexes, prefix,
                                         keys::PrefixSuccessor(prefix));
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      uint64_t later = keys::LastId(cursor->key());
      if (seen.insert(later).second) sources.push_back(later);
    }
    CG_RETURN_IF_ERROR(cursor->status());
  }
  std::set<uint64_t> statements;
  for (uint64_t found_in : sources) {
    const std::string prefix = keys::PostingPrefix(keys::kClaimsBySource, found_in);
    auto cursor = view.store().NewCursor(view.snapshot(), Family::kIndexes, prefix,
                                         keys::PrefixSuccessor(prefix));
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      CG_ASSIGN_OR_RETURN(
          auto value,
          view.store().Get(view.snapshot(), Family::kRecords,
                           keys::RecordKey(keys::kClaimRecord, keys::LastId(cursor->key()))));
      if (!value) return absl::DataLossError("claim index points at a missing claim");
      CG_ASSIGN_OR_RETURN(auto claim, Parse<v1::Claim>(*value, "claim"));
      CG_ASSIGN_OR_RETURN(auto statement, view.Resolve(IdKind::kStatement, claim.statement_id()));
      if (statement) statements.insert(*statement);
    }
    CG_RETURN_IF_ERROR(cursor->status());
  }
  return statements;
}

// A source regraded or relinked by a write that defers its scoring (an offline load, whose
// staging store cannot be scanned) leaves this marker (meta, "rescore-source" source:u64
// derivations:u8); the next SetStatementScorer adds the source's dependent statements to the
// ones it rescores and removes the marker. Its prefix must not start with kDirtyScorePrefix.
inline constexpr std::string_view kSourceRescorePrefix = "rescore-source";

std::string SourceRescoreKey(uint64_t source, bool derivations) {
  std::string key(kSourceRescorePrefix);
  keys::AppendU64(&key, source);
  key.push_back(derivations ? 1 : 0);
  return key;
}

// Format version 2 added the 'h' marker of claims with lifecycle events (readers skip the event
// scan of claims without it): writes it for every claim that has an event, then the version,
// last, so an interrupted upgrade is redone whole by the next open. Cost: one scan of the claim
// events, a small share of any database.
absl::Status UpgradeFromVersion1(storage::KeyValueStore& store) {
  constexpr size_t kMarkersPerBatch = 10000;
  std::string lower = keys::KeyBuilder(keys::kEventRecord)
                          .Byte(static_cast<uint8_t>(keys::TargetKind::kClaim))
                          .Build();
  auto cursor = store.NewCursor(nullptr, Family::kRecords, lower, keys::PrefixSuccessor(lower));
  storage::WriteBatch batch;
  uint64_t last_claim = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    keys::KeyReader reader(cursor->key());
    uint64_t claim = 0;
    if (!reader.Skip(2) || !reader.U64(&claim)) return absl::DataLossError("corrupt event key");
    if (claim == last_claim) continue;
    last_claim = claim;
    batch.Put(Family::kRecords, keys::RecordKey(keys::kClaimHasEvents, claim), "");
    if (batch.operations().size() >= kMarkersPerBatch) {
      CG_RETURN_IF_ERROR(store.Write(batch));
      batch.Clear();
    }
  }
  CG_RETURN_IF_ERROR(cursor->status());
  std::string encoded;
  keys::AppendU32(&encoded, keys::kFormatVersion);
  batch.Put(Family::kMeta, keys::kFormatVersionKey, encoded);
  return store.Write(batch);
}

// Renames the leading field of an error message: "claim.x: ..." -> "claims[3].x: ...".
absl::Status Renamed(const absl::Status& status, std::string_view from, std::string_view to) {
  std::string message(status.message());
  if (message.compare(0, from.size(), from) == 0) message = StrCat(to, message.substr(from.size()));
  else message = StrCat(to, ": ", message);
  return absl::Status(status.code(), message);
}

// Lets hash maps keyed by std::string be searched with a string_view.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
};

// Committed dictionary resolutions (dictionary key -> internal id) and the types of committed
// entities, kept across writes so that staging a claim does not go to the store for its subject,
// object, claimant, source and predicate every time. Nothing in it goes stale: the dictionary is
// append-only and an entity's type never changes. Only committed facts enter it (a rejected
// batch's ids are handed out again). When full it starts over: a bounded memory cost, and the
// entries that matter come back on their next use.
class ResolutionCache {
 public:
  void set_max_bytes(size_t max_bytes) { max_bytes_ = max_bytes; }
  // After a write that broke an invariant the entries rest on (engine/cache_invariants.h).
  void Clear() {
    ids_.clear();
    entity_types_.clear();
    bytes_ = 0;
  }
  std::optional<uint64_t> Find(std::string_view dictionary_key) const {
    auto it = ids_.find(dictionary_key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  void Add(std::string_view dictionary_key, uint64_t id) {
    MakeRoom(dictionary_key.size());
    if (ids_.try_emplace(std::string(dictionary_key), id).second) bytes_ += dictionary_key.size() + kEntryBytes;
  }
  const std::string* EntityType(uint64_t entity) const {
    auto it = entity_types_.find(entity);
    return it == entity_types_.end() ? nullptr : &it->second;
  }
  void AddEntityType(uint64_t entity, const std::string& type) {
    MakeRoom(type.size());
    if (entity_types_.try_emplace(entity, type).second) bytes_ += type.size() + kEntryBytes;
  }

 private:
  // Node, hash, string header and bucket of one entry.
  static constexpr size_t kEntryBytes = 80;
  size_t max_bytes_ = 64u << 20;
  void MakeRoom(size_t key_bytes) {
    if (bytes_ + key_bytes + kEntryBytes <= max_bytes_) return;
    ids_.clear();
    entity_types_.clear();
    bytes_ = 0;
  }
  std::unordered_map<std::string, uint64_t, KeyHash, std::equal_to<>> ids_;
  std::unordered_map<uint64_t, std::string> entity_types_;
  size_t bytes_ = 0;
};

}  // namespace

struct Database::Impl {
  DatabaseOptions options;
  std::unique_ptr<storage::KeyValueStore> store;
  std::shared_ptr<const schema::SchemaRegistry> schema;
  Limits limits;

  std::mutex write_mutex;  // serializes transactions: check-then-write and id allocation
  std::array<uint64_t, 128> counters{};  // by IdKind character; guarded by write_mutex
  std::atomic<uint64_t> clock{0};        // last recorded_at handed out
  StatementScorer scorer;                // guarded by write_mutex
  ResolutionCache resolutions;           // guarded by write_mutex
  std::vector<CommitObserver> observers;  // guarded by write_mutex
  std::unique_ptr<RecordCache> record_cache;  // immutable records for reads; may be null
  // engine/cache_invariants.h; advanced (under write_mutex) after the commit of a write that
  // broke an invariant, read by every new view before it takes its snapshot.
  std::atomic<uint64_t> cache_generation{kFirstCacheGeneration};

  // Tells the observers about a committed transaction. Called under write_mutex.
  void NotifyCommitted(uint64_t time, const std::set<uint64_t>& statements,
                       const std::vector<keys::EdgeKey>& edges) {
    if (observers.empty()) return;
    CommitEvent event{time, &statements, &edges, cache_generation.load()};
    for (const auto& observer : observers) observer(event);
  }

  uint64_t NextTime() {
    uint64_t now = std::max(options.clock ? options.clock() : ids::NowMicros(), clock.load() + 1);
    clock.store(now);
    return now;
  }
  // --- statement scores (docs/provenance.md 3.5) ---
  // After a commit (write_mutex held, `clock` = the commit's time): rescores each statement of
  // at most options.inline_rescore_max_claims claims now, queues the others for the rescoring
  // thread. A queued statement is not rescored inline: its background rescore covers the write.
  absl::Status Rescore(const std::set<uint64_t>& statements);
  // Rescores now whatever their size (start-up: dirty markers). write_mutex held.
  absl::Status RescoreNow(const std::set<uint64_t>& statements);
  // Appends the score's merge into the statement's edges to `batch` (and `edges`, the out-edge
  // key); a current score also deletes the dirty marker.
  absl::Status StageScore(const ReadView& view, uint64_t statement, std::optional<double> score,
                          bool pending, storage::WriteBatch* batch,
                          std::vector<keys::EdgeKey>* edges);
  // Writes a background rescore computed from a snapshot taken at `seen` (the clock then):
  // current when no write touched the statement since, else still pending and queued again.
  // write_mutex held.
  absl::Status LandScore(const ReadView& view, uint64_t statement, std::optional<double> score,
                         uint64_t seen);
  void RescoreLoop();
  void StopRescoring();

  // Guarded by write_mutex. A statement is in `pending_scores` (with the time of the latest
  // write that touched it) from a write that queued it until a rescore whose snapshot includes
  // that write lands; meanwhile it is either in `rescore_queue` or being rescored.
  std::map<uint64_t, uint64_t> pending_scores;
  std::deque<uint64_t> rescore_queue;
  bool stop_rescoring = false;
  uint64_t rescore_failures = 0;
  absl::Status last_rescore_failure;
  std::condition_variable rescore_wake;     // queued work, or stop
  std::condition_variable rescore_settled;  // pending_scores emptied, a failure, or stop
  std::thread rescorer;

  ~Impl() { StopRescoring(); }

  // Through `cache` (nullptr: none); by default the Database's record cache.
  std::unique_ptr<ReadView> LatestView(RecordCache* cache) {
    uint64_t generation = cache_generation.load();  // before the snapshot: see ReadView
    auto snapshot = store->NewSnapshot();
    return std::make_unique<ReadView>(store.get(), std::move(snapshot),
                                      std::numeric_limits<uint64_t>::max(), true, schema.get(),
                                      &limits, cache, generation);
  }
  std::unique_ptr<ReadView> LatestView() { return LatestView(record_cache.get()); }
};

// Stages validated records into one WriteBatch. Every Stage* call checks everything first and
// writes only when all checks pass, so a rejected record leaves nothing in the batch. Reads see
// the committed state plus this transaction's own pending puts.
class Transaction {
 public:
  Transaction(Database::Impl* db, const WriteContext& context)
      : db_(db), context_(context), now_(db->NextTime()), counters_(db->counters) {
    batch_.Put(Family::kMeta, keys::kClockKey, EncodeU64(now_));
  }

  absl::StatusOr<Written<v1::Entity>> StageEntity(const v1::Entity& input, OnExisting on_existing);
  absl::StatusOr<Written<v1::Entity>> StageEntityUpdate(const v1::Entity& patch,
                                                        const std::vector<std::string>& paths);
  // InvalidArgument `entity.type` unless every stored statement about `entity` (as subject or
  // as object) allows `type` in its predicate's domain or range.
  absl::Status CheckStatementsAllowType(uint64_t entity, const std::string& type);
  absl::StatusOr<Written<v1::Source>> StageSource(const v1::Source& input, OnExisting on_existing);
  absl::StatusOr<Written<v1::Source>> StageSourceUpdate(const v1::Source& patch,
                                                        const std::vector<std::string>& paths);
  absl::StatusOr<Written<v1::Claim>> StageClaim(const v1::Claim& input, std::string_view request_id,
                                                OnExisting on_existing);
  absl::StatusOr<Written<v1::LifecycleEvent>> StageEvent(const v1::LifecycleEvent& input,
                                                         OnExisting on_existing);
  absl::StatusOr<Written<v1::Assessment>> StageAssessment(const v1::Assessment& input,
                                                          OnExisting on_existing);
  absl::Status Commit();
  uint64_t time() const { return now_; }
  // The batch breaks `invariant` (engine/cache_invariants.h): its commit advances the cache
  // generation, so that no cache serves what it learnt before.
  void BreakInvariant(Invariant) { breaks_invariant_ = true; }

  // Claim ids written by the batch this transaction applies: a claim may relay one of them even
  // when it comes later in the batch (relay cycles within one batch). Set before staging.
  void DeclareBatchClaims(const std::vector<v1::Claim>& claims) {
    for (const auto& claim : claims) {
      if (!claim.id().empty()) batch_claims_.insert(claim.id());
    }
  }
  // A claim whose relay to a later claim of the batch does not hold once the batch is staged.
  struct BadRelay {
    std::string claim_id;
    absl::Status error;
  };
  // Checks the relays to later claims of the batch and writes their index entries. Empty when
  // every one holds; otherwise the transaction must not be committed.
  absl::StatusOr<std::vector<BadRelay>> FinishBatchRelays();

 private:
  static std::string EncodeU64(uint64_t value) {
    std::string out;
    keys::AppendU64(&out, value);
    return out;
  }
  static std::string OverlayKey(Family family, std::string_view key) {
    return StrCat(std::string(1, static_cast<char>(family)), key);
  }
  // Reads this transaction's pending puts first, then the store.
  absl::StatusOr<std::optional<std::string>> Get(Family family, const std::string& key) {
    if (!pending_.empty()) {
      auto it = pending_.find(OverlayKey(family, key));
      if (it != pending_.end()) return it->second;
    }
    return db_->store->Get(nullptr, family, key);
  }
  void Put(Family family, const std::string& key, const std::string& value) {
    batch_.Put(family, key, value);
    pending_[OverlayKey(family, key)] = value;
  }
  // The internal id of an external one: allocated by this transaction, cached, or stored.
  absl::StatusOr<std::optional<uint64_t>> Resolve(IdKind kind, std::string_view external) {
    std::string key = keys::DictionaryKey(kind, external);
    if (auto cached = db_->resolutions.Find(key)) return cached;
    if (!pending_.empty()) {
      auto it = pending_.find(OverlayKey(Family::kDictionary, key));
      if (it != pending_.end() && it->second) {
        return std::optional<uint64_t>(keys::DecodeU64(*it->second));
      }
    }
    CG_ASSIGN_OR_RETURN(auto value, db_->store->Get(nullptr, Family::kDictionary, key));
    if (!value) return std::optional<uint64_t>();
    uint64_t id = keys::DecodeU64(*value);
    // Stored, hence committed: safe to remember even if this transaction fails.
    db_->resolutions.Add(key, id);
    return std::optional<uint64_t>(id);
  }
  uint64_t Allocate(IdKind kind, std::string_view external) {
    auto& counter = counters_[static_cast<uint8_t>(kind)];
    uint64_t id = ++counter;
    allocated_kinds_.insert(kind);
    std::string key = keys::DictionaryKey(kind, external);
    Put(Family::kDictionary, key, EncodeU64(id));
    Put(Family::kDictionary, keys::ReverseDictionaryKey(kind, id), std::string(external));
    // The ids other records refer to by name are worth remembering once committed; claims and
    // statements are mostly looked up once, to find they are new.
    if (kind == IdKind::kEntity || kind == IdKind::kSource || kind == IdKind::kPredicate) {
      new_resolutions_.emplace_back(std::move(key), id);
    }
    return id;
  }
  // The type of the entity with internal id `entity`, cached or from its current record.
  absl::StatusOr<std::string> EntityType(uint64_t entity) {
    if (const std::string* type = db_->resolutions.EntityType(entity)) return *type;
    CG_ASSIGN_OR_RETURN(auto record, Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, entity), "entity"));
    if (!record) return absl::DataLossError("entity without a record");
    if (entity <= db_->counters[static_cast<uint8_t>(IdKind::kEntity)]) {
      db_->resolutions.AddEntityType(entity, record->type());  // committed
    }
    return record->type();
  }
  // The internal id of entity `id` (the dictionary entry and the record are written together
  // and never removed, so a resolved id has a record), or NotFound naming `field`.
  absl::StatusOr<uint64_t> RequireEntityId(std::string_view field, std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kEntity, id));
    if (!internal) return absl::NotFoundError(StrCat(field, ": entity ", validation::Quote(id), " not found"));
    return *internal;
  }
  absl::StatusOr<uint64_t> RequireSourceId(std::string_view field, std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, id));
    if (!internal) return absl::NotFoundError(StrCat(field, ": source ", validation::Quote(id), " not found"));
    return *internal;
  }
  template <typename T>
  absl::StatusOr<std::optional<T>> Record(const std::string& key, std::string_view what) {
    CG_ASSIGN_OR_RETURN(auto value, Get(Family::kRecords, key));
    if (!value) return std::optional<T>();
    CG_ASSIGN_OR_RETURN(T record, Parse<T>(*value, what));
    return std::optional<T>(std::move(record));
  }
  // The entity's internal id and latest version, or NotFound naming `field`.
  absl::StatusOr<std::pair<uint64_t, v1::Entity>> RequireEntity(std::string_view field,
                                                                std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kEntity, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(auto entity,
                          Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, *internal), "entity"));
      if (entity) return std::make_pair(*internal, *std::move(entity));
    }
    return absl::NotFoundError(StrCat(field, ": entity ", validation::Quote(id), " not found"));
  }
  absl::StatusOr<std::pair<uint64_t, v1::Source>> RequireSource(std::string_view field,
                                                                std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(auto source,
                          Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *internal), "source"));
      if (source) return std::make_pair(*internal, *std::move(source));
    }
    return absl::NotFoundError(StrCat(field, ": source ", validation::Quote(id), " not found"));
  }
  absl::StatusOr<std::pair<uint64_t, v1::Claim>> RequireClaim(std::string_view field,
                                                              std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kClaim, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(auto claim, Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *internal), "claim"));
      if (claim) return std::make_pair(*internal, *std::move(claim));
    }
    return absl::NotFoundError(StrCat(field, ": claim ", validation::Quote(id), " not found"));
  }
  // The stored assessment or event with internal id `id` among the records of `target`
  // (committed or pending), or nullopt when that id was recorded against another target.
  template <typename T>
  absl::StatusOr<std::optional<T>> TargetRecord(char prefix, keys::TargetKind kind,
                                                uint64_t target, uint64_t id,
                                                std::string_view what) {
    const std::string lower = keys::TargetRecordPrefix(prefix, kind, target);
    const std::string upper = keys::PrefixSuccessor(lower);
    auto has_id = [&](std::string_view key) {
      return key.size() == lower.size() + 16 && keys::DecodeU64(key.substr(key.size() - 8)) == id;
    };
    const std::string overlay_lower = OverlayKey(Family::kRecords, lower);
    const std::string overlay_upper = OverlayKey(Family::kRecords, upper);
    // The pending puts are not ordered: look at each (ids are unique, so the first match is it).
    for (const auto& [key, value] : pending_) {
      if (key >= overlay_lower && key < overlay_upper && value &&
          has_id(std::string_view(key).substr(1))) {
        CG_ASSIGN_OR_RETURN(T record, Parse<T>(*value, what));
        return std::optional<T>(std::move(record));
      }
    }
    auto cursor = db_->store->NewCursor(nullptr, Family::kRecords, lower, upper);
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      if (!has_id(cursor->key())) continue;
      CG_ASSIGN_OR_RETURN(T record, Parse<T>(cursor->value(), what));
      return std::optional<T>(std::move(record));
    }
    CG_RETURN_IF_ERROR(cursor->status());
    return std::optional<T>();
  }
  absl::Status CheckStatementAgainstSchema(const v1::Statement& statement, std::string_view field);
  // A relay passes on a claim of the same statement.
  static absl::Status CheckRelay(std::string_view field, std::string_view relayed_id,
                                 const v1::Claim& relayed, std::string_view statement_id) {
    if (relayed.statement_id() == statement_id) return absl::OkStatus();
    return absl::InvalidArgumentError(
        StrCat(field, ": claim ", validation::Quote(relayed_id),
               " is about a different statement; a relay passes on the same statement"));
  }
  // The statement's score must be recomputed: after this commit, or (deferred scoring) by the
  // next SetStatementScorer. The marker in the batch survives a crash before the rescore.
  void MarkForRescore(uint64_t statement_id) {
    if (!touched_statements.insert(statement_id).second) return;
    if (db_->scorer || db_->options.defer_scoring) {
      batch_.Put(Family::kMeta, DirtyScoreKey(statement_id), "");
    }
  }
  absl::StatusOr<std::pair<uint64_t, keys::TargetKind>> RequireTarget(std::string_view field,
                                                                      const v1::Target& target);
  void WriteEntityVersion(uint64_t id, const v1::Entity& entity, bool type_changed);
  void WriteSourceVersion(uint64_t id, const v1::Source& source);
  void MergeEdges(const v1::Statement& statement, uint64_t statement_id, uint64_t subject,
                  const storage::EdgeAggregate& delta);
  // Flags the statement's score pending and rescores it after the commit, as a new claim does,
  // without changing its counts: for writes that move a score through what its claims name.
  absl::Status MarkScorePending(uint64_t statement_id);
  // After a new version of `source` changed its reliability grade (or, with `derivations`, its
  // derivation links): every statement with a claim found in it (or, with `derivations`, in a
  // source deriving from it, transitively, whose origin sets hold its root documents).
  absl::Status RescoreDependents(uint64_t source, bool derivations);

  Database::Impl* db_;
  const WriteContext& context_;
  const uint64_t now_;
  storage::WriteBatch batch_;
  std::unordered_map<std::string, std::optional<std::string>, KeyHash, std::equal_to<>> pending_;
  // What the resolution cache learns when the batch commits.
  std::vector<std::pair<std::string, uint64_t>> new_resolutions_;
  std::vector<std::pair<uint64_t, std::string>> new_entity_types_;
  std::set<IdKind> allocated_kinds_;  // whose counters the batch stores
  bool breaks_invariant_ = false;     // the commit advances the cache generation
  std::set<std::string, std::less<>> batch_claims_;
  struct LaterRelay {
    std::string claim_id, relayed_id, statement_id;
    uint64_t claim = 0;
  };
  std::vector<LaterRelay> later_relays_;
  // Ids allocated by this transaction; they become the database's only when the batch commits,
  // so a rejected batch neither skews the counts GetStats reports nor differs from a reopen.
  std::array<uint64_t, 128> counters_;

 public:
  std::set<uint64_t> touched_statements;
  std::vector<keys::EdgeKey> touched_edges;  // out-edge keys merged into
};

absl::Status Transaction::CheckStatementAgainstSchema(const v1::Statement& statement,
                                                      std::string_view field) {
  const auto& schema = *db_->schema;
  const auto* predicate = schema.FindPredicate(statement.predicate());
  if (predicate == nullptr) {
    return absl::InvalidArgumentError(
        StrCat(field, ".predicate: unknown predicate ", validation::Quote(statement.predicate())));
  }
  CG_ASSIGN_OR_RETURN(uint64_t subject,
                      RequireEntityId(StrCat(field, ".subject_id"), statement.subject_id()));
  CG_ASSIGN_OR_RETURN(std::string subject_type, EntityType(subject));
  if (!schema.DomainAllows(*predicate, subject_type)) {
    return absl::InvalidArgumentError(StrCat(
        field, ".subject_id: entity ", validation::Quote(statement.subject_id()), " of type ", validation::Quote(subject_type),
        " is outside the domain of ", validation::Quote(predicate->name()), ""));
  }
  const auto& object = statement.object();
  std::string_view literal_kind;
  switch (object.kind_case()) {
    case v1::Value::kEntityId: {
      CG_ASSIGN_OR_RETURN(uint64_t entity,
                          RequireEntityId(StrCat(field, ".object.entity_id"), object.entity_id()));
      CG_ASSIGN_OR_RETURN(std::string object_type, EntityType(entity));
      if (!schema.RangeAllows(*predicate, object_type, false)) {
        return absl::InvalidArgumentError(StrCat(
            field, ".object.entity_id: entity ", validation::Quote(object.entity_id()), " of type '",
            object_type, "' is outside the range of ", validation::Quote(predicate->name()), ""));
      }
      break;
    }
    case v1::Value::kStringValue: literal_kind = "string"; break;
    case v1::Value::kIntegerValue: literal_kind = "integer"; break;
    case v1::Value::kDoubleValue: literal_kind = "double"; break;
    case v1::Value::kBoolValue: literal_kind = "bool"; break;
    case v1::Value::kTimestampValue: literal_kind = "timestamp"; break;
    case v1::Value::kQuantityValue: literal_kind = "quantity"; break;
    default: break;  // some value / no value fit any range
  }
  if (!literal_kind.empty() && !schema.RangeAllows(*predicate, literal_kind, true)) {
    return absl::InvalidArgumentError(StrCat(field, ".object: a ", literal_kind,
                                                   " is outside the range of ", validation::Quote(predicate->name())));
  }
  for (int i = 0; i < statement.qualifiers_size(); ++i) {
    const auto& value = statement.qualifiers(i).value();
    if (value.kind_case() == v1::Value::kEntityId) {
      CG_RETURN_IF_ERROR(RequireEntityId(StrCat(field, ".qualifiers[", i, "].value.entity_id"),
                                         value.entity_id())
                             .status());
    }
  }
  return absl::OkStatus();
}

void Transaction::WriteEntityVersion(uint64_t id, const v1::Entity& entity, bool type_changed) {
  std::string bytes = entity.SerializeAsString();
  Put(Family::kRecords, keys::VersionedRecordKey(keys::kEntityRecord, id, now_), bytes);
  Put(Family::kRecords, keys::RecordKey(keys::kCurrentEntity, id), bytes);
  if (type_changed) {
    batch_.Put(Family::kIndexes, keys::NamedPostingKey(keys::kEntitiesByType, entity.type(), id), "");
  }
  std::vector<std::string> names(entity.aliases().begin(), entity.aliases().end());
  names.push_back(entity.name());
  for (const auto& name : names) {
    for (const auto& term : text::NameIndexTerms(name)) {
      batch_.Put(Family::kIndexes, keys::NamedPostingKey(keys::kEntitiesByName, term, id), "");
    }
  }
}

absl::StatusOr<Written<v1::Entity>> Transaction::StageEntity(const v1::Entity& input,
                                                             OnExisting on_existing) {
  CG_RETURN_IF_ERROR(validation::CheckEntity(input, db_->limits));
  if (!db_->schema->HasEntityType(input.type())) {
    return absl::InvalidArgumentError(StrCat("entity.type: unknown entity type ", validation::Quote(input.type())));
  }
  v1::Entity entity = input;
  entity.set_recorded_by(context_.principal);
  *entity.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kEntity, entity.id()));
  if (internal) {
    CG_ASSIGN_OR_RETURN(auto existing, Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, *internal), "entity"));
    if (!existing) return absl::DataLossError("entity without a record");
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(StrCat("entity.id: entity ", validation::Quote(entity.id()), " already exists"));
    }
    if (SameContent(*existing, entity)) return Written<v1::Entity>{*existing, WriteOutcome::kUnchanged};
    if (on_existing == OnExisting::kKeepIfIdentical) {
      return absl::AlreadyExistsError(StrCat("entity.id: entity ", validation::Quote(entity.id()),
                                                   " already exists with different content"));
    }
    if (existing->type() != entity.type()) {
      return absl::FailedPreconditionError(StrCat("entity.type: cannot change the type of ", validation::Quote(entity.id()),
                                                        " from ", validation::Quote(existing->type()), " to ",
                                                        validation::Quote(entity.type())));
    }
    WriteEntityVersion(*internal, entity, false);
    return Written<v1::Entity>{entity, WriteOutcome::kUpdated};
  }
  uint64_t id = Allocate(IdKind::kEntity, entity.id());
  WriteEntityVersion(id, entity, true);
  new_entity_types_.emplace_back(id, entity.type());
  return Written<v1::Entity>{entity, WriteOutcome::kCreated};
}

absl::StatusOr<Written<v1::Entity>> Transaction::StageEntityUpdate(
    const v1::Entity& patch, const std::vector<std::string>& paths) {
  CG_RETURN_IF_ERROR(validation::CheckId("entity.id", patch.id(), db_->limits));
  CG_ASSIGN_OR_RETURN(auto existing, RequireEntity("entity.id", patch.id()));
  v1::Entity entity = existing.second;
  static const UpdatableFields kEntityFields{{"id", "recorded_at", "recorded_by"}, {}};
  CG_RETURN_IF_ERROR(ApplyFieldMask("entity", patch, paths, kEntityFields, &entity));
  CG_RETURN_IF_ERROR(validation::CheckEntity(entity, db_->limits));
  if (!db_->schema->HasEntityType(entity.type())) {
    return absl::InvalidArgumentError(
        StrCat("entity.type: unknown entity type ", validation::Quote(entity.type())));
  }
  if (SameContent(existing.second, entity)) return Written<v1::Entity>{existing.second, WriteOutcome::kUnchanged};
  const bool retyped = entity.type() != existing.second.type();
  if (retyped) {
    CG_RETURN_IF_ERROR(CheckStatementsAllowType(existing.first, entity.type()));
    BreakInvariant(Invariant::kEntityTypesFixed);
  }
  entity.set_recorded_by(context_.principal);
  *entity.mutable_recorded_at() = ids::FromMicros(now_);
  WriteEntityVersion(existing.first, entity, retyped);
  return Written<v1::Entity>{entity, WriteOutcome::kUpdated};
}

absl::Status Transaction::CheckStatementsAllowType(uint64_t entity, const std::string& type) {
  const auto& schema = *db_->schema;
  for (char direction : {keys::kOutEdge, keys::kInEdge}) {
    std::string prefix = keys::EdgePrefix(direction, entity);
    auto cursor = db_->store->NewCursor(nullptr, Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
    std::optional<uint32_t> checked;  // edges are in predicate order: one check per predicate
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      auto edge = keys::EdgeKey::Decode(cursor->key());
      if (!edge) return absl::DataLossError("undecodable edge key");
      if (checked == edge->predicate) continue;
      checked = edge->predicate;
      CG_ASSIGN_OR_RETURN(
          auto name, Get(Family::kDictionary, keys::ReverseDictionaryKey(IdKind::kPredicate, edge->predicate)));
      const auto* predicate = name ? schema.FindPredicate(*name) : nullptr;
      if (predicate == nullptr) return absl::DataLossError("edge of an unknown predicate");
      const bool subject = direction == keys::kOutEdge;
      if (subject ? !schema.DomainAllows(*predicate, type)
                  : !schema.RangeAllows(*predicate, type, false)) {
        return absl::InvalidArgumentError(
            StrCat("entity.type: ", validation::Quote(type), " is outside the ",
                   subject ? "domain" : "range", " of '", predicate->name(),
                   "', which stored statements with the entity as ", subject ? "subject" : "object",
                   " use"));
      }
    }
    CG_RETURN_IF_ERROR(cursor->status());
  }
  return absl::OkStatus();
}

void Transaction::WriteSourceVersion(uint64_t id, const v1::Source& source) {
  std::string bytes = source.SerializeAsString();
  Put(Family::kRecords, keys::VersionedRecordKey(keys::kSourceRecord, id, now_), bytes);
  Put(Family::kRecords, keys::RecordKey(keys::kCurrentSource, id), bytes);
}

absl::StatusOr<Written<v1::Source>> Transaction::StageSource(const v1::Source& input,
                                                             OnExisting on_existing) {
  CG_RETURN_IF_ERROR(validation::CheckSource(input, db_->limits));
  std::optional<uint64_t> publisher;
  if (!input.publisher_id().empty()) {
    CG_ASSIGN_OR_RETURN(publisher, RequireEntityId("source.publisher_id", input.publisher_id()));
  }
  // 0 stands for a link to the source itself (a self-citing page), whose id may be new.
  std::vector<uint64_t> earlier;
  for (int i = 0; i < input.derived_from_size(); ++i) {
    if (input.derived_from(i).source_id() == input.id()) {
      earlier.push_back(0);
      continue;
    }
    CG_ASSIGN_OR_RETURN(uint64_t found,
                        RequireSourceId(StrCat("source.derived_from[", i, "].source_id"),
                                        input.derived_from(i).source_id()));
    earlier.push_back(found);
  }
  v1::Source source = input;
  source.set_recorded_by(context_.principal);
  *source.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, source.id()));
  WriteOutcome outcome = WriteOutcome::kCreated;
  uint64_t id = 0;
  bool reliability_changed = false, derivations_changed = false;
  if (internal) {
    CG_ASSIGN_OR_RETURN(auto existing, Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *internal), "source"));
    if (!existing) return absl::DataLossError("source without a record");
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(StrCat("source.id: source ", validation::Quote(source.id()), " already exists"));
    }
    if (SameContent(*existing, source)) return Written<v1::Source>{*existing, WriteOutcome::kUnchanged};
    if (on_existing == OnExisting::kKeepIfIdentical) {
      return absl::AlreadyExistsError(StrCat("source.id: source ", validation::Quote(source.id()),
                                                   " already exists with different content"));
    }
    id = *internal;
    outcome = WriteOutcome::kUpdated;
    reliability_changed = existing->reliability() != source.reliability();
    derivations_changed = existing->derived_from_size() != source.derived_from_size();
    for (int i = 0; !derivations_changed && i < source.derived_from_size(); ++i) {
      derivations_changed = existing->derived_from(i).source_id() != source.derived_from(i).source_id() ||
                            existing->derived_from(i).type() != source.derived_from(i).type();
    }
  } else {
    id = Allocate(IdKind::kSource, source.id());
  }
  WriteSourceVersion(id, source);
  if (publisher) batch_.Put(Family::kIndexes, keys::PairKey(keys::kSourcesByPublisher, *publisher, id), "");
  for (size_t i = 0; i < earlier.size(); ++i) {
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kDerivedFrom, earlier[i] != 0 ? earlier[i] : id, id),
               std::string(1, static_cast<char>(source.derived_from(static_cast<int>(i)).type())));
  }
  // A grade feeds the discount of every claim found in the source; derivations feed the origin
  // sets of claims in the sources that derive from it (docs/provenance.md 3.5). An offline load,
  // deferring its scoring, cannot scan its staging store: it leaves a marker for the scorer.
  if (reliability_changed || derivations_changed) {
    if (db_->options.defer_scoring) {
      batch_.Put(Family::kMeta, SourceRescoreKey(id, derivations_changed), "");
    } else if (db_->scorer) {
      CG_RETURN_IF_ERROR(RescoreDependents(id, derivations_changed));
    }
  }
  return Written<v1::Source>{source, outcome};
}

absl::StatusOr<Written<v1::Source>> Transaction::StageSourceUpdate(
    const v1::Source& patch, const std::vector<std::string>& paths) {
  CG_RETURN_IF_ERROR(validation::CheckId("source.id", patch.id(), db_->limits));
  CG_ASSIGN_OR_RETURN(auto existing, RequireSource("source.id", patch.id()));
  v1::Source merged = existing.second;
  static const UpdatableFields kSourceFields{{"id", "recorded_at", "recorded_by"}, {}};
  CG_RETURN_IF_ERROR(ApplyFieldMask("source", patch, paths, kSourceFields, &merged));
  merged.set_id(existing.second.id());
  return StageSource(merged, OnExisting::kUpdate);
}

void Transaction::MergeEdges(const v1::Statement& statement, uint64_t statement_id,
                             uint64_t subject, const storage::EdgeAggregate& delta) {
  // The predicate id was allocated when the statement was first written.
  auto predicate = Resolve(IdKind::kPredicate, statement.predicate());
  uint32_t predicate_id = predicate.ok() && *predicate ? static_cast<uint32_t>(**predicate) : 0;
  uint64_t object = 0;
  if (statement.object().kind_case() == v1::Value::kEntityId) {
    auto found = Resolve(IdKind::kEntity, statement.object().entity_id());
    if (found.ok() && *found) object = **found;
  }
  // The stored score no longer reflects the claims: flagged pending until the rescore lands.
  storage::EdgeAggregate marked = delta;
  marked.score_pending = db_->scorer != nullptr || db_->options.defer_scoring;
  std::string operand = marked.Encode();
  batch_.MergeAggregate(Family::kEdges,
                        keys::EdgeKey{keys::kOutEdge, subject, predicate_id, object, statement_id}.Encode(),
                        operand);
  if (object != 0) {
    batch_.MergeAggregate(Family::kEdges,
                          keys::EdgeKey{keys::kInEdge, object, predicate_id, subject, statement_id}.Encode(),
                          operand);
  }
  touched_edges.push_back(keys::EdgeKey{keys::kOutEdge, subject, predicate_id, object, statement_id});
  MarkForRescore(statement_id);
}

absl::Status Transaction::MarkScorePending(uint64_t statement_id) {
  if (touched_statements.count(statement_id) != 0) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto statement, Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord, statement_id), "statement"));
  if (!statement) return absl::DataLossError("statement without a record");
  CG_ASSIGN_OR_RETURN(auto subject, Resolve(IdKind::kEntity, statement->subject_id()));
  if (!subject) return absl::DataLossError("statement subject without an id");
  MergeEdges(*statement, statement_id, *subject, storage::EdgeAggregate{});
  return absl::OkStatus();
}

absl::Status Transaction::RescoreDependents(uint64_t source, bool derivations) {
  // Committed state is enough: a claim or link staged by this transaction marks its own statement.
  CG_ASSIGN_OR_RETURN(auto statements,
                      DependentStatements(*db_->LatestView(), source, derivations));
  for (uint64_t statement : statements) CG_RETURN_IF_ERROR(MarkScorePending(statement));
  return absl::OkStatus();
}

absl::StatusOr<Written<v1::Claim>> Transaction::StageClaim(const v1::Claim& input,
                                                           std::string_view request_id,
                                                           OnExisting on_existing) {
  if (!request_id.empty()) {
    CG_RETURN_IF_ERROR(validation::CheckId("request_id", request_id, db_->limits));
    CG_ASSIGN_OR_RETURN(auto earlier, Resolve(IdKind::kRequest, request_id));
    if (earlier) {
      // A retry: answer with what the first request created.
      CG_ASSIGN_OR_RETURN(auto claim, Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *earlier), "claim"));
      if (!claim) return absl::DataLossError("request id points at a missing claim");
      return Written<v1::Claim>{*std::move(claim), WriteOutcome::kUnchanged};
    }
  }
  CG_RETURN_IF_ERROR(validation::CheckClaim(input, db_->limits));
  v1::Claim claim = input;
  // Output-only fields are the server's to set, whatever the client sent.
  claim.clear_probability_low();
  claim.clear_probability_high();
  claim.clear_status();
  claim.clear_lifecycle();
  claim.clear_recorded_at();
  claim.clear_recorded_by();
  if (claim.certainty() == v1::CERTAINTY_UNSPECIFIED) claim.set_certainty(v1::CERTAINTY_UNDERSPECIFIED);
  if (!claim.has_confidence()) claim.set_confidence(1.0);

  // The statement: inline (stored when new) or by id.
  v1::Statement statement;
  std::optional<uint64_t> statement_internal;
  if (claim.has_statement()) {
    const v1::Predicate* predicate = db_->schema->FindPredicate(claim.statement().predicate());
    const bool symmetric = predicate != nullptr && predicate->symmetric();
    statement = ids::CanonicalStatement(claim.statement(), symmetric);
    std::string derived = ids::StatementId(statement, symmetric);
    // For a symmetric predicate the id of the orientation as given (what a database written
    // before symmetric statements were canonical derived, e.g. in an old export) is an alias.
    if (!claim.statement_id().empty() && claim.statement_id() != derived &&
        !(symmetric && claim.statement_id() == ids::StatementId(claim.statement(), false))) {
      return absl::InvalidArgumentError(StrCat(
          "claim.statement_id: does not match the inline statement, whose id is ", validation::Quote(derived)));
    }
    statement.set_id(derived);
    // Checked as given (not canonical), so a qualifier index in an error is the client's index.
    CG_RETURN_IF_ERROR(CheckStatementAgainstSchema(claim.statement(), "claim.statement"));
    CG_ASSIGN_OR_RETURN(statement_internal, Resolve(IdKind::kStatement, derived));
  } else {
    CG_ASSIGN_OR_RETURN(statement_internal, Resolve(IdKind::kStatement, claim.statement_id()));
    if (!statement_internal) {
      return absl::NotFoundError(StrCat("claim.statement_id: statement ", validation::Quote(claim.statement_id()), " not found"));
    }
  }
  if (statement_internal) {
    CG_ASSIGN_OR_RETURN(auto stored, Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord, *statement_internal), "statement"));
    if (!stored) return absl::DataLossError("statement without a record");
    statement = *std::move(stored);
  }
  claim.set_statement_id(statement.id());
  claim.clear_statement();

  std::optional<uint64_t> claimant, principal;
  if (claim.claimant().kind_case() == v1::Agent::kEntityId) {
    CG_ASSIGN_OR_RETURN(claimant, RequireEntityId("claim.claimant.entity_id", claim.claimant().entity_id()));
  }
  if (!claim.on_behalf_of_id().empty()) {
    CG_ASSIGN_OR_RETURN(principal, RequireEntityId("claim.on_behalf_of_id", claim.on_behalf_of_id()));
  }
  if (!claim.basis().source_id().empty()) {
    CG_RETURN_IF_ERROR(RequireSourceId("claim.basis.source_id", claim.basis().source_id()).status());
  }
  if (!claim.basis().entity_id().empty()) {
    CG_RETURN_IF_ERROR(RequireEntityId("claim.basis.entity_id", claim.basis().entity_id()).status());
  }
  std::optional<uint64_t> source;
  if (!claim.source_id().empty()) {
    CG_ASSIGN_OR_RETURN(source, RequireSourceId("claim.source_id", claim.source_id()));
    // Only a quote needs the source's record (its text).
    std::optional<v1::Source> record;
    if (claim.has_quote()) {
      CG_ASSIGN_OR_RETURN(record, Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *source), "source"));
      if (!record) return absl::DataLossError("source without a record");
    }
    const std::string document = record ? record->text() : std::string();
    if (claim.has_quote() && !document.empty()) {
      auto at = text::CodePointSubstr(document, claim.quote().start(), claim.quote().end());
      if (!at) {
        return absl::InvalidArgumentError(StrCat("claim.quote.end: offset ", claim.quote().end(),
                                                       " is past the end of source ", validation::Quote(claim.source_id())));
      }
      if (*at != claim.quote().text()) {
        return absl::InvalidArgumentError(StrCat(
            "claim.quote: the text at [", claim.quote().start(), ", ", claim.quote().end(),
            ") of source ", validation::Quote(claim.source_id()), " is '", std::string(at->substr(0, 80)), "', not the quote"));
      }
    }
  }
  std::optional<uint64_t> relayed;
  bool relays_later_claim = false;
  if (!claim.relays_claim_id().empty()) {
    auto found = RequireClaim("claim.relays_claim_id", claim.relays_claim_id());
    if (absl::IsNotFound(found.status()) && batch_claims_.count(claim.relays_claim_id()) != 0) {
      // A claim later in the same batch: checked when the batch is complete.
      relays_later_claim = true;
    } else {
      if (!found.ok()) return found.status();
      CG_RETURN_IF_ERROR(CheckRelay("claim.relays_claim_id", claim.relays_claim_id(),
                                    found->second, claim.statement_id()));
      relayed = found->first;
    }
  }
  if (claim.id().empty()) claim.set_id(ids::DerivedClaimId(claim));
  if (auto band = estimative::BandOf(claim.estimative_word())) {
    claim.set_probability_low(band->low);
    claim.set_probability_high(band->high);
  }
  CG_ASSIGN_OR_RETURN(auto existing_id, Resolve(IdKind::kClaim, claim.id()));
  if (existing_id) {
    CG_ASSIGN_OR_RETURN(auto existing, Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *existing_id), "claim"));
    if (!existing) return absl::DataLossError("claim without a record");
    if (on_existing != OnExisting::kFail && SameContent(*existing, claim)) {
      return Written<v1::Claim>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(StrCat("claim.id: claim ", validation::Quote(claim.id()), " already exists",
                                                 on_existing == OnExisting::kFail ? "" : " with different content"));
  }
  if (relayed && *relayed == 0) return absl::InternalError("bad relay");

  // --- all checks passed: write ---
  const uint64_t subject = *Resolve(IdKind::kEntity, statement.subject_id()).value();
  if (!statement_internal) {
    if (!Resolve(IdKind::kPredicate, statement.predicate()).value()) {
      Allocate(IdKind::kPredicate, statement.predicate());
    }
    statement_internal = Allocate(IdKind::kStatement, statement.id());
    *statement.mutable_recorded_at() = ids::FromMicros(now_);
    Put(Family::kRecords, keys::RecordKey(keys::kStatementRecord, *statement_internal),
        statement.SerializeAsString());
  }
  claim.set_recorded_by(context_.principal);
  *claim.mutable_recorded_at() = ids::FromMicros(now_);
  uint64_t claim_internal = Allocate(IdKind::kClaim, claim.id());
  Put(Family::kRecords, keys::RecordKey(keys::kClaimRecord, claim_internal), claim.SerializeAsString());
  if (!request_id.empty()) {
    batch_.Put(Family::kDictionary, keys::DictionaryKey(IdKind::kRequest, request_id), EncodeU64(claim_internal));
    pending_[OverlayKey(Family::kDictionary, keys::DictionaryKey(IdKind::kRequest, request_id))] =
        EncodeU64(claim_internal);
  }
  auto posting = [&](char index, uint64_t owner) {
    batch_.Put(Family::kIndexes, keys::PostingKey(index, owner, now_, claim_internal), "");
  };
  posting(keys::kClaimsByStatement, *statement_internal);
  posting(keys::kClaimsBySubject, subject);
  if (claimant) posting(keys::kClaimsByClaimant, *claimant);
  if (principal) posting(keys::kClaimsByPrincipal, *principal);
  if (source) posting(keys::kClaimsBySource, *source);
  batch_.Put(Family::kIndexes, keys::TimePostingKey(now_, claim_internal), "");
  if (relayed) batch_.Put(Family::kIndexes, keys::PairKey(keys::kRelaysOf, *relayed, claim_internal), "");
  if (relays_later_claim) {
    later_relays_.push_back({claim.id(), claim.relays_claim_id(), claim.statement_id(), claim_internal});
  }

  storage::EdgeAggregate delta;
  delta.claims = 1;
  delta.first_recorded_at = delta.last_recorded_at = now_;
  if (claim.stance() == v1::STANCE_SUPPORTS) {
    delta.supporting = 1;
    delta.best_confidence = claim.confidence();
  } else if (claim.stance() == v1::STANCE_REFUTES) {
    delta.refuting = 1;
  }
  MergeEdges(statement, *statement_internal, subject, delta);

  v1::Claim answer = claim;
  *answer.mutable_statement() = statement;
  answer.set_status(v1::CLAIM_STATUS_ACTIVE);
  return Written<v1::Claim>{std::move(answer), WriteOutcome::kCreated};
}

absl::StatusOr<std::pair<uint64_t, keys::TargetKind>> Transaction::RequireTarget(
    std::string_view field, const v1::Target& target) {
  switch (target.kind_case()) {
    case v1::Target::kClaimId: {
      CG_ASSIGN_OR_RETURN(auto found, RequireClaim(StrCat(field, ".claim_id"), target.claim_id()));
      return std::make_pair(found.first, keys::TargetKind::kClaim);
    }
    case v1::Target::kSourceId: {
      CG_ASSIGN_OR_RETURN(uint64_t found, RequireSourceId(StrCat(field, ".source_id"), target.source_id()));
      return std::make_pair(found, keys::TargetKind::kSource);
    }
    case v1::Target::kStatementId: {
      CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kStatement, target.statement_id()));
      if (!internal) {
        return absl::NotFoundError(StrCat(field, ".statement_id: statement ", validation::Quote(target.statement_id()), " not found"));
      }
      return std::make_pair(*internal, keys::TargetKind::kStatement);
    }
    default:
      return absl::InvalidArgumentError(StrCat(field, ": is required"));
  }
}

absl::StatusOr<Written<v1::LifecycleEvent>> Transaction::StageEvent(const v1::LifecycleEvent& input,
                                                                    OnExisting on_existing) {
  CG_RETURN_IF_ERROR(validation::CheckLifecycleEvent(input, db_->limits));
  CG_ASSIGN_OR_RETURN(auto target, RequireTarget("lifecycle_event.target", input.target()));
  CG_RETURN_IF_ERROR(RequireEntityId("lifecycle_event.actor_id", input.actor_id()).status());
  std::optional<v1::Claim> claim;
  if (target.second == keys::TargetKind::kClaim) {
    CG_ASSIGN_OR_RETURN(auto found, RequireClaim("lifecycle_event.target.claim_id", input.target().claim_id()));
    claim = std::move(found.second);
  }
  // Who may do what: a retraction is the claimant's own act, a correction the publisher's.
  if (input.kind() == v1::LIFECYCLE_KIND_RETRACTION) {
    if (!claim) {
      return absl::InvalidArgumentError("lifecycle_event.target: a retraction targets a claim");
    }
    if (input.actor_id() != claim->claimant().entity_id() && input.actor_id() != claim->on_behalf_of_id()) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.actor_id: ", validation::Quote(input.actor_id()),
          " is neither the claimant nor whom it spoke for; only they can retract the claim"));
    }
  } else if (input.kind() == v1::LIFECYCLE_KIND_CORRECTION) {
    std::string source_id = claim ? claim->source_id()
                                  : (target.second == keys::TargetKind::kSource ? input.target().source_id() : "");
    if (source_id.empty()) {
      return absl::InvalidArgumentError(
          "lifecycle_event.target: a correction targets a source or a claim found in a source");
    }
    CG_ASSIGN_OR_RETURN(auto source, RequireSource("lifecycle_event.target", source_id));
    if (!source.second.publisher_id().empty() && source.second.publisher_id() != input.actor_id()) {
      return absl::FailedPreconditionError(StrCat("lifecycle_event.actor_id: only the publisher '",
                                                        source.second.publisher_id(), "' can correct source '",
                                                        source_id, "'"));
    }
  }
  v1::LifecycleEvent event = input;
  if (event.id().empty()) event.set_id(ids::DerivedEventId(event));
  event.set_recorded_by(context_.principal);
  *event.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto existing_id, Resolve(IdKind::kEvent, event.id()));
  if (existing_id) {
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(StrCat("lifecycle_event.id: ", validation::Quote(event.id()), " already exists"));
    }
    // A retry of the same event is answered with the stored one; other content under the same
    // id is a conflict, not a success.
    CG_ASSIGN_OR_RETURN(auto existing, TargetRecord<v1::LifecycleEvent>(
                                           keys::kEventRecord, target.second, target.first,
                                           *existing_id, "event"));
    if (existing && SameContent(*existing, event)) {
      return Written<v1::LifecycleEvent>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(
        StrCat("lifecycle_event.id: ", validation::Quote(event.id()), " already exists with different content"));
  }
  // A relays link: the claim was stored relaying nothing and gains its relay now.
  std::optional<uint64_t> relay_link;
  if (event.kind() == v1::LIFECYCLE_KIND_RELAYS) {
    CG_ASSIGN_OR_RETURN(auto linked, Get(Family::kRecords, keys::RecordKey(keys::kClaimRelayLink, target.first)));
    if (!claim->relays_claim_id().empty() || linked) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.target.claim_id: claim ", validation::Quote(input.target().claim_id()),
          " already relays a claim; a claim passes on one claim"));
    }
    CG_ASSIGN_OR_RETURN(auto relayed, RequireClaim("lifecycle_event.relays_claim_id", event.relays_claim_id()));
    CG_RETURN_IF_ERROR(CheckRelay("lifecycle_event.relays_claim_id", event.relays_claim_id(),
                                  relayed.second, claim->statement_id()));
    relay_link = relayed.first;
  }
  const bool deactivates = claim && (event.kind() == v1::LIFECYCLE_KIND_RETRACTION ||
                                     event.kind() == v1::LIFECYCLE_KIND_DEPRECATION);
  // The marker of an inactive claim holds when it became inactive and which events made it so.
  uint8_t inactive_flags = 0;
  const uint8_t this_flag = event.kind() == v1::LIFECYCLE_KIND_RETRACTION ? 1 : 2;
  if (deactivates) {
    CG_ASSIGN_OR_RETURN(auto marker, Get(Family::kRecords, keys::RecordKey(keys::kClaimInactive, target.first)));
    if (marker && marker->size() == 9) inactive_flags = static_cast<uint8_t>((*marker)[8]);
    if (inactive_flags & this_flag) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.target.claim_id: claim ", validation::Quote(input.target().claim_id()), " is already ",
          this_flag == 1 ? "retracted" : "deprecated"));
    }
  }
  const bool already_inactive = inactive_flags != 0;

  // --- write ---
  uint64_t event_internal = Allocate(IdKind::kEvent, event.id());
  Put(Family::kRecords,
      keys::TargetRecordKey(keys::kEventRecord, target.second, target.first, now_, event_internal),
      event.SerializeAsString());
  // Readers skip the event scan of claims without this marker (ReadView::ClaimEvents).
  if (claim) Put(Family::kRecords, keys::RecordKey(keys::kClaimHasEvents, target.first), "");
  if (relay_link) {
    Put(Family::kRecords, keys::RecordKey(keys::kClaimRelayLink, target.first), EncodeU64(*relay_link));
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kRelaysOf, *relay_link, target.first), "");
  }
  if (deactivates) {
    std::string marker = EncodeU64(now_);
    marker.push_back(static_cast<char>(inactive_flags | this_flag));
    Put(Family::kRecords, keys::RecordKey(keys::kClaimInactive, target.first), marker);
  }
  if (deactivates && !already_inactive) {
    CG_ASSIGN_OR_RETURN(auto statement_internal, Resolve(IdKind::kStatement, claim->statement_id()));
    CG_ASSIGN_OR_RETURN(auto statement, Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord, *statement_internal), "statement"));
    CG_ASSIGN_OR_RETURN(auto subject, Resolve(IdKind::kEntity, statement->subject_id()));
    storage::EdgeAggregate delta;
    delta.claims = -1;
    if (claim->stance() == v1::STANCE_SUPPORTS) delta.supporting = -1;
    if (claim->stance() == v1::STANCE_REFUTES) delta.refuting = -1;
    MergeEdges(*statement, *statement_internal, *subject, delta);
  } else if (relay_link) {
    // A new relay can move the score.
    CG_ASSIGN_OR_RETURN(auto statement_internal, Resolve(IdKind::kStatement, claim->statement_id()));
    CG_RETURN_IF_ERROR(MarkScorePending(*statement_internal));
  } else if (claim) {
    CG_ASSIGN_OR_RETURN(auto statement_internal, Resolve(IdKind::kStatement, claim->statement_id()));
    MarkForRescore(*statement_internal);
  }
  return Written<v1::LifecycleEvent>{event, WriteOutcome::kCreated};
}

absl::StatusOr<Written<v1::Assessment>> Transaction::StageAssessment(const v1::Assessment& input,
                                                                     OnExisting on_existing) {
  CG_RETURN_IF_ERROR(validation::CheckAssessment(input, db_->limits));
  CG_ASSIGN_OR_RETURN(auto target, RequireTarget("assessment.target", input.target()));
  CG_RETURN_IF_ERROR(RequireEntityId("assessment.assessor_id", input.assessor_id()).status());
  v1::Assessment assessment = input;
  if (assessment.id().empty()) assessment.set_id(ids::DerivedAssessmentId(assessment));
  assessment.set_recorded_by(context_.principal);
  *assessment.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto existing_id, Resolve(IdKind::kAssessment, assessment.id()));
  if (existing_id) {
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(StrCat("assessment.id: ", validation::Quote(assessment.id()), " already exists"));
    }
    CG_ASSIGN_OR_RETURN(auto existing, TargetRecord<v1::Assessment>(
                                           keys::kAssessmentRecord, target.second, target.first,
                                           *existing_id, "assessment"));
    if (existing && SameContent(*existing, assessment)) {
      return Written<v1::Assessment>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(
        StrCat("assessment.id: ", validation::Quote(assessment.id()), " already exists with different content"));
  }
  uint64_t internal = Allocate(IdKind::kAssessment, assessment.id());
  Put(Family::kRecords,
      keys::TargetRecordKey(keys::kAssessmentRecord, target.second, target.first, now_, internal),
      assessment.SerializeAsString());
  if (target.second == keys::TargetKind::kStatement) MarkForRescore(target.first);
  return Written<v1::Assessment>{assessment, WriteOutcome::kCreated};
}

absl::StatusOr<std::vector<Transaction::BadRelay>> Transaction::FinishBatchRelays() {
  std::vector<BadRelay> bad;
  for (const auto& relay : later_relays_) {
    auto found = RequireClaim("claim.relays_claim_id", relay.relayed_id);
    absl::Status checked = found.status();
    if (found.ok()) {
      checked = CheckRelay("claim.relays_claim_id", relay.relayed_id, found->second,
                           relay.statement_id);
    }
    if (!checked.ok()) {
      if (!absl::IsNotFound(checked) && !absl::IsInvalidArgument(checked)) return checked;
      bad.push_back({relay.claim_id, std::move(checked)});
      continue;
    }
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kRelaysOf, found->first, relay.claim), "");
  }
  return bad;
}

absl::Status Transaction::Commit() {
  for (IdKind kind : allocated_kinds_) {
    batch_.Put(Family::kMeta, keys::CounterKey(kind), EncodeU64(counters_[static_cast<uint8_t>(kind)]));
  }
  const uint64_t generation = db_->cache_generation.load() + (breaks_invariant_ ? 1 : 0);
  if (breaks_invariant_) batch_.Put(Family::kMeta, keys::kCacheGenerationKey, EncodeU64(generation));
  // In key order per family: RocksDB inserts a sorted run into its memtable skiplist far more
  // cheaply than random keys (each insert starts from where the previous one ended). The sort is
  // stable, so later writes of one key still come after earlier ones.
  const auto& operations = batch_.operations();
  std::vector<uint32_t> order(operations.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const auto& x = operations[a];
    const auto& y = operations[b];
    if (x.family != y.family) return x.family < y.family;
    return x.key < y.key;
  });
  storage::WriteBatch sorted;
  for (uint32_t i : order) {
    const auto& op = operations[i];
    switch (op.kind) {
      case storage::WriteBatch::Kind::kPut: sorted.Put(op.family, op.key, op.value); break;
      case storage::WriteBatch::Kind::kDelete: sorted.Delete(op.family, op.key); break;
      case storage::WriteBatch::Kind::kMergeAggregate:
        sorted.MergeAggregate(op.family, op.key, op.value);
        break;
    }
  }
  CG_RETURN_IF_ERROR(db_->store->Write(sorted));
  db_->counters = counters_;
  if (breaks_invariant_) {
    // What the caches learnt before this commit may no longer hold: start them over.
    db_->resolutions.Clear();
    db_->cache_generation.store(generation);
    if (db_->record_cache) db_->record_cache->AdvanceGeneration(generation);
    return absl::OkStatus();
  }
  for (const auto& [key, id] : new_resolutions_) db_->resolutions.Add(key, id);
  for (const auto& [id, type] : new_entity_types_) db_->resolutions.AddEntityType(id, type);
  return absl::OkStatus();
}

absl::Status Database::Impl::StageScore(const ReadView& view, uint64_t statement_id,
                                        std::optional<double> score, bool pending,
                                        storage::WriteBatch* batch,
                                        std::vector<keys::EdgeKey>* edges) {
  CG_ASSIGN_OR_RETURN(auto statement, view.StatementByInternalId(statement_id));
  if (!statement) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto subject, view.Resolve(IdKind::kEntity, statement->subject_id()));
  CG_ASSIGN_OR_RETURN(auto predicate, view.Resolve(IdKind::kPredicate, statement->predicate()));
  if (!subject || !predicate)
    return absl::DataLossError("statement with unknown subject or predicate");
  uint64_t object = 0;
  if (statement->object().kind_case() == v1::Value::kEntityId) {
    CG_ASSIGN_OR_RETURN(auto found, view.Resolve(IdKind::kEntity, statement->object().entity_id()));
    object = found.value_or(0);
  }
  storage::EdgeAggregate delta;
  delta.score = score.value_or(0.0);
  delta.score_pending = pending;
  auto predicate_id = static_cast<uint32_t>(*predicate);
  keys::EdgeKey out{keys::kOutEdge, *subject, predicate_id, object, statement_id};
  batch->MergeAggregate(Family::kEdges, out.Encode(), delta.Encode());
  if (object != 0) {
    batch->MergeAggregate(
        Family::kEdges,
        keys::EdgeKey{keys::kInEdge, object, predicate_id, *subject, statement_id}.Encode(),
        delta.Encode());
  }
  if (edges != nullptr) edges->push_back(out);
  if (!pending) batch->Delete(Family::kMeta, DirtyScoreKey(statement_id));
  return absl::OkStatus();
}

absl::Status Database::Impl::Rescore(const std::set<uint64_t>& statements) {
  if (!scorer || statements.empty()) return absl::OkStatus();
  const uint64_t time = clock.load();
  std::unique_ptr<ReadView> view;
  storage::WriteBatch batch;
  for (uint64_t statement_id : statements) {
    auto pending = pending_scores.find(statement_id);
    if (pending != pending_scores.end()) {
      pending->second = time;
      continue;
    }
    StatementScore result;
    result.too_many_claims = options.inline_rescore_max_claims == 0;
    if (!result.too_many_claims) {
      if (!view) view = LatestView();
      CG_ASSIGN_OR_RETURN(result, scorer(*view, statement_id, options.inline_rescore_max_claims));
    }
    if (result.too_many_claims) {
      pending_scores.emplace(statement_id, time);
      rescore_queue.push_back(statement_id);
      rescore_wake.notify_one();
      continue;
    }
    CG_RETURN_IF_ERROR(StageScore(*view, statement_id, result.score, false, &batch, nullptr));
  }
  if (batch.empty()) return absl::OkStatus();
  return store->Write(batch);
}

absl::Status Database::Impl::RescoreNow(const std::set<uint64_t>& statements) {
  if (!scorer || statements.empty()) return absl::OkStatus();
  // Statements are handed out in chunks, and each chunk's scores are written as one batch: memory
  // stays bounded however many statements are marked (an offline load marks every one), and a
  // failure leaves the markers of the unwritten chunks for the next SetStatementScorer.
  constexpr size_t kChunk = 2048;
  const std::vector<uint64_t> ids(statements.begin(), statements.end());
  size_t threads = options.rescore_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, (ids.size() + kChunk - 1) / kChunk);
  // One view per thread (a ReadView is single-threaded), all taken before any score lands, so
  // every scorer reads the same state: the caller holds write_mutex, and the scores written
  // meanwhile are not what a scorer reads anyway.
  // They share a cache of this one state for the pass (the sources many statements' claims
  // name), not the record cache: a one-pass rescore reads each claim once, and keeping claims
  // would only churn it.
  std::unique_ptr<RecordCache> pass_cache;
  if (options.record_cache_bytes > 0) {
    pass_cache = std::make_unique<RecordCache>(options.record_cache_bytes,
                                               RecordCache::Holds::kStateOnly);
  }
  std::vector<std::unique_ptr<ReadView>> views;
  for (size_t i = 0; i < threads; ++i) views.push_back(LatestView(pass_cache.get()));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<absl::Status> results(threads);
  auto work = [&](size_t worker) {
    const ReadView& view = *views[worker];
    while (!failed.load()) {
      const size_t begin = next.fetch_add(kChunk);
      if (begin >= ids.size()) return;
      const size_t end = std::min(begin + kChunk, ids.size());
      storage::WriteBatch batch;
      absl::Status status;
      for (size_t i = begin; i < end && status.ok(); ++i) {
        auto result = scorer(view, ids[i], std::numeric_limits<size_t>::max());
        status = result.ok() ? StageScore(view, ids[i], result->score, false, &batch, nullptr)
                             : result.status();
      }
      if (status.ok()) status = store->Write(batch);
      if (!status.ok()) {
        results[worker] = status;
        failed.store(true);
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work, i);
  work(0);
  for (auto& helper : helpers) helper.join();
  for (const auto& result : results) CG_RETURN_IF_ERROR(result);
  return absl::OkStatus();
}

absl::Status Database::Impl::LandScore(const ReadView& view, uint64_t statement_id,
                                       std::optional<double> score, uint64_t seen) {
  auto pending = pending_scores.find(statement_id);
  if (pending == pending_scores.end()) return absl::OkStatus();  // only this thread erases
  const bool current = pending->second <= seen;
  // The rescore is a write of its own: it advances the clock, so commit observers (the traversal
  // topology) order it after the writes its snapshot saw.
  const uint64_t time = NextTime();
  storage::WriteBatch batch;
  std::string encoded_time;
  keys::AppendU64(&encoded_time, time);
  batch.Put(Family::kMeta, keys::kClockKey, encoded_time);
  std::vector<keys::EdgeKey> edges;
  CG_RETURN_IF_ERROR(StageScore(view, statement_id, score, !current, &batch, &edges));
  CG_RETURN_IF_ERROR(store->Write(batch));
  NotifyCommitted(time, {statement_id}, edges);
  if (!current) {
    // Writes came after the snapshot: this value is newer than the stored one but still pending.
    rescore_queue.push_back(statement_id);
    return absl::OkStatus();
  }
  pending_scores.erase(pending);
  if (pending_scores.empty()) rescore_settled.notify_all();
  return absl::OkStatus();
}

void Database::Impl::RescoreLoop() {
  std::unique_lock lock(write_mutex);
  while (true) {
    rescore_wake.wait(lock, [&] { return stop_rescoring || !rescore_queue.empty(); });
    if (stop_rescoring) return;
    const uint64_t statement_id = rescore_queue.front();
    rescore_queue.pop_front();
    // The snapshot and the clock together, under the lock: the snapshot holds exactly the writes
    // up to `seen`.
    const uint64_t seen = clock.load();
    std::unique_ptr<ReadView> view = LatestView();
    StatementScorer score = scorer;
    lock.unlock();
    auto result = score(*view, statement_id, std::numeric_limits<size_t>::max());
    lock.lock();
    absl::Status status = result.status();
    if (status.ok()) status = LandScore(*view, statement_id, result->score, seen);
    if (status.ok()) continue;
    // Left pending (and its dirty marker in place); retried after a pause, so a failing store
    // is not hammered.
    rescore_failures += 1;
    last_rescore_failure = status;
    rescore_settled.notify_all();
    rescore_queue.push_back(statement_id);
    rescore_wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_rescoring; });
  }
}

void Database::Impl::StopRescoring() {
  {
    std::lock_guard lock(write_mutex);
    stop_rescoring = true;
  }
  rescore_wake.notify_all();
  rescore_settled.notify_all();
  // Statements still pending keep their dirty markers: the next SetStatementScorer rescores them.
  if (rescorer.joinable()) rescorer.join();
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  if (options.schema == nullptr) return absl::InvalidArgumentError("schema: is required");
  CG_ASSIGN_OR_RETURN(auto store, storage::OpenRocksDbStore(options.storage));
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
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

absl::StatusOr<Written<v1::Entity>> Database::CreateEntity(const v1::Entity& entity,
                                                           const WriteContext& context,
                                                           OnExisting on_existing) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageEntity(entity, on_existing));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Entity>> Database::UpdateEntity(const v1::Entity& patch,
                                                           const std::vector<std::string>& paths,
                                                           const WriteContext& context) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageEntityUpdate(patch, paths));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Source>> Database::CreateSource(const v1::Source& source,
                                                           const WriteContext& context,
                                                           OnExisting on_existing) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageSource(source, on_existing));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  // A new grade or derivation rescores the statements that depend on the source.
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Source>> Database::UpdateSource(const v1::Source& patch,
                                                           const std::vector<std::string>& paths,
                                                           const WriteContext& context) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageSourceUpdate(patch, paths));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  // A new grade or derivation rescores the statements that depend on the source.
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Source>> Database::AddDerivation(std::string_view source_id,
                                                            const v1::Derivation& derivation,
                                                            const WriteContext& context) {
  std::lock_guard lock(impl_->write_mutex);
  // Read and write under the write lock, so concurrent additions cannot lose each other.
  auto view = impl_->LatestView();
  CG_RETURN_IF_ERROR(validation::CheckId("source_id", source_id, impl_->limits));
  auto source = view->GetSource(source_id);
  if (!source.ok()) {
    return absl::Status(source.status().code(), StrCat("source_id: ", std::string(source.status().message())));
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
  CG_RETURN_IF_ERROR(transaction.Commit());
  // A new grade or derivation rescores the statements that depend on the source.
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Claim>> Database::CreateClaim(const v1::Claim& claim,
                                                         std::string_view request_id,
                                                         const WriteContext& context,
                                                         OnExisting on_existing) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageClaim(claim, request_id, on_existing));
  if (written.outcome == WriteOutcome::kUnchanged) {
    auto view = impl_->LatestView();
    CG_ASSIGN_OR_RETURN(written.record, view->GetClaim(written.record.id()));
    return written;
  }
  CG_RETURN_IF_ERROR(transaction.Commit());
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<std::vector<Written<v1::Claim>>> Database::CreateClaims(
    const std::vector<v1::Claim>& claims, const WriteContext& context) {
  if (claims.size() > impl_->limits.max_batch_claims) {
    return absl::ResourceExhaustedError(
        StrCat("claims: at most ", impl_->limits.max_batch_claims, " in one batch"));
  }
  std::lock_guard lock(impl_->write_mutex);
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
  CG_RETURN_IF_ERROR(transaction.Commit());
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return results;
}

absl::StatusOr<Written<v1::LifecycleEvent>> Database::RecordLifecycleEvent(
    const v1::LifecycleEvent& event, const WriteContext& context, OnExisting on_existing) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageEvent(event, on_existing));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

absl::StatusOr<Written<v1::Assessment>> Database::RecordAssessment(
    const v1::Assessment& assessment, const WriteContext& context, OnExisting on_existing) {
  std::lock_guard lock(impl_->write_mutex);
  Transaction transaction(impl_.get(), context);
  CG_ASSIGN_OR_RETURN(auto written, transaction.StageAssessment(assessment, on_existing));
  if (written.outcome == WriteOutcome::kUnchanged) return written;
  CG_RETURN_IF_ERROR(transaction.Commit());
  // An assessment of a statement may move its score (ApplyRecords already rescored these).
  CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
  impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                         transaction.touched_edges);
  return written;
}

namespace {

// Stages import records in order; `rejected` ones are reported with their error, unstaged.
std::vector<RecordResult> StageImportRecords(
    Transaction& transaction, const std::vector<v1::ImportRecord>& records, ImportMode mode,
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
      case v1::ImportRecord::kEntity: take(transaction.StageEntity(record.entity(), OnExisting::kUpdate)); break;
      case v1::ImportRecord::kSource: take(transaction.StageSource(record.source(), OnExisting::kUpdate)); break;
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
        result.error = absl::InvalidArgumentError("record: one of entity, source, claim, assessment, lifecycle_event is required");
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
  std::lock_guard lock(impl_->write_mutex);
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
      CG_RETURN_IF_ERROR(transaction.Commit());
      CG_RETURN_IF_ERROR(impl_->Rescore(transaction.touched_statements));
      impl_->NotifyCommitted(transaction.time(), transaction.touched_statements,
                             transaction.touched_edges);
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
                                    impl_->schema.get(), &impl_->limits,
                                    impl_->record_cache.get(), generation);
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
                                    impl_->schema.get(), &impl_->limits,
                                    impl_->record_cache.get(), generation);
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

bool Database::WritesRefusedForDiskSpace() const { return impl_->store->BelowDiskReserve(); }

absl::Status Database::SetStatementScorer(StatementScorer scorer) {
  std::lock_guard lock(impl_->write_mutex);
  impl_->scorer = std::move(scorer);
  // A crash or a close before a rescore landed leaves a dirty marker: rescore those now.
  std::set<uint64_t> dirty;
  std::string lower(kDirtyScorePrefix);
  auto cursor = impl_->store->NewCursor(nullptr, Family::kMeta, lower, keys::PrefixSuccessor(lower));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    uint64_t statement = keys::DecodeU64(cursor->key().substr(kDirtyScorePrefix.size()));
    // Queued ones (when the scorer is replaced) are the rescoring thread's.
    if (impl_->pending_scores.count(statement) == 0) dirty.insert(statement);
  }
  CG_RETURN_IF_ERROR(cursor->status());
  // Sources a deferred-scoring write regraded or relinked: their dependents too. The markers go
  // once the scores are written (a failure before leaves them for the next call).
  storage::WriteBatch done;
  std::string sources(kSourceRescorePrefix);
  cursor = impl_->store->NewCursor(nullptr, Family::kMeta, sources, keys::PrefixSuccessor(sources));
  std::unique_ptr<ReadView> view;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    std::string_view marker = cursor->key().substr(kSourceRescorePrefix.size());
    if (marker.size() != 9) return absl::DataLossError("malformed source rescore marker");
    if (!view) view = impl_->LatestView();
    CG_ASSIGN_OR_RETURN(auto dependents,
                        DependentStatements(*view, keys::DecodeU64(marker), marker[8] != 0));
    for (uint64_t statement : dependents) {
      if (impl_->pending_scores.count(statement) == 0) dirty.insert(statement);
    }
    done.Delete(Family::kMeta, std::string(cursor->key()));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  CG_RETURN_IF_ERROR(impl_->RescoreNow(dirty));
  if (!done.empty()) CG_RETURN_IF_ERROR(impl_->store->Write(done));
  if (!impl_->rescorer.joinable() && !impl_->stop_rescoring) {
    impl_->rescorer = std::thread([impl = impl_.get()] { impl->RescoreLoop(); });
  }
  return absl::OkStatus();
}

absl::Status Database::SettleScores() {
  std::unique_lock lock(impl_->write_mutex);
  const uint64_t failures = impl_->rescore_failures;
  impl_->rescore_settled.wait(lock, [&] {
    return impl_->pending_scores.empty() || impl_->stop_rescoring ||
           impl_->rescore_failures != failures;
  });
  if (impl_->rescore_failures != failures) return impl_->last_rescore_failure;
  return absl::OkStatus();
}

void Database::AddCommitObserver(CommitObserver observer) {
  std::lock_guard lock(impl_->write_mutex);
  impl_->observers.push_back(std::move(observer));
}

absl::Status Database::Compact() {
  CG_RETURN_IF_ERROR(impl_->store->Flush());
  return impl_->store->CompactAll();
}

}  // namespace claimgraph
