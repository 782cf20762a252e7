#!/usr/bin/python3
"""prepare_data.py: turns a generated NDJSON claims file into everything a benchmark run needs.

Reads the import file (from either generator) once and writes, into --out-dir:
  fixtures.ndjson   records appended to the data set so the provenance workloads have known
                    cases: relay chains of 5 claims (trace) and statements with 100 claims each
                    from many claimants, some relaying others (corroborate);
  pg/*.tsv          the same data (file + fixtures) as PostgreSQL COPY text files: entities,
                    sources, statements, claims, edges (one row per statement with an entity
                    object, carrying the best supporting claim's confidence, as claimgraph's
                    edge aggregate does);
  targets/*.txt     the workload's random inputs, fixed seed, shared by both systems;
  counts.json       record counts.
Internal integer ids for PostgreSQL are assigned here (entities, sources, claims, statements),
so PostgreSQL joins on bigint keys, its fastest layout; external ids stay in a unique column.
"""
import argparse
import json
import os
import random
import sys

AGENT_TYPES = {"agent", "person", "organisation", "government", "government_body",
               "intelligence_agency", "armed_force", "news_organisation", "company",
               "international_organisation", "fact_checker", "group", "industry", "country"}
CLAIMANT_TYPES = {"person", "organisation", "government", "government_body", "company",
                  "news_organisation", "international_organisation"}
STANCES = {"STANCE_UNSPECIFIED": 0, "STANCE_SUPPORTS": 1, "STANCE_REFUTES": 2,
           "STANCE_DISCUSSES": 3}
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
                      for name in ("entities", "sources", "claims")}
        self.entities = {}       # external id -> internal id
        self.entity_types = []   # by internal id - 1
        self.sources = {}
        self.publishers = {}     # source internal id -> publisher internal id
        self.claims = {}
        self.statements = {}     # (subject, predicate, object key) -> internal id
        self.statement_rows = []  # (subject, predicate, object, literal)
        self.best_confidence = []  # by statement internal id - 1
        self.subjects = set()
        self.counts = {"entities": 0, "sources": 0, "claims": 0, "other_records": 0}

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
        if statement is None:
            return  # claims by statement id do not occur in generated files
        obj = statement.get("object", {})
        object_entity = self.entities.get(obj.get("entity_id")) if "entity_id" in obj else None
        literal = None if object_entity else json.dumps(obj, sort_keys=True)
        subject = self.entities.get(statement["subject_id"])
        key = (subject, statement["predicate"], object_entity, literal,
               json.dumps(statement.get("qualifiers"), sort_keys=True))
        statement_id = self.statements.get(key)
        if statement_id is None:
            statement_id = len(self.statements) + 1
            self.statements[key] = statement_id
            self.statement_rows.append((subject, statement["predicate"], object_entity, literal))
            self.best_confidence.append(None)
        internal = len(self.claims) + 1
        self.claims[record["id"]] = internal
        confidence = float(record.get("confidence", 1.0))
        stance = STANCES.get(record.get("stance", "STANCE_UNSPECIFIED"), 0)
        if stance == 1:
            best = self.best_confidence[statement_id - 1]
            if best is None or confidence > best:
                self.best_confidence[statement_id - 1] = confidence
        claimant = self.entities.get(record.get("claimant", {}).get("entity_id"))
        self.files["claims"].write("%d\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n" % (
            internal, tsv(record["id"]), statement_id, tsv(claimant),
            tsv(self.entities.get(record.get("on_behalf_of_id"))),
            tsv(self.sources.get(record.get("source_id"))), confidence, stance,
            tsv(self.claims.get(record.get("relays_claim_id"))), tsv(record.get("claimed_at"))))
        if object_entity is not None:
            self.subjects.add(subject)
        self.counts["claims"] += 1

    def add(self, record):
        if "entity" in record:
            self.entity(record["entity"])
        elif "source" in record:
            self.source(record["source"])
        elif "claim" in record:
            self.claim(record["claim"])
        else:
            self.counts["other_records"] += 1

    def finish(self):
        for f in self.files.values():
            f.close()
        edges = 0
        with open(os.path.join(self.pg, "statements.tsv"), "w", buffering=1 << 20) as st, \
                open(os.path.join(self.pg, "edges.tsv"), "w", buffering=1 << 20) as ed:
            for i, (subject, predicate, object_entity, literal) in enumerate(self.statement_rows):
                st.write("%d\t%s\t%s\t%s\t%s\n" % (i + 1, tsv(subject), tsv(predicate),
                                                   tsv(object_entity), tsv(literal)))
                if object_entity is not None and subject is not None:
                    best = self.best_confidence[i]
                    ed.write("%d\t%d\t%s\t%d\t%s\n" % (subject, object_entity, predicate, i + 1,
                                                       0.0 if best is None else best))
                    edges += 1
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--point-reads", type=int, default=10000)
    args = parser.parse_args()
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
    # Traversal starts: uniformly random among entities with at least one out-edge (a random
    # entity of a power-law graph mostly has none, which measures nothing but the call).
    with_edges = sorted(converter.subjects)
    writes = {
        "entities.txt": [rng.choice(entity_ids) for _ in range(args.point_reads)],
        "starts.txt": [by_internal[rng.choice(with_edges)] for _ in range(args.starts)],
        "pairs.txt": ["%s %s" % (by_internal[rng.choice(with_edges)],
                                 by_internal[rng.choice(with_edges)]) for _ in range(args.pairs)],
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
