// ProvenanceService over gRPC against the real claimgraphd: every RPC, its error paths (unknown
// ids, bad as_of, bad limits) and as-of answers; and the provenance CLI commands (trace as a
// tree and as DOT, corroborate, contradictions, who-said, claims-by).
#include <doctest/doctest.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <array>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

using google::protobuf::util::TimeUtil;

void ExpectCode(const grpc::Status& status, grpc::StatusCode code,
                const std::string& fragment = "") {
  CHECK_MESSAGE(status.error_code() == code, "got ", status.error_code(), ": ",
                status.error_message());
  if (!fragment.empty()) {
    CHECK_MESSAGE(status.error_message().find(fragment) != std::string::npos, "message '",
                  status.error_message(), "' lacks '", fragment, "'");
  }
}

bool Contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

// The republished report of the example article, a denial, and a two-source derivation cycle.
struct ProvenanceFixture {
  ServerProcess server;
  std::unique_ptr<client::ClaimGraphClient> client;
  std::string statement_id;
  google::protobuf::Timestamp before_retraction;

  ProvenanceFixture() {
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
    client = server.NewClient();
    for (auto [id, type] :
         std::vector<std::pair<std::string, std::string>>{{"iran", "country"},
                                                          {"russia", "country"},
                                                          {"us-government", "government"},
                                                          {"nsc", "government_body"},
                                                          {"kirby", "person"},
                                                          {"cbs", "news_organisation"},
                                                          {"capitaltrack", "news_organisation"},
                                                          {"iran-mfa", "government_body"},
                                                          {"x-pub", "news_organisation"},
                                                          {"checker", "fact_checker"}}) {
      v1::CreateEntityRequest request;
      request.mutable_entity()->set_id(id);
      request.mutable_entity()->set_type(type);
      request.mutable_entity()->set_name(id);
      v1::Entity entity;
      REQUIRE(client->entities().CreateEntity(client->NewContext().get(), request, &entity).ok());
    }
    Source("cbs-report", "cbs", v1::RELIABILITY_B, "2023-06-09T00:00:00Z", "");
    Source("page", "capitaltrack", v1::RELIABILITY_E, "2025-04-16T23:37:17Z", "cbs-report");
    Source("x", "x-pub", v1::RELIABILITY_C, "", "");
    Source("y", "x-pub", v1::RELIABILITY_C, "", "x");
    v1::AddDerivationRequest close;  // x cites y: circular reporting
    close.set_source_id("x");
    close.mutable_derivation()->set_type(v1::DERIVATION_TYPE_CITES);
    close.mutable_derivation()->set_source_id("y");
    v1::Source closed;
    REQUIRE(client->sources().AddDerivation(client->NewContext().get(), close, &closed).ok());

    Claim("us", "us-government", "", "", "", v1::STANCE_SUPPORTS,
          "newly declassified intelligence");
    Claim("kirby", "kirby", "nsc", "cbs-report", "us", v1::STANCE_SUPPORTS, "");
    Claim("page", "capitaltrack", "", "page", "kirby", v1::STANCE_SUPPORTS, "");
    before_retraction =
        Claim("denial", "iran-mfa", "", "", "", v1::STANCE_REFUTES, "").recorded_at();
    Claim("circular", "x-pub", "", "y", "", v1::STANCE_SUPPORTS, "");
    v1::RecordLifecycleEventRequest retraction;
    retraction.mutable_event()->set_kind(v1::LIFECYCLE_KIND_RETRACTION);
    retraction.mutable_event()->mutable_target()->set_claim_id("denial");
    retraction.mutable_event()->set_actor_id("iran-mfa");
    v1::LifecycleEvent event;
    REQUIRE(
        client->claims().RecordLifecycleEvent(client->NewContext().get(), retraction, &event).ok());
  }

  void Source(const std::string& id, const std::string& publisher, v1::Reliability reliability,
              const std::string& declared, const std::string& republishes) {
    v1::CreateSourceRequest request;
    auto* source = request.mutable_source();
    source->set_id(id);
    source->set_title(id);
    source->set_publisher_id(publisher);
    source->set_reliability(reliability);
    if (!declared.empty()) {
      REQUIRE(TimeUtil::FromString(declared, source->mutable_declared_published_at()));
    }
    if (!republishes.empty()) {
      auto* link = source->add_derived_from();
      link->set_type(v1::DERIVATION_TYPE_REPUBLISHES);
      link->set_source_id(republishes);
    }
    v1::Source created;
    auto status = client->sources().CreateSource(client->NewContext().get(), request, &created);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
  }

  v1::Claim Claim(const std::string& id, const std::string& claimant, const std::string& principal,
                  const std::string& source, const std::string& relays, v1::Stance stance,
                  const std::string& basis) {
    v1::CreateClaimRequest request;
    auto* claim = request.mutable_claim();
    claim->set_id(id);
    claim->mutable_statement()->set_subject_id("iran");
    claim->mutable_statement()->set_predicate("supplies");
    claim->mutable_statement()->mutable_object()->set_entity_id("russia");
    claim->set_act(v1::CLAIM_ACT_SAYS);
    claim->set_stance(stance);
    claim->set_certainty(v1::CERTAINTY_CERTAIN);
    claim->mutable_claimant()->set_entity_id(claimant);
    claim->set_on_behalf_of_id(principal);
    claim->set_source_id(source);
    claim->set_relays_claim_id(relays);
    claim->mutable_basis()->set_description(basis);
    v1::Claim created;
    auto status = client->claims().CreateClaim(client->NewContext().get(), request, &created);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    statement_id = created.statement_id();
    return created;
  }

  google::protobuf::Timestamp Future() const {
    google::protobuf::Timestamp future;
    future.set_seconds(TimeUtil::GetCurrentTime().seconds() + 86400 * 365);
    return future;
  }

  ProgramResult Cli(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--server", server.address(), "--timeout", "10"});
    return RunProgram(CLAIMGRAPH_CLI_PATH, arguments);
  }
};

}  // namespace

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: trace claim and statement, with errors") {
  auto& p = client->provenance();
  v1::TraceClaimRequest request;
  request.set_claim_id("page");
  v1::TraceClaimResponse response;
  REQUIRE(p.TraceClaim(client->NewContext().get(), request, &response).ok());
  const v1::Trace& trace = response.trace();
  REQUIRE(trace.root_claim_ids_size() == 1);
  CHECK(trace.root_claim_ids(0) == "us");
  REQUIRE(trace.root_source_ids_size() == 1);
  CHECK(trace.root_source_ids(0) == "cbs-report");
  bool copy_flagged = false;
  for (const auto& flag : trace.flags()) {
    copy_flagged |=
        flag.kind() == v1::TRACE_FLAG_KIND_COPY_DATED_LATER && flag.node_key() == "source:page";
  }
  CHECK(copy_flagged);

  request.set_claim_id("no-such-claim");
  ExpectCode(p.TraceClaim(client->NewContext().get(), request, &response),
             grpc::StatusCode::NOT_FOUND, "no-such-claim");
  request.set_claim_id("");
  ExpectCode(p.TraceClaim(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "claim_id");
  request.set_claim_id("page");
  request.set_max_nodes(-1);
  ExpectCode(p.TraceClaim(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "max_nodes");
  request.set_max_nodes(0);
  *request.mutable_as_of() = Future();
  ExpectCode(p.TraceClaim(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "as_of");
  request.mutable_as_of()->set_nanos(-5);
  ExpectCode(p.TraceClaim(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "as_of");

  v1::TraceStatementRequest by_statement;
  by_statement.set_statement_id(statement_id);
  v1::TraceStatementResponse statement_trace;
  REQUIRE(p.TraceStatement(client->NewContext().get(), by_statement, &statement_trace).ok());
  REQUIRE(statement_trace.trace().cycles_size() == 1);
  CHECK(statement_trace.trace().cycles(0).source_ids_size() == 2);
  by_statement.set_statement_id("st_00000000000000000000000000000000");
  ExpectCode(p.TraceStatement(client->NewContext().get(), by_statement, &statement_trace),
             grpc::StatusCode::NOT_FOUND);
}

TEST_CASE_FIXTURE(ProvenanceFixture,
                  "provenance rpc: corroborate now and as of before a retraction") {
  auto& p = client->provenance();
  v1::CorroborateRequest request;
  request.set_statement_id(statement_id);
  v1::CorroborateResponse now;
  REQUIRE(p.Corroborate(client->NewContext().get(), request, &now).ok());
  // us/kirby/page are one origin; the circular sources another; the denial is retracted.
  CHECK(now.origins_for() == 2);
  CHECK(now.origins_against() == 0);
  CHECK(now.cycles_size() == 1);
  const auto& fused = now.fused();
  CHECK(std::abs(fused.belief() + fused.disbelief() + fused.uncertainty() - 1) < 1e-12);

  *request.mutable_as_of() = before_retraction;
  v1::CorroborateResponse then;
  REQUIRE(p.Corroborate(client->NewContext().get(), request, &then).ok());
  CHECK(then.origins_for() == 1);  // the circular claim came later
  CHECK(then.origins_against() == 1);

  request.clear_as_of();
  request.set_statement_id("st_00000000000000000000000000000000");
  ExpectCode(p.Corroborate(client->NewContext().get(), request, &then),
             grpc::StatusCode::NOT_FOUND);
  request.set_statement_id("");
  ExpectCode(p.Corroborate(client->NewContext().get(), request, &then),
             grpc::StatusCode::INVALID_ARGUMENT, "statement_id");
  request.set_statement_id(statement_id);
  *request.mutable_as_of() = Future();
  ExpectCode(p.Corroborate(client->NewContext().get(), request, &then),
             grpc::StatusCode::INVALID_ARGUMENT, "as_of");
}

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: contradictions, who said, claims by") {
  auto& p = client->provenance();
  v1::ContradictionsRequest request;
  request.set_statement_id(statement_id);
  v1::ContradictionsResponse response;
  REQUIRE(p.Contradictions(client->NewContext().get(), request, &response).ok());
  bool retracted = false;
  for (const auto& found : response.contradictions()) {
    retracted |= found.kind() == v1::CONTRADICTION_KIND_RETRACTED_OR_CORRECTED;
  }
  CHECK(retracted);
  *request.mutable_as_of() = before_retraction;
  REQUIRE(p.Contradictions(client->NewContext().get(), request, &response).ok());
  REQUIRE(response.contradictions_size() == 1);
  CHECK(response.contradictions(0).kind() == v1::CONTRADICTION_KIND_BOTH_SIDES);
  request.set_entity_id("iran");
  REQUIRE(p.Contradictions(client->NewContext().get(), request, &response).ok());
  CHECK(response.contradictions_size() == 1);
  request.set_entity_id("atlantis");
  ExpectCode(p.Contradictions(client->NewContext().get(), request, &response),
             grpc::StatusCode::NOT_FOUND);
  request.clear_target();
  ExpectCode(p.Contradictions(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "target");

  v1::WhoSaidRequest who;
  who.set_statement_id(statement_id);
  v1::WhoSaidResponse said;
  REQUIRE(p.WhoSaid(client->NewContext().get(), who, &said).ok());
  CHECK(said.attributions_size() == 4);  // the denial is retracted
  who.set_include_inactive(true);
  REQUIRE(p.WhoSaid(client->NewContext().get(), who, &said).ok());
  CHECK(said.attributions_size() == 5);
  who.set_statement_id("st_00000000000000000000000000000000");
  ExpectCode(p.WhoSaid(client->NewContext().get(), who, &said), grpc::StatusCode::NOT_FOUND);
  who.set_statement_id(statement_id);
  *who.mutable_as_of() = Future();
  ExpectCode(p.WhoSaid(client->NewContext().get(), who, &said), grpc::StatusCode::INVALID_ARGUMENT,
             "as_of");

  v1::CreateAssessmentRequest assess;
  assess.mutable_assessment()->set_assessor_id("checker");
  assess.mutable_assessment()->mutable_target()->set_statement_id(statement_id);
  assess.mutable_assessment()->set_verdict(v1::VERDICT_TRUE);
  v1::Assessment assessment;
  REQUIRE(client->claims().CreateAssessment(client->NewContext().get(), assess, &assessment).ok());
  v1::ClaimsByRequest by;
  by.set_entity_id("nsc");
  v1::ClaimsByResponse claims;
  REQUIRE(p.ClaimsBy(client->NewContext().get(), by, &claims).ok());
  REQUIRE(claims.claims_size() == 1);
  CHECK(claims.claims(0).claim().id() == "kirby");
  CHECK(claims.borne_out() == 1);
  by.set_entity_id("nobody");
  ExpectCode(p.ClaimsBy(client->NewContext().get(), by, &claims), grpc::StatusCode::NOT_FOUND);
  by.set_entity_id("nsc");
  by.set_max_claims(-3);
  ExpectCode(p.ClaimsBy(client->NewContext().get(), by, &claims),
             grpc::StatusCode::INVALID_ARGUMENT, "max_claims");
}

TEST_CASE_FIXTURE(ProvenanceFixture,
                  "cli: trace as a tree and as DOT, corroborate, contradictions, who-said") {
  auto r = Cli({"trace", "page"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "claim page"));
  CHECK(Contains(r.out, "relays -> claim kirby"));
  CHECK(Contains(r.out, "!copy_dated_later source:cbs-report"));
  CHECK(Contains(r.out, "who said it first:      us"));
  CHECK(Contains(r.out, "where it first appeared: cbs-report"));
  // Roots last: the innermost claim is printed after the claims relaying it.
  CHECK(r.out.find("claim us") > r.out.find("claim kirby"));

  r = Cli({"trace", statement_id, "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "digraph trace {"));
  CHECK(Contains(r.out, "\"claim:page\" [shape=box"));
  CHECK(Contains(r.out, "\"source:page\" [shape=note"));
  CHECK(Contains(r.out, "\"agent:kirby\" [shape=ellipse"));
  CHECK(Contains(r.out, "subgraph cluster_cycle_0"));
  CHECK(Contains(r.out, "label=\"circular reporting\""));
  CHECK(Contains(r.out, "label=\"Legend\""));
  CHECK(Contains(r.out, "labelloc=t"));  // the proposition as the title
  // Graphviz lays it out, the cycle's box and the legend below included, without complaint.
  auto svg = RunProgram("/usr/bin/dot", {"-Tsvg"}, r.out);
  CHECK(svg.exit_code == 0);
  CHECK_MESSAGE(svg.err.empty(), svg.err);
  CHECK(Contains(svg.out, "circular reporting"));

  r = Cli({"trace", "nothing-here"});
  CHECK(r.exit_code == 5);
  CHECK(Contains(r.err, "NOT_FOUND"));
  r = Cli({"trace", "page", "--format", "svg"});
  CHECK(r.exit_code == 64);

  r = Cli({"corroborate", statement_id});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "independent origins: 2 for, 0 against"));
  CHECK(Contains(r.out, "fused: belief"));
  CHECK(Contains(r.out, "circular reporting: x, y"));

  r = Cli({"contradictions", "--statement", statement_id});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "retracted_or_corrected"));
  r = Cli({"contradictions", "--entity", "atlantis"});
  CHECK(r.exit_code == 5);

  r = Cli({"who-said", statement_id, "--include-inactive"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "kirby"));
  CHECK(Contains(r.out, "retracted"));
  r = Cli({"claims-by", "nsc"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "kirby"));
}

}  // namespace claimgraph::testing

namespace claimgraph::testing {
namespace {

TEST_CASE_FIXTURE(ProvenanceFixture,
                  "provenance rpc: a relay ring written in one batch and closed by a relays link") {
  // ring-a relays ring-b, written before it in one batch; ring-b relays ring-a.
  v1::BatchCreateClaimsRequest batch;
  for (auto [id, claimant, relays] : std::vector<std::array<std::string, 3>>{
           {"ring-a", "cbs", "ring-b"}, {"ring-b", "capitaltrack", "ring-a"}}) {
    v1::Claim* claim = batch.add_claims();
    claim->set_id(id);
    claim->set_statement_id(statement_id);
    claim->set_act(v1::CLAIM_ACT_REPORTS);
    claim->set_stance(v1::STANCE_SUPPORTS);
    claim->mutable_claimant()->set_entity_id(claimant);
    claim->set_relays_claim_id(relays);
  }
  v1::BatchCreateClaimsResponse created;
  auto status = client->claims().BatchCreateClaims(client->NewContext().get(), batch, &created);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  // A third claim joins the ring later: written relaying nothing, then linked.
  Claim("ring-c", "kirby", "", "", "", v1::STANCE_SUPPORTS, "");
  v1::RecordLifecycleEventRequest link;
  link.mutable_event()->set_kind(v1::LIFECYCLE_KIND_RELAYS);
  link.mutable_event()->mutable_target()->set_claim_id("ring-c");
  link.mutable_event()->set_relays_claim_id("ring-a");
  link.mutable_event()->set_actor_id("checker");
  v1::LifecycleEvent event;
  status = client->claims().RecordLifecycleEvent(client->NewContext().get(), link, &event);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  ExpectCode(client->claims().RecordLifecycleEvent(client->NewContext().get(), [&] {
    auto again = link;
    again.mutable_event()->set_relays_claim_id("ring-b");
    return again;
  }(), &event),
             grpc::StatusCode::FAILED_PRECONDITION, "lifecycle_event.target.claim_id");

  auto& p = client->provenance();
  v1::TraceClaimRequest trace_request;
  trace_request.set_claim_id("ring-c");
  v1::TraceClaimResponse trace;
  REQUIRE(p.TraceClaim(client->NewContext().get(), trace_request, &trace).ok());
  REQUIRE(trace.trace().relay_cycles_size() == 1);
  CHECK(std::vector<std::string>(trace.trace().relay_cycles(0).claim_ids().begin(),
                                 trace.trace().relay_cycles(0).claim_ids().end()) ==
        std::vector<std::string>{"ring-a", "ring-b"});
  int flagged = 0;
  for (const auto& flag : trace.trace().flags()) {
    flagged += flag.kind() == v1::TRACE_FLAG_KIND_RELAY_CYCLE ? 1 : 0;
  }
  CHECK(flagged == 2);

  v1::CorroborateRequest request;
  request.set_statement_id(statement_id);
  v1::CorroborateResponse answer;
  REQUIRE(p.Corroborate(client->NewContext().get(), request, &answer).ok());
  REQUIRE(answer.relay_cycles_size() == 1);
  bool found = false;
  for (const auto& origin : answer.origins()) {
    for (const auto& claim : origin.supporting()) {
      if (claim.claim_id() != "ring-c") continue;
      found = true;
      CHECK(origin.circular());
      CHECK(claim.relay_cycle());
      CHECK(claim.innermost_claim_id() == "ring-a");
      CHECK(claim.chain_length() == 3);
    }
  }
  CHECK(found);

  // The CLI draws the ring.
  auto printed = Cli({"trace", "ring-c"});
  CHECK_MESSAGE(printed.exit_code == 0, printed.out);
  CHECK_MESSAGE(Contains(printed.out, "relay cycle: ring-a -> ring-b -> ring-a"), printed.out);
}

}  // namespace
}  // namespace claimgraph::testing

namespace claimgraph::testing {
namespace {

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: who-said pages as of the first page") {
  auto& p = client->provenance();
  v1::WhoSaidRequest request;
  request.set_statement_id(statement_id);
  request.set_page_size(2);
  std::vector<std::string> ids;
  for (int page = 0; page < 10; ++page) {
    v1::WhoSaidResponse response;
    auto status = p.WhoSaid(client->NewContext().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(response.attributions_size() <= 2);
    for (const auto& said : response.attributions()) ids.push_back(said.claim().id());
    if (response.next_page_token().empty()) break;
    // A claim written between pages is not part of the answer.
    if (page == 0) Claim("between-pages", "kirby", "", "", "", v1::STANCE_SUPPORTS, "");
    request.set_page_token(response.next_page_token());
  }
  // us, kirby, page, circular: the four active claims when the first page was asked.
  CHECK(ids.size() == 4);
  CHECK(std::find(ids.begin(), ids.end(), "between-pages") == ids.end());
  request.set_include_inactive(true);
  v1::WhoSaidResponse response;
  ExpectCode(p.WhoSaid(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");

  auto printed = Cli({"who-said", statement_id, "--page-size", "2"});
  CHECK_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(Contains(printed.out, "next page: --page-token "));
  printed = Cli({"who-said", statement_id, "--all", "--page-size", "2"});
  CHECK_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(Contains(printed.out, "between-pages"));
  CHECK_FALSE(Contains(printed.out, "next page"));
}

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: claims-by pages as of the first page") {
  auto& p = client->provenance();
  // kirby's claims: as claimant of "kirby" and three more; nsc's: "kirby" (as principal) and two.
  for (int i = 0; i < 3; ++i) {
    Claim("kirby-" + std::to_string(i), "kirby", i < 2 ? "nsc" : "", "", "", v1::STANCE_SUPPORTS,
          "");
  }
  v1::ClaimsByRequest request;
  request.set_entity_id("kirby");
  request.set_page_size(3);
  std::vector<std::string> ids;
  int pages = 0;
  for (; pages < 10; ++pages) {
    v1::ClaimsByResponse response;
    auto status = p.ClaimsBy(client->NewContext().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(response.claims_size() <= 3);
    CHECK(response.unassessed() == response.claims_size());
    for (const auto& record : response.claims()) ids.push_back(record.claim().id());
    if (response.next_page_token().empty()) break;
    if (pages == 0) Claim("between-pages", "kirby", "", "", "", v1::STANCE_SUPPORTS, "");
    request.set_page_token(response.next_page_token());
  }
  CHECK(pages == 1);
  CHECK(ids == std::vector<std::string>{"kirby", "kirby-0", "kirby-1", "kirby-2"});
  // The token is bound to the entity and include_inactive.
  v1::ClaimsByResponse response;
  request.set_entity_id("nsc");
  ExpectCode(p.ClaimsBy(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  request.set_entity_id("kirby");
  request.set_include_inactive(true);
  ExpectCode(p.ClaimsBy(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  request.set_page_token("garbage!");
  ExpectCode(p.ClaimsBy(client->NewContext().get(), request, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  request.clear_page_token();
  request.set_page_size(1'000'000);
  ExpectCode(p.ClaimsBy(client->NewContext().get(), request, &response),
             grpc::StatusCode::RESOURCE_EXHAUSTED, "page_size");

  auto printed = Cli({"claims-by", "nsc", "--page-size", "2"});
  REQUIRE_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(Contains(printed.out, "kirby-0"));
  CHECK_FALSE(Contains(printed.out, "kirby-1"));
  CHECK(Contains(printed.out, "next page: --page-token "));
  printed = Cli({"claims-by", "kirby", "--all", "--page-size", "2"});
  REQUIRE_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(Contains(printed.out, "between-pages"));
  CHECK(Contains(printed.out, "unassessed 5"));
  CHECK_FALSE(Contains(printed.out, "next page"));
}

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: corroborate pages, and the cli joins them") {
  auto& p = client->provenance();
  v1::CorroborateRequest request;
  request.set_statement_id(statement_id);
  request.set_page_size(1);
  v1::CorroborateResponse first;
  REQUIRE(p.Corroborate(client->NewContext().get(), request, &first).ok());
  REQUIRE(first.origins_size() == 1);
  CHECK(first.origins(0).supporting_size() + first.origins(0).refuting_size() == 1);
  CHECK(first.origin_count() == 2);
  REQUIRE_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  request.set_include_inactive(true);
  v1::CorroborateResponse next;
  ExpectCode(p.Corroborate(client->NewContext().get(), request, &next),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");

  auto unpaged = Cli({"corroborate", statement_id});
  REQUIRE_MESSAGE(unpaged.exit_code == 0, unpaged.err);
  auto paged = Cli({"corroborate", statement_id, "--page-size", "1"});
  REQUIRE_MESSAGE(paged.exit_code == 0, paged.err);
  CHECK(Contains(paged.out, "next page: --page-token "));
  auto joined = Cli({"corroborate", statement_id, "--all", "--page-size", "1"});
  REQUIRE_MESSAGE(joined.exit_code == 0, joined.err);
  CHECK(joined.out == unpaged.out);
}

}  // namespace
}  // namespace claimgraph::testing

namespace claimgraph::testing {
namespace {

int traces_written = 0;  // claims written between trace pages

// Follows a trace's pages, writing a claim that relays one on the trace after the first page.
template <typename Request, typename Response, typename Method>
v1::Trace TracePages(ProvenanceFixture& f, Request request, Method method, int* pages) {
  auto& p = f.client->provenance();
  v1::Trace joined;
  for (*pages = 0; *pages < 100; ++*pages) {
    Response response;
    auto status = (p.*method)(f.client->NewContext().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(response.trace().nodes_size() + response.trace().edges_size() <= request.page_size());
    joined.MergeFrom(response.trace());
    joined.set_truncated(response.trace().truncated());
    if (response.next_page_token().empty()) break;
    if (*pages == 0) {
      f.Claim("between-pages-" + std::to_string(traces_written++), "kirby", "", "page", "page",
              v1::STANCE_SUPPORTS, "");
    }
    request.set_page_token(response.next_page_token());
  }
  return joined;
}

std::vector<std::string> Keys(const v1::Trace& trace) {
  std::vector<std::string> keys;
  for (const auto& node : trace.nodes()) keys.push_back(node.key());
  for (const auto& edge : trace.edges()) {
    keys.push_back(edge.from_key() + ">" + edge.to_key() + ":" + std::to_string(edge.kind()));
  }
  return keys;
}

TEST_CASE_FIXTURE(ProvenanceFixture, "provenance rpc: traces page as of the first page") {
  auto& p = client->provenance();
  // The unpaged answers, as of now (the first page's time: nothing is written before it).
  v1::TraceStatementRequest statement;
  statement.set_statement_id(statement_id);
  statement.set_include_inactive(true);
  v1::TraceStatementResponse unpaged_statement;
  REQUIRE(p.TraceStatement(client->NewContext().get(), statement, &unpaged_statement).ok());
  CHECK(unpaged_statement.next_page_token().empty());
  CHECK(unpaged_statement.total_nodes() == 0);  // unpaged: as before
  v1::TraceClaimRequest claim;
  claim.set_claim_id("page");
  v1::TraceClaimResponse unpaged_claim;
  REQUIRE(p.TraceClaim(client->NewContext().get(), claim, &unpaged_claim).ok());

  statement.set_page_size(3);
  int pages = 0;
  v1::Trace joined = TracePages<v1::TraceStatementRequest, v1::TraceStatementResponse>(
      *this, statement, &v1::ProvenanceService::Stub::TraceStatement, &pages);
  CHECK(pages > 1);
  CHECK(Keys(joined) == Keys(unpaged_statement.trace()));
  CHECK(std::vector<std::string>(joined.root_claim_ids().begin(), joined.root_claim_ids().end()) ==
        std::vector<std::string>(unpaged_statement.trace().root_claim_ids().begin(),
                                 unpaged_statement.trace().root_claim_ids().end()));
  CHECK(joined.flags_size() == unpaged_statement.trace().flags_size());
  CHECK(joined.cycles_size() == 1);

  claim.set_page_size(2);
  joined = TracePages<v1::TraceClaimRequest, v1::TraceClaimResponse>(
      *this, claim, &v1::ProvenanceService::Stub::TraceClaim, &pages);
  CHECK(Keys(joined) == Keys(unpaged_claim.trace()));

  // Tokens are bound to the query: another claim, another max_nodes; garbage; page_size bounds.
  v1::TraceClaimResponse first;
  REQUIRE(p.TraceClaim(client->NewContext().get(), claim, &first).ok());
  CHECK(first.total_nodes() == unpaged_claim.trace().nodes_size());
  CHECK(first.total_edges() == unpaged_claim.trace().edges_size());
  REQUIRE_FALSE(first.next_page_token().empty());
  claim.set_page_token(first.next_page_token());
  v1::TraceClaimResponse response;
  REQUIRE(p.TraceClaim(client->NewContext().get(), claim, &response).ok());
  claim.set_claim_id("kirby");
  ExpectCode(p.TraceClaim(client->NewContext().get(), claim, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  claim.set_claim_id("page");
  claim.set_max_nodes(5);
  ExpectCode(p.TraceClaim(client->NewContext().get(), claim, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  claim.set_max_nodes(0);
  claim.set_page_token("garbage!");
  ExpectCode(p.TraceClaim(client->NewContext().get(), claim, &response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::TraceStatementResponse statement_response;
  statement.set_page_token(first.next_page_token());  // a TraceClaim token
  ExpectCode(p.TraceStatement(client->NewContext().get(), statement, &statement_response),
             grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  claim.clear_page_token();
  claim.set_page_size(1'000'000);
  ExpectCode(p.TraceClaim(client->NewContext().get(), claim, &response),
             grpc::StatusCode::RESOURCE_EXHAUSTED, "page_size");

  // The CLI: a page is a list with the next token; --all is the whole tree, as unpaged.
  auto unpaged = Cli({"trace", "page"});
  REQUIRE_MESSAGE(unpaged.exit_code == 0, unpaged.err);
  auto printed = Cli({"trace", "page", "--page-size", "2"});
  REQUIRE_MESSAGE(printed.exit_code == 0, printed.err);
  CHECK(Contains(printed.out, "next page: --page-token "));
  CHECK(Contains(printed.out, "claim:page"));
  auto joined_text = Cli({"trace", "page", "--page-size", "2", "--all"});
  REQUIRE_MESSAGE(joined_text.exit_code == 0, joined_text.err);
  CHECK(joined_text.out == unpaged.out);
  auto dot = Cli({"trace", "page", "--page-size", "2", "--format", "dot"});
  CHECK(dot.exit_code != 0);
  dot = Cli({"trace", "page", "--page-size", "2", "--all", "--format", "dot"});
  CHECK_MESSAGE(dot.exit_code == 0, dot.err);
  CHECK(dot.out == Cli({"trace", "page", "--format", "dot"}).out);
  auto json = Cli({"--json", "trace", statement_id, "--page-size", "3"});
  REQUIRE_MESSAGE(json.exit_code == 0, json.err);
  CHECK(Contains(json.out, "next_page_token"));
  CHECK(Contains(json.out, "total_nodes"));
}

}  // namespace
}  // namespace claimgraph::testing
