// AdminServiceImpl: gRPC adapter for statistics and the schema.
#pragma once

#include "claimgraph/v1/admin_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;
  grpc::Status GetSchema(grpc::ServerContext* context, const v1::GetSchemaRequest* request,
                         v1::Schema* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
