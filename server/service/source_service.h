// SourceServiceImpl: gRPC adapter for sources and their derivation links.
#pragma once

#include "claimgraph/v1/source_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class SourceServiceImpl final : public v1::SourceService::Service {
 public:
  explicit SourceServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateSource(grpc::ServerContext* context, const v1::CreateSourceRequest* request,
                            v1::Source* response) override;
  grpc::Status GetSource(grpc::ServerContext* context, const v1::GetSourceRequest* request,
                         v1::Source* response) override;
  grpc::Status ListSources(grpc::ServerContext* context, const v1::ListSourcesRequest* request,
                           v1::ListSourcesResponse* response) override;
  grpc::Status UpdateSource(grpc::ServerContext* context, const v1::UpdateSourceRequest* request,
                            v1::Source* response) override;
  grpc::Status AddDerivation(grpc::ServerContext* context, const v1::AddDerivationRequest* request,
                             v1::Source* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
