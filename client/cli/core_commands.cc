// Core CLI commands: entity, source, claim, statement, assess, stats, health, schema.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

using google::protobuf::util::JsonStringToMessage;

std::pair<std::string, std::string> SplitPair(const std::string& option, const std::string& text,
                                              char separator) {
  auto at = text.find(separator);
  if (at == std::string::npos || at == 0) {
    throw UsageError{"--" + option + ": expected KEY" + std::string(1, separator) + "VALUE, got '" + text + "'"};
  }
  return {text.substr(0, at), text.substr(at + 1)};
}

std::string ReadAll(const std::string& path) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{"cannot read " + path};
    buffer << in.rdbuf();
  }
  return buffer.str();
}

std::string ValueText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kEntityId: return value.entity_id();
    case v1::Value::kStringValue: return "\"" + value.string_value() + "\"";
    case v1::Value::kIntegerValue: return std::to_string(value.integer_value());
    case v1::Value::kDoubleValue: return std::to_string(value.double_value());
    case v1::Value::kBoolValue: return value.bool_value() ? "true" : "false";
    case v1::Value::kTimestampValue: return FormatTime(value.timestamp_value());
    case v1::Value::kQuantityValue:
      return std::to_string(value.quantity_value().amount()) + " " + value.quantity_value().unit();
    case v1::Value::kSomeValue: return "(some: " + value.some_value().description() + ")";
    case v1::Value::kNoValue: return "(no value)";
    default: return "-";
  }
}

std::string StatementText(const v1::Statement& statement) {
  std::string text = statement.subject_id() + " " + statement.predicate() + " " + ValueText(statement.object());
  for (const auto& q : statement.qualifiers()) text += " [" + q.key() + "=" + ValueText(q.value()) + "]";
  return text;
}

std::string AgentText(const v1::Agent& agent) {
  if (agent.kind_case() == v1::Agent::kEntityId) return agent.entity_id();
  if (agent.kind_case() == v1::Agent::kSomeValue) return "(some: " + agent.some_value().description() + ")";
  return "-";
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Parses a value option: "entity:ID", or a literal typed by prefix (string:, int:, double:,
// bool:, time:, some:), or a bare string.
v1::Value ParseValue(const std::string& option, const std::string& text) {
  v1::Value value;
  auto at = text.find(':');
  std::string kind = at == std::string::npos ? "" : text.substr(0, at);
  std::string rest = at == std::string::npos ? text : text.substr(at + 1);
  if (kind == "entity") value.set_entity_id(rest);
  else if (kind == "string") value.set_string_value(rest);
  else if (kind == "int") {
    try { value.set_integer_value(std::stoll(rest)); } catch (...) { throw UsageError{"--" + option + ": bad int"}; }
  } else if (kind == "double") {
    try { value.set_double_value(std::stod(rest)); } catch (...) { throw UsageError{"--" + option + ": bad double"}; }
  } else if (kind == "bool") value.set_bool_value(rest == "true");
  else if (kind == "time") *value.mutable_timestamp_value() = ParseTime(option, rest);
  else if (kind == "some") value.mutable_some_value()->set_description(rest);
  else value.set_string_value(text);
  return value;
}

void PrintEntity(CliContext& cli, const v1::Entity& entity) {
  std::string attributes;
  for (const auto& [k, v] : entity.attributes()) attributes += (attributes.empty() ? "" : ", ") + k + "=" + v;
  std::string external;
  for (const auto& [k, v] : entity.external_ids()) external += (external.empty() ? "" : ", ") + k + "=" + v;
  PrintFields(cli, {{"id", entity.id()}, {"type", entity.type()}, {"name", entity.name()},
                    {"aliases", Join(entity.aliases())}, {"description", entity.description()},
                    {"attributes", attributes}, {"external_ids", external},
                    {"recorded_at", FormatTime(entity.recorded_at())}, {"recorded_by", entity.recorded_by()}});
}

void PrintSource(CliContext& cli, const v1::Source& source) {
  std::string derived;
  for (const auto& link : source.derived_from()) {
    derived += (derived.empty() ? "" : ", ") + EnumName(v1::DerivationType_descriptor(), link.type()) + " " + link.source_id();
  }
  PrintFields(cli, {{"id", source.id()}, {"title", source.title()}, {"url", source.url()},
                    {"kind", EnumName(v1::SourceKind_descriptor(), source.kind())},
                    {"publisher", source.publisher_id()},
                    {"declared_published_at", FormatTime(source.declared_published_at())},
                    {"first_seen_at", FormatTime(source.first_seen_at())},
                    {"reliability", EnumName(v1::Reliability_descriptor(), source.reliability())},
                    {"derived_from", derived},
                    {"text", source.text().empty() ? "" : std::to_string(source.text().size()) + " bytes"},
                    {"recorded_at", FormatTime(source.recorded_at())}});
}

void PrintClaim(CliContext& cli, const v1::Claim& claim) {
  std::string quote = claim.has_quote() ? "\"" + claim.quote().text() + "\" [" + std::to_string(claim.quote().start()) +
                                              ", " + std::to_string(claim.quote().end()) + ")"
                                        : "";
  std::string basis = claim.basis().source_id().empty() ? claim.basis().entity_id() : claim.basis().source_id();
  if (!claim.basis().description().empty()) basis += (basis.empty() ? "" : " ") + ("(" + claim.basis().description() + ")");
  PrintFields(cli, {{"id", claim.id()}, {"statement", claim.statement_id()},
                    {"proposition", StatementText(claim.statement())},
                    {"claimant", AgentText(claim.claimant())}, {"on_behalf_of", claim.on_behalf_of_id()},
                    {"act", EnumName(v1::ClaimAct_descriptor(), claim.act())},
                    {"stance", EnumName(v1::Stance_descriptor(), claim.stance())},
                    {"certainty", EnumName(v1::Certainty_descriptor(), claim.certainty())},
                    {"estimative_word", claim.estimative_word()}, {"cue", claim.cue()},
                    {"basis", basis}, {"source", claim.source_id()}, {"quote", quote},
                    {"relays", claim.relays_claim_id()},
                    {"confidence", std::to_string(claim.confidence())},
                    {"claimed_at", FormatTime(claim.claimed_at())},
                    {"status", EnumName(v1::ClaimStatus_descriptor(), claim.status())},
                    {"recorded_at", FormatTime(claim.recorded_at())}, {"recorded_by", claim.recorded_by()}});
}

std::vector<std::string> ClaimRow(const v1::Claim& claim) {
  return {claim.id(), AgentText(claim.claimant()), EnumName(v1::Stance_descriptor(), claim.stance()),
          EnumName(v1::Certainty_descriptor(), claim.certainty()), StatementText(claim.statement()),
          FormatTime(claim.claimed_at()), EnumName(v1::ClaimStatus_descriptor(), claim.status())};
}
const std::vector<std::string> kClaimHeader = {"ID", "CLAIMANT", "STANCE", "CERTAINTY", "STATEMENT", "CLAIMED_AT", "STATUS"};

int EntityGet(CliContext& cli, const Arguments& arguments) {
  v1::GetEntityRequest request;
  request.set_id(arguments.Positional(0, "ID"));
  SetAsOf(arguments, &request);
  return Invoke(cli, cli.client->entities(), &v1::EntityService::Stub::GetEntity, request,
                [&](const v1::Entity& response) { PrintEntity(cli, response); });
}

int EntityCreate(CliContext& cli, const Arguments& arguments) {
  v1::CreateEntityRequest request;
  auto* entity = request.mutable_entity();
  if (auto json = arguments.Get("json-file")) {
    auto status = JsonStringToMessage(ReadAll(*json), entity);
    if (!status.ok()) throw UsageError{"--json-file: " + std::string(status.message())};
  } else {
    entity->set_id(arguments.Require("id"));
    entity->set_type(arguments.Require("type"));
    entity->set_name(arguments.Require("name"));
  }
  for (const auto& alias : arguments.GetAll("alias")) entity->add_aliases(alias);
  if (auto description = arguments.Get("description")) entity->set_description(*description);
  for (const auto& pair : arguments.GetAll("attribute")) {
    auto [key, value] = SplitPair("attribute", pair, '=');
    (*entity->mutable_attributes())[key] = value;
  }
  for (const auto& pair : arguments.GetAll("external-id")) {
    auto [key, value] = SplitPair("external-id", pair, '=');
    (*entity->mutable_external_ids())[key] = value;
  }
  return Invoke(cli, cli.client->entities(), &v1::EntityService::Stub::CreateEntity, request,
                [&](const v1::Entity& response) { PrintEntity(cli, response); });
}

int EntityUpdate(CliContext& cli, const Arguments& arguments) {
  v1::UpdateEntityRequest request;
  auto* entity = request.mutable_entity();
  entity->set_id(arguments.Positional(0, "ID"));
  auto* mask = request.mutable_update_mask();
  if (auto name = arguments.Get("name")) entity->set_name(*name), mask->add_paths("name");
  if (arguments.Has("alias")) {
    for (const auto& alias : arguments.GetAll("alias")) entity->add_aliases(alias);
    mask->add_paths("aliases");
  }
  if (auto description = arguments.Get("description")) entity->set_description(*description), mask->add_paths("description");
  if (mask->paths_size() == 0) throw UsageError{"nothing to update: give --name, --alias or --description"};
  return Invoke(cli, cli.client->entities(), &v1::EntityService::Stub::UpdateEntity, request,
                [&](const v1::Entity& response) { PrintEntity(cli, response); });
}

int EntityList(CliContext& cli, const Arguments& arguments) {
  v1::ListEntitiesRequest request;
  if (auto type = arguments.Get("type")) request.set_type(*type);
  if (auto prefix = arguments.Get("name-prefix")) request.set_name_prefix(*prefix);
  request.set_page_size(static_cast<int32_t>(arguments.GetInt("page-size", 0)));
  if (auto token = arguments.Get("page-token")) request.set_page_token(*token);
  SetAsOf(arguments, &request);
  std::vector<std::vector<std::string>> rows;
  v1::ListEntitiesResponse all;
  do {
    v1::ListEntitiesResponse response;
    auto status = Call(cli, cli.client->entities(), &v1::EntityService::Stub::ListEntities, request,
                       &response);
    if (!status.ok()) return ReportError(cli, status);
    for (const auto& entity : response.entities()) {
      rows.push_back({entity.id(), entity.type(), entity.name()});
      *all.add_entities() = entity;
    }
    all.set_next_page_token(response.next_page_token());
    request.set_page_token(response.next_page_token());
  } while (arguments.Has("all") && !request.page_token().empty());
  if (cli.json) {
    PrintJson(cli, all);
  } else {
    PrintTable(cli, {"ID", "TYPE", "NAME"}, rows);
    if (!all.next_page_token().empty()) *cli.out << "next page: --page-token " << all.next_page_token() << "\n";
  }
  return 0;
}

int EntitySearch(CliContext& cli, const Arguments& arguments) {
  v1::SearchEntitiesRequest request;
  request.set_query(arguments.Positional(0, "QUERY"));
  request.set_limit(static_cast<int32_t>(arguments.GetInt("limit", 0)));
  SetAsOf(arguments, &request);
  return Invoke(
      cli, cli.client->entities(), &v1::EntityService::Stub::SearchEntities, request,
      [&](const v1::SearchEntitiesResponse& response) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& entity : response.entities())
          rows.push_back({entity.id(), entity.type(), entity.name(), Join(entity.aliases())});
        PrintTable(cli, {"ID", "TYPE", "NAME", "ALIASES"}, rows);
      });
}

int SourceCreate(CliContext& cli, const Arguments& arguments) {
  v1::CreateSourceRequest request;
  auto* source = request.mutable_source();
  if (auto json = arguments.Get("json-file")) {
    auto status = JsonStringToMessage(ReadAll(*json), source);
    if (!status.ok()) throw UsageError{"--json-file: " + std::string(status.message())};
  } else {
    source->set_id(arguments.Require("id"));
  }
  if (auto v = arguments.Get("url")) source->set_url(*v);
  if (auto v = arguments.Get("title")) source->set_title(*v);
  if (auto v = arguments.Get("publisher")) source->set_publisher_id(*v);
  if (auto v = arguments.Get("kind")) source->set_kind(static_cast<v1::SourceKind>(ParseEnum("kind", *v, v1::SourceKind_descriptor())));
  if (auto v = arguments.Get("reliability")) {
    source->set_reliability(static_cast<v1::Reliability>(ParseEnum("reliability", *v, v1::Reliability_descriptor())));
  }
  if (auto v = arguments.Get("declared")) *source->mutable_declared_published_at() = ParseTime("declared", *v);
  if (auto v = arguments.Get("first-seen")) *source->mutable_first_seen_at() = ParseTime("first-seen", *v);
  if (auto v = arguments.Get("retrieved")) *source->mutable_retrieved_at() = ParseTime("retrieved", *v);
  if (auto v = arguments.Get("text-file")) source->set_text(ReadAll(*v));
  for (const auto& link : arguments.GetAll("derived-from")) {
    auto [type, id] = SplitPair("derived-from", link, ':');
    auto* derivation = source->add_derived_from();
    derivation->set_type(static_cast<v1::DerivationType>(ParseEnum("derived-from", type, v1::DerivationType_descriptor())));
    derivation->set_source_id(id);
  }
  return Invoke(cli, cli.client->sources(), &v1::SourceService::Stub::CreateSource, request,
                [&](const v1::Source& response) { PrintSource(cli, response); });
}

int SourceGet(CliContext& cli, const Arguments& arguments) {
  v1::GetSourceRequest request;
  request.set_id(arguments.Positional(0, "ID"));
  SetAsOf(arguments, &request);
  return Invoke(cli, cli.client->sources(), &v1::SourceService::Stub::GetSource, request,
                [&](const v1::Source& response) { PrintSource(cli, response); });
}

int SourceList(CliContext& cli, const Arguments& arguments) {
  v1::ListSourcesRequest request;
  if (auto v = arguments.Get("publisher")) request.set_publisher_id(*v);
  request.set_page_size(static_cast<int32_t>(arguments.GetInt("page-size", 0)));
  if (auto token = arguments.Get("page-token")) request.set_page_token(*token);
  return Invoke(cli, cli.client->sources(), &v1::SourceService::Stub::ListSources, request,
                [&](const v1::ListSourcesResponse& response) {
                  std::vector<std::vector<std::string>> rows;
                  for (const auto& s : response.sources()) {
                    rows.push_back({s.id(), s.publisher_id(), FormatTime(s.declared_published_at()),
                                    s.title()});
                  }
                  PrintTable(cli, {"ID", "PUBLISHER", "DECLARED", "TITLE"}, rows);
                  if (!response.next_page_token().empty())
                    *cli.out << "next page: --page-token " << response.next_page_token() << "\n";
                });
}

int SourceDerive(CliContext& cli, const Arguments& arguments) {
  v1::AddDerivationRequest request;
  request.set_source_id(arguments.Positional(0, "ID"));
  request.mutable_derivation()->set_type(
      static_cast<v1::DerivationType>(ParseEnum("type", arguments.Require("type"), v1::DerivationType_descriptor())));
  request.mutable_derivation()->set_source_id(arguments.Require("from"));
  return Invoke(cli, cli.client->sources(), &v1::SourceService::Stub::AddDerivation, request,
                [&](const v1::Source& response) { PrintSource(cli, response); });
}

int ClaimAdd(CliContext& cli, const Arguments& arguments) {
  v1::CreateClaimRequest request;
  auto* claim = request.mutable_claim();
  if (auto json = arguments.Get("json-file")) {
    auto status = JsonStringToMessage(ReadAll(*json), claim);
    if (!status.ok()) throw UsageError{"--json-file: " + std::string(status.message())};
  } else if (auto statement_id = arguments.Get("statement")) {
    claim->set_statement_id(*statement_id);
  } else {
    auto* statement = claim->mutable_statement();
    statement->set_subject_id(arguments.Require("subject"));
    statement->set_predicate(arguments.Require("predicate"));
    *statement->mutable_object() = ParseValue("object", arguments.Require("object"));
    for (const auto& pair : arguments.GetAll("qualifier")) {
      auto [key, value] = SplitPair("qualifier", pair, '=');
      auto* qualifier = statement->add_qualifiers();
      qualifier->set_key(key);
      *qualifier->mutable_value() = ParseValue("qualifier", value);
    }
    if (auto v = arguments.Get("valid-from")) *statement->mutable_valid_from() = ParseTime("valid-from", *v);
    if (auto v = arguments.Get("valid-to")) *statement->mutable_valid_to() = ParseTime("valid-to", *v);
  }
  if (auto v = arguments.Get("id")) claim->set_id(*v);
  if (auto v = arguments.Get("act")) claim->set_act(static_cast<v1::ClaimAct>(ParseEnum("act", *v, v1::ClaimAct_descriptor())));
  if (auto v = arguments.Get("stance")) claim->set_stance(static_cast<v1::Stance>(ParseEnum("stance", *v, v1::Stance_descriptor())));
  if (auto v = arguments.Get("certainty")) {
    claim->set_certainty(static_cast<v1::Certainty>(ParseEnum("certainty", *v, v1::Certainty_descriptor())));
  }
  if (auto v = arguments.Get("estimative-word")) claim->set_estimative_word(*v);
  if (auto v = arguments.Get("cue")) claim->set_cue(*v);
  if (auto v = arguments.Get("claimant")) claim->mutable_claimant()->set_entity_id(*v);
  if (auto v = arguments.Get("claimant-some")) claim->mutable_claimant()->mutable_some_value()->set_description(*v);
  if (auto v = arguments.Get("on-behalf-of")) claim->set_on_behalf_of_id(*v);
  if (auto v = arguments.Get("basis")) claim->mutable_basis()->set_description(*v);
  if (auto v = arguments.Get("basis-source")) claim->mutable_basis()->set_source_id(*v);
  if (auto v = arguments.Get("basis-entity")) claim->mutable_basis()->set_entity_id(*v);
  if (auto v = arguments.Get("source")) claim->set_source_id(*v);
  if (auto v = arguments.Get("quote")) {
    claim->mutable_quote()->set_text(*v);
    claim->mutable_quote()->set_start(static_cast<int32_t>(arguments.GetInt("quote-start", 0)));
    claim->mutable_quote()->set_end(static_cast<int32_t>(arguments.GetInt("quote-end", 0)));
  }
  if (auto v = arguments.Get("relays")) claim->set_relays_claim_id(*v);
  if (arguments.Has("confidence")) claim->set_confidence(arguments.GetDouble("confidence", 1.0));
  if (auto v = arguments.Get("claimed-at")) *claim->mutable_claimed_at() = ParseTime("claimed-at", *v);
  if (auto v = arguments.Get("request-id")) request.set_request_id(*v);
  return Invoke(cli, cli.client->claims(), &v1::ClaimService::Stub::CreateClaim, request,
                [&](const v1::Claim& response) { PrintClaim(cli, response); });
}

int ClaimGet(CliContext& cli, const Arguments& arguments) {
  v1::GetClaimRequest request;
  request.set_id(arguments.Positional(0, "ID"));
  SetAsOf(arguments, &request);
  return Invoke(cli, cli.client->claims(), &v1::ClaimService::Stub::GetClaim, request,
                [&](const v1::Claim& response) { PrintClaim(cli, response); });
}

int ClaimList(CliContext& cli, const Arguments& arguments) {
  v1::ListClaimsRequest request;
  if (auto v = arguments.Get("statement")) request.set_statement_id(*v);
  if (auto v = arguments.Get("subject")) request.set_subject_id(*v);
  if (auto v = arguments.Get("claimant")) request.set_claimant_id(*v);
  if (auto v = arguments.Get("on-behalf-of")) request.set_on_behalf_of_id(*v);
  if (auto v = arguments.Get("source")) request.set_source_id(*v);
  if (auto v = arguments.Get("stance")) request.set_stance(static_cast<v1::Stance>(ParseEnum("stance", *v, v1::Stance_descriptor())));
  if (auto v = arguments.Get("recorded-after")) *request.mutable_recorded_after() = ParseTime("recorded-after", *v);
  if (auto v = arguments.Get("recorded-before")) *request.mutable_recorded_before() = ParseTime("recorded-before", *v);
  request.set_include_inactive(arguments.Has("include-inactive"));
  request.set_page_size(static_cast<int32_t>(arguments.GetInt("page-size", 0)));
  if (auto token = arguments.Get("page-token")) request.set_page_token(*token);
  SetAsOf(arguments, &request);
  v1::ListClaimsResponse all;
  do {
    v1::ListClaimsResponse response;
    auto status =
        Call(cli, cli.client->claims(), &v1::ClaimService::Stub::ListClaims, request, &response);
    if (!status.ok()) return ReportError(cli, status);
    for (const auto& claim : response.claims()) *all.add_claims() = claim;
    all.set_next_page_token(response.next_page_token());
    request.set_page_token(response.next_page_token());
  } while (arguments.Has("all") && !request.page_token().empty());
  if (cli.json) return PrintJson(cli, all), 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& claim : all.claims()) rows.push_back(ClaimRow(claim));
  PrintTable(cli, kClaimHeader, rows);
  if (!all.next_page_token().empty()) *cli.out << "next page: --page-token " << all.next_page_token() << "\n";
  return 0;
}

int ClaimLifecycle(CliContext& cli, const Arguments& arguments, v1::LifecycleKind kind) {
  v1::RecordLifecycleEventRequest request;
  auto* event = request.mutable_event();
  event->set_kind(kind);
  event->mutable_target()->set_claim_id(arguments.Positional(0, "CLAIM_ID"));
  event->set_actor_id(arguments.Require("actor"));
  if (auto v = arguments.Get("reason")) event->set_reason(*v);
  if (auto v = arguments.Get("at")) *event->mutable_occurred_at() = ParseTime("at", *v);
  return Invoke(cli, cli.client->claims(), &v1::ClaimService::Stub::RecordLifecycleEvent, request,
                [&](const v1::LifecycleEvent& response) {
                  PrintFields(cli,
                              {{"event", response.id()},
                               {"kind", EnumName(v1::LifecycleKind_descriptor(), response.kind())},
                               {"claim", response.target().claim_id()},
                               {"actor", response.actor_id()},
                               {"reason", response.reason()},
                               {"recorded_at", FormatTime(response.recorded_at())}});
                });
}

int StatementGet(CliContext& cli, const Arguments& arguments) {
  v1::GetStatementRequest request;
  request.set_id(arguments.Positional(0, "ID"));
  request.set_include_inactive(arguments.Has("include-inactive"));
  SetAsOf(arguments, &request);
  return Invoke(cli, cli.client->claims(), &v1::ClaimService::Stub::GetStatement, request,
                [&](const v1::GetStatementResponse& response) {
                  PrintFields(cli,
                              {{"id", response.statement().id()},
                               {"proposition", StatementText(response.statement())},
                               {"claims", std::to_string(response.claim_count())},
                               {"supporting", std::to_string(response.supporting_count())},
                               {"refuting", std::to_string(response.refuting_count())},
                               {"recorded_at", FormatTime(response.statement().recorded_at())}});
                  *cli.out << "\n";
                  std::vector<std::vector<std::string>> rows;
                  for (const auto& claim : response.claims()) rows.push_back(ClaimRow(claim));
                  PrintTable(cli, kClaimHeader, rows);
                  if (response.claims_truncated())
                    *cli.out << "(more claims: claimgraph claim list --statement "
                             << response.statement().id() << ")\n";
                });
}

int Assess(CliContext& cli, const Arguments& arguments) {
  v1::CreateAssessmentRequest request;
  auto* assessment = request.mutable_assessment();
  if (auto v = arguments.Get("statement")) assessment->mutable_target()->set_statement_id(*v);
  else if (auto c = arguments.Get("claim")) assessment->mutable_target()->set_claim_id(*c);
  else if (auto s = arguments.Get("source")) assessment->mutable_target()->set_source_id(*s);
  else throw UsageError{"one of --statement, --claim, --source is required"};
  assessment->set_assessor_id(arguments.Require("assessor"));
  assessment->set_verdict(static_cast<v1::Verdict>(ParseEnum("verdict", arguments.Require("verdict"), v1::Verdict_descriptor())));
  if (auto v = arguments.Get("verdict-text")) assessment->set_verdict_text(*v);
  if (auto v = arguments.Get("media-category")) assessment->set_media_category(*v);
  if (auto v = arguments.Get("explanation")) assessment->set_explanation(*v);
  if (auto v = arguments.Get("assessed-at")) *assessment->mutable_assessed_at() = ParseTime("assessed-at", *v);
  if (auto v = arguments.Get("id")) assessment->set_id(*v);
  return Invoke(cli, cli.client->claims(), &v1::ClaimService::Stub::CreateAssessment, request,
                [&](const v1::Assessment& response) {
                  PrintFields(cli,
                              {{"id", response.id()},
                               {"assessor", response.assessor_id()},
                               {"verdict", EnumName(v1::Verdict_descriptor(), response.verdict())},
                               {"verdict_text", response.verdict_text()},
                               {"recorded_at", FormatTime(response.recorded_at())}});
                });
}

int Stats(CliContext& cli, const Arguments&) {
  return Invoke(
      cli, cli.client->admin(), &v1::AdminService::Stub::GetStats, v1::GetStatsRequest(),
      [&](const v1::GetStatsResponse& response) {
        char hit_rate[32];
        std::snprintf(hit_rate, sizeof(hit_rate), "%.1f%%", response.block_cache_hit_rate() * 100);
        PrintFields(cli, {{"entities", std::to_string(response.entities())},
                          {"sources", std::to_string(response.sources())},
                          {"statements", std::to_string(response.statements())},
                          {"claims", std::to_string(response.claims())},
                          {"assessments", std::to_string(response.assessments())},
                          {"lifecycle_events", std::to_string(response.lifecycle_events())},
                          {"disk", FormatBytes(response.disk_bytes())},
                          {"sst_files", FormatBytes(response.sst_bytes())},
                          {"wal", FormatBytes(response.wal_bytes())},
                          {"memtables", FormatBytes(response.memtable_bytes())},
                          {"live_data", "~" + FormatBytes(response.estimated_live_data_bytes()) +
                                            " (estimate)"},
                          {"pending_compaction",
                           "~" + FormatBytes(response.estimated_pending_compaction_bytes()) +
                               " (estimate)"},
                          {"block_cache_hit_rate", hit_rate},
                          {"uptime_seconds", std::to_string(response.uptime_seconds())},
                          {"version", response.version()}});
      });
}

int Health(CliContext& cli, const Arguments& arguments) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(arguments.Get("service").value_or(""));
  return Invoke(
      cli, cli.client->health(), &grpc::health::v1::Health::Stub::Check, request,
      [&](const grpc::health::v1::HealthCheckResponse& response) {
        *cli.out << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status())
                 << "\n";
        return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
      });
}

int SchemaGet(CliContext& cli, const Arguments&) {
  return Invoke(
      cli, cli.client->admin(), &v1::AdminService::Stub::GetSchema, v1::GetSchemaRequest(),
      [&](const v1::Schema& response) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : response.predicates()) {
          std::string flags =
              std::string(p.symmetric() ? "symmetric " : "") + (p.functional() ? "functional" : "");
          rows.push_back({p.name(), Join(p.domain()), Join(p.range()), p.inverse(), flags});
        }
        PrintTable(cli, {"PREDICATE", "DOMAIN", "RANGE", "INVERSE", "FLAGS"}, rows);
      });
}

}  // namespace

void RegisterCoreCommands(CommandTable& table) {
  const std::vector<Positional> id = {{"ID", "the record's id"}};
  const std::vector<Option> as_of = {AsOfOption()};
  table.Add({"entity get", "show an entity", id, as_of, EntityGet});
  table.Add({"entity create",
             "create an entity",
             {},
             {{"id", "ID", "the entity's id (required unless --json-file gives it)"},
              {"type", "TYPE", "an entity type of the ontology (claimgraph schema)"},
              {"name", "NAME", "the entity's name"},
              {"alias", "A", "another name", true},
              {"description", "D", "a description"},
              {"attribute", "K=V", "an attribute", true},
              {"external-id", "SYSTEM=ID", "an id in another system (wikidata=Q794)", true},
              {"json-file", "FILE",
               "the entity as protobuf JSON (- for stdin); the options above add to it"}},
             EntityCreate});
  table.Add({"entity update",
             "change an entity's names or description",
             id,
             {{"name", "N", "the new name"},
              {"alias", "A", "the aliases (replace the old ones)", true},
              {"description", "D", "the new description"}},
             EntityUpdate});
  table.Add({"entity list",
             "list entities by id, type or name",
             {},
             Concat({{"type", "T", "only this entity type"},
                     {"name-prefix", "P", "only names starting with P"},
                     {"all", "", "follow every page"},
                     AsOfOption()},
                    PagingOptions()),
             EntityList});
  table.Add({"entity search",
             "find entities by name or alias",
             {{"QUERY", "words of a name or alias"}},
             {{"limit", "N", "at most N entities"}, AsOfOption()},
             EntitySearch});
  table.Add({"source create",
             "create a source",
             {},
             {{"id", "ID", "the source's id (required unless --json-file gives it)"},
              {"url", "U", "where it is published"},
              {"title", "T", "its title"},
              {"publisher", "ENTITY", "the entity that published it"},
              {"kind", "K", "article, report, post, ... (see docs/data-model.md)"},
              {"reliability", "A-F", "the Admiralty reliability grade"},
              {"declared", "TIME", "the publication time the source declares"},
              {"first-seen", "TIME", "when it was first seen"},
              {"retrieved", "TIME", "when it was retrieved"},
              {"text-file", "F", "its text, read from F"},
              {"derived-from", "TYPE:SOURCE",
               "republishes|quotes|cites|revises|translates|primary-source", true},
              {"json-file", "FILE",
               "the source as protobuf JSON (- for stdin); the options above add to it"}},
             SourceCreate});
  table.Add({"source get", "show a source", id, as_of, SourceGet});
  table.Add({"source list",
             "list sources",
             {},
             Concat({{"publisher", "ENTITY", "only this publisher's sources"}}, PagingOptions()),
             SourceList});
  table.Add({"source derive",
             "add a derivation link to a source",
             id,
             {{"type", "TYPE", "republishes|quotes|cites|revises|translates|primary-source"},
              {"from", "SOURCE", "the source it derives from"}},
             SourceDerive});
  table.Add(
      {"claim add",
       "record a claim (and its statement when new)",
       {},
       {{"subject", "E", "the statement's subject entity"},
        {"predicate", "P", "the statement's predicate (claimgraph schema)"},
        {"object", "VALUE", "entity:E, string:S, int:N, double:X, bool:B, time:T or some:D"},
        {"qualifier", "K=VALUE", "a qualifier of the statement", true},
        {"valid-from", "TIME", "the statement holds from"},
        {"valid-to", "TIME", "the statement holds until"},
        {"statement", "ID", "an existing statement instead of --subject/--predicate/--object"},
        {"json-file", "FILE",
         "the claim as protobuf JSON (- for stdin); the options below add to it"},
        {"act", "A", "says, reports, denies, ... (see docs/data-model.md)"},
        {"stance", "S", "supports, refutes, discusses, ..."},
        {"certainty", "C", "certain, probable, possible, ..."},
        {"claimant", "E", "who claims it"},
        {"claimant-some", "DESC", "an unnamed claimant (\"a senior official\")"},
        {"on-behalf-of", "E", "on whose behalf"},
        {"basis", "D", "what the claim rests on, described"},
        {"basis-source", "S", "the source it rests on"},
        {"basis-entity", "E", "the entity it rests on"},
        {"source", "S", "where it was published"},
        {"quote", "TEXT", "the quoted text in the source"},
        {"quote-start", "N", "the quote's first character in the source text"},
        {"quote-end", "N", "the character after the quote"},
        {"relays", "CLAIM", "the claim this one relays"},
        {"confidence", "X", "attribution confidence, 0 to 1"},
        {"claimed-at", "TIME", "when it was claimed"},
        {"estimative-word", "W", "the hedge word used (likely, ...)"},
        {"cue", "C", "the attribution cue (according to, ...)"},
        {"id", "ID", "the claim's id (default: made by the server)"},
        {"request-id", "R", "an idempotency key"}},
       ClaimAdd});
  table.Add({"claim get", "show a claim", id, as_of, ClaimGet});
  table.Add({"claim list",
             "list claims",
             {},
             Concat({{"statement", "ID", "claims of this statement"},
                     {"subject", "E", "claims about statements with this subject"},
                     {"claimant", "E", "claims by this claimant"},
                     {"on-behalf-of", "E", "claims made on behalf of E"},
                     {"source", "S", "claims published in S"},
                     {"stance", "S", "only this stance"},
                     {"recorded-after", "TIME", "recorded at or after TIME"},
                     {"recorded-before", "TIME", "recorded before TIME"},
                     {"include-inactive", "", "include retracted, corrected and deprecated claims"},
                     {"all", "", "follow every page"},
                     AsOfOption()},
                    PagingOptions()),
             ClaimList});
  const std::vector<Positional> claim_id = {{"CLAIM_ID", "the claim"}};
  auto lifecycle = [](const std::string& actor) {
    return std::vector<Option>{{"actor", actor, "who records the event"},
                               {"reason", "R", "why"},
                               {"at", "TIME", "when it happened (default: now)"}};
  };
  table.Add({"claim retract", "record that the claimant retracted a claim", claim_id,
             lifecycle("ENTITY"), [](CliContext& cli, const Arguments& a) {
               return ClaimLifecycle(cli, a, v1::LIFECYCLE_KIND_RETRACTION);
             }});
  table.Add({"claim correct", "record a publisher's correction of a claim", claim_id,
             lifecycle("PUBLISHER"), [](CliContext& cli, const Arguments& a) {
               return ClaimLifecycle(cli, a, v1::LIFECYCLE_KIND_CORRECTION);
             }});
  table.Add({"claim deprecate", "record a curator's deprecation of a claim", claim_id,
             lifecycle("CURATOR"), [](CliContext& cli, const Arguments& a) {
               return ClaimLifecycle(cli, a, v1::LIFECYCLE_KIND_DEPRECATION);
             }});
  table.Add({"statement get",
             "show a statement and its claims",
             id,
             {{"include-inactive", "", "include inactive claims"}, AsOfOption()},
             StatementGet});
  table.Add({"assess",
             "record a fact-checker's assessment",
             {},
             {{"statement", "ID", "assess a statement"},
              {"claim", "ID", "assess a claim"},
              {"source", "ID", "assess a source"},
              {"assessor", "ENTITY", "who assesses"},
              {"verdict", "V", "true, false, mixture or other"},
              {"verdict-text", "T", "the assessor's own words"},
              {"media-category", "C", "the assessor's category"},
              {"explanation", "E", "why"},
              {"assessed-at", "TIME", "when"},
              {"id", "ID", "the assessment's id"}},
             Assess});
  table.Add({"stats", "database statistics", {}, {}, Stats});
  table.Add({"health",
             "server health (exit 0 when serving)",
             {},
             {{"service", "NAME", "a named service"}},
             Health});
  table.Add({"schema", "the ontology's predicates", {}, {}, SchemaGet});
}

}  // namespace claimgraph::cli
