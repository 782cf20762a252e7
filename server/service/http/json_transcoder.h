// JsonTranscoder: the HTTP/JSON face of the gRPC services, by the gRPC-JSON transcoding
// convention. At construction it reads the google.api.http rule of every method of the given
// services from the compiled-in descriptors; a request is matched to a rule, its path
// variables, query parameters and JSON body (protobuf's JSON mapping) become the request
// message, and the call goes through `channel` (the server's in-process channel), so the same
// authentication, roles, validation, limits and status mapping apply as over gRPC. The reply is
// the response message in the JSON mapping, or {"code": N, "message": "..."} with the HTTP status
// the gRPC code maps to.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "service/http/path_template.h"

namespace google::protobuf {
class MethodDescriptor;
}

namespace claimgraph::service::http {

struct JsonReply {
  int http_status = 200;
  std::string body;   // application/json
  std::string allow;  // with 405: the methods the path answers ("GET, HEAD")
};

// The HTTP status a gRPC status code answers with (google/rpc/code.proto's mapping).
int HttpStatusForCode(int grpc_code);
// {"code": N, "message": "..."} with HttpStatusForCode(N).
JsonReply ErrorReply(int grpc_code, std::string_view message);
// The (name, value) pairs of a query string, '+' and percent-escapes decoded.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

class JsonTranscoder {
 public:
  // Errors: a service is not in the generated descriptor pool, or a rule does not parse.
  static absl::StatusOr<std::unique_ptr<JsonTranscoder>> Create(
      const std::vector<std::string>& service_names, std::shared_ptr<grpc::Channel> channel,
      std::chrono::milliseconds deadline);

  // Nullopt when no rule's path matches (the caller answers 404); 405 JSON (with the methods
  // that path answers in `allow`) when a path matches under another method. HEAD is answered as
  // GET (the endpoint leaves the body out). `target` is the request target (path and query);
  // `authorization` the Authorization header's value, passed on as the call's metadata.
  std::optional<JsonReply> Handle(std::string_view http_method, std::string_view target,
                                  std::string_view authorization, std::string_view body);

  struct Route {
    std::string http_method;  // "GET", "POST", ...
    PathTemplate path;
    std::string body;  // "", "*" or a field name
    const google::protobuf::MethodDescriptor* method;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  JsonTranscoder(std::shared_ptr<grpc::Channel> channel, std::chrono::milliseconds deadline);
  JsonReply Call(const Route& route, std::vector<std::pair<std::string, std::string>> bindings,
                 std::string_view query, std::string_view authorization, std::string_view body);

  std::vector<Route> routes_;
  grpc::GenericStub stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace claimgraph::service::http
