#!/usr/bin/python3
"""ClaimReview in and out against real claimgraphd servers: the CLI exports a statement's
assessments as schema.org ClaimReview JSON-LD, which a JSON-LD processor (jsonld.js, from
tests/js) validates; importing the export back changes nothing; a fresh server imports it,
and its own export then round-trips unchanged; schema.org's ClaimReview example imports; bad
reviews of a feed are reported by their position, the rest imported."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

from claimgraphd_fixture import ServerFixture

ARGS = None


def token_of(server):
    with open(os.path.join(server.dir, "db", "admin.token")) as f:
        return f.read().split()[0]


class ClaimReviewTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="claimgraph-claimreview-")
        cls.a = ServerFixture(ARGS.server, ["--load", ARGS.sample])
        cls.b = ServerFixture(ARGS.server, [])  # the schema.org example and bad feeds
        cls.c = ServerFixture(ARGS.server, [])  # the round trip into an empty server
        cls.channels = {}

    @classmethod
    def tearDownClass(cls):
        for channel in cls.channels.values():
            channel.close()
        for server in (cls.a, cls.b, cls.c):
            server.stop()

    def stub(self, server, kind):
        if server.port not in self.channels:
            self.channels[server.port] = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        module = {"claim": claim_service_pb2_grpc.ClaimServiceStub,
                  "exchange": import_export_service_pb2_grpc.ImportExportServiceStub}[kind]
        return module(self.channels[server.port])

    def meta(self, server):
        return [("authorization", "Bearer " + token_of(server))]

    def cli(self, server, *args, stdin=None):
        return subprocess.run([ARGS.cli, "--server", f"127.0.0.1:{server.port}",
                               "--token", token_of(server), *args],
                              input=stdin, capture_output=True, text=True, timeout=60)

    def export(self, server, *args):
        result = self.cli(server, "export", "--format", "claimreview", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [line for line in result.stdout.split("\n") if line.strip()]

    def validate(self, lines):
        path = os.path.join(self.tmp, "reviews.ndjson")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        result = subprocess.run(["node", os.path.join(ARGS.js, "claimreview_check.js"), path],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "NODE_PATH": os.path.join(ARGS.js, "node_modules")})
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        checked = json.loads(result.stdout)
        self.assertEqual(checked["documents"], len(lines))
        self.assertGreater(checked["quads"], 10 * len(lines))

    def import_feed(self, server, text):
        return self.stub(server, "exchange").ImportClaimReview(
            import_export_service_pb2.ImportClaimReviewRequest(feed=text.encode()),
            metadata=self.meta(server), timeout=60)

    def assert_nothing_changed(self, summary):
        for kind in ["entities", "sources", "claims", "assessments"]:
            counts = getattr(summary, kind)
            self.assertEqual((counts.created, counts.updated, counts.rejected), (0, 0, 0), kind)
        self.assertEqual(summary.rejected_total, 0)

    def test_export_validates_and_round_trips(self):
        claims = self.stub(self.a, "claim")
        claim = claims.GetClaim(claim_service_pb2.GetClaimRequest(id="claim-route-from-kirby"),
                                metadata=self.meta(self.a), timeout=10)
        for target, verdict, words in [
                (model_pb2.Target(statement_id=claim.statement_id), model_pb2.VERDICT_TRUE,
                 "Accurate: confirmed by the route analysis"),
                (model_pb2.Target(claim_id=claim.id), model_pb2.VERDICT_MIXTURE, "Half right")]:
            claims.CreateAssessment(claim_service_pb2.CreateAssessmentRequest(
                assessment=model_pb2.Assessment(
                    assessor_id="claimgraph-sample-editors", target=target, verdict=verdict,
                    verdict_text=words, explanation="checked for the test",
                    assessed_at=timestamp_pb2.Timestamp(seconds=1764547200))),
                metadata=self.meta(self.a), timeout=10)
        exported = self.export(self.a, "--statement", claim.statement_id)
        self.assertEqual(len(exported), 2)
        self.validate(exported)
        reviews = [json.loads(line) for line in exported]
        self.assertEqual({r["reviewRating"]["alternateName"] for r in reviews},
                         {"Accurate: confirmed by the route analysis", "Half right"})
        # The claim's author is who said it first, by the trace.
        trace = provenance_service_pb2_grpc.ProvenanceServiceStub(
            self.channels[self.a.port]).TraceStatement(
                provenance_service_pb2.TraceStatementRequest(statement_id=claim.statement_id),
                metadata=self.meta(self.a), timeout=10).trace
        first = claims.GetClaim(claim_service_pb2.GetClaimRequest(id=trace.first_claim_ids[0]),
                                metadata=self.meta(self.a), timeout=10)
        self.assertEqual({r["itemReviewed"]["author"]["@id"] for r in reviews},
                         {"http://claimgraph.example/id/entity/" + first.claimant.entity_id})
        self.assertTrue(all("shipped from" in r["claimReviewed"] for r in reviews))
        # Every assessed statement: the same two (the sample's other assessment is of a page).
        self.assertEqual(sorted(self.export(self.a)), sorted(exported))

        # Back into the same server: nothing changes.
        summary = self.import_feed(self.a, "\n".join(exported))
        self.assert_nothing_changed(summary)
        self.assertEqual(summary.assessments.unchanged, 2)

        # Into a fresh server: the statement is not there, so the claim is taken in words.
        summary = self.import_feed(self.c, json.dumps(reviews))
        self.assertEqual(summary.rejected_total, 0, summary)
        self.assertEqual(summary.assessments.created, 2)
        self.assertEqual(summary.claims.created, 1)
        first = self.export(self.c)
        self.assertEqual(len(first), 2)
        self.validate(first)
        self.assert_nothing_changed(self.import_feed(self.c, "\n".join(first)))
        second = self.export(self.c)
        self.assertEqual([json.loads(line) for line in sorted(second)],
                         [json.loads(line) for line in sorted(first)])

    def test_schema_org_example_imports(self):
        example = os.path.join(ARGS.data, "schemaorg-example.jsonld")
        result = self.cli(self.b, "import", "--format", "claimreview", example)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(example) as f:
            text = f.read()
        again = self.import_feed(self.b, text)
        self.assert_nothing_changed(again)
        self.assertEqual(again.assessments.unchanged, 1)
        perry = entity_service_pb2_grpc.EntityServiceStub(self.channels[self.b.port]).SearchEntities(
            entity_service_pb2.SearchEntitiesRequest(query="Rich Perry"),
            metadata=self.meta(self.b), timeout=10).entities
        self.assertEqual([(e.name, e.type) for e in perry], [("Rich Perry", "person")])
        found = self.stub(self.b, "claim").ListClaims(
            claim_service_pb2.ListClaimsRequest(subject_id=perry[0].id, page_size=100),
            metadata=self.meta(self.b), timeout=10)
        said = [c for c in found.claims if "3,000 homicides" in c.statement.object.string_value]
        self.assertEqual(len(said), 1)
        assessments = self.stub(self.b, "claim").ListAssessments(
            claim_service_pb2.ListAssessmentsRequest(target=model_pb2.Target(claim_id=said[0].id)),
            metadata=self.meta(self.b), timeout=10).assessments
        self.assertEqual([(a.verdict_text, a.verdict) for a in assessments],
                         [("True", model_pb2.VERDICT_TRUE)])

    def test_bad_reviews_are_reported_by_position(self):
        good = {"@context": "https://schema.org", "@type": "ClaimReview",
                "url": "https://factcheck.example/position-test", "claimReviewed": "Cats can fly",
                "author": {"@type": "Organization", "name": "Position Checkers"},
                "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Cat"}},
                "reviewRating": {"@type": "Rating", "alternateName": "False"}}
        no_rating = dict(good, url="https://factcheck.example/no-rating")
        del no_rating["reviewRating"]
        summary = self.import_feed(self.b, json.dumps([good, no_rating, {"@type": "Person"}]))
        self.assertEqual(summary.assessments.created, 1)
        self.assertEqual([(r.line, r.message.split("] ")[1].split(":")[0])
                          for r in summary.rejections], [(2, "reviewRating"), (3, "@type")])
        # NDJSON: a line that is not JSON is reported by its line; the others go in.
        feed = "\n".join([json.dumps(dict(good, url="https://factcheck.example/ndjson")),
                          "{not json", ""])
        summary = self.import_feed(self.b, feed)
        self.assertEqual(summary.assessments.created, 1)
        self.assertEqual([r.line for r in summary.rejections], [2])
        self.assertIn("not JSON", summary.rejections[0].message)
        # An empty feed imports nothing, from stdin.
        status = self.cli(self.b, "import", "--format", "claimreview", "-", stdin="[]")
        self.assertEqual(status.returncode, 0, status.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--js", required=True)
    ARGS, rest = parser.parse_known_args()
    sys.path.insert(0, ARGS.stubs)
    import grpc  # noqa: E402
    from google.protobuf import timestamp_pb2  # noqa: E402
    from claimgraph.v1 import (claim_service_pb2, claim_service_pb2_grpc,  # noqa: E402
                               entity_service_pb2, entity_service_pb2_grpc,
                               import_export_service_pb2, import_export_service_pb2_grpc,
                               model_pb2, provenance_service_pb2, provenance_service_pb2_grpc)
    unittest.main(argv=[sys.argv[0]] + rest)
