// Test support for the traversal tests: a Database in a temporary directory, a random
// multigraph of claims written into it in timed batches (parallel edges, self-loops, cycles,
// disconnected parts, refuting and retracted claims), and the same graph as a plain in-memory
// model with reference BFS, Dijkstra and path enumeration to check the engine against.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/traversal/options.h"

namespace claimgraph::traversal::testing {

// A database in a fresh temporary directory, removed on destruction.
class TempDatabase {
 public:
  TempDatabase() {
    char pattern[] = "/tmp/claimgraph-traversal-XXXXXX";
    dir_ = mkdtemp(pattern);
    auto schema = schema::SchemaRegistry::LoadTextFile(std::string(CLAIMGRAPH_SOURCE_DIR) +
                                                       "/schema/default.textproto");
    REQUIRE(schema.ok());
    DatabaseOptions options;
    options.storage.path = dir_;
    options.storage.sync_writes = false;
    options.storage.cache_bytes = 1 << 20;
    options.schema = std::shared_ptr<const schema::SchemaRegistry>(std::move(*schema));
    auto db = Database::Open(options);
    REQUIRE(db.ok());
    db_ = std::move(*db);
  }
  ~TempDatabase() {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  Database& db() { return *db_; }

 private:
  std::string dir_;
  std::unique_ptr<Database> db_;
};

inline const std::vector<std::string>& TestPredicates() {
  static const std::vector<std::string> predicates = {"trusts", "offers_cooperation", "rivals"};
  return predicates;
}

// One claim as the model keeps it.
struct ModelClaim {
  int claimant = 0;  // index into the claimant entities "p<i>"
  int source = -1;   // index into sources "s<i>", -1: none
  v1::Stance stance = v1::STANCE_SUPPORTS;
  double confidence = 1;
  uint64_t recorded_at = 0;
  uint64_t retracted_at = 0;  // 0: never
  std::string id;
};

// One statement (one edge): subject -predicate-> object, with its claims.
struct ModelEdge {
  int subject = 0, object = 0;  // indices of entities "e<i>"
  int predicate = 0;            // index into TestPredicates()
  std::string statement_id;
  std::vector<ModelClaim> claims;
};

// What the model says an edge looks like at one time.
struct ModelFields {
  bool exists = false;
  int64_t claims = 0, supporting = 0, refuting = 0;
  double confidence = 0;
};

struct ModelFilter {
  Direction direction = Direction::kOut;
  std::set<int> predicates;  // empty: any
  std::set<std::string> neighbor_types;
  double min_confidence = 0;
  StanceFilter stance = StanceFilter::kIncludeDisputed;
  std::set<int> include_claimants, exclude_claimants, include_sources, exclude_sources;

  EdgeFilter ToEngine(const std::string& prefix) const {
    EdgeFilter filter;
    filter.direction = direction;
    for (int p : predicates) filter.predicates.push_back(TestPredicates()[p]);
    filter.neighbor_types.assign(neighbor_types.begin(), neighbor_types.end());
    filter.min_confidence = min_confidence;
    filter.stance = stance;
    for (int c : include_claimants)
      filter.include_claimants.push_back(prefix + "p" + std::to_string(c));
    for (int c : exclude_claimants)
      filter.exclude_claimants.push_back(prefix + "p" + std::to_string(c));
    for (int s : include_sources)
      filter.include_sources.push_back(prefix + "s" + std::to_string(s));
    for (int s : exclude_sources)
      filter.exclude_sources.push_back(prefix + "s" + std::to_string(s));
    return filter;
  }
};

// A step of the model graph: from `from` along edge `edge` to `to`.
struct ModelStep {
  int from, to, edge;
  bool out;  // walked subject to object
};

class RandomGraph {
 public:
  // Prefixed to every id, so that many graphs can share one database.
  std::string prefix;
  int entity_count = 0, claimant_count = 3, source_count = 2;
  std::vector<std::string> types;  // per entity
  std::vector<ModelEdge> edges;
  std::vector<uint64_t> batch_times;  // recorded_at of each write batch, in order

  // Writes a random graph into `db`. The claims go in `batches` batches; after the last, some
  // claims are retracted (one more batch time).
  void Generate(Database& db, uint64_t seed, int entities, int edge_count, int batches) {
    std::mt19937_64 random(seed);
    entity_count = entities;
    WriteContext context;
    for (int i = 0; i < claimant_count; ++i) {
      v1::Entity person;
      person.set_id(Id("p", i));
      person.set_type("person");
      person.set_name("Person " + std::to_string(i));
      REQUIRE(db.CreateEntity(person, context).ok());
    }
    for (int i = 0; i < source_count; ++i) {
      v1::Source source;
      source.set_id(Id("s", i));
      source.set_url("https://example.org/" + std::to_string(i));
      auto written = db.CreateSource(source, context);
      REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    }
    for (int i = 0; i < entities; ++i) {
      v1::Entity entity;
      entity.set_id(Id("e", i));
      entity.set_type(random() % 3 == 0 ? "organisation" : "country");
      entity.set_name("Entity " + std::to_string(i));
      types.push_back(entity.type());
      REQUIRE(db.CreateEntity(entity, context).ok());
    }
    // Clusters make disconnected parts likely: most edges stay inside one cluster.
    const int clusters = std::min(entities, 1 + static_cast<int>(random() % 3));
    auto pick_in_cluster = [&](int cluster) {
      for (;;) {
        int candidate = static_cast<int>(random() % entities);
        if (candidate % clusters == cluster) return candidate;
      }
    };
    for (int i = 0; i < edge_count; ++i) {
      ModelEdge edge;
      int roll = static_cast<int>(random() % 10);
      if (roll == 0 && !edges.empty()) {
        // A parallel edge: same endpoints and predicate, another statement.
        const ModelEdge& twin = edges[random() % edges.size()];
        edge.subject = twin.subject;
        edge.object = twin.object;
        edge.predicate = twin.predicate;
      } else {
        int cluster = static_cast<int>(random() % clusters);
        edge.subject = pick_in_cluster(cluster);
        edge.object = roll == 1 ? edge.subject : pick_in_cluster(cluster);  // self-loop
        edge.predicate = static_cast<int>(random() % TestPredicates().size());
      }
      // The engine stores a symmetric predicate's statement with the smaller entity id first.
      if (TestPredicates()[edge.predicate] == "rivals" &&
          Id("e", edge.object) < Id("e", edge.subject)) {
        std::swap(edge.subject, edge.object);
      }
      edge.statement_id = "";  // known after the write
      edges.push_back(edge);
    }
    // Claims: one to three per statement, spread over the batches.
    struct Pending {
      int edge;
      ModelClaim claim;
    };
    std::vector<std::vector<Pending>> by_batch(batches);
    int serial = 0;
    for (int e = 0; e < edge_count; ++e) {
      int count = 1 + static_cast<int>(random() % 3);
      for (int c = 0; c < count; ++c) {
        ModelClaim claim;
        claim.claimant = static_cast<int>(random() % claimant_count);
        claim.source = static_cast<int>(random() % (source_count + 1)) - 1;
        claim.stance = random() % 5 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS;
        claim.confidence = (1 + static_cast<int>(random() % 10)) / 10.0;
        claim.id = Id("c", serial++);
        by_batch[random() % batches].push_back(Pending{e, claim});
      }
    }
    for (int b = 0; b < batches; ++b) {
      std::vector<v1::Claim> claims;
      for (const auto& pending : by_batch[b])
        claims.push_back(ToClaim(pending.edge, pending.claim));
      if (claims.empty()) continue;
      auto written = db.CreateClaims(claims, context);
      REQUIRE_MESSAGE(written.ok(), written.status().ToString());
      uint64_t time = 0;
      for (size_t i = 0; i < written->size(); ++i) {
        const auto& record = (*written)[i].record;
        auto pending = by_batch[b][i];
        pending.claim.recorded_at = ids::ToMicros(record.recorded_at());
        time = pending.claim.recorded_at;
        edges[pending.edge].statement_id = record.statement_id();
        edges[pending.edge].claims.push_back(pending.claim);
      }
      batch_times.push_back(time);
    }
    // Retract a few claims, one event each (each its own time).
    for (auto& edge : edges) {
      for (auto& claim : edge.claims) {
        if (random() % 6 != 0) continue;
        v1::LifecycleEvent event;
        event.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
        event.mutable_target()->set_claim_id(claim.id);
        event.set_actor_id(Id("p", claim.claimant));
        event.set_reason("test");
        auto written = db.RecordLifecycleEvent(event, context);
        REQUIRE_MESSAGE(written.ok(), written.status().ToString());
        claim.retracted_at = ids::ToMicros(written->record.recorded_at());
        batch_times.push_back(claim.retracted_at);
      }
    }
    // Statements nobody claimed (an empty batch) do not exist.
    edges.erase(std::remove_if(edges.begin(), edges.end(),
                               [](const ModelEdge& edge) { return edge.claims.empty(); }),
                edges.end());
  }

  std::string Id(const char* kind, int index) const {
    return prefix + kind + std::to_string(index);
  }
  // The model index of an entity id of this graph ("<prefix>e12" -> 12).
  int EntityIndex(const std::string& id) const {
    REQUIRE(id.rfind(prefix + "e", 0) == 0);
    return std::stoi(id.substr(prefix.size() + 1));
  }

  v1::Claim ToClaim(int edge_index, const ModelClaim& model) const {
    const ModelEdge& edge = edges[edge_index];
    v1::Claim claim;
    claim.set_id(model.id);
    auto* statement = claim.mutable_statement();
    statement->set_subject_id(Id("e", edge.subject));
    statement->set_predicate(TestPredicates()[edge.predicate]);
    statement->mutable_object()->set_entity_id(Id("e", edge.object));
    // Distinct qualifiers make parallel edges distinct statements.
    auto* qualifier = statement->add_qualifiers();
    qualifier->set_key("serial");
    qualifier->mutable_value()->set_integer_value(edge_index);
    claim.set_act(v1::CLAIM_ACT_ASSERTS);
    claim.set_stance(model.stance);
    claim.mutable_claimant()->set_entity_id(Id("p", model.claimant));
    if (model.source >= 0) claim.set_source_id(Id("s", model.source));
    claim.set_confidence(model.confidence);
    return claim;
  }

  // The edge's fields at `as_of`. The best confidence keeps retracted supporting claims, as the
  // engine's merged aggregate does (a maximum cannot go down), in current and past views alike.
  ModelFields FieldsAt(const ModelEdge& edge, uint64_t as_of, bool /*current*/) const {
    ModelFields fields;
    for (const auto& claim : edge.claims) {
      if (claim.recorded_at > as_of) continue;
      fields.exists = true;
      bool active = claim.retracted_at == 0 || claim.retracted_at > as_of;
      if (claim.stance == v1::STANCE_SUPPORTS) {
        fields.confidence = std::max(fields.confidence, claim.confidence);
      }
      if (!active) continue;
      fields.claims += 1;
      if (claim.stance == v1::STANCE_SUPPORTS) fields.supporting += 1;
      if (claim.stance == v1::STANCE_REFUTES) fields.refuting += 1;
    }
    return fields;
  }

  static bool StanceAllows(StanceFilter stance, int64_t claims, int64_t supporting,
                           int64_t refuting) {
    switch (stance) {
      case StanceFilter::kAny:
        return claims > 0;
      case StanceFilter::kIncludeDisputed:
        return supporting > 0;
      case StanceFilter::kSupportedOnly:
        return supporting > 0 && refuting == 0;
    }
    return false;
  }

  // Whether a hop from `from` over `edge` to `to` passes the filter.
  bool Accepts(const ModelEdge& edge, int to, const ModelFilter& filter, uint64_t as_of,
               bool current) const {
    ModelFields fields = FieldsAt(edge, as_of, current);
    if (!fields.exists) return false;
    if (!filter.predicates.empty() && filter.predicates.count(edge.predicate) == 0) return false;
    if (fields.confidence < filter.min_confidence) return false;
    if (!filter.neighbor_types.empty()) {
      // The test schema types have no subtypes among those used.
      if (filter.neighbor_types.count(types[to]) == 0) return false;
    }
    bool claim_level = !filter.include_claimants.empty() || !filter.exclude_claimants.empty() ||
                       !filter.include_sources.empty() || !filter.exclude_sources.empty();
    // The stance is judged on the claims the claim-level filters keep (excluded ones never count).
    if (!claim_level) {
      return StanceAllows(filter.stance, fields.claims, fields.supporting, fields.refuting);
    }
    {
      int64_t claims = 0, supporting = 0, refuting = 0;
      for (const auto& claim : edge.claims) {
        if (claim.recorded_at > as_of) continue;
        if (claim.retracted_at != 0 && claim.retracted_at <= as_of) continue;
        if (filter.exclude_claimants.count(claim.claimant)) continue;
        if (claim.source >= 0 && filter.exclude_sources.count(claim.source)) continue;
        if (!filter.include_claimants.empty() && !filter.include_claimants.count(claim.claimant)) {
          continue;
        }
        if (!filter.include_sources.empty() &&
            (claim.source < 0 || !filter.include_sources.count(claim.source))) {
          continue;
        }
        claims += 1;
        if (claim.stance == v1::STANCE_SUPPORTS) supporting += 1;
        if (claim.stance == v1::STANCE_REFUTES) refuting += 1;
      }
      if (!StanceAllows(filter.stance, claims, supporting, refuting)) return false;
    }
    return true;
  }

  // The accepted steps out of every entity, out-edges before in-edges (the adjacency list the
  // reference algorithms walk).
  std::vector<std::vector<ModelStep>> Adjacency(const ModelFilter& filter, uint64_t as_of,
                                                bool current) const {
    std::vector<std::vector<ModelStep>> adjacency(entity_count);
    for (int e = 0; e < static_cast<int>(edges.size()); ++e) {
      const auto& edge = edges[e];
      if (filter.direction != Direction::kIn &&
          Accepts(edge, edge.object, filter, as_of, current)) {
        adjacency[edge.subject].push_back(ModelStep{edge.subject, edge.object, e, true});
      }
      if (filter.direction != Direction::kOut &&
          Accepts(edge, edge.subject, filter, as_of, current)) {
        adjacency[edge.object].push_back(ModelStep{edge.object, edge.subject, e, false});
      }
    }
    return adjacency;
  }

  // Reference BFS: depth of every entity reachable within max_depth.
  static std::map<int, uint32_t> Bfs(const std::vector<std::vector<ModelStep>>& adjacency,
                                     const std::vector<int>& starts, uint32_t max_depth) {
    std::map<int, uint32_t> depth;
    std::queue<int> queue;
    for (int start : starts) {
      if (depth.emplace(start, 0).second) queue.push(start);
    }
    while (!queue.empty()) {
      int at = queue.front();
      queue.pop();
      if (depth[at] == max_depth) continue;
      for (const auto& step : adjacency[at]) {
        if (depth.emplace(step.to, depth[at] + 1).second) queue.push(step.to);
      }
    }
    return depth;
  }

  double Confidence(int edge, uint64_t as_of, bool current) const {
    return FieldsAt(edges[edge], as_of, current).confidence;
  }

  // Reference Dijkstra over (entity, hops) states: the least total weight of a walk of at most
  // max_depth edges (weight 1 per hop, or -log(confidence)); infinity when none.
  double Dijkstra(const std::vector<std::vector<ModelStep>>& adjacency, int from, int to,
                  uint32_t max_depth, bool credible, uint64_t as_of, bool current) const {
    using State = std::pair<double, std::pair<int, uint32_t>>;
    std::map<std::pair<int, uint32_t>, double> best;
    std::priority_queue<State, std::vector<State>, std::greater<State>> queue;
    queue.push({0.0, {from, 0}});
    best[{from, 0}] = 0;
    while (!queue.empty()) {
      auto [distance, state] = queue.top();
      queue.pop();
      if (distance > best[state]) continue;
      if (state.first == to) return distance;
      if (state.second == max_depth) continue;
      for (const auto& step : adjacency[state.first]) {
        if (step.to == step.from) continue;
        double weight = 1;
        if (credible) {
          double confidence = Confidence(step.edge, as_of, current);
          if (confidence <= 0) continue;
          weight = -std::log(confidence);
        }
        std::pair<int, uint32_t> next{step.to, state.second + 1};
        auto it = best.find(next);
        if (it == best.end() || distance + weight < it->second) {
          best[next] = distance + weight;
          queue.push({distance + weight, next});
        }
      }
    }
    return std::numeric_limits<double>::infinity();
  }

  // Every simple path from `from` to `to` of at most max_depth steps (brute force).
  static void SimplePaths(const std::vector<std::vector<ModelStep>>& adjacency, int from, int to,
                          uint32_t max_depth, std::vector<std::vector<ModelStep>>* out) {
    std::vector<ModelStep> path;
    std::set<int> on_path{from};
    std::function<void(int)> visit = [&](int at) {
      if (at == to) {
        out->push_back(path);
        return;
      }
      if (path.size() == max_depth) return;
      for (const auto& step : adjacency[at]) {
        if (on_path.count(step.to)) continue;
        on_path.insert(step.to);
        path.push_back(step);
        visit(step.to);
        path.pop_back();
        on_path.erase(step.to);
      }
    };
    visit(from);
  }
};

}  // namespace claimgraph::traversal::testing
