#!/usr/bin/python3
"""Regenerates the seed corpora in tests/fuzz/corpus/ from the sample data and the default schema.

Run from the repository root with Debian's /usr/bin/python3 (needs python3-protobuf and protoc):
    /usr/bin/python3 tests/fuzz/make_corpus.py
Only the generated seeds (names starting with "sample_", "record_" or "gen_") are replaced; the
hand-written ones ("hand_*") and the inputs libFuzzer found and merged in (`-merge=1`, named by
their SHA-1) are kept.
"""
import hashlib
import json
import os
import pathlib
import struct
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"
SAMPLE = ROOT / "data/sample/claims.ndjson"
SCHEMA = ROOT / "schema/default.textproto"

# validation_fuzz selects the message by the first byte (see validation_fuzz.cc).
SELECTOR = {"entity": 0, "source": 1, "claim": 2, "assessment": 3, "lifecycle_event": 4}


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def clear_generated(target):
    folder = CORPUS / target
    if folder.exists():
        for path in folder.iterdir():
            if path.name.startswith(("sample_", "record_", "gen_")):
                path.unlink()


def short_hash(data):
    return hashlib.sha256(data).hexdigest()[:12]


def main():
    with tempfile.TemporaryDirectory() as stubs:
        subprocess.run(["protoc", "-I", str(ROOT / "proto"), "--python_out", stubs,
                        "claimgraph/v1/model.proto"], check=True)
        sys.path.insert(0, stubs)
        from claimgraph.v1 import model_pb2
        from google.protobuf import json_format

        for target in ("ndjson_record_fuzz", "validation_fuzz", "schema_fuzz", "key_codec_fuzz"):
            clear_generated(target)

        lines = [line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
        for line in lines:
            write("ndjson_record_fuzz", "sample_" + short_hash(line), line + b"\n")
            record = json_format.Parse(line, model_pb2.ImportRecord())
            kind = record.WhichOneof("record")
            message = getattr(record, kind)
            payload = message.SerializeToString(deterministic=True)
            write("validation_fuzz", "sample_" + short_hash(payload),
                  bytes([SELECTOR[kind]]) + payload)
            # The same record through the ImportRecord path (selector 11).
            whole = record.SerializeToString(deterministic=True)
            write("validation_fuzz", "record_" + short_hash(whole), bytes([11]) + whole)
        # A few lines together, as a file holds them.
        block = b"\n".join(lines[:6]) + b"\n"
        write("ndjson_record_fuzz", "sample_block", block)

        write("schema_fuzz", "default.textproto", SCHEMA.read_bytes())

        # Key codec: real keys of each family.
        def u64(value):
            return struct.pack(">Q", value)

        def u32(value):
            return struct.pack(">I", value)

        keys = {
            "edge_out": b"o" + u64(1) + u32(7) + u64(2) + u64(3),
            "edge_in": b"i" + u64(2) + u32(7) + u64(1) + u64(3),
            "edge_max": b"o" + u64(2**64 - 1) + u32(2**32 - 1) + u64(2**64 - 1) + u64(1),
            "posting": b"r" + u64(5) + u64(1700000000000000) + u64(9),
            "named_posting": b"n" + b"kirby\x00" + u64(4),
            "record_versioned": b"E" + u64(1) + u64(1700000000000000),
            "dictionary": b"eiran",
            "all_ff": b"\xff" * 12,
        }
        for name, key in keys.items():
            write("key_codec_fuzz", "gen_" + name, key)


if __name__ == "__main__":
    main()
