// StreamWatch: keeps streaming RPCs from exhausting the server's threads. On the synchronous API
// every open stream holds a thread, so the number of streams served at once is capped (a stream
// beyond the cap ends at once with RESOURCE_EXHAUSTED), a stream with no message either way for
// the idle timeout is cancelled, and so is one that passes the per-stream message limit.
//
// A gRPC server interceptor (StreamWatch::Factory) sees each stream's messages and registers it;
// RpcRuntime admits it (Admit) for the length of its handler, which is the only time the watch
// thread may cancel it (the call's context is alive then). Thread-safe.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "absl/status/status.h"

namespace claimgraph::service {

struct StreamLimits {
  // Streams served at once; 0: no cap.
  size_t max_concurrent = 128;
  // A stream with no message received or sent for this long is cancelled; 0: never.
  std::chrono::milliseconds idle_timeout{60000};
  // Messages one stream may receive and send together; 0: no limit.
  uint64_t max_messages = 0;
};

class StreamWatch {
 public:
  explicit StreamWatch(StreamLimits limits);
  ~StreamWatch();  // stops the watch thread

  // The interceptor factory to give grpc::ServerBuilder (one per server; it refers to this).
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewFactory();

  // Called by RpcRuntime for every call: for a stream, takes one of the concurrent slots, or
  // RESOURCE_EXHAUSTED naming the flag. `admitted` tells Leave to give the slot back.
  absl::Status Admit(grpc::ServerContextBase* context, bool* admitted);
  void Leave(grpc::ServerContextBase* context);

  size_t open_streams() const;
  // Streams cancelled for idleness or length, refused for the cap.
  uint64_t cancelled_idle() const { return cancelled_idle_.load(); }
  uint64_t cancelled_long() const { return cancelled_long_.load(); }
  uint64_t refused() const { return refused_.load(); }

  struct Entry {
    std::atomic<int64_t> last_activity_ns{0};
    std::atomic<uint64_t> messages{0};
    bool admitted = false;   // guarded by StreamWatch::mutex_
    bool cancelled = false;  // guarded by StreamWatch::mutex_
  };

 private:
  class Interceptor;
  class Factory;
  void Register(grpc::ServerContextBase* context, std::shared_ptr<Entry> entry);
  void Unregister(grpc::ServerContextBase* context);
  void Watch();

  const StreamLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                                                         // guarded
  std::unordered_map<grpc::ServerContextBase*, std::shared_ptr<Entry>> streams_;  // guarded
  size_t admitted_ = 0;                                                           // guarded
  std::atomic<uint64_t> cancelled_idle_{0};
  std::atomic<uint64_t> cancelled_long_{0};
  std::atomic<uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace claimgraph::service
