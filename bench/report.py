#!/usr/bin/python3
"""report.py: turns one benchmark run (bench/run.sh) into docs/benchmarks.{json,md} and the plot.

Reads --results (results.jsonl: one line per system/workload/concurrency[/phase]; answers.jsonl:
the whole trace and corroboration answers, canonical (bench/answers.h), compared element by
element; meta.env; counts.json; soak.jsonl when the soak ran) and writes into --out-dir:
  benchmarks.json          every figure, the ratios, the targets and whether each was met;
  benchmarks.md            the generated tables between the "generated" markers (text outside
                           them, the analysis, is kept as it is);
  benchmarks-latency.png   latency percentiles by hop count, every system (gnuplot).
--check (make test): fails when a stage produced no figure or any answer differs; never looks at
a time.
"""
import argparse
import json
import os
import subprocess
import sys

BEGIN = "<!-- generated:begin (bench/report.py) -->"
END = "<!-- generated:end -->"
SYSTEMS = ["claimgraph", "postgresql", "kuzu", "rocksdb", "memory"]
SYSTEM_NAMES = {"claimgraph": "claimgraph (gRPC)", "postgresql": "PostgreSQL 15 (libpq)",
                "rocksdb": "RocksDB prefix-scan (in process)",
                "memory": "in-memory CSR (in process)",
                "kuzu": "Kùzu 0.11.3 (Cypher, embedded, query time only)", "grpc-noop": "no-op gRPC call"}
# (workload, phase, title): the provenance workloads run in passes, the first after a restart.
LATENCY_WORKLOADS = [
    ("get_entity", "", "point read (GetEntity)"),
    ("hop1", "", "1-hop neighbours, confidence >= 0.5"),
    ("hop2", "", "2-hop distinct neighbours"),
    ("hop3", "", "3-hop distinct neighbours"),
    ("path", "", "shortest path <= 4 hops"),
    ("trace", "cold", "provenance trace (whole DAG), first pass after a restart"),
    ("trace", "warm", "provenance trace (whole DAG), later passes"),
    ("corroborate", "cold", "corroboration (origins, fused opinion), first pass after a restart"),
    ("corroborate", "warm", "corroboration (origins, fused opinion), later passes"),
]
BY_VALUE = ("trace", "corroborate")
TOLERANCE = 1e-9


def load(results_dir):
    rows = []
    with open(os.path.join(results_dir, "results.jsonl")) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    meta = {}
    with open(os.path.join(results_dir, "meta.env")) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                meta[key] = value
    with open(os.path.join(results_dir, "counts.json")) as f:
        counts = json.load(f)
    edge_check_path = os.path.join(results_dir, "edge_check.json")
    if os.path.exists(edge_check_path):
        with open(edge_check_path) as f:
            counts["edge_check"] = json.load(f)
    answers = {}  # (system, workload) -> {index: answer}
    answers_path = os.path.join(results_dir, "answers.jsonl")
    if os.path.exists(answers_path):
        with open(answers_path) as f:
            for line in f:
                if line.strip():
                    a = json.loads(line)
                    answers.setdefault((a["system"], a["workload"]), {})[a["index"]] = a["answer"]
    counts["answers"] = answers
    soak = []
    soak_path = os.path.join(results_dir, "soak.jsonl")
    if os.path.exists(soak_path):
        with open(soak_path) as f:
            soak = [json.loads(line) for line in f if line.strip()]
    return rows, meta, counts, soak


def number(meta, key):
    value = meta.get(key)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def find(rows, system, workload, concurrency=1, phase=""):
    for row in rows:
        if row.get("system") == system and row.get("workload") == workload and \
                row.get("concurrency", 1) == concurrency and row.get("phase", "") == phase and \
                not row.get("unsupported"):
            return row
    return None


def differences(a, b, path=""):
    """Where two canonical answers differ: ids exactly, numbers to TOLERANCE."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return [] if abs(a - b) <= TOLERANCE else ["%s: %r != %r" % (path, a, b)]
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append("%s.%s: only in %s" % (path, key, "the first" if key in a else "the second"))
            else:
                out += differences(a[key], b[key], path + "." + key)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s: %d elements != %d (%s)" % (path, len(a), len(b), json.dumps(
                [x for x in a if x not in b][:3] + ["|"] + [x for x in b if x not in a][:3]))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else ["%s: %r != %r" % (path, a, b)]


def by_value(answers, workload, targets):
    """claimgraph's and PostgreSQL's whole answers for every target, element by element."""
    cg = answers.get(("claimgraph", workload))
    pg = answers.get(("postgresql", workload))
    if cg is None or pg is None:
        return None
    first, equal = [], 0
    for index in range(targets):
        if index not in cg or index not in pg:
            found = ["target %d: no answer from %s" % (index, "claimgraph" if index not in cg
                                                       else "PostgreSQL")]
        else:
            found = differences(cg[index], pg[index])
        if found:
            if len(first) < 5:
                first.append("target %d: %s" % (index, "; ".join(found[:3])))
        else:
            equal += 1
    return {"equal": equal, "compared": targets, "by_value": True, "first_differences": first}


def ratio(a, b):
    return None if a in (None, 0) or b in (None, 0) else a / b


def fmt_us(value):
    if value is None:
        return "—"
    if value >= 10000:
        return "%.0f ms" % (value / 1000)
    if value >= 1000:
        return "%.1f ms" % (value / 1000)
    return "%.0f µs" % value


def mean_answer(row):
    """The mean answer size over the inputs a row's run covered; None without answers."""
    answers = row.get("answers") if row else None
    return sum(answers.values()) / len(answers) if answers else None


def agreed(agree):
    """How many answers two systems agree on, of those compared."""
    return "%d / %d%s" % (agree["equal"], agree["compared"],
                          " by value" if agree.get("by_value") else "") \
        if agree and agree["compared"] else "—"


def fmt(value, digits=1, unit=""):
    if value is None:
        return "—"
    if isinstance(value, int):
        return "{:,}{}".format(value, unit)
    if abs(value) >= 1000:
        return "{:,.0f}{}".format(value, unit)
    return "{:.{}f}{}".format(value, digits, unit)


def cpu(row):
    value = row and row.get("server_cpu_us_per_call")
    return value if value is not None and value >= 0 else None


def agreement(a, b):
    """(equal, compared) over the targets both systems answered."""
    if a is None or b is None:
        return None
    common = set(a.get("answers", {})) & set(b.get("answers", {}))
    equal = sum(1 for k in common if a["answers"][k] == b["answers"][k])
    return {"equal": equal, "compared": len(common)}


def build(rows, meta, counts, soak):
    answers = counts.pop("answers", {})
    claims = counts.get("claims", 0)
    records = number(meta, "records") or 0
    noop = {c: find(rows, "grpc-noop", "noop", c) for c in (1, 8, 32)}
    bare = {c: find(rows, "grpc-bare", "noop", c) for c in (1, 8, 32)}
    figures = {"workloads": [], "throughput": [], "batch_get": [], "targets": [], "storage": {},
               "import": {}}
    # BatchGetEntities of 100 ids (claimgraph) against one `ext_id = ANY(...)` query of the same
    # 100 ids (PostgreSQL): entities per second.
    for c in (1, 8):
        cg = find(rows, "claimgraph", "batch_get", c)
        pg = find(rows, "postgresql", "batch_get", c)
        cg_found, pg_found = mean_answer(cg), mean_answer(pg)
        cg_rate = cg and cg_found is not None and cg["qps"] * cg_found
        pg_rate = pg and pg_found is not None and pg["qps"] * pg_found
        figures["batch_get"].append({
            "concurrency": c, "claimgraph_entities_per_s": cg_rate or None,
            "postgresql_entities_per_s": pg_rate or None,
            "claimgraph_p50_us": cg and cg["p50_us"], "postgresql_p50_us": pg and pg["p50_us"],
            "claimgraph_vs_postgresql": ratio(cg_rate, pg_rate),
            "answers": agreement(cg, pg) if cg and pg else None})

    for c in (1, 8, 32):
        cg = find(rows, "claimgraph", "get_entity", c)
        pg = find(rows, "postgresql", "get_entity", c)
        rocks = find(rows, "rocksdb", "get_entity", min(c, 2))
        figures["throughput"].append({
            "workload": "get_entity", "concurrency": c,
            "claimgraph_qps": cg and cg["qps"], "postgresql_qps": pg and pg["qps"],
            "noop_grpc_qps": noop[c] and noop[c]["qps"],
            "bare_grpc_qps": bare[c] and bare[c]["qps"],
            "noop_vs_bare": ratio(noop[c] and noop[c]["qps"], bare[c] and bare[c]["qps"]),
            "bare_server_cpu_us_per_call": cpu(bare[c]),
            "rocksdb_qps": rocks and rocks["qps"], "rocksdb_threads": min(c, 2),
            "claimgraph_vs_noop": ratio(cg and cg["qps"], noop[c] and noop[c]["qps"]),
            "claimgraph_vs_postgresql": ratio(cg and cg["qps"], pg and pg["qps"]),
            "claimgraph_errors": cg and cg["errors"], "postgresql_errors": pg and pg["errors"],
            "claimgraph_server_cpu_us_per_call": cpu(cg), "noop_server_cpu_us_per_call": cpu(noop[c]),
            "postgresql_server_cpu_us_per_call": cpu(pg),
            "claimgraph_vs_noop_by_cpu": ratio(cpu(noop[c]), cpu(cg))})

    provenance_targets = int(number(meta, "provenance_targets") or 0)
    for workload, phase, title in LATENCY_WORKLOADS:
        entry = {"workload": workload, "phase": phase, "title": title, "concurrency": 1}
        for system in SYSTEMS:
            row = find(rows, system, workload, 1, phase)
            unsupported = any(r.get("system") == system and r.get("workload") == workload and
                              r.get("unsupported") for r in rows)
            entry[system] = None if row is None else {
                k: row.get(k) for k in ("calls", "errors", "truncated", "qps", "p50_us", "p90_us",
                                        "p99_us", "max_us", "first_error",
                                        "server_cpu_us_per_call")}
            if unsupported:
                entry[system] = {"unsupported": True}
        cg = find(rows, "claimgraph", workload, 1, phase)
        pg = find(rows, "postgresql", workload, 1, phase)
        entry["postgresql_p50_over_claimgraph_p50"] = ratio(pg and pg["p50_us"], cg and cg["p50_us"])
        entry["postgresql_p99_over_claimgraph_p99"] = ratio(pg and pg["p99_us"], cg and cg["p99_us"])
        if workload in BY_VALUE:
            entry["answers_claimgraph_vs_postgresql"] = \
                by_value(answers, workload, provenance_targets)
        else:
            entry["answers_claimgraph_vs_postgresql"] = agreement(cg, pg)
        entry["answers_rocksdb_vs_postgresql"] = agreement(find(rows, "rocksdb", workload), pg)
        entry["answers_memory_vs_postgresql"] = agreement(find(rows, "memory", workload), pg)
        entry["answers_kuzu_vs_postgresql"] = agreement(find(rows, "kuzu", workload), pg)
        figures["workloads"].append(entry)

    # Storage and memory for the same data.
    cg_disk, pg_disk = number(meta, "cg_disk_bytes"), number(meta, "pg_disk_bytes")
    cg_rss, pg_pss = number(meta, "cg_rss_kb"), number(meta, "pg_pss_kb")
    per_million = claims / 1e6 if claims else None
    figures["storage"] = {
        "claims": claims,
        "claimgraph_disk_bytes": cg_disk, "postgresql_disk_bytes": pg_disk,
        "postgresql_table_bytes": number(meta, "pg_table_bytes"),
        "postgresql_index_bytes": number(meta, "pg_index_bytes"),
        "claimgraph_bytes_per_claim": cg_disk / claims if cg_disk and claims else None,
        "postgresql_bytes_per_claim": pg_disk / claims if pg_disk and claims else None,
        "claimgraph_rss_mib_per_million_claims":
            cg_rss / 1024 / per_million if cg_rss and per_million else None,
        "postgresql_pss_mib_per_million_claims":
            pg_pss / 1024 / per_million if pg_pss and per_million else None,
        "claimgraph_rss_kb_after_workloads": cg_rss,
        "claimgraph_peak_rss_kb": number(meta, "cg_peak_rss_kb"),
        "claimgraph_import_peak_rss_kb": number(meta, "cg_import_peak_rss_kb"),
        "postgresql_pss_kb_after_workloads": pg_pss,
        "memory_cgroup": meta.get("memory_cgroup", "none"),
        "page_cache_dropped": meta.get("page_cache_dropped_before_cold_passes") == "1",
    }
    # Each provenance run's server in a memory cgroup of its own, started after the page cache
    # was dropped: its charge (anonymous + shared memory + the page cache its reads brought in).
    for system, prefix in (("claimgraph", "cg"), ("postgresql", "pg")):
        for workload in ("trace", "corroborate"):
            for part in ("", "_peak", "_anon", "_file"):
                figures["storage"]["%s_cgroup_%s%s_bytes" % (system, workload, part)] = \
                    number(meta, "%s_memcg_%s%s_bytes" % (prefix, workload, part))
    csr = next((r for r in rows if r.get("workload") == "csr_build"), None)
    if csr:
        figures["storage"]["csr_bytes_per_edge"] = csr["bytes"] / max(1, csr["edges"])
        figures["storage"]["csr_build_seconds"] = csr["seconds"]
    # The streaming path runs on a sample (the file's first BENCH_STREAM_CLAIMS claims): its
    # rate is the sample's claims over the sample's time, compared with PostgreSQL's rate.
    # PostgreSQL's loads include its preprocessing (prepare_data.py) and its own scoring.
    pg_prepare = number(meta, "pg_prepare_seconds") or 0

    def pg_total(config):
        load = number(meta, "pg_%s_load_seconds" % config)
        return None if load is None else load + pg_prepare
    cg_import, pg_load = number(meta, "cg_import_seconds"), pg_total("default")
    pg_tuned = pg_total("tuned")
    stream_claims = number(meta, "cg_import_claims") or 0
    stream_records = number(meta, "cg_import_records") or 0
    stream_rate = stream_claims / cg_import if cg_import else None
    pg_rate = claims / pg_load if pg_load else None
    figures["import"] = {
        "records": records, "claims": claims,
        "claimgraph_method": meta.get("cg_import_method"),
        "claimgraph_seconds": cg_import, "claimgraph_sample_claims": stream_claims,
        "claimgraph_sample_records": stream_records,
        "claimgraph_timed_out_after_seconds": number(meta, "cg_import_timed_out_after_seconds"),
        "claimgraph_claims_per_s": stream_rate,
        "claimgraph_records_per_s": stream_records / cg_import if cg_import else None,
        "claimgraph_rejected": number(meta, "cg_import_rejected") or 0,
        "postgresql_seconds": pg_load, "postgresql_rows": number(meta, "pg_rows"),
        "postgresql_claims_per_s": pg_rate,
        "postgresql_rows_per_s": (number(meta, "pg_rows") or 0) / pg_load if pg_load else None,
        "claimgraph_vs_postgresql_rate": ratio(stream_rate, pg_rate),
        "postgresql_prepare_seconds": pg_prepare,
        "postgresql_stages": {config: {stage: number(meta, "pg_%s_%s_seconds" % (config, stage))
                                       for stage in ("copy_and_index", "score", "load")}
                              for config in ("default", "tuned")},
        "postgresql_tuned_seconds": pg_tuned,
        "postgresql_tuned_claims_per_s": claims / pg_tuned if pg_tuned else None,
    }
    writer_claims = number(meta, "stream_writer_claims") or 0
    figures["writers"] = []
    for n in (1, 4, 16):
        cg_s = number(meta, "cg_writers_%d_seconds" % n)
        pg = find(rows, "postgresql", "stream_writers", n)
        cg_rate = writer_claims / cg_s if cg_s else None
        pg_rate = writer_claims / pg["seconds"] if pg and pg["seconds"] else None
        figures["writers"].append({
            "writers": n, "claims": writer_claims, "claimgraph_seconds": cg_s,
            "claimgraph_claims_per_s": cg_rate,
            "claimgraph_failed_streams": number(meta, "cg_writers_%d_failed_streams" % n),
            "postgresql_seconds": pg and pg["seconds"], "postgresql_claims_per_s": pg_rate,
            "postgresql_transaction_p50_us": pg and pg["p50_us"],
            "postgresql_transaction_p99_us": pg and pg["p99_us"],
            "claimgraph_vs_postgresql": ratio(cg_rate, pg_rate)})
    kuzu_copy = find(rows, "kuzu", "copy_from")
    figures["import"]["kuzu_copy_from_seconds"] = kuzu_copy and kuzu_copy["seconds"]
    rewrite = next((r for r in rows if r.get("workload") == "write_batch"), None)
    if rewrite:
        figures["import"]["rocksdb_write_batch_pairs"] = rewrite["pairs"]
        figures["import"]["rocksdb_write_batch_seconds"] = rewrite["seconds"]
        figures["import"]["rocksdb_write_batch_pairs_per_s"] = rewrite["pairs"] / max(rewrite["seconds"], 1e-9)
        figures["import"]["rocksdb_write_batch_claims_per_s"] = claims / max(rewrite["seconds"], 1e-9)
    offline_compacted = number(meta, "cg_offline_load_and_compact_seconds")
    figures["import"].update({
        "offline_method": meta.get("cg_offline_method"),
        "offline_with_compaction_seconds": offline_compacted,
        "offline_cpu_seconds": number(meta, "cg_offline_cpu_seconds"),
        "offline_claims_per_s": claims / offline_compacted if offline_compacted else None,
        "offline_rejected": number(meta, "cg_offline_rejected"),
        "offline_peak_rss_kb": number(meta, "cg_offline_peak_rss_kb"),
        "offline_with_compaction_vs_postgresql_rate": ratio(pg_load, offline_compacted),
        "offline_with_compaction_vs_postgresql_tuned_rate": ratio(pg_tuned, offline_compacted)})

    # The targets of the storage layout v2 and the bulk loader (docs/architecture.md, "Layout v2";
    # docs/import-export.md), each judged on this run's figures; None: not measured here.
    def target(name, value, goal, met):
        figures["targets"].append({"target": name, "measured": value, "goal": goal,
                                   "met": met})
    # The provenance targets are judged on each pass (cold: first touch after a restart).
    def p(workload, system, key, phase=""):
        entry = next((w for w in figures["workloads"] if w["workload"] == workload and
                      w["phase"] == phase), {}).get(system)
        return None if not entry or entry.get("unsupported") else entry.get(key)
    point = p("get_entity", "claimgraph", "p50_us")
    for workload, label in (("trace", "trace"), ("corroborate", "corroboration")):
        for phase in ("cold", "warm"):
            value = p(workload, "claimgraph", "p50_us", phase)
            target("%s p50, %s, <= 2x point read p50" % (label, phase),
                   value and "%s (point read %s)" % (fmt_us(value), fmt_us(point)),
                   point and "<= %s" % fmt_us(2 * point),
                   None if value is None or point is None else value <= 2 * point)
        ours = p(workload, "claimgraph", "server_cpu_us_per_call", "warm")
        theirs = p(workload, "postgresql", "server_cpu_us_per_call", "warm")
        target("%s server CPU per call (warm) <= PostgreSQL's for the same answer" % label,
               ours and "%s vs %s" % (fmt_us(ours), fmt_us(theirs or 0)), "<= PostgreSQL",
               None if ours is None or theirs is None else ours <= theirs)
    for t in figures["throughput"]:
        if t["concurrency"] not in (8, 32):
            continue
        r = ratio(t["claimgraph_qps"], t.get("bare_grpc_qps"))
        target("point reads at %d in flight >= 75%% of the bare gRPC server's no-op" %
               t["concurrency"], r and "%.0f%%" % (100 * r), ">= 75%",
               None if r is None else r >= 0.75)
    for b in figures["batch_get"]:
        r = b["claimgraph_vs_postgresql"]
        target("BatchGetEntities of 100 ids, %d in flight, >= PostgreSQL's entities per second" %
               b["concurrency"], r and "%.2fx (%s vs %s entities/s)" % (
                   r, fmt(b["claimgraph_entities_per_s"]), fmt(b["postgresql_entities_per_s"])),
               ">= 1x", None if r is None else r >= 1)
    noop_p50 = noop[1] and noop[1]["p50_us"]
    hop1 = p("hop1", "claimgraph", "p50_us")
    target("1-hop p50 <= no-op p50 + 30 µs",
           hop1 and "%s (no-op %s)" % (fmt_us(hop1), fmt_us(noop_p50)),
           noop_p50 and "<= %s" % fmt_us(noop_p50 + 30),
           None if hop1 is None or noop_p50 is None else hop1 <= noop_p50 + 30)
    # Server CPU per entity reached: the call's server CPU over the mean answer (distinct
    # entities reached) of the targets it ran on.
    for workload in ("hop2", "hop3"):
        row = find(rows, "claimgraph", workload)
        reach = mean_answer(row)
        cpu_call = row and row.get("server_cpu_us_per_call")
        per = cpu_call / reach if reach and cpu_call and cpu_call > 0 else None
        target("%s-hop: server CPU per entity reached <= 1 µs" % workload[len("hop"):],
               per and "%.2f µs (%s per call, %s entities reached on average)" % (
                   per, fmt_us(cpu_call), fmt(reach)), "<= 1 µs",
               None if per is None else per <= 1)
    writers = {w["writers"]: w for w in figures.get("writers", [])}
    one = writers.get(1)
    r = one and one["claimgraph_vs_postgresql"]
    target("streaming writes (1 writer) >= half of PostgreSQL's batched INSERTs with indexes",
           r and "%.2fx" % r, ">= 0.5x", None if r is None else r >= 0.5)
    most = writers.get(16)
    r = most and one and ratio(most["claimgraph_claims_per_s"], one["claimgraph_claims_per_s"])
    target("16 concurrent writers >= 4x one writer", r and "%.2fx" % r,
           ">= 4x", None if r is None else r >= 4)
    st = figures["storage"]
    edges = (counts or {}).get("edges") or 0
    budget_kb = (256 << 10) + edges * 24 / 1024 + (64 << 10)
    rss_kb = st.get("claimgraph_rss_kb_after_workloads")
    target("resident memory after the workloads <= block cache + 24 B per edge + 64 MiB",
           rss_kb and "%.0f MiB" % (rss_kb / 1024), "<= %.0f MiB" % (budget_kb / 1024),
           None if not rss_kb else rss_kb <= budget_kb)
    ours, theirs = st["claimgraph_bytes_per_claim"], st["postgresql_bytes_per_claim"]
    target("bytes on disk per claim < 441 B and < PostgreSQL's",
           ours and "%.0f B vs %.0f B" % (ours, theirs or 0), "< 441 B and < PostgreSQL",
           None if not ours or not theirs else ours < 441 and ours < theirs)
    imp = figures["import"]
    r = imp["offline_with_compaction_vs_postgresql_tuned_rate"]
    target("offline load (load + compaction) >= 1x tuned PostgreSQL (preprocessing, COPY FREEZE, "
           "indexes, scores, edges)", r and "%.2fx" % r, ">= 1x", None if r is None else r >= 1)
    raw = imp.get("rocksdb_write_batch_claims_per_s")
    r = ratio(imp.get("offline_claims_per_s"), raw)
    target("offline load >= 0.5x the raw write of the same key-value pairs (WriteBatch, unsynced)",
           r and "%.2fx" % r, ">= 0.5x", None if r is None else r >= 0.5)

    machine = {k: meta.get(k) for k in ("nproc", "cpu", "memory_gib", "load_average",
                                        "rocksdb_version", "grpc_version", "postgresql_version")}
    data = {"scale": meta.get("scale"), "entities_requested": meta.get("entities"),
            "claims_requested": meta.get("claims"), "generator": meta.get("generator"),
            "counts": counts, "ndjson_bytes": number(meta, "data_bytes")}
    return {"command": meta.get("command"), "started": meta.get("started"),
            "finished": meta.get("finished"), "duration_s_per_workload": number(meta, "duration_s"),
            "machine": machine, "data": data, **figures}


def markdown(report):
    m, d = report["machine"], report["data"]
    c = d["counts"]
    lines = [BEGIN, "",
             "Run: `%s`, %s to %s. Machine: %s cores (%s), %s GiB RAM, load average at the end %s "
             "(the machine is shared: figures move ±30%% run to run; compare ratios). RocksDB %s, "
             "gRPC %s, %s." % (report["command"], report["started"], report["finished"], m["nproc"],
                               m["cpu"], m["memory_gib"], m["load_average"], m["rocksdb_version"],
                               m["grpc_version"], m["postgresql_version"]),
             "",
             "Data (%s, generator `%s`): %s entities, %s sources, %s statements, %s claims, %s "
             "graph edges (statements with an entity object); NDJSON %.0f MB. Each workload ran "
             "%.0f s after a warm-up, one client at a time, client and server on the same 2 cores."
             % (d["scale"], d["generator"], fmt(c.get("entities")), fmt(c.get("sources")),
                fmt(c.get("statements")), fmt(c.get("claims")), fmt(c.get("edges")),
                (d["ndjson_bytes"] or 0) / 1e6, report["duration_s_per_workload"] or 0),
             ""]
    check = c.get("edge_check")
    if check:
        lines += ["Edge aggregates: claimgraph's %s graph edges against the benchmark's "
                  "independent model of the same file (active claims, supporting, refuting, best "
                  "supporting confidence, from the claims and their retractions and "
                  "deprecations), and the %s fused provenance scores claimgraph stored against "
                  "the ones PostgreSQL computed itself (to 1e-9): %s differ (%s of them scores)."
                  % (fmt(check["edges"]), fmt(check["scored"]), fmt(check["differences"]),
                     fmt(check.get("score_differences", 0))), ""]
    lines += ["### Point reads: throughput (calls/s) by requests in flight", "",
             "| in flight | claimgraph GetEntity | no-op on claimgraphd | claimgraph / no-op | "
             "no-op on a bare gRPC server | claimgraphd no-op / bare no-op | PostgreSQL | "
             "claimgraph / PostgreSQL | raw RocksDB Get (threads) | server CPU µs per call: "
             "claimgraph / no-op / bare no-op / PostgreSQL |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for t in report["throughput"]:
        lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s (%d) | %s / %s / %s / %s |" % (
            t["concurrency"], fmt(t["claimgraph_qps"]), fmt(t["noop_grpc_qps"]),
            fmt(t["claimgraph_vs_noop"], 2), fmt(t["bare_grpc_qps"]), fmt(t["noop_vs_bare"], 2),
            fmt(t["postgresql_qps"]),
            fmt(t["claimgraph_vs_postgresql"], 2), fmt(t["rocksdb_qps"]), t["rocksdb_threads"],
            fmt(t["claimgraph_server_cpu_us_per_call"], 0), fmt(t["noop_server_cpu_us_per_call"], 0),
            fmt(t["bare_server_cpu_us_per_call"], 0), fmt(t["postgresql_server_cpu_us_per_call"], 0)))
    if any(b["claimgraph_entities_per_s"] or b["postgresql_entities_per_s"]
           for b in report.get("batch_get", [])):
        lines += ["", "### Batch point reads: 100 entity ids a call, entities/s by calls in flight",
                  "", "claimgraph `BatchGetEntities`; PostgreSQL one `WHERE ext_id = ANY(...)` "
                  "query of the same ids.", "",
                  "| in flight | claimgraph entities/s (p50 per call) | PostgreSQL entities/s "
                  "(p50 per call) | claimgraph / PostgreSQL | answers equal |",
                  "|---|---|---|---|---|"]
        for b in report["batch_get"]:
            lines.append("| %d | %s (%s) | %s (%s) | %s | %s |" % (
                b["concurrency"], fmt(b["claimgraph_entities_per_s"]),
                fmt_us(b["claimgraph_p50_us"]), fmt(b["postgresql_entities_per_s"]),
                fmt_us(b["postgresql_p50_us"]), fmt(b["claimgraph_vs_postgresql"], 2),
                agreed(b["answers"])))
    lines += ["", "### Latency, one request at a time: p50 / p90 / p99", "",
              "| workload | claimgraph | PostgreSQL | PostgreSQL p50 / claimgraph p50 | "
              "Kùzu (Cypher, query time only) | raw RocksDB walk | in-memory CSR | answers equal "
              "(claimgraph = PostgreSQL; Kùzu = PostgreSQL) |",
              "|---|---|---|---|---|---|---|---|"]

    def cell(entry):
        if entry is None:
            return "not run"
        if entry.get("unsupported"):
            return "RPC not available"
        text = "%s / %s / %s" % (fmt_us(entry["p50_us"]), fmt_us(entry["p90_us"]), fmt_us(entry["p99_us"]))
        if entry.get("errors"):
            text += " (%d of %d failed%s: %s)" % (
                entry["errors"], entry["calls"],
                ", %d of them truncated by a limit" % entry["truncated"] if entry.get("truncated") else "",
                (entry.get("first_error") or "")[:60])
        text += " n=%d" % entry["calls"]
        if entry.get("server_cpu_us_per_call") not in (None, -1):
            text += ", server CPU %s/call" % fmt_us(entry["server_cpu_us_per_call"])
        return text
    for w in report["workloads"]:
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s; %s |" % (
            w["title"], cell(w["claimgraph"]), cell(w["postgresql"]),
            fmt(w["postgresql_p50_over_claimgraph_p50"], 1, "x"), cell(w["kuzu"]),
            cell(w["rocksdb"]), cell(w["memory"]), agreed(w["answers_claimgraph_vs_postgresql"]),
            agreed(w["answers_kuzu_vs_postgresql"])))
    noop1 = next((t for t in report["throughput"] if t["concurrency"] == 1), None)
    imp, st = report["import"], report["storage"]
    lines += ["", "### Import, size and memory (same data in both systems)", "",
              "| figure | claimgraph | PostgreSQL 15 | ratio |", "|---|---|---|---|",
              "| bulk load of the whole file (claimgraph: %s; PostgreSQL, default durable "
              "configuration: preprocessing %s s + COPY and indexes %s s + its own fused scores "
              "%s s + edges table, VACUUM ANALYZE): wall s, claims/s | %s s (CPU %s s), %s "
              "claims/s, peak RSS %s MiB | %s s, %s claims/s | PostgreSQL time / claimgraph "
              "time: %s |" % (
                  imp["offline_method"], fmt(imp["postgresql_prepare_seconds"]),
                  fmt(imp["postgresql_stages"]["default"]["copy_and_index"]),
                  fmt(imp["postgresql_stages"]["default"]["score"]),
                  fmt(imp["offline_with_compaction_seconds"]),
                  fmt(imp["offline_cpu_seconds"]), fmt(imp["offline_claims_per_s"]),
                  fmt((imp["offline_peak_rss_kb"] or 0) / 1024), fmt(imp["postgresql_seconds"]),
                  fmt(imp["postgresql_claims_per_s"]),
                  fmt(imp["offline_with_compaction_vs_postgresql_rate"], 2)),
              "| the same, PostgreSQL tuned for a bulk load (wal_level = minimal, "
              "maintenance_work_mem = 1GB, COPY FREEZE into tables created in the same "
              "transaction, indexes after; COPY and indexes %s s, scores %s s) | | %s s, %s "
              "claims/s | PostgreSQL time / claimgraph time: %s |" % (
                  fmt(imp["postgresql_stages"]["tuned"]["copy_and_index"]),
                  fmt(imp["postgresql_stages"]["tuned"]["score"]),
                  fmt(imp["postgresql_tuned_seconds"]), fmt(imp["postgresql_tuned_claims_per_s"]),
                  fmt(imp["offline_with_compaction_vs_postgresql_tuned_rate"], 2)),
              "| streaming path (%s), measured on the file's first %s claims (%s records): "
              "s, claims/s | %s | | claimgraph claims/s / PostgreSQL claims/s: %s |" % (
                  imp["claimgraph_method"] or "not run", fmt(int(imp["claimgraph_sample_claims"])),
                  fmt(int(imp["claimgraph_sample_records"])),
                  ("stopped after %s s" % fmt(imp["claimgraph_timed_out_after_seconds"], 0))
                  if imp["claimgraph_timed_out_after_seconds"] else
                  "%s s, %s claims/s" % (fmt(imp["claimgraph_seconds"]),
                                         fmt(imp["claimgraph_claims_per_s"])),
                  fmt(imp["claimgraph_vs_postgresql_rate"], 2)),
              "| Kùzu: COPY FROM of the walkable graph only (entities and the edges PostgreSQL "
              "built, a CSV export of its tables, untimed) | | %s s | |" % (
                  fmt(imp.get("kuzu_copy_from_seconds"))),
              "| raw limit: the database's own %s key-value pairs rewritten with WriteBatch "
              "(1000 per batch, WAL not synced) | %s s, %s pairs/s = %s claims/s | | |" % (
                  fmt(imp.get("rocksdb_write_batch_pairs")), fmt(imp.get("rocksdb_write_batch_seconds")),
                  fmt(imp.get("rocksdb_write_batch_pairs_per_s")), fmt(imp.get("rocksdb_write_batch_claims_per_s"))),
              "| bytes on disk | %s MB | %s MB (tables %s MB, indexes %s MB) | |" % (
                  fmt((st["claimgraph_disk_bytes"] or 0) / 1e6), fmt((st["postgresql_disk_bytes"] or 0) / 1e6),
                  fmt((st["postgresql_table_bytes"] or 0) / 1e6), fmt((st["postgresql_index_bytes"] or 0) / 1e6)),
              "| bytes on disk per claim | %s | %s | %s |" % (
                  fmt(st["claimgraph_bytes_per_claim"], 0), fmt(st["postgresql_bytes_per_claim"], 0),
                  fmt(ratio(st["claimgraph_bytes_per_claim"], st["postgresql_bytes_per_claim"]), 2)),
              "| resident memory after the workloads, MiB per million claims (claimgraph RSS; "
              "PostgreSQL: PSS of all its processes) | %s | %s | %s |" % (
                  fmt(st["claimgraph_rss_mib_per_million_claims"]),
                  fmt(st["postgresql_pss_mib_per_million_claims"]),
                  fmt(ratio(st["claimgraph_rss_mib_per_million_claims"],
                            st["postgresql_pss_mib_per_million_claims"]), 2)),
              "| peak RSS during the streaming sample / after workloads | %s MiB / %s MiB | | |" % (
                  fmt((st["claimgraph_import_peak_rss_kb"] or 0) / 1024),
                  fmt((st["claimgraph_peak_rss_kb"] or 0) / 1024))]
    mib = lambda b: b / 1048576 if b else None
    for workload, label in (("trace", "trace"), ("corroborate", "corroboration")):
        cg_b = st.get("claimgraph_cgroup_%s_bytes" % workload)
        pg_b = st.get("postgresql_cgroup_%s_bytes" % workload)
        if not cg_b and not pg_b:
            continue
        split = lambda system: "%s MiB (peak %s; anonymous %s, page cache and shared %s)" % (
            fmt(mib(st.get("%s_cgroup_%s_bytes" % (system, workload)))),
            fmt(mib(st.get("%s_cgroup_%s_peak_bytes" % (system, workload)))),
            fmt(mib(st.get("%s_cgroup_%s_anon_bytes" % (system, workload)))),
            fmt(mib(st.get("%s_cgroup_%s_file_bytes" % (system, workload)))))
        lines.append("| memory charged to the server's own cgroup (%s) at the end of its %s "
                     "passes, from a restart after the page cache was %s | %s | %s | %s |" % (
                         st["memory_cgroup"], label,
                         "dropped" if st["page_cache_dropped"] else "NOT dropped (partial charge)",
                         split("claimgraph"), split("postgresql"), fmt(ratio(cg_b, pg_b), 2)))
    if st.get("csr_bytes_per_edge"):
        lines.append("| in-memory CSR of every out-edge (bench only): bytes per edge, build time "
                     "| %.1f B, %.1f s | | |" % (st["csr_bytes_per_edge"], st["csr_build_seconds"]))
    if report.get("writers"):
        lines += ["", "### Streaming writers: the file's first %s claims after the entities and "
                  "sources" % fmt(int(report["writers"][0]["claims"])), "",
                  "claimgraph: `claimgraph import` streams (Import RPC, 1,000 lines per batch, WAL "
                  "synced, provenance scorer on); PostgreSQL: INSERT transactions of 1,000 rows "
                  "into the loaded claims table, every index in place, synchronous_commit on. "
                  "Each writer takes a share of the statements.", "",
                  "| writers | claimgraph claims/s | PostgreSQL claims/s | claimgraph / PostgreSQL "
                  "| PostgreSQL transaction p50 / p99 |", "|---|---|---|---|---|"]
        for w in report["writers"]:
            lines.append("| %d | %s%s | %s | %s | %s / %s |" % (
                w["writers"], fmt(w["claimgraph_claims_per_s"]),
                " (%d streams failed)" % w["claimgraph_failed_streams"]
                if w["claimgraph_failed_streams"] else "",
                fmt(w["postgresql_claims_per_s"]), fmt(w["claimgraph_vs_postgresql"], 2),
                fmt_us(w["postgresql_transaction_p50_us"]),
                fmt_us(w["postgresql_transaction_p99_us"])))
    lines += ["", "### Targets of the storage layout v2 and the bulk loader", "",
              "| target | measured | goal | met |",
              "|---|---|---|---|"]
    for t in report["targets"]:
        met = "not measured" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append("| %s | %s | %s | %s |" % (t["target"], t["measured"] or "—", t["goal"] or "—", met))
    if noop1:
        lines += ["", "The no-op call is `grpc.health.v1.Health/Check`, on claimgraphd itself (the "
                  "same server, port and framework as every claimgraph RPC) and on a bare gRPC "
                  "server of the same library (bench/noop_server.cc), measured in the same run."]
    lines += ["", "![latency by hop count](benchmarks-latency.png)", "", END]
    return "\n".join(lines) + "\n"


SOAK_BEGIN = "<!-- soak:begin (bench/report.py --soak) -->"
SOAK_END = "<!-- soak:end -->"


def soak_markdown(meta, soak):
    rss = [w["rss_kb"] for w in soak if w.get("rss_kb", -1) > 0]
    s = {"seconds": number(meta, "soak_seconds"), "rate": number(meta, "soak_rate"),
         "rss_kb_start": rss[0] if rss else None, "rss_kb_end": rss[-1] if rss else None,
         "rss_kb_max": max(rss) if rss else None, "windows": soak,
         "command": meta.get("command"), "started": meta.get("started"),
         "data": {"scale": meta.get("scale"), "records": number(meta, "records")},
         "machine": {k: meta.get(k) for k in ("nproc", "cpu", "memory_gib", "load_average")}}
    lines = [SOAK_BEGIN, "",
             "Run: `%s`, started %s, %s records loaded (scale %s); machine: %s cores (%s), load "
             "average at the end %s." % (s["command"], s["started"], fmt(s["data"]["records"], 0),
                                        s["data"]["scale"], s["machine"]["nproc"], s["machine"]["cpu"],
                                        s["machine"]["load_average"]), "",
             "%s s at %s calls/s: 90%% GetEntity, 10%% writes (%s), open loop (calls are sent on schedule whatever the latency; at most 512 "
             "in flight, beyond that a call is counted as dropped). RSS at start %s MiB, at end %s "
             "MiB, max %s MiB." % (fmt(s["seconds"], 0), fmt(s["rate"], 0), meta.get("soak_writes"),
                                   fmt((s["rss_kb_start"] or 0) / 1024), fmt((s["rss_kb_end"] or 0) / 1024),
                                   fmt((s["rss_kb_max"] or 0) / 1024)), "",
             "| t (s) | reads/s | writes/s | read p50 / p99 | write p50 / p99 | errors | dropped | RSS MiB |",
             "|---|---|---|---|---|---|---|---|"]
    for w in soak:
        lines.append("| %.0f | %.0f | %.0f | %s / %s | %s / %s | %d | %d | %.0f |" % (
            w["t_s"], w["read_qps"], w["write_qps"], fmt_us(w["read_p50_us"]),
            fmt_us(w["read_p99_us"]), fmt_us(w["write_p50_us"]), fmt_us(w["write_p99_us"]),
            w["errors"], w["dropped"], w["rss_kb"] / 1024))
    lines += ["", SOAK_END]
    return s, "\n".join(lines) + "\n"


def replace_between(path, begin, end, generated, heading):
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        if begin in text and end in text:
            text = text[:text.index(begin)] + generated + text[text.index(end) + len(end) + 1:]
        else:
            text = text.rstrip("\n") + "\n\n" + heading + generated
    else:
        text = "# Benchmarks\n\n" + heading + generated
    with open(path, "w") as f:
        f.write(text)


def plot(report, out_dir):
    data_path = os.path.join(out_dir, "benchmarks-latency.dat")
    present = []
    with open(data_path, "w") as f:
        f.write("# hops " + " ".join("%s_p50 %s_p90 %s_p99" % (s, s, s) for s in SYSTEMS) + "\n")
        for hops, workload in ((1, "hop1"), (2, "hop2"), (3, "hop3"), (4, "path")):
            w = next(x for x in report["workloads"] if x["workload"] == workload)
            values = []
            for s in SYSTEMS:
                e = w[s]
                ok = e is not None and not e.get("unsupported")
                if ok and s not in present:
                    present.append(s)
                values += ["%.4f" % max(e[k] / 1000, 0.001) if ok else "NaN" for k in ("p50_us", "p90_us", "p99_us")]
            f.write("%d %s\n" % (hops, " ".join(values)))
    if not present:
        return None
    png = os.path.join(out_dir, "benchmarks-latency.png")
    colors = {"claimgraph": "#1b9e77", "postgresql": "#d95f02", "rocksdb": "#7570b3", "memory": "#888888",
              "kuzu": "#e7298a"}
    plots = []
    for s in present:
        i = SYSTEMS.index(s) * 3 + 2
        plots.append("'%s' using 1:%d with linespoints lw 2 pt 7 lc rgb '%s' title '%s p50'"
                     % (data_path, i, colors[s], SYSTEM_NAMES[s]))
        plots.append("'%s' using 1:%d with linespoints lw 1 dt 2 pt 6 lc rgb '%s' title '%s p99'"
                     % (data_path, i + 2, colors[s], SYSTEM_NAMES[s]))
    script = "\n".join([
        "set terminal pngcairo size 1000,700 font ',11'" if has_cairo() else "set terminal png size 1000,700",
        "set output '%s'" % png,
        "set title 'Latency by hop count (one request at a time; 4 = shortest path <= 4 hops)'",
        "set xlabel 'hops'", "set ylabel 'latency (ms, log scale)'", "set logscale y",
        "set xtics ('1-hop' 1, '2-hop' 2, '3-hop' 3, 'path<=4' 4)", "set xrange [0.7:4.3]",
        "set grid ytics", "set key outside bottom center maxrows 4 font ',9'",
        "plot " + ", \\\n  ".join(plots), ""])
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.remove(data_path)
    return png


def has_cairo():
    out = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    return "pngcairo" in (out.stdout + out.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--soak", action="store_true", help="report the soak only")
    args = parser.parse_args()
    rows, meta, counts, soak = load(args.results)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.soak:
        summary, generated = soak_markdown(meta, soak)
        with open(os.path.join(args.out_dir, "benchmarks-soak.json"), "w") as f:
            json.dump(summary, f, indent=1, ensure_ascii=False)
            f.write("\n")
        replace_between(os.path.join(args.out_dir, "benchmarks.md"), SOAK_BEGIN, SOAK_END,
                        generated, "## Soak\n\n")
        if args.check and (len(soak) < 2 or not summary["rss_kb_end"]):
            print("report: soak check failed: no windows", file=sys.stderr)
            sys.exit(1)
        return
    report = build(rows, meta, counts, soak)
    writers_ran = "stream_writer_claims" in meta  # not with BENCH_SKIP_STREAMING=1
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "benchmarks.json"), "w") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
        f.write("\n")
    replace_between(os.path.join(args.out_dir, "benchmarks.md"), BEGIN, END, markdown(report), "")
    png = plot(report, args.out_dir)
    if args.check:
        problems = []
        for system, workload, *phase in (("grpc-noop", "noop"), ("grpc-bare", "noop"), ("claimgraph", "get_entity"),
                                 ("claimgraph", "hop1"), ("claimgraph", "hop2"),
                                 ("claimgraph", "hop3"), ("claimgraph", "path"),
                                 ("postgresql", "hop1"), ("postgresql", "path"),
                                 ("postgresql", "get_entity"), ("rocksdb", "get_entity"),
                                 ("postgresql", "hop3"), ("rocksdb", "hop3"), ("memory", "hop3"),
                                 ("kuzu", "hop1"), ("kuzu", "hop2"), ("kuzu", "hop3"),
                                 ("kuzu", "path"),
                                 ("postgresql", "trace", "cold"), ("postgresql", "trace", "warm"),
                                 ("postgresql", "corroborate", "cold"),
                                 ("claimgraph", "trace", "warm"),
                                 ("claimgraph", "corroborate", "warm"),
                                 ("postgresql", "corroborate", "warm")):
            phase = phase[0] if phase else ""
            row = find(rows, system, workload, 1, phase)
            if row is None or row["calls"] == 0:
                problems.append("%s %s: no calls measured" % (system, workload))
            elif row["errors"]:
                problems.append("%s %s: %d errors (%s)" % (system, workload, row["errors"], row["first_error"]))
        for row in rows:
            if row.get("system") == "claimgraph" and not row.get("unsupported") and row.get("errors"):
                problems.append("claimgraph %s: %d errors (%s)" % (row["workload"], row["errors"], row["first_error"]))
        if report["import"]["claimgraph_rejected"] or report["import"]["offline_rejected"]:
            problems.append("claimgraph rejected records: streaming %s, offline %s" % (
                report["import"]["claimgraph_rejected"], report["import"]["offline_rejected"]))
        if not report["storage"]["claimgraph_disk_bytes"] or not report["storage"]["postgresql_disk_bytes"]:
            problems.append("sizes missing")
        for b in report["batch_get"]:
            if not b["claimgraph_entities_per_s"] or not b["postgresql_entities_per_s"]:
                problems.append("batch_get at %d: not measured" % b["concurrency"])
            elif not b["answers"] or b["answers"]["equal"] != b["answers"]["compared"]:
                problems.append("batch_get at %d: answers differ" % b["concurrency"])
        if report["storage"]["memory_cgroup"] != "none":
            for system in ("claimgraph", "postgresql"):
                for workload in ("trace", "corroborate"):
                    if not report["storage"]["%s_cgroup_%s_bytes" % (system, workload)]:
                        problems.append("%s %s: no cgroup memory figure" % (system, workload))
        check = counts.get("edge_check")
        if check is None:
            problems.append("no edge aggregate check")
        elif check["differences"]:
            problems.append("%d edge aggregates differ from the benchmark's model: %s" % (
                check["differences"], "; ".join(check["first_differences"])))
        for w in report["writers"] if writers_ran else []:
            if w["claimgraph_seconds"] is None or w["claimgraph_failed_streams"] or \
                    w["postgresql_seconds"] is None:
                problems.append("streaming writers at %d: not measured or failed" % w["writers"])
        if png is None or not os.path.getsize(png):
            problems.append("no plot")
        for w in report["workloads"]:
            for key in ("answers_claimgraph_vs_postgresql", "answers_rocksdb_vs_postgresql",
                        "answers_memory_vs_postgresql", "answers_kuzu_vs_postgresql"):
                agree = w[key]
                if agree and agree["compared"] and agree["equal"] != agree["compared"]:
                    problems.append("%s %s: %d of %d answers differ%s" % (
                        w["workload"], key, agree["compared"] - agree["equal"], agree["compared"],
                        "".join("\n    " + d for d in agree.get("first_differences", []))))
            if w["workload"] in BY_VALUE and not w["answers_claimgraph_vs_postgresql"]:
                problems.append("%s: answers not compared by value" % w["workload"])
        if problems:
            print("report: pipeline check failed:\n  " + "\n  ".join(problems), file=sys.stderr)
            sys.exit(1)
        print("report: pipeline check passed (%d result rows)" % len(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
