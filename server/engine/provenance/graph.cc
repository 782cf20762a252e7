// ProvenanceGraph: lazy, memoized loading and the iterative walks (relay chains, origin sets);
// the derivation components are in graph_components.cc.
#include "engine/provenance/graph.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <unordered_set>

#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "engine/text.h"

namespace claimgraph::provenance {

using keys::IdKind;

std::string EntityKey(std::string_view entity_id) { return StrCat("entity:", entity_id); }
std::string SourceKey(std::string_view source_id) { return StrCat("source:", source_id); }
std::string BasisKey(std::string_view description) {
  return StrCat("basis:", text::NormalizeName(description));
}
std::string AnonymousKey(std::string_view claim_id) { return StrCat("anonymous:", claim_id); }

// Record cache. Claim records and forward dictionary entries never change once written, so they
// are shared across queries through the view's RecordCache. A cached entry may come from a newer
// snapshot than this view's, so only what this view is known to hold is looked up: claims by
// internal ids this view resolved or scanned (or that a visible claim relays: a relayed claim is
// stored no later than the link to it, in the same batch or before), and ids named by records this
// view read (a claim's source, basis and relayed claim and a source's derivations must exist when
// the naming record is written; entity ids named by records are looked up too, but the entity
// record itself is read as of the view, so a newer mapping cannot make an entity visible). External
// ids from callers (ResolveClaim) are resolved in the view.
//
// What a write can change (source and entity versions, a claim's lifecycle events and so its
// node, a statement's claims) is cached as state entries: valid for one snapshot sequence only,
// and used only by views of the latest time (as_of unset), for which the snapshot alone decides
// every answer. A view as of the past, or a store without sequences, never uses them. Each kind
// byte below names the type of its values:
constexpr char kStateClaim = 'N';         // 8-byte internal id -> ClaimNode
constexpr char kStateSource = 'S';        // 8-byte internal id -> SourceNode
constexpr char kStateSourceRecord = 'R';  // 8-byte internal id -> v1::Source (stored ones only)
constexpr char kStateEntity = 'E';        // external id -> v1::Entity (stored ones only)
constexpr char kStateStatement = 'P';     // 8-byte internal id -> std::vector<uint64_t>, all claims
constexpr char kStateStatementId = 'X';   // 8-byte internal id -> std::string, its external id
// External id -> uint64_t: the internal id of a claim (ResolveClaim) or of a statement recorded
// by then (ResolveStatement); 0 when there is none.
constexpr char kStateClaimId = 'c';
// 8-byte statement id -> PreloadedNodes: what PreloadStatement memoized.
constexpr char kStatePreloaded = 'B';
constexpr char kStateVisibleStatement = 't';

namespace {

std::string StateKey(char kind, std::string_view id) {
  std::string key;
  key.reserve(1 + id.size());
  key.push_back(kind);
  key.append(id);
  return key;
}

std::string IdBytes(uint64_t id) {
  std::string bytes;
  keys::AppendU64(&bytes, id);
  return bytes;
}

size_t FactsBytes(const sources::SourceFacts& facts) {
  return facts.id.capacity() + facts.publisher_id.capacity() +
         facts.earlier.capacity() * sizeof(facts.earlier[0]);
}

uint64_t StateOf(const ReadView& view) {
  if (view.record_cache() == nullptr || view.as_of() != std::numeric_limits<uint64_t>::max()) {
    return 0;
  }
  return view.snapshot_sequence();
}

struct PreloadedNodes {
  std::vector<std::pair<uint64_t, std::shared_ptr<const ClaimNode>>> claims;
  std::vector<std::pair<uint64_t, std::shared_ptr<const SourceNode>>> sources;
};

// The view's source graph, when it holds every source version the view's snapshot holds: the
// commit the snapshot ends with may still be on its way to the graph (it is handed over right
// after the commit, under the write lock), so a few yields are allowed before the records are
// read instead.
const sources::SourceGraph* ServingSourceGraph(const ReadView& view, uint64_t* time) {
  const sources::SourceGraph* graph = view.source_graph();
  if (graph == nullptr) return nullptr;
  absl::StatusOr<uint64_t> clock = view.CommittedClock();
  if (!clock.ok()) return nullptr;
  constexpr int kAttempts = 64;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (graph->Serves(*clock, view.cache_generation())) {
      *time = std::min(view.as_of(), *clock);
      return graph;
    }
    std::this_thread::yield();
  }
  return nullptr;
}

}  // namespace

ProvenanceGraph::ProvenanceGraph(const ReadView& view, StateEntries state_entries)
    : view_(view), state_(StateOf(view)), state_entries_(state_entries) {
  source_graph_ = ServingSourceGraph(view, &source_time_);
}

bool ProvenanceGraph::KeepsState(char kind) const {
  return state_ != 0 && (state_entries_ == StateEntries::kAll || kind == kStateSource);
}

template <typename T>
std::shared_ptr<const T> ProvenanceGraph::FindState(char kind, std::string_view id) const {
  if (!KeepsState(kind)) return nullptr;
  // The kind byte names the value's type, so the cast is to the type it was added as.
  return std::static_pointer_cast<const T>(
      view_.record_cache()->FindForState(state_, StateKey(kind, id)));
}

void ProvenanceGraph::AddState(char kind, std::string_view id, std::shared_ptr<const void> value,
                               size_t bytes) const {
  if (!KeepsState(kind)) return;
  view_.record_cache()->AddForState(state_, StateKey(kind, id), std::move(value), bytes);
}

absl::StatusOr<std::shared_ptr<ClaimNode>> ProvenanceGraph::MakeClaimNode(
    uint64_t id, std::shared_ptr<const CachedClaim> stored, bool has_events) {
  if (ids::ToMicros(stored->claim.recorded_at()) > view_.as_of()) {
    return std::shared_ptr<ClaimNode>();
  }
  auto node = std::make_shared<ClaimNode>();
  node->id = id;
  node->relayed = stored->relayed;
  node->source = stored->source;
  node->stored = std::move(stored);
  CG_ASSIGN_OR_RETURN(node->events, view_.ClaimEvents(id, has_events));
  // Retraction outranks deprecation, which outranks correction (as ReadView::GetClaim does).
  for (const auto& event : node->events) {
    if (event.kind() == v1::LIFECYCLE_KIND_RETRACTION) {
      node->status = v1::CLAIM_STATUS_RETRACTED;
    } else if (event.kind() == v1::LIFECYCLE_KIND_DEPRECATION) {
      if (node->status != v1::CLAIM_STATUS_RETRACTED) node->status = v1::CLAIM_STATUS_DEPRECATED;
    } else if (event.kind() == v1::LIFECYCLE_KIND_CORRECTION) {
      if (node->status == v1::CLAIM_STATUS_ACTIVE) node->status = v1::CLAIM_STATUS_CORRECTED;
    } else if (event.kind() == v1::LIFECYCLE_KIND_RELAYS && node->relayed == 0) {
      // A relay link added after the claim was written, in force from when it was recorded.
      const std::string& relayed = event.relays_claim_id();
      CG_RETURN_IF_ERROR(ResolveMany(IdKind::kClaim, {relayed}, &claim_ids_));
      node->relayed = claim_ids_.at(relayed);
    }
  }
  return node;
}

void ProvenanceGraph::PlanClaims(const std::vector<uint64_t>& ids, ClaimLoad* load,
                                 std::vector<ReadView::StoredRef>* keys) {
  const RecordCacheAccess* cache = view_.record_cache();
  for (uint64_t id : ids) {
    if (id == 0 || claims_.count(id) != 0) continue;
    if (std::find(load->ids.begin(), load->ids.end(), id) != load->ids.end()) continue;
    if (auto node = FindState<ClaimNode>(kStateClaim, IdBytes(id))) {
      claims_.emplace(id, std::move(node));
      continue;
    }
    load->ids.push_back(id);
    load->cached.push_back(cache != nullptr ? cache->FindClaim(id) : nullptr);
    if (load->cached.back() == nullptr) keys->push_back({ReadView::StoredKind::kClaim, id});
    keys->push_back({ReadView::StoredKind::kClaimEventsMarker, id});
  }
}

absl::Status ProvenanceGraph::FinishClaims(
    ClaimLoad& load, const std::vector<absl::StatusOr<std::optional<std::string>>>& values,
    size_t* next) {
  const size_t count = load.ids.size();
  std::vector<bool> marked(count);
  std::vector<std::shared_ptr<CachedClaim>> read(count);
  std::vector<std::string> relayed_ids, source_ids;
  for (size_t i = 0; i < count; ++i) {
    if (load.cached[i] == nullptr) {
      const auto& record = *values[(*next)++];
      if (record) {
        auto fresh = std::make_shared<CachedClaim>();
        if (!fresh->claim.ParseFromArray(record->data(), static_cast<int>(record->size()))) {
          return absl::DataLossError("corrupt claim record");
        }
        if (!fresh->claim.relays_claim_id().empty()) {
          relayed_ids.push_back(fresh->claim.relays_claim_id());
        }
        if (!fresh->claim.source_id().empty()) source_ids.push_back(fresh->claim.source_id());
        read[i] = std::move(fresh);
      }
    }
    marked[i] = values[(*next)++]->has_value();
  }
  // The ids the records read name: one MultiGet per kind (fewer with the cache).
  CG_RETURN_IF_ERROR(ResolveMany(IdKind::kClaim, relayed_ids, &claim_ids_));
  CG_RETURN_IF_ERROR(ResolveMany(IdKind::kSource, source_ids, &source_ids_));
  const RecordCacheAccess* cache = view_.record_cache();
  for (size_t i = 0; i < count; ++i) {
    if (read[i] != nullptr) {
      CachedClaim& fresh = *read[i];
      if (!fresh.claim.relays_claim_id().empty()) {
        fresh.relayed = claim_ids_.at(fresh.claim.relays_claim_id());
      }
      if (!fresh.claim.source_id().empty()) fresh.source = source_ids_.at(fresh.claim.source_id());
      load.cached[i] = read[i];
      if (cache != nullptr) cache->AddClaim(load.ids[i], load.cached[i]);
    }
    std::shared_ptr<ClaimNode> node;
    if (load.cached[i] != nullptr) {
      CG_ASSIGN_OR_RETURN(node, MakeClaimNode(load.ids[i], load.cached[i], marked[i]));
    }
    if (node != nullptr && KeepsState(kStateClaim)) {
      AddState(kStateClaim, IdBytes(load.ids[i]), node,
               sizeof(ClaimNode) + node->events.size() * sizeof(v1::LifecycleEvent));
    }
    claims_[load.ids[i]] = std::move(node);
  }
  return absl::OkStatus();
}

absl::StatusOr<const ClaimNode*> ProvenanceGraph::Claim(uint64_t id) {
  auto found = claims_.find(id);
  if (found != claims_.end()) return found->second.get();
  // The record (unless cached) and its lifecycle marker in one call.
  ClaimLoad load;
  std::vector<ReadView::StoredRef> record_keys;
  PlanClaims({id}, &load, &record_keys);
  if (record_keys.empty()) {  // id 0, or found in the state cache
    found = claims_.find(id);
    return found != claims_.end() ? found->second.get() : nullptr;
  }
  auto values = view_.MultiGetStored(record_keys);
  for (const auto& value : values) {
    if (!value.ok()) return value.status();
  }
  size_t next = 0;
  CG_RETURN_IF_ERROR(FinishClaims(load, values, &next));
  return claims_.at(id).get();
}

absl::Status ProvenanceGraph::ResolveMany(IdKind kind, const std::vector<std::string>& ids,
                                          std::unordered_map<std::string, uint64_t>* memo) {
  const RecordCacheAccess* cache = view_.record_cache();
  std::vector<std::string> wanted;
  for (const auto& id : ids) {
    if (memo->count(id) != 0) continue;
    if (cache != nullptr) {
      if (auto internal = cache->FindId(kind, id)) {
        memo->emplace(id, *internal);
        continue;
      }
    }
    wanted.push_back(id);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (wanted.empty()) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto internal, view_.ResolveMany(kind, wanted));
  for (size_t i = 0; i < wanted.size(); ++i) {
    (*memo)[wanted[i]] = internal[i].value_or(0);
    if (cache != nullptr && internal[i]) cache->AddId(kind, wanted[i], *internal[i]);
  }
  return absl::OkStatus();
}

absl::Status ProvenanceGraph::Preload(const std::vector<uint64_t>& claims) {
  std::vector<uint64_t> wanted;
  for (uint64_t id : claims) {
    if (claims_.count(id) == 0) wanted.push_back(id);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (wanted.empty()) return absl::OkStatus();
  // 1. The claim records (those not cached) and their lifecycle markers: one MultiGet; then the
  // ids they name, one MultiGet per kind.
  ClaimLoad load;
  std::vector<ReadView::StoredRef> record_keys;
  PlanClaims(wanted, &load, &record_keys);
  if (!record_keys.empty()) {
    auto values = view_.MultiGetStored(record_keys);
    for (const auto& value : values) {
      if (!value.ok()) return value.status();
    }
    size_t next = 0;
    CG_RETURN_IF_ERROR(FinishClaims(load, values, &next));
  }
  std::vector<const ClaimNode*> loaded;
  for (uint64_t id : wanted) {
    auto found = claims_.find(id);
    if (found != claims_.end() && found->second != nullptr) loaded.push_back(found->second.get());
  }
  std::vector<uint64_t> sources;
  for (const ClaimNode* node : loaded) {
    if (node->source != 0 && sources_.count(node->source) == 0) sources.push_back(node->source);
  }
  // 2. Their sources and basis documents, with everything they derive from.
  std::vector<std::string> basis_ids;
  for (const ClaimNode* node : loaded) {
    if (!node->claim().basis().source_id().empty())
      basis_ids.push_back(node->claim().basis().source_id());
  }
  CG_RETURN_IF_ERROR(ResolveMany(IdKind::kSource, basis_ids, &source_ids_));
  for (const auto& id : basis_ids) sources.push_back(source_ids_.at(id));
  return PreloadSources(std::move(sources));
}

absl::Status ProvenanceGraph::PreloadStatement(uint64_t statement,
                                               const std::vector<uint64_t>& claims) {
  const std::string key = IdBytes(statement);
  if (auto preloaded = FindState<PreloadedNodes>(kStatePreloaded, key)) {
    claims_.reserve(claims_.size() + preloaded->claims.size());
    for (const auto& [id, node] : preloaded->claims) claims_.emplace(id, node);
    sources_.reserve(sources_.size() + preloaded->sources.size());
    for (const auto& [id, node] : preloaded->sources) sources_.emplace(id, node);
    return absl::OkStatus();
  }
  CG_RETURN_IF_ERROR(Preload(claims));
  if (!KeepsState(kStatePreloaded)) return absl::OkStatus();
  // Every node memoized so far was loaded in this view's state (or found cached for it).
  auto preloaded = std::make_shared<PreloadedNodes>();
  size_t bytes = sizeof(PreloadedNodes);
  for (const auto& [id, node] : claims_) {
    preloaded->claims.emplace_back(id, node);
    bytes += sizeof(preloaded->claims[0]) + sizeof(ClaimNode);
  }
  for (const auto& [id, node] : sources_) {
    preloaded->sources.emplace_back(id, node);
    bytes += sizeof(preloaded->sources[0]) + sizeof(SourceNode) +
             (node != nullptr ? FactsBytes(node->facts) : 0);
  }
  AddState(kStatePreloaded, key, std::move(preloaded), bytes);
  return absl::OkStatus();
}

absl::Status ProvenanceGraph::PreloadSources(std::vector<uint64_t> frontier) {
  if (source_graph_ != nullptr) return absl::OkStatus();  // each Source() is a memory lookup
  // Level by level along the derivation links (Component() then walks them from memory): one
  // MultiGet of the records and one of the ids they name per level, however many sources.
  while (true) {
    std::sort(frontier.begin(), frontier.end());
    frontier.erase(std::unique(frontier.begin(), frontier.end()), frontier.end());
    frontier.erase(std::remove_if(frontier.begin(), frontier.end(),
                                  [&](uint64_t id) { return id == 0 || sources_.count(id) != 0; }),
                   frontier.end());
    // Those in the state cache are memoized from it; their derivations are the next level's.
    std::vector<uint64_t> next;
    frontier.erase(std::remove_if(frontier.begin(), frontier.end(),
                                  [&](uint64_t id) {
                                    const SourceNode* cached = CachedSource(id);
                                    if (cached == nullptr) return false;
                                    for (const auto& link : cached->facts.earlier) {
                                      next.push_back(link.first);
                                    }
                                    return true;
                                  }),
                   frontier.end());
    if (frontier.empty()) {
      if (next.empty()) return absl::OkStatus();
      frontier = std::move(next);
      continue;
    }
    CG_ASSIGN_OR_RETURN(auto records, view_.SourcesByInternalIds(frontier));
    std::vector<std::string> earlier_ids;
    for (const auto& record : records) {
      if (!record) continue;
      for (const auto& link : record->derived_from()) earlier_ids.push_back(link.source_id());
    }
    CG_RETURN_IF_ERROR(ResolveMany(IdKind::kSource, earlier_ids, &source_ids_));
    for (size_t i = 0; i < frontier.size(); ++i) {
      if (!records[i]) {
        sources_[frontier[i]] = nullptr;
        continue;
      }
      CG_ASSIGN_OR_RETURN(auto node, MakeSourceNode(frontier[i], *std::move(records[i])));
      for (const auto& [earlier, type] : node->facts.earlier) next.push_back(earlier);
      sources_[frontier[i]] = std::move(node);
    }
    frontier = std::move(next);
  }
}

absl::Status ProvenanceGraph::Prefetch(const std::vector<uint64_t>& claims,
                                       const std::vector<uint64_t>& sources,
                                       const std::vector<std::string>& entities) {
  const bool current = view_.current();
  // 1. The entities' internal ids.
  std::vector<std::string> entity_names;
  if (current) {
    for (const auto& id : entities) {
      if (id.empty() || entities_.count(id) != 0) continue;
      if (auto cached = FindState<v1::Entity>(kStateEntity, id)) {
        entities_.emplace(id, std::move(cached));
        continue;
      }
      entity_names.push_back(id);
    }
    CG_RETURN_IF_ERROR(ResolveMany(IdKind::kEntity, entity_names, &entity_ids_));
  }
  // 2. Every record in one MultiGet: claims with their markers, current sources and entities.
  std::vector<ReadView::StoredRef> record_keys;
  std::vector<uint64_t> new_sources;
  std::vector<std::string> new_entities;
  ClaimLoad load;
  PlanClaims(claims, &load, &record_keys);
  if (current && source_graph_ == nullptr) {
    for (uint64_t id : sources) {
      if (id == 0 || sources_.count(id) != 0) continue;
      if (std::find(new_sources.begin(), new_sources.end(), id) != new_sources.end()) continue;
      if (CachedSource(id) != nullptr) continue;
      new_sources.push_back(id);
      record_keys.push_back({ReadView::StoredKind::kCurrentSource, id});
    }
  }
  if (current) {
    for (const auto& name : entity_names) {
      if (entities_.count(name) != 0) continue;  // named twice
      if (entity_ids_.at(name) == 0) {
        entities_[name] = nullptr;
        continue;
      }
      if (std::find(new_entities.begin(), new_entities.end(), name) != new_entities.end()) continue;
      new_entities.push_back(name);
      record_keys.push_back({ReadView::StoredKind::kCurrentEntity, entity_ids_.at(name)});
    }
  }
  if (record_keys.empty()) return absl::OkStatus();
  auto values = view_.MultiGetStored(record_keys);
  for (const auto& value : values) {
    if (!value.ok()) return value.status();
  }
  size_t next = 0;
  CG_RETURN_IF_ERROR(FinishClaims(load, values, &next));
  std::vector<std::string> source_ids;
  std::vector<std::optional<v1::Source>> source_records;
  for (size_t i = 0; i < new_sources.size(); ++i, ++next) {
    source_records.emplace_back();
    if (!values[next]->has_value()) continue;
    v1::Source source;
    const std::string& bytes = **values[next];
    if (!source.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError("corrupt source record");
    }
    for (const auto& link : source.derived_from()) source_ids.push_back(link.source_id());
    source_records.back() = std::move(source);
  }
  for (const auto& name : new_entities) {
    const auto& value = *values[next++];
    if (!value) {
      entities_[name] = nullptr;
      continue;
    }
    auto entity = std::make_shared<v1::Entity>();
    if (!entity->ParseFromArray(value->data(), static_cast<int>(value->size()))) {
      return absl::DataLossError("corrupt entity record");
    }
    if (KeepsState(kStateEntity)) AddState(kStateEntity, name, entity, entity->SpaceUsedLong());
    entities_[name] = std::move(entity);
  }
  // 3. The ids the new sources name.
  CG_RETURN_IF_ERROR(ResolveMany(IdKind::kSource, source_ids, &source_ids_));
  for (size_t i = 0; i < new_sources.size(); ++i) {
    if (!source_records[i]) {
      sources_[new_sources[i]] = nullptr;
      continue;
    }
    CG_ASSIGN_OR_RETURN(sources_[new_sources[i]],
                        MakeSourceNode(new_sources[i], *std::move(source_records[i])));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<uint64_t>> ProvenanceGraph::ResolveClaim(std::string_view id) {
  std::optional<uint64_t> internal;
  if (auto cached = FindState<uint64_t>(kStateClaimId, id)) {
    if (*cached != 0) internal = *cached;
  } else {
    CG_ASSIGN_OR_RETURN(internal, view_.Resolve(IdKind::kClaim, id));
    AddState(kStateClaimId, id, std::make_shared<const uint64_t>(internal.value_or(0)),
             sizeof(uint64_t));
  }
  if (!internal) return std::optional<uint64_t>();
  CG_ASSIGN_OR_RETURN(const ClaimNode* node, Claim(*internal));
  if (node == nullptr) return std::optional<uint64_t>();
  return internal;
}

absl::StatusOr<std::optional<uint64_t>> ProvenanceGraph::ResolveStatement(std::string_view id) {
  if (auto cached = FindState<uint64_t>(kStateVisibleStatement, id)) {
    return *cached != 0 ? std::optional<uint64_t>(*cached) : std::nullopt;
  }
  CG_ASSIGN_OR_RETURN(auto internal, view_.Resolve(IdKind::kStatement, id));
  if (internal) {
    CG_ASSIGN_OR_RETURN(auto statement, view_.StatementByInternalId(*internal));
    if (!statement) internal.reset();
  }
  AddState(kStateVisibleStatement, id, std::make_shared<const uint64_t>(internal.value_or(0)),
           sizeof(uint64_t));
  return internal;
}

absl::StatusOr<uint64_t> ProvenanceGraph::ResolveSource(std::string_view id) {
  std::string key(id);
  auto memo = source_ids_.find(key);
  if (memo != source_ids_.end()) return memo->second;
  CG_RETURN_IF_ERROR(ResolveMany(IdKind::kSource, {key}, &source_ids_));
  return source_ids_.at(key);
}

absl::StatusOr<std::shared_ptr<SourceNode>> ProvenanceGraph::MakeSourceNode(uint64_t id,
                                                                            v1::Source record) {
  auto node = std::make_shared<SourceNode>();
  node->id = id;
  CG_ASSIGN_OR_RETURN(node->facts, sources::FactsOf(record, [&](std::string_view source_id) {
                        return ResolveSource(source_id);
                      }));
  if (KeepsState(kStateSource)) {
    AddState(kStateSource, IdBytes(id), node, sizeof(SourceNode) + FactsBytes(node->facts));
  }
  return node;
}

absl::StatusOr<const v1::Source*> ProvenanceGraph::SourceRecord(uint64_t id) {
  CG_RETURN_IF_ERROR(PreloadSourceRecords({id}));
  return source_records_.at(id).get();
}

absl::Status ProvenanceGraph::PreloadSourceRecords(const std::vector<uint64_t>& ids) {
  std::vector<uint64_t> wanted;
  for (uint64_t id : ids) {
    if (id == 0 || source_records_.count(id) != 0) continue;
    if (auto cached = FindState<v1::Source>(kStateSourceRecord, IdBytes(id))) {
      source_records_.emplace(id, std::move(cached));
      continue;
    }
    wanted.push_back(id);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (wanted.empty()) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto records, view_.SourcesByInternalIds(wanted));
  for (size_t i = 0; i < wanted.size(); ++i) {
    std::shared_ptr<const v1::Source> record;
    if (records[i]) {
      record = std::make_shared<const v1::Source>(*std::move(records[i]));
      AddState(kStateSourceRecord, IdBytes(wanted[i]), record, record->SpaceUsedLong());
    }
    source_records_.emplace(wanted[i], std::move(record));
  }
  return absl::OkStatus();
}

const SourceNode* ProvenanceGraph::CachedSource(uint64_t id) {
  auto cached = FindState<SourceNode>(kStateSource, IdBytes(id));
  if (cached == nullptr) return nullptr;
  const SourceNode* node = cached.get();
  sources_[id] = std::move(cached);
  return node;
}

absl::StatusOr<const SourceNode*> ProvenanceGraph::Source(uint64_t id) {
  auto found = sources_.find(id);
  if (found != sources_.end()) return found->second.get();
  if (source_graph_ != nullptr) {
    auto facts = source_graph_->AsOf(id, source_time_, view_.cache_generation());
    if (facts) {
      std::shared_ptr<SourceNode> node;
      if (*facts) {
        node = std::make_shared<SourceNode>();
        node->id = id;
        node->facts = **std::move(facts);
      }
      const SourceNode* result = node.get();
      sources_[id] = std::move(node);
      return result;
    }
    // Loaded again in a newer cache generation since this graph was pinned: read the records.
    source_graph_ = nullptr;
  }
  if (const SourceNode* cached = CachedSource(id)) return cached;
  CG_ASSIGN_OR_RETURN(auto record, view_.SourceByInternalId(id));
  if (!record) {
    sources_[id] = nullptr;
    return static_cast<const SourceNode*>(nullptr);
  }
  CG_ASSIGN_OR_RETURN(auto node, MakeSourceNode(id, *std::move(record)));
  const SourceNode* result = node.get();
  sources_[id] = std::move(node);
  return result;
}

absl::Status ProvenanceGraph::StatementClaims(uint64_t statement, size_t max_claims,
                                              std::vector<uint64_t>* claims, bool* truncated) {
  *truncated = false;
  claims->clear();
  const std::string key = IdBytes(statement);
  if (auto all = FindState<std::vector<uint64_t>>(kStateStatement, key)) {
    *truncated = all->size() > max_claims;
    claims->assign(all->begin(), all->begin() + std::min(all->size(), max_claims));
    return absl::OkStatus();
  }
  CG_RETURN_IF_ERROR(view_.ForEachClaimOfStatement(statement, [&](uint64_t claim) {
    if (claims->size() >= max_claims) {
      *truncated = true;
      return false;
    }
    claims->push_back(claim);
    return true;
  }));
  if (!*truncated && KeepsState(kStateStatement)) {
    AddState(kStateStatement, key, std::make_shared<const std::vector<uint64_t>>(*claims),
             sizeof(std::vector<uint64_t>) + claims->size() * sizeof(uint64_t));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ProvenanceGraph::StatementId(uint64_t statement) {
  const std::string key = IdBytes(statement);
  if (auto cached = FindState<std::string>(kStateStatementId, key)) return *cached;
  CG_ASSIGN_OR_RETURN(std::string id, view_.ExternalId(IdKind::kStatement, statement));
  AddState(kStateStatementId, key, std::make_shared<const std::string>(id),
           sizeof(std::string) + id.capacity());
  return id;
}

absl::StatusOr<const v1::Entity*> ProvenanceGraph::Entity(std::string_view id) {
  std::string key(id);
  auto found = entities_.find(key);
  if (found != entities_.end()) return found->second.get();
  if (auto cached = FindState<v1::Entity>(kStateEntity, key)) {
    const v1::Entity* entity = cached.get();
    entities_.emplace(std::move(key), std::move(cached));
    return entity;
  }
  auto& slot = entities_[key];
  auto memo = entity_ids_.find(key);
  if (memo == entity_ids_.end()) {
    CG_RETURN_IF_ERROR(ResolveMany(IdKind::kEntity, {key}, &entity_ids_));
    memo = entity_ids_.find(key);
  }
  if (memo->second == 0) return static_cast<const v1::Entity*>(nullptr);
  CG_ASSIGN_OR_RETURN(auto entity, view_.EntityByInternalId(memo->second));
  if (!entity) return static_cast<const v1::Entity*>(nullptr);
  auto stored = std::make_shared<v1::Entity>(*std::move(entity));
  if (KeepsState(kStateEntity)) AddState(kStateEntity, key, stored, stored->SpaceUsedLong());
  slot = std::move(stored);
  return slot.get();
}

absl::StatusOr<const ChainInfo*> ProvenanceGraph::Chain(uint64_t claim) {
  if (auto found = chains_.find(claim); found != chains_.end()) return &found->second;
  // Walk inwards to the innermost claim, to a claim whose chain is known, or round a relay
  // cycle back to a claim of this walk...
  std::vector<const ClaimNode*> path;
  std::unordered_map<uint64_t, size_t> position;
  uint64_t current = claim;
  while (true) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, Claim(current));
    if (node == nullptr) {
      return absl::DataLossError(
          StrCat("relay chain of claim ", claim, " reaches a missing claim"));
    }
    position.emplace(current, path.size());
    path.push_back(node);
    if (node->relayed == 0 || chains_.count(node->relayed)) break;
    if (auto seen = position.find(node->relayed); seen != position.end()) {
      // Circular reporting: the claims from there on relay each other.
      std::vector<const ClaimNode*> ring(path.begin() + static_cast<ptrdiff_t>(seen->second),
                                         path.end());
      path.resize(seen->second);
      CG_RETURN_IF_ERROR(AddRelayCycle(std::move(ring)));
      break;
    }
    current = node->relayed;
  }
  // ...then fill in the factors outwards.
  for (size_t k = path.size(); k-- > 0;) {
    const ClaimNode* node = path[k];
    ChainInfo info;
    double own_trust = 1;
    if (node->source != 0) {
      CG_ASSIGN_OR_RETURN(const SourceNode* source, Source(node->source));
      if (source != nullptr) own_trust = ReliabilityTrust(source->facts.reliability);
    }
    double confidence = node->claim().has_confidence() ? node->claim().confidence() : 1.0;
    auto inner = node->relayed != 0 ? chains_.find(node->relayed) : chains_.end();
    if (inner == chains_.end()) {
      info.innermost = node->id;
      info.length = 1;
      info.confidence = confidence;
      info.reliability_inner = 1;
      info.any_source = node->source != 0;
    } else {
      const ChainInfo& next = inner->second;
      CG_ASSIGN_OR_RETURN(const ClaimNode* next_node, Claim(node->relayed));
      bool same_document = node->source != 0 && next_node->source == node->source;
      info.innermost = next.innermost;
      info.length = next.length + 1;
      info.confidence = confidence * next.confidence;
      info.reliability_inner = same_document ? next.reliability_inner : next.reliability_full;
      info.any_source = node->source != 0 || next.any_source;
      info.cycle = next.cycle;
    }
    info.reliability_full = (node->source != 0 ? own_trust : 1.0) * info.reliability_inner;
    chains_[node->id] = info;
  }
  return &chains_.at(claim);
}

// The chain of member j goes once round the ring: j, j+1, ..., j-1. Hop i != j then follows the
// same hop (i-1) as in the ring, so it counts its source exactly when that differs from the
// source of the member relaying it in the ring (factor f_i), and member j's chain without its own
// source is the product of every f_i but f_j: prefix and suffix products give all of them in
// linear time, however long the ring.
absl::Status ProvenanceGraph::AddRelayCycle(std::vector<const ClaimNode*> ring) {
  const size_t count = ring.size();
  auto first =
      std::min_element(ring.begin(), ring.end(),
                       [](const ClaimNode* a, const ClaimNode* b) { return a->id < b->id; });
  std::rotate(ring.begin(), first, ring.end());
  auto cycle = std::make_unique<RelayCycle>();
  std::vector<double> factor(count, 1.0), trust(count, 1.0);
  double confidence = 1;
  bool any_source = false;
  for (size_t i = 0; i < count; ++i) {
    const ClaimNode* node = ring[i];
    cycle->members.push_back(node->id);
    confidence *= node->claim().has_confidence() ? node->claim().confidence() : 1.0;
    if (node->source == 0) continue;
    any_source = true;
    CG_ASSIGN_OR_RETURN(const SourceNode* source, Source(node->source));
    if (source != nullptr) trust[i] = ReliabilityTrust(source->facts.reliability);
    if (ring[(i + count - 1) % count]->source != node->source) factor[i] = trust[i];
  }
  std::vector<double> suffix(count + 1, 1.0);
  for (size_t i = count; i-- > 0;) suffix[i] = suffix[i + 1] * factor[i];
  double prefix = 1;
  for (size_t i = 0; i < count; ++i) {
    ChainInfo info;
    info.innermost = ring[0]->id;
    info.length = static_cast<int64_t>(count);
    info.confidence = confidence;
    info.reliability_inner = prefix * suffix[i + 1];
    info.reliability_full = (ring[i]->source != 0 ? trust[i] : 1.0) * info.reliability_inner;
    info.any_source = any_source;
    info.cycle = cycle.get();
    chains_[ring[i]->id] = info;
    prefix *= factor[i];
  }
  relay_cycle_of_first_[ring[0]->id] = cycle.get();
  relay_cycles_.push_back(std::move(cycle));
  return absl::OkStatus();
}

absl::StatusOr<const OriginSet*> ProvenanceGraph::OriginOf(uint64_t innermost_claim) {
  if (auto found = origins_.find(innermost_claim); found != origins_.end()) return &found->second;
  auto cycle = relay_cycle_of_first_.find(innermost_claim);
  if (cycle == relay_cycle_of_first_.end()) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, Claim(innermost_claim));
    if (node == nullptr) return absl::DataLossError("origin of a missing claim");
    CG_ASSIGN_OR_RETURN(OriginSet origin, OwnOrigin(*node));
    return &(origins_[innermost_claim] = std::move(origin));
  }
  // The members of a relay cycle count as one origin: every member's set, together.
  OriginSet origin;
  origin.circular = true;
  for (uint64_t member : cycle->second->members) {
    CG_ASSIGN_OR_RETURN(const ClaimNode* node, Claim(member));
    if (node == nullptr) return absl::DataLossError("origin of a missing claim");
    CG_ASSIGN_OR_RETURN(OriginSet own, OwnOrigin(*node));
    origin.keys.insert(origin.keys.end(), own.keys.begin(), own.keys.end());
  }
  std::sort(origin.keys.begin(), origin.keys.end());
  origin.keys.erase(std::unique(origin.keys.begin(), origin.keys.end()), origin.keys.end());
  return &(origins_[innermost_claim] = std::move(origin));
}

absl::StatusOr<OriginSet> ProvenanceGraph::OwnOrigin(const ClaimNode& node) {
  const v1::Claim& claim = node.claim();
  OriginSet origin;
  const v1::Basis& basis = claim.basis();
  if (!basis.source_id().empty()) {
    origin.keys.push_back(SourceKey(basis.source_id()));
    CG_ASSIGN_OR_RETURN(uint64_t basis_source, ResolveSource(basis.source_id()));
    if (basis_source != 0) {
      CG_ASSIGN_OR_RETURN(const SourceComponent* component, Component(basis_source));
      origin.circular |= component != nullptr && component->cycle;
    }
  }
  if (!basis.entity_id().empty()) origin.keys.push_back(EntityKey(basis.entity_id()));
  if (!text::NormalizeName(basis.description()).empty()) {
    origin.keys.push_back(BasisKey(basis.description()));
  }
  std::string principal = claim.on_behalf_of_id();
  if (principal.empty() && claim.claimant().kind_case() == v1::Agent::kEntityId) {
    principal = claim.claimant().entity_id();
  }
  const SourceNode* own_source = nullptr;
  if (node.source != 0) {
    CG_ASSIGN_OR_RETURN(own_source, Source(node.source));
  }
  if (principal.empty()) {
    origin.keys.push_back(AnonymousKey(claim.id()));
  } else if (own_source != nullptr && own_source->facts.publisher_id == principal) {
    // An outlet in its own voice speaks for the documents its page comes from.
    CG_ASSIGN_OR_RETURN(const SourceComponent* component, Component(node.source));
    for (uint64_t root : component->roots) {
      CG_ASSIGN_OR_RETURN(const SourceNode* root_node, Source(root));
      CG_ASSIGN_OR_RETURN(const SourceComponent* root_component, Component(root));
      origin.circular |= root_component->cycle;
      origin.keys.push_back(SourceKey(root_node->facts.id));
      if (!root_node->facts.publisher_id.empty()) {
        origin.keys.push_back(EntityKey(root_node->facts.publisher_id));
      }
    }
  } else {
    origin.keys.push_back(EntityKey(principal));
  }
  std::sort(origin.keys.begin(), origin.keys.end());
  origin.keys.erase(std::unique(origin.keys.begin(), origin.keys.end()), origin.keys.end());
  return origin;
}

}  // namespace claimgraph::provenance
