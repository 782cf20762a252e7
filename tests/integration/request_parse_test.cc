// Requests gRPC cannot parse (a string field holding invalid UTF-8): INVALID_ARGUMENT naming the
// field, one log line and one count like any other call, and nothing changed. The requests are
// hand-encoded wire bytes sent through grpc::GenericStub, on a synchronous handler
// (CreateEntity) and a callback one (GetEntity), plus an Import stream through the typed stub.
#include <doctest/doctest.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <string>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

struct RawResult {
  grpc::Status status;
  std::string request_id;  // the x-request-id trailer
};

RawResult CallRaw(const client::ClaimGraphClient& c, const std::string& method,
                  const std::string& wire) {
  grpc::GenericStub stub(c.channel());
  auto context = c.NewContext();
  grpc::Slice slice(wire);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  RawResult result;
  result.status = done.get_future().get();
  auto trailer = context->GetServerTrailingMetadata().find("x-request-id");
  if (trailer != context->GetServerTrailingMetadata().end()) {
    result.request_id.assign(trailer->second.data(), trailer->second.size());
  }
  return result;
}

// A length-delimited protobuf field (wire type 2) with a one-byte length.
std::string Field(int number, const std::string& bytes) {
  REQUIRE(bytes.size() < 128);
  return std::string(1, static_cast<char>(number << 3 | 2)) +
         std::string(1, static_cast<char>(bytes.size())) + bytes;
}

}  // namespace

TEST_CASE(
    "a request with invalid UTF-8 in a string field: INVALID_ARGUMENT naming it, counted, logged, "
    "nothing changed") {
  ServerProcess server({"--metrics-listen", "127.0.0.1:0"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();

  // CreateEntityRequest{entity: Entity{id: "x", type: "person", name: "\xff\xfe"}}: synchronous.
  const std::string entity = Field(1, "x") + Field(2, "person") + Field(3, "\xff\xfe");
  auto created = CallRaw(*c, "/claimgraph.v1.EntityService/CreateEntity", Field(1, entity));
  CHECK(created.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_MESSAGE(created.status.error_message().find(
                    "claimgraph.v1.Entity.name is not valid UTF-8") != std::string::npos,
                created.status.error_message());
  CHECK(!created.request_id.empty());

  // GetEntityRequest{id: "\xff"}: a callback handler (gRPC's own answer there is UNIMPLEMENTED).
  auto got = CallRaw(*c, "/claimgraph.v1.EntityService/GetEntity", Field(1, "\xff"));
  CHECK(got.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_MESSAGE(got.status.error_message().find(
                    "claimgraph.v1.GetEntityRequest.id is not valid UTF-8") != std::string::npos,
                got.status.error_message());

  // Bytes that are no message at all (a truncated field): the method is named instead.
  auto garbage = CallRaw(*c, "/claimgraph.v1.EntityService/GetEntity", std::string("\x0a\x05x", 3));
  CHECK(garbage.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_MESSAGE(
      garbage.status.error_message().find("(EntityService/GetEntity)") != std::string::npos,
      garbage.status.error_message());

  // The same request with valid bytes is served normally: the guard touches only broken ones.
  auto valid = CallRaw(*c, "/claimgraph.v1.EntityService/GetEntity", Field(1, "x"));
  CHECK(valid.status.error_code() == grpc::StatusCode::NOT_FOUND);

  // Nothing was written.
  v1::GetEntityRequest get;
  get.set_id("x");
  v1::Entity ignored;
  CHECK(c->entities().GetEntity(c->NewContext().get(), get, &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);

  std::string metrics = HttpGet(server.MetricsPort(), "/metrics");
  CHECK(metrics.find("claimgraph_rpc_calls_total{method=\"EntityService/"
                     "CreateEntity\",code=\"INVALID_ARGUMENT\"} 1") != std::string::npos);
  CHECK(metrics.find("claimgraph_rpc_calls_total{method=\"EntityService/"
                     "GetEntity\",code=\"INVALID_ARGUMENT\"} 2") != std::string::npos);
  CHECK(metrics.find("code=\"INTERNAL\"") == std::string::npos);
  CHECK(metrics.find("code=\"UNIMPLEMENTED\"") == std::string::npos);

  std::string log = server.ReadLog();
  CHECK(log.find("rpc=EntityService/CreateEntity code=INVALID_ARGUMENT") != std::string::npos);
  CHECK(log.find("request_id=" + created.request_id) != std::string::npos);
  CHECK(log.find("contains invalid UTF-8") == std::string::npos);  // protobuf's own line: folded in
  CHECK(server.Stop() == 0);
}

TEST_CASE(
    "an Import stream with a message that cannot be parsed names the field and the resume line") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  auto context = c->NewContext();
  v1::ImportSummary summary;
  auto stream = c->exchange().Import(context.get(), &summary);
  v1::ImportRequest first;
  first.add_ndjson_lines(R"({"entity":{"id":"a","type":"person","name":"A"}})");
  REQUIRE(stream->Write(first));
  // json_lines is a string field: the C++ client sends invalid UTF-8 in it (logging a warning),
  // and the server cannot parse the message.
  v1::ImportRequest broken;
  broken.add_json_lines("{\"entity\":{\"id\":\"b\",\"type\":\"person\",\"name\":\"\xff\"}}");
  stream->Write(broken);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_MESSAGE(status.error_message().find("resume from line 2") != std::string::npos,
                status.error_message());
  CHECK_MESSAGE(
      status.error_message().find("claimgraph.v1.ImportRequest.json_lines is not valid UTF-8") !=
          std::string::npos,
      status.error_message());
  CHECK(server.Stop() == 0);
}

}  // namespace claimgraph::testing
