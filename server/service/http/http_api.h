// HttpApi: everything claimgraphd serves on its HTTP endpoint besides /metrics and the probes:
// the HTTP/JSON API under /v1/ (JsonTranscoder), the explorer's files under /explorer/ (and /),
// and the trace drawing as SVG (/explorer/trace.svg). Every call it makes goes through the gRPC
// server's in-process channel with the request's Authorization header, so roles and limits are
// those of gRPC.
#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/http/json_transcoder.h"
#include "service/http_endpoint.h"

namespace claimgraph::service {

class HttpApi {
 public:
  // Request bodies (CreateClaim and the like) are small; this bounds what the endpoint buffers.
  static constexpr size_t kMaxBodyBytes = 1 << 20;

  // `services`: the gRPC services to transcode (full names). Errors as JsonTranscoder::Create.
  static absl::StatusOr<std::unique_ptr<HttpApi>> Create(grpc::Server& server,
                                                         const std::vector<std::string>& services,
                                                         std::string explorer_dir,
                                                         int max_message_bytes);

  // Nullopt for a path it does not serve.
  std::optional<HttpRouteReply> Answer(const HttpRouteRequest& request);

 private:
  HttpApi() = default;
  HttpRouteReply StaticFile(const std::string& name) const;
  HttpRouteReply TraceSvg(const HttpRouteRequest& request, std::string_view query) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<http::JsonTranscoder> transcoder_;
  std::string explorer_dir_;
};

}  // namespace claimgraph::service
