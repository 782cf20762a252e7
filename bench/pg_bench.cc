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
//            [--passes N: every target N times in order instead, first pass reported cold]
//            [--answers FILE: trace and corroborate answers, canonical (answers.h)]
//
// trace and corroborate compute claimgraph's whole answer (docs/provenance.md) in client code
// over the rows their queries fetch (bench/pg_provenance.cc), inside the timed call.
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

#include "bench_cli.h"
#include "bench_stats.h"
#include "pg_provenance.h"

namespace claimgraph::bench {
namespace {

struct Query {
  const char* sql;
  int parameters;  // 1: the target; 2: the target's two space-separated ids
  // How to size the answer: kRows counts rows, kFirstValue reads the first column of row 0;
  // kTrace and kCorroborate compute the provenance answer in client code (sql unused).
  enum class Answer { kRows, kFirstValue, kTrace, kCorroborate } answer;
};

// The workloads. Distinct k-hop: a recursive CTE with UNION over (node, depth) so repeated
// (node, depth) pairs are dropped at each step, then DISTINCT nodes other than the start.
const std::map<std::string, Query>& Queries() {
  static const std::map<std::string, Query> kQueries = {
      {"get_entity",
       {"SELECT id, ext_id, type, name, description FROM entities WHERE ext_id = $1", 1,
        Query::Answer::kRows}},
      // The ids of one BatchGetEntities call, space-separated in the target line.
      {"batch_get",
       {"SELECT id, ext_id, type, name, description FROM entities"
        " WHERE ext_id = ANY(string_to_array($1, ' '))",
        1, Query::Answer::kRows}},
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
      // The whole trace and corroboration answers: fetched rows, computed in client code.
      {"trace", {"", 1, Query::Answer::kTrace}},
      {"corroborate", {"", 1, Query::Answer::kCorroborate}},
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
  int passes = 0;              // every target `passes` times in order instead; first: cold
  std::string answers_out;
  int statement_timeout_ms = 10000;
  int postmaster_pid = 0;  // for the CPU per call of the postmaster and its backends
  std::string out;
};

// The streaming baseline: claims.tsv rows (the file's first `max_rows`) inserted by `writers`
// connections, each taking the statements whose id is its number modulo `writers` (a relay
// stays within its statement), in multi-row INSERT transactions of `batch` rows into the loaded
// claims table with all its indexes, synchronous_commit on. Rows get ids and external ids offset
// by `id_offset`, so every run adds new claims. Per-transaction latencies; seconds: wall time.
WorkloadResult InsertClaims(const std::string& conninfo, const std::string& path, int writers,
                            size_t max_rows, size_t batch, int64_t id_offset, bool* fatal) {
  constexpr int kColumns = 24;
  std::vector<std::vector<std::vector<std::string>>> parts(writers);
  std::vector<std::vector<std::vector<bool>>> nulls(writers);
  FILE* file = std::fopen(path.c_str(), "r");
  WorkloadResult result;
  result.system = "postgresql";
  result.workload = "stream_writers";
  result.concurrency = writers;
  if (file == nullptr) {
    result.first_error = "cannot read " + path;
    *fatal = true;
    return result;
  }
  std::vector<char> buffer(1 << 20);
  size_t rows = 0;
  while (rows < max_rows && std::fgets(buffer.data(), static_cast<int>(buffer.size()), file)) {
    std::vector<std::string> fields;
    std::vector<bool> null;
    std::string field;
    // COPY text format: fields split on tabs, \N is NULL, backslash escapes undone.
    for (const char* c = buffer.data(); *c != 0 && *c != '\n'; ++c) {
      if (*c == '\t') {
        null.push_back(field == "\\N");
        fields.push_back(std::move(field));
        field.clear();
      } else if (*c == '\\' && c[1] != 0 && c[1] != 'N') {
        ++c;
        field.push_back(*c == 't' ? '\t' : *c == 'n' ? '\n' : *c == 'r' ? '\r' : *c);
      } else {
        field.push_back(*c);
      }
    }
    null.push_back(field == "\\N");
    fields.push_back(std::move(field));
    if (fields.size() != kColumns) continue;
    for (int column : {0, 15}) {  // id, relays_claim_id
      if (!null[column])
        fields[column] = std::to_string(std::atoll(fields[column].c_str()) + id_offset);
    }
    fields[1] += "@" + std::to_string(id_offset);
    int part = static_cast<int>(std::atoll(fields[2].c_str()) % writers);
    parts[part].push_back(std::move(fields));
    nulls[part].push_back(std::move(null));
    ++rows;
  }
  std::fclose(file);
  std::mutex mutex;
  auto worker = [&](int part) {
    PGconn* connection = PQconnectdb(conninfo.c_str());
    std::vector<double> latencies;
    std::string error;
    if (PQstatus(connection) == CONNECTION_OK) {
      PQclear(PQexec(connection, "SET synchronous_commit = on"));
      const auto& mine = parts[part];
      for (size_t start = 0; start < mine.size() && error.empty(); start += batch) {
        size_t end = std::min(mine.size(), start + batch);
        std::string sql = "INSERT INTO claims VALUES ";
        std::vector<const char*> values;
        for (size_t row = start; row < end; ++row) {
          sql += row == start ? "(" : ",(";
          for (int column = 0; column < kColumns; ++column) {
            values.push_back(nulls[part][row][column] ? nullptr : mine[row][column].c_str());
            sql += (column == 0 ? "$" : ",$") + std::to_string(values.size());
          }
          sql += ")";
        }
        auto begin = Clock::now();
        PQclear(PQexec(connection, "BEGIN"));
        PGresult* inserted = PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()),
                                          nullptr, values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(inserted) != PGRES_COMMAND_OK) error = PQresultErrorMessage(inserted);
        PQclear(inserted);
        PGresult* committed = PQexec(connection, error.empty() ? "COMMIT" : "ROLLBACK");
        if (error.empty() && PQresultStatus(committed) != PGRES_COMMAND_OK) {
          error = PQresultErrorMessage(committed);
        }
        PQclear(committed);
        latencies.push_back(MicrosSince(begin));
      }
    } else {
      error = PQerrorMessage(connection);
    }
    PQfinish(connection);
    std::lock_guard lock(mutex);
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    if (!error.empty()) {
      if (result.errors++ == 0) result.first_error = error;
    }
  };
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int part = 0; part < writers; ++part) threads.emplace_back(worker, part);
  for (auto& thread : threads) thread.join();
  result.seconds = MicrosSince(begin) / 1e6;
  result.answers[0] = static_cast<int64_t>(rows);  // the claims inserted
  return result;
}

bool IsProvenance(const Query& query) {
  return query.answer == Query::Answer::kTrace || query.answer == Query::Answer::kCorroborate;
}

// One call of a provenance workload on target `id` (a claim, or a statement): the canonical
// answer in `detail`, its size (claims on the trace, origins) returned; -1 on error.
int64_t ProvenanceCall(PGconn* connection, const Query& query, int64_t id, std::string* detail,
                       std::string* error) {
  if (query.answer == Query::Answer::kTrace) {
    TraceAnswer answer;
    if (!TraceClaim(connection, id, &answer, error)) return -1;
    *detail = Canonical(answer);
    return static_cast<int64_t>(
        std::count_if(answer.nodes.begin(), answer.nodes.end(),
                      [](const std::string& key) { return key.rfind("claim:", 0) == 0; }));
  }
  CorroborationAnswer answer;
  if (!Corroborate(connection, id, &answer, error)) return -1;
  *detail = Canonical(answer);
  return static_cast<int64_t>(answer.origins.size());
}

// With options.passes, `first_pass` receives the first pass's latencies and the result the
// later passes'. `resolved`: the provenance targets' internal ids.
WorkloadResult Run(const Query& query, const std::vector<std::string>& targets,
                   const std::vector<int64_t>& resolved, int concurrency, const Options& options,
                   bool* fatal, WorkloadResult* first_pass) {
  WorkloadResult result;
  result.system = "postgresql";
  result.workload = options.workload;
  result.concurrency = concurrency;
  const bool passes = options.passes > 0;
  const uint64_t total_calls = passes ? static_cast<uint64_t>(options.passes) * targets.size() : 0;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> measured{0};
  std::mutex mutex;
  auto begin = Clock::now();
  auto measure_from = begin + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(passes ? 0 : options.warmup_s));
  auto end = passes ? Clock::time_point::max()
                    : measure_from + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options.duration_s));
  Clock::time_point last_completion = measure_from;
  std::vector<PGconn*> open_connections;

  auto worker = [&]() {
    PGconn* connection = PQconnectdb(options.conninfo.c_str());
    auto fail = [&](const std::string& message) {
      std::lock_guard lock(mutex);
      result.first_error = message;
      *fatal = true;
      PQfinish(connection);
    };
    if (PQstatus(connection) != CONNECTION_OK) return fail(PQerrorMessage(connection));
    std::string timeout = "SET statement_timeout = " + std::to_string(options.statement_timeout_ms);
    PQclear(PQexec(connection, timeout.c_str()));
    std::string error;
    if (IsProvenance(query)) {
      if (!PrepareProvenance(connection, &error)) return fail(error);
    } else {
      PGresult* prepared = PQprepare(connection, "q", query.sql, 0, nullptr);
      bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
      if (!ok) error = PQresultErrorMessage(prepared);
      PQclear(prepared);
      if (!ok) return fail(error);
    }
    std::vector<double> latencies, first_latencies;
    std::map<size_t, int64_t> answers;
    std::map<size_t, std::string> details;
    uint64_t errors = 0;
    std::string first_error;
    Clock::time_point last = measure_from;
    while (true) {
      auto start = Clock::now();
      if (start >= end && (!options.cover_targets || measured.load() >= targets.size())) break;
      if (options.max_calls > 0 && start >= measure_from && measured.load() >= options.max_calls)
        break;
      uint64_t sequence = next.fetch_add(1);
      if (passes && sequence >= total_calls) break;
      size_t index = sequence % targets.size();
      bool ok = false;
      int64_t size = 0;
      std::string detail;
      PGresult* answer = nullptr;
      if (IsProvenance(query)) {
        start = Clock::now();
        size = ProvenanceCall(connection, query, resolved[index], &detail, &error);
        ok = size >= 0;
      } else {
        const std::string& target = targets[index];
        std::string first = target, second;
        if (query.parameters == 2) {
          size_t space = target.find(' ');
          first = target.substr(0, space);
          second = space == std::string::npos ? "" : target.substr(space + 1);
        }
        const char* values[2] = {first.c_str(), second.c_str()};
        answer = PQexecPrepared(connection, "q", query.parameters, values, nullptr, nullptr, 0);
        ok = PQresultStatus(answer) == PGRES_TUPLES_OK;
        if (!ok) error = PQresultErrorMessage(answer);
        if (ok) {
          size = query.answer == Query::Answer::kRows
                     ? PQntuples(answer)
                     : (PQntuples(answer) > 0 ? std::atoll(PQgetvalue(answer, 0, 0)) : 0);
        }
      }
      auto now = Clock::now();
      if (start >= measure_from) {
        (passes && sequence < targets.size() ? first_latencies : latencies)
            .push_back(std::chrono::duration<double, std::micro>(now - start).count());
        measured.fetch_add(1);
        last = now;
        if (!ok) {
          if (errors++ == 0) first_error = error;
        } else if (!answers.count(index)) {
          answers[index] = size;
          if (!detail.empty()) details[index] = std::move(detail);
        }
      }
      if (answer != nullptr) PQclear(answer);
      if (!ok && PQstatus(connection) != CONNECTION_OK) break;
    }
    // Closed after the CPU reading below, while its backend still lives.
    std::lock_guard lock(mutex);
    open_connections.push_back(connection);
    result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
    if (first_pass != nullptr) {
      first_pass->latencies_us.insert(first_pass->latencies_us.end(), first_latencies.begin(),
                                      first_latencies.end());
    }
    for (const auto& [index, size] : answers) result.answers.emplace(index, size);
    for (auto& [index, detail] : details) result.details.emplace(index, std::move(detail));
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
  if (passes) {
    // Both phases share the run's wall clock: each gets the time its own calls took.
    for (WorkloadResult* phase : {&result, first_pass}) {
      if (phase == nullptr) continue;
      double busy_us = 0;
      for (double latency : phase->latencies_us) busy_us += latency;
      phase->seconds = busy_us / 1e6 / concurrency;
    }
  }
  // An exited backend's CPU would be lost: read the backends while they live, then close.
  double cpu_end = ServerCpuMicros(options.postmaster_pid, true);
  for (PGconn* connection : open_connections) PQfinish(connection);
  uint64_t calls = std::min<uint64_t>(next.load(), passes ? total_calls : next.load());
  if (cpu_start >= 0 && cpu_end >= 0 && calls > 0) {
    result.server_cpu_us_per_call = (cpu_end - cpu_start) / static_cast<double>(calls);
  }
  return result;
}

int Main(int argc, char** argv) {
  Options options;
  CLI::App app{"pg_bench: the benchmark's workloads against PostgreSQL over libpq", "pg_bench"};
  app.add_option("--conninfo", options.conninfo, "libpq connection string (loopback)")->required();
  bool score_statements = false, freeze = false;
  auto* score = app.add_flag("--score-statements", score_statements,
                             "instead of a workload: compute every statement's fused score into "
                             "edge_scores (part of the load: what claimgraph's scorer stores)");
  app.add_flag("--freeze", freeze, "with --score-statements: COPY FREEZE")->needs(score);
  std::string insert_claims;
  int writers = 1;
  size_t max_rows = 50000;
  int64_t id_offset = 1000000000000;
  auto* insert = app.add_option("--insert-claims", insert_claims,
                                "instead of a workload: the streaming baseline, inserting this "
                                "claims.tsv's rows in 1,000-row transactions");
  app.add_option("--writers", writers, "with --insert-claims: concurrent connections")
      ->needs(insert)
      ->capture_default_str();
  app.add_option("--max-rows", max_rows, "with --insert-claims: rows inserted")
      ->needs(insert)
      ->capture_default_str();
  app.add_option("--id-offset", id_offset, "with --insert-claims: added to the rows' ids")
      ->needs(insert)
      ->capture_default_str();
  auto* workload =
      app.add_option("--workload", options.workload,
                     "get_entity, batch_get, hop1, hop2, hop3, path, trace or corroborate");
  app.add_option("--concurrency", options.concurrency, "connections, one run per value (1,8,32)")
      ->delimiter(',')
      ->capture_default_str();
  auto* targets_option =
      app.add_option("--targets", options.targets_path, "FILE of targets, one per line");
  app.add_option("--duration-s", options.duration_s, "seconds measured per run")
      ->capture_default_str();
  app.add_option("--warmup-s", options.warmup_s, "seconds before measuring")->capture_default_str();
  app.add_option("--max-calls", options.max_calls, "stop a run after N calls (0: no bound)")
      ->capture_default_str();
  app.add_flag("--cover-targets", options.cover_targets,
               "go past the duration until every target was measured once");
  app.add_option("--passes", options.passes,
                 "instead of a timed run: every target N times in order (first pass: cold)");
  app.add_option("--statement-timeout-ms", options.statement_timeout_ms,
                 "PostgreSQL statement_timeout")
      ->capture_default_str();
  app.add_option("--out", options.out, "FILE for the results (JSON lines; stdout when unset)");
  app.add_option("--answers", options.answers_out,
                 "FILE for the canonical answers of trace and corroborate (JSON lines)");
  app.add_option("--postmaster-pid", options.postmaster_pid,
                 "PostgreSQL's postmaster, for the CPU of it and its backends");
  if (auto status = ParseCommandLine(app, argc, argv)) return *status;
  if (score_statements) {
    PGconn* reader = PQconnectdb(options.conninfo.c_str());
    PGconn* writer = PQconnectdb(options.conninfo.c_str());
    std::string error;
    int64_t statements = 0;
    auto begin = Clock::now();
    bool ok = PQstatus(reader) == CONNECTION_OK && PQstatus(writer) == CONNECTION_OK &&
              ScoreStatements(reader, writer, freeze, &statements, &error);
    if (!ok) {
      std::fprintf(stderr, "pg_bench: scoring: %s%s%s\n", PQerrorMessage(reader),
                   PQerrorMessage(writer), error.c_str());
    } else {
      std::fprintf(stderr, "pg_bench: scored %lld statements in %.1f s\n",
                   static_cast<long long>(statements), MicrosSince(begin) / 1e6);
    }
    PQfinish(reader);
    PQfinish(writer);
    return ok ? 0 : 1;
  }
  if (!insert_claims.empty()) {
    bool fatal = false;
    WorkloadResult result =
        InsertClaims(options.conninfo, insert_claims, writers, max_rows, 1000, id_offset, &fatal);
    if (fatal || result.errors > 0) {
      std::fprintf(stderr, "pg_bench: %s\n", result.first_error.c_str());
      return 1;
    }
    result.Write(options.out);
    return 0;
  }
  if (workload->count() == 0 || targets_option->count() == 0) {
    std::fprintf(stderr, "pg_bench: --workload and --targets are required\n%s", app.help().c_str());
    return kUsageError;
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
  // Provenance targets name claims: their internal ids (or statements') once, untimed, as
  // load_generator resolves statements with GetClaim.
  std::vector<int64_t> resolved;
  if (IsProvenance(query->second)) {
    PGconn* connection = PQconnectdb(options.conninfo.c_str());
    std::string error;
    if (PQstatus(connection) != CONNECTION_OK || !PrepareProvenance(connection, &error)) {
      std::fprintf(stderr, "pg_bench: %s%s\n", PQerrorMessage(connection), error.c_str());
      PQfinish(connection);
      return 1;
    }
    for (const auto& target : targets) {
      int64_t id = ResolveClaim(connection, target,
                                query->second.answer == Query::Answer::kCorroborate, &error);
      if (id == 0) {
        std::fprintf(stderr, "pg_bench: target claim '%s' not found %s\n", target.c_str(),
                     error.c_str());
        PQfinish(connection);
        return 1;
      }
      resolved.push_back(id);
    }
    PQfinish(connection);
  }
  for (int concurrency : options.concurrency) {
    bool fatal = false;
    WorkloadResult cold;
    WorkloadResult result = Run(query->second, targets, resolved, concurrency, options, &fatal,
                                options.passes > 0 ? &cold : nullptr);
    if (fatal) {
      std::fprintf(stderr, "pg_bench: %s\n", result.first_error.c_str());
      return 1;
    }
    if (options.passes > 0) {
      cold.system = result.system;
      cold.workload = result.workload;
      cold.concurrency = concurrency;
      cold.phase = "cold";
      cold.Write(options.out);
      result.phase = "warm";
    }
    result.Write(options.out);
    result.WriteAnswers(options.answers_out);
  }
  return 0;
}

}  // namespace
}  // namespace claimgraph::bench

int main(int argc, char** argv) { return claimgraph::bench::Main(argc, argv); }
