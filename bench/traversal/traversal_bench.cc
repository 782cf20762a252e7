// Traversal benchmark (in process, no gRPC): generates a deterministic power-law graph, then
// measures 1-hop neighbours, 3-hop distinct neighbours and shortest paths up to 4 hops, walking
// RocksDB (StorageEdgeSource) and from the in-memory topology (TopologyEdgeSource), plus the
// topology's build time and memory.
//
// Usage: traversal_bench [entities=200000] [edges=1000000] [dir=/tmp/claimgraph-traversal-bench]
//
// Entities are written through the engine (ApplyRecords); edges are written straight into the
// edge family (out- and in-keys with their aggregate, one claim each) because loading millions
// of claims through the claim path belongs to the import benchmark, not this one.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../bench_cli.h"
#include "engine/database.h"
#include "engine/ids.h"
#include "engine/traversal/queries.h"
#include "engine/traversal/topology.h"

using namespace claimgraph;
using namespace claimgraph::traversal;
using Clock = std::chrono::steady_clock;

namespace {

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
    std::exit(1);
  }
}

// Zipf-like skew: entity index = floor(n * u^3) concentrates edges on low indices (a few hubs
// with tens of thousands of edges, most entities with one or two).
uint64_t Skewed(std::mt19937_64& random, uint64_t n) {
  double u = std::uniform_real_distribution<double>(0, 1)(random);
  return std::min<uint64_t>(n - 1, static_cast<uint64_t>(n * u * u * u));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  uint64_t entities = 200000, edge_count = 1000000;
  std::string dir = "/tmp/claimgraph-traversal-bench";
  CLI::App app{"traversal_bench: storage walk against the in-memory topology, in process",
               "traversal_bench"};
  app.add_option("entities", entities, "entities generated")->capture_default_str();
  app.add_option("edges", edge_count, "edges generated")->capture_default_str();
  app.add_option("dir", dir, "scratch database directory (removed first)")->capture_default_str();
  if (auto status = claimgraph::bench::ParseCommandLine(app, argc, argv)) return *status;
  std::filesystem::remove_all(dir);
  auto schema = schema::SchemaRegistry::LoadTextFile(std::string(CLAIMGRAPH_SOURCE_DIR) +
                                                     "/schema/default.textproto");
  Check(schema.status());
  DatabaseOptions options;
  options.storage.path = dir;
  options.storage.sync_writes = false;
  options.schema = std::shared_ptr<const schema::SchemaRegistry>(std::move(*schema));
  auto opened = Database::Open(options);
  Check(opened.status());
  Database& db = **opened;

  // Entities "n<i>"; internal ids follow write order, so n<i> has internal id i + 1.
  auto start = Clock::now();
  std::vector<v1::ImportRecord> records;
  for (uint64_t i = 0; i < entities; ++i) {
    v1::ImportRecord record;
    record.mutable_entity()->set_id("n" + std::to_string(i));
    record.mutable_entity()->set_type("country");
    record.mutable_entity()->set_name("Node " + std::to_string(i));
    records.push_back(std::move(record));
    if (records.size() == 10000 || i + 1 == entities) {
      Check(db.ApplyRecords(records, ImportMode::kStrict, WriteContext()).status());
      records.clear();
    }
  }
  // One real claim allocates the predicate id.
  v1::Claim claim;
  claim.mutable_statement()->set_subject_id("n0");
  claim.mutable_statement()->set_predicate("trusts");
  claim.mutable_statement()->mutable_object()->set_entity_id("n1");
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.mutable_claimant()->mutable_some_value()->set_description("bench");
  Check(db.CreateClaim(claim, "", WriteContext()).status());
  auto view = db.NewReadView();
  Check(view.status());
  auto predicate = (*view)->Resolve(keys::IdKind::kPredicate, "trusts");
  Check(predicate.status());
  const uint32_t predicate_id = static_cast<uint32_t>(**predicate);

  std::mt19937_64 random(20261127);
  uint64_t now = ids::NowMicros() - 1000000;
  uint64_t statement = 1u << 30;
  storage::WriteBatch batch;
  for (uint64_t e = 0; e < edge_count; ++e) {
    uint64_t subject = Skewed(random, entities) + 1;
    uint64_t object = std::uniform_int_distribution<uint64_t>(1, entities)(random);
    if (random() % 2) object = Skewed(random, entities) + 1;
    storage::EdgeAggregate aggregate;
    aggregate.claims = aggregate.supporting = 1;
    aggregate.best_confidence = (1 + random() % 100) / 100.0;
    aggregate.first_recorded_at = aggregate.last_recorded_at = now;
    std::string value = aggregate.Encode();
    ++statement;
    batch.Put(storage::Family::kEdges,
              keys::EdgeKey{keys::kOutEdge, subject, predicate_id, object, statement}.Encode(),
              value);
    batch.Put(storage::Family::kEdges,
              keys::EdgeKey{keys::kInEdge, object, predicate_id, subject, statement}.Encode(),
              value);
    if ((e + 1) % 50000 == 0 || e + 1 == edge_count) {
      Check(db.store().Write(batch));
      batch = storage::WriteBatch();
    }
  }
  Check(db.Compact());
  double load_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("graph: %llu entities, %llu edges, loaded in %.1f s\n",
              static_cast<unsigned long long>(entities),
              static_cast<unsigned long long>(edge_count), load_seconds);

  size_t rss_before = ResidentBytes();
  start = Clock::now();
  auto manager = TopologyManager::Create(&db);
  Check(manager.status());
  double build_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  size_t rss_after = ResidentBytes();
  auto stats = (*manager)->GetStats();
  std::printf(
      "topology: build %.2f s, %zu vertices, %zu edges, structures %.1f MB (%.1f MB per "
      "million edges), resident growth %.1f MB\n",
      build_seconds, stats.vertices, stats.edges, stats.base_bytes / 1e6,
      stats.base_bytes / 1e6 / (stats.edges / 1e6), (rss_after - rss_before) / 1e6);

  // Queries: 200 random start entities, 200 random pairs.
  std::vector<std::string> starts, targets;
  for (int i = 0; i < 200; ++i) {
    starts.push_back(
        "n" + std::to_string(std::uniform_int_distribution<uint64_t>(0, entities - 1)(random)));
    targets.push_back(
        "n" + std::to_string(std::uniform_int_distribution<uint64_t>(0, entities - 1)(random)));
  }
  auto measure = [&](const char* label, bool topology, auto query) {
    std::vector<double> micros;
    size_t answers = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
      auto begin = Clock::now();
      auto pinned = topology ? (*manager)->Pin() : (*manager)->PinStorage();
      Check(pinned.status());
      answers += query(*pinned->source, i);
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
    }
    std::printf("%-34s %-8s p50 %9.1f us  p99 %10.1f us  (answers %zu)\n", label,
                topology ? "topology" : "storage", Percentile(micros, 0.5),
                Percentile(micros, 0.99), answers);
  };
  for (bool topology : {false, true}) {
    measure("1-hop neighbours (conf >= 0.5)", topology, [&](const EdgeSource& source, size_t i) {
      NeighborsRequest request;
      request.entity_id = starts[i];
      request.filter.min_confidence = 0.5;
      request.page_size = 1000;
      auto result = Neighbors(source, request);
      Check(result.status());
      return result->edges.size();
    });
    measure("3-hop distinct neighbours", topology, [&](const EdgeSource& source, size_t i) {
      TraverseRequest request;
      request.start_ids = {starts[i]};
      request.max_depth = 3;
      request.limits.max_results = 10000000;
      request.limits.max_fanout = 10000000;
      request.limits.max_edges_scanned = 100000000;
      auto result = Traverse(source, request);
      Check(result.status());
      return result->reached.size();
    });
    measure("shortest path <= 4 hops", topology, [&](const EdgeSource& source, size_t i) {
      PathsRequest request;
      request.from_id = starts[i];
      request.to_id = targets[i];
      request.max_depth = 4;
      request.limits.max_fanout = 10000000;
      request.limits.max_edges_scanned = 100000000;
      auto result = FindPaths(source, request);
      Check(result.status());
      return result->paths.size();
    });
  }
  manager->reset();
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
