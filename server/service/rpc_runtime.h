// RpcRuntime: what every RPC handler runs inside. It assigns the request id, checks the caller's
// role, turns the handler's absl::Status into a grpc::Status (through ToGrpcStatus), and writes
// the one log line per call (method, code, latency, peer, request id; never request contents or
// secrets). Thread-safe.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "service/stream_watch.h"

namespace claimgraph::service {

// What a caller may do. Each role includes the ones before it.
enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };

// Decides who the caller is from the call's metadata. Returns the principal, or
// UNAUTHENTICATED / PERMISSION_DENIED. The default (no tokens configured) admits everyone as
// "anonymous" with every role.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::Status Authorize(const grpc::ServerContextBase& context, Role required,
                                 std::string* principal) const = 0;
};

// Per-call facts handed to a handler.
struct CallInfo {
  grpc::ServerContextBase* context = nullptr;
  std::string request_id;
  std::string principal;
  // True once the client cancelled or the deadline passed: long handlers check it and stop.
  bool Cancelled() const;
};

class RpcRuntime {
 public:
  // `authenticator` may be null (everyone admitted); `streams` may be null (streams not
  // limited). Both must outlive the runtime.
  explicit RpcRuntime(const Authenticator* authenticator, StreamWatch* streams = nullptr)
      : authenticator_(authenticator), streams_(streams) {}

  // Runs `handler` for the RPC `method` ("EntityService/GetEntity") requiring `role`.
  // The handler is called before Run returns (a FunctionRef: no copy, no allocation per call).
  // A streaming RPC also takes one of the StreamWatch's slots for the length of the handler.
  grpc::Status Run(grpc::ServerContextBase* context, std::string_view method, Role role,
                   absl::FunctionRef<absl::Status(CallInfo&)> handler) {
    return RunCall(context, method, role, handler, /*may_stream=*/true);
  }
  // The same for a unary RPC served on gRPC's callback API: the handler runs on the thread that
  // received the request, without the synchronous API's hand-off to a worker thread (about half
  // of a point read's server CPU). Only for handlers that never wait long: a callback thread
  // held by one call delays every other callback call.
  grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, std::string_view method,
                                     Role role, absl::FunctionRef<absl::Status(CallInfo&)> handler);

  uint64_t calls_in_flight() const { return in_flight_.load(); }

  // Per-method call counts by status code and latency histograms, for /metrics.
  struct MethodStats {
    std::array<uint64_t, 17> calls_by_code{};
    std::vector<uint64_t> latency_buckets;  // counts per bound of kLatencyBoundsSeconds, then +Inf
    double latency_sum_seconds = 0;
    uint64_t latency_count = 0;
  };
  static const std::vector<double>& LatencyBoundsSeconds();
  std::map<std::string, MethodStats> SnapshotMethodStats() const;

 private:
  grpc::Status RunCall(grpc::ServerContextBase* context, std::string_view method, Role role,
                       absl::FunctionRef<absl::Status(CallInfo&)> handler, bool may_stream);
  void Record(std::string_view method, int code, double seconds);

  mutable std::mutex stats_mutex_;
  std::map<std::string, MethodStats, std::less<>> method_stats_;  // guarded by stats_mutex_
  const Authenticator* authenticator_;
  StreamWatch* streams_;
  std::atomic<uint64_t> in_flight_{0};
  std::atomic<uint64_t> next_request_{1};
};

}  // namespace claimgraph::service
