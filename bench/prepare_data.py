#!/usr/bin/python3
"""prepare_data.py: turns a generated NDJSON claims file into everything a benchmark run needs.

Reads the import file (from either generator) once and writes, into --out-dir:
  fixtures.ndjson   records appended to the data set so the provenance workloads have known
                    cases: relay chains of 5 claims (trace) and statements with 100 claims each
                    from many claimants, some relaying others (corroborate);
  pg/*.tsv          the same data (file + fixtures) as PostgreSQL COPY text files: entities
                    (aliases, external ids, attributes), sources (latest version, dates,
                    reliability), source_derivations, statements, claims (basis, certainty and
                    estimative band, quote and offsets), lifecycle_events (RELAYS links too);
                    PostgreSQL builds its edges table from these, bench/pg_schema.sql;
  targets/*.txt     the workload's random inputs, fixed seed, shared by both systems;
  counts.json       record counts.
Internal integer ids for PostgreSQL are assigned here (entities, sources, claims, statements),
so PostgreSQL joins on bigint keys, its fastest layout; external ids stay in a unique column.

Statements are identified as claimgraph identifies them: by their id (a claim may name its
statement by id only; the project generator writes the id beside each inline statement), else by
content. A claim is inactive once a retraction or deprecation targets it (docs/provenance.md 4).
Traversal starts and path ends are drawn among entities with a walkable out-edge: an entity
object and at least one active supporting claim (traversal's default filter).

  prepare_data.py --edge-check DUMP --pg-scores FILE --out-dir DIR  (after both loads)
checks claimgraph's per-edge figures (`storage_bench edges` output: active claims, supporting,
refuting, best supporting confidence) against this file's independent model, and the fused
score claimgraph's scorer stored on each edge against the one PostgreSQL computed itself
(`pg_bench --score-statements`, FILE: its edge_scores table), to 1e-9; writes edge_check.json.
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
LIFECYCLE_KINDS["LIFECYCLE_KIND_RELAYS"] = 4
DEACTIVATING_KINDS = (1, 3)  # retraction, deprecation
RELIABILITIES = {"RELIABILITY_UNSPECIFIED": 0, "RELIABILITY_A": 1, "RELIABILITY_B": 2,
                 "RELIABILITY_C": 3, "RELIABILITY_D": 4, "RELIABILITY_E": 5, "RELIABILITY_F": 6}
CERTAINTIES = {"CERTAINTY_UNSPECIFIED": 4, "CERTAINTY_CERTAIN": 1, "CERTAINTY_PROBABLE": 2,
               "CERTAINTY_POSSIBLE": 3, "CERTAINTY_UNDERSPECIFIED": 4}
DERIVATION_TYPES = {"DERIVATION_TYPE_UNSPECIFIED": 0, "DERIVATION_TYPE_REPUBLISHES": 1,
                    "DERIVATION_TYPE_QUOTES": 2, "DERIVATION_TYPE_CITES": 3,
                    "DERIVATION_TYPE_REVISES": 4, "DERIVATION_TYPE_TRANSLATES": 5,
                    "DERIVATION_TYPE_PRIMARY_SOURCE": 6}
# ICD 203's estimative terms and their bands, as claimgraph stores them on a claim
# (server/engine/estimative.cc): the band then sets the claim's strength (docs/provenance.md 3.1).
ESTIMATIVE_BANDS = {
    "almost no chance": (0.01, 0.05), "remote": (0.01, 0.05), "very unlikely": (0.05, 0.20),
    "highly improbable": (0.05, 0.20), "unlikely": (0.20, 0.45), "improbable": (0.20, 0.45),
    "probably not": (0.20, 0.45), "roughly even chance": (0.45, 0.55),
    "roughly even odds": (0.45, 0.55), "likely": (0.55, 0.80), "probable": (0.55, 0.80),
    "probably": (0.55, 0.80), "very likely": (0.80, 0.95), "highly probable": (0.80, 0.95),
    "almost certain": (0.95, 0.99), "almost certainly": (0.95, 0.99),
    "nearly certain": (0.95, 0.99)}
CASES = ("principal", "basis", "anonymous", "relay_chain", "own_voice", "derivation_chain",
         "refutation", "retraction", "relay_cycle")
RELAY_CHAINS = 50
RELAY_RINGS = 10
RELAY_DEPTH = 5
CORROBORATION_STATEMENTS = 20
CLAIMS_PER_STATEMENT = 100


def normalize(text):
    """text::NormalizeName: ASCII lower case, runs of white space folded to one, trimmed."""
    out, pending = [], False
    for c in text or "":
        if c in " \t\n\r":
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
        pending = False
        out.append(chr(ord(c) + 32) if "A" <= c <= "Z" else c)
    return "".join(out)


def json_or_none(value):
    return json.dumps(value, sort_keys=True) if value else None


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
                      for name in ("entities", "claims", "lifecycle_events", "assessments")}
        self.entities = {}       # external id -> internal id
        self.entity_types = []   # by internal id - 1
        self.sources = {}
        self.publishers = {}     # source internal id -> publisher internal id
        self.source_records = {}  # source internal id -> its latest version (written at the end)
        self.claims = {}
        self.claim_statement = [0]  # by claim internal id: statement internal id
        self.claim_stance = [0]
        self.inactive = set()       # claim internal ids retracted or deprecated
        # docs/provenance.md's origin cases each claim (and so its statement) exercises, by
        # claim internal id: how trace and corroboration targets are drawn to cover them all.
        self.claim_cases = {case: [] for case in CASES}
        self.statement_first_claim = {}  # statement internal id -> its first claim
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
        self.files["entities"].write("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
            internal, tsv(record["id"]), tsv(record.get("type")), tsv(record.get("name")),
            tsv(record.get("description")), tsv(json_or_none(record.get("aliases"))),
            tsv(json_or_none(record.get("external_ids"))),
            tsv(json_or_none(record.get("attributes")))))
        self.counts["entities"] += 1

    def source(self, record):
        # A later version of a source replaces it (the generator closes derivation cycles so):
        # answers read the version current at their time, the latest.
        internal = self.sources.get(record["id"])
        if internal is None:
            internal = len(self.sources) + 1
            self.sources[record["id"]] = internal
            self.counts["sources"] += 1
        self.publishers[internal] = self.entities.get(record.get("publisher_id"))
        self.source_records[internal] = record

    def write_sources(self):
        with open(os.path.join(self.pg, "sources.tsv"), "w", buffering=1 << 20) as out, \
                open(os.path.join(self.pg, "source_derivations.tsv"), "w",
                     buffering=1 << 20) as derivations:
            for internal in sorted(self.source_records):
                record = self.source_records[internal]
                out.write("\t".join(tsv(v) for v in (
                    internal, record["id"], self.publishers[internal], record.get("url"),
                    record.get("title"), record.get("kind"), record.get("declared_published_at"),
                    record.get("first_seen_at"), record.get("retrieved_at"),
                    record.get("content_hash"),
                    RELIABILITIES.get(record.get("reliability", "RELIABILITY_UNSPECIFIED"), 0),
                    record.get("language"))) + "\n")
                for ordinal, link in enumerate(record.get("derived_from", [])):
                    earlier = self.sources.get(link.get("source_id"))
                    if earlier is not None:
                        derivations.write("%d\t%d\t%d\t%d\n" % (
                            internal, ordinal, earlier,
                            DERIVATION_TYPES.get(link.get("type"), 0)))

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
        self.statement_first_claim.setdefault(statement_id, internal)
        self.note_cases(internal, record)
        confidence = float(record.get("confidence", 1.0))
        stance = STANCES.get(record.get("stance", "STANCE_UNSPECIFIED"), 0)
        self.claim_statement.append(statement_id)
        self.claim_stance.append(stance)
        claimant = record.get("claimant", {})
        basis = record.get("basis", {})
        quote = record.get("quote", {})
        band = ESTIMATIVE_BANDS.get(normalize(record.get("estimative_word", "")), (None, None))
        self.files["claims"].write("\t".join(tsv(v) for v in (
            internal, record["id"], statement_id, self.entities.get(claimant.get("entity_id")),
            claimant.get("some_value", {}).get("description") if "some_value" in claimant
            else None,
            self.entities.get(record.get("on_behalf_of_id")),
            self.sources.get(record.get("source_id")), confidence, stance,
            CERTAINTIES.get(record.get("certainty", "CERTAINTY_UNSPECIFIED"), 4),
            record.get("estimative_word"), band[0], band[1], record.get("act"), record.get("cue"),
            self.claims.get(record.get("relays_claim_id")), record.get("claimed_at"),
            basis.get("source_id"), self.sources.get(basis.get("source_id")),
            basis.get("entity_id"), basis.get("description"), quote.get("text"),
            quote.get("start"), quote.get("end"))) + "\n")
        self.counts["claims"] += 1

    def note_cases(self, internal, record):
        claimant = record.get("claimant", {})
        principal = record.get("on_behalf_of_id") or claimant.get("entity_id")
        source = self.sources.get(record.get("source_id"))
        cases = []
        if record.get("on_behalf_of_id"):
            cases.append("principal")
        if record.get("basis"):
            cases.append("basis")
        if "some_value" in claimant:
            cases.append("anonymous")
        if record.get("relays_claim_id"):
            cases.append("relay_chain")
        if source is not None:
            if principal and self.source_records[source].get("publisher_id") == principal:
                cases.append("own_voice")
            if self.source_records[source].get("derived_from"):
                cases.append("derivation_chain")
        if record.get("stance") == "STANCE_REFUTES":
            cases.append("refutation")
        for case in cases:
            self.claim_cases[case].append(internal)

    def lifecycle_event(self, record):
        if record.get("id") in self.events:
            return
        self.events.add(record.get("id"))
        kind = LIFECYCLE_KINDS.get(record.get("kind", "LIFECYCLE_KIND_UNSPECIFIED"), 0)
        target = record.get("target", {})
        claim = self.claims.get(target.get("claim_id"))
        source = self.sources.get(target.get("source_id"))
        self.files["lifecycle_events"].write("\t".join(tsv(v) for v in (
            len(self.events), record.get("id"), kind, claim, source,
            self.claims.get(record.get("relays_claim_id")),
            self.entities.get(record.get("actor_id")), record.get("occurred_at"),
            record.get("reason"))) + "\n")
        if claim is not None and kind in DEACTIVATING_KINDS:
            self.inactive.add(claim)
            self.claim_cases["retraction"].append(claim)
        if claim is not None and kind == 4:
            self.claim_cases["relay_cycle"].append(claim)
        self.counts["lifecycle_events"] += 1

    def assessment(self, record):
        target = record.get("target", {})
        self.counts["assessments"] = self.counts.get("assessments", 0) + 1
        self.files["assessments"].write("\t".join(tsv(v) for v in (
            self.counts["assessments"], record.get("id"),
            self.entities.get(record.get("assessor_id")), self.claims.get(target.get("claim_id")),
            self.statements.get(target.get("statement_id")),
            self.sources.get(target.get("source_id")), record.get("verdict_text"),
            record.get("verdict"), record.get("media_category"), record.get("explanation"),
            record.get("assessed_at"))) + "\n")

    def add(self, record):
        if "entity" in record:
            self.entity(record["entity"])
        elif "source" in record:
            self.source(record["source"])
        elif "claim" in record:
            self.claim(record["claim"])
        elif "lifecycle_event" in record:
            self.lifecycle_event(record["lifecycle_event"])
        elif "assessment" in record:
            self.assessment(record["assessment"])
        else:
            self.counts["other_records"] += 1

    def finish(self):
        for f in self.files.values():
            f.close()
        self.write_sources()
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

    def claim(claim_id, subject, obj, claimant, relays=None, confidence=0.8,
              stance="STANCE_SUPPORTS", basis=None):
        body = {"id": claim_id,
                "statement": {"subject_id": subject, "predicate": "trusts",
                              "object": {"entity_id": obj}},
                "act": "CLAIM_ACT_REPORTS" if relays else "CLAIM_ACT_ASSERTS",
                "stance": stance, "claimant": {"entity_id": claimant},
                "source_id": rng.choice(sources), "confidence": confidence,
                "claimed_at": "2025-01-01T00:00:00Z"}
        if relays:
            body["relays_claim_id"] = relays
        if basis:
            body["basis"] = basis
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
            relays = rng.choice(made)[0] if made and rng.random() < 0.25 else None
            # Some refute, some rest on a named entity (a basis the generator does not write),
            # and a few are retracted afterwards.
            stance = "STANCE_REFUTES" if rng.random() < 0.15 else "STANCE_SUPPORTS"
            basis = {"entity_id": rng.choice(agents)} if rng.random() < 0.1 else None
            claimant = rng.choice(claimants)
            records.append(claim(claim_id, subject, obj, claimant, relays,
                                 round(0.3 + 0.7 * rng.random(), 2), stance, basis))
            made.append((claim_id, claimant))
        for k in rng.sample(range(CLAIMS_PER_STATEMENT), 5):
            records.append({"lifecycle_event": {
                "id": "bench-corr-%d-%d-retraction" % (statement, k),
                "kind": "LIFECYCLE_KIND_RETRACTION", "target": {"claim_id": made[k][0]},
                "actor_id": made[k][1], "reason": "withdrawn"}})
        corroborate_targets.append(made[0][0])
    # Relay cycles: b relays a when written, a relays b by a later RELAYS link, and a page relays
    # a (docs/provenance.md 1: circular reporting).
    for ring in range(RELAY_RINGS):
        subject, obj = rng.choice(agents), rng.choice(agents)
        a, b, page = ("bench-ring-%d-%s" % (ring, name) for name in ("a", "b", "page"))
        records.append(claim(a, subject, obj, rng.choice(claimants)))
        records.append(claim(b, subject, obj, rng.choice(claimants), a, 0.9))
        records.append({"lifecycle_event": {
            "id": "bench-ring-%d-link" % ring, "kind": "LIFECYCLE_KIND_RELAYS",
            "target": {"claim_id": a}, "relays_claim_id": b, "actor_id": rng.choice(claimants)}})
        records.append(claim(page, subject, obj, rng.choice(claimants), a))
        trace_targets.append(page)
        corroborate_targets.append(a)
    return records, trace_targets, corroborate_targets


def draw_targets(rng, claim_cases, claim_count, wanted, fixed, key_of, target_of):
    """`wanted` distinct targets (keys: claims, or statements of claims): the fixtures' own, then
    an equal share drawn from the claims of each origin case, then claims at random. Returns the
    targets (shuffled, fixed seed) and, per case, how many of the targets fall under it (the
    fixtures' own included; a target can fall under several cases)."""
    chosen, seen, cases = [], set(), {}
    for target in fixed:
        if target not in seen:
            seen.add(target)
            chosen.append(target)
    share = max(1, (wanted - len(chosen)) // len(CASES))
    for case in CASES:
        candidates = claim_cases[case][:]
        rng.shuffle(candidates)
        taken = 0
        for claim in candidates:
            if taken >= share:
                break
            target = target_of(key_of(claim))
            if target not in seen:
                seen.add(target)
                chosen.append(target)
                taken += 1
    attempts = 0
    while len(chosen) < wanted and attempts < 20 * wanted:
        attempts += 1
        target = target_of(key_of(rng.randrange(1, claim_count + 1)))
        if target not in seen:
            seen.add(target)
            chosen.append(target)
    for case in CASES:
        cases[case] = len({target_of(key_of(claim)) for claim in claim_cases[case]} & seen)
    rng.shuffle(chosen)
    return chosen, cases


def edge_check(dump_path, pg_scores_path, out_dir):
    """claimgraph's edge aggregates against the model, its scores against PostgreSQL's."""
    pg = os.path.join(out_dir, "pg")
    claim_statement, stance, confidence = {}, [], []
    internal_of = {}
    with open(os.path.join(pg, "claims.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            internal_of[fields[1]] = int(fields[0])
            claim_statement[int(fields[0])] = int(fields[2])
            confidence.append(float(fields[7]))
            stance.append(int(fields[8]))
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
    pg_scores = {}
    with open(pg_scores_path) as f:
        for line in f:
            statement, score = line.split()
            pg_scores[int(statement)] = float(score)
    edges = scored = 0
    differences = []
    score_differences = []
    with open(dump_path) as f:
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
                scored += 1
                theirs = pg_scores.get(statement)
                if theirs is None or abs(theirs - float(score)) > 1e-9:
                    score_differences.append("statement of claim %s: claimgraph's score %s, "
                                             "PostgreSQL's %s" % (claim_id, score, theirs))
    differences += score_differences
    summary = {"edges": edges, "scored": scored, "differences": len(differences),
               "score_differences": len(score_differences),
               "first_differences": differences[:5]}
    with open(os.path.join(out_dir, "edge_check.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("prepare_data: edge aggregates: %d edges, %d with a fused score, %d differ from "
          "PostgreSQL's (of them %d scores)%s" % (edges, scored, len(differences),
                                                 len(score_differences),
                                    "".join("\n  " + d for d in differences[:5])),
          file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input")
    parser.add_argument("--edge-check", help="storage_bench edges output (after both loads)")
    parser.add_argument("--pg-scores", help="PostgreSQL's edge_scores table (with --edge-check)")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--point-reads", type=int, default=10000)
    parser.add_argument("--trace-targets", type=int, default=1000)
    parser.add_argument("--corroborate-targets", type=int, default=1000)
    args = parser.parse_args()
    if args.edge_check:
        if not args.pg_scores:
            parser.error("--edge-check needs --pg-scores")
        edge_check(args.edge_check, args.pg_scores, args.out_dir)
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
    claim_ext = [None] * (len(converter.claims) + 1)
    for ext, internal in converter.claims.items():
        claim_ext[internal] = ext
    trace, trace_cases = draw_targets(rng, converter.claim_cases, len(claim_ext) - 1,
                                      args.trace_targets, trace_targets, lambda c: c,
                                      lambda c: claim_ext[c])
    # A statement is drawn through a claim of it (both systems resolve it, untimed); its cases
    # are those of its claims.
    statement_of = converter.claim_statement
    first_claim = converter.statement_first_claim
    corroborate, corroborate_cases = draw_targets(
        rng, converter.claim_cases, len(claim_ext) - 1, args.corroborate_targets,
        corroborate_targets, lambda c: statement_of[c],
        lambda statement: claim_ext[first_claim[statement]])
    converter.counts["trace_targets"] = len(trace)
    converter.counts["trace_target_cases"] = trace_cases
    converter.counts["corroborate_targets"] = len(corroborate)
    converter.counts["corroborate_target_cases"] = corroborate_cases
    writes = {
        "entities.txt": [rng.choice(entity_ids) for _ in range(args.point_reads)],
        "starts.txt": [by_internal[rng.choice(with_edges)] for _ in range(args.starts)],
        "pairs.txt": [pair() for _ in range(args.pairs)],
        "trace.txt": trace,
        "corroborate.txt": corroborate,
        # BatchGetEntities: 100 distinct random ids a call (drawn last: the other inputs stay
        # as they were).
        "batches.txt": [" ".join(rng.sample(entity_ids, min(100, len(entity_ids))))
                        for _ in range(max(1, args.point_reads // 10))],
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
