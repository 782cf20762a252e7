// SourceServiceImpl: gRPC adapter for sources and their derivation links.
#pragma once

#include "claimgraph/v1/source_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

// Bounded reads are served on gRPC's callback API (RpcRuntime::RunUnary); writes, which wait for
// the WAL's fsync, and unbounded work stay on the synchronous API's worker threads.
using SourceServiceBase = v1::SourceService::WithCallbackMethod_GetSource<
    v1::SourceService::WithCallbackMethod_ListSources<v1::SourceService::Service>>;

class SourceServiceImpl final : public SourceServiceBase {
 public:
  explicit SourceServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateSource(grpc::ServerContext* context, const v1::CreateSourceRequest* request,
                            v1::Source* response) override;
  grpc::ServerUnaryReactor* GetSource(grpc::CallbackServerContext* context,
                                      const v1::GetSourceRequest* request,
                                      v1::Source* response) override;
  grpc::ServerUnaryReactor* ListSources(grpc::CallbackServerContext* context,
                                        const v1::ListSourcesRequest* request,
                                        v1::ListSourcesResponse* response) override;
  grpc::Status UpdateSource(grpc::ServerContext* context, const v1::UpdateSourceRequest* request,
                            v1::Source* response) override;
  grpc::Status AddDerivation(grpc::ServerContext* context, const v1::AddDerivationRequest* request,
                             v1::Source* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
