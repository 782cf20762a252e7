#!/usr/bin/python3
"""prepare_data.py: turns a generated NDJSON claims file into everything a benchmark run needs.

Reads the import file (from either generator) once and writes, into --out-dir:
  fixtures.ndjson   records appended to the data set so the provenance workloads have known
                    cases: relay chains of 5 claims (trace) and statements with 100 claims each
                    from many claimants, some relaying others (corroborate);
  pg/*.tsv          the same data (file + fixtures) as PostgreSQL COPY text files: entities,
                    sources, statements, claims, lifecycle_events (PostgreSQL builds its edges
                    table from these, bench/pg_schema.sql);
  targets/*.txt     the workload's random inputs, fixed seed, shared by both systems;
  counts.json       record counts.
Internal integer ids for PostgreSQL are assigned here (entities, sources, claims, statements),
so PostgreSQL joins on bigint keys, its fastest layout; external ids stay in a unique column.

Statements are identified as claimgraph identifies them: by their id (a claim may name its
statement by id only; the project generator writes the id beside each inline statement), else by
content. A claim is inactive once a retraction or deprecation targets it (docs/provenance.md 4).
Traversal starts and path ends are drawn among entities with a walkable out-edge: an entity
object and at least one active supporting claim (traversal's default filter).

  prepare_data.py --edge-scores DUMP --out-dir DIR   (after claimgraph has loaded the data)
reads `storage_bench edges` output and writes pg/edge_scores.tsv: the fused provenance score
claimgraph's scorer stored on each edge (PostgreSQL has no scorer; where claimgraph has none,
as after the offline loader, both fall back to the best supporting claim's confidence). It
also checks claimgraph's per-edge counts (active claims, supporting, refuting, best supporting
confidence) against this file's independent model and reports every difference.
"""
import argparse
import json
import os
import random
import re
import sys

AGENT_TYPES = {"agent", "person", "organisation", "government", "government_body",
               "intelligence_agency", "armed_force", "news_organisation", "company",
               "international_organisation", "fact_checker", "group", "industry", "country"}
CLAIMANT_TYPES = {"person", "organisation", "government", "government_body", "company",
                  "news_organisation", "international_organisation"}
def symmetric_predicates(schema_path):
    """Predicates declared `symmetric: true` in the schema's text format (flat blocks)."""
    names = set()
    with open(schema_path, encoding="utf-8") as schema:
        for block in schema.read().split("predicates {")[1:]:
            body = block.split("}", 1)[0]
            if re.search(r"\bsymmetric:\s*true\b", body):
                name = re.search(r'name:\s*"([^"]+)"', body)
                if name:
                    names.add(name.group(1))
    return names


# claimgraph stores a symmetric predicate's statement with the smaller entity id first.
SYMMETRIC = symmetric_predicates(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                              "schema", "default.textproto"))

STANCES = {"STANCE_UNSPECIFIED": 0, "STANCE_SUPPORTS": 1, "STANCE_REFUTES": 2,
           "STANCE_DISCUSSES": 3}
LIFECYCLE_KINDS = {"LIFECYCLE_KIND_UNSPECIFIED": 0, "LIFECYCLE_KIND_RETRACTION": 1,
                   "LIFECYCLE_KIND_CORRECTION": 2, "LIFECYCLE_KIND_DEPRECATION": 3}
DEACTIVATING_KINDS = (1, 3)  # retraction, deprecation
RELAY_CHAINS = 50
RELAY_DEPTH = 5
CORROBORATION_STATEMENTS = 20
CLAIMS_PER_STATEMENT = 100


def tsv(value):
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Converter:
    def __init__(self, out_dir):
        self.pg = os.path.join(out_dir, "pg")
        os.makedirs(self.pg, exist_ok=True)
        self.files = {name: open(os.path.join(self.pg, name + ".tsv"), "w", buffering=1 << 20)
                      for name in ("entities", "sources", "claims", "lifecycle_events")}
        self.entities = {}       # external id -> internal id
        self.entity_types = []   # by internal id - 1
        self.sources = {}
        self.publishers = {}     # source internal id -> publisher internal id
        self.claims = {}
        self.claim_statement = [0]  # by claim internal id: statement internal id
        self.claim_stance = [0]
        self.inactive = set()       # claim internal ids retracted or deprecated
        self.events = set()
        self.statements = {}     # statement id, or (content, qualifiers) of an inline
                                 # statement -> internal id
        self.statement_rows = []  # (subject, predicate, object, literal)
        self.counts = {"entities": 0, "sources": 0, "claims": 0, "lifecycle_events": 0,
                       "claims_without_known_statement": 0, "other_records": 0}

    def entity(self, record):
        if record["id"] in self.entities:
            return
        internal = len(self.entities) + 1
        self.entities[record["id"]] = internal
        self.entity_types.append(record.get("type", ""))
        self.files["entities"].write("%d\t%s\t%s\t%s\t%s\n" % (
            internal, tsv(record["id"]), tsv(record.get("type")), tsv(record.get("name")),
            tsv(record.get("description"))))
        self.counts["entities"] += 1

    def source(self, record):
        if record["id"] in self.sources:
            return  # a later version of a source (the generator closes derivation cycles so)
        internal = len(self.sources) + 1
        self.sources[record["id"]] = internal
        publisher = self.entities.get(record.get("publisher_id"))
        self.publishers[internal] = publisher
        self.files["sources"].write("%d\t%s\t%s\t%s\n" % (
            internal, tsv(record["id"]), tsv(publisher), tsv(record.get("url"))))
        self.counts["sources"] += 1

    def claim(self, record):
        if record.get("id") in self.claims:
            return
        statement = record.get("statement")
        named = record.get("statement_id")
        statement_id = self.statements.get(named) if named else None
        if statement_id is None and statement is None:
            # Names a statement this file never stated: claimgraph rejects it (NOT_FOUND).
            self.counts["claims_without_known_statement"] += 1
            return
        if statement_id is None:
            obj = statement.get("object", {})
            if (statement.get("predicate") in SYMMETRIC and "entity_id" in obj
                    and obj["entity_id"] < statement["subject_id"]):
                statement = dict(statement, subject_id=obj["entity_id"],
                                 object={"entity_id": statement["subject_id"]})
                obj = statement["object"]
            object_entity = self.entities.get(obj.get("entity_id")) if "entity_id" in obj else None
            literal = None if object_entity else json.dumps(obj, sort_keys=True)
            subject = self.entities.get(statement["subject_id"])
            qualifiers = sorted(set(json.dumps(q, sort_keys=True)
                                    for q in statement.get("qualifiers", [])))
            # Everything the statement says (validity times too), qualifiers as a set.
            key = (json.dumps({k: v for k, v in statement.items()
                               if k not in ("id", "qualifiers", "recorded_at")}, sort_keys=True),
                   tuple(qualifiers))
            statement_id = self.statements.get(key)
            if statement_id is None:
                statement_id = len(self.statement_rows) + 1
                self.statements[key] = statement_id
                self.statement_rows.append((subject, statement["predicate"], object_entity, literal))
            if named:
                self.statements[named] = statement_id
        internal = len(self.claims) + 1
        self.claims[record["id"]] = internal
        confidence = float(record.get("confidence", 1.0))
        stance = STANCES.get(record.get("stance", "STANCE_UNSPECIFIED"), 0)
        self.claim_statement.append(statement_id)
        self.claim_stance.append(stance)
        claimant = self.entities.get(record.get("claimant", {}).get("entity_id"))
        self.files["claims"].write("%d\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n" % (
            internal, tsv(record["id"]), statement_id, tsv(claimant),
            tsv(self.entities.get(record.get("on_behalf_of_id"))),
            tsv(self.sources.get(record.get("source_id"))), confidence, stance,
            tsv(self.claims.get(record.get("relays_claim_id"))), tsv(record.get("claimed_at"))))
        self.counts["claims"] += 1

    def lifecycle_event(self, record):
        if record.get("id") in self.events:
            return
        self.events.add(record.get("id"))
        kind = LIFECYCLE_KINDS.get(record.get("kind", "LIFECYCLE_KIND_UNSPECIFIED"), 0)
        target = record.get("target", {})
        claim = self.claims.get(target.get("claim_id"))
        source = self.sources.get(target.get("source_id"))
        self.files["lifecycle_events"].write("%d\t%s\t%d\t%s\t%s\n" % (
            len(self.events), tsv(record.get("id")), kind, tsv(claim), tsv(source)))
        if claim is not None and kind in DEACTIVATING_KINDS:
            self.inactive.add(claim)
        self.counts["lifecycle_events"] += 1

    def add(self, record):
        if "entity" in record:
            self.entity(record["entity"])
        elif "source" in record:
            self.source(record["source"])
        elif "claim" in record:
            self.claim(record["claim"])
        elif "lifecycle_event" in record:
            self.lifecycle_event(record["lifecycle_event"])
        else:
            self.counts["other_records"] += 1

    def finish(self):
        for f in self.files.values():
            f.close()
        # Active supporting claims per statement: an edge is walkable when it has one.
        supporting = [0] * (len(self.statement_rows) + 1)
        for claim in range(1, len(self.claim_statement)):
            if self.claim_stance[claim] == 1 and claim not in self.inactive:
                supporting[self.claim_statement[claim]] += 1
        edges = 0
        self.walkable_subjects = set()
        with open(os.path.join(self.pg, "statements.tsv"), "w", buffering=1 << 20) as st:
            for i, (subject, predicate, object_entity, literal) in enumerate(self.statement_rows):
                st.write("%d\t%s\t%s\t%s\t%s\n" % (i + 1, tsv(subject), tsv(predicate),
                                                   tsv(object_entity), tsv(literal)))
                if object_entity is not None and subject is not None:
                    edges += 1
                    if supporting[i + 1] > 0:
                        self.walkable_subjects.add(subject)
        self.counts["statements"] = len(self.statement_rows)
        self.counts["edges"] = edges


def make_fixtures(converter, rng):
    """Relay chains and heavily claimed statements, over the file's own entities and sources."""
    ids = list(converter.entities.keys())
    claimants = [e for e, i in converter.entities.items()
                 if converter.entity_types[i - 1] in CLAIMANT_TYPES]
    agents = [e for e, i in converter.entities.items()
              if converter.entity_types[i - 1] in AGENT_TYPES]
    sources = list(converter.sources.keys())
    if not claimants or not agents or not sources:
        sys.exit("prepare_data: the data set needs claimant entities, agents and sources")
    del ids
    records, trace_targets, corroborate_targets = [], [], []

    def claim(claim_id, subject, obj, claimant, relays=None, confidence=0.8):
        body = {"id": claim_id,
                "statement": {"subject_id": subject, "predicate": "trusts",
                              "object": {"entity_id": obj}},
                "act": "CLAIM_ACT_REPORTS" if relays else "CLAIM_ACT_ASSERTS",
                "stance": "STANCE_SUPPORTS", "claimant": {"entity_id": claimant},
                "source_id": rng.choice(sources), "confidence": confidence,
                "claimed_at": "2025-01-01T00:00:00Z"}
        if relays:
            body["relays_claim_id"] = relays
        return {"claim": body}

    for chain in range(RELAY_CHAINS):
        subject, obj = rng.choice(agents), rng.choice(agents)
        previous = None
        for depth in range(RELAY_DEPTH):
            claim_id = "bench-relay-%d-%d" % (chain, depth)
            records.append(claim(claim_id, subject, obj, rng.choice(claimants), previous))
            previous = claim_id
        trace_targets.append(previous)
    for statement in range(CORROBORATION_STATEMENTS):
        subject, obj = rng.choice(agents), rng.choice(agents)
        made = []
        for k in range(CLAIMS_PER_STATEMENT):
            claim_id = "bench-corr-%d-%d" % (statement, k)
            # A quarter relay an earlier claim of the same statement: dependent, not independent.
            relays = rng.choice(made) if made and rng.random() < 0.25 else None
            records.append(claim(claim_id, subject, obj, rng.choice(claimants), relays,
                                 round(0.3 + 0.7 * rng.random(), 2)))
            made.append(claim_id)
        corroborate_targets.append(made[0])
    return records, trace_targets, corroborate_targets


def edge_scores(dump_path, out_dir):
    """pg/edge_scores.tsv from claimgraph's edge aggregates, and the check of its counts."""
    pg = os.path.join(out_dir, "pg")
    claim_statement, stance, confidence = {}, [], []
    internal_of = {}
    with open(os.path.join(pg, "claims.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            internal_of[fields[1]] = int(fields[0])
            claim_statement[int(fields[0])] = int(fields[2])
            confidence.append(float(fields[6]))
            stance.append(int(fields[7]))
    inactive = set()
    with open(os.path.join(pg, "lifecycle_events.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if int(fields[2]) in DEACTIVATING_KINDS and fields[3] != "\\N":
                inactive.add(int(fields[3]))
    # Per statement: [active claims, active supporting, active refuting, best supporting].
    model = {}
    for claim, statement in claim_statement.items():
        entry = model.setdefault(statement, [0, 0, 0, 0.0])
        active = claim not in inactive
        s = stance[claim - 1]
        entry[0] += active
        entry[1] += active and s == 1
        entry[2] += active and s == 2
        if s == 1:
            entry[3] = max(entry[3], confidence[claim - 1])
    edges = scored = 0
    differences = []
    with open(dump_path) as f, open(os.path.join(pg, "edge_scores.tsv"), "w") as out:
        for line in f:
            claim_id, has_score, score, claims, supporting, refuting, best = \
                line.rstrip("\n").split("\t")
            edges += 1
            statement = claim_statement.get(internal_of.get(claim_id, 0))
            if statement is None:
                differences.append("claim %s of an edge is unknown to PostgreSQL" % claim_id)
                continue
            theirs = [int(claims), int(supporting), int(refuting), float(best)]
            if theirs != model.get(statement):
                differences.append("statement of claim %s: claimgraph (claims, supporting, "
                                   "refuting, best) %s, PostgreSQL's model %s" % (
                                       claim_id, theirs, model.get(statement)))
            if has_score == "1":
                out.write("%d\t%s\n" % (statement, score))
                scored += 1
    summary = {"edges": edges, "scored": scored, "differences": len(differences),
               "first_differences": differences[:5]}
    with open(os.path.join(out_dir, "edge_check.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("prepare_data: edge aggregates: %d edges, %d with a fused score, %d differ from "
          "PostgreSQL's model%s" % (edges, scored, len(differences),
                                    "".join("\n  " + d for d in differences[:5])),
          file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input")
    parser.add_argument("--edge-scores", help="storage_bench edges output (second step)")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--point-reads", type=int, default=10000)
    args = parser.parse_args()
    if args.edge_scores:
        edge_scores(args.edge_scores, args.out_dir)
        return
    if not args.input:
        parser.error("--input is required")
    rng = random.Random(args.seed)
    converter = Converter(args.out_dir)
    with open(args.input) as f:
        for line in f:
            if line.strip():
                converter.add(json.loads(line))
    fixtures, trace_targets, corroborate_targets = make_fixtures(converter, rng)
    with open(os.path.join(args.out_dir, "fixtures.ndjson"), "w") as f:
        for record in fixtures:
            f.write(json.dumps(record) + "\n")
            converter.add(record)
    converter.finish()

    targets = os.path.join(args.out_dir, "targets")
    os.makedirs(targets, exist_ok=True)
    entity_ids = list(converter.entities.keys())
    by_internal = {i: e for e, i in converter.entities.items()}
    # Traversal starts: uniformly random among entities with at least one walkable out-edge (a
    # random entity of a power-law graph mostly has none, which measures nothing but the call).
    # Path pairs: two different such entities.
    with_edges = sorted(converter.walkable_subjects)
    if len(with_edges) < 2:
        sys.exit("prepare_data: fewer than two entities with a walkable out-edge")

    def pair():
        first = rng.choice(with_edges)
        second = rng.choice(with_edges)
        while second == first:
            second = rng.choice(with_edges)
        return "%s %s" % (by_internal[first], by_internal[second])
    writes = {
        "entities.txt": [rng.choice(entity_ids) for _ in range(args.point_reads)],
        "starts.txt": [by_internal[rng.choice(with_edges)] for _ in range(args.starts)],
        "pairs.txt": [pair() for _ in range(args.pairs)],
        "trace.txt": trace_targets,
        "corroborate.txt": corroborate_targets,
    }
    for name, lines in writes.items():
        with open(os.path.join(targets, name), "w") as f:
            f.write("\n".join(lines) + "\n")
    converter.counts["fixture_records"] = len(fixtures)
    with open(os.path.join(args.out_dir, "counts.json"), "w") as f:
        json.dump(converter.counts, f, indent=1)
    print("prepare_data: %s" % json.dumps(converter.counts), file=sys.stderr)


if __name__ == "__main__":
    main()
