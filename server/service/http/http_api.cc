// HttpApi: routing between the JSON API, the explorer's files and the trace drawing.
#include "service/http/http_api.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/client_context.h>

#include <fstream>
#include <map>
#include <sstream>

#include "claimgraph/v1/claim_service.grpc.pb.h"
#include "claimgraph/v1/entity_service.grpc.pb.h"
#include "claimgraph/v1/provenance_service.grpc.pb.h"
#include "drawing/dot_text.h"
#include "drawing/trace_dot.h"
#include "engine/exchange/nquads.h"  // EncodeIriSegment: percent-encoding for URLs
#include "engine/strings.h"
#include "engine/validation.h"
#include "service/http/svg_renderer.h"

namespace claimgraph::service {
namespace {

// Calls made for the explorer get the same bound as those the JSON API makes.
constexpr std::chrono::seconds kCallDeadline{10};
constexpr std::string_view kJson = "application/json";

HttpRouteReply FromJson(http::JsonReply reply) {
  return {reply.http_status, std::string(kJson), std::move(reply.body), std::move(reply.allow)};
}

HttpRouteReply NotFound() { return {404, "text/plain; charset=utf-8", "not found\n", ""}; }

HttpRouteReply MethodNotAllowed() {
  return {405, "text/plain; charset=utf-8", "method not allowed\n", "GET, HEAD"};
}

HttpRouteReply GrpcError(const grpc::Status& status) {
  return FromJson(http::ErrorReply(status.error_code(), status.error_message()));
}

HttpRouteReply InvalidArgument(std::string_view message) {
  return FromJson(http::ErrorReply(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT), message));
}

std::string_view ContentType(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  return "";
}

// A plain file name in the explorer's folder: no path separators, no leading dot.
bool SafeName(std::string_view name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::unique_ptr<grpc::ClientContext> Context(const HttpRouteRequest& request) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  if (!request.authorization.empty()) context->AddMetadata("authorization", request.authorization);
  return context;
}

// The explorer's page for a trace node (a hash route of index.html), keeping as_of.
std::string NodeUrl(const v1::TraceNode& node, const std::string& as_of) {
  std::string page;
  switch (node.kind()) {
    case v1::TRACE_NODE_KIND_CLAIM:
      page = "claim/";
      break;
    case v1::TRACE_NODE_KIND_SOURCE:
      page = "source/";
      break;
    case v1::TRACE_NODE_KIND_AGENT:
      page = "entity/";
      break;
    default:
      return "";
  }
  std::string url = "/explorer/#/" + page + exchange::EncodeIriSegment(node.id());
  if (!as_of.empty()) url += "?as_of=" + exchange::EncodeIriSegment(as_of);
  return url;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpApi>> HttpApi::Create(grpc::Server& server,
                                                         const std::vector<std::string>& services,
                                                         std::string explorer_dir,
                                                         int max_message_bytes) {
  std::unique_ptr<HttpApi> api(new HttpApi());
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(max_message_bytes);
  arguments.SetMaxSendMessageSize(max_message_bytes);
  api->channel_ = server.InProcessChannel(arguments);
  auto transcoder = http::JsonTranscoder::Create(services, api->channel_, kCallDeadline);
  if (!transcoder.ok()) return transcoder.status();
  api->transcoder_ = std::move(*transcoder);
  api->explorer_dir_ = std::move(explorer_dir);
  return api;
}

std::optional<HttpRouteReply> HttpApi::Answer(const HttpRouteRequest& request) {
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (path.rfind("/v1/", 0) == 0) {
    auto reply = transcoder_->Handle(request.method, target, request.authorization, request.body);
    if (!reply) {
      return FromJson(http::ErrorReply(static_cast<int>(grpc::StatusCode::NOT_FOUND),
                                       "no API method at this path"));
    }
    return FromJson(std::move(*reply));
  }
  // The explorer's files and drawing answer GET and HEAD (the same reply; the endpoint leaves
  // the body out).
  bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/" || path == "/explorer" || path == "/explorer/") {
    return get ? StaticFile("index.html") : MethodNotAllowed();
  }
  if (path == "/explorer/trace.svg") return get ? TraceSvg(request, query) : MethodNotAllowed();
  if (path.rfind("/explorer/", 0) == 0) {
    return get ? StaticFile(std::string(path.substr(10))) : MethodNotAllowed();
  }
  return std::nullopt;
}

HttpRouteReply HttpApi::StaticFile(const std::string& name) const {
  std::string_view type = ContentType(name);
  if (!SafeName(name) || type.empty()) return NotFound();
  std::ifstream in(explorer_dir_ + "/" + name, std::ios::binary);
  if (!in) return NotFound();
  std::stringstream buffer;
  buffer << in.rdbuf();
  return {200, std::string(type), buffer.str(), ""};
}

HttpRouteReply HttpApi::TraceSvg(const HttpRouteRequest& request, std::string_view query) const {
  std::string claim_id, statement_id, as_of_text;
  bool include_inactive = false;
  for (const auto& [key, value] : http::ParseQuery(query)) {
    if (key == "claim_id") {
      claim_id = value;
    } else if (key == "statement_id") {
      statement_id = value;
    } else if (key == "as_of") {
      as_of_text = value;
    } else if (key == "include_inactive") {
      include_inactive = value == "true";
    } else {
      return InvalidArgument(StrCat("parameter ", validation::Quote(key), ": unknown"));
    }
  }
  if (claim_id.empty() == statement_id.empty()) {
    return InvalidArgument("claim_id or statement_id: exactly one is required");
  }
  google::protobuf::Timestamp as_of;
  if (!as_of_text.empty() && !google::protobuf::util::TimeUtil::FromString(as_of_text, &as_of)) {
    return InvalidArgument(StrCat("as_of: ", validation::Quote(as_of_text), " is not RFC 3339"));
  }
  auto provenance = v1::ProvenanceService::NewStub(channel_);
  auto claims = v1::ClaimService::NewStub(channel_);
  v1::Trace trace;
  v1::Statement statement;
  if (!claim_id.empty()) {
    v1::TraceClaimRequest trace_request;
    trace_request.set_claim_id(claim_id);
    if (!as_of_text.empty()) *trace_request.mutable_as_of() = as_of;
    v1::TraceClaimResponse response;
    grpc::Status status = provenance->TraceClaim(Context(request).get(), trace_request, &response);
    if (!status.ok()) return GrpcError(status);
    trace = std::move(*response.mutable_trace());
    v1::GetClaimRequest claim_request;
    claim_request.set_id(claim_id);
    if (!as_of_text.empty()) *claim_request.mutable_as_of() = as_of;
    v1::Claim claim;
    status = claims->GetClaim(Context(request).get(), claim_request, &claim);
    if (!status.ok()) return GrpcError(status);
    statement = claim.statement();
  } else {
    v1::TraceStatementRequest trace_request;
    trace_request.set_statement_id(statement_id);
    trace_request.set_include_inactive(include_inactive);
    if (!as_of_text.empty()) *trace_request.mutable_as_of() = as_of;
    v1::TraceStatementResponse response;
    grpc::Status status =
        provenance->TraceStatement(Context(request).get(), trace_request, &response);
    if (!status.ok()) return GrpcError(status);
    trace = std::move(*response.mutable_trace());
    v1::GetStatementRequest statement_request;
    statement_request.set_id(statement_id);
    if (!as_of_text.empty()) *statement_request.mutable_as_of() = as_of;
    v1::GetStatementResponse statement_response;
    status = claims->GetStatement(Context(request).get(), statement_request, &statement_response);
    if (!status.ok()) return GrpcError(status);
    statement = statement_response.statement();
  }
  auto entities = v1::EntityService::NewStub(channel_);
  std::map<std::string, std::string> names;
  auto name_of = [&](const std::string& id) -> std::string {
    auto [at, inserted] = names.emplace(id, "");
    if (inserted) {
      v1::GetEntityRequest entity_request;
      entity_request.set_id(id);
      v1::Entity entity;
      if (entities->GetEntity(Context(request).get(), entity_request, &entity).ok()) {
        at->second = entity.name();
      }
    }
    return at->second;
  };
  drawing::TraceDotOptions options;
  options.title = drawing::PropositionText(statement, name_of);
  options.node_url = [&](const v1::TraceNode& node) { return NodeUrl(node, as_of_text); };
  auto svg = http::RenderSvg(drawing::TraceDot(trace, options));
  if (!svg.ok()) {
    return FromJson(http::ErrorReply(static_cast<int>(svg.status().code()),
                                     std::string(svg.status().message())));
  }
  return {200, "image/svg+xml", std::move(*svg), ""};
}

}  // namespace claimgraph::service
