// ReadView: snapshot reads as of a system time.
#include "engine/read_view.h"

#include <algorithm>
#include <limits>
#include <set>

#include "engine/ids.h"
#include "engine/paging.h"
#include "engine/record_parse.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/text.h"
#include "engine/validation.h"

namespace claimgraph {
namespace {

using keys::IdKind;
using storage::Family;

absl::Status NotFound(std::string_view what, std::string_view id) {
  return absl::NotFoundError(StrCat(what, " '", id, "' not found"));
}

int32_t EffectivePageSize(int32_t page_size, const Limits& limits) {
  return page_size == 0 ? limits.default_page_size : page_size;
}

}  // namespace

ReadView::ReadView(storage::KeyValueStore* store, std::unique_ptr<storage::Snapshot> snapshot,
                   uint64_t as_of, bool current, const schema::SchemaRegistry* schema,
                   const Limits* limits, RecordCache* record_cache, uint64_t cache_generation,
                   const sources::SourceGraph* source_graph)
    : store_(store),
      snapshot_(std::move(snapshot)),
      as_of_(as_of),
      current_(current),
      schema_(schema),
      limits_(limits),
      cache_generation_(cache_generation),
      source_graph_(source_graph) {
  if (record_cache != nullptr) record_cache_.emplace(record_cache, cache_generation);
}

absl::StatusOr<std::optional<uint64_t>> ReadView::Resolve(IdKind kind,
                                                          std::string_view external) const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kDictionary,
                                              keys::DictionaryKey(kind, external)));
  if (!value) return std::optional<uint64_t>();
  return std::optional<uint64_t>(keys::DecodeU64(*value));
}

absl::StatusOr<std::string> ReadView::ExternalId(IdKind kind, uint64_t id) const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kDictionary,
                                              keys::ReverseDictionaryKey(kind, id)));
  if (!value) return absl::DataLossError(StrCat("internal id ", id, " has no external id"));
  return *value;
}

absl::StatusOr<std::vector<std::optional<uint64_t>>> ReadView::ResolveMany(
    IdKind kind, const std::vector<std::string>& externals) const {
  std::vector<std::string> keys;
  keys.reserve(externals.size());
  for (const auto& external : externals) keys.push_back(keys::DictionaryKey(kind, external));
  auto values = store_->MultiGet(snapshot(), Family::kDictionary, keys);
  std::vector<std::optional<uint64_t>> ids;
  ids.reserve(values.size());
  for (auto& value : values) {
    if (!value.ok()) return value.status();
    ids.push_back(value->has_value() ? std::optional<uint64_t>(keys::DecodeU64(**value))
                                     : std::optional<uint64_t>());
  }
  return ids;
}

uint64_t ReadView::snapshot_sequence() const {
  return snapshot_ != nullptr ? snapshot_->sequence() : 0;
}

absl::StatusOr<uint64_t> ReadView::CommittedClock() const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kMeta, keys::kClockKey));
  return value ? keys::DecodeU64(*value) : 0;
}

absl::Status ReadView::ForEachExternalId(IdKind kind, const NamedIdVisitor& visit) const {
  std::string prefix(1, static_cast<char>(kind));
  auto cursor =
      store_->NewCursor(snapshot(), Family::kDictionary, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto external = keys::DecodeDictionaryKey(kind, cursor->key());
    if (!external) return absl::DataLossError("corrupt dictionary key");
    if (!visit(*external, keys::DecodeU64(cursor->value()))) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachInternalId(IdKind kind, uint64_t first, uint64_t last,
                                         const NamedIdVisitor& visit) const {
  auto cursor =
      store_->NewCursor(snapshot(), Family::kDictionary, keys::ReverseDictionaryKey(kind, first),
                        keys::PrefixSuccessor(keys::ReverseDictionaryKey(kind, last)));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto id = keys::DecodeReverseDictionaryKey(kind, cursor->key());
    if (!id) return absl::DataLossError("corrupt reverse dictionary key");
    if (!visit(cursor->value(), *id)) break;
  }
  return cursor->status();
}

template <typename T>
absl::StatusOr<std::optional<T>> ReadView::VersionAsOf(char prefix, uint64_t id) const {
  if (current_) {
    // The latest version is also kept under its own key: one point read.
    char current_prefix =
        prefix == keys::kEntityRecord ? keys::kCurrentEntity : keys::kCurrentSource;
    CG_ASSIGN_OR_RETURN(
        auto value, store_->Get(snapshot(), Family::kRecords, keys::RecordKey(current_prefix, id)));
    if (!value) return std::optional<T>();
    CG_ASSIGN_OR_RETURN(T record, ParseRecord<T>(*value, "current"));
    return std::optional<T>(std::move(record));
  }
  // Versions are keyed (id, recorded_at): the last key at or before (id, as_of) is the version
  // that was current then.
  std::string lower = keys::RecordKey(prefix, id);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kRecords, lower, keys::PrefixSuccessor(lower));
  cursor->SeekForPrev(keys::VersionedRecordKey(prefix, id, as_of_));
  CG_RETURN_IF_ERROR(cursor->status());
  if (!cursor->Valid()) return std::optional<T>();
  CG_ASSIGN_OR_RETURN(T record, ParseRecord<T>(cursor->value(), "versioned"));
  return std::optional<T>(std::move(record));
}

absl::StatusOr<std::optional<v1::Entity>> ReadView::EntityByInternalId(uint64_t id) const {
  return VersionAsOf<v1::Entity>(keys::kEntityRecord, id);
}

absl::StatusOr<v1::Entity> ReadView::GetEntity(std::string_view id) const {
  // The dictionary is append-only, so a cached mapping is the id's for good, even one cached by
  // a newer view: whether the entity exists in this view is decided by the record read below,
  // under this view's snapshot (it finds nothing where the dictionary read would have too).
  std::optional<uint64_t> internal;
  if (record_cache_) internal = record_cache_->FindId(IdKind::kEntity, id);
  if (!internal) {
    CG_ASSIGN_OR_RETURN(internal, Resolve(IdKind::kEntity, id));
    if (!internal) return NotFound("entity", id);
    if (record_cache_) record_cache_->AddId(IdKind::kEntity, id, *internal);
  }
  CG_ASSIGN_OR_RETURN(auto entity, EntityByInternalId(*internal));
  if (!entity) return NotFound("entity", id);
  return *std::move(entity);
}

absl::StatusOr<std::optional<v1::Source>> ReadView::SourceByInternalId(uint64_t id) const {
  return VersionAsOf<v1::Source>(keys::kSourceRecord, id);
}

absl::Status ReadView::ForEachSourceVersion(
    const std::function<bool(uint64_t id, v1::Source record)>& visit) const {
  std::string prefix(1, keys::kSourceRecord);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kRecords, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodeVersionedRecordKey(cursor->key());
    if (!key || key->prefix != keys::kSourceRecord) {
      return absl::DataLossError("corrupt source key");
    }
    CG_ASSIGN_OR_RETURN(auto record, ParseRecord<v1::Source>(cursor->value(), "versioned"));
    if (!visit(key->id, std::move(record))) break;
  }
  return cursor->status();
}

absl::StatusOr<std::vector<std::optional<v1::Source>>> ReadView::SourcesByInternalIds(
    const std::vector<uint64_t>& ids) const {
  std::vector<std::optional<v1::Source>> sources;
  sources.reserve(ids.size());
  if (!current_) {
    // Each needs its own seek for the version current at as_of.
    for (uint64_t id : ids) {
      CG_ASSIGN_OR_RETURN(auto source, SourceByInternalId(id));
      sources.push_back(std::move(source));
    }
    return sources;
  }
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (uint64_t id : ids) keys.push_back(keys::RecordKey(keys::kCurrentSource, id));
  auto values = store_->MultiGet(snapshot(), Family::kRecords, keys);
  for (auto& value : values) {
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      sources.emplace_back();
      continue;
    }
    CG_ASSIGN_OR_RETURN(auto source, ParseRecord<v1::Source>(**value, "current"));
    sources.emplace_back(std::move(source));
  }
  return sources;
}

absl::StatusOr<v1::Source> ReadView::GetSource(std::string_view id) const {
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kSource, id));
  if (!internal) return NotFound("source", id);
  CG_ASSIGN_OR_RETURN(auto source, SourceByInternalId(*internal));
  if (!source) return NotFound("source", id);
  return *std::move(source);
}

absl::StatusOr<std::optional<v1::Statement>> ReadView::StatementByInternalId(uint64_t id) const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kRecords,
                                              keys::RecordKey(keys::kStatementRecord, id)));
  if (!value) return std::optional<v1::Statement>();
  CG_ASSIGN_OR_RETURN(auto statement, ParseRecord<v1::Statement>(*value, "statement"));
  if (ids::ToMicros(statement.recorded_at()) > as_of_) return std::optional<v1::Statement>();
  return std::optional<v1::Statement>(std::move(statement));
}

absl::StatusOr<v1::Statement> ReadView::GetStatement(std::string_view id) const {
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kStatement, id));
  if (!internal) return NotFound("statement", id);
  CG_ASSIGN_OR_RETURN(auto statement, StatementByInternalId(*internal));
  if (!statement) return NotFound("statement", id);
  return *std::move(statement);
}

absl::StatusOr<std::vector<v1::LifecycleEvent>> ReadView::LifecycleEvents(keys::TargetKind kind,
                                                                          uint64_t target) const {
  if (kind == keys::TargetKind::kClaim) return ClaimEvents(target);
  return ScanLifecycleEvents(kind, target);
}

absl::StatusOr<std::vector<v1::LifecycleEvent>> ReadView::ClaimEvents(
    uint64_t claim, std::optional<bool> marked) const {
  if (!marked) {
    CG_ASSIGN_OR_RETURN(auto marker, store_->Get(snapshot(), Family::kRecords,
                                                 keys::RecordKey(keys::kClaimHasEvents, claim)));
    marked = marker.has_value();
  }
  // The marker is written in the batch of the claim's first event, so a snapshot without it
  // holds no event of the claim, at any as_of.
  if (!*marked) return std::vector<v1::LifecycleEvent>();
  return ScanLifecycleEvents(keys::TargetKind::kClaim, claim);
}

absl::StatusOr<std::vector<v1::LifecycleEvent>> ReadView::ScanLifecycleEvents(
    keys::TargetKind kind, uint64_t target) const {
  std::string prefix = keys::TargetRecordPrefix(keys::kEventRecord, kind, target);
  std::string upper = as_of_ == std::numeric_limits<uint64_t>::max()
                          ? keys::PrefixSuccessor(prefix)
                          : keys::RecordedBound(prefix, as_of_ + 1);
  std::vector<v1::LifecycleEvent> events;
  auto cursor = store_->NewCursor(snapshot(), Family::kRecords, prefix, upper);
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    CG_ASSIGN_OR_RETURN(auto event, ParseRecord<v1::LifecycleEvent>(cursor->value(), "event"));
    events.push_back(std::move(event));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  return events;
}

absl::StatusOr<std::vector<v1::Assessment>> ReadView::Assessments(keys::TargetKind kind,
                                                                  uint64_t target) const {
  std::string prefix = keys::TargetRecordPrefix(keys::kAssessmentRecord, kind, target);
  std::vector<v1::Assessment> assessments;
  auto cursor =
      store_->NewCursor(snapshot(), Family::kRecords, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodeTargetRecordKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt assessment key");
    if (key->recorded_at > as_of_) break;
    CG_ASSIGN_OR_RETURN(auto assessment,
                        ParseRecord<v1::Assessment>(cursor->value(), "assessment"));
    assessments.push_back(std::move(assessment));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  return assessments;
}

absl::StatusOr<std::vector<v1::Assessment>> ReadView::Assessments(const v1::Target& target) const {
  IdKind kind;
  keys::TargetKind target_kind;
  std::string_view id;
  switch (target.kind_case()) {
    case v1::Target::kStatementId:
      kind = IdKind::kStatement, target_kind = keys::TargetKind::kStatement;
      id = target.statement_id();
      break;
    case v1::Target::kClaimId:
      kind = IdKind::kClaim, target_kind = keys::TargetKind::kClaim;
      id = target.claim_id();
      break;
    case v1::Target::kSourceId:
      kind = IdKind::kSource, target_kind = keys::TargetKind::kSource;
      id = target.source_id();
      break;
    default:
      return absl::InvalidArgumentError(
          "target: one of statement_id, claim_id, source_id is required");
  }
  CG_RETURN_IF_ERROR(validation::CheckId("target", id, *limits_));
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(kind, id));
  if (!internal)
    return absl::NotFoundError(StrCat("target: ", validation::Quote(id), " not found"));
  return Assessments(target_kind, *internal);
}

absl::StatusOr<bool> ReadView::ClaimInactive(uint64_t claim) const {
  if (current_) {
    CG_ASSIGN_OR_RETURN(auto marker, store_->Get(snapshot(), Family::kRecords,
                                                 keys::RecordKey(keys::kClaimInactive, claim)));
    return marker.has_value();
  }
  CG_ASSIGN_OR_RETURN(auto events, LifecycleEvents(keys::TargetKind::kClaim, claim));
  for (const auto& event : events) {
    if (event.kind() == v1::LIFECYCLE_KIND_RETRACTION ||
        event.kind() == v1::LIFECYCLE_KIND_DEPRECATION) {
      return true;
    }
  }
  return false;
}

absl::Status ReadView::FillClaimState(uint64_t claim_id, v1::Claim* claim) const {
  CG_ASSIGN_OR_RETURN(auto events, LifecycleEvents(keys::TargetKind::kClaim, claim_id));
  v1::ClaimStatus status = v1::CLAIM_STATUS_ACTIVE;
  for (auto& event : events) {
    // Retraction outranks deprecation, which outranks correction.
    switch (event.kind()) {
      case v1::LIFECYCLE_KIND_RETRACTION:
        status = v1::CLAIM_STATUS_RETRACTED;
        break;
      case v1::LIFECYCLE_KIND_DEPRECATION:
        if (status != v1::CLAIM_STATUS_RETRACTED) status = v1::CLAIM_STATUS_DEPRECATED;
        break;
      case v1::LIFECYCLE_KIND_CORRECTION:
        if (status == v1::CLAIM_STATUS_ACTIVE) status = v1::CLAIM_STATUS_CORRECTED;
        break;
      default:
        break;
    }
    *claim->add_lifecycle() = std::move(event);
  }
  claim->set_status(status);
  CG_ASSIGN_OR_RETURN(auto statement_id, Resolve(IdKind::kStatement, claim->statement_id()));
  if (statement_id) {
    CG_ASSIGN_OR_RETURN(auto statement, StatementByInternalId(*statement_id));
    if (statement) *claim->mutable_statement() = std::move(*statement);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Claim>> ReadView::ClaimByInternalId(uint64_t id) const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kRecords,
                                              keys::RecordKey(keys::kClaimRecord, id)));
  if (!value) return std::optional<v1::Claim>();
  CG_ASSIGN_OR_RETURN(auto claim, ParseRecord<v1::Claim>(*value, "claim"));
  if (ids::ToMicros(claim.recorded_at()) > as_of_) return std::optional<v1::Claim>();
  CG_RETURN_IF_ERROR(FillClaimState(id, &claim));
  return std::optional<v1::Claim>(std::move(claim));
}

absl::StatusOr<std::optional<v1::Claim>> ReadView::StoredClaim(uint64_t id) const {
  CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kRecords,
                                              keys::RecordKey(keys::kClaimRecord, id)));
  if (!value) return std::optional<v1::Claim>();
  CG_ASSIGN_OR_RETURN(auto claim, ParseRecord<v1::Claim>(*value, "claim"));
  return std::optional<v1::Claim>(std::move(claim));
}

std::vector<absl::StatusOr<std::optional<std::string>>> ReadView::MultiGetStored(
    const std::vector<StoredRef>& refs) const {
  std::vector<std::string> record_keys;
  record_keys.reserve(refs.size());
  for (const auto& ref : refs) {
    char prefix = keys::kClaimRecord;
    switch (ref.kind) {
      case StoredKind::kClaim:
        prefix = keys::kClaimRecord;
        break;
      case StoredKind::kClaimEventsMarker:
        prefix = keys::kClaimHasEvents;
        break;
      case StoredKind::kCurrentSource:
        prefix = keys::kCurrentSource;
        break;
      case StoredKind::kCurrentEntity:
        prefix = keys::kCurrentEntity;
        break;
    }
    record_keys.push_back(keys::RecordKey(prefix, ref.id));
  }
  return store_->MultiGet(snapshot(), Family::kRecords, record_keys);
}

absl::StatusOr<v1::Claim> ReadView::GetClaim(std::string_view id) const {
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kClaim, id));
  if (!internal) return NotFound("claim", id);
  CG_ASSIGN_OR_RETURN(auto claim, ClaimByInternalId(*internal));
  if (!claim) return NotFound("claim", id);
  return *std::move(claim);
}

absl::Status ReadView::ScanPostings(std::string_view prefix, uint64_t from, uint64_t to,
                                    const IdVisitor& visit) const {
  std::string lower = keys::RecordedBound(prefix, from);
  uint64_t end = std::min(to, RecordedEnd());
  std::string upper = keys::RecordedBound(prefix, end);
  auto cursor = store_->NewCursor(snapshot(), Family::kIndexes, lower, upper);
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodePostingKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt posting key");
    if (!visit(key->claim)) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachClaimOfStatement(uint64_t statement, const IdVisitor& visit) const {
  return ScanPostings(keys::PostingPrefix(keys::kClaimsByStatement, statement), 0,
                      std::numeric_limits<uint64_t>::max(), visit);
}

absl::Status ReadView::ForEachClaimOfStatement(std::string_view statement_id,
                                               const IdVisitor& visit) const {
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kStatement, statement_id));
  if (!internal) return NotFound("statement", statement_id);
  return ForEachClaimOfStatement(*internal, visit);
}

absl::Status ReadView::ForEachClaimByClaimant(uint64_t entity, const IdVisitor& visit) const {
  return ScanPostings(keys::PostingPrefix(keys::kClaimsByClaimant, entity), 0,
                      std::numeric_limits<uint64_t>::max(), visit);
}

absl::Status ReadView::ForEachPosting(char index, uint64_t owner,
                                      const std::optional<Posting>& after,
                                      const PostingVisitor& visit) const {
  std::string prefix = keys::PostingPrefix(index, owner);
  std::string lower = after ? keys::RecordedBound(prefix, after->first, after->second)
                            : keys::RecordedBound(prefix, 0);
  std::string upper = keys::RecordedBound(prefix, RecordedEnd());
  auto cursor = store_->NewCursor(snapshot(), Family::kIndexes, lower, upper);
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto parts = keys::DecodePostingKey(cursor->key());
    if (!parts) return absl::DataLossError("corrupt posting key");
    const Posting posting{parts->recorded_at, parts->claim};
    if (after && posting <= *after) continue;
    if (!visit(posting)) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachDerivationLink(uint64_t source, const IdVisitor& visit) const {
  const std::string prefix = keys::PostingPrefix(keys::kDerivedFrom, source);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kIndexes, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodePairKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt derivation index key");
    if (!visit(key->second)) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachRelayOf(uint64_t claim, const IdVisitor& visit) const {
  std::string prefix = keys::PostingPrefix(keys::kRelaysOf, claim);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kIndexes, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodePairKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt relay index key");
    const uint64_t relaying = key->second;
    // The relaying claim must itself be visible at as_of.
    CG_ASSIGN_OR_RETURN(auto value, store_->Get(snapshot(), Family::kRecords,
                                                keys::RecordKey(keys::kClaimRecord, relaying)));
    if (!value) continue;
    CG_ASSIGN_OR_RETURN(auto claim, ParseRecord<v1::Claim>(*value, "claim"));
    if (ids::ToMicros(claim.recorded_at()) > as_of_) continue;
    if (claim.relays_claim_id().empty()) {
      // The link is a RELAYS event: visible from when it was recorded.
      CG_ASSIGN_OR_RETURN(auto events, ClaimEvents(relaying));
      bool linked = std::any_of(events.begin(), events.end(), [](const v1::LifecycleEvent& event) {
        return event.kind() == v1::LIFECYCLE_KIND_RELAYS;
      });
      if (!linked) continue;
    }
    if (!visit(relaying)) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachDerivedSource(
    uint64_t source, const std::function<bool(uint64_t, v1::DerivationType)>& visit) const {
  std::string prefix = keys::PostingPrefix(keys::kDerivedFrom, source);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kIndexes, prefix, keys::PrefixSuccessor(prefix));
  CG_ASSIGN_OR_RETURN(auto earlier_id, ExternalId(IdKind::kSource, source));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodePairKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt derivation index key");
    const uint64_t later = key->second;
    // The index is append-only: confirm the later source, as of now, still has the link.
    CG_ASSIGN_OR_RETURN(auto record, SourceByInternalId(later));
    if (!record) continue;
    for (const auto& link : record->derived_from()) {
      if (link.source_id() == earlier_id) {
        if (!visit(later, link.type())) return cursor->status();
        break;
      }
    }
  }
  return cursor->status();
}

absl::StatusOr<storage::EdgeAggregate> ReadView::AggregateAsOf(uint64_t statement) const {
  storage::EdgeAggregate aggregate;
  absl::Status failure;
  CG_RETURN_IF_ERROR(ForEachClaimOfStatement(statement, [&](uint64_t claim_id) {
    auto value =
        store_->Get(snapshot(), Family::kRecords, keys::RecordKey(keys::kClaimRecord, claim_id));
    if (!value.ok() || !value->has_value()) {
      failure = value.ok() ? absl::DataLossError("claim index points at a missing claim")
                           : value.status();
      return false;
    }
    auto claim = ParseRecord<v1::Claim>(**value, "claim");
    if (!claim.ok()) {
      failure = claim.status();
      return false;
    }
    uint64_t recorded = ids::ToMicros(claim->recorded_at());
    aggregate.first_recorded_at = std::min(aggregate.first_recorded_at, recorded);
    aggregate.last_recorded_at = std::max(aggregate.last_recorded_at, recorded);
    auto inactive = ClaimInactive(claim_id);
    if (!inactive.ok()) {
      failure = inactive.status();
      return false;
    }
    // Like the stored aggregate (a merged maximum cannot go down), best_confidence counts every
    // supporting claim recorded by as_of, retracted or not: current and past views must agree.
    if (claim->stance() == v1::STANCE_SUPPORTS) {
      aggregate.best_confidence =
          std::max(aggregate.best_confidence, claim->has_confidence() ? claim->confidence() : 1.0);
    }
    if (*inactive) return true;
    aggregate.claims += 1;
    if (claim->stance() == v1::STANCE_SUPPORTS) {
      aggregate.supporting += 1;
    } else if (claim->stance() == v1::STANCE_REFUTES) {
      aggregate.refuting += 1;
    }
    return true;
  }));
  CG_RETURN_IF_ERROR(failure);
  return aggregate;
}

absl::Status ReadView::ForEachEdge(char direction, uint64_t node, std::optional<uint32_t> predicate,
                                   const EdgeVisitor& visit) const {
  return ForEachEdge(direction, node, EdgeScan{predicate, std::nullopt, false}, visit);
}

absl::Status ReadView::ForEachEdge(char direction, uint64_t node, const EdgeScan& scan,
                                   const EdgeVisitor& visit) const {
  std::string prefix = scan.predicate ? keys::EdgePrefix(direction, node, *scan.predicate)
                                      : keys::EdgePrefix(direction, node);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
  if (scan.after) {
    // Seek to the first key after `after`: the key itself, then step over it when present.
    auto [after_predicate, after_other, after_statement] = *scan.after;
    std::string resume =
        keys::EdgeKey{direction, node, after_predicate, after_other, after_statement}.Encode();
    cursor->Seek(resume);
    if (cursor->Valid() && cursor->key() == resume) cursor->Next();
  } else {
    cursor->SeekToFirst();
  }
  for (; cursor->Valid(); cursor->Next()) {
    auto edge = keys::EdgeKey::Decode(cursor->key());
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!edge || !aggregate) return absl::DataLossError("corrupt edge");
    if (scan.entity_objects_only && edge->other == 0) continue;
    if (!current_) {
      // first_recorded_at never moves later, so an edge first recorded after as_of is absent.
      if (aggregate->first_recorded_at > as_of_) continue;
      CG_ASSIGN_OR_RETURN(aggregate, AggregateAsOf(edge->statement));
      if (aggregate->first_recorded_at > as_of_) continue;
    }
    if (!visit(*edge, *aggregate)) break;
  }
  return cursor->status();
}

absl::Status ReadView::ForEachStoredEdge(char direction, const EdgeVisitor& visit) const {
  const std::string prefix(1, direction);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto edge = keys::EdgeKey::Decode(cursor->key());
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!edge || !aggregate) return absl::DataLossError("corrupt edge");
    if (!visit(*edge, *aggregate)) break;
  }
  return cursor->status();
}

absl::StatusOr<Page<v1::Claim>> ReadView::ListClaims(const ClaimQuery& query, int32_t page_size,
                                                     std::string_view page_token) const {
  CG_RETURN_IF_ERROR(validation::CheckPageSize(page_size, *limits_));
  const int32_t wanted = EffectivePageSize(page_size, *limits_);
  if (query.recorded_to != 0 && query.recorded_to < query.recorded_from) {
    return absl::InvalidArgumentError("recorded_to: is before recorded_from");
  }
  // Resolve the filters; the most selective one picks the index to scan.
  struct Filter {
    const std::string* id;
    const char* field;
    IdKind kind;
    char index;
    std::optional<uint64_t> internal;
  };
  Filter filters[] = {
      {&query.statement_id, "statement_id", IdKind::kStatement, keys::kClaimsByStatement, {}},
      {&query.claimant_id, "claimant_id", IdKind::kEntity, keys::kClaimsByClaimant, {}},
      {&query.on_behalf_of_id, "on_behalf_of_id", IdKind::kEntity, keys::kClaimsByPrincipal, {}},
      {&query.source_id, "source_id", IdKind::kSource, keys::kClaimsBySource, {}},
      {&query.subject_id, "subject_id", IdKind::kEntity, keys::kClaimsBySubject, {}},
  };
  const Filter* driver = nullptr;
  for (auto& filter : filters) {
    if (filter.id->empty()) continue;
    CG_RETURN_IF_ERROR(validation::CheckId(filter.field, *filter.id, *limits_));
    CG_ASSIGN_OR_RETURN(filter.internal, Resolve(filter.kind, *filter.id));
    if (!filter.internal) {
      return absl::NotFoundError(
          StrCat(filter.field, ": ", validation::Quote(*filter.id), " not found"));
    }
    if (driver == nullptr) driver = &filter;
  }
  std::string fingerprint_text =
      StrCat("claims|", query.statement_id, "|", query.claimant_id, "|", query.on_behalf_of_id, "|",
             query.source_id, "|", query.subject_id, "|", query.stance, "|", query.recorded_from,
             "|", query.recorded_to, "|", query.include_inactive);
  uint64_t fingerprint = paging::Fingerprint(fingerprint_text);
  CG_ASSIGN_OR_RETURN(std::string resume, paging::DecodePageToken(page_token, fingerprint));

  uint64_t to = query.recorded_to == 0 ? std::numeric_limits<uint64_t>::max() : query.recorded_to;
  to = std::min(to, RecordedEnd());
  std::string prefix = driver ? keys::PostingPrefix(driver->index, *driver->internal)
                              : keys::TimePostingPrefix();
  std::string lower = keys::RecordedBound(prefix, query.recorded_from);
  std::string upper = keys::RecordedBound(prefix, to);
  if (!resume.empty()) {
    if (resume.compare(0, prefix.size(), prefix) != 0 || resume < lower) {
      return absl::InvalidArgumentError("page_token: does not fit the query");
    }
    lower = resume;
  }

  Page<v1::Claim> page;
  auto cursor = store_->NewCursor(snapshot(), Family::kIndexes, lower, upper);
  size_t examined = 0;
  std::string last_key;
  cursor->SeekToFirst();
  for (; cursor->Valid(); cursor->Next()) {
    if (static_cast<int32_t>(page.items.size()) >= wanted ||
        examined >= limits_->max_scan_per_page) {
      break;
    }
    ++examined;
    last_key.assign(cursor->key());
    std::optional<uint64_t> claim_id;
    if (driver != nullptr) {
      if (auto key = keys::DecodePostingKey(cursor->key())) claim_id = key->claim;
    } else if (auto key = keys::DecodeTimePostingKey(cursor->key())) {
      claim_id = key->claim;
    }
    if (!claim_id) return absl::DataLossError("corrupt posting key");
    CG_ASSIGN_OR_RETURN(auto claim, ClaimByInternalId(*claim_id));
    if (!claim) continue;
    bool keep = true;
    for (const auto& filter : filters) {
      if (&filter == driver || filter.id->empty()) continue;
      if (filter.kind == IdKind::kStatement) keep &= claim->statement_id() == *filter.id;
      if (filter.index == keys::kClaimsByClaimant)
        keep &= claim->claimant().entity_id() == *filter.id;
      if (filter.index == keys::kClaimsByPrincipal) keep &= claim->on_behalf_of_id() == *filter.id;
      if (filter.index == keys::kClaimsBySource) keep &= claim->source_id() == *filter.id;
      if (filter.index == keys::kClaimsBySubject)
        keep &= claim->statement().subject_id() == *filter.id;
    }
    if (query.stance != v1::STANCE_UNSPECIFIED) keep &= claim->stance() == query.stance;
    if (!query.include_inactive) {
      keep &= claim->status() != v1::CLAIM_STATUS_RETRACTED &&
              claim->status() != v1::CLAIM_STATUS_DEPRECATED;
    }
    if (keep) page.items.push_back(*std::move(claim));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  if (cursor->Valid()) {
    // Resume just after the last key examined.
    page.next_page_token = paging::EncodePageToken(fingerprint, last_key + std::string(1, '\0'));
  }
  return page;
}

absl::StatusOr<Page<v1::Entity>> ReadView::ListEntities(const EntityQuery& query, int32_t page_size,
                                                        std::string_view page_token) const {
  CG_RETURN_IF_ERROR(validation::CheckPageSize(page_size, *limits_));
  const int32_t wanted = EffectivePageSize(page_size, *limits_);
  if (!query.type.empty() && !schema_->HasEntityType(query.type)) {
    return absl::InvalidArgumentError(
        StrCat("type: unknown entity type ", validation::Quote(query.type)));
  }
  std::string normalized_prefix = text::NormalizeName(query.name_prefix);
  uint64_t fingerprint =
      paging::Fingerprint(StrCat("entities|", query.type, "|", normalized_prefix));
  CG_ASSIGN_OR_RETURN(std::string resume, paging::DecodePageToken(page_token, fingerprint));

  // The key ranges to walk, in key order: by name, by type (each subtype), or by id.
  std::vector<std::pair<std::string, std::string>> ranges;
  Family family = Family::kIndexes;
  if (!normalized_prefix.empty()) {
    std::string lower = keys::NamePostingPrefix(normalized_prefix);
    ranges.emplace_back(lower, keys::PrefixSuccessor(lower));
  } else if (!query.type.empty()) {
    std::vector<std::string> types;
    for (const auto& type : schema_->schema().entity_types()) {
      if (schema_->IsA(type.name(), query.type)) types.push_back(type.name());
    }
    std::sort(types.begin(), types.end());
    for (const auto& type : types) {
      std::string lower = keys::TypePostingPrefix(type);
      ranges.emplace_back(lower, keys::PrefixSuccessor(lower));
    }
  } else {
    family = Family::kDictionary;
    std::string lower = keys::DictionaryPrefix(IdKind::kEntity);
    ranges.emplace_back(lower, keys::PrefixSuccessor(lower));
  }

  Page<v1::Entity> page;
  size_t examined = 0;
  std::string last_key;
  bool more = false;
  for (const auto& [range_lower, range_upper] : ranges) {
    if (!resume.empty() && resume >= range_upper) continue;
    std::string lower = std::max(range_lower, resume);
    auto cursor = store_->NewCursor(snapshot(), family, lower, range_upper);
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      if (static_cast<int32_t>(page.items.size()) >= wanted ||
          examined >= limits_->max_scan_per_page) {
        more = true;
        break;
      }
      ++examined;
      last_key.assign(cursor->key());
      // By id: the dictionary's value; else the name or type index entry (name, entity).
      std::optional<keys::NamedPostingKeyParts> entry;
      uint64_t entity_id = 0;
      if (family == Family::kDictionary) {
        entity_id = keys::DecodeU64(cursor->value());
      } else {
        entry = keys::DecodeNamedPostingKey(cursor->key());
        if (!entry) return absl::DataLossError("corrupt entity index key");
        entity_id = entry->entity;
      }
      CG_ASSIGN_OR_RETURN(auto entity, EntityByInternalId(entity_id));
      if (!entity) continue;
      if (!query.type.empty() && !schema_->IsA(entity->type(), query.type)) continue;
      if (family == Family::kIndexes && !normalized_prefix.empty()) {
        // Report each entity once: at the first (smallest) of its terms that matches.
        std::string_view term = entry->name;
        std::string first;
        std::vector<std::string> names(entity->aliases().begin(), entity->aliases().end());
        names.push_back(entity->name());
        for (const auto& name : names) {
          for (auto& candidate : text::NameIndexTerms(name)) {
            if (candidate.compare(0, normalized_prefix.size(), normalized_prefix) == 0 &&
                (first.empty() || candidate < first)) {
              first = candidate;
            }
          }
        }
        if (first != term) continue;
      } else if (family == Family::kIndexes) {
        if (entity->type() != entry->name) continue;  // stale entry of an older version
      }
      page.items.push_back(*std::move(entity));
    }
    CG_RETURN_IF_ERROR(cursor->status());
    if (more) break;
  }
  if (more)
    page.next_page_token = paging::EncodePageToken(fingerprint, last_key + std::string(1, '\0'));
  return page;
}

absl::StatusOr<std::vector<v1::Entity>> ReadView::SearchEntities(std::string_view query,
                                                                 size_t limit) const {
  std::vector<v1::Entity> results;
  std::set<std::string> seen;
  if (limit == 0) return results;
  // An exact id match comes first.
  auto exact = GetEntity(query);
  if (exact.ok()) {
    seen.insert(exact->id());
    results.push_back(*std::move(exact));
  } else if (!absl::IsNotFound(exact.status()) && !absl::IsInvalidArgument(exact.status())) {
    return exact.status();
  }
  std::string normalized = text::NormalizeName(query);
  if (normalized.empty()) return results;
  std::string lower = keys::NamePostingPrefix(normalized);
  auto cursor =
      store_->NewCursor(snapshot(), Family::kIndexes, lower, keys::PrefixSuccessor(lower));
  size_t examined = 0;
  for (cursor->SeekToFirst(); cursor->Valid() && results.size() < limit; cursor->Next()) {
    if (++examined > limits_->max_scan_per_page) break;
    auto key = keys::DecodeNamedPostingKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt entity index key");
    CG_ASSIGN_OR_RETURN(auto entity, EntityByInternalId(key->entity));
    if (!entity || seen.count(entity->id())) continue;
    // Confirm the match against the names the entity has at as_of (the index is append-only).
    bool matches = false;
    std::vector<std::string> names(entity->aliases().begin(), entity->aliases().end());
    names.push_back(entity->name());
    for (const auto& name : names) {
      for (const auto& term : text::NameIndexTerms(name)) {
        matches |= term.compare(0, normalized.size(), normalized) == 0;
      }
    }
    if (!matches) continue;
    seen.insert(entity->id());
    results.push_back(*std::move(entity));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  return results;
}

absl::StatusOr<Page<v1::Source>> ReadView::ListSources(std::string_view publisher_id,
                                                       int32_t page_size,
                                                       std::string_view page_token) const {
  CG_RETURN_IF_ERROR(validation::CheckPageSize(page_size, *limits_));
  const int32_t wanted = EffectivePageSize(page_size, *limits_);
  uint64_t fingerprint = paging::Fingerprint(StrCat("sources|", publisher_id));
  CG_ASSIGN_OR_RETURN(std::string resume, paging::DecodePageToken(page_token, fingerprint));
  Family family = Family::kDictionary;
  std::string lower(1, static_cast<char>(IdKind::kSource));
  if (!publisher_id.empty()) {
    CG_RETURN_IF_ERROR(validation::CheckId("publisher_id", publisher_id, *limits_));
    CG_ASSIGN_OR_RETURN(auto publisher, Resolve(IdKind::kEntity, publisher_id));
    if (!publisher) {
      return absl::NotFoundError(
          StrCat("publisher_id: ", validation::Quote(publisher_id), " not found"));
    }
    family = Family::kIndexes;
    lower = keys::PostingPrefix(keys::kSourcesByPublisher, *publisher);
  }
  std::string upper = keys::PrefixSuccessor(lower);
  if (!resume.empty()) {
    if (resume < lower || resume >= upper)
      return absl::InvalidArgumentError("page_token: does not fit the query");
    lower = resume;
  }
  Page<v1::Source> page;
  auto cursor = store_->NewCursor(snapshot(), family, lower, upper);
  std::string last_key;
  size_t examined = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    if (static_cast<int32_t>(page.items.size()) >= wanted || examined >= limits_->max_scan_per_page)
      break;
    ++examined;
    last_key.assign(cursor->key());
    uint64_t source_id = 0;
    if (family == Family::kDictionary) {
      source_id = keys::DecodeU64(cursor->value());
    } else {
      auto key = keys::DecodePairKey(cursor->key());
      if (!key) return absl::DataLossError("corrupt publisher index key");
      source_id = key->second;
    }
    CG_ASSIGN_OR_RETURN(auto source, SourceByInternalId(source_id));
    if (!source) continue;
    if (!publisher_id.empty() && source->publisher_id() != publisher_id) continue;
    page.items.push_back(*std::move(source));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  if (cursor->Valid())
    page.next_page_token = paging::EncodePageToken(fingerprint, last_key + std::string(1, '\0'));
  return page;
}

}  // namespace claimgraph
