// WhoSaid and ClaimsBy: claim listings enriched with entities, sources, chains and assessments.
#include "engine/provenance/who_said.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "engine/answer_budget.h"
#include "engine/ids.h"
#include "engine/paging.h"
#include "engine/provenance/graph.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::provenance {
namespace {

// A claim posting: (recorded_at, claim internal id), the order of an index posting list.
using Posting = ReadView::Posting;

// Postings of an index posting list recorded by as_of, in recorded order, after `after`
// (nullopt: from the start), at most `limit` of them.
absl::Status ScanClaimPostings(const ReadView& view, char index, uint64_t owner,
                               std::vector<Posting>* out,
                               const std::optional<Posting>& after = std::nullopt,
                               size_t limit = std::numeric_limits<size_t>::max()) {
  if (limit == 0) return absl::OkStatus();
  size_t found = 0;
  return view.ForEachPosting(index, owner, after, [&](const Posting& posting) {
    out->push_back(posting);
    return ++found < limit;
  });
}

// The claim of a posting as of the view, or nullopt when it is missing or inactive and not asked
// for.
absl::StatusOr<std::optional<v1::Claim>> ListedClaim(const ReadView& view, uint64_t claim_id,
                                                     bool include_inactive) {
  CG_ASSIGN_OR_RETURN(auto claim, view.ClaimByInternalId(claim_id));
  if (!claim) return claim;
  bool inactive = claim->status() == v1::CLAIM_STATUS_RETRACTED ||
                  claim->status() == v1::CLAIM_STATUS_DEPRECATED;
  if (inactive && !include_inactive) return std::optional<v1::Claim>();
  return claim;
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

namespace {

// The attribution of one claim (its record as of the view, with status and lifecycle).
absl::StatusOr<v1::Attribution> Attribute(ProvenanceGraph& graph, uint64_t internal,
                                          v1::Claim claim) {
  v1::Attribution attribution;
  if (claim.claimant().kind_case() == v1::Agent::kEntityId) {
    CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph.Entity(claim.claimant().entity_id()));
    if (entity != nullptr) *attribution.mutable_claimant() = *entity;
  }
  if (!claim.on_behalf_of_id().empty()) {
    CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph.Entity(claim.on_behalf_of_id()));
    if (entity != nullptr) *attribution.mutable_on_behalf_of() = *entity;
  }
  CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(internal));
  if (node->source != 0) {
    CG_ASSIGN_OR_RETURN(const v1::Source* source, graph.SourceRecord(node->source));
    if (source != nullptr) {
      *attribution.mutable_source() = *source;
      attribution.mutable_source()->clear_text();  // the document is not the answer
    }
  }
  CG_ASSIGN_OR_RETURN(const ChainInfo* chain, graph.Chain(internal));
  CG_ASSIGN_OR_RETURN(const ClaimNode* innermost, graph.Claim(chain->innermost));
  attribution.set_innermost_claim_id(innermost->claim().id());
  attribution.set_relay_cycle(chain->cycle != nullptr);
  *attribution.mutable_claim() = std::move(claim);
  return attribution;
}

// Attributions loaded ahead at a time: one MultiGet each instead of a read per attribution,
// and never much past where the answer's byte budget may stop it.
constexpr size_t kAttributionsAhead = 128;

// Loads claims[from, from + kAttributionsAhead) and the source records their attributions
// show, when `from` starts such a stretch.
absl::Status PreloadAttributions(ProvenanceGraph& graph, const std::vector<uint64_t>& all,
                                 size_t from) {
  if (from % kAttributionsAhead != 0) return absl::OkStatus();
  std::vector<uint64_t> claims(all.begin() + from,
                               all.begin() + std::min(all.size(), from + kAttributionsAhead));
  CG_RETURN_IF_ERROR(graph.Preload(claims));
  std::vector<uint64_t> sources;
  for (uint64_t claim : claims) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(claim));
    if (node != nullptr && node->source != 0) sources.push_back(node->source);
  }
  return graph.PreloadSourceRecords(sources);
}

// Utterance order: dated claims first by claimed_at, then undated; then recorded order.
using UtteranceKey = std::tuple<uint8_t, uint64_t, uint64_t, uint64_t>;  // unset, said, at, id

std::string EncodeKey(const UtteranceKey& key) {
  std::string bytes(1, static_cast<char>(std::get<0>(key)));
  keys::AppendU64(&bytes, std::get<1>(key));
  keys::AppendU64(&bytes, std::get<2>(key));
  keys::AppendU64(&bytes, std::get<3>(key));
  return bytes;
}

uint64_t WhoSaidFingerprint(std::string_view statement_id, bool include_inactive) {
  return paging::Fingerprint(StrCat("WhoSaid", std::string_view("\0", 1), statement_id,
                                    include_inactive ? "+inactive" : ""));
}

// A WhoSaid page position: the last returned claim's utterance key.
constexpr size_t kWhoSaidPositionBytes = 1 + 3 * 8;

// One page in utterance order after `after` (nullopt: from the start). The whole statement is
// scanned (time linear in its claims), but only the page is kept: a bounded heap of page_size + 1
// keys, so memory stays bounded however many claims the statement has.
absl::Status WhoSaidPage(const ReadView& view, ProvenanceGraph& graph, uint64_t statement,
                         std::string_view statement_id, const WhoSaidOptions& options,
                         const std::optional<UtteranceKey>& after, v1::WhoSaidResponse* response) {
  std::vector<std::pair<uint64_t, uint64_t>> postings;
  CG_RETURN_IF_ERROR(ScanClaimPostings(view, keys::kClaimsByStatement, statement, &postings));
  std::vector<UtteranceKey> heap;  // max-heap of the page_size + 1 smallest keys after `after`
  for (size_t i = 0; i < postings.size(); i += 4096) {
    std::vector<uint64_t> batch;
    for (size_t j = i; j < std::min(postings.size(), i + 4096); ++j) {
      batch.push_back(postings[j].second);
    }
    CG_RETURN_IF_ERROR(graph.Preload(batch));
    for (size_t j = i; j < std::min(postings.size(), i + 4096); ++j) {
      const auto [recorded, internal] = postings[j];
      CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(internal));
      if (node == nullptr || (node->inactive() && !options.include_inactive)) continue;
      uint64_t said = ids::ToMicros(node->claim().claimed_at());
      UtteranceKey key{said != 0 ? 0 : 1, said, recorded, internal};
      if (after && key <= *after) continue;
      if (heap.size() > options.page_size && key >= heap.front()) continue;
      heap.push_back(key);
      std::push_heap(heap.begin(), heap.end());
      if (heap.size() > options.page_size + 1) {
        std::pop_heap(heap.begin(), heap.end());
        heap.pop_back();
      }
    }
  }
  std::sort(heap.begin(), heap.end());
  bool more = heap.size() > options.page_size;
  if (more) heap.resize(options.page_size);
  std::vector<uint64_t> page;
  for (const auto& key : heap) page.push_back(std::get<3>(key));
  AnswerBudget budget(options.max_answer_bytes);
  size_t answered = 0;
  for (const auto& key : heap) {
    CG_RETURN_IF_ERROR(PreloadAttributions(graph, page, answered));
    CG_ASSIGN_OR_RETURN(auto claim, view.ClaimByInternalId(std::get<3>(key)));
    if (!claim) return absl::DataLossError("claim index points at a missing claim");
    CG_ASSIGN_OR_RETURN(auto attribution, Attribute(graph, std::get<3>(key), *std::move(claim)));
    if (!budget.TakeRecord(attribution)) {
      more = true;  // the rest of this page starts the next one
      break;
    }
    *response->add_attributions() = std::move(attribution);
    ++answered;
  }
  if (more) {
    response->set_next_page_token(
        paging::EncodePinnedPageToken(WhoSaidFingerprint(statement_id, options.include_inactive),
                                      view.as_of(), EncodeKey(heap[answered - 1])));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::WhoSaidResponse> WhoSaid(const ReadView& view, std::string_view statement_id,
                                            const WhoSaidOptions& options) {
  if (statement_id.empty()) return absl::InvalidArgumentError("statement_id: is required");
  std::optional<UtteranceKey> after;
  if (!options.page_token.empty()) {
    CG_ASSIGN_OR_RETURN(
        std::string position,
        paging::DecodePinnedPageToken(options.page_token,
                                      WhoSaidFingerprint(statement_id, options.include_inactive),
                                      view.as_of()));
    if (position.size() != kWhoSaidPositionBytes) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
    std::string_view key = position;
    after = UtteranceKey{static_cast<uint8_t>(key[0]), keys::DecodeU64(key.substr(1)),
                         keys::DecodeU64(key.substr(9)), keys::DecodeU64(key.substr(17))};
  }
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kStatement, statement_id));
  std::optional<v1::Statement> statement;
  if (internal) {
    CG_ASSIGN_OR_RETURN(statement, view.StatementByInternalId(*internal));
  }
  if (!statement) {
    return absl::NotFoundError(
        StrCat("statement_id: statement ", validation::Quote(statement_id), " not found"));
  }
  v1::WhoSaidResponse response;
  ProvenanceGraph graph(view);
  if (options.page_size > 0) {
    if (view.as_of() == std::numeric_limits<uint64_t>::max()) {
      return absl::InternalError("a paged WhoSaid needs a view as of a pinned time");
    }
    CG_RETURN_IF_ERROR(
        WhoSaidPage(view, graph, *internal, statement_id, options, after, &response));
    return response;
  }
  std::vector<uint64_t> claims;
  CG_RETURN_IF_ERROR(view.ForEachClaimOfStatement(*internal, [&](uint64_t claim) {
    claims.push_back(claim);
    return true;
  }));
  // The first max_claims listed claims in recorded order, as (utterance order, internal id); the
  // attributions are built in that order afterwards, so only the answer's are ever held.
  std::vector<std::pair<std::tuple<int, uint64_t, size_t>, uint64_t>> found;
  for (size_t position = 0; position < claims.size(); ++position) {
    CG_ASSIGN_OR_RETURN(auto claim, ListedClaim(view, claims[position], options.include_inactive));
    if (!claim) continue;
    if (found.size() >= options.max_claims) {
      response.set_truncated(true);
      break;
    }
    uint64_t said = ids::ToMicros(claim->claimed_at());
    found.emplace_back(std::make_tuple(said != 0 ? 0 : 1, said, position), claims[position]);
  }
  std::sort(found.begin(), found.end());
  std::vector<uint64_t> answer;
  for (const auto& entry : found) answer.push_back(entry.second);
  AnswerBudget budget(options.max_answer_bytes);
  size_t position = 0;
  for (const auto& [order, claim_id] : found) {
    CG_RETURN_IF_ERROR(PreloadAttributions(graph, answer, position++));
    CG_ASSIGN_OR_RETURN(auto claim, view.ClaimByInternalId(claim_id));
    if (!claim) return absl::DataLossError("claim index points at a missing claim");
    CG_ASSIGN_OR_RETURN(auto attribution, Attribute(graph, claim_id, *std::move(claim)));
    if (!budget.TakeRecord(attribution)) {
      response.set_truncated(true);
      break;
    }
    *response.add_attributions() = std::move(attribution);
  }
  return response;
}

namespace {

// Adds `delta` to the answer's total of `outcome`.
void CountOutcome(v1::TrackOutcome outcome, int delta, v1::ClaimsByResponse* response) {
  switch (outcome) {
    case v1::TRACK_OUTCOME_BORNE_OUT:
      response->set_borne_out(response->borne_out() + delta);
      break;
    case v1::TRACK_OUTCOME_CONTRADICTED:
      response->set_contradicted(response->contradicted() + delta);
      break;
    case v1::TRACK_OUTCOME_MIXED:
      response->set_mixed(response->mixed() + delta);
      break;
    default:
      response->set_unassessed(response->unassessed() + delta);
      break;
  }
}

// Adds a claim's track record to a ClaimsBy answer. `statement_assessments` memoizes the
// assessments of each statement across the claims of one answer.
absl::Status AddTrackRecord(const ReadView& view, uint64_t claim_id, v1::Claim claim,
                            std::map<uint64_t, std::vector<v1::Assessment>>& statement_assessments,
                            v1::ClaimsByResponse* response) {
  CG_ASSIGN_OR_RETURN(auto of_claim, view.Assessments(keys::TargetKind::kClaim, claim_id));
  CG_ASSIGN_OR_RETURN(auto statement, view.Resolve(keys::IdKind::kStatement, claim.statement_id()));
  static const std::vector<v1::Assessment> kNone;
  const std::vector<v1::Assessment>* of_statement = &kNone;
  if (statement) {
    auto found = statement_assessments.find(*statement);
    if (found == statement_assessments.end()) {
      CG_ASSIGN_OR_RETURN(auto loaded, view.Assessments(keys::TargetKind::kStatement, *statement));
      found = statement_assessments.emplace(*statement, std::move(loaded)).first;
    }
    of_statement = &found->second;
  }
  v1::ClaimTrackRecord* record = response->add_claims();
  record->set_outcome(OutcomeOf(claim, of_claim, *of_statement));
  for (const auto& assessment : of_claim) *record->add_claim_assessments() = assessment;
  for (const auto& assessment : *of_statement) *record->add_statement_assessments() = assessment;
  *record->mutable_claim() = std::move(claim);
  CountOutcome(record->outcome(), +1, response);
  return absl::OkStatus();
}

// Takes back the last AddTrackRecord (a record that did not fit the answer).
void RemoveLastTrackRecord(v1::ClaimsByResponse* response) {
  CountOutcome(response->claims(response->claims_size() - 1).outcome(), -1, response);
  response->mutable_claims()->RemoveLast();
}

uint64_t ClaimsByFingerprint(std::string_view entity_id, bool include_inactive) {
  return paging::Fingerprint(StrCat("ClaimsBy", std::string_view("\0", 1), entity_id,
                                    include_inactive ? "+inactive" : ""));
}

// One page of ClaimsBy in recorded order after `after`. The claimant and principal posting lists
// are read in windows of page_size + 1 postings each and merged, so memory stays bounded by the
// page however many claims the entity made.
absl::Status ClaimsByPage(const ReadView& view, uint64_t entity, std::string_view entity_id,
                          const ClaimsByOptions& options, std::optional<Posting> after,
                          v1::ClaimsByResponse* response) {
  std::map<uint64_t, std::vector<v1::Assessment>> statement_assessments;
  AnswerBudget budget(options.max_answer_bytes);
  const size_t window = options.page_size + 1;
  std::optional<Posting> last_returned;
  while (true) {
    std::vector<Posting> as_claimant, as_principal;
    CG_RETURN_IF_ERROR(
        ScanClaimPostings(view, keys::kClaimsByClaimant, entity, &as_claimant, after, window));
    CG_RETURN_IF_ERROR(
        ScanClaimPostings(view, keys::kClaimsByPrincipal, entity, &as_principal, after, window));
    // A full window may hide postings beyond its last one: the merge is exact only up to the
    // smallest last posting of the full windows.
    std::optional<Posting> exact_to;
    for (const auto* list : {&as_claimant, &as_principal}) {
      if (list->size() == window && (!exact_to || list->back() < *exact_to)) {
        exact_to = list->back();
      }
    }
    std::vector<Posting> merged = std::move(as_claimant);
    merged.insert(merged.end(), as_principal.begin(), as_principal.end());
    std::sort(merged.begin(), merged.end());
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    if (exact_to) {
      merged.erase(std::upper_bound(merged.begin(), merged.end(), *exact_to), merged.end());
    }
    for (const Posting& posting : merged) {
      after = posting;
      CG_ASSIGN_OR_RETURN(auto claim, ListedClaim(view, posting.second, options.include_inactive));
      if (!claim) continue;
      bool fits = static_cast<size_t>(response->claims_size()) < options.page_size;
      if (fits) {
        CG_RETURN_IF_ERROR(AddTrackRecord(view, posting.second, *std::move(claim),
                                          statement_assessments, response));
        fits = budget.TakeRecord(response->claims(response->claims_size() - 1));
        if (!fits) RemoveLastTrackRecord(response);
      }
      if (!fits) {
        std::string position;
        keys::AppendU64(&position, last_returned->first);
        keys::AppendU64(&position, last_returned->second);
        response->set_next_page_token(paging::EncodePinnedPageToken(
            ClaimsByFingerprint(entity_id, options.include_inactive), view.as_of(), position));
        return absl::OkStatus();
      }
      last_returned = posting;
    }
    if (!exact_to) return absl::OkStatus();
  }
}

}  // namespace

absl::StatusOr<v1::ClaimsByResponse> ClaimsBy(const ReadView& view, std::string_view entity_id,
                                              const ClaimsByOptions& options) {
  if (entity_id.empty()) return absl::InvalidArgumentError("entity_id: is required");
  std::optional<Posting> after;
  if (!options.page_token.empty()) {
    CG_ASSIGN_OR_RETURN(
        std::string position,
        paging::DecodePinnedPageToken(options.page_token,
                                      ClaimsByFingerprint(entity_id, options.include_inactive),
                                      view.as_of()));
    if (position.size() != 16) return absl::InvalidArgumentError("page_token: malformed");
    after =
        Posting{keys::DecodeU64(position), keys::DecodeU64(std::string_view(position).substr(8))};
  }
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kEntity, entity_id));
  std::optional<v1::Entity> entity;
  if (internal) {
    CG_ASSIGN_OR_RETURN(entity, view.EntityByInternalId(*internal));
  }
  if (!entity)
    return absl::NotFoundError(
        StrCat("entity_id: entity ", validation::Quote(entity_id), " not found"));
  v1::ClaimsByResponse response;
  if (options.page_size > 0) {
    if (view.as_of() == std::numeric_limits<uint64_t>::max()) {
      return absl::InternalError("a paged ClaimsBy needs a view as of a pinned time");
    }
    CG_RETURN_IF_ERROR(ClaimsByPage(view, *internal, entity_id, options, after, &response));
    return response;
  }
  // As claimant and as the principal spoken for, merged in recorded order.
  std::vector<Posting> postings;
  CG_RETURN_IF_ERROR(ScanClaimPostings(view, keys::kClaimsByClaimant, *internal, &postings));
  CG_RETURN_IF_ERROR(ScanClaimPostings(view, keys::kClaimsByPrincipal, *internal, &postings));
  std::sort(postings.begin(), postings.end());
  postings.erase(std::unique(postings.begin(), postings.end()), postings.end());
  std::map<uint64_t, std::vector<v1::Assessment>> statement_assessments;
  AnswerBudget budget(options.max_answer_bytes);
  for (const auto& [recorded, claim_id] : postings) {
    CG_ASSIGN_OR_RETURN(auto claim, ListedClaim(view, claim_id, options.include_inactive));
    if (!claim) continue;
    if (static_cast<size_t>(response.claims_size()) >= options.max_claims) {
      response.set_truncated(true);
      break;
    }
    CG_RETURN_IF_ERROR(
        AddTrackRecord(view, claim_id, *std::move(claim), statement_assessments, &response));
    if (!budget.TakeRecord(response.claims(response.claims_size() - 1))) {
      RemoveLastTrackRecord(&response);
      response.set_truncated(true);
      break;
    }
  }
  return response;
}

}  // namespace claimgraph::provenance
