// HttpEndpoint: a small embedded HTTP/1.1 server for orchestrators and scrapers, separate from
// the gRPC port. It serves three paths itself, to GET and HEAD:
//   /metrics  200, the provider's text, "text/plain; version=0.0.4" (Prometheus exposition)
//   /healthz  200 "ok" while the process runs (liveness)
//   /readyz   200 "ready", 200 "read-only ..." while writes are refused, 503 "not ready"
// Any other path goes to `routes` (404 without it); another method on these three is 405. A HEAD
// request, here or routed, is answered with the headers of the reply (Content-Length included)
// and no body. Requests are bounded in size
// (431/413 and the connection closed), each connection has an idle/read/write timeout, and the
// number of open connections is capped: at the cap, the connection idle longest is closed to
// make room, so connections held open by idle clients never keep a probe out. It knows nothing
// of the engine or gRPC: what it reports comes from the callbacks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace claimgraph::service {

enum class Readiness {
  kReady,
  kReadOnly,  // serving reads, refusing writes (the disk is below its reserve)
  kNotReady,  // starting or draining
};

// A request as `HttpEndpointOptions::routes` sees it, and what it answers.
struct HttpRouteRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string authorization;
  std::string body;
};
struct HttpRouteReply {
  int status = 200;
  std::string content_type;
  std::string body;
  // The Allow header (a 405 names the methods the path answers); empty: none.
  std::string allow;
};

struct HttpEndpointOptions {
  // HOST:PORT (HOST may be a name, an IPv4 address or a bracketed IPv6 address); port 0 binds an
  // ephemeral port, reported by HttpEndpoint::port().
  std::string listen = "127.0.0.1:9090";
  // Body of GET /metrics. Called on the endpoint's thread, once per scrape; must be thread-safe
  // with respect to whatever it reads. Null: /metrics answers an empty body.
  std::function<std::string()> metrics;
  // Readiness for /readyz, called on the endpoint's thread. Null: always ready.
  std::function<Readiness()> ready;
  // Answers the paths the endpoint does not serve itself (the JSON API and the explorer), on one
  // of route_threads worker threads (so it must be thread-safe); nullopt answers 404. Null:
  // every other path is 404.
  std::function<std::optional<HttpRouteReply>(const HttpRouteRequest&)> routes;
  // Routed requests answered at once; more wait their turn (each is bounded by its call deadline).
  int route_threads = 4;
  // Request line plus headers; scrapers send a few hundred bytes.
  size_t max_header_bytes = 8 * 1024;
  // A GET carries no body; a small allowance keeps clients that send one from being cut off.
  size_t max_body_bytes = 1024;
  // A connection idle (or stalled mid-request or mid-response) this long is closed.
  std::chrono::milliseconds connection_timeout{5000};
  // Open connections at most, so a flood cannot exhaust memory or descriptors. A connection
  // beyond it closes the one waiting longest for a request (or, when every one is busy
  // answering, is itself closed at once).
  int max_connections = 64;
};

class HttpEndpoint {
 public:
  // Binds and starts serving on its own thread. Errors: the address does not parse or resolve
  // (InvalidArgument), or cannot be bound (Unavailable).
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> Start(HttpEndpointOptions options);
  // Stops (see Stop).
  ~HttpEndpoint();

  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // The bound port (the ephemeral one when the options asked for port 0).
  int port() const;

  // Stops accepting, closes idle connections, lets responses being written finish (each bounded
  // by the connection timeout), then joins the thread. Idempotent; call from any thread but the
  // endpoint's own (not from a callback).
  void Stop();

 private:
  class Impl;
  explicit HttpEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace claimgraph::service
