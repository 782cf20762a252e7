// The traversal queries over the ExplorationGraph with Boost.Graph's BFS and Dijkstra.
#include "engine/traversal/queries.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dijkstra_shortest_paths_no_color_map.hpp>
#include <boost/pending/queue.hpp>
#include <boost/property_map/function_property_map.hpp>

#include "engine/paging.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/traversal/expander.h"
#include "engine/traversal/exploration_graph.h"
#include "engine/traversal/hash_property_map.h"
#include "engine/validation.h"

namespace claimgraph::traversal {
namespace {

using keys::IdKind;

// Whether the entity with internal id `internal` (a resolved entity id) exists at the view's
// time. An entity id is allocated in the batch that writes the entity's first record and
// entities are never deleted, so in a current view a resolved id is an existing entity: the
// record is read only for a past as_of (the entity may have been created after it).
absl::StatusOr<bool> EntityExists(const ReadView& view, uint64_t internal) {
  if (view.current()) return true;
  CG_ASSIGN_OR_RETURN(auto entity, view.EntityByInternalId(internal));
  return entity.has_value();
}

// The internal id of external entity id `id` when the entity exists at the source's time,
// nullopt when it does not. The record cache's mapping (the dictionary is append-only, so a
// mapping once cached is the id's for good) saves the dictionary read when the source knows the
// entity exists at its time; a mapping cached by a newer view may name an entity this view does
// not hold, so without that knowledge the dictionary is read under the view as before.
absl::StatusOr<std::optional<uint64_t>> ResolveExisting(const EdgeSource& source,
                                                        const std::string& id) {
  const ReadView& view = source.view();
  const RecordCacheAccess* cache = view.record_cache();
  if (cache != nullptr) {
    auto cached = cache->FindId(IdKind::kEntity, id);
    if (cached && source.KnowsEntity(*cached, id)) return cached;
  }
  CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(IdKind::kEntity, id));
  if (!internal) return std::optional<uint64_t>();
  if (cache != nullptr) cache->AddId(IdKind::kEntity, id, *internal);
  CG_ASSIGN_OR_RETURN(bool exists, EntityExists(view, *internal));
  if (!exists) return std::optional<uint64_t>();
  return internal;
}

// Resolves external entity ids that must exist at the view's time.
absl::StatusOr<std::vector<uint64_t>> ResolveEntities(const EdgeSource& source,
                                                      const std::vector<std::string>& ids,
                                                      std::string_view field) {
  std::vector<uint64_t> result;
  std::set<uint64_t> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string path = ids.size() == 1 && field.find('[') != std::string_view::npos
                           ? std::string(field)
                           : StrCat(field, "[", i, "]");
    CG_ASSIGN_OR_RETURN(auto internal, ResolveExisting(source, ids[i]));
    if (!internal) return absl::NotFoundError(StrCat(path, ": entity ", validation::Quote(ids[i]), " not found"));
    if (seen.insert(*internal).second) result.push_back(*internal);
  }
  return result;
}

absl::StatusOr<uint64_t> ResolveEntity(const EdgeSource& source, const std::string& id,
                                       std::string_view field) {
  if (id.empty()) return absl::InvalidArgumentError(StrCat(field, ": is required"));
  CG_ASSIGN_OR_RETURN(auto internal, ResolveExisting(source, id));
  if (!internal) return absl::NotFoundError(StrCat(field, ": entity ", validation::Quote(id), " not found"));
  return *internal;
}

absl::Status CheckDepth(uint32_t depth, uint32_t min, std::string_view field) {
  if (depth < min || depth > kMaxDepth) {
    return absl::InvalidArgumentError(StrCat(field, ": must be in [", min, ", ", kMaxDepth, "]"));
  }
  return absl::OkStatus();
}

std::string FilterFingerprint(const EdgeFilter& filter) {
  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += StrCat(item.size(), ":", item);
    return out;
  };
  return StrCat(static_cast<int>(filter.direction), "|", join(filter.predicates), "|",
                join(filter.neighbor_types), "|", filter.min_confidence, "|",
                static_cast<int>(filter.stance), "|", join(filter.include_claimants), "|",
                join(filter.exclude_claimants), "|", join(filter.include_sources), "|",
                join(filter.exclude_sources));
}

std::string EncodePosition(char direction, const EdgePosition& position) {
  std::string out(1, direction);
  keys::AppendU32(&out, std::get<0>(position));
  keys::AppendU64(&out, std::get<1>(position));
  keys::AppendU64(&out, std::get<2>(position));
  return out;
}

std::optional<std::pair<char, EdgePosition>> DecodePosition(std::string_view bytes) {
  if (bytes.size() != 21 || (bytes[0] != keys::kOutEdge && bytes[0] != keys::kInEdge)) {
    return std::nullopt;
  }
  return std::make_pair(
      bytes[0], EdgePosition{keys::DecodeU32(bytes.substr(1)), keys::DecodeU64(bytes.substr(5)),
                             keys::DecodeU64(bytes.substr(13))});
}

// --- breadth-first expansion shared by Traverse and Subgraph ---

struct BfsState {
  ExplorationGraph* graph;
  std::unordered_map<uint64_t, uint32_t> depth;
  size_t max_new;
  size_t reported_new = 0;
  std::function<bool(const Reached&)> report;
  bool results_cut = false;
  bool sink_stopped = false;
};

class BfsVisitor : public boost::default_bfs_visitor {
 public:
  explicit BfsVisitor(BfsState* state) : state_(state) {}
  void examine_vertex(uint64_t, const ExplorationGraph& graph) const {
    if (graph.expander().Interrupted()) throw SearchStopped{};
  }
  void tree_edge(const Arc& arc, const ExplorationGraph& graph) const {
    uint64_t reached = target(arc, graph);
    if (state_->reported_new == state_->max_new) {
      state_->results_cut = true;
      throw SearchStopped{};
    }
    uint32_t depth = state_->depth[arc.source] + 1;
    state_->depth[reached] = depth;
    state_->reported_new += 1;
    if (!state_->report(Reached{reached, depth, graph.edge(arc.edge)})) {
      state_->sink_stopped = true;
      throw SearchStopped{};
    }
  }

 private:
  BfsState* state_;
};

// Runs BGL's multi-source breadth_first_visit up to max_depth. Returns the storage error, if
// any; limits are left in the expander's Cut and in `state`.
absl::Status RunBfs(ExplorationGraph& graph, const std::vector<uint64_t>& starts,
                    uint32_t max_depth, BfsState& state) {
  for (uint64_t start : starts) {
    state.depth[start] = 0;
    if (!state.report(Reached{start, 0, std::nullopt})) {
      state.sink_stopped = true;
      return absl::OkStatus();
    }
  }
  graph.set_may_expand([&](uint64_t vertex) {
    auto it = state.depth.find(vertex);
    return it != state.depth.end() && it->second < max_depth;
  });
  std::unordered_map<uint64_t, boost::default_color_type> colors;
  HashPropertyMap<uint64_t, boost::default_color_type> color{&colors, boost::white_color};
  boost::queue<uint64_t> queue;
  try {
    boost::breadth_first_visit(graph, starts.begin(), starts.end(), queue, BfsVisitor(&state),
                               color);
  } catch (const SearchStopped&) {
  }
  return graph.status();
}

// --- path searches ---

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Added per hop to credible weights so that zero-weight cycles (confidence 1) never tie with
// the simple path they contain; removed again from the reported weight.
constexpr double kHopEpsilon = 1e-9;

double EdgeWeight(PathMode mode, const Edge& edge) {
  if (mode != PathMode::kMostCredible) return 1.0;
  if (!(edge.fields.confidence > 0)) return kInfinity;
  return -std::log(std::min(edge.fields.confidence, 1.0)) + kHopEpsilon;
}

Path MakePath(const ExplorationGraph& graph, const std::vector<uint32_t>& arena_edges,
              PathMode mode) {
  Path path;
  path.weight = 0;
  for (uint32_t index : arena_edges) {
    const Edge& edge = graph.edge(index);
    path.edges.push_back(edge);
    path.confidence *= edge.fields.confidence;
    path.weight +=
        mode == PathMode::kMostCredible ? -std::log(std::min(edge.fields.confidence, 1.0)) : 1.0;
  }
  return path;
}

struct SpurResult {
  std::vector<uint32_t> edges;
  double weight = 0;
};

class DijkstraVisitor : public boost::default_dijkstra_visitor {
 public:
  DijkstraVisitor(uint64_t target, std::optional<uint64_t>* found,
                  std::unordered_map<uint64_t, Arc>* predecessors)
      : target_(target), found_(found), predecessors_(predecessors) {}
  void examine_vertex(uint64_t vertex, const ExplorationGraph& graph) const {
    if (EntityOf(vertex) == target_) {
      *found_ = vertex;
      throw SearchStopped{};
    }
    if (graph.expander().Interrupted()) throw SearchStopped{};
  }
  void edge_relaxed(const Arc& arc, const ExplorationGraph& graph) const {
    (*predecessors_)[target(arc, graph)] = arc;
  }

 private:
  uint64_t target_;
  std::optional<uint64_t>* found_;
  std::unordered_map<uint64_t, Arc>* predecessors_;
};

// BGL Dijkstra on the layered graph from (start, hops) to any layer of `target`.
absl::StatusOr<std::optional<SpurResult>> DijkstraSearch(ExplorationGraph& graph, uint64_t start,
                                                         uint32_t hops, uint64_t target,
                                                         PathMode mode) {
  std::unordered_map<uint64_t, double> distances;
  std::unordered_map<uint64_t, size_t> indices;
  std::unordered_map<uint64_t, Arc> predecessors;
  HashPropertyMap<uint64_t, double> distance{&distances, kInfinity};
  uint64_t start_vertex = Layered(start, hops);
  put(distance, start_vertex, 0.0);
  auto weight = boost::make_function_property_map<Arc, double>(
      [&](const Arc& arc) { return EdgeWeight(mode, graph.edge(arc.edge)); });
  std::optional<uint64_t> found;
  try {
    boost::dijkstra_shortest_paths_no_color_map_no_init(
        graph, start_vertex, boost::dummy_property_map(), distance, weight, DenseIndexMap{&indices},
        std::less<double>(), boost::closed_plus<double>(kInfinity), kInfinity, 0.0,
        DijkstraVisitor(target, &found, &predecessors));
  } catch (const SearchStopped&) {
  }
  CG_RETURN_IF_ERROR(graph.status());
  if (!found) return std::optional<SpurResult>();
  SpurResult result;
  result.weight = get(distance, *found);
  for (uint64_t vertex = *found; vertex != start_vertex;) {
    const Arc& arc = predecessors.at(vertex);
    result.edges.push_back(arc.edge);
    vertex = arc.source;
  }
  std::reverse(result.edges.begin(), result.edges.end());
  return std::optional<SpurResult>(std::move(result));
}

class ShortestVisitor : public boost::default_bfs_visitor {
 public:
  ShortestVisitor(uint64_t target, std::unordered_map<uint64_t, uint32_t>* depth,
                  std::unordered_map<uint64_t, Arc>* predecessors, bool* found)
      : target_(target), depth_(depth), predecessors_(predecessors), found_(found) {}
  void examine_vertex(uint64_t, const ExplorationGraph& graph) const {
    if (graph.expander().Interrupted()) throw SearchStopped{};
  }
  void tree_edge(const Arc& arc, const ExplorationGraph& graph) const {
    uint64_t reached = target(arc, graph);
    (*depth_)[reached] = (*depth_)[arc.source] + 1;
    (*predecessors_)[reached] = arc;
    if (reached == target_) {
      *found_ = true;
      throw SearchStopped{};
    }
  }

 private:
  uint64_t target_;
  std::unordered_map<uint64_t, uint32_t>* depth_;
  std::unordered_map<uint64_t, Arc>* predecessors_;
  bool* found_;
};

// Fewest hops with BGL's breadth_first_visit, stopping when the target is discovered.
absl::StatusOr<std::optional<std::vector<uint32_t>>> BfsShortest(ExplorationGraph& graph,
                                                                 uint64_t from, uint64_t to,
                                                                 uint32_t max_depth) {
  std::unordered_map<uint64_t, uint32_t> depth{{from, 0}};
  std::unordered_map<uint64_t, Arc> predecessors;
  graph.set_may_expand([&](uint64_t vertex) {
    auto it = depth.find(vertex);
    return it != depth.end() && it->second < max_depth;
  });
  std::unordered_map<uint64_t, boost::default_color_type> colors;
  HashPropertyMap<uint64_t, boost::default_color_type> color{&colors, boost::white_color};
  boost::queue<uint64_t> queue;
  bool found = false;
  try {
    boost::breadth_first_visit(graph, from, queue,
                               ShortestVisitor(to, &depth, &predecessors, &found), color);
  } catch (const SearchStopped&) {
  }
  graph.set_may_expand(nullptr);
  CG_RETURN_IF_ERROR(graph.status());
  if (!found) return std::optional<std::vector<uint32_t>>();
  std::vector<uint32_t> edges;
  for (uint64_t vertex = to; vertex != from;) {
    const Arc& arc = predecessors.at(vertex);
    edges.push_back(arc.edge);
    vertex = arc.source;
  }
  std::reverse(edges.begin(), edges.end());
  return std::optional<std::vector<uint32_t>>(std::move(edges));
}

double WeightOf(const ExplorationGraph& graph, const std::vector<uint32_t>& edges, PathMode mode,
                size_t count) {
  double weight = 0;
  for (size_t i = 0; i < count; ++i) weight += EdgeWeight(mode, graph.edge(edges[i]));
  return weight;
}

// Yen's k shortest loopless paths, each spur search a BGL Dijkstra on the layered graph.
absl::Status YenPaths(ExplorationGraph& graph, uint64_t from, uint64_t to, uint32_t k,
                      PathMode mode, std::vector<std::vector<uint32_t>>* accepted) {
  CG_ASSIGN_OR_RETURN(auto first, DijkstraSearch(graph, from, 0, to, mode));
  if (!first) return absl::OkStatus();
  accepted->push_back(first->edges);
  std::set<std::vector<uint32_t>> known{first->edges};
  // Candidates ordered by (weight, hops, edges): deterministic ties.
  std::set<std::tuple<double, size_t, std::vector<uint32_t>>> candidates;
  while (accepted->size() < k) {
    const std::vector<uint32_t> previous = accepted->back();
    for (size_t i = 0; i < previous.size(); ++i) {
      if (graph.expander().stopped()) break;
      uint64_t spur = i == 0 ? from : graph.edge(previous[i - 1]).other;
      graph.banned_edges().clear();
      graph.banned_entities().clear();
      for (const auto& path : *accepted) {
        if (path.size() > i && std::equal(previous.begin(), previous.begin() + i, path.begin())) {
          graph.banned_edges().insert(path[i]);
        }
      }
      graph.banned_entities().insert(from);
      for (size_t j = 0; j + 1 < i; ++j)
        graph.banned_entities().insert(graph.edge(previous[j]).other);
      graph.banned_entities().erase(spur);
      auto spur_path = DijkstraSearch(graph, spur, static_cast<uint32_t>(i), to, mode);
      graph.banned_edges().clear();
      graph.banned_entities().clear();
      CG_RETURN_IF_ERROR(spur_path.status());
      if (!*spur_path) continue;
      std::vector<uint32_t> total(previous.begin(), previous.begin() + i);
      total.insert(total.end(), (*spur_path)->edges.begin(), (*spur_path)->edges.end());
      if (!known.insert(total).second) continue;
      candidates.emplace(WeightOf(graph, total, mode, total.size()), total.size(), total);
    }
    if (candidates.empty() || graph.expander().stopped()) break;
    accepted->push_back(std::get<2>(*candidates.begin()));
    candidates.erase(candidates.begin());
  }
  return absl::OkStatus();
}

// Every simple path of at most max_depth edges, depth first over the graph's out_edges. BGL's
// depth_first_search visits each vertex once (a tree, not all paths), so this enumeration is
// our own; it counts its steps against max_edges_scanned and stops at max_results paths or when
// the paths found would exceed max_memory_bytes.
class SimplePathEnumerator {
 public:
  SimplePathEnumerator(ExplorationGraph* graph, uint64_t to, uint32_t max_depth,
                       const QueryLimits& limits)
      : graph_(graph),
        to_(to),
        max_depth_(max_depth),
        max_paths_(limits.max_results),
        max_steps_(limits.max_edges_scanned),
        max_bytes_(limits.max_memory_bytes) {}

  void Run(uint64_t from, std::vector<std::vector<uint32_t>>* paths, Cut* cut) {
    paths_ = paths;
    cut_ = cut;
    on_path_.insert(from);
    try {
      Visit(from);
    } catch (const SearchStopped&) {
    }
  }

 private:
  void Visit(uint64_t entity) {
    if (entity == to_) {
      if (paths_->size() == max_paths_) {
        cut_->results = true;
        throw SearchStopped{};
      }
      // Each path found is later a Path of whole Edges: its bytes count against the budget.
      held_bytes_ += edges_.size() * (sizeof(Edge) + sizeof(uint32_t)) + sizeof(Path);
      if (held_bytes_ > max_bytes_) {
        cut_->memory = true;
        throw SearchStopped{};
      }
      paths_->push_back(edges_);
      return;
    }
    if (edges_.size() == max_depth_) return;
    if (graph_->expander().Interrupted()) throw SearchStopped{};
    auto [begin, end] = out_edges(entity, *graph_);
    for (auto it = begin; it != end; ++it) {
      if (++steps_ > max_steps_) {
        cut_->edges_scanned = true;
        throw SearchStopped{};
      }
      uint64_t next = target(*it, *graph_);
      if (on_path_.count(next) != 0) continue;
      on_path_.insert(next);
      edges_.push_back(it->edge);
      Visit(next);
      edges_.pop_back();
      on_path_.erase(next);
    }
  }

  ExplorationGraph* graph_;
  uint64_t to_;
  uint32_t max_depth_;
  size_t max_paths_, max_steps_, max_bytes_, steps_ = 0, held_bytes_ = 0;
  std::vector<uint32_t> edges_;
  std::set<uint64_t> on_path_;
  std::vector<std::vector<uint32_t>>* paths_ = nullptr;
  Cut* cut_ = nullptr;
};

}  // namespace

void Cut::Merge(const Cut& other) {
  results |= other.results;
  fanout |= other.fanout;
  edges_scanned |= other.edges_scanned;
  deadline |= other.deadline;
  cancelled |= other.cancelled;
  memory |= other.memory;
  answer_bytes |= other.answer_bytes;
}

std::string Cut::Describe() const {
  std::string out;
  auto add = [&](bool flag, const char* name) {
    if (!flag) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(results, "results");
  add(fanout, "fanout");
  add(edges_scanned, "edges_scanned");
  add(deadline, "deadline");
  add(cancelled, "cancelled");
  add(memory, "memory");
  add(answer_bytes, "answer_bytes");
  return out;
}

Edge AsOutEdge(const Edge& edge) {
  if (edge.direction == keys::kOutEdge) return edge;
  Edge out = edge;
  out.direction = keys::kOutEdge;
  out.node = edge.other;
  out.other = edge.node;
  return out;
}

absl::StatusOr<NeighborsResult> Neighbors(const EdgeSource& source,
                                          const NeighborsRequest& request) {
  const ReadView& view = source.view();
  CG_RETURN_IF_ERROR(validation::CheckPageSize(request.page_size, view.limits()));
  const int32_t page_size =
      request.page_size == 0 ? view.limits().default_page_size : request.page_size;
  CG_ASSIGN_OR_RETURN(uint64_t entity, ResolveEntity(source, request.entity_id, "entity_id"));
  // The query's fingerprint binds page tokens to it; only needed when a token is read or written
  // (most calls answer in one page), so it is computed then.
  auto fingerprint = [&] {
    return paging::Fingerprint(StrCat("neighbors|", request.entity_id, "|",
                                      FilterFingerprint(request.filter), "|", view.as_of()));
  };
  std::string resume;
  if (!request.page_token.empty()) {
    CG_ASSIGN_OR_RETURN(resume, paging::DecodePageToken(request.page_token, fingerprint()));
  }
  std::optional<std::pair<char, EdgePosition>> after;
  if (!resume.empty()) {
    after = DecodePosition(resume);
    if (!after) return absl::InvalidArgumentError("page_token: malformed");
  }
  QueryLimits limits = request.limits;
  limits.max_edges_scanned = view.limits().max_scan_per_page;
  limits.max_fanout = static_cast<size_t>(page_size) + 1;
  CG_ASSIGN_OR_RETURN(auto expander, Expander::Create(&source, request.filter, limits));
  NeighborsResult result;
  CG_RETURN_IF_ERROR(expander->Expand(
      entity,
      [&](const Edge& edge) {
        result.edges.push_back(edge);
        return true;
      },
      after, static_cast<size_t>(page_size) + 1));
  result.cut = expander->cut();
  if (result.edges.size() > static_cast<size_t>(page_size)) {
    result.edges.pop_back();
    const Edge& last = result.edges.back();
    result.next_page_token =
        paging::EncodePageToken(fingerprint(), EncodePosition(last.direction, last.Position()));
  } else if (expander->stopped() && expander->last_consumed()) {
    // A short page: the scan budget, deadline or cancellation ended it; resume after the last
    // edge it looked at. The scan budget is ordinary paging, not a cut.
    result.next_page_token = paging::EncodePageToken(
        fingerprint(),
        EncodePosition(expander->last_consumed()->first, expander->last_consumed()->second));
  }
  result.cut.edges_scanned = false;
  return result;
}

absl::StatusOr<TraverseResult> Traverse(const EdgeSource& source, const TraverseRequest& request) {
  CG_RETURN_IF_ERROR(CheckDepth(request.max_depth, 1, "max_depth"));
  if (request.start_ids.empty())
    return absl::InvalidArgumentError("start_ids: at least one is required");
  CG_ASSIGN_OR_RETURN(auto starts, ResolveEntities(source, request.start_ids, "start_ids"));
  CG_ASSIGN_OR_RETURN(auto expander, Expander::Create(&source, request.filter, request.limits));
  ExplorationGraph graph(expander.get(), 0);
  TraverseResult result;
  BfsState state{&graph, {}, request.limits.max_results, 0, nullptr};
  state.report = [&](const Reached& reached) {
    result.reported += 1;
    if (request.on_reached) return request.on_reached(reached);
    result.reached.push_back(reached);
    return true;
  };
  CG_RETURN_IF_ERROR(RunBfs(graph, starts, request.max_depth, state));
  result.cut = expander->cut();
  result.cut.results = state.results_cut;
  if (state.sink_stopped) result.cut.cancelled = true;
  return result;
}

absl::StatusOr<PathsResult> FindPaths(const EdgeSource& source, const PathsRequest& request) {
  CG_RETURN_IF_ERROR(CheckDepth(request.max_depth, 1, "max_depth"));
  if (request.mode != PathMode::kAllSimple &&
      (request.k < 1 || request.k > request.limits.max_results)) {
    return absl::InvalidArgumentError(
        StrCat("k: must be in [1, ", request.limits.max_results, "]"));
  }
  CG_ASSIGN_OR_RETURN(uint64_t from, ResolveEntity(source, request.from_id, "from_id"));
  CG_ASSIGN_OR_RETURN(uint64_t to, ResolveEntity(source, request.to_id, "to_id"));
  CG_ASSIGN_OR_RETURN(auto expander, Expander::Create(&source, request.filter, request.limits));
  PathsResult result;
  if (from == to) {
    result.paths.push_back(Path{});
    return result;
  }
  std::vector<std::vector<uint32_t>> found;
  const PathMode mode = request.mode;
  std::unique_ptr<ExplorationGraph> graph;
  if (mode == PathMode::kAllSimple) {
    graph = std::make_unique<ExplorationGraph>(expander.get(), 0);
    graph->set_skip_self_loops(true);
    SimplePathEnumerator enumerator(graph.get(), to, request.max_depth, request.limits);
    enumerator.Run(from, &found, &result.cut);
    CG_RETURN_IF_ERROR(graph->status());
  } else if (mode == PathMode::kShortest && request.k == 1) {
    graph = std::make_unique<ExplorationGraph>(expander.get(), 0);
    graph->set_skip_self_loops(true);
    CG_ASSIGN_OR_RETURN(auto path, BfsShortest(*graph, from, to, request.max_depth));
    if (path) found.push_back(*std::move(path));
  } else {
    graph = std::make_unique<ExplorationGraph>(expander.get(), request.max_depth);
    graph->set_skip_self_loops(true);
    CG_RETURN_IF_ERROR(YenPaths(*graph, from, to, request.k, mode, &found));
  }
  for (const auto& edges : found) result.paths.push_back(MakePath(*graph, edges, mode));
  result.cut.Merge(expander->cut());
  return result;
}

absl::StatusOr<SubgraphResult> Subgraph(const EdgeSource& source, const SubgraphRequest& request) {
  CG_RETURN_IF_ERROR(CheckDepth(request.depth, 0, "depth"));
  if (request.entity_ids.empty())
    return absl::InvalidArgumentError("entity_ids: at least one is required");
  CG_ASSIGN_OR_RETURN(auto starts, ResolveEntities(source, request.entity_ids, "entity_ids"));
  CG_ASSIGN_OR_RETURN(auto expander, Expander::Create(&source, request.filter, request.limits));
  ExplorationGraph graph(expander.get(), 0);
  SubgraphResult result;
  BfsState state{&graph, {}, request.limits.max_results, 0, nullptr};
  state.report = [&](const Reached& reached) {
    result.entities.push_back(reached);
    return true;
  };
  if (request.depth > 0) {
    CG_RETURN_IF_ERROR(RunBfs(graph, starts, request.depth, state));
  } else {
    for (uint64_t start : starts) result.entities.push_back(Reached{start, 0, std::nullopt});
  }
  // The edges among the entities found, each once, from the entities' (cached) expansions.
  std::set<uint64_t> members;
  for (const auto& reached : result.entities) members.insert(reached.entity);
  std::map<std::tuple<uint64_t, uint32_t, uint64_t, uint64_t>, Edge> edges;
  for (const auto& reached : result.entities) {
    if (expander->stopped()) break;
    try {
      auto [begin, end] = graph.EdgesOf(reached.entity);
      for (uint32_t i = begin; i < end; ++i) {
        Edge edge = AsOutEdge(graph.edge(i));
        if (members.count(edge.node) == 0 || members.count(edge.other) == 0) continue;
        edges.emplace(std::make_tuple(edge.node, edge.predicate, edge.other, edge.statement), edge);
      }
    } catch (const SearchStopped&) {
      break;
    }
  }
  CG_RETURN_IF_ERROR(graph.status());
  for (auto& [key, edge] : edges) result.edges.push_back(edge);
  result.cut = expander->cut();
  result.cut.results = state.results_cut;
  return result;
}

namespace {

uint64_t SubgraphFingerprint(const SubgraphRequest& request) {
  std::string ids;
  for (const auto& id : request.entity_ids) ids += StrCat(id.size(), ":", id);
  const QueryLimits& limits = request.limits;
  return paging::Fingerprint(StrCat("subgraph|", ids, "|", request.depth, "|",
                                    FilterFingerprint(request.filter), "|", limits.max_results, "|",
                                    limits.max_fanout, "|", limits.max_edges_scanned, "|",
                                    limits.max_memory_bytes));
}

}  // namespace

std::string SubgraphPage::TokenAfter(size_t sent) const {
  const uint64_t next = offset + sent;
  if (next >= item_count) return std::string();
  return paging::EncodePinnedPageToken(fingerprint, as_of,
                                       paging::EncodeGraphPosition(next, item_count));
}

absl::StatusOr<SubgraphPage> SubgraphPaged(const EdgeSource& source, const SubgraphRequest& request,
                                           const SubgraphPaging& paging) {
  if (paging.page_size == 0) return absl::InvalidArgumentError("page_size: must be positive");
  const ReadView& view = source.view();
  if (view.as_of() == std::numeric_limits<uint64_t>::max()) {
    return absl::InternalError("a paged Subgraph needs a view as of a pinned time");
  }
  SubgraphPage page;
  page.fingerprint = SubgraphFingerprint(request);
  page.as_of = view.as_of();
  CG_ASSIGN_OR_RETURN(std::string position, paging::DecodePinnedPageToken(
                                                paging.page_token, page.fingerprint, page.as_of));
  CG_ASSIGN_OR_RETURN(page.whole, Subgraph(source, request));
  if (page.whole.cut.deadline) {
    return absl::DeadlineExceededError(
        "the subgraph's walk ran out of time: a paged Subgraph walks the whole subgraph on "
        "every page");
  }
  if (page.whole.cut.cancelled) return absl::CancelledError("the subgraph's walk was cancelled");
  std::unordered_map<uint64_t, size_t> entity_at;
  for (size_t i = 0; i < page.whole.entities.size(); ++i) {
    entity_at.emplace(page.whole.entities[i].entity, i);
  }
  std::vector<size_t> later_end;
  later_end.reserve(page.whole.edges.size());
  for (const auto& edge : page.whole.edges) {
    later_end.push_back(std::max(entity_at.at(edge.node), entity_at.at(edge.other)));
  }
  auto items = paging::GraphPageOrder(page.whole.entities.size(), later_end);
  page.item_count = items.size();
  CG_ASSIGN_OR_RETURN(page.offset, paging::DecodeGraphPosition(position, page.item_count));
  const size_t end = std::min<size_t>(items.size(), page.offset + paging.page_size);
  page.items.assign(items.begin() + static_cast<std::ptrdiff_t>(page.offset),
                    items.begin() + static_cast<std::ptrdiff_t>(end));
  return page;
}

}  // namespace claimgraph::traversal
