// provenance_bench: the provenance engine in process, without gRPC, so its own cost can be
// measured and profiled. Two modes:
//
//   read: over a database loaded from generate_claims + bench/prepare_data.py fixtures, times
//     GetEntity (the point-read baseline), TraceClaim of the 5-claim relay chains and Corroborate
//     of the 100-claim statements, and counts the storage calls each makes (Gets, MultiGet keys,
//     cursors) through a counting wrapper around the store.
//       provenance_bench --mode read --db DIR --targets PREP/targets [--rounds 20]
//                        [--only get_entity|trace_claim|corroborate]
//   hot: a fresh database with the statement scorer installed; appends --claims claims to one
//     statement (independent claimants, a quarter relaying an earlier claim) and reports the
//     write latency and CPU per write as the statement grows, then checks that the stored edge
//     score, once settled, equals a full rescore.
//       provenance_bench --mode hot --db NEW_DIR [--claims 2000] [--inline-max N]
//     (--inline-max: DatabaseOptions::inline_rescore_max_claims; a huge value rescores every
//     write inline, as before the background rescorer existed)
//
// Latencies are wall time of one call on this thread; "cpu" is the calling thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID), which other processes on a shared machine do not inflate.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../bench_cli.h"
#include "engine/database.h"
#include "engine/provenance/corroborate.h"
#include "engine/provenance/trace.h"
#include "engine/storage/counting_store.h"
#include "engine/storage/key_value_store.h"
#include "engine/strings.h"

namespace claimgraph {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "provenance_bench: %s\n", message.c_str());
  return 1;
}

double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[index];
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

absl::StatusOr<std::shared_ptr<const schema::SchemaRegistry>> LoadSchema(const std::string& path) {
  auto loaded = schema::SchemaRegistry::LoadTextFile(path);
  if (!loaded.ok()) return loaded.status();
  return std::shared_ptr<const schema::SchemaRegistry>(std::move(*loaded));
}

struct Workload {
  explicit Workload(std::string workload_name) : name(std::move(workload_name)) {}
  std::string name;
  std::vector<double> wall_us, cpu_us;
  uint64_t gets = 0, multi_gets = 0, multi_get_keys = 0, cursors = 0, calls = 0;

  void Print() const {
    double n = calls == 0 ? 1 : static_cast<double>(calls);
    std::printf(
        "%-12s calls=%-6llu wall_p50_us=%-8.1f wall_p90_us=%-8.1f cpu_p50_us=%-8.1f "
        "gets=%.1f multi_gets=%.1f multi_get_keys=%.1f cursors=%.1f (per call)\n",
        name.c_str(), static_cast<unsigned long long>(calls), Percentile(wall_us, 0.5),
        Percentile(wall_us, 0.9), Percentile(cpu_us, 0.5), static_cast<double>(gets) / n,
        static_cast<double>(multi_gets) / n, static_cast<double>(multi_get_keys) / n,
        static_cast<double>(cursors) / n);
  }
};

template <typename Call>
absl::Status Measure(Workload& workload, storage::CountingStore& store, bool record, Call call) {
  const storage::CountingStore::Counts before = store.counts();
  auto start = std::chrono::steady_clock::now();
  double cpu_start = ThreadCpuMicros();
  absl::Status status = call();
  double cpu = ThreadCpuMicros() - cpu_start;
  double wall =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok() || !record) return status;
  workload.wall_us.push_back(wall);
  workload.cpu_us.push_back(cpu);
  const storage::CountingStore::Counts read = store.Since(before);
  workload.gets += read.gets;
  workload.multi_gets += read.multi_gets;
  workload.multi_get_keys += read.multi_get_keys;
  workload.cursors += read.cursors;
  workload.calls += 1;
  return absl::OkStatus();
}

int ReadMode(const DatabaseOptions& base_options, const std::string& targets, int rounds,
             const std::string& only) {
  auto inner = storage::OpenStore(base_options.storage);
  if (!inner.ok()) return Fail(std::string(inner.status().message()));
  auto owned = std::make_unique<storage::CountingStore>(*std::move(inner));
  storage::CountingStore& store = *owned;
  auto opened = Database::OpenWithStore(base_options, std::move(owned));
  if (!opened.ok()) return Fail(std::string(opened.status().message()));
  Database& db = **opened;

  std::vector<std::string> entities = ReadLines(targets + "/entities.txt");
  std::vector<std::string> traces = ReadLines(targets + "/trace.txt");
  std::vector<std::string> statements;
  {
    auto view = db.NewReadView();
    if (!view.ok()) return Fail(std::string(view.status().message()));
    for (const auto& claim_id : ReadLines(targets + "/corroborate.txt")) {
      auto claim = (*view)->GetClaim(claim_id);
      if (!claim.ok())
        return Fail(
            StrCat("corroborate target ", claim_id, ": ", std::string(claim.status().message())));
      statements.push_back(claim->statement_id());
    }
  }
  if (entities.size() > 1000) entities.resize(1000);
  if (traces.empty() || statements.empty()) return Fail("no trace or corroborate targets");

  Workload point{"get_entity"}, trace{"trace_claim"}, corroborate{"corroborate"};
  size_t trace_nodes = 0, origins = 0;
  // Round 0 warms the block cache and is not recorded.
  for (int round = 0; round <= rounds; ++round) {
    bool record = round > 0;
    for (const auto& id : entities) {
      if (!only.empty() && only != point.name) break;
      auto status = Measure(point, store, record, [&]() -> absl::Status {
        auto view = db.NewReadView();
        if (!view.ok()) return view.status();
        return (*view)->GetEntity(id).status();
      });
      if (!status.ok()) return Fail(std::string(status.message()));
    }
    for (const auto& id : traces) {
      if (!only.empty() && only != trace.name) break;
      auto status = Measure(trace, store, record, [&]() -> absl::Status {
        auto view = db.NewReadView();
        if (!view.ok()) return view.status();
        auto answer = provenance::TraceClaim(**view, id, provenance::TraceOptions{});
        if (answer.ok()) trace_nodes = static_cast<size_t>(answer->nodes_size());
        return answer.status();
      });
      if (!status.ok()) return Fail(std::string(status.message()));
    }
    for (const auto& id : statements) {
      if (!only.empty() && only != corroborate.name) break;
      auto status = Measure(corroborate, store, record, [&]() -> absl::Status {
        auto view = db.NewReadView();
        if (!view.ok()) return view.status();
        auto answer = provenance::Corroborate(**view, id);
        if (answer.ok()) origins = static_cast<size_t>(answer->origins_size());
        return answer.status();
      });
      if (!status.ok()) return Fail(std::string(status.message()));
    }
  }
  auto stats = store.Stats();
  if (stats.ok()) {
    std::printf("block cache: %llu hits, %llu misses (whole run)\n",
                static_cast<unsigned long long>(stats->block_cache_hits),
                static_cast<unsigned long long>(stats->block_cache_misses));
  }
  point.Print();
  trace.Print();
  corroborate.Print();
  std::printf("last trace: %zu nodes; last corroborate: %zu origins\n", trace_nodes, origins);
  return 0;
}

int HotMode(const DatabaseOptions& options, size_t claims) {
  auto opened = Database::Open(options);
  if (!opened.ok()) return Fail(std::string(opened.status().message()));
  Database& db = **opened;
  WriteContext context;
  context.principal = "provenance_bench";
  const size_t claimants = std::max<size_t>(claims, 2);
  for (size_t i = 0; i <= claimants; ++i) {
    v1::Entity entity;
    entity.set_id(StrCat("person-", i));
    entity.set_type("person");
    entity.set_name(StrCat("Person ", i));
    auto written = db.CreateEntity(entity, context);
    if (!written.ok()) return Fail(std::string(written.status().message()));
  }
  for (int i = 0; i < 20; ++i) {
    v1::Source source;
    source.set_id(StrCat("source-", i));
    source.set_url(StrCat("https://example.org/", i));
    source.set_reliability(static_cast<v1::Reliability>(1 + i % 6));
    auto written = db.CreateSource(source, context);
    if (!written.ok()) return Fail(std::string(written.status().message()));
  }
  auto installed = provenance::InstallStatementScorer(db);
  if (!installed.ok()) return Fail(std::string(installed.message()));

  v1::Statement statement;
  statement.set_subject_id("person-0");
  statement.set_predicate("trusts");
  statement.mutable_object()->set_entity_id("person-1");
  std::vector<double> wall, cpu;
  std::vector<std::string> made;
  uint64_t state = 88172645463325252ull;  // xorshift: a fixed, dependency-free sequence
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::printf("%-10s %-14s %-14s\n", "claims", "wall_p50_us", "cpu_p50_us");
  const size_t window = std::max<size_t>(claims / 10, 1);
  for (size_t k = 0; k < claims; ++k) {
    v1::Claim claim;
    claim.set_id(StrCat("hot-", k));
    *claim.mutable_statement() = statement;
    claim.set_act(v1::CLAIM_ACT_SAYS);
    claim.set_stance(next() % 5 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS);
    claim.mutable_claimant()->set_entity_id(StrCat("person-", 2 + k % (claimants - 1)));
    claim.set_source_id(StrCat("source-", next() % 20));
    claim.set_confidence(0.3 + 0.7 * static_cast<double>(next() % 100) / 100.0);
    if (!made.empty() && next() % 4 == 0) claim.set_relays_claim_id(made[next() % made.size()]);
    auto start = std::chrono::steady_clock::now();
    double cpu_start = ThreadCpuMicros();
    auto written = db.CreateClaim(claim, "", context);
    cpu.push_back(ThreadCpuMicros() - cpu_start);
    wall.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    if (!written.ok()) return Fail(std::string(written.status().message()));
    made.push_back(claim.id());
    if ((k + 1) % window == 0) {
      std::vector<double> w(wall.end() - static_cast<long>(window), wall.end());
      std::vector<double> c(cpu.end() - static_cast<long>(window), cpu.end());
      std::printf("%-10zu %-14.1f %-14.1f\n", k + 1, Percentile(w, 0.5), Percentile(c, 0.5));
    }
  }
  auto settle_start = std::chrono::steady_clock::now();
  auto settled = db.SettleScores();
  if (!settled.ok()) return Fail(std::string(settled.message()));
  std::printf(
      "scores settled %.1f ms after the last write\n",
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - settle_start)
          .count());
  auto view = db.NewReadView();
  if (!view.ok()) return Fail(std::string(view.status().message()));
  auto internal = (*view)->Resolve(keys::IdKind::kEntity, "person-0");
  if (!internal.ok() || !*internal) return Fail("subject missing");
  std::optional<double> stored;
  auto walked = (*view)->ForEachEdge(keys::kOutEdge, **internal, std::nullopt,
                                     [&](const keys::EdgeKey&, const storage::EdgeAggregate& a) {
                                       stored = a.score;
                                       return false;
                                     });
  if (!walked.ok()) return Fail(std::string(walked.message()));
  auto statement_internal =
      (*view)->Resolve(keys::IdKind::kStatement, (*(*view)->GetClaim("hot-0")).statement_id());
  auto full = provenance::FusedScore(**view, **statement_internal);
  if (!full.ok()) return Fail(std::string(full.status().message()));
  std::printf("stored score %.17g, full rescore %.17g: %s\n", stored.value_or(-1),
              full->value_or(0.0), stored == full->value_or(0.0) ? "equal" : "DIFFERENT");
  return stored == full->value_or(0.0) ? 0 : 1;
}

}  // namespace
}  // namespace claimgraph

int main(int argc, char** argv) {
  using namespace claimgraph;
  std::string mode = "read", db_path, targets, only, schema_path = "schema/default.textproto";
  int rounds = 20;
  size_t claims = 2000;
  long inline_max = -1;  // -1: the database's default
  CLI::App app{"provenance_bench: trace, corroborate and hot-statement writes in process",
               "provenance_bench"};
  app.add_option("--mode", mode, "read (trace and corroborate) or hot (writes to one statement)")
      ->check(CLI::IsMember({"read", "hot"}))
      ->capture_default_str();
  app.add_option("--db", db_path, "the database (read: existing; hot: a new directory)")
      ->required();
  app.add_option("--targets", targets, "read: FILE of targets");
  app.add_option("--only", only, "read: only this workload (trace or corroborate)");
  app.add_option("--schema", schema_path, "the schema")->capture_default_str();
  app.add_option("--rounds", rounds, "read: passes over the targets")->capture_default_str();
  app.add_option("--claims", claims, "hot: claims written")->capture_default_str();
  app.add_option("--inline-max", inline_max,
                 "hot: inline_rescore_max_claims (-1: the database's default)")
      ->capture_default_str();
  if (auto status = bench::ParseCommandLine(app, argc, argv)) return *status;
  if (db_path.empty()) return Fail("--db is required");
  auto schema = LoadSchema(schema_path);
  if (!schema.ok()) return Fail(std::string(schema.status().message()));
  DatabaseOptions options;
  options.schema = *schema;
  options.storage.path = db_path;
  options.storage.sync_writes = false;
  if (mode == "read") {
    if (targets.empty()) return Fail("--targets is required in read mode");
    options.storage.create_if_missing = false;
    return ReadMode(options, targets, rounds, only);
  }
  if (mode == "hot") {
    if (std::filesystem::exists(db_path)) return Fail("--db must not exist in hot mode");
    if (inline_max >= 0) options.inline_rescore_max_claims = static_cast<size_t>(inline_max);
    return HotMode(options, claims);
  }
  return Fail(StrCat("unknown mode ", mode));
}
