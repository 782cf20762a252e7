// Request hygiene at the service edge: an enum number its enum does not declare, anywhere in a
// request, is INVALID_ARGUMENT naming the field and changes nothing; a 1 MB id gets a short
// message naming its field from every kind of RPC (point read, provenance walk, traversal).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

// Imports NDJSON lines in one stream; the import must succeed.
void ImportLines(const client::ClaimGraphClient& c, const std::vector<std::string>& lines,
                 v1::ImportSummary* summary) {
  auto context = c.NewContext();
  auto stream = c.exchange().Import(context.get(), summary);
  v1::ImportRequest message;
  for (const auto& line : lines) message.add_ndjson_lines(line);
  message.mutable_end()->set_records_sent(static_cast<int64_t>(lines.size()));
  REQUIRE(stream->Write(message));
  stream->WritesDone();
  auto status = stream->Finish();
  REQUIRE_MESSAGE(status.ok(), status.error_message());
}

v1::CreateClaimRequest Claim(int stance) {
  v1::CreateClaimRequest request;
  auto* claim = request.mutable_claim();
  claim->set_id("c-1");
  claim->mutable_statement()->set_subject_id("a");
  claim->mutable_statement()->set_predicate("sanctions");
  claim->mutable_statement()->mutable_object()->set_entity_id("b");
  claim->set_act(v1::CLAIM_ACT_SAYS);
  claim->set_stance(static_cast<v1::Stance>(stance));
  claim->mutable_claimant()->set_entity_id("a");
  claim->set_source_id("wire");
  claim->set_confidence(0.9);
  return request;
}

void ExpectShortField(const grpc::Status& status, const std::string& field) {
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_MESSAGE(status.error_message().rfind(field + ": ", 0) == 0, status.error_message());
  CHECK(status.error_message().size() < 400);
}

}  // namespace

TEST_CASE(
    "unknown enum values in requests are INVALID_ARGUMENT naming the field, and change nothing") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  v1::ImportSummary loaded;
  ImportLines(*c,
              {R"({"entity": {"id": "a", "type": "person", "name": "A"}})",
               R"({"entity": {"id": "b", "type": "person", "name": "B"}})",
               R"({"source": {"id": "wire", "title": "Wire", "kind": "SOURCE_KIND_ARTICLE"}})"},
              &loaded);

  v1::Claim created;
  auto refused = c->claims().CreateClaim(c->NewContext().get(), Claim(99), &created);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(refused.error_message() == "claim.stance: unknown value 99");

  v1::ListClaimsRequest list;
  v1::ListClaimsResponse listed;
  REQUIRE(c->claims().ListClaims(c->NewContext().get(), list, &listed).ok());
  CHECK(listed.claims_size() == 0);  // nothing was written

  // A List filter, and a nested traversal filter.
  list.set_stance(static_cast<v1::Stance>(99));
  auto filtered = c->claims().ListClaims(c->NewContext().get(), list, &listed);
  CHECK(filtered.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(filtered.error_message() == "stance: unknown value 99");
  v1::NeighborsRequest neighbors;
  neighbors.set_entity_id("a");
  neighbors.mutable_filter()->set_stance(static_cast<v1::StanceFilter>(-3));
  v1::NeighborsResponse ignored_neighbors;
  auto walked = c->traversal().Neighbors(c->NewContext().get(), neighbors, &ignored_neighbors);
  CHECK(walked.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(walked.error_message() == "filter.stance: unknown value -3");

  // The same claim with a declared stance is accepted: the enum alone was wrong.
  auto accepted =
      c->claims().CreateClaim(c->NewContext().get(), Claim(v1::STANCE_SUPPORTS), &created);
  CHECK_MESSAGE(accepted.ok(), accepted.error_message());

  // In an import stream a record with an unknown enum is a rejected record, named by its line.
  v1::ImportSummary summary;
  ImportLines(*c,
              {R"({"entity": {"id": "c", "type": "person", "name": "C"}})",
               R"({"source": {"id": "odd", "title": "Odd", "kind": 77}})"},
              &summary);
  REQUIRE(summary.rejections_size() == 1);
  CHECK(summary.rejections(0).line() == 2);
  CHECK(summary.rejections(0).message() == "source.kind: unknown value 77");
  CHECK(summary.sources().rejected() == 1);
}

TEST_CASE("a 1 MB id gets a short message naming its field") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  const std::string huge(1 << 20, 'x');

  v1::GetEntityRequest get;
  get.set_id(huge);
  v1::Entity entity;
  ExpectShortField(c->entities().GetEntity(c->NewContext().get(), get, &entity), "id");

  v1::TraceClaimRequest trace;
  trace.set_claim_id(huge);
  v1::TraceClaimResponse traced;
  ExpectShortField(c->provenance().TraceClaim(c->NewContext().get(), trace, &traced), "claim_id");

  v1::NeighborsRequest neighbors;
  neighbors.set_entity_id(huge);
  v1::NeighborsResponse near;
  ExpectShortField(c->traversal().Neighbors(c->NewContext().get(), neighbors, &near), "entity_id");

  v1::WhoSaidRequest who;
  who.set_statement_id(huge);
  v1::WhoSaidResponse said;
  ExpectShortField(c->provenance().WhoSaid(c->NewContext().get(), who, &said), "statement_id");

  // A type is looked up in the schema, not checked as an id: its echo is cut.
  v1::CreateEntityRequest create;
  create.mutable_entity()->set_id("e");
  create.mutable_entity()->set_type(huge);
  create.mutable_entity()->set_name("E");
  auto typed = c->entities().CreateEntity(c->NewContext().get(), create, &entity);
  CHECK_MESSAGE(typed.error_message().rfind("entity.type: ", 0) == 0,
                typed.error_message().substr(0, 300));
  CHECK(typed.error_message().size() < 400);

  v1::ListEntitiesRequest list;
  list.set_type(huge);
  v1::ListEntitiesResponse listed;
  auto listed_status = c->entities().ListEntities(c->NewContext().get(), list, &listed);
  CHECK_MESSAGE(listed_status.error_message().rfind("type: ", 0) == 0,
                listed_status.error_message().substr(0, 300));
  CHECK(listed_status.error_message().size() < 400);
}

}  // namespace claimgraph::testing
