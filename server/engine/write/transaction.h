// A Transaction stages validated records into one WriteBatch: every Stage* call checks
// everything first and writes only when all checks pass, and reads see the committed state plus
// the transaction's own pending puts. Internal to the engine's write side.
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/record_parse.h"
#include "engine/status_macros.h"
#include "engine/string_map.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "engine/validation.h"
#include "engine/write/database_impl.h"

namespace claimgraph {

// Stages validated records into one WriteBatch. Every Stage* call checks everything first and
// writes only when all checks pass, so a rejected record leaves nothing in the batch. Reads see
// the committed state plus this transaction's own pending puts.
class Transaction {
 public:
  using IdKind = keys::IdKind;
  using Family = storage::Family;

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
    CG_ASSIGN_OR_RETURN(
        auto record, Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, entity), "entity"));
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
    if (!internal)
      return absl::NotFoundError(StrCat(field, ": entity ", validation::Quote(id), " not found"));
    return *internal;
  }
  absl::StatusOr<uint64_t> RequireSourceId(std::string_view field, std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, id));
    if (!internal)
      return absl::NotFoundError(StrCat(field, ": source ", validation::Quote(id), " not found"));
    return *internal;
  }
  template <typename T>
  absl::StatusOr<std::optional<T>> Record(const std::string& key, std::string_view what) {
    CG_ASSIGN_OR_RETURN(auto value, Get(Family::kRecords, key));
    if (!value) return std::optional<T>();
    CG_ASSIGN_OR_RETURN(T record, ParseRecord<T>(*value, what));
    return std::optional<T>(std::move(record));
  }
  // The entity's internal id and latest version, or NotFound naming `field`.
  absl::StatusOr<std::pair<uint64_t, v1::Entity>> RequireEntity(std::string_view field,
                                                                std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kEntity, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(
          auto entity,
          Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, *internal), "entity"));
      if (entity) return std::make_pair(*internal, *std::move(entity));
    }
    return absl::NotFoundError(StrCat(field, ": entity ", validation::Quote(id), " not found"));
  }
  absl::StatusOr<std::pair<uint64_t, v1::Source>> RequireSource(std::string_view field,
                                                                std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(
          auto source,
          Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *internal), "source"));
      if (source) return std::make_pair(*internal, *std::move(source));
    }
    return absl::NotFoundError(StrCat(field, ": source ", validation::Quote(id), " not found"));
  }
  absl::StatusOr<std::pair<uint64_t, v1::Claim>> RequireClaim(std::string_view field,
                                                              std::string_view id) {
    CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kClaim, id));
    if (internal) {
      CG_ASSIGN_OR_RETURN(
          auto claim, Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *internal), "claim"));
      if (claim) return std::make_pair(*internal, *std::move(claim));
    }
    return absl::NotFoundError(StrCat(field, ": claim ", validation::Quote(id), " not found"));
  }
  // The stored assessment or event with internal id `id` among the records of `target`
  // (committed or pending), or nullopt when that id was recorded against another target.
  template <typename T>
  absl::StatusOr<std::optional<T>> TargetRecord(char prefix, keys::TargetKind kind, uint64_t target,
                                                uint64_t id, std::string_view what) {
    const std::string lower = keys::TargetRecordPrefix(prefix, kind, target);
    const std::string upper = keys::PrefixSuccessor(lower);
    auto has_id = [&](std::string_view key) {
      auto parts = keys::DecodeTargetRecordKey(key);
      return parts && parts->id == id;
    };
    const std::string overlay_lower = OverlayKey(Family::kRecords, lower);
    const std::string overlay_upper = OverlayKey(Family::kRecords, upper);
    // The pending puts are not ordered: look at each (ids are unique, so the first match is it).
    for (const auto& [key, value] : pending_) {
      if (key >= overlay_lower && key < overlay_upper && value &&
          has_id(std::string_view(key).substr(1))) {
        CG_ASSIGN_OR_RETURN(T record, ParseRecord<T>(*value, what));
        return std::optional<T>(std::move(record));
      }
    }
    auto cursor = db_->store->NewCursor(nullptr, Family::kRecords, lower, upper);
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      if (!has_id(cursor->key())) continue;
      CG_ASSIGN_OR_RETURN(T record, ParseRecord<T>(cursor->value(), what));
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
      batch_.Put(Family::kMeta, keys::DirtyScoreKey(statement_id), "");
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
  StringMap<std::optional<std::string>> pending_;
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
  // The source versions the batch stores, in staging order, for the source graph.
  std::vector<sources::SourceGraph::Version> touched_sources;
};

}  // namespace claimgraph
