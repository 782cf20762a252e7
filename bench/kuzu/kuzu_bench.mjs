// kuzu_bench: the benchmark's graph database peer. Kùzu (embedded property-graph database, the
// npm package's native library) loads the same walkable graph PostgreSQL and claimgraph walk
// (entities; one edge per statement with an entity object and an active supporting claim,
// carrying the confidence traversal filters on) with its bulk COPY FROM, then answers the same
// graph workloads in Cypher, the same targets in the same order, one query at a time:
//   hop1  edges out of the start with confidence >= 0.5 (counted, parallel edges included)
//   hop2 / hop3  distinct entities reached along out-edges within 2 / 3 hops, start excluded
//   path  hops of the shortest path of at most 4 edges (0: none)
// Only query time is measured: from the call into Kùzu to the last row fetched (Node.js's own
// start, the load and the result's conversion are outside it). One JSON line per workload, as
// bench_stats.h writes them, so report.py reads Kùzu's rows beside the others.
//
//   node kuzu_bench.mjs --nodes FILE.csv --edges FILE.csv --db NEW_DIR --targets-dir DIR
//                       [--duration-s 10] [--warmup-s 1] [--cover-targets] [--out FILE]
import fs from "node:fs";
import kuzu from "kuzu";

const usage = "usage: node kuzu_bench.mjs --nodes FILE --edges FILE --db NEW_DIR --targets-dir DIR" +
  " [--duration-s S] [--warmup-s S] [--cover-targets] [--out FILE]";
const options = { durationS: 10, warmupS: 1, cover: false, out: "" };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  const flag = argv[i];
  const value = () => {
    if (i + 1 >= argv.length) { console.error(`kuzu_bench: ${flag} needs a value\n${usage}`); process.exit(64); }
    return argv[++i];
  };
  if (flag === "--help" || flag === "-h") { console.log(usage); process.exit(0); }
  else if (flag === "--nodes") options.nodes = value();
  else if (flag === "--edges") options.edges = value();
  else if (flag === "--db") options.db = value();
  else if (flag === "--targets-dir") options.targets = value();
  else if (flag === "--duration-s") options.durationS = Number(value());
  else if (flag === "--warmup-s") options.warmupS = Number(value());
  else if (flag === "--cover-targets") options.cover = true;
  else if (flag === "--out") options.out = value();
  else { console.error(`kuzu_bench: unknown option ${flag}\n${usage}`); process.exit(64); }
}
if (!options.nodes || !options.edges || !options.db || !options.targets) {
  console.error(usage);
  process.exit(64);
}

const lines = (path) => fs.readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];
}

function write(row) {
  const text = JSON.stringify(row) + "\n";
  if (options.out) fs.appendFileSync(options.out, text); else process.stdout.write(text);
  console.error(`kuzu       ${row.workload.padEnd(16)} c=1  calls=${row.calls} err=${row.errors} ` +
    `qps=${row.qps.toFixed(1)} p50=${row.p50_us.toFixed(1)}us p99=${row.p99_us.toFixed(1)}us`);
}

const db = new kuzu.Database(options.db);
const conn = new kuzu.Connection(db);
await conn.query("CREATE NODE TABLE Entity(id STRING, PRIMARY KEY (id))");
await conn.query("CREATE REL TABLE Edge(FROM Entity TO Entity, confidence DOUBLE)");
const loadStart = process.hrtime.bigint();
await conn.query(`COPY Entity FROM '${options.nodes}' (HEADER=false)`);
await conn.query(`COPY Edge FROM '${options.edges}' (HEADER=false)`);
const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
write({ system: "kuzu", workload: "copy_from", concurrency: 1, calls: 1, errors: 0, truncated: 0,
  seconds: loadSeconds, qps: 0, mean_us: loadSeconds * 1e6, p50_us: loadSeconds * 1e6,
  p90_us: loadSeconds * 1e6, p99_us: loadSeconds * 1e6, max_us: loadSeconds * 1e6,
  server_cpu_us_per_call: -1, phase: "", first_error: "", answers: {} });

// As PostgreSQL's statement timeout: a query past 10 s fails and counts as an error.
conn.setQueryTimeout(10000);
const workloads = [
  ["hop1", "starts.txt",
    "MATCH (a:Entity {id: $a})-[r:Edge]->(b:Entity) WHERE r.confidence >= 0.5 RETURN count(r) AS n"],
  ["hop2", "starts.txt",
    "MATCH (a:Entity {id: $a})-[:Edge* SHORTEST 1..2]->(b:Entity) WHERE b.id <> $a " +
    "RETURN count(DISTINCT b) AS n"],
  ["hop3", "starts.txt",
    "MATCH (a:Entity {id: $a})-[:Edge* SHORTEST 1..3]->(b:Entity) WHERE b.id <> $a " +
    "RETURN count(DISTINCT b) AS n"],
  ["path", "pairs.txt",
    "MATCH p = (a:Entity {id: $a})-[:Edge* SHORTEST 1..4]->(b:Entity {id: $b}) " +
    "RETURN length(p) AS n"],
];
for (const [workload, file, cypher] of workloads) {
  const targets = lines(`${options.targets}/${file}`);
  const prepared = await conn.prepare(cypher);
  const latencies = [];
  const answers = {};
  let errors = 0, firstError = "", next = 0, measured = 0;
  const begin = process.hrtime.bigint();
  const measureFrom = begin + BigInt(Math.round(options.warmupS * 1e9));
  const end = measureFrom + BigInt(Math.round(options.durationS * 1e9));
  while (true) {
    const now = process.hrtime.bigint();
    if (now >= end && (!options.cover || measured >= targets.length)) break;
    const index = next++ % targets.length;
    const [a, b] = targets[index].split(" ");
    const params = workload === "path" ? { a, b } : { a };
    const start = process.hrtime.bigint();
    let value = null;
    try {
      const result = await conn.execute(prepared, params);
      const rows = await result.getAll();
      value = rows.length > 0 ? Number(rows[0].n) : 0;
    } catch (error) {
      if (errors++ === 0) firstError = String(error);
    }
    const done = process.hrtime.bigint();
    if (start >= measureFrom) {
      latencies.push(Number(done - start) / 1e3);
      ++measured;
      if (value !== null && !(index in answers)) answers[index] = value;
    }
  }
  const seconds = latencies.reduce((s, l) => s + l, 0) / 1e6;
  const sorted = [...latencies].sort((x, y) => x - y);
  write({ system: "kuzu", workload, concurrency: 1, calls: latencies.length, errors, truncated: 0,
    seconds, qps: seconds > 0 ? latencies.length / seconds : 0,
    mean_us: latencies.length ? seconds * 1e6 / latencies.length : 0,
    p50_us: percentile(sorted, 0.5), p90_us: percentile(sorted, 0.9),
    p99_us: percentile(sorted, 0.99), max_us: percentile(sorted, 1.0),
    server_cpu_us_per_call: -1, phase: "", first_error: firstError, answers });
}
await conn.close();
await db.close();
