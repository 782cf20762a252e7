#!/usr/bin/python3
"""Loads an N-Quads export with the W3C PROV library (Debian's python3-prov) and prints how many
records of each PROV kind it holds, one "kind count" per line after "records N"; exits non-zero
when the library rejects the document or when its attributions are not those of the quads.

python3-prov names every record by a qualified name and N-Quads has no prefixes, so the quads are
first read with rdflib and written as TriG with prefixes for our IRIs (the same quads, named
graphs and all: each named graph is a PROV bundle). Usage: prov_check.py FILE.nq"""
import collections
import sys

import prov.model
import rdflib

BASE = "http://claimgraph.example/id/"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def main():
    dataset = rdflib.Dataset()
    dataset.parse(sys.argv[1], format="nquads")
    for kind in ["entity", "source", "claim", "statement", "assessment", "event"]:
        dataset.bind(kind, BASE + kind + "/")
    dataset.bind("cg", "http://claimgraph.example/vocab#")
    document = prov.model.ProvDocument.deserialize(
        content=dataset.serialize(format="trig"), format="rdf", rdf_format="trig")
    records = list(document.get_records())
    for bundle in document.bundles:
        records.extend(bundle.get_records())
    counts = collections.Counter(type(r).__name__ for r in records)
    print("records", len(records))
    for kind, count in sorted(counts.items()):
        print(kind, count)
    attributed = sum(1 for _ in dataset.quads((None, PROV.wasAttributedTo, None, None)))
    if counts["ProvAttribution"] != attributed:
        sys.exit(f"{counts['ProvAttribution']} attributions read, {attributed} in the quads")


if __name__ == "__main__":
    main()
