// TraversalServiceImpl: gRPC adapter for neighbours, k-hop traversal, paths and subgraphs over
// the in-memory topology (or the storage walk it falls back to).
#pragma once

#include "claimgraph/v1/traversal_service.grpc.pb.h"
#include "engine/traversal/topology.h"
#include "service/service_context.h"

namespace claimgraph::service {

// Bounded reads are served on gRPC's callback API (RpcRuntime::RunUnary); writes, which wait for
// the WAL's fsync, and unbounded work stay on the synchronous API's worker threads.
using TraversalServiceBase =
    v1::TraversalService::WithCallbackMethod_Neighbors<v1::TraversalService::Service>;

class TraversalServiceImpl final : public TraversalServiceBase {
 public:
  // `topology` must outlive the service.
  TraversalServiceImpl(ServiceContext context, traversal::TopologyManager* topology)
      : context_(context), topology_(topology) {}

  grpc::ServerUnaryReactor* Neighbors(grpc::CallbackServerContext* context,
                                      const v1::NeighborsRequest* request,
                                      v1::NeighborsResponse* response) override;
  grpc::Status Traverse(grpc::ServerContext* context, const v1::TraverseRequest* request,
                        grpc::ServerWriter<v1::TraverseResponse>* writer) override;
  grpc::Status FindPaths(grpc::ServerContext* context, const v1::FindPathsRequest* request,
                         v1::FindPathsResponse* response) override;
  grpc::Status Subgraph(grpc::ServerContext* context, const v1::SubgraphRequest* request,
                        v1::SubgraphResponse* response) override;

 private:
  ServiceContext context_;
  traversal::TopologyManager* topology_;
};

}  // namespace claimgraph::service
