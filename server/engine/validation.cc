// Field-level validation of input messages.
#include "engine/validation.h"

#include <cmath>

#include "engine/strings.h"
#include "engine/status_macros.h"
#include "engine/text.h"

namespace claimgraph::validation {
namespace {

using claimgraph::v1::Claim;

absl::Status Invalid(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(StrCat(field, ": ", what));
}

bool IsSnakeKey(std::string_view key) {
  if (key.empty() || key.size() > 64 || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status CheckTarget(std::string_view field, const claimgraph::v1::Target& target,
                         const Limits& limits) {
  switch (target.kind_case()) {
    case claimgraph::v1::Target::kStatementId:
      return CheckId(StrCat(field, ".statement_id"), target.statement_id(), limits);
    case claimgraph::v1::Target::kClaimId:
      return CheckId(StrCat(field, ".claim_id"), target.claim_id(), limits);
    case claimgraph::v1::Target::kSourceId:
      return CheckId(StrCat(field, ".source_id"), target.source_id(), limits);
    case claimgraph::v1::Target::KIND_NOT_SET:
      break;
  }
  return Invalid(field, "one of statement_id, claim_id, source_id is required");
}

}  // namespace

absl::Status CheckId(std::string_view field, std::string_view id, const Limits& limits) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > limits.max_id_bytes) {
    return Invalid(field, StrCat("longer than ", limits.max_id_bytes, " bytes"));
  }
  if (!text::IsValidUtf8(id)) return Invalid(field, "is not valid UTF-8");
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Invalid(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckString(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Invalid(field, StrCat("longer than ", max_bytes, " bytes"));
  }
  if (!text::IsValidUtf8(value)) return Invalid(field, "is not valid UTF-8");
  if (value.find('\0') != std::string_view::npos) return Invalid(field, "contains NUL");
  return absl::OkStatus();
}

absl::Status CheckTimestamp(std::string_view field, const google::protobuf::Timestamp& timestamp) {
  // The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
  if (timestamp.seconds() < -62135596800LL || timestamp.seconds() > 253402300799LL ||
      timestamp.nanos() < 0 || timestamp.nanos() > 999999999) {
    return Invalid(field, "is outside 0001-01-01..9999-12-31");
  }
  return absl::OkStatus();
}

absl::Status CheckEntity(const claimgraph::v1::Entity& entity, const Limits& limits) {
  CG_RETURN_IF_ERROR(CheckId("entity.id", entity.id(), limits));
  if (entity.type().empty()) return Invalid("entity.type", "is required");
  CG_RETURN_IF_ERROR(CheckString("entity.type", entity.type(), 64));
  if (entity.name().empty()) return Invalid("entity.name", "is required");
  if (text::NormalizeName(entity.name()).empty()) return Invalid("entity.name", "is blank");
  CG_RETURN_IF_ERROR(CheckString("entity.name", entity.name(), limits.max_string_bytes));
  CG_RETURN_IF_ERROR(
      CheckString("entity.description", entity.description(), limits.max_string_bytes));
  if (static_cast<size_t>(entity.aliases_size()) > limits.max_aliases) {
    return Invalid("entity.aliases", StrCat("more than ", limits.max_aliases));
  }
  for (int i = 0; i < entity.aliases_size(); ++i) {
    auto field = StrCat("entity.aliases[", i, "]");
    if (text::NormalizeName(entity.aliases(i)).empty()) return Invalid(field, "is blank");
    CG_RETURN_IF_ERROR(CheckString(field, entity.aliases(i), limits.max_string_bytes));
  }
  if (static_cast<size_t>(entity.attributes_size() + entity.external_ids_size()) >
      limits.max_attributes) {
    return Invalid("entity.attributes", StrCat("more than ", limits.max_attributes,
                                                     " attributes and external ids"));
  }
  for (const auto& [key, value] : entity.attributes()) {
    if (!IsSnakeKey(key)) return Invalid("entity.attributes", StrCat("key '", key, "' is not snake_case"));
    CG_RETURN_IF_ERROR(CheckString(StrCat("entity.attributes[", key, "]"), value,
                                   limits.max_string_bytes));
  }
  for (const auto& [key, value] : entity.external_ids()) {
    if (!IsSnakeKey(key)) return Invalid("entity.external_ids", StrCat("key '", key, "' is not snake_case"));
    CG_RETURN_IF_ERROR(CheckId(StrCat("entity.external_ids[", key, "]"), value, limits));
  }
  return absl::OkStatus();
}

absl::Status CheckSource(const claimgraph::v1::Source& source, const Limits& limits) {
  CG_RETURN_IF_ERROR(CheckId("source.id", source.id(), limits));
  CG_RETURN_IF_ERROR(CheckString("source.url", source.url(), 8192));
  CG_RETURN_IF_ERROR(CheckString("source.title", source.title(), limits.max_string_bytes));
  if (!source.publisher_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("source.publisher_id", source.publisher_id(), limits));
  }
  if (!claimgraph::v1::SourceKind_IsValid(source.kind())) return Invalid("source.kind", "unknown value");
  if (!claimgraph::v1::Reliability_IsValid(source.reliability())) {
    return Invalid("source.reliability", "unknown value");
  }
  CG_RETURN_IF_ERROR(CheckTimestamp("source.declared_published_at", source.declared_published_at()));
  CG_RETURN_IF_ERROR(CheckTimestamp("source.first_seen_at", source.first_seen_at()));
  CG_RETURN_IF_ERROR(CheckTimestamp("source.retrieved_at", source.retrieved_at()));
  CG_RETURN_IF_ERROR(CheckString("source.content_hash", source.content_hash(), 256));
  CG_RETURN_IF_ERROR(CheckString("source.text", source.text(), limits.max_source_text_bytes));
  CG_RETURN_IF_ERROR(CheckString("source.language", source.language(), 64));
  if (static_cast<size_t>(source.derived_from_size()) > limits.max_derivations) {
    return Invalid("source.derived_from", StrCat("more than ", limits.max_derivations));
  }
  for (int i = 0; i < source.derived_from_size(); ++i) {
    const auto& link = source.derived_from(i);
    auto field = StrCat("source.derived_from[", i, "]");
    if (link.type() == claimgraph::v1::DERIVATION_TYPE_UNSPECIFIED ||
        !claimgraph::v1::DerivationType_IsValid(link.type())) {
      return Invalid(StrCat(field, ".type"), "is required");
    }
    // A link to the source itself is the smallest derivation cycle: stored, and flagged by
    // the provenance answers.
    CG_RETURN_IF_ERROR(CheckId(StrCat(field, ".source_id"), link.source_id(), limits));
  }
  return absl::OkStatus();
}

absl::Status CheckValue(std::string_view field, const claimgraph::v1::Value& value,
                        const Limits& limits) {
  using claimgraph::v1::Value;
  switch (value.kind_case()) {
    case Value::kEntityId: return CheckId(StrCat(field, ".entity_id"), value.entity_id(), limits);
    case Value::kStringValue:
      return CheckString(StrCat(field, ".string_value"), value.string_value(),
                         limits.max_string_bytes);
    case Value::kDoubleValue:
      if (!std::isfinite(value.double_value())) {
        return Invalid(StrCat(field, ".double_value"), "must be finite");
      }
      return absl::OkStatus();
    case Value::kTimestampValue:
      return CheckTimestamp(StrCat(field, ".timestamp_value"), value.timestamp_value());
    case Value::kQuantityValue:
      if (!std::isfinite(value.quantity_value().amount())) {
        return Invalid(StrCat(field, ".quantity_value.amount"), "must be finite");
      }
      return CheckString(StrCat(field, ".quantity_value.unit"), value.quantity_value().unit(), 64);
    case Value::kSomeValue:
      return CheckString(StrCat(field, ".some_value.description"),
                         value.some_value().description(), limits.max_string_bytes);
    case Value::kIntegerValue:
    case Value::kBoolValue:
    case Value::kNoValue:
      return absl::OkStatus();
    case Value::KIND_NOT_SET:
      break;
  }
  return Invalid(field, "a value is required");
}

absl::Status CheckStatement(std::string_view field, const claimgraph::v1::Statement& statement,
                            const Limits& limits) {
  CG_RETURN_IF_ERROR(CheckId(StrCat(field, ".subject_id"), statement.subject_id(), limits));
  if (statement.predicate().empty()) return Invalid(StrCat(field, ".predicate"), "is required");
  CG_RETURN_IF_ERROR(CheckString(StrCat(field, ".predicate"), statement.predicate(), 64));
  if (!statement.has_object()) return Invalid(StrCat(field, ".object"), "is required");
  CG_RETURN_IF_ERROR(CheckValue(StrCat(field, ".object"), statement.object(), limits));
  if (static_cast<size_t>(statement.qualifiers_size()) > limits.max_qualifiers) {
    return Invalid(StrCat(field, ".qualifiers"), StrCat("more than ", limits.max_qualifiers));
  }
  for (int i = 0; i < statement.qualifiers_size(); ++i) {
    const auto& q = statement.qualifiers(i);
    auto qfield = StrCat(field, ".qualifiers[", i, "]");
    if (!IsSnakeKey(q.key())) return Invalid(StrCat(qfield, ".key"), "must be snake_case");
    CG_RETURN_IF_ERROR(CheckValue(StrCat(qfield, ".value"), q.value(), limits));
  }
  CG_RETURN_IF_ERROR(CheckTimestamp(StrCat(field, ".valid_from"), statement.valid_from()));
  CG_RETURN_IF_ERROR(CheckTimestamp(StrCat(field, ".valid_to"), statement.valid_to()));
  if (statement.has_valid_from() && statement.has_valid_to() &&
      (statement.valid_to().seconds() < statement.valid_from().seconds() ||
       (statement.valid_to().seconds() == statement.valid_from().seconds() &&
        statement.valid_to().nanos() < statement.valid_from().nanos()))) {
    return Invalid(StrCat(field, ".valid_to"), "is before valid_from");
  }
  return absl::OkStatus();
}

absl::Status CheckClaim(const Claim& claim, const Limits& limits) {
  if (!claim.id().empty()) CG_RETURN_IF_ERROR(CheckId("claim.id", claim.id(), limits));
  if (claim.statement_id().empty() && !claim.has_statement()) {
    return Invalid("claim.statement", "statement or statement_id is required");
  }
  if (!claim.statement_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("claim.statement_id", claim.statement_id(), limits));
  }
  if (claim.has_statement()) CG_RETURN_IF_ERROR(CheckStatement("claim.statement", claim.statement(), limits));
  if (claim.act() == claimgraph::v1::CLAIM_ACT_UNSPECIFIED || !claimgraph::v1::ClaimAct_IsValid(claim.act())) {
    return Invalid("claim.act", "is required");
  }
  if (claim.stance() == claimgraph::v1::STANCE_UNSPECIFIED || !claimgraph::v1::Stance_IsValid(claim.stance())) {
    return Invalid("claim.stance", "is required");
  }
  if (!claimgraph::v1::Certainty_IsValid(claim.certainty())) return Invalid("claim.certainty", "unknown value");
  CG_RETURN_IF_ERROR(CheckString("claim.estimative_word", claim.estimative_word(), 256));
  CG_RETURN_IF_ERROR(CheckString("claim.cue", claim.cue(), 256));
  switch (claim.claimant().kind_case()) {
    case claimgraph::v1::Agent::kEntityId:
      CG_RETURN_IF_ERROR(CheckId("claim.claimant.entity_id", claim.claimant().entity_id(), limits));
      break;
    case claimgraph::v1::Agent::kSomeValue:
      CG_RETURN_IF_ERROR(CheckString("claim.claimant.some_value.description",
                                     claim.claimant().some_value().description(), 1024));
      break;
    case claimgraph::v1::Agent::KIND_NOT_SET:
      return Invalid("claim.claimant", "entity_id or some_value is required");
  }
  if (!claim.on_behalf_of_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("claim.on_behalf_of_id", claim.on_behalf_of_id(), limits));
  }
  if (!claim.basis().source_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("claim.basis.source_id", claim.basis().source_id(), limits));
  }
  if (!claim.basis().entity_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("claim.basis.entity_id", claim.basis().entity_id(), limits));
  }
  CG_RETURN_IF_ERROR(CheckString("claim.basis.description", claim.basis().description(), 4096));
  if (!claim.source_id().empty()) CG_RETURN_IF_ERROR(CheckId("claim.source_id", claim.source_id(), limits));
  if (claim.has_quote()) {
    if (claim.source_id().empty()) return Invalid("claim.quote", "needs claim.source_id");
    const auto& quote = claim.quote();
    if (quote.text().empty()) return Invalid("claim.quote.text", "is required");
    CG_RETURN_IF_ERROR(CheckString("claim.quote.text", quote.text(), limits.max_string_bytes));
    if (quote.start() < 0) return Invalid("claim.quote.start", "must not be negative");
    if (quote.end() <= quote.start()) return Invalid("claim.quote.end", "must be after start");
    if (static_cast<size_t>(quote.end() - quote.start()) != text::CodePointLength(quote.text())) {
      return Invalid("claim.quote.end", "end - start must equal the quote's length in code points");
    }
  }
  if (!claim.relays_claim_id().empty()) {
    CG_RETURN_IF_ERROR(CheckId("claim.relays_claim_id", claim.relays_claim_id(), limits));
    if (claim.relays_claim_id() == claim.id()) {
      return Invalid("claim.relays_claim_id", "a claim cannot relay itself");
    }
  }
  if (claim.has_confidence() &&
      (!std::isfinite(claim.confidence()) || claim.confidence() < 0 || claim.confidence() > 1)) {
    return Invalid("claim.confidence", "must be in [0, 1]");
  }
  CG_RETURN_IF_ERROR(CheckTimestamp("claim.claimed_at", claim.claimed_at()));
  return absl::OkStatus();
}

absl::Status CheckAssessment(const claimgraph::v1::Assessment& assessment, const Limits& limits) {
  if (!assessment.id().empty()) CG_RETURN_IF_ERROR(CheckId("assessment.id", assessment.id(), limits));
  CG_RETURN_IF_ERROR(CheckId("assessment.assessor_id", assessment.assessor_id(), limits));
  CG_RETURN_IF_ERROR(CheckTarget("assessment.target", assessment.target(), limits));
  if (assessment.verdict() == claimgraph::v1::VERDICT_UNSPECIFIED ||
      !claimgraph::v1::Verdict_IsValid(assessment.verdict())) {
    return Invalid("assessment.verdict", "is required");
  }
  CG_RETURN_IF_ERROR(CheckString("assessment.verdict_text", assessment.verdict_text(), 1024));
  CG_RETURN_IF_ERROR(CheckString("assessment.media_category", assessment.media_category(), 256));
  CG_RETURN_IF_ERROR(
      CheckString("assessment.explanation", assessment.explanation(), limits.max_string_bytes));
  return CheckTimestamp("assessment.assessed_at", assessment.assessed_at());
}

absl::Status CheckLifecycleEvent(const claimgraph::v1::LifecycleEvent& event, const Limits& limits) {
  if (!event.id().empty()) CG_RETURN_IF_ERROR(CheckId("lifecycle_event.id", event.id(), limits));
  if (event.kind() == claimgraph::v1::LIFECYCLE_KIND_UNSPECIFIED ||
      !claimgraph::v1::LifecycleKind_IsValid(event.kind())) {
    return Invalid("lifecycle_event.kind", "is required");
  }
  CG_RETURN_IF_ERROR(CheckTarget("lifecycle_event.target", event.target(), limits));
  if (event.kind() == claimgraph::v1::LIFECYCLE_KIND_RELAYS) {
    if (event.target().kind_case() != claimgraph::v1::Target::kClaimId) {
      return Invalid("lifecycle_event.target", "a relays link targets a claim");
    }
    CG_RETURN_IF_ERROR(
        CheckId("lifecycle_event.relays_claim_id", event.relays_claim_id(), limits));
    if (event.relays_claim_id() == event.target().claim_id()) {
      return Invalid("lifecycle_event.relays_claim_id", "a claim cannot relay itself");
    }
  } else if (!event.relays_claim_id().empty()) {
    return Invalid("lifecycle_event.relays_claim_id", "only a relays link names a relayed claim");
  }
  CG_RETURN_IF_ERROR(CheckId("lifecycle_event.actor_id", event.actor_id(), limits));
  CG_RETURN_IF_ERROR(CheckString("lifecycle_event.reason", event.reason(), limits.max_string_bytes));
  return CheckTimestamp("lifecycle_event.occurred_at", event.occurred_at());
}

absl::Status CheckPageSize(int32_t page_size, const Limits& limits) {
  if (page_size < 0) return Invalid("page_size", "must not be negative");
  if (page_size > limits.max_page_size) {
    return absl::ResourceExhaustedError(StrCat("page_size: at most ", limits.max_page_size));
  }
  return absl::OkStatus();
}

}  // namespace claimgraph::validation

namespace claimgraph::validation {

absl::StatusOr<std::optional<uint64_t>> ParseTime(std::string_view field, bool present,
                                                  const google::protobuf::Timestamp& time) {
  if (!present) return std::optional<uint64_t>();
  CG_RETURN_IF_ERROR(CheckTimestamp(field, time));
  if (time.seconds() < 0) return Invalid(field, "is before 1970-01-01");
  return std::optional<uint64_t>(static_cast<uint64_t>(time.seconds()) * 1000000 +
                                 static_cast<uint64_t>(time.nanos() / 1000));
}

absl::StatusOr<std::optional<uint64_t>> ParseAsOf(bool present,
                                                  const google::protobuf::Timestamp& as_of) {
  return ParseTime("as_of", present, as_of);
}

std::string Quote(std::string_view input) {
  if (input.size() <= kMaxEchoBytes) return StrCat("'", input, "'");
  size_t end = kMaxEchoBytes;
  // Cut on a code point boundary: never at a UTF-8 continuation byte.
  while (end > 0 && (static_cast<unsigned char>(input[end]) & 0xC0) == 0x80) --end;
  return StrCat("'", input.substr(0, end), "...' (", input.size(), " bytes)");
}

}  // namespace claimgraph::validation
