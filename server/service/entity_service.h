// EntityServiceImpl: gRPC adapter for entities (create, get, batch get, list, search, update).
#pragma once

#include "claimgraph/v1/entity_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

// Bounded reads are served on gRPC's callback API (RpcRuntime::RunUnary); writes, which wait for
// the WAL's fsync, and unbounded work stay on the synchronous API's worker threads.
using EntityServiceBase = v1::EntityService::WithCallbackMethod_GetEntity<
    v1::EntityService::WithCallbackMethod_BatchGetEntities<
        v1::EntityService::WithCallbackMethod_ListEntities<
            v1::EntityService::WithCallbackMethod_SearchEntities<v1::EntityService::Service>>>>;

class EntityServiceImpl final : public EntityServiceBase {
 public:
  explicit EntityServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateEntity(grpc::ServerContext* context, const v1::CreateEntityRequest* request,
                            v1::Entity* response) override;
  grpc::ServerUnaryReactor* GetEntity(grpc::CallbackServerContext* context,
                                      const v1::GetEntityRequest* request,
                                      v1::Entity* response) override;
  grpc::ServerUnaryReactor* BatchGetEntities(grpc::CallbackServerContext* context,
                                             const v1::BatchGetEntitiesRequest* request,
                                             v1::BatchGetEntitiesResponse* response) override;
  grpc::ServerUnaryReactor* ListEntities(grpc::CallbackServerContext* context,
                                         const v1::ListEntitiesRequest* request,
                                         v1::ListEntitiesResponse* response) override;
  grpc::ServerUnaryReactor* SearchEntities(grpc::CallbackServerContext* context,
                                           const v1::SearchEntitiesRequest* request,
                                           v1::SearchEntitiesResponse* response) override;
  grpc::Status UpdateEntity(grpc::ServerContext* context, const v1::UpdateEntityRequest* request,
                            v1::Entity* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
