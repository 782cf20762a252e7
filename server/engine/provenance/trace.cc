// Trace: breadth-first walk of the provenance links into a v1::Trace, then roots, firsts, flags
// and cycles.
#include "engine/provenance/trace.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "engine/answer_budget.h"
#include "engine/ids.h"
#include "engine/paging.h"
#include "engine/provenance/graph.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/text.h"
#include "engine/validation.h"

namespace claimgraph::provenance {
namespace {

std::string ClaimKey(std::string_view id) { return StrCat("claim:", id); }
std::string SourceNodeKey(std::string_view id) { return StrCat("source:", id); }
std::string AgentKey(std::string_view id) { return StrCat("agent:", id); }

std::string ActName(v1::ClaimAct act) {
  std::string name = v1::ClaimAct_Name(act);
  constexpr std::string_view kPrefix = "CLAIM_ACT_";
  if (name.compare(0, kPrefix.size(), kPrefix) == 0) name = name.substr(kPrefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// When a document appeared: first seen, else its declared publication; 0 when neither is set.
uint64_t AppearedAt(const sources::SourceFacts& source) {
  return source.first_seen_at != 0 ? source.first_seen_at : source.declared_published_at;
}

class TraceBuilder {
 public:
  TraceBuilder(ProvenanceGraph& graph, const TraceOptions& options, v1::Trace* trace)
      : graph_(graph), options_(options), trace_(trace) {}

  absl::Status AddStart(uint64_t claim) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph_.Claim(claim));
    if (node == nullptr) return absl::OkStatus();
    CG_ASSIGN_OR_RETURN(int index, ClaimNodeIndex(*node, 0));
    (void)index;
    return absl::OkStatus();
  }

  // Breadth first, a wave at a time: the work queued now is expanded in queue order (so nodes
  // are numbered as a plain FIFO walk numbers them), after one prefetch of everything the wave
  // will read.
  absl::Status Run() {
    while (!queue_.empty()) {
      std::vector<Work> wave(queue_.begin(), queue_.end());
      queue_.clear();
      CG_RETURN_IF_ERROR(Prefetch(wave));
      for (const Work& work : wave) {
        if (work.is_claim) {
          CG_RETURN_IF_ERROR(ExpandClaim(work.id, work.depth));
        } else {
          CG_RETURN_IF_ERROR(ExpandSource(work.id, work.depth));
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Finish(std::string_view start_key);

 private:
  struct Work {
    bool is_claim;
    uint64_t id;
    int32_t depth;
  };

  // The index of the node with `key`, creating it; -1 when the node limit stops it.
  int NodeIndex(const std::string& key, v1::TraceNodeKind kind, std::string_view id, int32_t depth,
                bool* created) {
    *created = false;
    auto found = index_.find(key);
    if (found != index_.end()) return found->second;
    if (static_cast<size_t>(trace_->nodes_size()) >= options_.max_nodes) {
      trace_->set_truncated(true);
      return -1;
    }
    v1::TraceNode* node = trace_->add_nodes();
    node->set_key(key);
    node->set_kind(kind);
    node->set_id(std::string(id));
    node->set_depth(depth);
    int index = trace_->nodes_size() - 1;
    index_.emplace(key, index);
    *created = true;
    return index;
  }

  absl::StatusOr<int> ClaimNodeIndex(const ClaimNode& claim, int32_t depth) {
    bool created = false;
    int index = NodeIndex(ClaimKey(claim.claim().id()), v1::TRACE_NODE_KIND_CLAIM,
                          claim.claim().id(), depth, &created);
    if (!created) return index;
    v1::TraceNode* node = trace_->mutable_nodes(index);
    const v1::Claim& record = claim.claim();
    std::string who;
    if (record.claimant().kind_case() == v1::Agent::kEntityId) {
      CG_ASSIGN_OR_RETURN(who, EntityName(record.claimant().entity_id()));
    } else {
      who = StrCat("(unnamed) ", record.claimant().some_value().description());
    }
    if (!record.on_behalf_of_id().empty()) {
      CG_ASSIGN_OR_RETURN(std::string principal, EntityName(record.on_behalf_of_id()));
      who = StrCat(who, " for ", principal);
    }
    node->set_label(StrCat(ActName(record.act()), ": ", who));
    if (record.has_claimed_at()) *node->mutable_claimed_at() = record.claimed_at();
    *node->mutable_recorded_at() = record.recorded_at();
    node->set_stance(record.stance());
    node->set_act(record.act());
    node->set_status(claim.status);
    claim_nodes_.push_back(claim.id);
    queue_.push_back({true, claim.id, depth});
    return index;
  }

  absl::StatusOr<int> SourceNodeIndex(uint64_t source, int32_t depth) {
    CG_ASSIGN_OR_RETURN(const SourceNode* found, graph_.Source(source));
    if (found == nullptr) return -1;
    bool created = false;
    int index = NodeIndex(SourceNodeKey(found->facts.id), v1::TRACE_NODE_KIND_SOURCE,
                          found->facts.id, depth, &created);
    if (!created) return index;
    CG_ASSIGN_OR_RETURN(const v1::Source* stored, graph_.SourceRecord(source));
    if (stored == nullptr) return absl::DataLossError("source without its record");
    const v1::Source& record = *stored;
    v1::TraceNode* node = trace_->mutable_nodes(index);
    node->set_label(!record.title().empty() ? record.title()
                                            : (!record.url().empty() ? record.url() : record.id()));
    if (record.has_declared_published_at()) {
      *node->mutable_declared_published_at() = record.declared_published_at();
    }
    if (record.has_first_seen_at()) *node->mutable_first_seen_at() = record.first_seen_at();
    *node->mutable_recorded_at() = record.recorded_at();
    node->set_reliability(record.reliability());
    source_nodes_.push_back(source);
    queue_.push_back({false, source, depth});
    return index;
  }

  absl::StatusOr<int> AgentNodeIndex(std::string_view entity_id, int32_t depth) {
    bool created = false;
    int index =
        NodeIndex(AgentKey(entity_id), v1::TRACE_NODE_KIND_AGENT, entity_id, depth, &created);
    if (!created) return index;
    CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph_.Entity(entity_id));
    v1::TraceNode* node = trace_->mutable_nodes(index);
    node->set_label(entity != nullptr && !entity->name().empty() ? entity->name()
                                                                 : std::string(entity_id));
    if (entity != nullptr) *node->mutable_recorded_at() = entity->recorded_at();
    return index;
  }

  absl::StatusOr<std::string> EntityName(std::string_view entity_id) {
    CG_ASSIGN_OR_RETURN(const v1::Entity* entity, graph_.Entity(entity_id));
    if (entity == nullptr || entity->name().empty()) return std::string(entity_id);
    return entity->name();
  }

  // Loads what expanding `wave` reads: the relayed claims, the documents, the agents (and then
  // the agents the relayed claims name, for their labels), a few MultiGets instead of a Get each.
  absl::Status Prefetch(const std::vector<Work>& wave) {
    std::vector<uint64_t> claims, sources;
    std::vector<std::string> entities;
    auto agents_of = [&](const v1::Claim& record) {
      if (record.claimant().kind_case() == v1::Agent::kEntityId) {
        entities.push_back(record.claimant().entity_id());
      }
      if (!record.on_behalf_of_id().empty()) entities.push_back(record.on_behalf_of_id());
    };
    for (const Work& work : wave) {
      if (work.is_claim) {
        CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(work.id));
        if (claim == nullptr) continue;
        if (claim->relayed != 0) claims.push_back(claim->relayed);
        if (claim->source != 0) sources.push_back(claim->source);
        agents_of(claim->claim());
        if (!claim->claim().basis().entity_id().empty()) {
          entities.push_back(claim->claim().basis().entity_id());
        }
      } else {
        CG_ASSIGN_OR_RETURN(const SourceNode* source, graph_.Source(work.id));
        if (source == nullptr) continue;
        for (const auto& [earlier, type] : source->facts.earlier) sources.push_back(earlier);
        if (!source->facts.publisher_id.empty()) entities.push_back(source->facts.publisher_id);
      }
    }
    CG_RETURN_IF_ERROR(graph_.Prefetch(claims, sources, entities));
    CG_RETURN_IF_ERROR(graph_.PreloadSourceRecords(sources));
    entities.clear();
    for (uint64_t id : claims) {
      CG_ASSIGN_OR_RETURN(const ClaimNode* relayed, graph_.Claim(id));
      if (relayed != nullptr) agents_of(relayed->claim());
    }
    if (entities.empty()) return absl::OkStatus();
    return graph_.Prefetch({}, {}, entities);
  }

  void AddEdge(int from, int to, v1::TraceEdgeKind kind,
               v1::DerivationType type = v1::DERIVATION_TYPE_UNSPECIFIED) {
    if (from < 0 || to < 0) return;
    v1::TraceEdge* edge = trace_->add_edges();
    edge->set_from_key(trace_->nodes(from).key());
    edge->set_to_key(trace_->nodes(to).key());
    edge->set_kind(kind);
    edge->set_derivation_type(type);
  }

  absl::Status ExpandClaim(uint64_t id, int32_t depth) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(id));
    const v1::Claim& record = claim->claim();
    int self = index_.at(ClaimKey(record.id()));
    // Relays first: under a node limit the chain towards the origin is kept before annotations.
    if (claim->relayed != 0) {
      CG_ASSIGN_OR_RETURN(const ClaimNode* relayed, graph_.Claim(claim->relayed));
      if (relayed != nullptr) {
        CG_ASSIGN_OR_RETURN(int to, ClaimNodeIndex(*relayed, depth + 1));
        AddEdge(self, to, v1::TRACE_EDGE_KIND_RELAYS);
      }
    }
    if (claim->source != 0) {
      CG_ASSIGN_OR_RETURN(int to, SourceNodeIndex(claim->source, depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_FOUND_IN);
    }
    if (record.claimant().kind_case() == v1::Agent::kEntityId) {
      CG_ASSIGN_OR_RETURN(int to, AgentNodeIndex(record.claimant().entity_id(), depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_CLAIMANT);
    } else {
      bool created = false;
      int to = NodeIndex(AnonymousKey(record.id()), v1::TRACE_NODE_KIND_AGENT,
                         record.claimant().some_value().description(), depth + 1, &created);
      if (created) {
        trace_->mutable_nodes(to)->set_label(
            StrCat("(unnamed) ", record.claimant().some_value().description()));
      }
      AddEdge(self, to, v1::TRACE_EDGE_KIND_CLAIMANT);
    }
    if (!record.on_behalf_of_id().empty()) {
      CG_ASSIGN_OR_RETURN(int to, AgentNodeIndex(record.on_behalf_of_id(), depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_ON_BEHALF_OF);
    }
    const v1::Basis& basis = record.basis();
    if (!basis.source_id().empty()) {
      CG_ASSIGN_OR_RETURN(uint64_t source, graph_.ResolveSource(basis.source_id()));
      if (source != 0) {
        CG_ASSIGN_OR_RETURN(int to, SourceNodeIndex(source, depth + 1));
        AddEdge(self, to, v1::TRACE_EDGE_KIND_BASIS);
      }
    }
    if (!basis.entity_id().empty()) {
      CG_ASSIGN_OR_RETURN(int to, AgentNodeIndex(basis.entity_id(), depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_BASIS);
    }
    std::string description = text::NormalizeName(basis.description());
    if (!description.empty()) {
      bool created = false;
      int to = NodeIndex(BasisKey(description), v1::TRACE_NODE_KIND_BASIS, description, depth + 1,
                         &created);
      if (created) trace_->mutable_nodes(to)->set_label(basis.description());
      AddEdge(self, to, v1::TRACE_EDGE_KIND_BASIS);
    }
    return absl::OkStatus();
  }

  absl::Status ExpandSource(uint64_t id, int32_t depth) {
    CG_ASSIGN_OR_RETURN(const SourceNode* source, graph_.Source(id));
    int self = index_.at(SourceNodeKey(source->facts.id));
    for (const auto& [earlier, type] : source->facts.earlier) {
      CG_ASSIGN_OR_RETURN(int to, SourceNodeIndex(earlier, depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_DERIVED_FROM, type);
    }
    if (!source->facts.publisher_id.empty()) {
      CG_ASSIGN_OR_RETURN(int to, AgentNodeIndex(source->facts.publisher_id, depth + 1));
      AddEdge(self, to, v1::TRACE_EDGE_KIND_PUBLISHED_BY);
    }
    return absl::OkStatus();
  }

  // The relay cycles whose members are all on the trace, each in relay order from its smallest
  // internal id.
  absl::StatusOr<std::vector<std::vector<uint64_t>>> RelayCycles();

  void Flag(v1::TraceFlagKind kind, std::string node_key, std::string related_key,
            std::string detail) {
    v1::TraceFlag* flag = trace_->add_flags();
    flag->set_kind(kind);
    flag->set_node_key(std::move(node_key));
    flag->set_related_key(std::move(related_key));
    flag->set_detail(std::move(detail));
  }

  // The earliest-declared document that `source` republishes, directly or through a chain of
  // republish links, when it is declared strictly earlier than `source`.
  absl::StatusOr<const SourceNode*> EarlierOriginal(const SourceNode& source) {
    uint64_t declared = source.facts.declared_published_at;
    if (declared == 0) return static_cast<const SourceNode*>(nullptr);
    const SourceNode* best = nullptr;
    std::vector<const SourceNode*> pending{&source};
    std::unordered_set<uint64_t> seen{source.id};
    while (!pending.empty()) {
      const SourceNode* current = pending.back();
      pending.pop_back();
      for (const auto& [earlier, type] : current->facts.earlier) {
        if (type != v1::DERIVATION_TYPE_REPUBLISHES || !seen.insert(earlier).second) continue;
        CG_ASSIGN_OR_RETURN(const SourceNode* original, graph_.Source(earlier));
        if (original == nullptr) continue;
        pending.push_back(original);
        uint64_t original_declared = original->facts.declared_published_at;
        if (original_declared == 0 || original_declared >= declared) continue;
        if (best == nullptr || original_declared < best->facts.declared_published_at) {
          best = original;
        }
      }
    }
    return best;
  }

  ProvenanceGraph& graph_;
  const TraceOptions& options_;
  v1::Trace* trace_;
  std::deque<Work> queue_;
  std::unordered_map<std::string, int> index_;
  std::vector<uint64_t> claim_nodes_;
  std::vector<uint64_t> source_nodes_;
};

// Relay cycles among the claims of the trace: each claim relays at most one, so a walk along the
// relays from a claim not yet seen either ends, meets a claim seen by an earlier walk, or comes
// back to a claim of its own walk, whose claims from there on are a cycle. Linear, no recursion.
absl::StatusOr<std::vector<std::vector<uint64_t>>> TraceBuilder::RelayCycles() {
  enum class Seen { kOnWalk, kDone };
  std::unordered_map<uint64_t, Seen> seen;
  seen.reserve(claim_nodes_.size());
  std::unordered_set<uint64_t> on_trace(claim_nodes_.begin(), claim_nodes_.end());
  std::vector<std::vector<uint64_t>> cycles;
  for (uint64_t start : claim_nodes_) {
    std::vector<uint64_t> walk;
    uint64_t current = start;
    while (on_trace.count(current) != 0 && seen.count(current) == 0) {
      seen.emplace(current, Seen::kOnWalk);
      walk.push_back(current);
      CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(current));
      current = claim->relayed;
    }
    auto found = seen.find(current);
    if (found != seen.end() && found->second == Seen::kOnWalk) {
      std::vector<uint64_t> cycle(std::find(walk.begin(), walk.end(), current), walk.end());
      // From the member recorded first, as ProvenanceGraph reports relay cycles.
      std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
      cycles.push_back(std::move(cycle));
    }
    for (uint64_t id : walk) seen[id] = Seen::kDone;
  }
  return cycles;
}

absl::Status TraceBuilder::Finish(std::string_view start_key) {
  // Relay cycles: their members are root claims (nothing outside the ring is further back).
  CG_ASSIGN_OR_RETURN(auto relay_cycles, RelayCycles());
  std::unordered_set<uint64_t> in_relay_cycle;
  for (const auto& cycle : relay_cycles) {
    v1::RelayCycle* out = trace_->add_relay_cycles();
    for (uint64_t member : cycle) {
      CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(member));
      out->add_claim_ids(claim->claim().id());
      in_relay_cycle.insert(member);
      Flag(v1::TRACE_FLAG_KIND_RELAY_CYCLE, ClaimKey(claim->claim().id()), "",
           StrCat("member of a relay cycle of ", cycle.size(), " claims"));
    }
  }
  // Root claims: the innermost claims and the members of relay cycles; who said it first among
  // them.
  using TimeKey = std::tuple<int, uint64_t>;
  std::vector<std::pair<TimeKey, std::string>> root_claims;
  for (uint64_t id : claim_nodes_) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* claim, graph_.Claim(id));
    const v1::Claim& record = claim->claim();
    std::string key = ClaimKey(record.id());
    if (claim->inactive()) {
      Flag(v1::TRACE_FLAG_KIND_INACTIVE_CLAIM, key, "",
           StrCat("claim is ", v1::ClaimStatus_Name(claim->status)));
    }
    if (claim->relayed != 0 && in_relay_cycle.count(id) == 0) continue;
    trace_->mutable_nodes(index_.at(key))->set_root(true);
    uint64_t said = ids::ToMicros(record.claimed_at());
    root_claims.push_back(
        {said != 0 ? TimeKey{0, said} : TimeKey{1, ids::ToMicros(record.recorded_at())},
         record.id()});
    if (record.source_id().empty()) {
      Flag(v1::TRACE_FLAG_KIND_ROOT_WITHOUT_SOURCE, key, "",
           "the innermost claim is found in no source");
    }
    if (record.claimant().kind_case() != v1::Agent::kEntityId) {
      Flag(v1::TRACE_FLAG_KIND_ANONYMOUS_CLAIMANT, key, std::string(start_key),
           StrCat("the chain ends in an unnamed claimant: ",
                  record.claimant().some_value().description()));
    }
  }
  std::sort(root_claims.begin(), root_claims.end());
  for (const auto& [time, id] : root_claims) {
    if (time == root_claims.front().first) trace_->add_first_claim_ids(id);
  }
  std::vector<std::string> root_claim_ids;
  for (const auto& entry : root_claims) root_claim_ids.push_back(entry.second);
  std::sort(root_claim_ids.begin(), root_claim_ids.end());
  for (auto& id : root_claim_ids) trace_->add_root_claim_ids(std::move(id));
  std::vector<std::string> first_claims(trace_->first_claim_ids().begin(),
                                        trace_->first_claim_ids().end());
  std::sort(first_claims.begin(), first_claims.end());
  trace_->clear_first_claim_ids();
  for (auto& id : first_claims) trace_->add_first_claim_ids(std::move(id));

  // Root documents, where it first appeared, copies dated later, cycles.
  std::vector<std::pair<TimeKey, std::string>> root_sources;
  std::vector<const SourceComponent*> cycles;
  std::unordered_set<const SourceComponent*> cycles_seen;
  for (uint64_t id : source_nodes_) {
    CG_ASSIGN_OR_RETURN(const SourceNode* source, graph_.Source(id));
    CG_ASSIGN_OR_RETURN(const SourceComponent* component, graph_.Component(id));
    std::string key = SourceNodeKey(source->facts.id);
    if (component->root) {
      trace_->mutable_nodes(index_.at(key))->set_root(true);
      uint64_t appeared = AppearedAt(source->facts);
      root_sources.push_back(
          {appeared != 0 ? TimeKey{0, appeared} : TimeKey{1, 0}, source->facts.id});
    }
    if (component->cycle) {
      Flag(v1::TRACE_FLAG_KIND_DERIVATION_CYCLE, key, "",
           StrCat("member of a derivation cycle of ", component->members.size(), " sources"));
      if (cycles_seen.insert(component).second) cycles.push_back(component);
    }
    CG_ASSIGN_OR_RETURN(const SourceNode* original, EarlierOriginal(*source));
    if (original != nullptr) {
      Flag(v1::TRACE_FLAG_KIND_COPY_DATED_LATER, key, SourceNodeKey(original->facts.id),
           StrCat("republishes '", original->facts.id, "' but declares a later date"));
    }
  }
  std::sort(root_sources.begin(), root_sources.end());
  std::vector<std::string> root_source_ids, first_sources;
  for (const auto& [time, id] : root_sources) {
    root_source_ids.push_back(id);
    if (time == root_sources.front().first) first_sources.push_back(id);
  }
  std::sort(root_source_ids.begin(), root_source_ids.end());
  std::sort(first_sources.begin(), first_sources.end());
  for (auto& id : root_source_ids) trace_->add_root_source_ids(std::move(id));
  for (auto& id : first_sources) trace_->add_first_source_ids(std::move(id));
  for (const SourceComponent* component : cycles) {
    std::vector<std::string> members;
    for (uint64_t member : component->members) {
      CG_ASSIGN_OR_RETURN(const SourceNode* source, graph_.Source(member));
      members.push_back(source->facts.id);
    }
    std::sort(members.begin(), members.end());
    v1::DerivationCycle* cycle = trace_->add_cycles();
    for (auto& member : members) cycle->add_source_ids(std::move(member));
  }
  if (graph_.view().as_of() != std::numeric_limits<uint64_t>::max()) {
    *trace_->mutable_as_of() = ids::FromMicros(graph_.view().as_of());
  }
  return absl::OkStatus();
}

absl::Status CheckMaxNodes(const TraceOptions& options) {
  if (options.max_nodes == 0) return absl::InvalidArgumentError("max_nodes: must be positive");
  return absl::OkStatus();
}

// What a paged trace's tokens are bound to: the query (which RPC, its id and what changes the
// walk) and, through the pinned token, its time.
uint64_t TraceFingerprint(std::string_view kind, std::string_view id, const TraceOptions& options) {
  const std::string_view zero("\0", 1);
  return paging::Fingerprint(
      StrCat(kind, zero, id, zero, options.max_nodes, options.include_inactive ? "+inactive" : ""));
}

// The position a paged trace's token names ("" for the first page), checked against the query
// and the view's time before the walk.
absl::StatusOr<std::string> TracePosition(const ReadView& view, uint64_t fingerprint,
                                          const TracePaging& paging) {
  if (paging.page_size == 0) return absl::InvalidArgumentError("page_size: must be positive");
  if (view.as_of() == std::numeric_limits<uint64_t>::max()) {
    return absl::InternalError("a paged trace needs a view as of a pinned time");
  }
  return paging::DecodePinnedPageToken(paging.page_token, fingerprint, view.as_of());
}

// The page of `full` (the whole walk) at `position`.
absl::StatusOr<TracePage> PageOf(const v1::Trace& full, uint64_t fingerprint, uint64_t as_of,
                                 std::string_view position, const TracePaging& paging) {
  std::unordered_map<std::string_view, size_t> node_at;
  node_at.reserve(static_cast<size_t>(full.nodes_size()));
  for (int i = 0; i < full.nodes_size(); ++i) node_at.emplace(full.nodes(i).key(), i);
  std::vector<size_t> later_end;
  later_end.reserve(static_cast<size_t>(full.edges_size()));
  for (const auto& edge : full.edges()) {
    later_end.push_back(std::max(node_at.at(edge.from_key()), node_at.at(edge.to_key())));
  }
  const auto items = paging::GraphPageOrder(node_at.size(), later_end);
  CG_ASSIGN_OR_RETURN(uint64_t offset, paging::DecodeGraphPosition(position, items.size()));
  // Flags go with their node; a flag on no node of the trace (there are none) with the summaries.
  std::unordered_map<size_t, std::vector<int>> flags_of;
  std::vector<int> unplaced_flags;
  for (int i = 0; i < full.flags_size(); ++i) {
    auto node = node_at.find(full.flags(i).node_key());
    if (node != node_at.end()) {
      flags_of[node->second].push_back(i);
    } else {
      unplaced_flags.push_back(i);
    }
  }
  TracePage page;
  page.total_nodes = node_at.size();
  page.total_edges = later_end.size();
  v1::Trace& out = page.trace;
  out.set_truncated(full.truncated());
  if (full.has_as_of()) *out.mutable_as_of() = full.as_of();
  std::vector<bool> flag_on_page(static_cast<size_t>(full.flags_size()), false);
  if (offset == 0) {
    *out.mutable_root_claim_ids() = full.root_claim_ids();
    *out.mutable_root_source_ids() = full.root_source_ids();
    *out.mutable_first_claim_ids() = full.first_claim_ids();
    *out.mutable_first_source_ids() = full.first_source_ids();
    *out.mutable_cycles() = full.cycles();
    *out.mutable_relay_cycles() = full.relay_cycles();
    for (int i : unplaced_flags) flag_on_page[static_cast<size_t>(i)] = true;
  }
  AnswerBudget budget(
      paging.max_page_bytes > 0 ? paging.max_page_bytes : std::numeric_limits<size_t>::max(),
      out.ByteSizeLong());
  size_t end = offset;
  while (end < items.size() && end - offset < paging.page_size) {
    const paging::GraphItem& item = items[end];
    size_t item_bytes = 0;
    const std::vector<int>* flags = nullptr;
    if (item.is_edge) {
      item_bytes = full.edges(static_cast<int>(item.index)).ByteSizeLong();
    } else {
      item_bytes = full.nodes(static_cast<int>(item.index)).ByteSizeLong();
      auto found = flags_of.find(item.index);
      if (found != flags_of.end()) {
        flags = &found->second;
        for (int i : *flags) item_bytes += full.flags(i).ByteSizeLong();
      }
    }
    if (!budget.Take(item_bytes)) break;
    if (item.is_edge) {
      *out.add_edges() = full.edges(static_cast<int>(item.index));
    } else {
      *out.add_nodes() = full.nodes(static_cast<int>(item.index));
      if (flags != nullptr) {
        for (int i : *flags) flag_on_page[static_cast<size_t>(i)] = true;
      }
    }
    ++end;
  }
  // The page's flags in the unpaged answer's order.
  for (int i = 0; i < full.flags_size(); ++i) {
    if (flag_on_page[static_cast<size_t>(i)]) *out.add_flags() = full.flags(i);
  }
  if (end < items.size()) {
    page.next_page_token = paging::EncodePinnedPageToken(
        fingerprint, as_of, paging::EncodeGraphPosition(end, items.size()));
  }
  return page;
}

}  // namespace

absl::StatusOr<v1::Trace> TraceClaim(const ReadView& view, std::string_view claim_id,
                                     const TraceOptions& options) {
  if (claim_id.empty()) return absl::InvalidArgumentError("claim_id: is required");
  CG_RETURN_IF_ERROR(CheckMaxNodes(options));
  ProvenanceGraph graph(view);
  CG_ASSIGN_OR_RETURN(auto internal, graph.ResolveClaim(claim_id));
  if (!internal)
    return absl::NotFoundError(
        StrCat("claim_id: claim ", validation::Quote(claim_id), " not found"));
  v1::Trace trace;
  TraceBuilder builder(graph, options, &trace);
  CG_RETURN_IF_ERROR(builder.AddStart(*internal));
  CG_RETURN_IF_ERROR(builder.Run());
  CG_RETURN_IF_ERROR(builder.Finish(ClaimKey(claim_id)));
  return trace;
}

absl::StatusOr<v1::Trace> TraceStatement(const ReadView& view, std::string_view statement_id,
                                         const TraceOptions& options) {
  if (statement_id.empty()) return absl::InvalidArgumentError("statement_id: is required");
  CG_RETURN_IF_ERROR(CheckMaxNodes(options));
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kStatement, statement_id));
  std::optional<v1::Statement> statement;
  if (internal) {
    CG_ASSIGN_OR_RETURN(statement, view.StatementByInternalId(*internal));
  }
  if (!statement) {
    return absl::NotFoundError(
        StrCat("statement_id: statement ", validation::Quote(statement_id), " not found"));
  }
  ProvenanceGraph graph(view);
  v1::Trace trace;
  TraceBuilder builder(graph, options, &trace);
  std::vector<uint64_t> claims;
  CG_RETURN_IF_ERROR(view.ForEachClaimOfStatement(*internal, [&](uint64_t claim) {
    claims.push_back(claim);
    return claims.size() < options.max_nodes;
  }));
  for (uint64_t claim : claims) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, graph.Claim(claim));
    if (node == nullptr || (node->inactive() && !options.include_inactive)) continue;
    CG_RETURN_IF_ERROR(builder.AddStart(claim));
  }
  CG_RETURN_IF_ERROR(builder.Run());
  CG_RETURN_IF_ERROR(builder.Finish(""));
  return trace;
}

absl::StatusOr<TracePage> TraceClaimPage(const ReadView& view, std::string_view claim_id,
                                         const TraceOptions& options, const TracePaging& paging) {
  const uint64_t fingerprint = TraceFingerprint("TraceClaim", claim_id, options);
  CG_ASSIGN_OR_RETURN(std::string position, TracePosition(view, fingerprint, paging));
  CG_ASSIGN_OR_RETURN(v1::Trace full, TraceClaim(view, claim_id, options));
  return PageOf(full, fingerprint, view.as_of(), position, paging);
}

absl::StatusOr<TracePage> TraceStatementPage(const ReadView& view, std::string_view statement_id,
                                             const TraceOptions& options,
                                             const TracePaging& paging) {
  const uint64_t fingerprint = TraceFingerprint("TraceStatement", statement_id, options);
  CG_ASSIGN_OR_RETURN(std::string position, TracePosition(view, fingerprint, paging));
  CG_ASSIGN_OR_RETURN(v1::Trace full, TraceStatement(view, statement_id, options));
  return PageOf(full, fingerprint, view.as_of(), position, paging);
}

}  // namespace claimgraph::provenance
