// Topology: building the CSR base from a snapshot, the versioned overlay, the edge source that
// reads both, and the manager that keeps them current.
#include "engine/traversal/topology.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::traversal {
namespace {

using storage::Family;

TopologyEdge FieldsOf(uint64_t statement, uint32_t predicate,
                      const storage::EdgeAggregate& aggregate) {
  TopologyEdge edge;
  edge.statement = statement;
  edge.first_recorded_at = aggregate.first_recorded_at;
  edge.confidence = aggregate.EffectiveConfidence();
  edge.predicate = predicate;
  edge.claims = static_cast<int32_t>(aggregate.claims);
  edge.supporting = static_cast<int32_t>(aggregate.supporting);
  edge.refuting = static_cast<int32_t>(aggregate.refuting);
  return edge;
}

EdgeFields ToFields(const TopologyEdge& edge) {
  return {edge.claims, edge.supporting, edge.refuting, edge.confidence, edge.first_recorded_at};
}

// The clock value stored in a view's snapshot: the time of the last commit it includes.
absl::StatusOr<uint64_t> SnapshotClock(const ReadView& view) { return view.CommittedClock(); }

// Statement ids are "st_" + 32 lower-case hex digits (ids::StatementId): 16 bytes packed.
constexpr std::string_view kStatementIdPrefix = "st_";
constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// False (and `packed` unspecified) when `id` is not of the derived form.
bool PackStatementId(std::string_view id, std::array<uint8_t, 16>* packed) {
  if (id.size() != kStatementIdPrefix.size() + 32 || id.substr(0, 3) != kStatementIdPrefix) {
    return false;
  }
  for (size_t i = 0; i < 16; ++i) {
    int high = HexValue(id[3 + 2 * i]), low = HexValue(id[4 + 2 * i]);
    if (high < 0 || low < 0) return false;
    (*packed)[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return true;
}

bool PositionLess(const Overlay::NewEdge& a, const Overlay::NewEdge& b) {
  return std::tie(a.predicate, a.other, a.statement) < std::tie(b.predicate, b.other, b.statement);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// BaseTopology

absl::StatusOr<std::unique_ptr<BaseTopology>> BaseTopology::Build(const ReadView& view,
                                                                  uint64_t clock) {
  std::unique_ptr<BaseTopology> base(new BaseTopology());
  base->clock_ = clock;
  base->cache_generation_ = view.cache_generation();
  std::vector<uint64_t> subjects, objects;
  std::vector<TopologyEdge> fields;
  uint64_t max_entity = 0;
  CG_RETURN_IF_ERROR(view.ForEachStoredEdge(
      keys::kOutEdge, [&](const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
        if (key.other == 0) return true;  // literal object
        subjects.push_back(key.node);
        objects.push_back(key.other);
        fields.push_back(FieldsOf(key.statement, key.predicate, aggregate));
        max_entity = std::max({max_entity, key.node, key.other});
        return true;
      }));
  if (subjects.size() >= kNoVertex) {
    return absl::ResourceExhaustedError("topology: more than 2^32 edges");
  }
  // Dense indices in internal-id order, so sorted subjects stay sorted after the mapping.
  base->entity_to_dense_.assign(subjects.empty() ? 0 : max_entity + 1, kNoVertex);
  for (size_t i = 0; i < subjects.size(); ++i) {
    base->entity_to_dense_[subjects[i]] = 0;
    base->entity_to_dense_[objects[i]] = 0;
  }
  for (uint64_t entity = 0; entity < base->entity_to_dense_.size(); ++entity) {
    if (base->entity_to_dense_[entity] == kNoVertex) continue;
    base->entity_to_dense_[entity] = static_cast<uint32_t>(base->dense_to_entity_.size());
    base->dense_to_entity_.push_back(entity);
  }
  const auto vertices = static_cast<uint32_t>(base->dense_to_entity_.size());
  base->edge_count_ = subjects.size();
  // External ids in one ordered scan of the reverse dictionary, not a read per vertex: dense
  // order is internal-id order, which is the reverse keys' order.
  base->id_offsets_.reserve(vertices + 1);
  base->id_offsets_.push_back(0);
  if (vertices > 0) {
    uint32_t next = 0;
    bool too_large = false;
    CG_RETURN_IF_ERROR(view.ForEachInternalId(
        keys::IdKind::kEntity, base->dense_to_entity_.front(), base->dense_to_entity_.back(),
        [&](std::string_view external, uint64_t internal) {
          // Entities without edges are in the range too; skip them.
          if (internal != base->dense_to_entity_[next]) return true;
          base->id_bytes_.append(external);
          if (base->id_bytes_.size() >= kNoVertex) {
            too_large = true;
            return false;
          }
          base->id_offsets_.push_back(static_cast<uint32_t>(base->id_bytes_.size()));
          return ++next < vertices;
        }));
    if (too_large) return absl::ResourceExhaustedError("topology: more than 4 GiB of entity ids");
    if (next != vertices) {
      return absl::DataLossError(
          StrCat("internal id ", base->dense_to_entity_[next], " has no external id"));
    }
  }

  CG_RETURN_IF_ERROR(base->ReadStatementIds(view, fields));
  CG_RETURN_IF_ERROR(base->ReadPredicateNames(view, fields));

  std::vector<std::pair<uint32_t, uint32_t>> pairs(subjects.size());
  for (size_t i = 0; i < subjects.size(); ++i) {
    pairs[i] = {base->entity_to_dense_[subjects[i]], base->entity_to_dense_[objects[i]]};
  }
  base->out_ = OutGraph(boost::edges_are_sorted, pairs.begin(), pairs.end(), fields.begin(),
                        vertices, pairs.size());
  // In-edges in the order of the in-edge keys: (object, predicate, subject, statement).
  std::vector<uint32_t> order(subjects.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(objects[a], fields[a].predicate, subjects[a], fields[a].statement) <
           std::tie(objects[b], fields[b].predicate, subjects[b], fields[b].statement);
  });
  std::vector<std::pair<uint32_t, uint32_t>> in_pairs(order.size());
  std::vector<InEdgeRef> in_refs(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    in_pairs[i] = {pairs[order[i]].second, pairs[order[i]].first};
    in_refs[i] = InEdgeRef{order[i]};
  }
  base->in_ = InGraph(boost::edges_are_sorted, in_pairs.begin(), in_pairs.end(), in_refs.begin(),
                      vertices, in_pairs.size());
  return base;
}

absl::Status BaseTopology::ReadStatementIds(const ReadView& view,
                                            const std::vector<TopologyEdge>& fields) {
  // One ordered scan of the statements' reverse dictionary, merged with the edges in statement
  // order (statements whose object is a literal have no edge and are skipped).
  statement_hashes_.assign(fields.size(), {});
  if (fields.empty()) return absl::OkStatus();
  std::vector<uint32_t> order(fields.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return fields[a].statement < fields[b].statement; });
  size_t next = 0;
  CG_RETURN_IF_ERROR(view.ForEachInternalId(
      keys::IdKind::kStatement, fields[order.front()].statement, fields[order.back()].statement,
      [&](std::string_view external, uint64_t statement) {
        if (statement < fields[order[next]].statement) return true;
        if (statement > fields[order[next]].statement) return false;  // reported below
        // One statement has one out-edge, but nothing here depends on it.
        for (; next < order.size() && fields[order[next]].statement == statement; ++next) {
          if (!PackStatementId(external, &statement_hashes_[order[next]])) {
            irregular_statement_ids_[order[next]] = std::string(external);
          }
        }
        return next < order.size();
      }));
  if (next != order.size()) {
    return absl::DataLossError(
        StrCat("statement ", fields[order[next]].statement, " has no external id"));
  }
  return absl::OkStatus();
}

absl::Status BaseTopology::ReadPredicateNames(const ReadView& view,
                                              const std::vector<TopologyEdge>& fields) {
  // A schema has tens of predicates: a read each.
  for (const TopologyEdge& edge : fields) {
    if (edge.predicate >= predicate_names_.size()) predicate_names_.resize(edge.predicate + 1);
    if (!predicate_names_[edge.predicate].empty()) continue;
    CG_ASSIGN_OR_RETURN(predicate_names_[edge.predicate],
                        view.ExternalId(keys::IdKind::kPredicate, edge.predicate));
  }
  return absl::OkStatus();
}

std::string BaseTopology::StatementId(uint32_t edge) const {
  if (!irregular_statement_ids_.empty()) {
    auto irregular = irregular_statement_ids_.find(edge);
    if (irregular != irregular_statement_ids_.end()) return irregular->second;
  }
  std::string id(kStatementIdPrefix.size() + 32, '\0');
  std::copy(kStatementIdPrefix.begin(), kStatementIdPrefix.end(), id.begin());
  const auto& packed = statement_hashes_[edge];
  for (size_t i = 0; i < 16; ++i) {
    id[3 + 2 * i] = kHexDigits[packed[i] >> 4];
    id[4 + 2 * i] = kHexDigits[packed[i] & 0xF];
  }
  return id;
}

size_t BaseTopology::MemoryBytes() const {
  size_t vertices = dense_to_entity_.size() + 1;
  return entity_to_dense_.capacity() * sizeof(uint32_t) +
         dense_to_entity_.capacity() * sizeof(uint64_t) + id_bytes_.capacity() +
         id_offsets_.capacity() * sizeof(uint32_t) +
         // rowstart + column + properties, for each direction
         2 * vertices * sizeof(uint32_t) + edge_count_ * (sizeof(uint32_t) + sizeof(TopologyEdge)) +
         edge_count_ * (sizeof(uint32_t) + sizeof(InEdgeRef)) +
         statement_hashes_.capacity() * sizeof(statement_hashes_[0]) +
         predicate_names_.capacity() * sizeof(std::string);
}

std::optional<uint32_t> BaseTopology::FindOutEdge(uint64_t subject, uint32_t predicate,
                                                  uint64_t object, uint64_t statement) const {
  auto from = Dense(subject), to = Dense(object);
  if (!from || !to) return std::nullopt;
  auto [begin, end] = boost::out_edges(*from, out_);
  auto wanted = std::make_tuple(predicate, *to, statement);
  auto it = std::lower_bound(
      begin, end, wanted,
      [&](const OutGraph::edge_descriptor& e, const std::tuple<uint32_t, uint32_t, uint64_t>& w) {
        const TopologyEdge& f = out_[e];
        return std::make_tuple(f.predicate, static_cast<uint32_t>(boost::target(e, out_)),
                               f.statement) < w;
      });
  if (it == end) return std::nullopt;
  const TopologyEdge& found = out_[*it];
  if (found.predicate != predicate || boost::target(*it, out_) != *to ||
      found.statement != statement) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(it->idx);
}

// ---------------------------------------------------------------------------------------------
// Overlay

void Overlay::Record(uint64_t time, const keys::EdgeKey& out_key, const TopologyEdge& fields,
                     bool in_base) {
  std::unique_lock lock(mutex_);
  auto& history = changes_[out_key.statement];
  if (!history.empty() && history.back().time == time) {
    history.back().fields = fields;
  } else {
    history.push_back(Change{time, fields});
    entries_.fetch_add(1, std::memory_order_release);
  }
  if (in_base || new_keys_.count(out_key.statement) != 0) return;
  new_keys_[out_key.statement] = out_key;
  NewEdge out{time, out_key.predicate, out_key.other, out_key.statement};
  NewEdge in{time, out_key.predicate, out_key.node, out_key.statement};
  auto& outs = new_out_[out_key.node];
  outs.insert(std::upper_bound(outs.begin(), outs.end(), out, PositionLess), out);
  auto& ins = new_in_[out_key.other];
  ins.insert(std::upper_bound(ins.begin(), ins.end(), in, PositionLess), in);
}

std::optional<TopologyEdge> Overlay::Latest(uint64_t statement, uint64_t time) const {
  std::shared_lock lock(mutex_);
  auto it = changes_.find(statement);
  if (it == changes_.end()) return std::nullopt;
  const auto& history = it->second;
  auto after = std::upper_bound(history.begin(), history.end(), time,
                                [](uint64_t t, const Change& change) { return t < change.time; });
  if (after == history.begin()) return std::nullopt;
  return std::prev(after)->fields;
}

std::vector<Overlay::NewEdge> Overlay::NewEdges(char direction, uint64_t node,
                                                uint64_t time) const {
  std::shared_lock lock(mutex_);
  const auto& map = direction == keys::kOutEdge ? new_out_ : new_in_;
  std::vector<NewEdge> result;
  auto it = map.find(node);
  if (it == map.end()) return result;
  for (const auto& edge : it->second) {
    if (edge.time <= time) result.push_back(edge);
  }
  return result;
}

void Overlay::CopySince(uint64_t time, const BaseTopology& new_base, Overlay* target) const {
  std::shared_lock lock(mutex_);
  for (const auto& [statement, history] : changes_) {
    for (const auto& change : history) {
      if (change.time < time) continue;
      keys::EdgeKey key;
      auto known = new_keys_.find(statement);
      bool in_new_base;
      if (known != new_keys_.end()) {
        key = known->second;
        in_new_base =
            new_base.FindOutEdge(key.node, key.predicate, key.other, statement).has_value();
      } else {
        in_new_base = true;  // it was in the old base, and edges are never removed
      }
      target->Record(change.time, key, change.fields, in_new_base);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// TopologyEdgeSource

bool TopologyEdgeSource::KnowsEntity(uint64_t internal, std::string_view external) const {
  if (!view_->current()) return false;
  auto dense = version_.base->Dense(internal);
  return dense && version_.base->ExternalId(*dense) == external;
}

absl::Status TopologyEdgeSource::ForEach(char direction, uint64_t node,
                                         std::optional<uint32_t> predicate,
                                         std::optional<EdgePosition> after,
                                         const std::function<bool(const Edge&)>& visit) const {
  const BaseTopology& base = *version_.base;
  const Overlay& overlay = *version_.overlay;
  const bool use_overlay = !overlay.empty();
  const bool current = view_->current();
  const uint64_t as_of = view_->as_of();
  // Candidates from the base, in key order.
  struct Candidate {
    uint32_t predicate;
    uint64_t other;
    uint64_t statement;
    const TopologyEdge* fields;  // base fields; null for overlay-only edges
  };
  std::vector<Overlay::NewEdge> added;
  if (use_overlay) added = overlay.NewEdges(direction, node, version_.time);
  size_t next_added = 0;
  auto in_range = [&](uint32_t p, uint64_t other, uint64_t statement) {
    if (predicate && p != *predicate) return false;
    if (after && std::make_tuple(p, other, statement) <= *after) return false;
    return true;
  };
  // Emits one candidate after overlaying and as_of handling; false stops the walk.
  absl::Status failure;
  auto emit = [&](const Candidate& candidate) -> bool {
    if (!in_range(candidate.predicate, candidate.other, candidate.statement)) return true;
    std::optional<TopologyEdge> fields;
    if (use_overlay) fields = overlay.Latest(candidate.statement, version_.time);
    if (!fields) {
      if (candidate.fields == nullptr) return true;  // overlay edge not yet at this version
      fields = *candidate.fields;
    }
    Edge edge{direction,        node, candidate.predicate, candidate.other, candidate.statement,
              ToFields(*fields)};
    if (!current) {
      if (fields->first_recorded_at > as_of) return true;
      auto aggregate = view_->AggregateAsOf(candidate.statement);
      if (!aggregate.ok()) {
        failure = aggregate.status();
        return false;
      }
      if (aggregate->first_recorded_at > as_of) return true;
      edge.fields = EdgeFields::From(*aggregate);
    }
    return visit(edge);
  };
  // Merges overlay-only edges (sorted) into the base walk, keeping key order.
  auto emit_added_before = [&](const std::tuple<uint32_t, uint64_t, uint64_t>* limit) -> bool {
    while (next_added < added.size()) {
      const auto& edge = added[next_added];
      if (limit && std::make_tuple(edge.predicate, edge.other, edge.statement) > *limit) break;
      ++next_added;
      if (!emit(Candidate{edge.predicate, edge.other, edge.statement, nullptr})) return false;
    }
    return true;
  };

  auto dense = base.Dense(node);
  bool go_on = true;
  if (dense) {
    const auto& out = base.out();
    const auto& in = base.in();
    auto walk = [&](auto begin, auto end, auto fields_of, auto other_of) {
      // Skip to the first edge at or after the predicate / resume position.
      if (predicate || after) {
        std::tuple<uint32_t, uint64_t, uint64_t> start{predicate.value_or(0), 0, 0};
        if (after && *after > start) start = *after;
        begin = std::lower_bound(begin, end, start, [&](const auto& e, const auto& wanted) {
          const TopologyEdge& f = fields_of(e);
          return std::make_tuple(f.predicate, other_of(e), f.statement) < wanted;
        });
      }
      for (auto it = begin; it != end && go_on; ++it) {
        const TopologyEdge& f = fields_of(*it);
        if (predicate && f.predicate > *predicate) break;
        auto position = std::make_tuple(f.predicate, other_of(*it), f.statement);
        if (!emit_added_before(&position)) return false;
        if (!emit(Candidate{f.predicate, std::get<1>(position), f.statement, &f})) return false;
      }
      return true;
    };
    if (direction == keys::kOutEdge) {
      auto [begin, end] = boost::out_edges(*dense, out);
      go_on = walk(
          begin, end, [&](const auto& e) -> const TopologyEdge& { return out[e]; },
          [&](const auto& e) { return base.Entity(boost::target(e, out)); });
    } else {
      auto [begin, end] = boost::out_edges(*dense, in);
      go_on = walk(
          begin, end,
          [&](const auto& e) -> const TopologyEdge& {
            return out[BaseTopology::OutGraph::edge_descriptor(0, in[e].out_edge)];
          },
          [&](const auto& e) { return base.Entity(boost::target(e, in)); });
    }
  }
  if (go_on) emit_added_before(nullptr);
  return failure;
}

// ---------------------------------------------------------------------------------------------
// TopologyManager

struct TopologyManager::Shared {
  std::mutex mutex;  // guards everything below
  std::shared_ptr<const BaseTopology> base;
  std::shared_ptr<Overlay> overlay;
  uint64_t published_time = 0;  // the last commit the overlay has seen
  bool stale = false;           // an observer read failed: serve from storage until a rebuild
  uint64_t stale_time = 0;      // the commit that made it stale
  bool armed = true;            // false once the manager is gone
  bool rebuild_requested = false;
  bool stop = false;
  size_t rebuilds = 0;
  // The clock stored in the last snapshot Pin read it from, by the snapshot's sequence: a read
  // workload pins the same store state again and again, and the clock's Get was a tenth of a
  // one-hop call.
  uint64_t clock_sequence = 0;  // 0: none
  uint64_t clock_at_sequence = 0;
  std::condition_variable wake;
};

TopologyManager::TopologyManager(Database* database, TopologyOptions options)
    : database_(database), options_(options), shared_(std::make_shared<Shared>()) {}

absl::StatusOr<std::unique_ptr<TopologyManager>> TopologyManager::Create(Database* database,
                                                                         TopologyOptions options) {
  std::unique_ptr<TopologyManager> manager(new TopologyManager(database, options));
  {
    // Observe first, then build: commits between the two are recorded in the overlay, and the
    // build's snapshot decides which of them the base already holds.
    std::lock_guard lock(manager->shared_->mutex);
    manager->shared_->overlay = std::make_shared<Overlay>();
  }
  TopologyManager* self = manager.get();
  std::weak_ptr<Shared> weak = manager->shared_;
  database->AddCommitObserver([self, weak](const CommitEvent& event) {
    auto shared = weak.lock();
    if (!shared) return;
    {
      std::lock_guard lock(shared->mutex);
      if (!shared->armed) return;
    }
    self->OnCommit(event);
  });
  CG_RETURN_IF_ERROR(manager->Rebuild());
  manager->rebuild_thread_ = std::thread([self] { self->RebuildLoop(); });
  return manager;
}

TopologyManager::~TopologyManager() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->armed = false;
    shared_->stop = true;
  }
  shared_->wake.notify_all();
  if (rebuild_thread_.joinable()) rebuild_thread_.join();
}

void TopologyManager::OnCommit(const CommitEvent& event) {
  std::lock_guard lock(shared_->mutex);
  if (!shared_->armed) return;
  auto mark_stale = [&] {
    shared_->stale = true;
    shared_->stale_time = event.time;
    shared_->rebuild_requested = true;
    shared_->wake.notify_all();
  };
  shared_->published_time = std::max(shared_->published_time, event.time);
  if (shared_->base != nullptr && event.cache_generation != shared_->base->cache_generation()) {
    // The write broke an invariant the base's id copies rest on (engine/cache_invariants.h).
    return mark_stale();
  }
  if (shared_->stale) {
    // Nothing is recorded until a rebuild from a snapshot after this commit clears it.
    shared_->stale_time = event.time;
    return;
  }
  // While the first base is being built (base null), edges are recorded as new: the build's
  // CopySince sorts them against the base.
  std::vector<keys::EdgeKey> edges;
  std::set<uint64_t> with_edge;
  if (event.edges) {
    for (const auto& key : *event.edges) {
      if (key.other == 0) continue;
      if (with_edge.insert(key.statement).second) edges.push_back(key);
    }
  }
  if (event.statements) {
    // Statements touched without an edge merge (an assessment, whose rescore may move the
    // score): find their edge from the statement record.
    std::unique_ptr<ReadView> view;
    for (uint64_t statement_id : *event.statements) {
      if (with_edge.count(statement_id) != 0) continue;
      if (!view) {
        auto made = database_->NewReadView();
        if (!made.ok()) return mark_stale();
        view = *std::move(made);
      }
      auto statement = view->StatementByInternalId(statement_id);
      if (!statement.ok()) return mark_stale();
      if (!*statement || (*statement)->object().kind_case() != v1::Value::kEntityId) continue;
      auto subject = view->Resolve(keys::IdKind::kEntity, (*statement)->subject_id());
      auto predicate = view->Resolve(keys::IdKind::kPredicate, (*statement)->predicate());
      auto object = view->Resolve(keys::IdKind::kEntity, (*statement)->object().entity_id());
      if (!subject.ok() || !predicate.ok() || !object.ok()) return mark_stale();
      if (!*subject || !*predicate || !*object) continue;
      edges.push_back(keys::EdgeKey{keys::kOutEdge, **subject, static_cast<uint32_t>(**predicate),
                                    **object, statement_id});
    }
  }
  if (edges.empty()) return;
  std::vector<std::string> encoded;
  encoded.reserve(edges.size());
  for (const auto& key : edges) encoded.push_back(key.Encode());
  // Under the database's write lock: the latest state is exactly this commit's result.
  auto values = database_->store().MultiGet(nullptr, Family::kEdges, encoded);
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!values[i].ok() || !values[i]->has_value()) return mark_stale();
    auto aggregate = storage::EdgeAggregate::Decode(**values[i]);
    if (!aggregate) return mark_stale();
    bool in_base = shared_->base != nullptr && shared_->base
                                                   ->FindOutEdge(edges[i].node, edges[i].predicate,
                                                                 edges[i].other, edges[i].statement)
                                                   .has_value();
    shared_->overlay->Record(event.time, edges[i],
                             FieldsOf(edges[i].statement, edges[i].predicate, *aggregate), in_base);
  }
  if (options_.rebuild_after_entries != 0 &&
      shared_->overlay->entries() >= options_.rebuild_after_entries &&
      !shared_->rebuild_requested) {
    shared_->rebuild_requested = true;
    shared_->wake.notify_all();
  }
}

absl::Status TopologyManager::Rebuild() {
  std::lock_guard rebuild_lock(rebuild_mutex_);
  CG_ASSIGN_OR_RETURN(auto view, database_->NewReadView());
  CG_ASSIGN_OR_RETURN(uint64_t clock, SnapshotClock(*view));
  CG_ASSIGN_OR_RETURN(std::shared_ptr<const BaseTopology> base, BaseTopology::Build(*view, clock));
  std::lock_guard lock(shared_->mutex);
  auto overlay = std::make_shared<Overlay>();
  // Entries at the snapshot's own time are kept: re-applying the latest value is harmless, and
  // it covers a rescore that landed after the snapshot was taken.
  shared_->overlay->CopySince(clock, *base, overlay.get());
  shared_->base = std::move(base);
  shared_->overlay = std::move(overlay);
  shared_->published_time = std::max(shared_->published_time, clock);
  if (shared_->stale && clock >= shared_->stale_time) shared_->stale = false;
  shared_->rebuild_requested = false;
  shared_->rebuilds += 1;
  return absl::OkStatus();
}

void TopologyManager::RebuildLoop() {
  for (;;) {
    {
      std::unique_lock lock(shared_->mutex);
      shared_->wake.wait(lock, [&] { return shared_->stop || shared_->rebuild_requested; });
      if (shared_->stop) return;
    }
    if (!Rebuild().ok()) {
      // Leave the request set but wait a moment before trying again.
      std::unique_lock lock(shared_->mutex);
      shared_->wake.wait_for(lock, std::chrono::seconds(1), [&] { return shared_->stop; });
      if (shared_->stop) return;
    }
  }
}

absl::StatusOr<PinnedGraph> TopologyManager::PinStorage(std::optional<uint64_t> as_of) const {
  PinnedGraph pinned;
  CG_ASSIGN_OR_RETURN(pinned.view, database_->NewReadView(as_of));
  pinned.source = std::make_unique<StorageEdgeSource>(pinned.view.get());
  return pinned;
}

absl::StatusOr<uint64_t> TopologyManager::PinnedClock(const ReadView& view) const {
  const uint64_t sequence = view.snapshot_sequence();
  if (sequence != 0) {
    std::lock_guard lock(shared_->mutex);
    if (shared_->clock_sequence == sequence) return shared_->clock_at_sequence;
  }
  CG_ASSIGN_OR_RETURN(uint64_t clock, SnapshotClock(view));
  if (sequence != 0) {
    std::lock_guard lock(shared_->mutex);
    // Sequences only grow: keep the newest state, the one the next pins will see.
    if (sequence > shared_->clock_sequence) {
      shared_->clock_sequence = sequence;
      shared_->clock_at_sequence = clock;
    }
  }
  return clock;
}

absl::StatusOr<PinnedGraph> TopologyManager::Pin(std::optional<uint64_t> as_of) const {
  for (int attempt = 0; attempt < options_.pin_attempts; ++attempt) {
    CG_ASSIGN_OR_RETURN(auto view, database_->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(uint64_t clock, PinnedClock(*view));
    for (int wait = 0; wait < options_.pin_attempts; ++wait) {
      TopologyVersion version;
      {
        std::lock_guard lock(shared_->mutex);
        if (shared_->stale || shared_->base == nullptr ||
            shared_->base->cache_generation() != view->cache_generation()) {
          return PinStorage(as_of);
        }
        if (shared_->base->clock() > clock) break;  // rebuilt past our snapshot: new snapshot
        if (shared_->published_time >= clock) {
          version = TopologyVersion{shared_->base, shared_->overlay, clock};
        }
      }
      if (version.base) {
        PinnedGraph pinned;
        pinned.view = std::move(view);
        pinned.base = version.base;
        pinned.source = std::make_unique<TopologyEdgeSource>(std::move(version), pinned.view.get());
        pinned.from_topology = true;
        return pinned;
      }
      // The observer of the commit our snapshot ends with has not run yet: it runs right after.
      std::this_thread::yield();
    }
  }
  return PinStorage(as_of);
}

TopologyManager::Stats TopologyManager::GetStats() const {
  std::lock_guard lock(shared_->mutex);
  Stats stats;
  if (shared_->base) {
    stats.vertices = shared_->base->vertex_count();
    stats.edges = shared_->base->edge_count();
    stats.base_bytes = shared_->base->MemoryBytes();
  }
  stats.overlay_entries = shared_->overlay ? shared_->overlay->entries() : 0;
  stats.rebuilds = shared_->rebuilds;
  stats.stale = shared_->stale;
  return stats;
}

}  // namespace claimgraph::traversal
