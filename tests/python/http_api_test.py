#!/usr/bin/python3
"""The HTTP/JSON API (gRPC-JSON transcoding) against the real claimgraphd with the sample
article loaded and bearer tokens on: every transcoded method answers the same message as its
gRPC twin (the HTTP body parsed with protobuf's JSON mapping equals the gRPC response), bad input
gets the same status code and message, roles hold (a reader cannot write), and errors are
{"code", "message"} with the HTTP status of the gRPC code."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

from claimgraphd_fixture import ServerFixture

ARGS = None
TOKENS = {"reader": "reader-secret", "writer": "writer-secret", "admin": "admin-secret"}


def write_tokens_file(directory):
    path = os.path.join(directory, "tokens")
    with open(path, "w") as f:
        for role, token in TOKENS.items():
            hashed = subprocess.run([ARGS.server, "hash-token"], input=token + "\n", text=True,
                                    capture_output=True, check=True).stdout.strip()
            f.write(f"{hashed} {role} {role}-principal\n")
    return path


class HttpApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="claimgraph-http-")
        cls.server = ServerFixture(ARGS.server, [
            "--metrics-listen", "127.0.0.1:0", "--tokens-file", write_tokens_file(cls.tmp),
            "--load", ARGS.sample])
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{cls.server.port}")
        grpc.channel_ready_future(cls.channel).result(timeout=10)
        cls.stubs = {
            "entity": entity_service_pb2_grpc.EntityServiceStub(cls.channel),
            "claim": claim_service_pb2_grpc.ClaimServiceStub(cls.channel),
            "source": source_service_pb2_grpc.SourceServiceStub(cls.channel),
            "traversal": traversal_service_pb2_grpc.TraversalServiceStub(cls.channel),
            "provenance": provenance_service_pb2_grpc.ProvenanceServiceStub(cls.channel),
            "admin": admin_service_pb2_grpc.AdminServiceStub(cls.channel),
        }

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.stop()

    def http(self, method, path, body=None, role="admin"):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.server.http_port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode())
        if role:
            request.add_header("Authorization", "Bearer " + TOKENS[role])
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def http_full(self, method, path, role="admin"):
        """(status, headers, body bytes) of a request without a body."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.server.http_port}{path}", method=method)
        if role:
            request.add_header("Authorization", "Bearer " + TOKENS[role])
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def grpc_call(self, service, method, request, role="admin"):
        call = getattr(self.stubs[service], method)
        return call(request, metadata=[("authorization", "Bearer " + TOKENS[role])], timeout=30)

    # Fields that move between two calls (the cache counters and the clock).
    VOLATILE = {"GetStats": ["block_cache_hits", "block_cache_misses", "block_cache_hit_rate",
                             "uptime_seconds", "estimated_live_data_bytes", "sst_bytes",
                             "memtable_bytes", "estimated_pending_compaction_bytes", "disk_bytes",
                             "wal_bytes"]}

    def assert_same(self, path, service, method, request, response_type):
        status, body = self.http("GET", path)
        self.assertEqual(status, 200, f"{path}: {body[:300]}")
        expected = self.grpc_call(service, method, request)
        got = json_format.Parse(body, response_type())
        for field in self.VOLATILE.get(method, []):
            got.ClearField(field)
            expected.ClearField(field)
        self.assertEqual(got, expected, path)
        return got

    def test_read_methods_answer_as_their_grpc_twins(self):
        claim = self.grpc_call("claim", "GetClaim",
                               claim_service_pb2.GetClaimRequest(id="claim-route-from-kirby"))
        statement_id = claim.statement_id
        c, e, s, t, p, a = (claim_service_pb2, entity_service_pb2, source_service_pb2,
                            traversal_service_pb2, provenance_service_pb2, admin_service_pb2)
        cases = [
            ("/v1/stats", "admin", "GetStats", a.GetStatsRequest(), a.GetStatsResponse),
            ("/v1/schema", "admin", "GetSchema", a.GetSchemaRequest(), schema_pb2.Schema),
            ("/v1/entities/iran", "entity", "GetEntity", e.GetEntityRequest(id="iran"),
             model_pb2.Entity),
            ("/v1/entities?type=country&page_size=3", "entity", "ListEntities",
             e.ListEntitiesRequest(type="country", page_size=3), e.ListEntitiesResponse),
            ("/v1/entities:search?query=kirby", "entity", "SearchEntities",
             e.SearchEntitiesRequest(query="kirby"), e.SearchEntitiesResponse),
            ("/v1/entities:batchGet?ids=iran&ids=russia", "entity", "BatchGetEntities",
             e.BatchGetEntitiesRequest(ids=["iran", "russia"]), e.BatchGetEntitiesResponse),
            ("/v1/claims/claim-route-from-kirby", "claim", "GetClaim",
             c.GetClaimRequest(id="claim-route-from-kirby"), model_pb2.Claim),
            ("/v1/claims?subjectId=iran&stance=STANCE_SUPPORTS", "claim", "ListClaims",
             c.ListClaimsRequest(subject_id="iran", stance=model_pb2.STANCE_SUPPORTS),
             c.ListClaimsResponse),
            (f"/v1/statements/{statement_id}?include_inactive=true", "claim", "GetStatement",
             c.GetStatementRequest(id=statement_id, include_inactive=True),
             c.GetStatementResponse),
            ("/v1/assessments?target.source_id=capitaltrack-2025-04-16-iran-drones", "claim",
             "ListAssessments", c.ListAssessmentsRequest(target=model_pb2.Target(
                 source_id="capitaltrack-2025-04-16-iran-drones")), c.ListAssessmentsResponse),
            (f"/v1/sources/{claim.source_id}", "source", "GetSource",
             s.GetSourceRequest(id=claim.source_id), model_pb2.Source),
            ("/v1/sources?page_size=5", "source", "ListSources",
             s.ListSourcesRequest(page_size=5), s.ListSourcesResponse),
            ("/v1/entities/iran:neighbors?filter.direction=TRAVERSAL_DIRECTION_OUT", "traversal",
             "Neighbors", t.NeighborsRequest(entity_id="iran", filter=t.EdgeFilter(
                 direction=t.TRAVERSAL_DIRECTION_OUT)), t.NeighborsResponse),
            ("/v1/paths?from_id=iran&to_id=russia&k=2", "traversal", "FindPaths",
             t.FindPathsRequest(from_id="iran", to_id="russia", k=2), t.FindPathsResponse),
            ("/v1/subgraph?entity_ids=iran&depth=1&format=GRAPH_FORMAT_DOT", "traversal",
             "Subgraph", t.SubgraphRequest(entity_ids=["iran"], depth=1,
                                           format=t.GRAPH_FORMAT_DOT), t.SubgraphResponse),
            ("/v1/claims/claim-route-from-kirby:trace", "provenance", "TraceClaim",
             p.TraceClaimRequest(claim_id="claim-route-from-kirby"), p.TraceClaimResponse),
            (f"/v1/statements/{statement_id}:trace", "provenance", "TraceStatement",
             p.TraceStatementRequest(statement_id=statement_id), p.TraceStatementResponse),
            (f"/v1/statements/{statement_id}:corroborate", "provenance", "Corroborate",
             p.CorroborateRequest(statement_id=statement_id), p.CorroborateResponse),
            ("/v1/contradictions?entity_id=russia", "provenance", "Contradictions",
             p.ContradictionsRequest(entity_id="russia"), p.ContradictionsResponse),
            (f"/v1/statements/{statement_id}:whoSaid", "provenance", "WhoSaid",
             p.WhoSaidRequest(statement_id=statement_id), p.WhoSaidResponse),
            ("/v1/entities/john-kirby:claims", "provenance", "ClaimsBy",
             p.ClaimsByRequest(entity_id="john-kirby"), p.ClaimsByResponse),
        ]
        for path, service, method, request, response_type in cases:
            with self.subTest(method=method):
                got = self.assert_same(path, service, method, request, response_type)
                self.assertNotEqual(got, response_type(), f"{method}: empty answer")
        # as_of before anything was recorded: the same NOT_FOUND as over gRPC.
        status, body = self.http("GET", "/v1/claims/claim-route-from-kirby?as_of=2000-01-01T00:00:00Z")
        self.assertEqual(status, 404, body)
        self.assertEqual(json.loads(body)["code"], grpc.StatusCode.NOT_FOUND.value[0])

    def test_bad_input_gets_the_grpc_status(self):
        # An id longer than the 256-byte limit: INVALID_ARGUMENT, the same message both ways,
        # and the echo of the input cut short.
        long_id = "x" * 300
        with self.assertRaises(grpc.RpcError) as raised:
            self.grpc_call("entity", "GetEntity", entity_service_pb2.GetEntityRequest(id=long_id))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        status, body = self.http("GET", "/v1/entities/" + long_id)
        self.assertEqual(json.loads(body), {"code": raised.exception.code().value[0],
                                            "message": raised.exception.details()})
        self.assertEqual(status, 400)
        self.assertIn("id", json.loads(body)["message"])
        self.assertLess(len(body), 400)
        # Unknown: NOT_FOUND (404), as over gRPC.
        with self.assertRaises(grpc.RpcError) as raised:
            self.grpc_call("entity", "GetEntity", entity_service_pb2.GetEntityRequest(id="no such"))
        status, body = self.http("GET", "/v1/entities/no%20such")
        self.assertEqual(status, 404, body)
        self.assertEqual(json.loads(body), {"code": raised.exception.code().value[0],
                                            "message": raised.exception.details()})
        for path, fragment in [("/v1/entities:search?query=kirby&limit=many", "limit"),
                               ("/v1/entities/iran?as_of=yesterday", "as_of"),
                               ("/v1/entities/iran?colour=red", "colour"),
                               ("/v1/claims?stance=STANCE_MAYBE", "stance")]:
            with self.subTest(path=path):
                status, body = self.http("GET", path)
                self.assertEqual(status, 400, body)
                error = json.loads(body)
                self.assertEqual(error["code"], grpc.StatusCode.INVALID_ARGUMENT.value[0])
                self.assertIn(fragment, error["message"])
        status, body = self.http("POST", "/v1/entities", body={"id": 7})
        self.assertEqual(status, 400, body)
        status, body = self.http("POST", "/v1/entities", body={"colour": "red"}, role="writer")
        self.assertEqual(status, 400, body)
        self.assertIn("colour", json.loads(body)["message"])
        self.assertEqual(self.http("GET", "/v1/nothing")[0], 404)
        self.assertEqual(self.http("DELETE", "/v1/entities/iran")[0], 405)

    def test_head_answers_as_get_without_the_body(self):
        statement_id = self.grpc_call("claim", "GetClaim", claim_service_pb2.GetClaimRequest(
            id="claim-route-from-kirby")).statement_id
        paths = ["/v1/entities/iran", "/v1/entities:search?query=kirby",
                 f"/v1/statements/{statement_id}:corroborate", "/v1/stats", "/v1/nothing",
                 "/v1/entities/no%20such", "/", "/explorer/", "/explorer/explorer.js",
                 "/explorer/explorer.css", "/explorer/nothing.js",
                 f"/explorer/trace.svg?statement_id={statement_id}", "/metrics", "/healthz"]
        for path in paths:
            with self.subTest(path=path):
                get_status, get_headers, get_body = self.http_full("GET", path)
                status, headers, body = self.http_full("HEAD", path)
                self.assertEqual(status, get_status)
                self.assertNotIn(status, (405, 501))
                self.assertEqual(body, b"")
                self.assertEqual(headers["Content-Type"], get_headers["Content-Type"])
                self.assertEqual(int(headers["Content-Length"]), len(get_body))
        # Roles hold for HEAD as for GET.
        self.assertEqual(self.http_full("HEAD", "/v1/stats", role="reader")[0], 403)
        self.assertEqual(self.http_full("HEAD", "/v1/entities/iran", role=None)[0], 401)
        # Another method on a GET path: 405, naming what the path answers.
        for path, allowed in [("/v1/entities/iran", "GET, HEAD"), ("/explorer/", "GET, HEAD"),
                              ("/explorer/explorer.js", "GET, HEAD")]:
            with self.subTest(path=path):
                status, headers, _ = self.http_full("DELETE", path)
                self.assertEqual(status, 405)
                self.assertEqual(headers["Allow"], allowed)

    def test_trace_drawings_fit_a_laptop_screen(self):
        # Every statement of the sample article, drawn as the explorer shows it: at 100% (no
        # scaling) and with 10-point node text, at most 1,400 px wide (a laptop's screen).
        claims = self.grpc_call("claim", "ListClaims", claim_service_pb2.ListClaimsRequest(
            page_size=1000)).claims
        statements = sorted({c.statement_id for c in claims})
        self.assertGreater(len(statements), 20)
        widest = (0, None)
        for statement_id in statements:
            status, headers, body = self.http_full(
                "GET", f"/explorer/trace.svg?statement_id={statement_id}")
            self.assertEqual(status, 200, body[:200])
            svg = body.decode()
            width = re.search(r'<svg width="([0-9.]+)pt"', svg)
            self.assertIsNotNone(width, svg[:300])
            pixels = float(width.group(1)) * 96 / 72
            widest = max(widest, (pixels, statement_id))
            self.assertIn("scale(1 1)", svg)
            sizes = {float(x) for x in re.findall(r'font-size="([0-9.]+)"', svg)}
            self.assertIn(10.0, sizes)
            self.assertGreaterEqual(min(sizes), 8.0)
        self.assertLessEqual(widest[0], 1400, f"{widest[1]} is {widest[0]:.0f} px wide")

    def test_writes_and_roles(self):
        entity = {"id": "http-test-agency", "type": "intelligence_agency", "name": "HTTP Agency"}
        status, body = self.http("POST", "/v1/entities", body=entity, role="reader")
        self.assertEqual(status, 403, body)
        self.assertEqual(json.loads(body)["code"], grpc.StatusCode.PERMISSION_DENIED.value[0])
        status, body = self.http("POST", "/v1/entities", body=entity, role=None)
        self.assertEqual(status, 401, body)
        self.assertEqual(json.loads(body)["code"], grpc.StatusCode.UNAUTHENTICATED.value[0])
        status, body = self.http("GET", "/v1/stats", role="reader")
        self.assertEqual(status, 403, body)

        status, body = self.http("POST", "/v1/entities", body=entity, role="writer")
        self.assertEqual(status, 200, body)
        created = json_format.Parse(body, model_pb2.Entity())
        self.assertEqual(created, self.grpc_call("entity", "GetEntity",
                                                 entity_service_pb2.GetEntityRequest(id=entity["id"])))
        self.assertEqual(created.recorded_by, "writer-principal")
        status, body = self.http("POST", "/v1/entities", body=entity, role="writer")
        self.assertEqual(status, 409, body)
        self.assertEqual(json.loads(body)["code"], grpc.StatusCode.ALREADY_EXISTS.value[0])

        source = {"id": "http-test-bulletin", "title": "HTTP bulletin",
                  "kind": "SOURCE_KIND_ARTICLE", "publisherId": entity["id"]}
        status, body = self.http("POST", "/v1/sources", body=source, role="writer")
        self.assertEqual(status, 200, body)
        self.assertEqual(json_format.Parse(body, model_pb2.Source()), self.grpc_call(
            "source", "GetSource", source_service_pb2.GetSourceRequest(id=source["id"])))
        claim = {"claim": {"id": "http-test-claim", "statement": {
                     "subjectId": "iran", "predicate": "supplies", "object": {"entityId": "russia"}},
                 "act": "CLAIM_ACT_ASSERTS", "stance": "STANCE_SUPPORTS",
                 "claimant": {"entityId": entity["id"]}, "sourceId": source["id"]},
                 "requestId": "http-test-1"}
        status, body = self.http("POST", "/v1/claims", body=claim, role="writer")
        self.assertEqual(status, 200, body)
        self.assertEqual(json_format.Parse(body, model_pb2.Claim()), self.grpc_call(
            "claim", "GetClaim", claim_service_pb2.GetClaimRequest(id="http-test-claim")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--sample", required=True)
    ARGS, rest = parser.parse_known_args()
    sys.path.insert(0, ARGS.stubs)
    import grpc  # noqa: E402
    from google.protobuf import json_format  # noqa: E402
    from claimgraph.v1 import (admin_service_pb2, admin_service_pb2_grpc,  # noqa: E402
                               claim_service_pb2, claim_service_pb2_grpc, entity_service_pb2,
                               entity_service_pb2_grpc, model_pb2, provenance_service_pb2,
                               provenance_service_pb2_grpc, schema_pb2, source_service_pb2,
                               source_service_pb2_grpc, traversal_service_pb2,
                               traversal_service_pb2_grpc)
    unittest.main(argv=[sys.argv[0]] + rest)
