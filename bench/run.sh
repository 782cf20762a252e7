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
#   BENCH_PASSES       passes over the trace and corroborate targets (default 3; tiny: 2): the
#                      first after a restart is reported cold, the others warm
#   BENCH_DROP_CACHES  1 (default; 0 under --check): drop the OS page cache before each cold
#                      pass, where the machine lets the run (/proc/sys/vm/drop_caches)
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

for tool in claimgraphd claimgraph noop_server load_generator pg_bench storage_bench; do
  [ -x "$BIN/$tool" ] || { echo "bench: $BIN/$tool is missing: build with 'ninja -C $BUILD bench_tools'" >&2; exit 1; }
done
# PostgreSQL 15 and gnuplot come from Debian, Kùzu from npm (bench/kuzu); install-deps.sh
# installs what is missing.
PG_BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/initdb" ] || ! command -v gnuplot >/dev/null ||
  ! (cd "$ROOT/bench/kuzu" && node -e 'require("kuzu")') >/dev/null 2>&1; then
  bash "$ROOT/scripts/install-deps.sh"
fi

WORK=$(mktemp -d /tmp/claimgraph-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=""
PG_DATA="$WORK/pgdata"
PG_RUNNING=0
AS_POSTGRES=()
[ "$(id -u)" = 0 ] && AS_POSTGRES=(runuser -u postgres --)
as_postgres() { "${AS_POSTGRES[@]}" "$@"; }
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${NOOP_PID:-}" ] && kill -0 "$NOOP_PID" 2>/dev/null; then kill -TERM "$NOOP_PID" || true; fi
  if [ "$PG_RUNNING" = 1 ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  if [ -n "${MEMCG_ROOT:-}" ]; then
    find "$MEMCG_ROOT" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$MEMCG_ROOT" 2>/dev/null || true
  fi
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

# Memory measured the same way for both servers: each provenance run's server (claimgraphd;
# PostgreSQL's postmaster and every backend) starts in a memory cgroup of its own, right after
# the page cache was dropped, and the cgroup's charge is read when its passes end: anonymous
# memory, shared memory (PostgreSQL's shared_buffers) and the page cache its own reads brought
# in. The cgroup v1 memory controller or cgroup v2, wherever the run may create a child of its
# own cgroup; otherwise "not measured" (the RSS / PSS figures remain).
MEMCG_ROOT="" MEMCG_KIND=""
if rel=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup) && [ -n "$rel" ] &&
  mkdir -p "/sys/fs/cgroup/memory$rel/claimgraph-bench-$$" 2>/dev/null; then
  MEMCG_ROOT=/sys/fs/cgroup/memory$rel/claimgraph-bench-$$ MEMCG_KIND=v1
elif rel=$(sed -n 's/^0:://p' /proc/self/cgroup) && [ -f /sys/fs/cgroup/cgroup.controllers ] &&
  mkdir -p "/sys/fs/cgroup$rel/claimgraph-bench-$$" 2>/dev/null &&
  { echo +memory > "/sys/fs/cgroup$rel/claimgraph-bench-$$/cgroup.subtree_control"; } 2>/dev/null; then
  MEMCG_ROOT=/sys/fs/cgroup$rel/claimgraph-bench-$$ MEMCG_KIND=v2
fi
meta memory_cgroup "${MEMCG_KIND:-none}"
# memcg_new NAME: a fresh cgroup for one server run; prints its path (nothing without cgroups).
memcg_new() {
  [ -n "$MEMCG_ROOT" ] || return 0
  mkdir "$MEMCG_ROOT/$1" 2>/dev/null && echo "$MEMCG_ROOT/$1"
  return 0
}
# "${IN_MEMCG[@]}" DIR COMMAND...: runs COMMAND inside cgroup DIR (where it is when DIR is
# empty). A plain command that execs, not a function, so `COMMAND &` leaves $! naming COMMAND.
IN_MEMCG=(sh -c 'if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs"; fi; shift; exec "$@"' sh)
# memcg_record PREFIX DIR: the cgroup's charge now, its peak and their split, as meta entries.
memcg_record() {
  local prefix=$1 dir=$2
  [ -n "$dir" ] || return 0
  if [ "$MEMCG_KIND" = v1 ]; then
    meta "${prefix}_bytes" "$(cat "$dir/memory.usage_in_bytes")"
    meta "${prefix}_peak_bytes" "$(cat "$dir/memory.max_usage_in_bytes")"
    meta "${prefix}_anon_bytes" "$(awk '$1 == "total_rss" { print $2 }' "$dir/memory.stat")"
    meta "${prefix}_file_bytes" "$(awk '$1 == "total_cache" { print $2 }' "$dir/memory.stat")"
  else
    meta "${prefix}_bytes" "$(cat "$dir/memory.current")"
    [ -r "$dir/memory.peak" ] && meta "${prefix}_peak_bytes" "$(cat "$dir/memory.peak")"
    meta "${prefix}_anon_bytes" "$(awk '$1 == "anon" { print $2 }' "$dir/memory.stat")"
    meta "${prefix}_file_bytes" "$(awk '$1 == "file" || $1 == "shmem" { s += $2 } END { print s }' "$dir/memory.stat")"
  fi
}

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
# Distinct trace targets and corroboration statements, drawn to cover the origin cases.
PROVENANCE_TARGETS=1000
[ "$SCALE" = tiny ] && PROVENANCE_TARGETS=200
PASSES=${BENCH_PASSES:-3}
[ "$SCALE" = tiny ] && PASSES=${BENCH_PASSES:-2}
meta provenance_targets "$PROVENANCE_TARGETS"
meta provenance_passes "$PASSES"
log "preparing PostgreSQL files, fixtures and targets"
t0=$(now_ms)
bounded "$PHASE_TIMEOUT" "data preparation" \
  /usr/bin/python3 "$ROOT/bench/prepare_data.py" --input "$DATA" --out-dir "$WORK" --seed 42 \
  --point-reads $([ "$SCALE" = tiny ] && echo 500 || echo 10000) \
  --starts $([ "$SCALE" = tiny ] && echo 50 || echo 200) --pairs $([ "$SCALE" = tiny ] && echo 50 || echo 200) \
  --trace-targets "$PROVENANCE_TARGETS" --corroborate-targets "$PROVENANCE_TARGETS"
# PostgreSQL's preprocessing (JSON parsing, id resolution, statement de-duplication, the latest
# version of each source; the same pass also writes the fixtures and draws the targets): part of
# its load time.
meta pg_prepare_seconds "$(( $(now_ms) - t0 ))e-3"
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
  "${IN_MEMCG[@]}" "${SERVER_MEMCG:-}" "$BIN/claimgraphd" --listen 127.0.0.1:0 --data-dir "$dir" --log-level warn --allow-unauthenticated "$@" \
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
# claimgraph's edge aggregates and stored scores, checked after PostgreSQL's load against the
# independent model and the scores PostgreSQL computes.
log "claimgraph: edge aggregates"
bounded "$PHASE_TIMEOUT" "edge dump" "$BIN/storage_bench" edges --db "$WORK/cgdb" --out "$WORK/edges.dump"

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
ANSWERS=$RESULTS/answers.jsonl
: > "$ANSWERS"
DROP_CACHES=${BENCH_DROP_CACHES:-$([ $CHECK = 1 ] && echo 0 || echo 1)}
# Before a cold pass: written data on disk, then the OS page cache dropped when allowed.
drop_page_cache() {
  sync
  if [ "$DROP_CACHES" = 1 ] && { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
    meta page_cache_dropped_before_cold_passes 1
  else
    meta page_cache_dropped_before_cold_passes 0
  fi
}
# The provenance passes are bounded by count, and in time by this (a generous bound).
PASSES_TIMEOUT=${BENCH_PASSES_TIMEOUT_S:-1800}
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
# The framework baseline in the same minutes: the same no-op call against a bare gRPC server on
# the same library (bench/noop_server.cc: one minimal Health/Check service).
"$BIN/noop_server" > "$WORK/noop_server.out" 2> "$WORK/noop_server.err" &
NOOP_PID=$!
NOOP_PORT=""
for _ in $(seq 100); do
  NOOP_PORT=$(sed -n 's/^noop_server listening on port \([0-9]*\)$/\1/p' "$WORK/noop_server.out")
  [ -n "$NOOP_PORT" ] && break
  sleep 0.1
done
[ -n "$NOOP_PORT" ] || { cat "$WORK/noop_server.err" >&2; echo "bench: noop_server did not start" >&2; exit 1; }
bounded "$WORKLOAD_TIMEOUT" "load_generator bare noop" \
  "$BIN/load_generator" --target "127.0.0.1:$NOOP_PORT" --workload noop --system grpc-bare \
  --targets "$TARGETS/entities.txt" --concurrency 1,8,32 --duration-s "$DURATION" \
  --warmup-s "$WARMUP" --server-pid "$NOOP_PID" --out "$RAW"
kill -TERM "$NOOP_PID"
wait "$NOOP_PID" || true
cg_run get_entity "$TARGETS/entities.txt" 1,8,32
cg_run batch_get "$TARGETS/batches.txt" 1,8
cg_run hop1 "$TARGETS/starts.txt" 1
cg_run hop2 "$TARGETS/starts.txt" 1
cg_run hop3 "$TARGETS/starts.txt" 1
cg_run path "$TARGETS/pairs.txt" 1
meta cg_rss_kb "$(proc_kb "$SERVER_PID" VmRSS)"
meta cg_peak_rss_kb "$(proc_kb "$SERVER_PID" VmHWM)"
# Provenance: every target PASSES times in order, the first pass right after a restart (cold).
cg_passes() {  # cg_passes WORKLOAD TARGETS
  stop_server
  drop_page_cache
  local memcg
  memcg=$(memcg_new "claimgraph-$1")
  SERVER_MEMCG=$memcg start_server "serve-$1" --max-traversal-results $TRAVERSAL_MAX \
    --max-traversal-fanout $TRAVERSAL_MAX ||
    { echo "bench: claimgraphd did not start within $PHASE_TIMEOUT s" >&2; exit 1; }
  bounded "$PASSES_TIMEOUT" "load_generator $1" \
    "$BIN/load_generator" --target "127.0.0.1:$PORT" --workload "$1" --targets "$2" \
    --concurrency 1 --passes "$PASSES" --server-pid "$SERVER_PID" --out "$RAW" --answers "$ANSWERS"
  memcg_record "cg_memcg_$1" "$memcg"
}
cg_passes trace "$TARGETS/trace.txt"
cg_passes corroborate "$TARGETS/corroborate.txt"
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
# Two loads of the same files, each timed from the files to a database that answers the
# workloads (tables, indexes, the fused scores PostgreSQL computes itself, the edges table,
# VACUUM ANALYZE), each plus the preprocessing above: "tuned" (a bulk load: wal_level = minimal,
# maintenance_work_mem = 1GB, tables created and filled with COPY FREEZE in one transaction,
# indexes after) in a cluster of its own, removed after; then "default" (the default durable
# configuration, fsync and synchronous_commit on), the cluster the workloads run on. Both have
# the same cache budget as claimgraph's block cache (shared_buffers = 256MB).
PG_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PG_OPTIONS="-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$WORK/pgsock -c shared_buffers=256MB -c max_connections=100"
PG_TUNED_OPTIONS="-c wal_level=minimal -c max_wal_senders=0 -c maintenance_work_mem=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min"
# A plain command (no shell function), so `timeout` can run it too.
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
if [ "$(id -u)" = 0 ]; then PSQL=(runuser -u postgres -- "${PSQL[@]}"); fi
CONNINFO="host=127.0.0.1 port=$PG_PORT dbname=bench user=postgres"
mkdir -p "$WORK/pgsock"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$WORK/pgsock"; fi
pg_load() {  # pg_load CONFIG (default | tuned): initdb into $PG_DATA, start, load, time it
  local config=$1 options=$PG_OPTIONS freeze="" t0
  [ "$config" = tuned ] && options="$PG_OPTIONS $PG_TUNED_OPTIONS" freeze=" WITH (FREEZE)"
  log "postgresql ($config): initdb in $PG_DATA"
  mkdir -p "$PG_DATA"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PG_DATA"; fi
  chmod 700 "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$WORK/pgsock/pg.log" -o "$options" start >/dev/null
  PG_RUNNING=1
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE bench" >/dev/null
  sed "s|@DIR@|$WORK/pg|g; s|@FREEZE@|$freeze|g" "$ROOT/bench/pg_schema.sql" > "$WORK/pg_load.sql"
  if [ "$config" = tuned ]; then
    { echo "BEGIN;"; cat "$WORK/pg_load.sql"; echo "COMMIT;"; } > "$WORK/pg_load_tx.sql"
    mv "$WORK/pg_load_tx.sql" "$WORK/pg_load.sql"
  fi
  log "postgresql ($config): COPY, indexes, fused scores, edges"
  t0=$(now_ms)
  bounded "$PHASE_TIMEOUT" "PostgreSQL load ($config)" "${PSQL[@]}" -d bench -f "$WORK/pg_load.sql" >/dev/null
  meta "pg_${config}_copy_and_index_seconds" "$(( $(now_ms) - t0 ))e-3"
  local t1=$(now_ms)
  bounded "$PHASE_TIMEOUT" "PostgreSQL scores ($config)" "$BIN/pg_bench" --conninfo "$CONNINFO" \
    --score-statements $([ "$config" = tuned ] && echo --freeze)
  meta "pg_${config}_score_seconds" "$(( $(now_ms) - t1 ))e-3"
  bounded "$PHASE_TIMEOUT" "PostgreSQL edges ($config)" "${PSQL[@]}" -d bench -f "$ROOT/bench/pg_edges.sql" >/dev/null
  meta "pg_${config}_load_seconds" "$(( $(now_ms) - t0 ))e-3"
}
pg_stop() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  PG_RUNNING=0
}
PG_DATA="$WORK/pgdata-tuned"
pg_load tuned
pg_stop
rm -rf "$PG_DATA"
PG_DATA="$WORK/pgdata"
pg_load default
"${PSQL[@]}" -d bench -At -c "COPY edge_scores TO STDOUT" > "$WORK/pg_scores.tsv"
bounded "$PHASE_TIMEOUT" "edge check" /usr/bin/python3 "$ROOT/bench/prepare_data.py" \
  --edge-check "$WORK/edges.dump" --pg-scores "$WORK/pg_scores.tsv" --out-dir "$WORK"
cp "$WORK/edge_check.json" "$RESULTS/edge_check.json"
rm -f "$WORK/edges.dump" "$WORK/pg_scores.tsv"
meta pg_disk_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_table_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_table_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_index_bytes "$("${PSQL[@]}" -d bench -At -c "SELECT sum(pg_indexes_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")"
meta pg_rows "$("${PSQL[@]}" -d bench -At -c "SELECT (SELECT count(*) FROM entities) + (SELECT count(*) FROM sources) + (SELECT count(*) FROM statements) + (SELECT count(*) FROM claims) + (SELECT count(*) FROM lifecycle_events) + (SELECT count(*) FROM assessments) + (SELECT count(*) FROM edges)")"


pg_run() {  # pg_run WORKLOAD TARGETS CONCURRENCY
  bounded "$WORKLOAD_TIMEOUT" "pg_bench $1" \
    "$BIN/pg_bench" --conninfo "$CONNINFO" --workload "$1" --targets "$2" --concurrency "$3" \
    --duration-s "$DURATION" --warmup-s "$WARMUP" --statement-timeout-ms 10000 \
    --postmaster-pid "$(head -1 "$PG_DATA/postmaster.pid")" --out "$RAW" $COVER
}
log "postgresql: workloads"
pg_run get_entity "$TARGETS/entities.txt" 1,8,32
pg_run batch_get "$TARGETS/batches.txt" 1,8
pg_run hop1 "$TARGETS/starts.txt" 1
pg_run hop2 "$TARGETS/starts.txt" 1
pg_run hop3 "$TARGETS/starts.txt" 1
pg_run path "$TARGETS/pairs.txt" 1
# The graph database peer: Kùzu loads PostgreSQL's walkable graph (entities, and each edge with
# an active supporting claim with the confidence PostgreSQL computed) with COPY FROM and answers
# the same graph workloads in Cypher (bench/kuzu/kuzu_bench.mjs; only query time is measured).
"${PSQL[@]}" -d bench -At -c "COPY (SELECT ext_id FROM entities ORDER BY id) TO STDOUT WITH (FORMAT csv)" > "$WORK/kuzu-nodes.csv"
"${PSQL[@]}" -d bench -At -c "COPY (SELECT s.ext_id, d.ext_id, e.confidence FROM edges e JOIN entities s ON s.id = e.src JOIN entities d ON d.id = e.dst WHERE e.supporting > 0) TO STDOUT WITH (FORMAT csv)" > "$WORK/kuzu-edges.csv"
chmod 644 "$WORK"/kuzu-*.csv
log "kuzu: COPY FROM and the graph workloads"
bounded "$PHASE_TIMEOUT" "kuzu" node "$ROOT/bench/kuzu/kuzu_bench.mjs" --nodes "$WORK/kuzu-nodes.csv" \
  --edges "$WORK/kuzu-edges.csv" --db "$WORK/kuzu-db" --targets-dir "$TARGETS" \
  --duration-s "$DURATION" --warmup-s "$WARMUP" --out "$RAW" $COVER
rm -rf "$WORK/kuzu-db" "$WORK"/kuzu-*.csv
pg_passes() {  # pg_passes WORKLOAD TARGETS: as cg_passes, after a restart of PostgreSQL
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  drop_page_cache
  local memcg
  memcg=$(memcg_new "postgresql-$1")
  "${IN_MEMCG[@]}" "$memcg" "${AS_POSTGRES[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$WORK/pgsock/pg.log" \
    -o "$PG_OPTIONS" start >/dev/null
  bounded "$PASSES_TIMEOUT" "pg_bench $1" \
    "$BIN/pg_bench" --conninfo "$CONNINFO" --workload "$1" --targets "$2" --concurrency 1 \
    --passes "$PASSES" --statement-timeout-ms 10000 \
    --postmaster-pid "$(head -1 "$PG_DATA/postmaster.pid")" --out "$RAW" --answers "$ANSWERS"
  memcg_record "pg_memcg_$1" "$memcg"
}
pg_passes trace "$TARGETS/trace.txt"
pg_passes corroborate "$TARGETS/corroborate.txt"

# --- Streaming writers, both systems in the same minutes: the file's first WRITER_CLAIMS claims
# after every entity and source, by 1, 4 and 16 concurrent writers, each taking a share of the
# statements (a relay stays within its statement). claimgraph: `claimgraph import` streams
# (Import RPC, 1,000 lines per batch, WAL synced) into a fresh server that loaded the entities
# and sources untimed. PostgreSQL: INSERT transactions of 1,000 rows into the loaded claims
# table, indexes in place, synchronous_commit on (pg_bench --insert-claims).
WRITER_CLAIMS=${BENCH_WRITER_CLAIMS:-20000}
[ "$SCALE" = tiny ] && WRITER_CLAIMS=${BENCH_WRITER_CLAIMS:-2000}
if [ "${BENCH_SKIP_STREAMING:-0}" != 1 ]; then
  meta stream_writer_claims "$WRITER_CLAIMS"
  grep -E '^\{"(entity|source)":' "$DATA" > "$WORK/writers-base.ndjson"
  for writers in 1 4 16; do
    /usr/bin/python3 - "$DATA" "$WORK/writers-part" "$writers" "$WRITER_CLAIMS" <<'PY'
import json, sys, zlib
data, prefix, writers, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
parts = [open("%s-%d.ndjson" % (prefix, i), "w") for i in range(writers)]
taken = 0
with open(data) as f:
    for line in f:
        if taken >= wanted:
            break
        if line.startswith('{"claim":'):
            claim = json.loads(line)["claim"]
            key = claim.get("statement_id") or json.dumps(claim.get("statement"), sort_keys=True)
            parts[zlib.crc32(key.encode()) % writers].write(line)
            taken += 1
PY
    START_TIMEOUT=$PHASE_TIMEOUT start_server "writers-$writers" --data-dir "$WORK/cgdb-writers" \
      --load "$WORK/writers-base.ndjson" ||
      { echo "bench: claimgraphd did not load the entities and sources" >&2; exit 1; }
    log "streaming writers: claimgraph, $writers writers, $WRITER_CLAIMS claims"
    t0=$(now_ms)
    pids=()
    for part in $(seq 0 $((writers - 1))); do
      timeout "$PHASE_TIMEOUT" "$BIN/claimgraph" --server "127.0.0.1:$PORT" import --batch-size 1000 \
        "$WORK/writers-part-$part.ndjson" > "$WORK/writers-$part.out" 2>&1 &
      pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
    meta "cg_writers_${writers}_seconds" "$(( $(now_ms) - t0 ))e-3"
    meta "cg_writers_${writers}_failed_streams" "$failed"
    [ $failed = 0 ] || cat "$WORK"/writers-*.out >&2
    stop_server
    rm -rf "$WORK/cgdb-writers" "$WORK"/writers-part-*.ndjson "$WORK"/writers-*.out
    log "streaming writers: PostgreSQL, $writers writers"
    bounded "$PHASE_TIMEOUT" "pg_bench inserts" "$BIN/pg_bench" --conninfo "$CONNINFO" \
      --insert-claims "$WORK/pg/claims.tsv" --writers "$writers" --max-rows "$WRITER_CLAIMS" \
      --id-offset "$((writers * 1000000000000))" --out "$RAW"
  done
  rm -f "$WORK/writers-base.ndjson"
fi
pg_pss=0
postmaster=$(head -1 "$PG_DATA/postmaster.pid")
for pid in "$postmaster" $(pgrep -P "$postmaster" || true); do
  [ -r "/proc/$pid/smaps_rollup" ] && pg_pss=$(( pg_pss + $(pss_kb "$pid") ))
done
meta pg_pss_kb "$pg_pss"
pg_stop

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
