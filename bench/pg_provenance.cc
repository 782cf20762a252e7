// Trace and corroboration over PostgreSQL rows, written from docs/provenance.md (not from the
// engine's code), so equal answers check both.
#include "pg_provenance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace claimgraph::bench {
namespace {

// The claim columns the claim queries select (from claims c), in ClaimRow's order; `relays`
// and `inactive` are the expressions giving the relay (stored, or by a RELAYS link) and whether
// a retraction or deprecation targets the claim.
std::string ClaimColumns(const std::string& relays, const std::string& inactive) {
  return "SELECT c.id, c.ext_id, cl.ext_id, c.claimant_id IS NULL, ob.ext_id, c.source_id,"
         " c.confidence, c.stance, c.certainty, c.probability_low, c.probability_high," +
         relays + ", (extract(epoch FROM c.claimed_at) * 1000000)::bigint, c.basis_source_ext," +
         " c.basis_source_id, c.basis_entity_ext, c.basis_description, " + inactive + " ";
}
// Per claim, for the queries that read a few claims.
constexpr const char* kRelays =
    "coalesce(c.relays_claim_id, (SELECT l.relays_claim_id FROM lifecycle_events l"
    " WHERE l.target_claim_id = c.id AND l.kind = 4 LIMIT 1))";
constexpr const char* kInactive =
    "EXISTS (SELECT 1 FROM lifecycle_events l WHERE l.target_claim_id = c.id"
    " AND l.kind IN (1, 3))";
constexpr const char* kSourceColumns =
    "SELECT s.id, s.ext_id, p.ext_id,"
    " (extract(epoch FROM s.declared_published_at) * 1000000)::bigint,"
    " (extract(epoch FROM s.first_seen_at) * 1000000)::bigint, s.reliability, ";
constexpr const char* kClaimJoins =
    " LEFT JOIN entities cl ON cl.id = c.claimant_id"
    " LEFT JOIN entities ob ON ob.id = c.on_behalf_of_id ";

struct ClaimRow {
  int64_t id = 0;
  std::string ext, claimant, on_behalf;
  bool anonymous = false;
  int64_t source = 0;
  double confidence = 1;
  int stance = 0, certainty = 0;
  double probability_low = 0, probability_high = 0;
  int64_t relays = 0;
  int64_t claimed_at = 0;  // microseconds; 0: unset
  std::string basis_source_ext;
  int64_t basis_source = 0;
  std::string basis_entity, basis_description;
  bool inactive = false;
};

struct SourceRow {
  int64_t id = 0;
  std::string ext, publisher;
  int64_t declared = 0, first_seen = 0;
  int reliability = 0;
  std::vector<std::pair<int64_t, int>> earlier;  // derived_from, in order: (source, type)
};

struct Component {
  std::vector<int64_t> members;  // ascending
  bool cycle = false;
  bool root = false;
  std::vector<int64_t> roots;  // root documents reachable, ascending
};

constexpr int kSupports = 1, kRefutes = 2;
constexpr int kRepublishes = 1;

std::string Normalize(const std::string& text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string Text(PGresult* result, int row, int column) {
  return PQgetisnull(result, row, column) ? "" : PQgetvalue(result, row, column);
}
int64_t Integer(PGresult* result, int row, int column) {
  return PQgetisnull(result, row, column) ? 0 : std::atoll(PQgetvalue(result, row, column));
}
double Real(PGresult* result, int row, int column, double otherwise) {
  return PQgetisnull(result, row, column) ? otherwise : std::atof(PQgetvalue(result, row, column));
}

ClaimRow ParseClaim(PGresult* result, int row) {
  ClaimRow claim;
  claim.id = Integer(result, row, 0);
  claim.ext = Text(result, row, 1);
  claim.claimant = Text(result, row, 2);
  claim.anonymous = Text(result, row, 3) == "t";
  claim.on_behalf = Text(result, row, 4);
  claim.source = Integer(result, row, 5);
  claim.confidence = Real(result, row, 6, 1.0);
  claim.stance = static_cast<int>(Integer(result, row, 7));
  claim.certainty = static_cast<int>(Integer(result, row, 8));
  claim.probability_low = Real(result, row, 9, 0);
  claim.probability_high = Real(result, row, 10, 0);
  claim.relays = Integer(result, row, 11);
  claim.claimed_at = Integer(result, row, 12);
  claim.basis_source_ext = Text(result, row, 13);
  claim.basis_source = Integer(result, row, 14);
  claim.basis_entity = Text(result, row, 15);
  claim.basis_description = Text(result, row, 16);
  claim.inactive = Text(result, row, 17) == "t";
  return claim;
}

SourceRow ParseSource(PGresult* result, int row) {
  SourceRow source;
  source.id = Integer(result, row, 0);
  source.ext = Text(result, row, 1);
  source.publisher = Text(result, row, 2);
  source.declared = Integer(result, row, 3);
  source.first_seen = Integer(result, row, 4);
  source.reliability = static_cast<int>(Integer(result, row, 5));
  std::string links = Text(result, row, 6);
  size_t start = 0;
  while (start < links.size()) {
    size_t comma = links.find(',', start);
    if (comma == std::string::npos) comma = links.size();
    std::string link = links.substr(start, comma - start);
    size_t colon = link.find(':');
    source.earlier.emplace_back(std::atoll(link.c_str()), std::atoi(link.c_str() + colon + 1));
    start = comma + 1;
  }
  return source;
}

// One answer's rows and what is derived from them (the per-call memo claimgraph keeps per
// snapshot, none kept across calls).
class Graph {
 public:
  explicit Graph(PGconn* connection) : connection_(connection) {}
  // Over every source, loaded once (the scorer's pass over all statements).
  explicit Graph(const std::unordered_map<int64_t, SourceRow>* all_sources)
      : connection_(nullptr), all_sources_(all_sources) {}

  void AddClaim(ClaimRow claim) {
    order_.push_back(claim.id);  // callers add in id order
    claims_[claim.id] = std::move(claim);
  }

  bool Claims(const char* statement, int64_t parameter, std::string* error) {
    std::string value = std::to_string(parameter);
    PGresult* result = Exec(statement, value, error);
    if (result == nullptr) return false;
    for (int row = 0; row < PQntuples(result); ++row) {
      ClaimRow claim = ParseClaim(result, row);
      order_.push_back(claim.id);
      claims_[claim.id] = std::move(claim);
    }
    PQclear(result);
    std::sort(order_.begin(), order_.end());
    return true;
  }

  // The documents of the loaded claims (found in, basis) and everything they derive from.
  bool Sources(std::string* error) {
    std::string ids = "{";
    for (const auto& [id, claim] : claims_) {
      for (int64_t source : {claim.source, claim.basis_source}) {
        if (source == 0) continue;
        if (ids.size() > 1) ids += ",";
        ids += std::to_string(source);
      }
    }
    ids += "}";
    PGresult* result = Exec("sources", ids, error);
    if (result == nullptr) return false;
    for (int row = 0; row < PQntuples(result); ++row) {
      SourceRow source = ParseSource(result, row);
      sources_[source.id] = std::move(source);
    }
    PQclear(result);
    return true;
  }

  const ClaimRow* Claim(int64_t id) const {
    auto found = claims_.find(id);
    return found == claims_.end() ? nullptr : &found->second;
  }
  const SourceRow* Source(int64_t id) const {
    const auto& sources = all_sources_ != nullptr ? *all_sources_ : sources_;
    auto found = sources.find(id);
    return found == sources.end() ? nullptr : &found->second;
  }
  const std::vector<int64_t>& claims_in_order() const { return order_; }
  const std::unordered_map<int64_t, SourceRow>& sources() const { return sources_; }

  // The strongly connected component of derivation links `source` is in (Tarjan, explicit
  // stack); components finish successors first, so each one's roots come from theirs.
  const Component* ComponentOf(int64_t source) {
    if (Source(source) == nullptr) return nullptr;
    if (!component_of_.count(source)) Visit(source);
    return &components_[component_of_.at(source)];
  }
  const std::deque<Component>& components() const { return components_; }

 private:
  PGresult* Exec(const char* statement, const std::string& value, std::string* error) {
    const char* values[1] = {value.c_str()};
    PGresult* result = PQexecPrepared(connection_, statement, 1, values, nullptr, nullptr, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      *error = PQresultErrorMessage(result);
      PQclear(result);
      return nullptr;
    }
    return result;
  }

  void Visit(int64_t start) {
    struct Frame {
      const SourceRow* node;
      size_t next;
    };
    std::unordered_map<int64_t, uint64_t> index, low;
    std::unordered_set<int64_t> on_stack;
    std::vector<int64_t> stack;
    std::vector<Frame> frames;
    uint64_t counter = 0;
    auto open = [&](const SourceRow* node) {
      index[node->id] = low[node->id] = counter++;
      stack.push_back(node->id);
      on_stack.insert(node->id);
      frames.push_back({node, 0});
    };
    open(Source(start));
    while (!frames.empty()) {
      Frame& frame = frames.back();
      const SourceRow* node = frame.node;
      if (frame.next < node->earlier.size()) {
        int64_t next = node->earlier[frame.next++].first;
        if (component_of_.count(next)) continue;
        if (!index.count(next)) {
          if (const SourceRow* next_node = Source(next)) open(next_node);
        } else if (on_stack.count(next)) {
          low[node->id] = std::min(low[node->id], index[next]);
        }
        continue;
      }
      frames.pop_back();
      if (!frames.empty()) {
        int64_t parent = frames.back().node->id;
        low[parent] = std::min(low[parent], low[node->id]);
      }
      if (low[node->id] != index[node->id]) continue;
      Component component;
      size_t number = components_.size();
      while (true) {
        int64_t member = stack.back();
        stack.pop_back();
        on_stack.erase(member);
        component.members.push_back(member);
        component_of_[member] = number;
        if (member == node->id) break;
      }
      std::sort(component.members.begin(), component.members.end());
      component.cycle = component.members.size() > 1;
      for (int64_t member : component.members) {
        for (const auto& [earlier, type] : Source(member)->earlier) {
          auto target = component_of_.find(earlier);
          if (target == component_of_.end()) continue;
          if (target->second == number) {
            component.cycle |= earlier == member;
            continue;
          }
          const auto& roots = components_[target->second].roots;
          component.roots.insert(component.roots.end(), roots.begin(), roots.end());
        }
      }
      if (component.roots.empty()) {
        component.root = true;
        component.roots = component.members;
      }
      std::sort(component.roots.begin(), component.roots.end());
      component.roots.erase(std::unique(component.roots.begin(), component.roots.end()),
                            component.roots.end());
      components_.push_back(std::move(component));
    }
  }

  PGconn* connection_;
  std::unordered_map<int64_t, ClaimRow> claims_;
  std::vector<int64_t> order_;
  std::unordered_map<int64_t, SourceRow> sources_;
  const std::unordered_map<int64_t, SourceRow>* all_sources_ = nullptr;
  std::unordered_map<int64_t, size_t> component_of_;
  std::deque<Component> components_;  // stable addresses: answers keep pointers
};

// The relay cycles among `claims` (each relays at most one): members in relay order from the
// smallest id.
std::vector<std::vector<int64_t>> RelayCycles(const Graph& graph,
                                              const std::vector<int64_t>& claims) {
  std::unordered_map<int64_t, bool> seen;  // true: on the current walk
  std::vector<std::vector<int64_t>> cycles;
  for (int64_t start : claims) {
    std::vector<int64_t> walk;
    int64_t current = start;
    while (graph.Claim(current) != nullptr && !seen.count(current)) {
      seen[current] = true;
      walk.push_back(current);
      current = graph.Claim(current)->relays;
    }
    auto found = seen.find(current);
    if (found != seen.end() && found->second) {
      std::vector<int64_t> cycle(std::find(walk.begin(), walk.end(), current), walk.end());
      std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
      cycles.push_back(std::move(cycle));
    }
    for (int64_t id : walk) seen[id] = false;
  }
  return cycles;
}

}  // namespace

bool PrepareProvenance(PGconn* connection, std::string* error) {
  const std::string claim_columns = ClaimColumns(kRelays, kInactive);
  const std::pair<const char*, std::string> statements[] = {
      {"resolve_claim", "SELECT id, statement_id FROM claims WHERE ext_id = $1"},
      // The relay chain of a claim (UNION: a relay cycle is walked once).
      {"chain",
       "WITH RECURSIVE chain(id) AS (SELECT $1::bigint UNION"
       " SELECT coalesce(c.relays_claim_id, (SELECT l.relays_claim_id FROM lifecycle_events l"
       "   WHERE l.target_claim_id = c.id AND l.kind = 4 LIMIT 1))"
       " FROM chain ch JOIN claims c ON c.id = ch.id) " +
           claim_columns + "FROM chain ch JOIN claims c ON c.id = ch.id" + kClaimJoins},
      // A relay passes on the same statement: these are every claim its chains reach.
      {"statement_claims",
       claim_columns + "FROM claims c" + kClaimJoins + "WHERE c.statement_id = $1::bigint"},
      {"sources",
       "WITH RECURSIVE closure(id) AS (SELECT unnest($1::bigint[]) UNION"
       " SELECT d.derived_from_id FROM closure c JOIN source_derivations d ON d.source_id = c.id)"
       " " +
           std::string(kSourceColumns) +
           "(SELECT string_agg(d.derived_from_id || ':' || d.type, ',' ORDER BY d.ordinal)"
           "  FROM source_derivations d WHERE d.source_id = s.id)"
           " FROM closure c JOIN sources s ON s.id = c.id"
           " LEFT JOIN entities p ON p.id = s.publisher_id"},
  };
  for (const auto& [name, sql] : statements) {
    PGresult* prepared = PQprepare(connection, name, sql.c_str(), 0, nullptr);
    bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
    if (!ok) *error = std::string(name) + ": " + PQresultErrorMessage(prepared);
    PQclear(prepared);
    if (!ok) return false;
  }
  return true;
}

int64_t ResolveClaim(PGconn* connection, const std::string& claim_id, bool statement,
                     std::string* error) {
  const char* values[1] = {claim_id.c_str()};
  PGresult* result = PQexecPrepared(connection, "resolve_claim", 1, values, nullptr, nullptr, 0);
  int64_t id = 0;
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    *error = PQresultErrorMessage(result);
  } else if (PQntuples(result) > 0) {
    id = Integer(result, 0, statement ? 1 : 0);
  }
  PQclear(result);
  return id;
}

bool TraceClaim(PGconn* connection, int64_t start, TraceAnswer* answer, std::string* error) {
  Graph graph(connection);
  if (!graph.Claims("chain", start, error) || !graph.Sources(error)) return false;
  const ClaimRow* first = graph.Claim(start);
  if (first == nullptr) {
    *error = "claim not found";
    return false;
  }
  std::set<std::string> nodes;
  std::unordered_set<int64_t> trace_sources;
  auto claim_key = [](const ClaimRow& claim) { return "claim:" + claim.ext; };
  const std::string start_key = claim_key(*first);
  // The claims of the trace are the relay chain; the documents are the ones they are found in
  // or rest on, and everything those derive from (the closure fetched).
  for (int64_t id : graph.claims_in_order()) {
    const ClaimRow& claim = *graph.Claim(id);
    nodes.insert(claim_key(claim));
    if (graph.Source(claim.source) != nullptr) trace_sources.insert(claim.source);
    nodes.insert(claim.anonymous ? "anonymous:" + claim.ext : "agent:" + claim.claimant);
    if (!claim.on_behalf.empty()) nodes.insert("agent:" + claim.on_behalf);
    if (graph.Source(claim.basis_source) != nullptr) trace_sources.insert(claim.basis_source);
    if (!claim.basis_entity.empty()) nodes.insert("agent:" + claim.basis_entity);
    std::string description = Normalize(claim.basis_description);
    if (!description.empty()) nodes.insert("basis:" + description);
  }
  for (const auto& [id, source] : graph.sources()) {
    nodes.insert("source:" + source.ext);
    if (!source.publisher.empty()) nodes.insert("agent:" + source.publisher);
  }
  answer->nodes.assign(nodes.begin(), nodes.end());

  std::unordered_set<int64_t> in_ring;
  for (const auto& cycle : RelayCycles(graph, graph.claims_in_order())) {
    std::vector<std::string> ids;
    for (int64_t member : cycle) {
      in_ring.insert(member);
      ids.push_back(graph.Claim(member)->ext);
      answer->flags.emplace_back(6, claim_key(*graph.Claim(member)), "");
    }
    answer->relay_cycles.push_back(std::move(ids));
  }
  // Root claims and who said it first: the earliest claimed_at, undated after every dated one
  // and then in recorded order (the internal id).
  std::vector<std::pair<std::pair<int, int64_t>, std::string>> roots;
  for (int64_t id : graph.claims_in_order()) {
    const ClaimRow& claim = *graph.Claim(id);
    if (claim.inactive) answer->flags.emplace_back(5, claim_key(claim), "");
    if (graph.Claim(claim.relays) != nullptr && !in_ring.count(id)) continue;
    roots.push_back(
        {claim.claimed_at != 0 ? std::make_pair(0, claim.claimed_at) : std::make_pair(1, claim.id),
         claim.ext});
    if (claim.source == 0) answer->flags.emplace_back(2, claim_key(claim), "");
    if (claim.anonymous) answer->flags.emplace_back(3, claim_key(claim), start_key);
  }
  std::sort(roots.begin(), roots.end());
  for (const auto& [time, id] : roots) {
    answer->root_claims.push_back(id);
    if (time == roots.front().first) answer->first_claims.push_back(id);
  }
  // Root documents, where it first appeared (first seen, else declared), copies dated later.
  std::vector<std::pair<std::pair<int, int64_t>, std::string>> root_sources;
  std::set<const Component*> cycles;
  for (const auto& [id, source] : graph.sources()) {
    const Component* component = graph.ComponentOf(id);
    std::string key = "source:" + source.ext;
    if (component->root) {
      int64_t appeared = source.first_seen != 0 ? source.first_seen : source.declared;
      root_sources.push_back(
          {appeared != 0 ? std::make_pair(0, appeared) : std::make_pair(1, 0L), source.ext});
    }
    if (component->cycle) {
      answer->flags.emplace_back(4, key, "");
      cycles.insert(component);
    }
    if (source.declared == 0) continue;
    // The earliest-declared document this one republishes (through republishes links only).
    const SourceRow* best = nullptr;
    std::vector<const SourceRow*> pending{&source};
    std::unordered_set<int64_t> seen{source.id};
    while (!pending.empty()) {
      const SourceRow* current = pending.back();
      pending.pop_back();
      for (const auto& [earlier, type] : current->earlier) {
        if (type != kRepublishes || !seen.insert(earlier).second) continue;
        const SourceRow* original = graph.Source(earlier);
        if (original == nullptr) continue;
        pending.push_back(original);
        if (original->declared == 0 || original->declared >= source.declared) continue;
        if (best == nullptr || original->declared < best->declared) best = original;
      }
    }
    if (best != nullptr) answer->flags.emplace_back(1, key, "source:" + best->ext);
  }
  std::sort(root_sources.begin(), root_sources.end());
  for (const auto& [time, id] : root_sources) {
    answer->root_sources.push_back(id);
    if (time == root_sources.front().first) answer->first_sources.push_back(id);
  }
  for (const Component* component : cycles) {
    std::vector<std::string> members;
    for (int64_t member : component->members) members.push_back(graph.Source(member)->ext);
    answer->cycles.push_back(std::move(members));
  }
  (void)trace_sources;
  return true;
}

namespace {

constexpr double kBaseRate = 0.5;
constexpr double kUnsourced = 0.5;
constexpr double kTieTolerance = 1e-12;

double Trust(int reliability) {
  static constexpr double kTrust[] = {0.5, 0.95, 0.80, 0.65, 0.45, 0.25, 0.50};
  return reliability >= 0 && reliability <= 6 ? kTrust[reliability] : 0.5;
}

double Strength(const ClaimRow& claim) {
  if (claim.probability_high > 0) {
    double middle = (claim.probability_low + claim.probability_high) / 2;
    return std::max(middle, 1 - middle);
  }
  switch (claim.certainty) {
    case 1:
      return 0.95;
    case 2:
      return 0.70;
    case 3:
      return 0.40;
    default:
      return 0.50;
  }
}

struct Chain {
  int64_t innermost = 0;  // or the ring's first member
  double confidence = 1;
  double reliability_full = 1, reliability_inner = 1;
  bool any_source = false;
  bool ring = false;
  double Reliability() const { return any_source ? reliability_full : kUnsourced; }
};

class Chains {
 public:
  explicit Chains(Graph& graph) : graph_(graph) {}

  const Chain& Of(int64_t claim) {
    if (auto found = chains_.find(claim); found != chains_.end()) return found->second;
    std::vector<const ClaimRow*> path;
    std::unordered_map<int64_t, size_t> position;
    int64_t current = claim;
    while (true) {
      const ClaimRow* node = graph_.Claim(current);
      position.emplace(current, path.size());
      path.push_back(node);
      if (graph_.Claim(node->relays) == nullptr || chains_.count(node->relays)) break;
      if (auto seen = position.find(node->relays); seen != position.end()) {
        std::vector<const ClaimRow*> ring(path.begin() + static_cast<std::ptrdiff_t>(seen->second),
                                          path.end());
        path.resize(seen->second);
        AddRing(std::move(ring));
        break;
      }
      current = node->relays;
    }
    for (size_t k = path.size(); k-- > 0;) {
      const ClaimRow* node = path[k];
      Chain chain;
      double own_trust = 1;
      if (const SourceRow* source = graph_.Source(node->source))
        own_trust = Trust(source->reliability);
      auto inner =
          graph_.Claim(node->relays) != nullptr ? chains_.find(node->relays) : chains_.end();
      if (inner == chains_.end()) {
        chain.innermost = node->id;
        chain.confidence = node->confidence;
        chain.any_source = node->source != 0;
      } else {
        const Chain& next = inner->second;
        bool same_document =
            node->source != 0 && graph_.Claim(node->relays)->source == node->source;
        chain.innermost = next.innermost;
        chain.confidence = node->confidence * next.confidence;
        chain.reliability_inner = same_document ? next.reliability_inner : next.reliability_full;
        chain.any_source = node->source != 0 || next.any_source;
        chain.ring = next.ring;
      }
      chain.reliability_full = (node->source != 0 ? own_trust : 1.0) * chain.reliability_inner;
      chains_[node->id] = chain;
    }
    return chains_.at(claim);
  }

  // The members of the ring whose first member is `first`; empty when `first` is no ring's.
  const std::vector<int64_t>& Ring(int64_t first) const {
    static const std::vector<int64_t> kNone;
    auto found = rings_.find(first);
    return found == rings_.end() ? kNone : found->second;
  }

 private:
  // Member j's chain goes once round the ring: j, j+1, ..., j-1 (docs/provenance.md 3.2).
  void AddRing(std::vector<const ClaimRow*> ring) {
    const size_t count = ring.size();
    std::rotate(
        ring.begin(),
        std::min_element(ring.begin(), ring.end(),
                         [](const ClaimRow* a, const ClaimRow* b) { return a->id < b->id; }),
        ring.end());
    double confidence = 1;
    bool any_source = false;
    std::vector<double> factor(count, 1.0), trust(count, 1.0);
    std::vector<int64_t> members;
    for (size_t i = 0; i < count; ++i) {
      members.push_back(ring[i]->id);
      confidence *= ring[i]->confidence;
      if (ring[i]->source == 0) continue;
      any_source = true;
      if (const SourceRow* source = graph_.Source(ring[i]->source)) {
        trust[i] = Trust(source->reliability);
      }
      if (ring[(i + count - 1) % count]->source != ring[i]->source) factor[i] = trust[i];
    }
    for (size_t j = 0; j < count; ++j) {
      double inner = 1;
      for (size_t i = 0; i < count; ++i) {
        if (i != j) inner *= factor[i];
      }
      Chain chain;
      chain.innermost = ring[0]->id;
      chain.confidence = confidence;
      chain.reliability_inner = inner;
      chain.reliability_full = (ring[j]->source != 0 ? trust[j] : 1.0) * inner;
      chain.any_source = any_source;
      chain.ring = true;
      chains_[ring[j]->id] = chain;
    }
    rings_[ring[0]->id] = std::move(members);
  }

  Graph& graph_;
  std::unordered_map<int64_t, Chain> chains_;
  std::unordered_map<int64_t, std::vector<int64_t>> rings_;
};

struct OriginSet {
  std::vector<std::string> keys;
  bool circular = false;
};

// docs/provenance.md section 2, for one innermost claim.
OriginSet OwnOrigin(Graph& graph, const ClaimRow& claim) {
  OriginSet origin;
  if (!claim.basis_source_ext.empty()) {
    origin.keys.push_back("source:" + claim.basis_source_ext);
    if (const Component* component = graph.ComponentOf(claim.basis_source)) {
      origin.circular |= component->cycle;
    }
  }
  if (!claim.basis_entity.empty()) origin.keys.push_back("entity:" + claim.basis_entity);
  std::string description = Normalize(claim.basis_description);
  if (!description.empty()) origin.keys.push_back("basis:" + description);
  std::string principal = !claim.on_behalf.empty() ? claim.on_behalf
                          : claim.anonymous        ? std::string()
                                                   : claim.claimant;
  const SourceRow* own = graph.Source(claim.source);
  if (principal.empty()) {
    origin.keys.push_back("anonymous:" + claim.ext);
  } else if (own != nullptr && own->publisher == principal) {
    // An outlet in its own voice speaks for the root documents its page comes from.
    for (int64_t root : graph.ComponentOf(claim.source)->roots) {
      const SourceRow* root_source = graph.Source(root);
      origin.circular |= graph.ComponentOf(root)->cycle;
      origin.keys.push_back("source:" + root_source->ext);
      if (!root_source->publisher.empty())
        origin.keys.push_back("entity:" + root_source->publisher);
    }
  } else {
    origin.keys.push_back("entity:" + principal);
  }
  std::sort(origin.keys.begin(), origin.keys.end());
  origin.keys.erase(std::unique(origin.keys.begin(), origin.keys.end()), origin.keys.end());
  return origin;
}

size_t FindRoot(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

}  // namespace

namespace {

void CorroborateGraph(Graph& graph, CorroborationAnswer* answer) {
  Chains chains(graph);
  std::unordered_map<int64_t, OriginSet> origins_of;  // by innermost claim (or ring)
  struct Entry {
    const ClaimRow* claim;
    const OriginSet* origin;
    double belief, disbelief, uncertainty;
  };
  std::vector<Entry> entries;
  for (int64_t id : graph.claims_in_order()) {
    const ClaimRow& claim = *graph.Claim(id);
    if (claim.inactive) continue;
    if (claim.source != 0) graph.ComponentOf(claim.source);  // cycles behind every document
    if (claim.stance != kSupports && claim.stance != kRefutes) {
      answer->discussing.push_back(claim.ext);
      continue;
    }
    const Chain& chain = chains.Of(id);
    auto found = origins_of.find(chain.innermost);
    if (found == origins_of.end()) {
      OriginSet origin;
      const std::vector<int64_t>& ring = chains.Ring(chain.innermost);
      if (ring.empty()) {
        origin = OwnOrigin(graph, *graph.Claim(chain.innermost));
      } else {
        origin.circular = true;
        for (int64_t member : ring) {
          OriginSet own = OwnOrigin(graph, *graph.Claim(member));
          origin.keys.insert(origin.keys.end(), own.keys.begin(), own.keys.end());
        }
        std::sort(origin.keys.begin(), origin.keys.end());
        origin.keys.erase(std::unique(origin.keys.begin(), origin.keys.end()), origin.keys.end());
      }
      found = origins_of.emplace(chain.innermost, std::move(origin)).first;
    }
    double strength = Strength(claim);
    double discount = chain.confidence * chain.Reliability();
    Entry entry{&claim, &found->second, 0, 0, 1};
    if (claim.stance == kSupports) {
      entry.belief = discount * strength;
      ++answer->supporting;
    } else {
      entry.disbelief = discount * strength;
      ++answer->refuting;
    }
    entry.uncertainty = 1 - entry.belief - entry.disbelief;
    entries.push_back(entry);
  }
  // Dependent when origin sets share a key: union-find over the keys.
  std::vector<size_t> parent(entries.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::unordered_map<std::string, size_t> owner;
  for (size_t i = 0; i < entries.size(); ++i) {
    for (const auto& key : entries[i].origin->keys) {
      auto [it, inserted] = owner.emplace(key, i);
      if (!inserted) parent[FindRoot(parent, i)] = FindRoot(parent, it->second);
    }
  }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < entries.size(); ++i) groups[FindRoot(parent, i)].push_back(i);
  double evidence_for = 0, evidence_against = 0;
  for (const auto& [root, members] : groups) {
    OriginAnswer origin;
    std::set<std::string> keys;
    size_t strongest = members.front();
    bool any_for = false, any_against = false;
    for (size_t i : members) {
      const Entry& entry = entries[i];
      origin.claims.push_back(entry.claim->ext);
      keys.insert(entry.origin->keys.begin(), entry.origin->keys.end());
      origin.circular |= entry.origin->circular;
      (entry.claim->stance == kSupports ? any_for : any_against) = true;
      // The strongest: largest mass, then the later utterance, then the smaller id.
      const Entry& best = entries[strongest];
      double mass = entry.belief + entry.disbelief, best_mass = best.belief + best.disbelief;
      bool stronger = std::abs(mass - best_mass) > kTieTolerance ? mass > best_mass
                      : entry.claim->claimed_at != best.claim->claimed_at
                          ? entry.claim->claimed_at > best.claim->claimed_at
                          : entry.claim->ext < best.claim->ext;
      if (stronger) strongest = i;
    }
    const Entry& best = entries[strongest];
    origin.keys.assign(keys.begin(), keys.end());
    origin.strongest = best.claim->ext;
    origin.belief = best.belief;
    origin.disbelief = best.disbelief;
    origin.uncertainty = best.uncertainty;
    // Cumulative fusion in evidence form (every contribution has u > 0).
    evidence_for += best.belief / best.uncertainty;
    evidence_against += best.disbelief / best.uncertainty;
    answer->origins_for += any_for ? 1 : 0;
    answer->origins_against += any_against ? 1 : 0;
    answer->origins.push_back(std::move(origin));
  }
  answer->uncertainty = 1 / (1 + evidence_for + evidence_against);
  answer->belief = evidence_for * answer->uncertainty;
  answer->disbelief = evidence_against * answer->uncertainty;
  answer->probability = answer->belief + kBaseRate * answer->uncertainty;
  for (const Component& component : graph.components()) {
    if (!component.cycle) continue;
    std::vector<std::string> members;
    for (int64_t member : component.members) members.push_back(graph.Source(member)->ext);
    answer->cycles.push_back(std::move(members));
  }
}

bool Exec(PGconn* connection, const std::string& sql, ExecStatusType expected, std::string* error) {
  PGresult* result = PQexec(connection, sql.c_str());
  bool ok = PQresultStatus(result) == expected;
  if (!ok) *error = sql.substr(0, 40) + ": " + PQresultErrorMessage(result);
  PQclear(result);
  return ok;
}

}  // namespace

bool ScoreStatements(PGconn* reader, PGconn* writer, bool freeze, int64_t* statements,
                     std::string* error) {
  // Every source, once.
  std::unordered_map<int64_t, SourceRow> sources;
  PGresult* result =
      PQexec(reader, (std::string(kSourceColumns) +
                      "d.links FROM sources s LEFT JOIN entities p ON p.id = s.publisher_id"
                      " LEFT JOIN (SELECT source_id, string_agg(derived_from_id || ':' || type, ','"
                      " ORDER BY ordinal) AS links FROM source_derivations GROUP BY source_id) d"
                      " ON d.source_id = s.id")
                         .c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    *error = PQresultErrorMessage(result);
    PQclear(result);
    return false;
  }
  for (int row = 0; row < PQntuples(result); ++row) {
    SourceRow source = ParseSource(result, row);
    sources.emplace(source.id, std::move(source));
  }
  PQclear(result);
  // The claims in statement order (a relay stays within its statement), the lifecycle events
  // joined once rather than looked up per claim.
  const std::string cursor =
      "DECLARE claims_in_order NO SCROLL CURSOR FOR " +
      ClaimColumns("coalesce(c.relays_claim_id, l.relays)", "coalesce(l.inactive, false)") +
      ", c.statement_id FROM claims c" + kClaimJoins +
      "LEFT JOIN (SELECT target_claim_id, bool_or(kind IN (1, 3)) AS inactive,"
      " max(relays_claim_id) FILTER (WHERE kind = 4) AS relays FROM lifecycle_events"
      " WHERE target_claim_id IS NOT NULL GROUP BY target_claim_id) l"
      " ON l.target_claim_id = c.id ORDER BY c.statement_id, c.id";
  if (!Exec(reader, "BEGIN", PGRES_COMMAND_OK, error) ||
      !Exec(reader, cursor, PGRES_COMMAND_OK, error) ||
      !Exec(writer, "BEGIN", PGRES_COMMAND_OK, error) ||
      // Emptied in this transaction, so COPY FREEZE may write the rows frozen.
      !Exec(writer, "TRUNCATE edge_scores", PGRES_COMMAND_OK, error) ||
      !Exec(writer, std::string("COPY edge_scores FROM STDIN") + (freeze ? " WITH (FREEZE)" : ""),
            PGRES_COPY_IN, error)) {
    return false;
  }
  std::string buffer;
  auto flush = [&]() {
    bool ok = PQputCopyData(writer, buffer.data(), static_cast<int>(buffer.size())) == 1;
    buffer.clear();
    if (!ok) *error = PQerrorMessage(writer);
    return ok;
  };
  std::unique_ptr<Graph> graph;
  int64_t current = 0;
  *statements = 0;
  auto score = [&]() {
    if (graph == nullptr) return true;
    CorroborationAnswer answer;
    CorroborateGraph(*graph, &answer);
    // As the scorer stores it: the fused P, 0 when no active claim supports or refutes.
    double value = answer.origins.empty() ? 0.0 : answer.probability;
    char line[64];
    std::snprintf(line, sizeof(line), "%lld\t%.17g\n", static_cast<long long>(current), value);
    buffer += line;
    ++*statements;
    return buffer.size() < (1 << 20) || flush();
  };
  while (true) {
    result = PQexec(reader, "FETCH 20000 FROM claims_in_order");
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      *error = PQresultErrorMessage(result);
      PQclear(result);
      return false;
    }
    int rows = PQntuples(result);
    for (int row = 0; row < rows; ++row) {
      int64_t statement = Integer(result, row, 18);
      if (graph == nullptr || statement != current) {
        if (!score()) return false;
        graph = std::make_unique<Graph>(&sources);
        current = statement;
      }
      graph->AddClaim(ParseClaim(result, row));
    }
    PQclear(result);
    if (rows == 0) break;
  }
  if (!score() || (!buffer.empty() && !flush())) return false;
  if (PQputCopyEnd(writer, nullptr) != 1) {
    *error = PQerrorMessage(writer);
    return false;
  }
  result = PQgetResult(writer);
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  if (!ok) *error = PQresultErrorMessage(result);
  PQclear(result);
  return ok && Exec(writer, "COMMIT", PGRES_COMMAND_OK, error) &&
         Exec(reader, "COMMIT", PGRES_COMMAND_OK, error);
}

bool Corroborate(PGconn* connection, int64_t statement, CorroborationAnswer* answer,
                 std::string* error) {
  Graph graph(connection);
  if (!graph.Claims("statement_claims", statement, error) || !graph.Sources(error)) return false;
  CorroborateGraph(graph, answer);
  return true;
}

}  // namespace claimgraph::bench
