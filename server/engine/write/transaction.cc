// Staging of each record kind into a Transaction's batch, and its commit.
#include "engine/write/transaction.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <numeric>

#include "engine/estimative.h"
#include "engine/field_mask.h"
#include "engine/ids.h"
#include "engine/text.h"

namespace claimgraph {
namespace {

using google::protobuf::util::MessageDifferencer;
using keys::IdKind;
using storage::Family;

template <typename T>
bool SameContent(T a, T b) {
  a.clear_recorded_at();
  a.clear_recorded_by();
  b.clear_recorded_at();
  b.clear_recorded_by();
  return MessageDifferencer::Equals(a, b);
}

}  // namespace

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
    return absl::InvalidArgumentError(
        StrCat(field, ".subject_id: entity ", validation::Quote(statement.subject_id()),
               " of type ", validation::Quote(subject_type), " is outside the domain of ",
               validation::Quote(predicate->name()), ""));
  }
  const auto& object = statement.object();
  std::string_view literal_kind;
  switch (object.kind_case()) {
    case v1::Value::kEntityId: {
      CG_ASSIGN_OR_RETURN(uint64_t entity,
                          RequireEntityId(StrCat(field, ".object.entity_id"), object.entity_id()));
      CG_ASSIGN_OR_RETURN(std::string object_type, EntityType(entity));
      if (!schema.RangeAllows(*predicate, object_type, false)) {
        return absl::InvalidArgumentError(
            StrCat(field, ".object.entity_id: entity ", validation::Quote(object.entity_id()),
                   " of type '", object_type, "' is outside the range of ",
                   validation::Quote(predicate->name()), ""));
      }
      break;
    }
    case v1::Value::kStringValue:
      literal_kind = "string";
      break;
    case v1::Value::kIntegerValue:
      literal_kind = "integer";
      break;
    case v1::Value::kDoubleValue:
      literal_kind = "double";
      break;
    case v1::Value::kBoolValue:
      literal_kind = "bool";
      break;
    case v1::Value::kTimestampValue:
      literal_kind = "timestamp";
      break;
    case v1::Value::kQuantityValue:
      literal_kind = "quantity";
      break;
    default:
      break;  // some value / no value fit any range
  }
  if (!literal_kind.empty() && !schema.RangeAllows(*predicate, literal_kind, true)) {
    return absl::InvalidArgumentError(StrCat(field, ".object: a ", literal_kind,
                                             " is outside the range of ",
                                             validation::Quote(predicate->name())));
  }
  for (int i = 0; i < statement.qualifiers_size(); ++i) {
    const auto& value = statement.qualifiers(i).value();
    if (value.kind_case() == v1::Value::kEntityId) {
      CG_RETURN_IF_ERROR(
          RequireEntityId(StrCat(field, ".qualifiers[", i, "].value.entity_id"), value.entity_id())
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
    batch_.Put(Family::kIndexes, keys::NamedPostingKey(keys::kEntitiesByType, entity.type(), id),
               "");
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
    return absl::InvalidArgumentError(
        StrCat("entity.type: unknown entity type ", validation::Quote(input.type())));
  }
  v1::Entity entity = input;
  entity.set_recorded_by(context_.principal);
  *entity.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kEntity, entity.id()));
  if (internal) {
    CG_ASSIGN_OR_RETURN(
        auto existing,
        Record<v1::Entity>(keys::RecordKey(keys::kCurrentEntity, *internal), "entity"));
    if (!existing) return absl::DataLossError("entity without a record");
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(
          StrCat("entity.id: entity ", validation::Quote(entity.id()), " already exists"));
    }
    if (SameContent(*existing, entity))
      return Written<v1::Entity>{*existing, WriteOutcome::kUnchanged};
    if (on_existing == OnExisting::kKeepIfIdentical) {
      return absl::AlreadyExistsError(StrCat("entity.id: entity ", validation::Quote(entity.id()),
                                             " already exists with different content"));
    }
    if (existing->type() != entity.type()) {
      return absl::FailedPreconditionError(StrCat(
          "entity.type: cannot change the type of ", validation::Quote(entity.id()), " from ",
          validation::Quote(existing->type()), " to ", validation::Quote(entity.type())));
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
  if (SameContent(existing.second, entity))
    return Written<v1::Entity>{existing.second, WriteOutcome::kUnchanged};
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
    auto cursor =
        db_->store->NewCursor(nullptr, Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
    std::optional<uint32_t> checked;  // edges are in predicate order: one check per predicate
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      auto edge = keys::EdgeKey::Decode(cursor->key());
      if (!edge) return absl::DataLossError("undecodable edge key");
      if (checked == edge->predicate) continue;
      checked = edge->predicate;
      CG_ASSIGN_OR_RETURN(auto name,
                          Get(Family::kDictionary,
                              keys::ReverseDictionaryKey(IdKind::kPredicate, edge->predicate)));
      const auto* predicate = name ? schema.FindPredicate(*name) : nullptr;
      if (predicate == nullptr) return absl::DataLossError("edge of an unknown predicate");
      const bool subject = direction == keys::kOutEdge;
      if (subject ? !schema.DomainAllows(*predicate, type)
                  : !schema.RangeAllows(*predicate, type, false)) {
        return absl::InvalidArgumentError(StrCat("entity.type: ", validation::Quote(type),
                                                 " is outside the ", subject ? "domain" : "range",
                                                 " of '", predicate->name(),
                                                 "', which stored statements with the entity as ",
                                                 subject ? "subject" : "object", " use"));
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
    CG_ASSIGN_OR_RETURN(
        auto existing,
        Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *internal), "source"));
    if (!existing) return absl::DataLossError("source without a record");
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(
          StrCat("source.id: source ", validation::Quote(source.id()), " already exists"));
    }
    if (SameContent(*existing, source))
      return Written<v1::Source>{*existing, WriteOutcome::kUnchanged};
    if (on_existing == OnExisting::kKeepIfIdentical) {
      return absl::AlreadyExistsError(StrCat("source.id: source ", validation::Quote(source.id()),
                                             " already exists with different content"));
    }
    id = *internal;
    outcome = WriteOutcome::kUpdated;
    reliability_changed = existing->reliability() != source.reliability();
    derivations_changed = existing->derived_from_size() != source.derived_from_size();
    for (int i = 0; !derivations_changed && i < source.derived_from_size(); ++i) {
      derivations_changed =
          existing->derived_from(i).source_id() != source.derived_from(i).source_id() ||
          existing->derived_from(i).type() != source.derived_from(i).type();
    }
  } else {
    id = Allocate(IdKind::kSource, source.id());
  }
  WriteSourceVersion(id, source);
  // FactsOf asks for the links in link order: they were resolved above (0: the source itself).
  size_t next_link = 0;
  CG_ASSIGN_OR_RETURN(auto facts,
                      sources::FactsOf(source, [&](std::string_view) -> absl::StatusOr<uint64_t> {
                        uint64_t earlier_id = earlier[next_link++];
                        return earlier_id != 0 ? earlier_id : id;
                      }));
  sources::SourceGraph::Version version{id, std::move(facts)};
  touched_sources.push_back(std::move(version));
  if (publisher)
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kSourcesByPublisher, *publisher, id), "");
  for (size_t i = 0; i < earlier.size(); ++i) {
    batch_.Put(Family::kIndexes,
               keys::PairKey(keys::kDerivedFrom, earlier[i] != 0 ? earlier[i] : id, id),
               std::string(1, static_cast<char>(source.derived_from(static_cast<int>(i)).type())));
  }
  // A grade feeds the discount of every claim found in the source; derivations feed the origin
  // sets of claims in the sources that derive from it (docs/provenance.md 3.5). An offline load,
  // deferring its scoring, cannot scan its staging store: it leaves a marker for the scorer.
  if (reliability_changed || derivations_changed) {
    if (db_->options.defer_scoring) {
      batch_.Put(Family::kMeta, keys::SourceRescoreKey(id, derivations_changed), "");
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
  batch_.MergeAggregate(
      Family::kEdges,
      keys::EdgeKey{keys::kOutEdge, subject, predicate_id, object, statement_id}.Encode(), operand);
  if (object != 0) {
    batch_.MergeAggregate(
        Family::kEdges,
        keys::EdgeKey{keys::kInEdge, object, predicate_id, subject, statement_id}.Encode(),
        operand);
  }
  touched_edges.push_back(
      keys::EdgeKey{keys::kOutEdge, subject, predicate_id, object, statement_id});
  MarkForRescore(statement_id);
}

absl::Status Transaction::MarkScorePending(uint64_t statement_id) {
  if (touched_statements.count(statement_id) != 0) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(
      auto statement,
      Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord, statement_id), "statement"));
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
      CG_ASSIGN_OR_RETURN(
          auto claim, Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *earlier), "claim"));
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
  if (claim.certainty() == v1::CERTAINTY_UNSPECIFIED)
    claim.set_certainty(v1::CERTAINTY_UNDERSPECIFIED);
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
      return absl::InvalidArgumentError(
          StrCat("claim.statement_id: does not match the inline statement, whose id is ",
                 validation::Quote(derived)));
    }
    statement.set_id(derived);
    // Checked as given (not canonical), so a qualifier index in an error is the client's index.
    CG_RETURN_IF_ERROR(CheckStatementAgainstSchema(claim.statement(), "claim.statement"));
    CG_ASSIGN_OR_RETURN(statement_internal, Resolve(IdKind::kStatement, derived));
  } else {
    CG_ASSIGN_OR_RETURN(statement_internal, Resolve(IdKind::kStatement, claim.statement_id()));
    if (!statement_internal) {
      return absl::NotFoundError(StrCat("claim.statement_id: statement ",
                                        validation::Quote(claim.statement_id()), " not found"));
    }
  }
  if (statement_internal) {
    CG_ASSIGN_OR_RETURN(auto stored, Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord,
                                                                           *statement_internal),
                                                           "statement"));
    if (!stored) return absl::DataLossError("statement without a record");
    statement = *std::move(stored);
  }
  claim.set_statement_id(statement.id());
  claim.clear_statement();

  std::optional<uint64_t> claimant, principal;
  if (claim.claimant().kind_case() == v1::Agent::kEntityId) {
    CG_ASSIGN_OR_RETURN(claimant,
                        RequireEntityId("claim.claimant.entity_id", claim.claimant().entity_id()));
  }
  if (!claim.on_behalf_of_id().empty()) {
    CG_ASSIGN_OR_RETURN(principal,
                        RequireEntityId("claim.on_behalf_of_id", claim.on_behalf_of_id()));
  }
  if (!claim.basis().source_id().empty()) {
    CG_RETURN_IF_ERROR(
        RequireSourceId("claim.basis.source_id", claim.basis().source_id()).status());
  }
  if (!claim.basis().entity_id().empty()) {
    CG_RETURN_IF_ERROR(
        RequireEntityId("claim.basis.entity_id", claim.basis().entity_id()).status());
  }
  std::optional<uint64_t> source;
  if (!claim.source_id().empty()) {
    CG_ASSIGN_OR_RETURN(source, RequireSourceId("claim.source_id", claim.source_id()));
    // Only a quote needs the source's record (its text).
    std::optional<v1::Source> record;
    if (claim.has_quote()) {
      CG_ASSIGN_OR_RETURN(
          record, Record<v1::Source>(keys::RecordKey(keys::kCurrentSource, *source), "source"));
      if (!record) return absl::DataLossError("source without a record");
    }
    const std::string document = record ? record->text() : std::string();
    if (claim.has_quote() && !document.empty()) {
      auto at = text::CodePointSubstr(document, claim.quote().start(), claim.quote().end());
      if (!at) {
        return absl::InvalidArgumentError(StrCat("claim.quote.end: offset ", claim.quote().end(),
                                                 " is past the end of source ",
                                                 validation::Quote(claim.source_id())));
      }
      if (*at != claim.quote().text()) {
        return absl::InvalidArgumentError(
            StrCat("claim.quote: the text at [", claim.quote().start(), ", ", claim.quote().end(),
                   ") of source ", validation::Quote(claim.source_id()), " is '",
                   std::string(at->substr(0, 80)), "', not the quote"));
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
      CG_RETURN_IF_ERROR(CheckRelay("claim.relays_claim_id", claim.relays_claim_id(), found->second,
                                    claim.statement_id()));
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
    CG_ASSIGN_OR_RETURN(
        auto existing,
        Record<v1::Claim>(keys::RecordKey(keys::kClaimRecord, *existing_id), "claim"));
    if (!existing) return absl::DataLossError("claim without a record");
    if (on_existing != OnExisting::kFail && SameContent(*existing, claim)) {
      return Written<v1::Claim>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(
        StrCat("claim.id: claim ", validation::Quote(claim.id()), " already exists",
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
  Put(Family::kRecords, keys::RecordKey(keys::kClaimRecord, claim_internal),
      claim.SerializeAsString());
  if (!request_id.empty()) {
    batch_.Put(Family::kDictionary, keys::DictionaryKey(IdKind::kRequest, request_id),
               EncodeU64(claim_internal));
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
  if (relayed)
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kRelaysOf, *relayed, claim_internal), "");
  if (relays_later_claim) {
    later_relays_.push_back(
        {claim.id(), claim.relays_claim_id(), claim.statement_id(), claim_internal});
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
      CG_ASSIGN_OR_RETURN(uint64_t found,
                          RequireSourceId(StrCat(field, ".source_id"), target.source_id()));
      return std::make_pair(found, keys::TargetKind::kSource);
    }
    case v1::Target::kStatementId: {
      CG_ASSIGN_OR_RETURN(auto internal, Resolve(IdKind::kStatement, target.statement_id()));
      if (!internal) {
        return absl::NotFoundError(StrCat(field, ".statement_id: statement ",
                                          validation::Quote(target.statement_id()), " not found"));
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
    CG_ASSIGN_OR_RETURN(auto found,
                        RequireClaim("lifecycle_event.target.claim_id", input.target().claim_id()));
    claim = std::move(found.second);
  }
  // Who may do what: a retraction is the claimant's own act, a correction the publisher's.
  if (input.kind() == v1::LIFECYCLE_KIND_RETRACTION) {
    if (!claim) {
      return absl::InvalidArgumentError("lifecycle_event.target: a retraction targets a claim");
    }
    if (input.actor_id() != claim->claimant().entity_id() &&
        input.actor_id() != claim->on_behalf_of_id()) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.actor_id: ", validation::Quote(input.actor_id()),
          " is neither the claimant nor whom it spoke for; only they can retract the claim"));
    }
  } else if (input.kind() == v1::LIFECYCLE_KIND_CORRECTION) {
    std::string source_id =
        claim ? claim->source_id()
              : (target.second == keys::TargetKind::kSource ? input.target().source_id() : "");
    if (source_id.empty()) {
      return absl::InvalidArgumentError(
          "lifecycle_event.target: a correction targets a source or a claim found in a source");
    }
    CG_ASSIGN_OR_RETURN(auto source, RequireSource("lifecycle_event.target", source_id));
    if (!source.second.publisher_id().empty() && source.second.publisher_id() != input.actor_id()) {
      return absl::FailedPreconditionError(StrCat("lifecycle_event.actor_id: only the publisher '",
                                                  source.second.publisher_id(),
                                                  "' can correct source '", source_id, "'"));
    }
  }
  v1::LifecycleEvent event = input;
  if (event.id().empty()) event.set_id(ids::DerivedEventId(event));
  event.set_recorded_by(context_.principal);
  *event.mutable_recorded_at() = ids::FromMicros(now_);
  CG_ASSIGN_OR_RETURN(auto existing_id, Resolve(IdKind::kEvent, event.id()));
  if (existing_id) {
    if (on_existing == OnExisting::kFail) {
      return absl::AlreadyExistsError(
          StrCat("lifecycle_event.id: ", validation::Quote(event.id()), " already exists"));
    }
    // A retry of the same event is answered with the stored one; other content under the same
    // id is a conflict, not a success.
    CG_ASSIGN_OR_RETURN(auto existing,
                        TargetRecord<v1::LifecycleEvent>(keys::kEventRecord, target.second,
                                                         target.first, *existing_id, "event"));
    if (existing && SameContent(*existing, event)) {
      return Written<v1::LifecycleEvent>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(StrCat("lifecycle_event.id: ", validation::Quote(event.id()),
                                           " already exists with different content"));
  }
  // A relays link: the claim was stored relaying nothing and gains its relay now.
  std::optional<uint64_t> relay_link;
  if (event.kind() == v1::LIFECYCLE_KIND_RELAYS) {
    CG_ASSIGN_OR_RETURN(
        auto linked, Get(Family::kRecords, keys::RecordKey(keys::kClaimRelayLink, target.first)));
    if (!claim->relays_claim_id().empty() || linked) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.target.claim_id: claim ", validation::Quote(input.target().claim_id()),
          " already relays a claim; a claim passes on one claim"));
    }
    CG_ASSIGN_OR_RETURN(auto relayed,
                        RequireClaim("lifecycle_event.relays_claim_id", event.relays_claim_id()));
    CG_RETURN_IF_ERROR(CheckRelay("lifecycle_event.relays_claim_id", event.relays_claim_id(),
                                  relayed.second, claim->statement_id()));
    relay_link = relayed.first;
  }
  const bool deactivates = claim && (event.kind() == v1::LIFECYCLE_KIND_RETRACTION ||
                                     event.kind() == v1::LIFECYCLE_KIND_DEPRECATION);
  // The marker of an inactive claim holds when it became inactive and which events made it so.
  uint8_t inactive_flags = 0;
  const uint8_t this_flag = event.kind() == v1::LIFECYCLE_KIND_RETRACTION
                                ? keys::InactiveMarker::kRetracted
                                : keys::InactiveMarker::kDeprecated;
  if (deactivates) {
    CG_ASSIGN_OR_RETURN(auto marker,
                        Get(Family::kRecords, keys::RecordKey(keys::kClaimInactive, target.first)));
    if (marker) {
      auto decoded = keys::DecodeInactiveMarker(*marker);
      if (!decoded) return absl::DataLossError("corrupt inactive marker");
      inactive_flags = decoded->flags;
    }
    if (inactive_flags & this_flag) {
      return absl::FailedPreconditionError(StrCat(
          "lifecycle_event.target.claim_id: claim ", validation::Quote(input.target().claim_id()),
          " is already ", this_flag == 1 ? "retracted" : "deprecated"));
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
    Put(Family::kRecords, keys::RecordKey(keys::kClaimRelayLink, target.first),
        EncodeU64(*relay_link));
    batch_.Put(Family::kIndexes, keys::PairKey(keys::kRelaysOf, *relay_link, target.first), "");
  }
  if (deactivates) {
    Put(Family::kRecords, keys::RecordKey(keys::kClaimInactive, target.first),
        keys::EncodeInactiveMarker({now_, static_cast<uint8_t>(inactive_flags | this_flag)}));
  }
  if (deactivates && !already_inactive) {
    CG_ASSIGN_OR_RETURN(auto statement_internal,
                        Resolve(IdKind::kStatement, claim->statement_id()));
    CG_ASSIGN_OR_RETURN(
        auto statement,
        Record<v1::Statement>(keys::RecordKey(keys::kStatementRecord, *statement_internal),
                              "statement"));
    CG_ASSIGN_OR_RETURN(auto subject, Resolve(IdKind::kEntity, statement->subject_id()));
    storage::EdgeAggregate delta;
    delta.claims = -1;
    if (claim->stance() == v1::STANCE_SUPPORTS) delta.supporting = -1;
    if (claim->stance() == v1::STANCE_REFUTES) delta.refuting = -1;
    MergeEdges(*statement, *statement_internal, *subject, delta);
  } else if (relay_link) {
    // A new relay can move the score.
    CG_ASSIGN_OR_RETURN(auto statement_internal,
                        Resolve(IdKind::kStatement, claim->statement_id()));
    CG_RETURN_IF_ERROR(MarkScorePending(*statement_internal));
  } else if (claim) {
    CG_ASSIGN_OR_RETURN(auto statement_internal,
                        Resolve(IdKind::kStatement, claim->statement_id()));
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
      return absl::AlreadyExistsError(
          StrCat("assessment.id: ", validation::Quote(assessment.id()), " already exists"));
    }
    CG_ASSIGN_OR_RETURN(auto existing,
                        TargetRecord<v1::Assessment>(keys::kAssessmentRecord, target.second,
                                                     target.first, *existing_id, "assessment"));
    if (existing && SameContent(*existing, assessment)) {
      return Written<v1::Assessment>{*std::move(existing), WriteOutcome::kUnchanged};
    }
    return absl::AlreadyExistsError(StrCat("assessment.id: ", validation::Quote(assessment.id()),
                                           " already exists with different content"));
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
      checked =
          CheckRelay("claim.relays_claim_id", relay.relayed_id, found->second, relay.statement_id);
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
    batch_.Put(Family::kMeta, keys::CounterKey(kind),
               EncodeU64(counters_[static_cast<uint8_t>(kind)]));
  }
  const uint64_t generation = db_->cache_generation.load() + (breaks_invariant_ ? 1 : 0);
  if (breaks_invariant_)
    batch_.Put(Family::kMeta, keys::kCacheGenerationKey, EncodeU64(generation));
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
      case storage::WriteBatch::Kind::kPut:
        sorted.Put(op.family, op.key, op.value);
        break;
      case storage::WriteBatch::Kind::kDelete:
        sorted.Delete(op.family, op.key);
        break;
      case storage::WriteBatch::Kind::kMergeAggregate:
        sorted.MergeAggregate(op.family, op.key, op.value);
        break;
    }
  }
  // Applied without waiting for the disk: the caller waits for a shared sync (group_sync.h).
  CG_RETURN_IF_ERROR(db_->store->Write(sorted, storage::WriteSync::kDeferred));
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

}  // namespace claimgraph
