// Every core RPC and its error paths, against the real claimgraphd over gRPC on loopback.
#include <doctest/doctest.h>

#include <fstream>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

void ExpectCode(const grpc::Status& status, grpc::StatusCode code,
                const std::string& fragment = "") {
  CHECK_MESSAGE(status.error_code() == code, "got ", status.error_code(), ": ",
                status.error_message());
  if (!fragment.empty()) {
    CHECK_MESSAGE(status.error_message().find(fragment) != std::string::npos, "message '",
                  status.error_message(), "' lacks '", fragment, "'");
  }
}

v1::Entity MakeEntity(const std::string& id, const std::string& type, const std::string& name) {
  v1::Entity entity;
  entity.set_id(id);
  entity.set_type(type);
  entity.set_name(name);
  return entity;
}

grpc::Status Create(client::ClaimGraphClient& c, const v1::Entity& entity,
                    v1::Entity* out = nullptr) {
  v1::CreateEntityRequest request;
  *request.mutable_entity() = entity;
  v1::Entity response;
  auto status = c.entities().CreateEntity(c.NewContext().get(), request, &response);
  if (out) *out = response;
  return status;
}

v1::Claim SupplyClaim(const std::string& claimant) {
  v1::Claim claim;
  auto* statement = claim.mutable_statement();
  statement->set_subject_id("iran");
  statement->set_predicate("supplies");
  statement->mutable_object()->set_entity_id("russia");
  claim.set_act(v1::CLAIM_ACT_SAYS);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.set_certainty(v1::CERTAINTY_PROBABLE);
  claim.set_estimative_word("likely");
  claim.mutable_claimant()->set_entity_id(claimant);
  claim.set_confidence(0.9);
  return claim;
}

struct Fixture {
  ServerProcess server;
  std::unique_ptr<client::ClaimGraphClient> client;
  Fixture() {
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
    client = server.NewClient();
    REQUIRE(Create(*client, MakeEntity("iran", "country", "Iran")).ok());
    REQUIRE(Create(*client, MakeEntity("russia", "country", "Russia")).ok());
    v1::Entity kirby = MakeEntity("john-kirby", "person", "John Kirby");
    kirby.add_aliases("Admiral Kirby");
    REQUIRE(Create(*client, kirby).ok());
    REQUIRE(
        Create(*client, MakeEntity("nsc", "government_body", "National Security Council")).ok());
    REQUIRE(Create(*client, MakeEntity("outlet", "news_organisation", "An Outlet")).ok());
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture,
                  "entities: create, get, batch get, list, search, update and their errors") {
  auto& c = *client;
  ExpectCode(Create(c, MakeEntity("iran", "country", "Iran again")),
             grpc::StatusCode::ALREADY_EXISTS, "iran");
  ExpectCode(Create(c, MakeEntity("", "country", "X")), grpc::StatusCode::INVALID_ARGUMENT,
             "entity.id");
  ExpectCode(Create(c, MakeEntity("x", "planet", "X")), grpc::StatusCode::INVALID_ARGUMENT,
             "entity.type");
  ExpectCode(Create(c, MakeEntity("x", "country", "")), grpc::StatusCode::INVALID_ARGUMENT,
             "entity.name");
  ExpectCode(Create(c, MakeEntity(std::string(300, 'x'), "country", "X")),
             grpc::StatusCode::INVALID_ARGUMENT, "entity.id");

  v1::GetEntityRequest get;
  get.set_id("john-kirby");
  v1::Entity entity;
  REQUIRE(c.entities().GetEntity(c.NewContext().get(), get, &entity).ok());
  CHECK(entity.name() == "John Kirby");
  CHECK(entity.recorded_by() == "anonymous");
  CHECK(entity.recorded_at().seconds() > 0);
  get.set_id("nobody");
  ExpectCode(c.entities().GetEntity(c.NewContext().get(), get, &entity),
             grpc::StatusCode::NOT_FOUND, "nobody");
  get.set_id("");
  ExpectCode(c.entities().GetEntity(c.NewContext().get(), get, &entity),
             grpc::StatusCode::INVALID_ARGUMENT, "id");
  get.set_id("iran");
  get.mutable_as_of()->set_seconds(1);  // 1970: nothing existed yet
  ExpectCode(c.entities().GetEntity(c.NewContext().get(), get, &entity),
             grpc::StatusCode::NOT_FOUND);
  get.mutable_as_of()->set_seconds(253402300799LL + 10);
  ExpectCode(c.entities().GetEntity(c.NewContext().get(), get, &entity),
             grpc::StatusCode::INVALID_ARGUMENT, "as_of");

  v1::BatchGetEntitiesRequest batch;
  batch.add_ids("russia");
  batch.add_ids("iran");
  v1::BatchGetEntitiesResponse batch_response;
  REQUIRE(c.entities().BatchGetEntities(c.NewContext().get(), batch, &batch_response).ok());
  REQUIRE(batch_response.entities_size() == 2);
  CHECK(batch_response.entities(0).id() == "russia");
  batch.add_ids("missing");
  ExpectCode(c.entities().BatchGetEntities(c.NewContext().get(), batch, &batch_response),
             grpc::StatusCode::NOT_FOUND, "ids[2]");

  // Paging through everything, two at a time, sees each entity once.
  v1::ListEntitiesRequest list;
  list.set_page_size(2);
  std::vector<std::string> seen;
  do {
    v1::ListEntitiesResponse page;
    REQUIRE(c.entities().ListEntities(c.NewContext().get(), list, &page).ok());
    CHECK(page.entities_size() <= 2);
    for (const auto& e : page.entities()) seen.push_back(e.id());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  CHECK(seen == std::vector<std::string>{"iran", "john-kirby", "nsc", "outlet", "russia"});
  list.Clear();
  list.set_type("organisation");  // with subtypes
  v1::ListEntitiesResponse organisations;
  REQUIRE(c.entities().ListEntities(c.NewContext().get(), list, &organisations).ok());
  CHECK(organisations.entities_size() == 2);
  list.set_page_token("garbage!");
  ExpectCode(c.entities().ListEntities(c.NewContext().get(), list, &organisations),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  list.Clear();
  list.set_page_size(5000);
  ExpectCode(c.entities().ListEntities(c.NewContext().get(), list, &organisations),
             grpc::StatusCode::RESOURCE_EXHAUSTED, "page_size");

  v1::SearchEntitiesRequest search;
  search.set_query("admiral");
  v1::SearchEntitiesResponse found;
  REQUIRE(c.entities().SearchEntities(c.NewContext().get(), search, &found).ok());
  REQUIRE(found.entities_size() == 1);
  CHECK(found.entities(0).id() == "john-kirby");
  search.set_query("");
  ExpectCode(c.entities().SearchEntities(c.NewContext().get(), search, &found),
             grpc::StatusCode::INVALID_ARGUMENT, "query");

  v1::UpdateEntityRequest update;
  update.mutable_entity()->set_id("john-kirby");
  update.mutable_entity()->set_description("NSC spokesman");
  update.mutable_update_mask()->add_paths("description");
  v1::Entity updated;
  REQUIRE(c.entities().UpdateEntity(c.NewContext().get(), update, &updated).ok());
  CHECK(updated.description() == "NSC spokesman");
  CHECK(updated.name() == "John Kirby");
  update.mutable_update_mask()->add_paths("nonsense");
  ExpectCode(c.entities().UpdateEntity(c.NewContext().get(), update, &updated),
             grpc::StatusCode::INVALID_ARGUMENT, "update_mask");
  update.mutable_entity()->set_id("nobody");
  update.mutable_update_mask()->Clear();
  ExpectCode(c.entities().UpdateEntity(c.NewContext().get(), update, &updated),
             grpc::StatusCode::NOT_FOUND);
}

TEST_CASE_FIXTURE(Fixture, "sources: create, get, list, derivation links and their errors") {
  auto& c = *client;
  v1::CreateSourceRequest request;
  auto* source = request.mutable_source();
  source->set_id("wire");
  source->set_publisher_id("outlet");
  source->set_title("Wire story");
  source->set_text(
      "Kirby said: \xE2\x80\x9C"
      "drones are flowing\xE2\x80\x9D.");
  source->set_reliability(v1::RELIABILITY_B);
  v1::Source created;
  REQUIRE(c.sources().CreateSource(c.NewContext().get(), request, &created).ok());
  ExpectCode(c.sources().CreateSource(c.NewContext().get(), request, &created),
             grpc::StatusCode::ALREADY_EXISTS);
  source->set_id("copy");
  auto* link = source->add_derived_from();
  link->set_type(v1::DERIVATION_TYPE_REPUBLISHES);
  link->set_source_id("missing");
  ExpectCode(c.sources().CreateSource(c.NewContext().get(), request, &created),
             grpc::StatusCode::NOT_FOUND, "source.derived_from[0].source_id");
  link->set_source_id("wire");
  source->set_publisher_id("nobody");
  ExpectCode(c.sources().CreateSource(c.NewContext().get(), request, &created),
             grpc::StatusCode::NOT_FOUND, "source.publisher_id");
  source->set_publisher_id("outlet");
  REQUIRE(c.sources().CreateSource(c.NewContext().get(), request, &created).ok());

  // A cycle can only arise through a later link: wire now also cites copy.
  v1::AddDerivationRequest add;
  add.set_source_id("wire");
  add.mutable_derivation()->set_type(v1::DERIVATION_TYPE_CITES);
  add.mutable_derivation()->set_source_id("copy");
  v1::Source with_link;
  REQUIRE(c.sources().AddDerivation(c.NewContext().get(), add, &with_link).ok());
  CHECK(with_link.derived_from_size() == 1);
  // A source citing itself is accepted (the provenance answers flag it as a derivation cycle).
  add.mutable_derivation()->set_source_id("wire");
  REQUIRE(c.sources().AddDerivation(c.NewContext().get(), add, &with_link).ok());
  CHECK(with_link.derived_from_size() == 2);

  v1::GetSourceRequest get;
  get.set_id("copy");
  v1::Source fetched;
  REQUIRE(c.sources().GetSource(c.NewContext().get(), get, &fetched).ok());
  CHECK(fetched.derived_from(0).source_id() == "wire");
  v1::ListSourcesRequest list;
  list.set_publisher_id("outlet");
  v1::ListSourcesResponse listed;
  REQUIRE(c.sources().ListSources(c.NewContext().get(), list, &listed).ok());
  CHECK(listed.sources_size() == 2);
  list.set_publisher_id("nobody");
  ExpectCode(c.sources().ListSources(c.NewContext().get(), list, &listed),
             grpc::StatusCode::NOT_FOUND, "publisher_id");
}

TEST_CASE_FIXTURE(
    Fixture,
    "claims: create, idempotent retry, batch atomicity, list, statement, lifecycle, assessments") {
  auto& c = *client;
  v1::CreateClaimRequest request;
  *request.mutable_claim() = SupplyClaim("john-kirby");
  request.mutable_claim()->set_on_behalf_of_id("nsc");
  request.set_request_id("req-1");
  v1::Claim first;
  REQUIRE(c.claims().CreateClaim(c.NewContext().get(), request, &first).ok());
  CHECK(first.id().rfind("cl_", 0) == 0);
  CHECK(first.statement_id().rfind("st_", 0) == 0);
  CHECK(first.probability_low() == doctest::Approx(0.55));
  CHECK(first.status() == v1::CLAIM_STATUS_ACTIVE);
  // A retry with the same request id answers with the same claim and writes nothing new.
  v1::Claim retry;
  REQUIRE(c.claims().CreateClaim(c.NewContext().get(), request, &retry).ok());
  CHECK(retry.id() == first.id());
  request.clear_request_id();
  ExpectCode(c.claims().CreateClaim(c.NewContext().get(), request, &retry),
             grpc::StatusCode::ALREADY_EXISTS);

  // Errors name their field and change nothing.
  struct Case {
    std::function<void(v1::Claim*)> mutate;
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](v1::Claim* x) { x->set_confidence(1.5); }, grpc::StatusCode::INVALID_ARGUMENT,
       "claim.confidence"},
      {[](v1::Claim* x) { x->set_stance(v1::STANCE_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "claim.stance"},
      {[](v1::Claim* x) { x->mutable_statement()->set_predicate("loves"); },
       grpc::StatusCode::INVALID_ARGUMENT, "claim.statement.predicate"},
      {[](v1::Claim* x) { x->mutable_statement()->set_subject_id("atlantis"); },
       grpc::StatusCode::NOT_FOUND, "claim.statement.subject_id"},
      {[](v1::Claim* x) { x->mutable_statement()->set_predicate("capital_of"); },
       grpc::StatusCode::INVALID_ARGUMENT, "domain"},
      {[](v1::Claim* x) {
         x->mutable_statement()->set_predicate("visited");
         x->mutable_statement()->mutable_object()->set_entity_id("john-kirby");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "range"},
      {[](v1::Claim* x) { x->mutable_claimant()->set_entity_id("ghost"); },
       grpc::StatusCode::NOT_FOUND, "claim.claimant.entity_id"},
      {[](v1::Claim* x) { x->set_relays_claim_id("cl_missing"); }, grpc::StatusCode::NOT_FOUND,
       "claim.relays_claim_id"},
      {[](v1::Claim* x) { x->set_source_id("nope"); }, grpc::StatusCode::NOT_FOUND,
       "claim.source_id"},
      {[](v1::Claim* x) {
         x->mutable_quote()->set_text("abc");
         x->mutable_quote()->set_start(0);
         x->mutable_quote()->set_end(3);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "claim.quote"},
      {[](v1::Claim* x) { x->set_statement_id("st_nope"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "claim.statement_id"},
  };
  for (const auto& test_case : cases) {
    v1::CreateClaimRequest bad;
    *bad.mutable_claim() = SupplyClaim("outlet");
    test_case.mutate(bad.mutable_claim());
    v1::Claim ignored;
    ExpectCode(c.claims().CreateClaim(c.NewContext().get(), bad, &ignored), test_case.code,
               test_case.field);
  }

  // Batch: all or nothing.
  v1::BatchCreateClaimsRequest batch;
  *batch.add_claims() = SupplyClaim("outlet");
  batch.mutable_claims(0)->set_relays_claim_id(first.id());
  *batch.add_claims() = SupplyClaim("iran");
  batch.mutable_claims(1)->set_confidence(-1);
  v1::BatchCreateClaimsResponse batch_response;
  ExpectCode(c.claims().BatchCreateClaims(c.NewContext().get(), batch, &batch_response),
             grpc::StatusCode::INVALID_ARGUMENT, "claims[1].confidence");
  v1::ListClaimsRequest list;
  list.set_statement_id(first.statement_id());
  v1::ListClaimsResponse listed;
  REQUIRE(c.claims().ListClaims(c.NewContext().get(), list, &listed).ok());
  CHECK(listed.claims_size() == 1);
  batch.mutable_claims(1)->set_confidence(0.5);
  REQUIRE(c.claims().BatchCreateClaims(c.NewContext().get(), batch, &batch_response).ok());
  CHECK(batch_response.claims_size() == 2);
  REQUIRE(c.claims().ListClaims(c.NewContext().get(), list, &listed).ok());
  CHECK(listed.claims_size() == 3);

  v1::GetClaimRequest get;
  get.set_id(batch_response.claims(0).id());
  v1::Claim relayed;
  REQUIRE(c.claims().GetClaim(c.NewContext().get(), get, &relayed).ok());
  CHECK(relayed.relays_claim_id() == first.id());
  CHECK(relayed.statement().predicate() == "supplies");
  get.set_id("cl_unknown");
  ExpectCode(c.claims().GetClaim(c.NewContext().get(), get, &relayed), grpc::StatusCode::NOT_FOUND);

  list.Clear();
  list.set_claimant_id("john-kirby");
  REQUIRE(c.claims().ListClaims(c.NewContext().get(), list, &listed).ok());
  CHECK(listed.claims_size() == 1);
  list.set_claimant_id("ghost");
  ExpectCode(c.claims().ListClaims(c.NewContext().get(), list, &listed),
             grpc::StatusCode::NOT_FOUND, "claimant_id");

  // Retraction: only by the claimant or whom it spoke for; then the claim leaves default answers.
  v1::RecordLifecycleEventRequest retract;
  auto* event = retract.mutable_event();
  event->set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  event->mutable_target()->set_claim_id(first.id());
  event->set_actor_id("outlet");
  v1::LifecycleEvent recorded;
  ExpectCode(c.claims().RecordLifecycleEvent(c.NewContext().get(), retract, &recorded),
             grpc::StatusCode::FAILED_PRECONDITION, "lifecycle_event.actor_id");
  event->set_actor_id("nsc");
  event->set_reason("superseded");
  REQUIRE(c.claims().RecordLifecycleEvent(c.NewContext().get(), retract, &recorded).ok());
  event->set_reason("again");
  ExpectCode(c.claims().RecordLifecycleEvent(c.NewContext().get(), retract, &recorded),
             grpc::StatusCode::FAILED_PRECONDITION, "already retracted");

  v1::GetStatementRequest statement_request;
  statement_request.set_id(first.statement_id());
  v1::GetStatementResponse statement;
  REQUIRE(c.claims().GetStatement(c.NewContext().get(), statement_request, &statement).ok());
  CHECK(statement.claim_count() == 2);
  CHECK(statement.supporting_count() == 2);
  CHECK(statement.claims_size() == 2);
  statement_request.set_include_inactive(true);
  REQUIRE(c.claims().GetStatement(c.NewContext().get(), statement_request, &statement).ok());
  CHECK(statement.claims_size() == 3);
  statement_request.set_id("st_missing");
  ExpectCode(c.claims().GetStatement(c.NewContext().get(), statement_request, &statement),
             grpc::StatusCode::NOT_FOUND);

  // As of just after the first claim, nothing was retracted yet.
  get.set_id(first.id());
  *get.mutable_as_of() = first.recorded_at();
  v1::Claim then;
  REQUIRE(c.claims().GetClaim(c.NewContext().get(), get, &then).ok());
  CHECK(then.status() == v1::CLAIM_STATUS_ACTIVE);
  get.clear_as_of();
  REQUIRE(c.claims().GetClaim(c.NewContext().get(), get, &then).ok());
  CHECK(then.status() == v1::CLAIM_STATUS_RETRACTED);

  v1::CreateAssessmentRequest assess;
  auto* assessment = assess.mutable_assessment();
  assessment->set_assessor_id("outlet");
  assessment->mutable_target()->set_statement_id(first.statement_id());
  assessment->set_verdict(v1::VERDICT_TRUE);
  assessment->set_verdict_text("Accurate");
  v1::Assessment assessed;
  REQUIRE(c.claims().CreateAssessment(c.NewContext().get(), assess, &assessed).ok());
  assessment->set_verdict(v1::VERDICT_UNSPECIFIED);
  ExpectCode(c.claims().CreateAssessment(c.NewContext().get(), assess, &assessed),
             grpc::StatusCode::INVALID_ARGUMENT, "assessment.verdict");
  v1::ListAssessmentsRequest list_assessments;
  list_assessments.mutable_target()->set_statement_id(first.statement_id());
  v1::ListAssessmentsResponse assessments;
  REQUIRE(c.claims().ListAssessments(c.NewContext().get(), list_assessments, &assessments).ok());
  CHECK(assessments.assessments_size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "admin: exact stats and schema, and oversized messages are refused") {
  auto& c = *client;
  v1::GetStatsResponse stats;
  v1::Claim claim_out;
  REQUIRE(c.admin().GetStats(c.NewContext().get(), v1::GetStatsRequest(), &stats).ok());
  CHECK(stats.entities() == 5);
  CHECK(stats.claims() == 0);
  CHECK(!stats.version().empty());
  // Nothing is flushed yet: the sizes still show the writes, in the WAL and the memtables.
  CHECK(stats.wal_bytes() > 0);
  CHECK(stats.memtable_bytes() > 0);
  CHECK(stats.disk_bytes() >= stats.wal_bytes() + stats.sst_bytes());
  CHECK(stats.estimated_live_data_bytes() >= stats.memtable_bytes());
  REQUIRE(c.claims()
              .CreateClaim(
                  c.NewContext().get(),
                  [] {
                    v1::CreateClaimRequest request;
                    *request.mutable_claim() = SupplyClaim("john-kirby");
                    return request;
                  }(),
                  &claim_out)
              .ok());
  REQUIRE(c.admin().GetStats(c.NewContext().get(), v1::GetStatsRequest(), &stats).ok());
  CHECK(stats.claims() == 1);
  CHECK(stats.statements() == 1);
  v1::Schema schema;
  REQUIRE(c.admin().GetSchema(c.NewContext().get(), v1::GetSchemaRequest(), &schema).ok());
  CHECK(schema.predicates_size() > 10);

  v1::CreateEntityRequest huge;
  *huge.mutable_entity() = MakeEntity("big", "country", "Big");
  huge.mutable_entity()->set_description(std::string(20 << 20, 'x'));
  v1::Entity ignored;
  ExpectCode(c.entities().CreateEntity(c.NewContext().get(), huge, &ignored),
             grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// The x-request-id trailer of a finished call; empty when absent.
std::string RequestIdTrailer(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto found = trailers.find("x-request-id");
  if (found == trailers.end()) return "";
  return std::string(found->second.data(), found->second.size());
}

bool IsGeneratedRequestId(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_CASE_FIXTURE(Fixture, "each call answers with its request id: the caller's or a new one") {
  // Plain contexts: the client library's NewContext adds a request id of its own.
  auto& c = *client;
  v1::GetEntityRequest get;
  get.set_id("iran");
  v1::Entity entity;
  grpc::ClientContext given;
  given.AddMetadata("x-request-id", "trace-me-456");
  REQUIRE(c.entities().GetEntity(&given, get, &entity).ok());
  CHECK(entity.name() == "Iran");
  CHECK(RequestIdTrailer(given) == "trace-me-456");

  // Errors carry it too; a missing or unprintable id is replaced by a new one per call.
  get.set_id("nobody");
  grpc::ClientContext first;
  ExpectCode(c.entities().GetEntity(&first, get, &entity), grpc::StatusCode::NOT_FOUND,
             "entity 'nobody' not found");
  grpc::ClientContext second;
  second.AddMetadata("x-request-id", "has space");
  ExpectCode(c.entities().GetEntity(&second, get, &entity), grpc::StatusCode::NOT_FOUND);
  CHECK(IsGeneratedRequestId(RequestIdTrailer(first)));
  CHECK(IsGeneratedRequestId(RequestIdTrailer(second)));
  CHECK(RequestIdTrailer(first) != RequestIdTrailer(second));

  // The same on the traversal service's unary reads.
  v1::NeighborsRequest neighbors;
  neighbors.set_entity_id("iran");
  v1::NeighborsResponse answer;
  grpc::ClientContext traversal;
  traversal.AddMetadata("x-request-id", "hop-1");
  REQUIRE(c.traversal().Neighbors(&traversal, neighbors, &answer).ok());
  CHECK(RequestIdTrailer(traversal) == "hop-1");
}

TEST_CASE("health reports every service, and each RPC is logged once with its request id") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  for (std::string service : {"", "claimgraph.v1.EntityService", "claimgraph.v1.ClaimService",
                              "claimgraph.v1.SourceService", "claimgraph.v1.AdminService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    REQUIRE(c->health().Check(c->NewContext().get(), request, &response).ok());
    CHECK(response.status() == grpc::health::v1::HealthCheckResponse::SERVING);
  }
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "trace-me-123");
  v1::GetEntityRequest get;
  get.set_id("nobody");
  v1::Entity ignored;
  ExpectCode(c->entities().GetEntity(&context, get, &ignored), grpc::StatusCode::NOT_FOUND);
  CHECK(server.Stop() == 0);
  std::string log = server.ReadLog();
  auto line_at = log.find("request_id=trace-me-123");
  REQUIRE(line_at != std::string::npos);
  auto line_start = log.rfind('\n', line_at) + 1;
  std::string line = log.substr(line_start, log.find('\n', line_at) - line_start);
  CHECK(line.find("rpc=EntityService/GetEntity") != std::string::npos);
  CHECK(line.find("code=NOT_FOUND") != std::string::npos);
  CHECK(line.find("latency_us=") != std::string::npos);
  CHECK(line.find("peer=") != std::string::npos);
  CHECK(log.find("msg=stopped") != std::string::npos);
}

TEST_CASE("acknowledged writes survive SIGKILL and restart") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  std::vector<std::string> claim_ids;
  {
    auto c = server.NewClient();
    REQUIRE(Create(*c, MakeEntity("iran", "country", "Iran")).ok());
    REQUIRE(Create(*c, MakeEntity("russia", "country", "Russia")).ok());
    for (int i = 0; i < 50; ++i) {
      REQUIRE(Create(*c, MakeEntity("person-" + std::to_string(i), "person",
                                    "Person " + std::to_string(i)))
                  .ok());
      v1::CreateClaimRequest request;
      *request.mutable_claim() = SupplyClaim("person-" + std::to_string(i));
      v1::Claim claim;
      REQUIRE(c->claims().CreateClaim(c->NewContext().get(), request, &claim).ok());
      claim_ids.push_back(claim.id());
    }
  }
  server.Kill();
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  for (const auto& id : claim_ids) {
    v1::GetClaimRequest get;
    get.set_id(id);
    v1::Claim claim;
    CHECK(c->claims().GetClaim(c->NewContext().get(), get, &claim).ok());
  }
  v1::GetStatsResponse stats;
  REQUIRE(c->admin().GetStats(c->NewContext().get(), v1::GetStatsRequest(), &stats).ok());
  CHECK(stats.claims() == 50);
  CHECK(stats.entities() == 52);
  // Ids continue after the restart without reuse.
  REQUIRE(Create(*c, MakeEntity("after", "person", "After")).ok());
  REQUIRE(c->admin().GetStats(c->NewContext().get(), v1::GetStatsRequest(), &stats).ok());
  CHECK(stats.entities() == 53);
}

TEST_CASE("a second server on the same data directory is refused") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto result =
      RunProgram(CLAIMGRAPHD_PATH, {"--listen", "127.0.0.1:0", "--data-dir", server.data_dir()});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("another claimgraphd is using " + server.data_dir()) != std::string::npos);
}

TEST_CASE("--load logs every line it does not store, by file line, and stores the rest") {
  const std::string dir = MakeTempDir("claimgraph-load");
  const std::string file = dir + "/load.ndjson";
  {
    std::ofstream out(file, std::ios::binary);
    out << "{\"entity\": {\"id\": \"a\", \"type\": \"country\", \"name\": \"A\"}}\n"
        << "\n"
        << "{\"entity\": {\"id\": \"b\", \"type\": \"country\", \"name\": \"B\xff\"}}\n"
        << "{\"entity\": {\"id\": \"c\", \"type\": \"planet\", \"name\": \"C\"}}\n"
        << "{\"entity\": {\"id\": \"d\", \"type\": \"country\", \"name\": \"D\"}}\n";
  }
  ServerProcess server({"--load", file});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  v1::GetStatsResponse stats;
  REQUIRE(c->admin().GetStats(c->NewContext().get(), v1::GetStatsRequest(), &stats).ok());
  CHECK(stats.entities() == 2);
  std::string log = server.ReadLog();
  INFO(log);
  CHECK(log.find("msg=\"record rejected\" file=" + file + " line=3") != std::string::npos);
  CHECK(log.find("line=4 error=\"entity.type") != std::string::npos);
  CHECK(log.find("rejected=2") != std::string::npos);
  RemoveTree(dir);
}

}  // namespace claimgraph::testing
