// Contradictions: the four kinds, computed per statement on one shared ProvenanceGraph.
#include "engine/provenance/contradictions.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "engine/ids.h"
#include "engine/provenance/corroborate.h"
#include "engine/provenance/graph.h"
#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::provenance {
namespace {

// Valid times [from, to) overlap; an unset bound is open.
bool ValidTimesOverlap(const v1::Statement& a, const v1::Statement& b) {
  constexpr uint64_t kOpenEnd = std::numeric_limits<uint64_t>::max();
  uint64_t a_from = ids::ToMicros(a.valid_from()), b_from = ids::ToMicros(b.valid_from());
  uint64_t a_to = a.has_valid_to() ? ids::ToMicros(a.valid_to()) : kOpenEnd;
  uint64_t b_to = b.has_valid_to() ? ids::ToMicros(b.valid_to()) : kOpenEnd;
  return a_from < b_to && b_from < a_to;
}

class Finder {
 public:
  explicit Finder(const ReadView& view) : view_(view), graph_(view) {}

  absl::Status Examine(uint64_t statement, v1::ContradictionsResponse* out);

 private:
  absl::StatusOr<const v1::CorroborateResponse*> Corroboration(uint64_t statement) {
    auto found = corroborations_.find(statement);
    if (found != corroborations_.end()) return &found->second;
    CG_ASSIGN_OR_RETURN(auto answer, CorroborateStatement(graph_, statement, CorroborateOptions{}));
    return &(corroborations_[statement] = std::move(answer));
  }
  static std::vector<std::string> SupportingClaims(const v1::CorroborateResponse& answer) {
    std::vector<std::string> ids;
    for (const auto& origin : answer.origins()) {
      for (const auto& claim : origin.supporting()) ids.push_back(claim.claim_id());
    }
    return ids;
  }
  absl::Status FunctionalConflicts(uint64_t statement, const v1::Statement& record,
                                   const v1::CorroborateResponse& answer,
                                   v1::ContradictionsResponse* out);
  absl::Status LifecycleAndVerdicts(uint64_t statement, const v1::CorroborateResponse& answer,
                                    v1::ContradictionsResponse* out);

  const ReadView& view_;
  ProvenanceGraph graph_;
  std::map<uint64_t, v1::CorroborateResponse> corroborations_;
  std::set<std::pair<uint64_t, uint64_t>> conflicts_reported_;
};

absl::Status Finder::Examine(uint64_t statement, v1::ContradictionsResponse* out) {
  CG_ASSIGN_OR_RETURN(auto record, view_.StatementByInternalId(statement));
  if (!record) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(const v1::CorroborateResponse* answer, Corroboration(statement));
  if (answer->origins_for() >= 1 && answer->origins_against() >= 1) {
    v1::Contradiction* found = out->add_contradictions();
    found->set_kind(v1::CONTRADICTION_KIND_BOTH_SIDES);
    found->set_statement_id(record->id());
    found->set_origins_for(answer->origins_for());
    found->set_origins_against(answer->origins_against());
    for (const auto& id : SupportingClaims(*answer)) found->add_claim_ids(id);
    for (const auto& origin : answer->origins()) {
      for (const auto& claim : origin.refuting()) found->add_claim_ids(claim.claim_id());
    }
    found->set_detail(StrCat(answer->origins_for(), " independent origin(s) support it, ",
                             answer->origins_against(), " refute it"));
  }
  CG_RETURN_IF_ERROR(FunctionalConflicts(statement, *record, *answer, out));
  return LifecycleAndVerdicts(statement, *answer, out);
}

absl::Status Finder::FunctionalConflicts(uint64_t statement, const v1::Statement& record,
                                         const v1::CorroborateResponse& answer,
                                         v1::ContradictionsResponse* out) {
  const auto* predicate = view_.schema().FindPredicate(record.predicate());
  if (predicate == nullptr || !predicate->functional() || answer.supporting_claims() == 0) {
    return absl::OkStatus();
  }
  CG_ASSIGN_OR_RETURN(auto subject, view_.Resolve(keys::IdKind::kEntity, record.subject_id()));
  CG_ASSIGN_OR_RETURN(auto predicate_id,
                      view_.Resolve(keys::IdKind::kPredicate, record.predicate()));
  if (!subject || !predicate_id) return absl::OkStatus();
  std::vector<uint64_t> siblings;
  CG_RETURN_IF_ERROR(
      view_.ForEachEdge(keys::kOutEdge, *subject, static_cast<uint32_t>(*predicate_id),
                        [&](const keys::EdgeKey& edge, const storage::EdgeAggregate&) {
                          if (edge.statement != statement) siblings.push_back(edge.statement);
                          return true;
                        }));
  for (uint64_t sibling : siblings) {
    auto pair = std::minmax(statement, sibling);
    if (conflicts_reported_.count(pair)) continue;
    CG_ASSIGN_OR_RETURN(auto other, view_.StatementByInternalId(sibling));
    if (!other) continue;
    if (google::protobuf::util::MessageDifferencer::Equals(other->object(), record.object()))
      continue;
    if (!ValidTimesOverlap(record, *other)) continue;
    CG_ASSIGN_OR_RETURN(const v1::CorroborateResponse* other_answer, Corroboration(sibling));
    if (other_answer->supporting_claims() == 0) continue;
    conflicts_reported_.insert(pair);
    v1::Contradiction* found = out->add_contradictions();
    found->set_kind(v1::CONTRADICTION_KIND_FUNCTIONAL_CONFLICT);
    found->set_statement_id(record.id());
    found->set_other_statement_id(other->id());
    for (const auto& id : SupportingClaims(answer)) found->add_claim_ids(id);
    for (const auto& id : SupportingClaims(*other_answer)) found->add_claim_ids(id);
    found->set_detail(StrCat("'", record.predicate(), "' is functional: '", record.subject_id(),
                             "' has two different objects"));
  }
  return absl::OkStatus();
}

absl::Status Finder::LifecycleAndVerdicts(uint64_t statement, const v1::CorroborateResponse& answer,
                                          v1::ContradictionsResponse* out) {
  std::vector<uint64_t> claims;
  CG_RETURN_IF_ERROR(view_.ForEachClaimOfStatement(statement, [&](uint64_t claim) {
    claims.push_back(claim);
    return true;
  }));
  std::vector<std::string> supporting = SupportingClaims(answer);
  for (uint64_t id : claims) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(id));
    if (claim == nullptr) continue;
    std::vector<v1::LifecycleEvent> events;
    for (const auto& event : claim->events) {
      // A RELAYS link says what the claim passes on, not that it was withdrawn or corrected.
      if (event.kind() != v1::LIFECYCLE_KIND_UNSPECIFIED &&
          event.kind() != v1::LIFECYCLE_KIND_RELAYS) {
        events.push_back(event);
      }
    }
    if (claim->source != 0) {
      CG_ASSIGN_OR_RETURN(auto source_events,
                          view_.LifecycleEvents(keys::TargetKind::kSource, claim->source));
      for (auto& event : source_events) {
        if (event.kind() == v1::LIFECYCLE_KIND_CORRECTION) events.push_back(std::move(event));
      }
    }
    if (!events.empty()) {
      v1::Contradiction* found = out->add_contradictions();
      found->set_kind(v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED);
      found->set_statement_id(answer.statement_id());
      found->add_claim_ids(claim->claim().id());
      for (auto& event : events) *found->add_events() = std::move(event);
      found->set_detail(
          StrCat("claim '", claim->claim().id(), "' is ", v1::ClaimStatus_Name(claim->status)));
    }
    if (claim->inactive() || claim->claim().stance() != v1::STANCE_SUPPORTS) continue;
    CG_ASSIGN_OR_RETURN(auto assessments, view_.Assessments(keys::TargetKind::kClaim, id));
    for (const auto& assessment : assessments) {
      if (assessment.verdict() != v1::VERDICT_FALSE) continue;
      v1::Contradiction* found = out->add_contradictions();
      found->set_kind(v1::CONTRADICTION_KIND_FALSE_WHILE_SUPPORTED);
      found->set_statement_id(answer.statement_id());
      found->add_claim_ids(claim->claim().id());
      *found->mutable_assessment() = assessment;
      found->set_detail(StrCat("claim '", claim->claim().id(), "' is rated FALSE and still active"));
    }
  }
  if (supporting.empty()) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto assessments, view_.Assessments(keys::TargetKind::kStatement, statement));
  for (const auto& assessment : assessments) {
    if (assessment.verdict() != v1::VERDICT_FALSE) continue;
    v1::Contradiction* found = out->add_contradictions();
    found->set_kind(v1::CONTRADICTION_KIND_FALSE_WHILE_SUPPORTED);
    found->set_statement_id(answer.statement_id());
    for (const auto& id : supporting) found->add_claim_ids(id);
    *found->mutable_assessment() = assessment;
    found->set_detail(StrCat("rated FALSE while ", supporting.size(), " claim(s) support it"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ContradictionsResponse> ContradictionsOfStatement(
    const ReadView& view, std::string_view statement_id) {
  if (statement_id.empty()) return absl::InvalidArgumentError("statement_id: is required");
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kStatement, statement_id));
  std::optional<v1::Statement> statement;
  if (internal) {
    CG_ASSIGN_OR_RETURN(statement, view.StatementByInternalId(*internal));
  }
  if (!statement) {
    return absl::NotFoundError(StrCat("statement_id: statement '", statement_id, "' not found"));
  }
  v1::ContradictionsResponse response;
  Finder finder(view);
  CG_RETURN_IF_ERROR(finder.Examine(*internal, &response));
  return response;
}

absl::StatusOr<v1::ContradictionsResponse> ContradictionsOfEntity(
    const ReadView& view, std::string_view entity_id, const ContradictionsOptions& options) {
  if (entity_id.empty()) return absl::InvalidArgumentError("entity_id: is required");
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kEntity, entity_id));
  std::optional<v1::Entity> entity;
  if (internal) {
    CG_ASSIGN_OR_RETURN(entity, view.EntityByInternalId(*internal));
  }
  if (!entity) return absl::NotFoundError(StrCat("entity_id: entity '", entity_id, "' not found"));
  v1::ContradictionsResponse response;
  std::vector<uint64_t> statements;
  std::set<uint64_t> seen;
  for (char direction : {keys::kOutEdge, keys::kInEdge}) {
    CG_RETURN_IF_ERROR(
        view.ForEachEdge(direction, *internal, std::nullopt,
                         [&](const keys::EdgeKey& edge, const storage::EdgeAggregate&) {
                           if (!seen.insert(edge.statement).second) return true;
                           if (statements.size() >= options.max_statements) {
                             response.set_truncated(true);
                             return false;
                           }
                           statements.push_back(edge.statement);
                           return true;
                         }));
  }
  Finder finder(view);
  for (uint64_t statement : statements) CG_RETURN_IF_ERROR(finder.Examine(statement, &response));
  return response;
}

}  // namespace claimgraph::provenance
