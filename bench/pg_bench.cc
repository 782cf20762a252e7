// pg_bench: the PostgreSQL side of the benchmark, the same workloads as load_generator over
// libpq, with recursive CTEs for the graph walks.
//
// One thread per connection (`concurrency` connections), each running its prepared statement in
// a closed loop over the shared targets file (round-robin, same order as load_generator), bounded
// by duration and call count. Results: one JSON line per (workload, concurrency), see
// bench_stats.h; the answer size per target lets the report compare both systems' answers.
//
//   pg_bench --conninfo "host=/tmp/pg port=5432 dbname=bench" --workload hop2
//            --concurrency 1,8,32 --targets starts.txt [--duration-s 10] [--max-calls N]
//            [--warmup-s 1] [--statement-timeout-ms 10000] [--out FILE]
//            [--cover-targets: past the duration until every target was measured once]
//
// Tables (bench/pg_schema.sql): entities, sources, statements, claims, lifecycle events, and
// edges (one row per statement with an entity object, carrying what claimgraph's edge aggregate
// carries: active claims, supporting, refuting, the confidence traversal filters on), with
// partial indexes on both directions of the walkable edges. Every graph query takes the edges
// claimgraph's default traversal filter takes: at least one active supporting claim.
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "bench_stats.h"

namespace claimgraph::bench {
namespace {

struct Query {
  const char* sql;
  int parameters;  // 1: the target; 2: the target's two space-separated ids
  // How to size the answer: kRows counts rows, kFirstValue reads the first column of row 0.
  enum class Answer { kRows, kFirstValue } answer;
};

// The workloads. Distinct k-hop: a recursive CTE with UNION over (node, depth) so repeated
// (node, depth) pairs are dropped at each step, then DISTINCT nodes other than the start.
const std::map<std::string, Query>& Queries() {
  static const std::map<std::string, Query> kQueries = {
      {"get_entity",
       {"SELECT id, ext_id, type, name, description FROM entities WHERE ext_id = $1", 1,
        Query::Answer::kRows}},
      {"hop1",
       {"SELECT e.dst, e.predicate, e.statement_id, e.confidence FROM edges e "
        "WHERE e.src = (SELECT id FROM entities WHERE ext_id = $1) AND e.supporting > 0"
        " AND e.confidence >= 0.5",
        1, Query::Answer::kRows}},
      {"hop2",
       {"WITH RECURSIVE walk(node, depth) AS ("
        " SELECT id, 0 FROM entities WHERE ext_id = $1"
        " UNION SELECT e.dst, w.depth + 1 FROM walk w JOIN edges e ON e.src = w.node AND "
        "e.supporting > 0"
        " WHERE w.depth < 2) "
        "SELECT count(DISTINCT node) FROM walk "
        "WHERE node <> (SELECT id FROM entities WHERE ext_id = $1)",
        1, Query::Answer::kFirstValue}},
      {"hop3",
       {"WITH RECURSIVE walk(node, depth) AS ("
        " SELECT id, 0 FROM entities WHERE ext_id = $1"
        " UNION SELECT e.dst, w.depth + 1 FROM walk w JOIN edges e ON e.src = w.node AND "
        "e.supporting > 0"
        " WHERE w.depth < 3) "
        "SELECT count(DISTINCT node) FROM walk "
        "WHERE node <> (SELECT id FROM entities WHERE ext_id = $1)",
        1, Query::Answer::kFirstValue}},
      // Hop distance up to 4 (a BFS in SQL); 0 when not connected within 4 hops.
      {"path",
       {"WITH RECURSIVE walk(node, depth) AS ("
        " SELECT id, 0 FROM entities WHERE ext_id = $1"
        " UNION SELECT e.dst, w.depth + 1 FROM walk w JOIN edges e ON e.src = w.node AND "
        "e.supporting > 0"
        " WHERE w.depth < 4) "
        "SELECT coalesce(min(depth), 0) FROM walk "
        "WHERE node = (SELECT id FROM entities WHERE ext_id = $2)",
        2, Query::Answer::kFirstValue}},
      // The relay chain of a claim, each claim with its claimant, source and publisher.
      {"trace",
       {"WITH RECURSIVE chain(id, relays, depth) AS ("
        " SELECT id, relays_claim_id, 0 FROM claims WHERE ext_id = $1"
        " UNION ALL SELECT c.id, c.relays_claim_id, ch.depth + 1 FROM chain ch"
        " JOIN claims c ON c.id = ch.relays WHERE ch.depth < 64) "
        "SELECT c.ext_id, c.confidence, c.stance, cl.ext_id, s.ext_id, p.ext_id "
        "FROM chain ch JOIN claims c ON c.id = ch.id "
        "LEFT JOIN entities cl ON cl.id = c.claimant_id "
        "LEFT JOIN sources s ON s.id = c.source_id "
        "LEFT JOIN entities p ON p.id = s.publisher_id ORDER BY ch.depth",
        1, Query::Answer::kRows}},
      // Independent origins of the statement of a claim, simplified: the distinct speaking
      // principals (on-behalf-of, else claimant) of the innermost claims of the relay chains.
      {"corroborate",
       {"WITH RECURSIVE chain(id, relays, depth) AS ("
        " SELECT c.id, c.relays_claim_id, 0 FROM claims c WHERE c.statement_id ="
        "  (SELECT statement_id FROM claims WHERE ext_id = $1)"
        " UNION ALL SELECT c.id, c.relays_claim_id, ch.depth + 1 FROM chain ch"
        " JOIN claims c ON c.id = ch.relays WHERE ch.depth < 64) "
        "SELECT count(DISTINCT coalesce(c.on_behalf_of_id, c.claimant_id)) "
        "FROM chain ch JOIN claims c ON c.id = ch.id WHERE ch.relays IS NULL",
        1, Query::Answer::kFirstValue}},
  };
  return kQueries;
}

struct Options {
  std::string conninfo;
  std::string workload;
  std::vector<int> concurrency = {1};
  std::string targets_path;
  double duration_s = 10;
  double warmup_s = 1;
  uint64_t max_calls = 0;
  bool cover_targets = false;  // past the duration until every target was measured once
  int statement_timeout_ms = 10000;
  int postmaster_pid = 0;  // for the CPU per call of the postmaster and its backends
  std::string out;
};

WorkloadResult Run(const Query& query, const std::vector<std::string>& targets, int concurrency,
                   const Options& options, bool* fatal) {
  WorkloadResult result;
  result.system = "postgresql";
  result.workload = options.workload;
  result.concurrency = concurrency;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> measured{0};
  std::mutex mutex;
  auto begin = Clock::now();
  auto measure_from = begin + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(options.warmup_s));
  auto end = measure_from + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(options.duration_s));
  Clock::time_point last_completion = measure_from;
  std::vector<PGconn*> open_connections;

  auto worker = [&]() {
    PGconn* connection = PQconnectdb(options.conninfo.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
      std::lock_guard lock(mutex);
      result.first_error = PQerrorMessage(connection);
      *fatal = true;
      PQfinish(connection);
      return;
    }
    std::string timeout = "SET statement_timeout = " + std::to_string(options.statement_timeout_ms);
    PQclear(PQexec(connection, timeout.c_str()));
    PGresult* prepared = PQprepare(connection, "q", query.sql, 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
      std::lock_guard lock(mutex);
      result.first_error = PQresultErrorMessage(prepared);
      *fatal = true;
      PQclear(prepared);
      PQfinish(connection);
      return;
    }
    PQclear(prepared);
    std::vector<double> latencies;
    std::map<size_t, int64_t> answers;
    uint64_t errors = 0;
    std::string first_error;
    Clock::time_point last = measure_from;
    while (true) {
      auto start = Clock::now();
      if (start >= end && (!options.cover_targets || measured.load() >= targets.size())) break;
      if (options.max_calls > 0 && start >= measure_from && measured.load() >= options.max_calls)
        break;
      size_t index = next.fetch_add(1) % targets.size();
      const std::string& target = targets[index];
      std::string first = target, second;
      if (query.parameters == 2) {
        size_t space = target.find(' ');
        first = target.substr(0, space);
        second = space == std::string::npos ? "" : target.substr(space + 1);
      }
      const char* values[2] = {first.c_str(), second.c_str()};
      PGresult* answer =
          PQexecPrepared(connection, "q", query.parameters, values, nullptr, nullptr, 0);
      auto now = Clock::now();
      bool ok = PQresultStatus(answer) == PGRES_TUPLES_OK;
      if (start >= measure_from) {
        latencies.push_back(std::chrono::duration<double, std::micro>(now - start).count());
        measured.fetch_add(1);
        last = now;
        if (!ok) {
          if (errors++ == 0) first_error = PQresultErrorMessage(answer);
        } else if (!answers.count(index)) {
          answers[index] = query.answer == Query::Answer::kRows
                               ? PQntuples(answer)
                               : (PQntuples(answer) > 0 ? std::atoll(PQgetvalue(answer, 0, 0)) : 0);
        }
      }
      PQclear(answer);
      if (!ok && PQstatus(connection) != CONNECTION_OK) break;
    }
    // Closed after the CPU reading below, while its backend still lives.
    std::lock_guard lock(mutex);
    open_connections.push_back(connection);
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    for (const auto& [index, size] : answers) result.answers.emplace(index, size);
    if (result.errors == 0 && errors > 0) result.first_error = first_error;
    result.errors += errors;
    if (last > last_completion) last_completion = last;
  };
  // Backends start with the connections: count CPU from before they exist to after they end.
  double cpu_start = ServerCpuMicros(options.postmaster_pid, true);
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  result.seconds = std::chrono::duration<double>(last_completion - measure_from).count();
  // An exited backend's CPU would be lost: read the backends while they live, then close.
  double cpu_end = ServerCpuMicros(options.postmaster_pid, true);
  for (PGconn* connection : open_connections) PQfinish(connection);
  uint64_t calls = next.load();
  if (cpu_start >= 0 && cpu_end >= 0 && calls > 0) {
    result.server_cpu_us_per_call = (cpu_end - cpu_start) / static_cast<double>(calls);
  }
  return result;
}

std::vector<int> ParseList(const std::string& text) {
  std::vector<int> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) values.push_back(std::atoi(text.substr(start, comma - start).c_str()));
    start = comma + 1;
  }
  return values;
}

int Main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--cover-targets") {
      options.cover_targets = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "pg_bench: %s needs a value\n", flag.c_str());
      return 2;
    }
    std::string value = argv[++i];
    if (flag == "--conninfo")
      options.conninfo = value;
    else if (flag == "--workload")
      options.workload = value;
    else if (flag == "--concurrency")
      options.concurrency = ParseList(value);
    else if (flag == "--targets")
      options.targets_path = value;
    else if (flag == "--duration-s")
      options.duration_s = std::atof(value.c_str());
    else if (flag == "--warmup-s")
      options.warmup_s = std::atof(value.c_str());
    else if (flag == "--max-calls")
      options.max_calls = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--statement-timeout-ms")
      options.statement_timeout_ms = std::atoi(value.c_str());
    else if (flag == "--out")
      options.out = value;
    else if (flag == "--postmaster-pid")
      options.postmaster_pid = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "pg_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  auto query = Queries().find(options.workload);
  if (query == Queries().end()) {
    std::fprintf(stderr, "pg_bench: unknown workload '%s'\n", options.workload.c_str());
    return 3;
  }
  auto targets = ReadLines(options.targets_path);
  if (targets.empty()) {
    std::fprintf(stderr, "pg_bench: no targets in '%s'\n", options.targets_path.c_str());
    return 2;
  }
  for (int concurrency : options.concurrency) {
    bool fatal = false;
    WorkloadResult result = Run(query->second, targets, concurrency, options, &fatal);
    if (fatal) {
      std::fprintf(stderr, "pg_bench: %s\n", result.first_error.c_str());
      return 1;
    }
    result.Write(options.out);
  }
  return 0;
}

}  // namespace
}  // namespace claimgraph::bench

int main(int argc, char** argv) { return claimgraph::bench::Main(argc, argv); }
