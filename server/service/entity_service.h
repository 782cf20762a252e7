// EntityServiceImpl: gRPC adapter for entities (create, get, batch get, list, search, update).
#pragma once

#include "claimgraph/v1/entity_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class EntityServiceImpl final : public v1::EntityService::Service {
 public:
  explicit EntityServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateEntity(grpc::ServerContext* context, const v1::CreateEntityRequest* request,
                            v1::Entity* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status BatchGetEntities(grpc::ServerContext* context,
                                const v1::BatchGetEntitiesRequest* request,
                                v1::BatchGetEntitiesResponse* response) override;
  grpc::Status ListEntities(grpc::ServerContext* context, const v1::ListEntitiesRequest* request,
                            v1::ListEntitiesResponse* response) override;
  grpc::Status SearchEntities(grpc::ServerContext* context,
                              const v1::SearchEntitiesRequest* request,
                              v1::SearchEntitiesResponse* response) override;
  grpc::Status UpdateEntity(grpc::ServerContext* context, const v1::UpdateEntityRequest* request,
                            v1::Entity* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
