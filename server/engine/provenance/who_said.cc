// WhoSaid and ClaimsBy: claim listings enriched with entities, sources, chains and assessments.
#include "engine/provenance/who_said.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "engine/ids.h"
#include "engine/provenance/graph.h"
#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::provenance {
namespace {

// Claims (internal ids) of an index posting list recorded by as_of, in recorded order.
absl::Status ScanClaimPostings(const ReadView& view, char index, uint64_t owner,
                               std::vector<std::pair<uint64_t, uint64_t>>* out) {
  std::string prefix = keys::PostingPrefix(index, owner);
  std::string lower = prefix, upper = prefix;
  keys::AppendU64(&lower, 0);
  uint64_t end =
      view.as_of() == std::numeric_limits<uint64_t>::max() ? view.as_of() : view.as_of() + 1;
  keys::AppendU64(&upper, end);
  auto cursor = view.store().NewCursor(view.snapshot(), storage::Family::kIndexes, lower, upper);
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    std::string_view key = cursor->key();
    uint64_t recorded = keys::DecodeU64(key.substr(key.size() - 16, 8));
    uint64_t claim = keys::DecodeU64(key.substr(key.size() - 8));
    out->emplace_back(recorded, claim);
  }
  return cursor->status();
}

// Latest first by assessed_at, then recorded_at.
const v1::Assessment* Latest(const std::vector<v1::Assessment>& assessments) {
  const v1::Assessment* latest = nullptr;
  for (const auto& assessment : assessments) {
    auto key = [](const v1::Assessment& a) {
      return std::make_tuple(ids::ToMicros(a.assessed_at()), ids::ToMicros(a.recorded_at()));
    };
    if (latest == nullptr || key(assessment) >= key(*latest)) latest = &assessment;
  }
  return latest;
}

v1::TrackOutcome OutcomeOf(const v1::Claim& claim, const std::vector<v1::Assessment>& of_claim,
                           const std::vector<v1::Assessment>& of_statement) {
  if (const v1::Assessment* latest = Latest(of_claim)) {
    switch (latest->verdict()) {
      case v1::VERDICT_TRUE:
        return v1::TRACK_OUTCOME_BORNE_OUT;
      case v1::VERDICT_FALSE:
        return v1::TRACK_OUTCOME_CONTRADICTED;
      case v1::VERDICT_MIXTURE:
        return v1::TRACK_OUTCOME_MIXED;
      default:
        return v1::TRACK_OUTCOME_UNASSESSED;
    }
  }
  const v1::Assessment* latest = Latest(of_statement);
  if (latest == nullptr) return v1::TRACK_OUTCOME_UNASSESSED;
  if (latest->verdict() == v1::VERDICT_MIXTURE) return v1::TRACK_OUTCOME_MIXED;
  bool is_true = latest->verdict() == v1::VERDICT_TRUE;
  bool is_false = latest->verdict() == v1::VERDICT_FALSE;
  if (!is_true && !is_false) return v1::TRACK_OUTCOME_UNASSESSED;
  if (claim.stance() == v1::STANCE_SUPPORTS) {
    return is_true ? v1::TRACK_OUTCOME_BORNE_OUT : v1::TRACK_OUTCOME_CONTRADICTED;
  }
  if (claim.stance() == v1::STANCE_REFUTES) {
    return is_false ? v1::TRACK_OUTCOME_BORNE_OUT : v1::TRACK_OUTCOME_CONTRADICTED;
  }
  return v1::TRACK_OUTCOME_UNASSESSED;
}

}  // namespace

absl::StatusOr<v1::WhoSaidResponse> WhoSaid(const ReadView& view, std::string_view statement_id,
                                            const WhoSaidOptions& options) {
  if (statement_id.empty()) return absl::InvalidArgumentError("statement_id: is required");
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kStatement, statement_id));
  std::optional<v1::Statement> statement;
  if (internal) {
    CG_ASSIGN_OR_RETURN(statement, view.StatementByInternalId(*internal));
  }
  if (!statement) {
    return absl::NotFoundError(StrCat("statement_id: statement '", statement_id, "' not found"));
  }
  v1::WhoSaidResponse response;
  ProvenanceGraph graph(view);
  std::vector<uint64_t> claims;
  CG_RETURN_IF_ERROR(view.ForEachClaimOfStatement(*internal, [&](uint64_t claim) {
    claims.push_back(claim);
    return true;
  }));
  // (claimed_at or "unset, last", recorded position) -> attribution
  std::vector<std::pair<std::tuple<int, uint64_t, size_t>, v1::Attribution>> found;
  for (size_t position = 0; position < claims.size(); ++position) {
    CG_ASSIGN_OR_RETURN(auto claim, view.ClaimByInternalId(claims[position]));
    if (!claim) continue;
    bool inactive = claim->status() == v1::CLAIM_STATUS_RETRACTED ||
                    claim->status() == v1::CLAIM_STATUS_DEPRECATED;
    if (inactive && !options.include_inactive) continue;
    if (found.size() >= options.max_claims) {
      response.set_truncated(true);
      break;
    }
    v1::Attribution attribution;
    if (claim->claimant().kind_case() == v1::Agent::kEntityId) {
      CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph.Entity(claim->claimant().entity_id()));
      if (entity != nullptr) *attribution.mutable_claimant() = *entity;
    }
    if (!claim->on_behalf_of_id().empty()) {
      CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph.Entity(claim->on_behalf_of_id()));
      if (entity != nullptr) *attribution.mutable_on_behalf_of() = *entity;
    }
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(claims[position]));
    if (node->source != 0) {
      CG_ASSIGN_OR_RETURN(const SourceNode* source, graph.Source(node->source));
      if (source != nullptr) {
        *attribution.mutable_source() = source->source;
        attribution.mutable_source()->clear_text();  // the document is not the answer
      }
    }
    CG_ASSIGN_OR_RETURN(const ChainInfo* chain, graph.Chain(claims[position]));
    CG_ASSIGN_OR_RETURN(const ClaimNode* innermost, graph.Claim(chain->innermost));
    attribution.set_innermost_claim_id(innermost->claim().id());
    uint64_t said = ids::ToMicros(claim->claimed_at());
    auto order = std::make_tuple(said != 0 ? 0 : 1, said, position);
    *attribution.mutable_claim() = *std::move(claim);
    found.emplace_back(order, std::move(attribution));
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& entry : found) *response.add_attributions() = std::move(entry.second);
  return response;
}

absl::StatusOr<v1::ClaimsByResponse> ClaimsBy(const ReadView& view, std::string_view entity_id,
                                              const ClaimsByOptions& options) {
  if (entity_id.empty()) return absl::InvalidArgumentError("entity_id: is required");
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kEntity, entity_id));
  std::optional<v1::Entity> entity;
  if (internal) {
    CG_ASSIGN_OR_RETURN(entity, view.EntityByInternalId(*internal));
  }
  if (!entity) return absl::NotFoundError(StrCat("entity_id: entity '", entity_id, "' not found"));
  // As claimant and as the principal spoken for, merged in recorded order.
  std::vector<std::pair<uint64_t, uint64_t>> postings;
  CG_RETURN_IF_ERROR(ScanClaimPostings(view, keys::kClaimsByClaimant, *internal, &postings));
  CG_RETURN_IF_ERROR(ScanClaimPostings(view, keys::kClaimsByPrincipal, *internal, &postings));
  std::sort(postings.begin(), postings.end());
  postings.erase(std::unique(postings.begin(), postings.end()), postings.end());

  v1::ClaimsByResponse response;
  std::map<uint64_t, std::vector<v1::Assessment>> statement_assessments;
  for (const auto& [recorded, claim_id] : postings) {
    CG_ASSIGN_OR_RETURN(auto claim, view.ClaimByInternalId(claim_id));
    if (!claim) continue;
    bool inactive = claim->status() == v1::CLAIM_STATUS_RETRACTED ||
                    claim->status() == v1::CLAIM_STATUS_DEPRECATED;
    if (inactive && !options.include_inactive) continue;
    if (static_cast<size_t>(response.claims_size()) >= options.max_claims) {
      response.set_truncated(true);
      break;
    }
    CG_ASSIGN_OR_RETURN(auto of_claim, view.Assessments(keys::TargetKind::kClaim, claim_id));
    CG_ASSIGN_OR_RETURN(auto statement,
                        view.Resolve(keys::IdKind::kStatement, claim->statement_id()));
    std::vector<v1::Assessment>* of_statement = nullptr;
    if (statement) {
      auto found = statement_assessments.find(*statement);
      if (found == statement_assessments.end()) {
        CG_ASSIGN_OR_RETURN(auto loaded,
                            view.Assessments(keys::TargetKind::kStatement, *statement));
        found = statement_assessments.emplace(*statement, std::move(loaded)).first;
      }
      of_statement = &found->second;
    }
    static const std::vector<v1::Assessment> kNone;
    const auto& statement_list = of_statement != nullptr ? *of_statement : kNone;
    v1::ClaimTrackRecord* record = response.add_claims();
    record->set_outcome(OutcomeOf(*claim, of_claim, statement_list));
    for (const auto& assessment : of_claim) *record->add_claim_assessments() = assessment;
    for (const auto& assessment : statement_list) *record->add_statement_assessments() = assessment;
    *record->mutable_claim() = *std::move(claim);
    switch (record->outcome()) {
      case v1::TRACK_OUTCOME_BORNE_OUT:
        response.set_borne_out(response.borne_out() + 1);
        break;
      case v1::TRACK_OUTCOME_CONTRADICTED:
        response.set_contradicted(response.contradicted() + 1);
        break;
      case v1::TRACK_OUTCOME_MIXED:
        response.set_mixed(response.mixed() + 1);
        break;
      default:
        response.set_unassessed(response.unassessed() + 1);
        break;
    }
  }
  return response;
}

}  // namespace claimgraph::provenance
