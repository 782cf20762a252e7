// Expander: filter resolution, per-edge checks and limit accounting.
#include "engine/traversal/expander.h"

#include <algorithm>

#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::traversal {
namespace {

using keys::IdKind;

absl::Status ResolveEntities(const ReadView& view, const std::vector<std::string>& ids,
                             std::set<uint64_t>* out) {
  // Unknown ids match nothing: an include list of only unknown ids accepts no claim.
  for (const auto& id : ids) {
    CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(IdKind::kEntity, id));
    if (internal) out->insert(*internal);
  }
  return absl::OkStatus();
}

absl::Status ResolveSources(const ReadView& view, const std::vector<std::string>& ids,
                            std::set<uint64_t>* out) {
  for (const auto& id : ids) {
    CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(IdKind::kSource, id));
    if (internal) out->insert(*internal);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Expander>> Expander::Create(const EdgeSource* source,
                                                           const EdgeFilter& filter,
                                                           const QueryLimits& limits) {
  std::unique_ptr<Expander> expander(new Expander(source, filter, limits));
  const ReadView& view = source->view();
  if (!(filter.min_confidence >= 0 && filter.min_confidence <= 1)) {
    return absl::InvalidArgumentError("filter.min_confidence: must be in [0, 1]");
  }
  if (limits.max_fanout == 0)
    return absl::InvalidArgumentError("limits.max_fanout: must be positive");
  if (!filter.predicates.empty()) {
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < filter.predicates.size(); ++i) {
      const auto& name = filter.predicates[i];
      if (view.schema().FindPredicate(name) == nullptr) {
        return absl::InvalidArgumentError(
            StrCat("filter.predicates[", i, "]: unknown predicate ", validation::Quote(name)));
      }
      CG_ASSIGN_OR_RETURN(auto id, view.Resolve(IdKind::kPredicate, name));
      if (id) ids.push_back(static_cast<uint32_t>(*id));  // never used yet: matches no edge
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    expander->predicates_ = std::move(ids);
  }
  for (size_t i = 0; i < filter.neighbor_types.size(); ++i) {
    if (!view.schema().HasEntityType(filter.neighbor_types[i])) {
      return absl::InvalidArgumentError(StrCat("filter.neighbor_types[", i, "]: unknown type ",
                                               validation::Quote(filter.neighbor_types[i])));
    }
  }
  CG_RETURN_IF_ERROR(
      ResolveEntities(view, filter.include_claimants, &expander->include_claimants_));
  CG_RETURN_IF_ERROR(
      ResolveEntities(view, filter.exclude_claimants, &expander->exclude_claimants_));
  CG_RETURN_IF_ERROR(ResolveSources(view, filter.include_sources, &expander->include_sources_));
  CG_RETURN_IF_ERROR(ResolveSources(view, filter.exclude_sources, &expander->exclude_sources_));
  expander->claim_level_ = !filter.include_claimants.empty() || !filter.exclude_claimants.empty() ||
                           !filter.include_sources.empty() || !filter.exclude_sources.empty();
  return expander;
}

bool Expander::Interrupted() {
  // Polling costs more than expanding a vertex: gRPC's IsCancelled takes a mutex the call's
  // poller thread also holds (it was a third of a path search's CPU), so look every 64th time.
  if ((interrupt_polls_++ & 63) != 0) return stopped();
  if (limits_.cancelled && limits_.cancelled()) cut_.cancelled = true;
  if (limits_.deadline && std::chrono::steady_clock::now() >= *limits_.deadline) {
    cut_.deadline = true;
  }
  return stopped();
}

bool Expander::StanceAllows(int64_t claims, int64_t supporting, int64_t refuting) const {
  switch (filter_.stance) {
    case StanceFilter::kAny:
      return claims > 0;
    case StanceFilter::kIncludeDisputed:
      return supporting > 0;
    case StanceFilter::kSupportedOnly:
      return supporting > 0 && refuting == 0;
  }
  return false;
}

absl::StatusOr<bool> Expander::NeighborTypeAllowed(uint64_t entity) {
  if (filter_.neighbor_types.empty()) return true;
  auto cached = type_allowed_.find(entity);
  if (cached != type_allowed_.end()) return cached->second;
  CG_ASSIGN_OR_RETURN(auto record, view().EntityByInternalId(entity));
  bool allowed = false;
  if (record) {
    for (const auto& type : filter_.neighbor_types) {
      if (view().schema().IsA(record->type(), type)) allowed = true;
    }
  }
  type_allowed_[entity] = allowed;
  return allowed;
}

absl::StatusOr<bool> Expander::ClaimsAllow(uint64_t statement) {
  auto cached = claims_allowed_.find(statement);
  if (cached != claims_allowed_.end()) return cached->second;
  int64_t claims = 0, supporting = 0, refuting = 0;
  absl::Status failure;
  CG_RETURN_IF_ERROR(view().ForEachClaimOfStatement(statement, [&](uint64_t claim_id) {
    auto stored = view().StoredClaim(claim_id);
    if (!stored.ok() || !stored->has_value()) {
      failure = stored.ok() ? absl::DataLossError("claim index points at a missing claim")
                            : stored.status();
      return false;
    }
    const v1::Claim& claim = **stored;
    auto inactive = view().ClaimInactive(claim_id);
    if (!inactive.ok()) {
      failure = inactive.status();
      return false;
    }
    if (*inactive) return true;
    std::optional<uint64_t> claimant, principal, source;
    auto resolve = [&](IdKind kind, const std::string& id, std::optional<uint64_t>* out) {
      if (id.empty()) return true;
      auto internal = view().Resolve(kind, id);
      if (!internal.ok()) {
        failure = internal.status();
        return false;
      }
      *out = *internal;
      return true;
    };
    if (claim.claimant().kind_case() == v1::Agent::kEntityId &&
        !resolve(IdKind::kEntity, claim.claimant().entity_id(), &claimant)) {
      return false;
    }
    if (!resolve(IdKind::kEntity, claim.on_behalf_of_id(), &principal)) return false;
    if (!resolve(IdKind::kSource, claim.source_id(), &source)) return false;
    auto in = [](const std::set<uint64_t>& set, const std::optional<uint64_t>& id) {
      return id && set.count(*id) != 0;
    };
    if (in(exclude_claimants_, claimant) || in(exclude_claimants_, principal)) return true;
    if (in(exclude_sources_, source)) return true;
    if (!filter_.include_claimants.empty() && !in(include_claimants_, claimant) &&
        !in(include_claimants_, principal)) {
      return true;
    }
    if (!filter_.include_sources.empty() && !in(include_sources_, source)) return true;
    claims += 1;
    if (claim.stance() == v1::STANCE_SUPPORTS) supporting += 1;
    if (claim.stance() == v1::STANCE_REFUTES) refuting += 1;
    return true;
  }));
  CG_RETURN_IF_ERROR(failure);
  bool allowed = StanceAllows(claims, supporting, refuting);
  claims_allowed_[statement] = allowed;
  return allowed;
}

absl::StatusOr<bool> Expander::Accepts(const Edge& edge) {
  if (predicates_ &&
      !std::binary_search(predicates_->begin(), predicates_->end(), edge.predicate)) {
    return false;
  }
  if (edge.fields.confidence < filter_.min_confidence) return false;
  if (!claim_level_) {
    if (!StanceAllows(edge.fields.claims, edge.fields.supporting, edge.fields.refuting)) {
      return false;
    }
    return NeighborTypeAllowed(edge.other);
  }
  // Excluded claims never count, so the stance is judged on the claims the claim-level filters
  // keep (ClaimsAllow). Those filters only remove claims, so an edge whose counts fail the stance
  // test even with its refutations ignored fails it after them too: skip the claim scan then.
  if (!StanceAllows(edge.fields.claims, edge.fields.supporting, 0)) return false;
  CG_ASSIGN_OR_RETURN(bool type_ok, NeighborTypeAllowed(edge.other));
  if (!type_ok) return false;
  return ClaimsAllow(edge.statement);
}

absl::Status Expander::Expand(uint64_t entity, const std::function<bool(const Edge&)>& visit,
                              std::optional<std::pair<char, EdgePosition>> after,
                              std::optional<size_t> max_edges) {
  if (Interrupted()) return absl::OkStatus();
  const size_t fanout = max_edges.value_or(limits_.max_fanout);
  size_t accepted = 0;
  bool done = false;
  absl::Status failure;
  std::vector<char> directions;
  if (filter_.direction != Direction::kIn) directions.push_back(keys::kOutEdge);
  if (filter_.direction != Direction::kOut) directions.push_back(keys::kInEdge);
  for (char direction : directions) {
    if (done) break;
    std::optional<EdgePosition> resume;
    if (after) {
      // Out-edges are listed before in-edges: resuming in the in-edges skips all out-edges.
      if (after->first == keys::kInEdge && direction == keys::kOutEdge) continue;
      if (after->first == direction) resume = after->second;
    }
    auto on_edge = [&](const Edge& edge) -> bool {
      if (++edges_scanned_ > limits_.max_edges_scanned) {
        cut_.edges_scanned = true;
        done = true;
        return false;
      }
      if ((edges_scanned_ & 255) == 0 && Interrupted()) {
        done = true;
        return false;
      }
      auto accepted_edge = Accepts(edge);
      if (!accepted_edge.ok()) {
        failure = accepted_edge.status();
        done = true;
        return false;
      }
      if (!*accepted_edge) {
        last_consumed_ = std::make_pair(direction, edge.Position());
        return true;
      }
      if (accepted == fanout) {
        // One more accepted edge than allowed exists: the entity's edges were cut.
        if (!max_edges) cut_.fanout = true;
        done = true;
        return false;
      }
      ++accepted;
      last_consumed_ = std::make_pair(direction, edge.Position());
      if (!visit(edge)) {
        done = true;
        return false;
      }
      return true;
    };
    if (predicates_) {
      for (uint32_t predicate : *predicates_) {
        if (done) break;
        if (resume && std::get<0>(*resume) > predicate) continue;
        CG_RETURN_IF_ERROR(source_->ForEach(direction, entity, predicate, resume, on_edge));
      }
    } else {
      CG_RETURN_IF_ERROR(source_->ForEach(direction, entity, std::nullopt, resume, on_edge));
    }
    CG_RETURN_IF_ERROR(failure);
  }
  return failure;
}

}  // namespace claimgraph::traversal
