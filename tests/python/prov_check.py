#!/usr/bin/python3
"""Loads an N-Quads export with the W3C PROV library (Debian's python3-prov) and prints how many
records of each PROV kind it holds, one "kind count" per line; exits non-zero when the library
rejects the document. Usage: prov_check.py FILE.nq"""
import collections
import sys

import prov.model


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    document = prov.model.ProvDocument.deserialize(content=text, format="rdf", rdf_format="nquads")
    records = list(document.get_records())
    for bundle in document.bundles:
        records.extend(bundle.get_records())
    counts = collections.Counter(type(r).__name__ for r in records)
    print("records", len(records))
    for kind, count in sorted(counts.items()):
        print(kind, count)


if __name__ == "__main__":
    main()
