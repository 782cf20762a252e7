// UnparsedRequestGuard: turns a request gRPC cannot parse into INVALID_ARGUMENT, counted and
// logged like any other call. gRPC deserialises a request before any handler runs; when that
// fails (a protobuf string field holding invalid UTF-8, or bytes that are not the message) it
// answers on its own, INTERNAL with an empty message on the synchronous API and UNIMPLEMENTED on
// the callback API, and no handler sees the call. A server interceptor sees the failure (the
// received message is null) and rewrites the status just before it is sent.
//
// The field is named from protobuf's own report: protobuf logs "String field 'M.f' contains
// invalid UTF-8 data when parsing" on the thread that parses, just before the interceptor runs
// on that thread, so a protobuf log handler keeps the name in a thread-local for it. Other
// protobuf log messages go to the server's log.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "service/rpc_runtime.h"

namespace claimgraph::service {

class UnparsedRequestGuard {
 public:
  // Installs the protobuf log handler (process-wide; call before the server starts).
  // `runtime` counts and logs the refused calls and must outlive the guard's interceptors.
  explicit UnparsedRequestGuard(RpcRuntime* runtime);

  // The interceptor factory to give grpc::ServerBuilder.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewFactory();

 private:
  class Interceptor;
  class Factory;
  RpcRuntime* runtime_;
};

}  // namespace claimgraph::service
