// Corroborate: origins by union-find over origin-set keys, strongest claim per origin,
// cumulative fusion across origins; and the statement scorer built on it.
#include "engine/provenance/corroborate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "engine/ids.h"
#include "engine/paging.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::provenance {
namespace {

struct Entry {
  const ClaimNode* node;
  const ChainInfo* chain;
  const OriginSet* origin;
  double strength;
  Opinion opinion;
};

size_t FindRoot(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

// True when `a` represents an origin better than `b` (docs/provenance.md 3.3).
bool Stronger(const Entry& a, const Entry& b) {
  double mass_a = a.opinion.Mass(), mass_b = b.opinion.Mass();
  if (std::abs(mass_a - mass_b) > kMassTieTolerance) return mass_a > mass_b;
  uint64_t said_a = ids::ToMicros(a.node->claim().claimed_at());
  uint64_t said_b = ids::ToMicros(b.node->claim().claimed_at());
  if (said_a != said_b) return said_a > said_b;
  return a.node->claim().id() < b.node->claim().id();
}

// `key_claims`: how many claims of the entry's origin hold each key.
void FillContribution(const Entry& entry, const std::string& innermost_id,
                      const std::unordered_map<std::string, size_t>& key_claims,
                      v1::ClaimContribution* out) {
  out->set_claim_id(entry.node->claim().id());
  out->set_stance(entry.node->claim().stance());
  out->set_status(entry.node->status);
  out->set_strength(entry.strength);
  out->set_confidence_factor(entry.chain->confidence);
  out->set_reliability_factor(entry.chain->Reliability());
  out->set_discount(entry.chain->confidence * entry.chain->Reliability());
  SetOpinion(entry.opinion, out->mutable_opinion());
  out->set_innermost_claim_id(innermost_id);
  out->set_chain_length(static_cast<int32_t>(
      std::min<int64_t>(entry.chain->length, std::numeric_limits<int32_t>::max())));
  out->set_relay_cycle(entry.chain->cycle != nullptr);
  for (const auto& key : entry.origin->keys) {
    out->add_origin_keys(key);
    if (key_claims.at(key) > 1) out->add_joined_by_keys(key);
  }
}

uint64_t CorroborateFingerprint(std::string_view statement_id, bool include_inactive) {
  return paging::Fingerprint(StrCat("Corroborate", std::string_view("\0", 1), statement_id,
                                    include_inactive ? "+inactive" : ""));
}

// The page of `whole` holding its claims [first, first + size) in answer order (each origin's
// supporting then refuting claims, origin by origin, then the discussing claims), with every
// summary field and the origins those claims belong to.
v1::CorroborateResponse Slice(v1::CorroborateResponse whole, size_t first, size_t size) {
  v1::CorroborateResponse page = whole;
  page.clear_origins();
  page.clear_discussing_claim_ids();
  size_t position = 0;
  auto take = [&](const auto& from, auto* to) {
    for (const auto& item : from) {
      if (position >= first && position < first + size) *to->Add() = item;
      ++position;
    }
  };
  for (const auto& origin : whole.origins()) {
    const size_t claims = origin.supporting_size() + origin.refuting_size();
    if (position + claims <= first || position >= first + size) {
      position += claims;
      continue;
    }
    v1::Origin* out = page.add_origins();
    *out = origin;
    out->clear_supporting();
    out->clear_refuting();
    take(origin.supporting(), out->mutable_supporting());
    take(origin.refuting(), out->mutable_refuting());
  }
  take(whole.discussing_claim_ids(), page.mutable_discussing_claim_ids());
  return page;
}

}  // namespace

void SetOpinion(const Opinion& opinion, v1::Opinion* out) {
  out->set_belief(opinion.belief);
  out->set_disbelief(opinion.disbelief);
  out->set_uncertainty(opinion.uncertainty);
  out->set_base_rate(opinion.base_rate);
  out->set_projected_probability(opinion.Projected());
}

namespace {

// What corroboration computes before anything is rendered: the answer renders all of it, the
// statement scorer reads only `fused`.
struct Corroboration {
  bool truncated = false;
  std::vector<Entry> entries;  // the counted supporting and refuting claims, in recorded order
  std::vector<const ClaimNode*> discussing;
  std::vector<std::vector<size_t>> groups;  // each origin's entries, origins by first claim
  std::vector<size_t> strongest;            // per origin, the entry that represents it
  Opinion fused;
};

enum class Purpose {
  kAnswer,
  // Only the fused opinion: the derivation components behind claims whose origin is not their
  // document, which only the answer's cycle list reports, are not walked.
  kScore,
};

absl::Status Compute(ProvenanceGraph& graph, uint64_t statement, const CorroborateOptions& options,
                     Purpose purpose, Corroboration* out) {
  std::vector<uint64_t> claim_ids;
  CG_RETURN_IF_ERROR(
      graph.StatementClaims(statement, options.max_claims, &claim_ids, &out->truncated));
  if (out->truncated && options.stop_when_truncated) return absl::OkStatus();
  // A relay passes on the same statement, so these are also every claim the chains reach.
  if (out->truncated) {
    CG_RETURN_IF_ERROR(graph.Preload(claim_ids));
  } else {
    CG_RETURN_IF_ERROR(graph.PreloadStatement(statement, claim_ids));
  }
  for (uint64_t claim : claim_ids) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(claim));
    if (node == nullptr || (node->inactive() && !options.include_inactive)) continue;
    // Walk the derivations behind every claim's document, so circular reporting is found
    // whatever the claim's origin is.
    if (purpose == Purpose::kAnswer && node->source != 0) {
      CG_RETURN_IF_ERROR(graph.Component(node->source).status());
    }
    const v1::Stance stance = node->claim().stance();
    if (stance != v1::STANCE_SUPPORTS && stance != v1::STANCE_REFUTES) {
      out->discussing.push_back(node);
      continue;
    }
    CG_ASSIGN_OR_RETURN(const ChainInfo* chain, graph.Chain(claim));
    CG_ASSIGN_OR_RETURN(const OriginSet* origin, graph.OriginOf(chain->innermost));
    Entry entry{node, chain, origin, StrengthOf(node->claim()), {}};
    entry.opinion =
        Discount(ClaimOpinion(stance, entry.strength), chain->confidence * chain->Reliability());
    out->entries.push_back(entry);
  }

  // Claims are dependent when their origin sets share a key: union-find over the keys.
  const std::vector<Entry>& entries = out->entries;
  std::vector<size_t> parent(entries.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::unordered_map<std::string_view, size_t> owner;
  for (size_t i = 0; i < entries.size(); ++i) {
    for (const auto& key : entries[i].origin->keys) {
      auto [it, inserted] = owner.emplace(key, i);
      if (!inserted) parent[FindRoot(parent, i)] = FindRoot(parent, it->second);
    }
  }
  // Groups in the order of their first claim (recorded order).
  std::unordered_map<size_t, size_t> group_of_root;
  for (size_t i = 0; i < entries.size(); ++i) {
    size_t root = FindRoot(parent, i);
    auto [it, inserted] = group_of_root.emplace(root, out->groups.size());
    if (inserted) out->groups.emplace_back();
    out->groups[it->second].push_back(i);
  }
  std::vector<Opinion> contributions;
  for (const auto& members : out->groups) {
    size_t strongest = members.front();
    for (size_t i : members) {
      if (Stronger(entries[i], entries[strongest])) strongest = i;
    }
    out->strongest.push_back(strongest);
    contributions.push_back(entries[strongest].opinion);
  }
  out->fused = CumulativeFusion(contributions);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::CorroborateResponse> CorroborateStatement(ProvenanceGraph& graph,
                                                             uint64_t statement,
                                                             const CorroborateOptions& options) {
  const ReadView& view = graph.view();
  v1::CorroborateResponse response;
  CG_ASSIGN_OR_RETURN(std::string statement_id, graph.StatementId(statement));
  response.set_statement_id(statement_id);
  if (view.as_of() != std::numeric_limits<uint64_t>::max()) {
    *response.mutable_as_of() = ids::FromMicros(view.as_of());
  }
  Corroboration computed;
  CG_RETURN_IF_ERROR(Compute(graph, statement, options, Purpose::kAnswer, &computed));
  if (computed.truncated) response.set_truncated(true);
  if (computed.truncated && options.stop_when_truncated) return response;
  const std::vector<Entry>& entries = computed.entries;
  for (const Entry& entry : entries) {
    if (entry.node->claim().stance() == v1::STANCE_SUPPORTS) {
      response.set_supporting_claims(response.supporting_claims() + 1);
    } else {
      response.set_refuting_claims(response.refuting_claims() + 1);
    }
  }
  for (const ClaimNode* node : computed.discussing) {
    response.add_discussing_claim_ids(node->claim().id());
  }

  std::unordered_map<uint64_t, std::string> innermost_ids;
  auto innermost_id = [&](uint64_t internal) -> absl::StatusOr<std::string> {
    auto found = innermost_ids.find(internal);
    if (found != innermost_ids.end()) return found->second;
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(internal));
    return innermost_ids[internal] = node->claim().id();
  };
  for (size_t group = 0; group < computed.groups.size(); ++group) {
    const std::vector<size_t>& members = computed.groups[group];
    v1::Origin* origin = response.add_origins();
    origin->set_index(response.origins_size() - 1);
    std::vector<std::string> keys;
    bool any_for = false, any_against = false;
    std::unordered_map<std::string, size_t> key_claims;
    for (size_t i : members) {
      for (const auto& key : entries[i].origin->keys) ++key_claims[key];
    }
    for (size_t i : members) {
      const Entry& entry = entries[i];
      keys.insert(keys.end(), entry.origin->keys.begin(), entry.origin->keys.end());
      origin->set_circular(origin->circular() || entry.origin->circular);
      CG_ASSIGN_OR_RETURN(std::string inner, innermost_id(entry.chain->innermost));
      if (entry.node->claim().stance() == v1::STANCE_SUPPORTS) {
        any_for = true;
        FillContribution(entry, inner, key_claims, origin->add_supporting());
      } else {
        any_against = true;
        FillContribution(entry, inner, key_claims, origin->add_refuting());
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (auto& key : keys) origin->add_keys(std::move(key));
    const Entry& strongest = entries[computed.strongest[group]];
    origin->set_strongest_claim_id(strongest.node->claim().id());
    SetOpinion(strongest.opinion, origin->mutable_contribution());
    response.set_origins_for(response.origins_for() + (any_for ? 1 : 0));
    response.set_origins_against(response.origins_against() + (any_against ? 1 : 0));
  }
  response.set_origin_count(response.origins_size());
  response.set_single_origin(response.origins_for() == 1);
  SetOpinion(computed.fused, response.mutable_fused());
  for (const SourceComponent* cycle : graph.cycles()) {
    v1::DerivationCycle* out = response.add_cycles();
    std::vector<std::string> members;
    for (uint64_t member : cycle->members) {
      CG_ASSIGN_OR_RETURN(const SourceNode* source, graph.Source(member));
      members.push_back(source->facts.id);
    }
    std::sort(members.begin(), members.end());
    for (auto& member : members) out->add_source_ids(std::move(member));
  }
  for (const auto& cycle : graph.relay_cycles()) {
    CG_RETURN_IF_ERROR(AddRelayCycle(graph, *cycle, response.add_relay_cycles()));
  }
  return response;
}

absl::Status AddRelayCycle(ProvenanceGraph& graph, const RelayCycle& cycle, v1::RelayCycle* out) {
  for (uint64_t member : cycle.members) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(member));
    if (node == nullptr) return absl::DataLossError("relay cycle of a missing claim");
    out->add_claim_ids(node->claim().id());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CorroborateResponse> Corroborate(const ReadView& view,
                                                    std::string_view statement_id,
                                                    const CorroborateOptions& options) {
  if (statement_id.empty()) return absl::InvalidArgumentError("statement_id: is required");
  const uint64_t fingerprint = CorroborateFingerprint(statement_id, options.include_inactive);
  size_t first = 0;
  if (!options.page_token.empty()) {
    CG_ASSIGN_OR_RETURN(std::string position, paging::DecodePinnedPageToken(
                                                  options.page_token, fingerprint, view.as_of()));
    if (position.size() != 8) return absl::InvalidArgumentError("page_token: malformed");
    first = keys::DecodeU64(position);
  }
  ProvenanceGraph graph(view);
  CG_ASSIGN_OR_RETURN(auto internal, graph.ResolveStatement(statement_id));
  if (!internal) {
    return absl::NotFoundError(
        StrCat("statement_id: statement ", validation::Quote(statement_id), " not found"));
  }
  CG_ASSIGN_OR_RETURN(auto whole, CorroborateStatement(graph, *internal, options));
  if (options.page_size == 0) return whole;
  if (view.as_of() == std::numeric_limits<uint64_t>::max()) {
    return absl::InternalError("a paged Corroborate needs a view as of a pinned time");
  }
  const size_t claims = static_cast<size_t>(whole.supporting_claims() + whole.refuting_claims() +
                                            whole.discussing_claim_ids_size());
  const size_t next = first + options.page_size;
  v1::CorroborateResponse page = Slice(std::move(whole), first, options.page_size);
  if (next < claims) {
    std::string position;
    keys::AppendU64(&position, next);
    page.set_next_page_token(paging::EncodePinnedPageToken(fingerprint, view.as_of(), position));
  }
  return page;
}

absl::StatusOr<std::optional<double>> FusedScore(const ReadView& view, uint64_t statement) {
  CG_ASSIGN_OR_RETURN(StatementScore result,
                      ScoreStatement(view, statement, std::numeric_limits<size_t>::max()));
  return result.score;
}

absl::StatusOr<StatementScore> ScoreStatement(const ReadView& view, uint64_t statement,
                                              size_t max_claims) {
  ProvenanceGraph graph(view, StateEntries::kSourcesOnly);
  CorroborateOptions options;
  options.max_claims = max_claims;
  options.stop_when_truncated = true;
  Corroboration computed;
  CG_RETURN_IF_ERROR(Compute(graph, statement, options, Purpose::kScore, &computed));
  StatementScore result;
  if (computed.truncated) {
    result.too_many_claims = true;
    return result;
  }
  // The same expression SetOpinion stores as the answer's projected probability.
  if (!computed.groups.empty()) result.score = computed.fused.Projected();
  return result;
}

absl::Status InstallStatementScorer(Database& database) {
  return database.SetStatementScorer(ScoreStatement);
}

}  // namespace claimgraph::provenance
