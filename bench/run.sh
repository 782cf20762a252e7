#!/usr/bin/env bash
# bench/run.sh: `make bench`. Measures claimgraph beside PostgreSQL 15 and the machine's limits
# (a no-op gRPC call, raw RocksDB reads and scans, an in-memory CSR) in one run, on one data set,
# and writes docs/benchmarks.{md,json} and docs/benchmarks-latency.png.
#
# Environment:
#   BENCH_SCALE        tiny (2k entities / 10k claims), small (100k / 500k), medium (300k / 1.5M),
#                      default (1M / 5M), or ENTITIESxCLAIMS (e.g. 200000x1000000)
#   BENCH_DURATION_S   seconds per measured workload (default 10; tiny: 1)
#   BENCH_GENERATOR    auto (default: the project generator, generate_claims) or powerlaw
#                      (bench/powerlaw_claims.py, a plain power-law graph)
#   BENCH_STREAM_CLAIMS  the streaming path (claimgraphd --load) is measured on the file's
#                      first N claims (default 200000; 0: the whole file)
#   BENCH_PHASE_TIMEOUT_S  bound on each long phase (generation, loads, PostgreSQL load; default
#                      7200); a phase past it fails the run, except the streaming sample, which
#                      is stopped and recorded as timed out
#   BENCH_SOAK=1       run the soak instead: fixed-rate mixed reads and writes for
#                      BENCH_SOAK_S seconds (600) at BENCH_SOAK_RATE calls/s (400); each write
#                      claims a new statement, or with BENCH_SOAK_HOT=1 adds a claim to one of
#                      20 statements (which then grow without bound)
#   BENCH_BUILD_DIR    build directory holding bin/ (default: build)
#   BENCH_RESULTS_DIR  where raw results go (default: build/bench-results)
#   BENCH_KEEP=1       keep the temporary data directory
# Flags: --check: the pipeline self-test (make test): writes the report into the results
# directory, not docs/, and fails when a stage produced nothing. Nothing here asserts a time.
set -euo pipefail
# The whole script is one function, parsed before it runs: editing this file during a long run
# cannot change the run.
main() {
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-$ROOT/build}
BIN=$BUILD/bin
RESULTS=${BENCH_RESULTS_DIR:-$BUILD/bench-results}
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1
SCALE=${BENCH_SCALE:-default}
case "$SCALE" in
  tiny) ENTITIES=2000 CLAIMS=10000 ;;
  small) ENTITIES=100000 CLAIMS=500000 ;;
  medium) ENTITIES=300000 CLAIMS=1500000 ;;
  default) ENTITIES=1000000 CLAIMS=5000000 ;;
  *x*) ENTITIES=${SCALE%x*} CLAIMS=${SCALE#*x} ;;
  *) echo "bench: BENCH_SCALE must be tiny, small, medium, default or ENTITIESxCLAIMS" >&2; exit 2 ;;
esac
DURATION=${BENCH_DURATION_S:-10}
[ "$SCALE" = tiny ] && DURATION=${BENCH_DURATION_S:-1}
WARMUP=1
[ "$SCALE" = tiny ] && WARMUP=0.2

log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }
PHASE_TIMEOUT=${BENCH_PHASE_TIMEOUT_S:-7200}
STREAM_CLAIMS=${BENCH_STREAM_CLAIMS:-200000}
# bounded SECONDS NAME COMMAND...: runs COMMAND, failing the run when it takes longer.
bounded() {
  local seconds=$1 name=$2 status=0
  shift 2
  timeout --kill-after=10 "$seconds" "$@" || status=$?
  if [ $status = 124 ] || [ $status = 137 ]; then
    echo "bench: $name took longer than $seconds s: stopped (BENCH_PHASE_TIMEOUT_S)" >&2
    exit 1
  fi
  return $status
}

for tool in claimgraphd load_generator pg_bench storage_bench; do
  [ -x "$BIN/$tool" ] || { echo "bench: $BIN/$tool is missing: build with 'ninja -C $BUILD bench_tools'" >&2; exit 1; }
done
# PostgreSQL 15 and gnuplot come from Debian; install-deps.sh installs what is missing.
PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/initdb" ] || ! command -v gnuplot >/dev/null; then
  bash "$ROOT/scripts/install-deps.sh"
fi

WORK=$(mktemp -d /tmp/claimgraph-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=""
PG_DATA="$WORK/pgdata"
PG_RUNNING=0
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$PG_RUNNING" = 1 ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT INT TERM

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
RAW=$RESULTS/results.jsonl
META=$RESULTS/meta.env
: > "$RAW"
: > "$META"
meta() { printf '%s=%s\n' "$1" "$2" >> "$META"; }
meta scale "$SCALE"
meta entities "$ENTITIES"
meta claims "$CLAIMS"
meta duration_s "$DURATION"
meta command "BENCH_SCALE=$SCALE${BENCH_DURATION_S:+ BENCH_DURATION_S=$BENCH_DURATION_S}${BENCH_GENERATOR:+ BENCH_GENERATOR=$BENCH_GENERATOR} make bench"
meta started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# Milliseconds since the epoch, for stage timings.
now_ms() { date +%s%3N; }

# --- 1. Data --------------------------------------------------------------------------------
DATA=$WORK/claims.ndjson
t0=$(now_ms)
# The project generator (retractions, refuting claims, relays, lifecycle events, statements named
# by id) unless BENCH_GENERATOR=powerlaw asks for the plain power-law graph.
if [ "${BENCH_GENERATOR:-auto}" != powerlaw ] && [ -x "$BIN/generate_claims" ]; then
  log "generating $ENTITIES entities / $CLAIMS claims with generate_claims"
  bounded "$PHASE_TIMEOUT" "generation" "$BIN/generate_claims" --entities "$ENTITIES" \
    --claims "$CLAIMS" --seed 1 --schema "$ROOT/schema/default.textproto" --output "$DATA"
  meta generator generate_claims
else
  log "generating $ENTITIES entities / $CLAIMS claims with bench/powerlaw_claims.py"
  bounded "$PHASE_TIMEOUT" "generation" /usr/bin/python3 "$ROOT/bench/powerlaw_claims.py" \
    --entities "$ENTITIES" --claims "$CLAIMS" --seed 1 > "$DATA"
  meta generator powerlaw_claims.py
fi
meta generate_seconds "$(( ($(now_ms) - t0) ))e-3"
log "preparing PostgreSQL files, fixtures and targets"
bounded "$PHASE_TIMEOUT" "data preparation" \
  /usr/bin/python3 "$ROOT/bench/prepare_data.py" --input "$DATA" --out-dir "$WORK" --seed 42 \
  --point-reads $([ "$SCALE" = tiny ] && echo 500 || echo 10000) \
  --starts $([ "$SCALE" = tiny ] && echo 50 || echo 200) --pairs $([ "$SCALE" = tiny ] && echo 50 || echo 200)
cp "$WORK/counts.json" "$RESULTS/counts.json"
RECORDS=$(( $(wc -l < "$DATA") + $(wc -l < "$WORK/fixtures.ndjson") ))
meta records "$RECORDS"
meta data_bytes "$(( $(stat -c %s "$DATA") + $(stat -c %s "$WORK/fixtures.ndjson") ))"
TARGETS=$WORK/targets

# --- 2. claimgraph: import, compact, storage limits, workloads ------------------------------
# start_server LOGNAME [--data-dir DIR] [claimgraphd flags...]: sets SERVER_PID and PORT. Waits
# at most START_TIMEOUT seconds (default: the phase bound) for the server to listen; returns 124
# when it did not (the server is still running: the caller decides).
start_server() {
  local name=$1; shift
  local dir=$WORK/cgdb
  if [ "${1:-}" = --data-dir ]; then dir=$2; shift 2; fi
  "$BIN/claimgraphd" --listen 127.0.0.1:0 --data-dir "$dir" --log-level warn --allow-unauthenticated "$@" \
    > "$WORK/$name.out" 2> "$WORK/$name.err" &
  SERVER_PID=$!
  PORT=""
  local deadline=$(( $(date +%s) + ${START_TIMEOUT:-$PHASE_TIMEOUT} ))
  while [ "$(date +%s)" -lt $deadline ]; do
    PORT=$(sed -n 's/^claimgraphd listening on port \([0-9]*\)$/\1/p' "$WORK/$name.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.err" >&2; echo "bench: claimgraphd exited" >&2; exit 1; }
    sleep 0.1
  done
  return 124
}
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}
proc_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
# Proportional set size: shared pages are split between the processes sharing them.
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# Two ways in, both measured. The bulk load that serves the workloads: the offline loader
# (claimgraphd bulk-load: the importer's validation and staging, sorted files ingested into
# RocksDB, compacted at the end). And the streaming path (claimgraphd --load:
# Database::ApplyRecords in 1000-record batches with synced WAL writes and the provenance scorer,
# the path the Import RPC takes), measured on the file's first BENCH_STREAM_CLAIMS claims (the
# whole file when smaller) into a separate directory, so its rate is reported without an hour of
# loading at the default scale.
cat "$DATA" "$WORK/fixtures.ndjson" > "$WORK/all.ndjson"
log "claimgraph: offline loader (claimgraphd bulk-load), $RECORDS records"
t0=$(now_ms)
status=0
bounded "$PHASE_TIMEOUT" "claimgraphd bulk-load" \
  /usr/bin/time -f 'peak_rss_kb=%M user_s=%U sys_s=%S' -o "$WORK/offline.time" \
  "$BIN/claimgraphd" bulk-load --data-dir "$WORK/cgdb" --file "$WORK/all.ndjson" \
  --schema "$ROOT/schema/default.textproto" > "$WORK/offline.out" 2> "$WORK/offline.err" || status=$?
if [ $status != 0 ] && [ $status != 65 ]; then  # 65: some records were rejected (recorded below)
  cat "$WORK/offline.err" >&2; echo "bench: claimgraphd bulk-load failed ($status)" >&2; exit 1
fi
meta cg_offline_method "claimgraphd bulk-load (offline loader: sorted files ingested, then compacted)"
meta cg_offline_load_and_compact_seconds "$(( $(now_ms) - t0 ))e-3"
meta cg_offline_rejected "$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("rejectedTotal", 0))' < "$WORK/offline.out")"
meta cg_offline_peak_rss_kb "$(sed -n 's/^peak_rss_kb=\([0-9]*\).*/\1/p' "$WORK/offline.time")"
# CPU time (user + system): the figure a busy shared machine does not dilute.
meta cg_offline_cpu_seconds "$(awk '/^peak_rss_kb=/ { split($2, u, "="); split($3, s, "="); print u[2] + s[2] }' "$WORK/offline.time")"
grep -m3 -i 'reject' "$WORK/offline.err" >&2 || true

if [ "${BENCH_SKIP_STREAMING:-0}" != 1 ]; then
  if [ "$STREAM_CLAIMS" -gt 0 ]; then
    # The file's records up to its STREAM_CLAIMS-th claim: a self-contained prefix (every record
    # refers only to records before it).
    awk -v n="$STREAM_CLAIMS" '{ print } /^\{"claim":/ { if (++c >= n) exit }' "$DATA" > "$WORK/stream.ndjson"
  else
    cp "$WORK/all.ndjson" "$WORK/stream.ndjson"
  fi
  STREAM_RECORDS=$(wc -l < "$WORK/stream.ndjson")
  STREAM_CLAIM_COUNT=$(grep -c '^{"claim":' "$WORK/stream.ndjson" || true)
  log "claimgraph: streaming path, $STREAM_RECORDS records / $STREAM_CLAIM_COUNT claims (claimgraphd --load, default WAL sync)"
  meta cg_import_method "claimgraphd --load (Database::ApplyRecords, 1000 records per batch, WAL synced, provenance scorer on)"
  meta cg_import_records "$STREAM_RECORDS"
  meta cg_import_claims "$STREAM_CLAIM_COUNT"
  t0=$(now_ms)
  status=0
  START_TIMEOUT=$PHASE_TIMEOUT start_server import --data-dir "$WORK/cgdb-stream" \
    --load "$WORK/stream.ndjson" || status=$?
  if [ $status = 0 ]; then
    meta cg_import_seconds "$(( $(now_ms) - t0 ))e-3"
    meta cg_import_peak_rss_kb "$(proc_kb "$SERVER_PID" VmHWM)"
  else
    log "claimgraph: streaming sample did not finish within $PHASE_TIMEOUT s: stopped"
    meta cg_import_timed_out_after_seconds "$PHASE_TIMEOUT"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if grep -q 'record rejected' "$WORK/import.err"; then
    meta cg_import_rejected "$(grep -c 'record rejected' "$WORK/import.err")"
    grep -m3 'record rejected' "$WORK/import.err" >&2 || true
  fi
  if kill -0 "$SERVER_PID" 2>/dev/null; then stop_server; else wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
  meta cg_stream_disk_bytes_uncompacted "$(du -sb "$WORK/cgdb-stream" | cut -f1)"
  rm -rf "$WORK/cgdb-stream" "$WORK/stream.ndjson"
fi
meta cg_disk_bytes "$(du -sb "$WORK/cgdb" | cut -f1)"
meta cg_sst_bytes "$(find "$WORK/cgdb" -name '*.sst' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
# PostgreSQL has no provenance scorer: it gets the fused score claimgraph stored on each edge (if
# any), and the check of claimgraph's edge counts against the independent model.
log "claimgraph: edge aggregates for PostgreSQL's edges table"
bounded "$PHASE_TIMEOUT" "edge dump" "$BIN/storage_bench" edges --db "$WORK/cgdb" --out "$WORK/edges.dump"
bounded "$PHASE_TIMEOUT" "edge scores" /usr/bin/python3 "$ROOT/bench/prepare_data.py" \
  --edge-scores "$WORK/edges.dump" --out-dir "$WORK"
cp "$WORK/edge_check.json" "$RESULTS/edge_check.json"
rm -f "$WORK/edges.dump"

SOAK=${BENCH_SOAK:-0}
if [ "$SOAK" != 1 ]; then
log "storage limits: raw RocksDB writes of the same key-value pairs"
bounded "$PHASE_TIMEOUT" "raw RocksDB rewrite" \
  "$BIN/storage_bench" rewrite --db "$WORK/cgdb" --to "$WORK/rewrite" --out "$RAW"
rm -rf "$WORK/rewrite"
log "storage limits: raw RocksDB reads, scans, BFS; in-memory CSR"
bounded "$PHASE_TIMEOUT" "raw RocksDB measurements" \
  "$BIN/storage_bench" measure --db "$WORK/cgdb" --entities "$TARGETS/entities.txt" \
  --starts "$TARGETS/starts.txt" --pairs "$TARGETS/pairs.txt" --duration-s "$DURATION" --out "$RAW"
fi

# Traversal limits far above what any answer here needs (the server's maxima and each request's),
# so every answer is complete; a cut answer is reported as truncated, never compared.
TRAVERSAL_MAX=100000000
start_server serve --max-traversal-results $TRAVERSAL_MAX --max-traversal-fanout $TRAVERSAL_MAX ||
  { echo "bench: claimgraphd did not start within $PHASE_TIMEOUT s" >&2; exit 1; }
meta cg_rss_idle_kb "$(proc_kb "$SERVER_PID" VmRSS)"
# Each run: warm-up and duration per concurrency level, plus the last calls' deadline (30 s).
# The self-test compares every input's answer: each run covers all its targets at least once.
COVER=""
[ $CHECK = 1 ] && COVER=--cover-targets
WORKLOAD_TIMEOUT=$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { printf "%d", 3 * (d + w) + 120 }')
cg_run() {  # cg_run WORKLOAD TARGETS CONCURRENCY
  local status=0
  bounded "$WORKLOAD_TIMEOUT" "load_generator $1" \
    "$BIN/load_generator" --target "127.0.0.1:$PORT" --workload "$1" --targets "$2" \
    --concurrency "$3" --duration-s "$DURATION" --warmup-s "$WARMUP" --server-pid "$SERVER_PID" \
    --max-results $TRAVERSAL_MAX --max-fanout $TRAVERSAL_MAX --out "$RAW" $COVER || status=$?
  if [ $status = 3 ]; then
    printf '{"system":"claimgraph","workload":"%s","unsupported":true}\n' "$1" >> "$RAW"
  elif [ $status != 0 ]; then
    echo "bench: load_generator $1 failed ($status)" >&2; exit 1
  fi
}
if [ "$SOAK" != 1 ]; then
log "claimgraph: workloads on 127.0.0.1:$PORT"
cg_run noop "$TARGETS/entities.txt" 1,8,32
cg_run get_entity "$TARGETS/entities.txt" 1,8,32
cg_run hop1 "$TARGETS/starts.txt" 1
cg_run hop2 "$TARGETS/starts.txt" 1
cg_run hop3 "$TARGETS/starts.txt" 1
cg_run path "$TARGETS/pairs.txt" 1
cg_run trace "$TARGETS/trace.txt" 1
cg_run corroborate "$TARGETS/corroborate.txt" 1
meta cg_rss_kb "$(proc_kb "$SERVER_PID" VmRSS)"
meta cg_peak_rss_kb "$(proc_kb "$SERVER_PID" VmHWM)"
else
  SOAK_S=${BENCH_SOAK_S:-600}
  log "soak: ${SOAK_S}s at ${BENCH_SOAK_RATE:-400} calls/s, 10% writes"
  "$BIN/load_generator" --target "127.0.0.1:$PORT" --soak --rate "${BENCH_SOAK_RATE:-400}" \
    --duration-s "$SOAK_S" --window-s "$([ "$SOAK_S" -ge 120 ] && echo 30 || echo 5)" \
    --write-fraction 0.1 --targets "$TARGETS/entities.txt" \
    --write-targets "$TARGETS/corroborate.txt" --server-pid "$SERVER_PID" \
    --timeline "$RESULTS/soak.jsonl" $([ "${BENCH_SOAK_HOT:-0}" = 1 ] && echo --hot-statements)
  meta soak_seconds "$SOAK_S"
  meta soak_rate "${BENCH_SOAK_RATE:-400}"
  if [ "${BENCH_SOAK_HOT:-0}" = 1 ]; then
    meta soak_writes "CreateClaim adding a claim to one of 20 statements (hot statements)"
  else
    meta soak_writes "CreateClaim of a claim about a new statement"
  fi
  meta command "BENCH_SCALE=$SCALE make soak"
  stop_server
  meta nproc "$(nproc)"
  meta cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  meta load_average "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ $CHECK = 1 ]; then
    /usr/bin/python3 "$ROOT/bench/report.py" --soak --results "$RESULTS" --out-dir "$RESULTS" --check
  else
    /usr/bin/python3 "$ROOT/bench/report.py" --soak --results "$RESULTS" --out-dir "$ROOT/docs"
  fi
  log "done: soak results in $RESULTS"
  exit 0
fi
stop_server

# --- 3. PostgreSQL 15: own cluster on 127.0.0.1, COPY, indexes, the same workloads ----------
log "postgresql: initdb in $PG_DATA"
mkdir -p "$PG_DATA" "$WORK/pgsock"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PG_DATA" "$WORK/pgsock"; fi
chmod 700 "$PG_DATA"
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
PG_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The same cache budget as claimgraph's block cache (256 MiB); everything else is the default,
# durable configuration (fsync on, synchronous_commit on).
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$WORK/pgsock/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$WORK/pgsock -c shared_buffers=256MB -c max_connections=100" \
  start >/dev/null
PG_RUNNING=1
# A plain command (no shell function), so `timeout` can run it too.
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
if [ "$(id -u)" = 0 ]; then PSQL=(runuser -u postgres -- "${PSQL[@]}"); fi
"${PSQL[@]}" -d postgres -c "CREATE DATABASE bench" >/dev/null
log "postgresql: COPY and index build"
t0=$(now_ms)
sed "s|@DIR@|$WORK/pg|g" "$ROOT/bench/pg_schema.sql" > "$WORK/pg_load.sql"
bounded "$PHASE_TIMEOUT" "PostgreSQL load" "${PSQL[@]}" -d bench -f "$WORK/pg_load.sql" >/dev/null
meta pg_load_seconds "$(( $(now_ms) - t0 ))e-3"
meta pg_disk_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_table_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_table_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_index_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_indexes_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_rows "$("${PSQL[@]}" -d bench -At -c "SELECT (SELECT count(*) FROM entities) + (SELECT count(*) FROM sources) + (SELECT count(*) FROM statements) + (SELECT count(*) FROM claims) + (SELECT count(*) FROM lifecycle_events) + (SELECT count(*) FROM edges)")"

CONNINFO="host=127.0.0.1 port=$PG_PORT dbname=bench user=postgres"
pg_run() {  # pg_run WORKLOAD TARGETS CONCURRENCY
  bounded "$WORKLOAD_TIMEOUT" "pg_bench $1" \
    "$BIN/pg_bench" --conninfo "$CONNINFO" --workload "$1" --targets "$2" --concurrency "$3" \
    --duration-s "$DURATION" --warmup-s "$WARMUP" --statement-timeout-ms 10000 \
    --postmaster-pid "$(head -1 "$PG_DATA/postmaster.pid")" --out "$RAW" $COVER
}
log "postgresql: workloads"
pg_run get_entity "$TARGETS/entities.txt" 1,8,32
pg_run hop1 "$TARGETS/starts.txt" 1
pg_run hop2 "$TARGETS/starts.txt" 1
pg_run hop3 "$TARGETS/starts.txt" 1
pg_run path "$TARGETS/pairs.txt" 1
pg_run trace "$TARGETS/trace.txt" 1
pg_run corroborate "$TARGETS/corroborate.txt" 1
pg_pss=0
postmaster=$(head -1 "$PG_DATA/postmaster.pid")
for pid in "$postmaster" $(pgrep -P "$postmaster" || true); do
  [ -r "/proc/$pid/smaps_rollup" ] && pg_pss=$(( pg_pss + $(pss_kb "$pid") ))
done
meta pg_pss_kb "$pg_pss"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
PG_RUNNING=0

# --- 4. Machine and report ------------------------------------------------------------------
meta nproc "$(nproc)"
meta cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
meta memory_gib "$(free -g | awk '/^Mem:/ { print $2 }')"
meta load_average "$(cut -d' ' -f1-3 /proc/loadavg)"
meta rocksdb_version "$(dpkg-query -W -f='${Version}' librocksdb-dev 2>/dev/null || echo unknown)"
meta grpc_version "$(dpkg-query -W -f='${Version}' libgrpc++-dev 2>/dev/null || echo unknown)"
meta postgresql_version "$("$PG_BIN/postgres" --version)"
meta finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [ $CHECK = 1 ]; then
  /usr/bin/python3 "$ROOT/bench/report.py" --results "$RESULTS" --out-dir "$RESULTS" --check
else
  /usr/bin/python3 "$ROOT/bench/report.py" --results "$RESULTS" --out-dir "$ROOT/docs"
fi
log "done: results in $RESULTS"
}
main "$@"; exit $?
