#!/usr/bin/python3
"""A client in another language's gRPC stack: Python (Debian's python3-grpcio) talks to the
real claimgraphd — health, server reflection, and creating and reading back an entity and a
claim. Stubs are generated at build time from our protos (see tests/integration/CMakeLists.txt).
"""
import argparse
import sys
import unittest

from claimgraphd_fixture import ServerFixture

ARGS = None


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Without tokens: this test is about the protocol from Python, not authentication.
        cls.server = ServerFixture(ARGS.server, ["--allow-unauthenticated"])
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{cls.server.port}")
        grpc.channel_ready_future(cls.channel).result(timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.stop()

    def test_health(self):
        stub = health_pb2_grpc.HealthStub(self.channel)
        for service in ["", "claimgraph.v1.EntityService", "claimgraph.v1.ClaimService"]:
            response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING, service)

    def test_reflection_lists_services(self):
        stub = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        responses = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        names = {s.name for r in responses for s in r.list_services_response.service}
        for expected in ["claimgraph.v1.EntityService", "claimgraph.v1.SourceService",
                         "claimgraph.v1.ClaimService", "claimgraph.v1.AdminService",
                         "grpc.health.v1.Health"]:
            self.assertIn(expected, names)
        # The file descriptor of a service is served too, so generic tools can call it.
        responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="claimgraph.v1.ClaimService")]), timeout=5)
        files = [r.file_descriptor_response for r in responses]
        self.assertTrue(files and files[0].file_descriptor_proto)

    def test_entity_and_claim_round_trip(self):
        entities = entity_service_pb2_grpc.EntityServiceStub(self.channel)
        claims = claim_service_pb2_grpc.ClaimServiceStub(self.channel)
        for id_, type_, name in [("py-iran", "country", "Iran"), ("py-russia", "country", "Russia"),
                                 ("py-kirby", "person", "John Kirby")]:
            created = entities.CreateEntity(entity_service_pb2.CreateEntityRequest(
                entity=model_pb2.Entity(id=id_, type=type_, name=name)), timeout=5)
            self.assertEqual(created.name, name)
        got = entities.GetEntity(entity_service_pb2.GetEntityRequest(id="py-kirby"), timeout=5)
        self.assertEqual(got.type, "person")
        self.assertGreater(got.recorded_at.seconds, 0)

        claim = model_pb2.Claim(
            statement=model_pb2.Statement(subject_id="py-iran", predicate="supplies",
                                          object=model_pb2.Value(entity_id="py-russia")),
            act=model_pb2.CLAIM_ACT_SAYS, stance=model_pb2.STANCE_SUPPORTS,
            certainty=model_pb2.CERTAINTY_PROBABLE, estimative_word="likely",
            claimant=model_pb2.Agent(entity_id="py-kirby"), confidence=0.8)
        created = claims.CreateClaim(claim_service_pb2.CreateClaimRequest(claim=claim), timeout=5)
        self.assertTrue(created.id.startswith("cl_"))
        self.assertAlmostEqual(created.probability_high, 0.80)
        read = claims.GetClaim(claim_service_pb2.GetClaimRequest(id=created.id), timeout=5)
        self.assertEqual(read.statement.predicate, "supplies")
        self.assertEqual(read.claimant.entity_id, "py-kirby")
        self.assertEqual(read.status, model_pb2.CLAIM_STATUS_ACTIVE)

    def test_errors_carry_status_codes(self):
        entities = entity_service_pb2_grpc.EntityServiceStub(self.channel)
        with self.assertRaises(grpc.RpcError) as caught:
            entities.GetEntity(entity_service_pb2.GetEntityRequest(id="py-nobody"), timeout=5)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(grpc.RpcError) as caught:
            entities.CreateEntity(entity_service_pb2.CreateEntityRequest(
                entity=model_pb2.Entity(id="py-x", type="no_such_type", name="X")), timeout=5)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("entity.type", caught.exception.details())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--stubs", required=True)
    ARGS, rest = parser.parse_known_args()
    sys.path.insert(0, ARGS.stubs)
    import grpc  # noqa: E402
    from claimgraph.v1 import (claim_service_pb2, claim_service_pb2_grpc,  # noqa: E402
                               entity_service_pb2, entity_service_pb2_grpc, model_pb2)
    from grpc_std.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
    from grpc_std.reflection.v1alpha import reflection_pb2, reflection_pb2_grpc  # noqa: E402
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
