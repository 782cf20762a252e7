// storage_bench: the storage limits of the machine, measured on the server's own database.
//
//   storage_bench compact --db DIR
//       Flushes and compacts every column family (the server must be stopped).
//   storage_bench rewrite --db DIR --to NEW_DIR [--out FILE]
//       The raw write limit for the same data: copies every key-value pair of DIR (read-only)
//       into a new database through the engine's RocksDB store in WriteBatches of 1000 pairs,
//       WAL on and not synced (db_bench's fillrandom setting), keys in sorted order. Pairs are
//       read in chunks (untimed) and written (timed), so memory stays bounded at any scale.
//   storage_bench edges --db DIR --out FILE
//       Every graph edge's aggregate, for the PostgreSQL side (bench/prepare_data.py
//       --edge-scores): one line per out-edge with an entity object, tab-separated: the
//       external id of one claim of its statement, has_score (0/1), score, active claims,
//       active supporting, active refuting, best supporting confidence.
//   storage_bench measure --db DIR --entities FILE --starts FILE --pairs FILE
//                         [--duration-s 5] [--out FILE]
//       Opens the database read-only through the engine's RocksDB store (no engine logic above
//       it) and measures, over the same targets as the gRPC and PostgreSQL clients:
//         rocksdb get_entity  point reads of the current entity record, 1 and 2 threads;
//         rocksdb scan        prefix scans of one entity's out-edges (decoding each aggregate);
//         rocksdb hop1..path  BFS walking the out-edge keys (the "walk storage" design);
//         memory  hop1..path  BFS over an in-memory CSR adjacency built from the same keys.
//       Answers are sized like the other clients', with the traversal's default edge filter
//       (an edge with an entity object and at least one active supporting claim): hop1: such
//       out-edges whose effective confidence (EdgeAggregate::EffectiveConfidence: the fused
//       score when the provenance scorer set one, else the best supporting claim's) is >= 0.5;
//       hopN: distinct entities reached, start excluded; path: hop distance, 0 when > 4 hops.
#include <atomic>
#include <cstring>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "bench_cli.h"
#include "bench_stats.h"
#include "engine/storage/edge_aggregate.h"
#include "engine/storage/key_codec.h"
#include "engine/storage/rocksdb_store.h"

namespace claimgraph::bench {
namespace {

using storage::Family;
using storage::KeyValueStore;

struct Options {
  std::string db, to;
  std::string entities_path, starts_path, pairs_path;
  double duration_s = 5;
  std::string out;
};

// Whether traversal's default filter takes the edge: at least one active supporting claim
// (StanceFilter::kIncludeDisputed), and an entity object (literal objects are not graph edges).
bool Walkable(const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
  return key.other != 0 && aggregate.supporting > 0;
}

// Walkable out-edges of one node: (other, effective confidence) for every edge key under its
// prefix that the default filter takes.
template <typename Visit>
void ScanOut(KeyValueStore& store, uint64_t node, Visit visit) {
  std::string prefix = keys::EdgePrefix(keys::kOutEdge, node);
  auto cursor = store.NewCursor(nullptr, Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->Seek(prefix); cursor->Valid(); cursor->Next()) {
    auto key = keys::EdgeKey::Decode(cursor->key());
    if (!key) continue;
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!aggregate || !Walkable(*key, *aggregate)) continue;
    visit(key->other, aggregate->EffectiveConfidence());
  }
}

// Distinct nodes within `depth` out-hops of `start`, the start excluded; or, with `goal`, the
// hop distance to it (0 when not within depth, or when it is the start).
template <typename Neighbours>
int64_t Bfs(uint64_t start, int depth, uint64_t goal, Neighbours neighbours) {
  if (goal != 0 && goal == start) return 0;
  std::unordered_set<uint64_t> seen = {start};
  std::vector<uint64_t> frontier = {start}, next;
  for (int level = 1; level <= depth && !frontier.empty(); ++level) {
    next.clear();
    for (uint64_t node : frontier) {
      neighbours(node, [&](uint64_t other) {
        if (seen.insert(other).second) next.push_back(other);
      });
    }
    if (goal != 0 && seen.count(goal)) return level;
    frontier.swap(next);
  }
  return goal != 0 ? 0 : static_cast<int64_t>(seen.size() - 1);
}

// A compressed sparse row adjacency of every walkable out-edge (internal ids are dense from 1),
// with the effective confidence as a double: a float could round a score just under 0.5 up to it.
struct Csr {
  std::vector<uint64_t> offsets;  // node -> first edge
  std::vector<uint32_t> targets;
  std::vector<double> confidence;
};

Csr BuildCsr(KeyValueStore& store) {
  std::vector<std::pair<uint64_t, uint64_t>> edges;
  std::vector<double> confidences;
  uint64_t max_node = 0;
  std::string prefix(1, keys::kOutEdge);
  auto cursor = store.NewCursor(nullptr, Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
  for (cursor->Seek(prefix); cursor->Valid(); cursor->Next()) {
    auto key = keys::EdgeKey::Decode(cursor->key());
    if (!key) continue;
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!aggregate || !Walkable(*key, *aggregate)) continue;
    edges.emplace_back(key->node, key->other);
    confidences.push_back(aggregate->EffectiveConfidence());
    max_node = std::max({max_node, key->node, key->other});
  }
  Csr csr;
  csr.offsets.assign(max_node + 2, 0);
  for (const auto& edge : edges) ++csr.offsets[edge.first + 1];
  for (size_t i = 1; i < csr.offsets.size(); ++i) csr.offsets[i] += csr.offsets[i - 1];
  csr.targets.resize(edges.size());
  csr.confidence.resize(edges.size());
  std::vector<uint64_t> fill(csr.offsets.begin(), csr.offsets.end() - 1);
  // Keys come sorted by node, so a plain append per node keeps each row in key order.
  for (size_t i = 0; i < edges.size(); ++i) {
    uint64_t slot = fill[edges[i].first]++;
    csr.targets[slot] = static_cast<uint32_t>(edges[i].second);
    csr.confidence[slot] = confidences[i];
  }
  return csr;
}

// Runs `query(index)` over the targets round-robin in `threads` threads, for the duration but
// at least one pass over the targets; returns latencies and first answers.
template <typename Query>
WorkloadResult Measure(const std::string& system, const std::string& workload, size_t targets,
                       int threads, double duration_s, Query query) {
  WorkloadResult result;
  result.system = system;
  result.workload = workload;
  result.concurrency = threads;
  std::atomic<uint64_t> next{0};
  std::mutex mutex;
  auto begin = Clock::now();
  auto end = begin +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration_s));
  auto worker = [&]() {
    std::vector<double> latencies;
    std::map<size_t, int64_t> answers;
    while (true) {
      uint64_t n = next.fetch_add(1);
      if (n >= targets && Clock::now() >= end) break;
      size_t index = n % targets;
      auto start = Clock::now();
      int64_t answer = query(index);
      latencies.push_back(MicrosSince(start));
      if (answer >= 0) answers.emplace(index, answer);
    }
    std::lock_guard lock(mutex);
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    for (const auto& entry : answers) result.answers.insert(entry);
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return result;
}

std::vector<uint64_t> Resolve(KeyValueStore& store, const std::vector<std::string>& ids) {
  std::vector<uint64_t> internal;
  for (const auto& id : ids) {
    auto value =
        store.Get(nullptr, Family::kDictionary, keys::DictionaryKey(keys::IdKind::kEntity, id));
    internal.push_back(value.ok() && value->has_value() ? keys::DecodeU64(**value) : 0);
  }
  return internal;
}

int Compact(const Options& options) {
  storage::StoreOptions open;
  open.path = options.db;
  open.create_if_missing = false;
  auto store = storage::OpenRocksDbStore(open);
  if (!store.ok()) {
    std::fprintf(stderr, "storage_bench: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  auto start = Clock::now();
  auto status = (*store)->CompactAll();
  if (!status.ok()) {
    std::fprintf(stderr, "storage_bench: compact: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("{\"compact_seconds\":%.3f}\n", MicrosSince(start) / 1e6);
  return 0;
}

int Rewrite(const Options& options) {
  storage::StoreOptions source_options;
  source_options.path = options.db;
  source_options.create_if_missing = false;
  source_options.read_only = true;
  auto source = storage::OpenRocksDbStore(source_options);
  storage::StoreOptions target_options;
  target_options.path = options.to;
  target_options.sync_writes = false;
  auto target = storage::OpenRocksDbStore(target_options);
  if (!source.ok() || !target.ok()) {
    std::fprintf(stderr, "storage_bench: cannot open %s or %s\n", options.db.c_str(),
                 options.to.c_str());
    return 1;
  }
  // Chunks of pairs are read first (untimed), then written in batches of 1000 (timed): only the
  // writes count, and memory holds one chunk whatever the database's size.
  constexpr size_t kChunkPairs = 200000;
  std::vector<std::pair<Family, std::pair<std::string, std::string>>> pairs;
  size_t total_pairs = 0;
  double write_micros = 0;
  auto write_chunk = [&]() -> bool {
    auto chunk_start = Clock::now();
    storage::WriteBatch batch;
    for (size_t i = 0; i < pairs.size(); ++i) {
      batch.Put(pairs[i].first, pairs[i].second.first, pairs[i].second.second);
      if (batch.operations().size() >= 1000 || i + 1 == pairs.size()) {
        auto status = (*target)->Write(batch);
        if (!status.ok()) {
          std::fprintf(stderr, "storage_bench: write: %s\n", std::string(status.message()).c_str());
          return false;
        }
        batch.Clear();
      }
    }
    write_micros += MicrosSince(chunk_start);
    total_pairs += pairs.size();
    pairs.clear();
    return true;
  };
  for (int i = 0; i < storage::kFamilyCount; ++i) {
    auto family = static_cast<Family>(i);
    auto cursor = (*source)->NewCursor(nullptr, family, "", "");
    for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
      pairs.push_back({family, {std::string(cursor->key()), std::string(cursor->value())}});
      if (pairs.size() >= kChunkPairs && !write_chunk()) return 1;
    }
  }
  if (!pairs.empty() && !write_chunk()) return 1;
  double seconds = write_micros / 1e6;
  FILE* out = options.out.empty() ? stdout : std::fopen(options.out.c_str(), "a");
  if (out != nullptr) {
    std::fprintf(
        out,
        "{\"system\":\"rocksdb\",\"workload\":\"write_batch\",\"pairs\":%zu,\"seconds\":%.3f}\n",
        total_pairs, seconds);
    if (out != stdout) std::fclose(out);
  }
  return 0;
}

// The aggregate of every graph edge, keyed by one claim of its statement (the PostgreSQL side
// knows claims by external id, not claimgraph's statement ids).
int DumpEdges(const Options& options) {
  storage::StoreOptions open;
  open.path = options.db;
  open.create_if_missing = false;
  open.read_only = true;
  auto opened = storage::OpenRocksDbStore(open);
  if (!opened.ok()) {
    std::fprintf(stderr, "storage_bench: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  KeyValueStore& store = **opened;
  FILE* out = options.out.empty() ? stdout : std::fopen(options.out.c_str(), "w");
  if (out == nullptr) return 1;
  std::string prefix(1, keys::kOutEdge);
  auto cursor = store.NewCursor(nullptr, Family::kEdges, prefix, keys::PrefixSuccessor(prefix));
  size_t edges = 0, unnamed = 0;
  for (cursor->Seek(prefix); cursor->Valid(); cursor->Next()) {
    auto key = keys::EdgeKey::Decode(cursor->key());
    if (!key || key->other == 0) continue;
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    if (!aggregate) continue;
    // The first claim of the statement: 's' statement:u64 recorded_at:u64 claim:u64.
    std::string posting = keys::KeyBuilder(keys::kClaimsByStatement).U64(key->statement).Build();
    auto postings =
        store.NewCursor(nullptr, Family::kIndexes, posting, keys::PrefixSuccessor(posting));
    postings->Seek(posting);
    std::string claim_id;
    if (postings->Valid() && postings->key().size() == posting.size() + 16) {
      uint64_t claim = keys::DecodeU64(postings->key().substr(posting.size() + 8));
      auto name = store.Get(nullptr, Family::kDictionary,
                            keys::ReverseDictionaryKey(keys::IdKind::kClaim, claim));
      if (name.ok() && name->has_value()) claim_id = **name;
    }
    if (claim_id.empty()) {
      ++unnamed;
      continue;
    }
    std::fprintf(out, "%s\t%d\t%.17g\t%lld\t%lld\t%lld\t%.17g\n", claim_id.c_str(),
                 aggregate->score ? 1 : 0, aggregate->score.value_or(0.0),
                 static_cast<long long>(aggregate->claims),
                 static_cast<long long>(aggregate->supporting),
                 static_cast<long long>(aggregate->refuting), aggregate->best_confidence);
    ++edges;
  }
  if (out != stdout) std::fclose(out);
  if (!cursor->status().ok()) {
    std::fprintf(stderr, "storage_bench: edges: %s\n",
                 std::string(cursor->status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "storage_bench: %zu edges dumped, %zu without a claim\n", edges, unnamed);
  return unnamed == 0 ? 0 : 1;
}

int MeasureAll(const Options& options) {
  storage::StoreOptions open;
  open.path = options.db;
  open.create_if_missing = false;
  open.read_only = true;
  auto opened = storage::OpenRocksDbStore(open);
  if (!opened.ok()) {
    std::fprintf(stderr, "storage_bench: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  KeyValueStore& store = **opened;
  auto entities = Resolve(store, ReadLines(options.entities_path));
  auto starts = Resolve(store, ReadLines(options.starts_path));
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  for (const auto& line : ReadLines(options.pairs_path)) {
    size_t space = line.find(' ');
    auto both = Resolve(store, {line.substr(0, space), line.substr(space + 1)});
    pairs.emplace_back(both[0], both[1]);
  }
  if (entities.empty() || starts.empty() || pairs.empty()) {
    std::fprintf(stderr, "storage_bench: empty targets\n");
    return 2;
  }
  const double d = options.duration_s;

  for (int threads : {1, 2}) {
    Measure("rocksdb", "get_entity", entities.size(), threads, d, [&](size_t i) -> int64_t {
      auto value =
          store.Get(nullptr, Family::kRecords, keys::RecordKey(keys::kCurrentEntity, entities[i]));
      return value.ok() && value->has_value() ? 1 : 0;
    }).Write(options.out);
  }
  Measure("rocksdb", "scan", starts.size(), 1, d, [&](size_t i) -> int64_t {
    int64_t edges = 0;
    ScanOut(store, starts[i], [&](uint64_t, double) { ++edges; });
    return edges;
  }).Write(options.out);
  Measure("rocksdb", "hop1", starts.size(), 1, d, [&](size_t i) -> int64_t {
    int64_t edges = 0;
    ScanOut(store, starts[i], [&](uint64_t, double confidence) { edges += confidence >= 0.5; });
    return edges;
  }).Write(options.out);
  auto rocks_neighbours = [&](uint64_t node, const std::function<void(uint64_t)>& visit) {
    ScanOut(store, node, [&](uint64_t other, double) { visit(other); });
  };
  for (int depth : {2, 3}) {
    Measure("rocksdb", "hop" + std::to_string(depth), starts.size(), 1, d, [&](size_t i) {
      return Bfs(starts[i], depth, 0, rocks_neighbours);
    }).Write(options.out);
  }
  Measure("rocksdb", "path", pairs.size(), 1, d, [&](size_t i) {
    return Bfs(pairs[i].first, 4, pairs[i].second, rocks_neighbours);
  }).Write(options.out);

  auto build_start = Clock::now();
  Csr csr = BuildCsr(store);
  double build_seconds = MicrosSince(build_start) / 1e6;
  size_t csr_bytes = csr.offsets.size() * sizeof(uint64_t) +
                     csr.targets.size() * (sizeof(uint32_t) + sizeof(double));
  auto csr_neighbours = [&](uint64_t node, const std::function<void(uint64_t)>& visit) {
    if (node + 1 >= csr.offsets.size()) return;
    for (uint64_t e = csr.offsets[node]; e < csr.offsets[node + 1]; ++e) visit(csr.targets[e]);
  };
  Measure("memory", "hop1", starts.size(), 1, d, [&](size_t i) -> int64_t {
    int64_t edges = 0;
    uint64_t node = starts[i];
    if (node + 1 >= csr.offsets.size()) return 0;
    for (uint64_t e = csr.offsets[node]; e < csr.offsets[node + 1]; ++e)
      edges += csr.confidence[e] >= 0.5;
    return edges;
  }).Write(options.out);
  for (int depth : {2, 3}) {
    Measure("memory", "hop" + std::to_string(depth), starts.size(), 1, d, [&](size_t i) {
      return Bfs(starts[i], depth, 0, csr_neighbours);
    }).Write(options.out);
  }
  Measure("memory", "path", pairs.size(), 1, d, [&](size_t i) {
    return Bfs(pairs[i].first, 4, pairs[i].second, csr_neighbours);
  }).Write(options.out);
  FILE* out = options.out.empty() ? stdout : std::fopen(options.out.c_str(), "a");
  if (out != nullptr) {
    std::fprintf(out,
                 "{\"system\":\"memory\",\"workload\":\"csr_build\",\"edges\":%zu,\"bytes\":%zu,"
                 "\"seconds\":%.3f}\n",
                 csr.targets.size(), csr_bytes, build_seconds);
    if (out != stdout) std::fclose(out);
  }
  return 0;
}

int Main(int argc, char** argv) {
  Options options;
  CLI::App app{"storage_bench: the storage limits beside claimgraph (raw RocksDB on its data)",
               "storage_bench"};
  app.require_subcommand(1);
  auto db = [&](CLI::App* command) {
    command->add_option("--db", options.db, "claimgraph's data directory")->required();
    return command;
  };
  auto* compact = db(app.add_subcommand("compact", "compact the database fully"));
  auto* rewrite = db(app.add_subcommand(
      "rewrite", "rewrite its key-value pairs with WriteBatch into a new directory"));
  rewrite->add_option("--to", options.to, "the new directory")->required();
  rewrite->add_option("--out", options.out, "FILE for the result (JSON lines)");
  auto* edges = db(app.add_subcommand("edges", "dump every edge aggregate (TSV)"));
  edges->add_option("--out", options.out, "FILE for the dump")->required();
  auto* measure = db(app.add_subcommand(
      "measure", "raw reads, prefix scans, BFS and an in-memory CSR over the same data"));
  measure->add_option("--entities", options.entities_path, "FILE of entity ids")->required();
  measure->add_option("--starts", options.starts_path, "FILE of traversal starts")->required();
  measure->add_option("--pairs", options.pairs_path, "FILE of path pairs")->required();
  measure->add_option("--duration-s", options.duration_s, "seconds per measurement")
      ->capture_default_str();
  measure->add_option("--out", options.out, "FILE for the results (JSON lines)");
  if (auto status = ParseCommandLine(app, argc, argv)) return *status;
  if (compact->parsed()) return Compact(options);
  if (measure->parsed()) return MeasureAll(options);
  if (rewrite->parsed()) return Rewrite(options);
  (void)edges;
  return DumpEdges(options);
}

}  // namespace
}  // namespace claimgraph::bench

int main(int argc, char** argv) { return claimgraph::bench::Main(argc, argv); }
