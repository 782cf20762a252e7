// ProvenanceServiceImpl: gRPC adapter for traces, corroboration, contradictions, who-said and
// claims-by. Each handler validates the request, opens one read view at as_of, calls the engine's
// provenance functions (server/engine/provenance/) and returns their messages.
#pragma once

#include "claimgraph/v1/provenance_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class ProvenanceServiceImpl final : public v1::ProvenanceService::Service {
 public:
  explicit ProvenanceServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status TraceClaim(grpc::ServerContext* context, const v1::TraceClaimRequest* request,
                          v1::TraceClaimResponse* response) override;
  grpc::Status TraceStatement(grpc::ServerContext* context,
                              const v1::TraceStatementRequest* request,
                              v1::TraceStatementResponse* response) override;
  grpc::Status Corroborate(grpc::ServerContext* context, const v1::CorroborateRequest* request,
                           v1::CorroborateResponse* response) override;
  grpc::Status Contradictions(grpc::ServerContext* context,
                              const v1::ContradictionsRequest* request,
                              v1::ContradictionsResponse* response) override;
  grpc::Status WhoSaid(grpc::ServerContext* context, const v1::WhoSaidRequest* request,
                       v1::WhoSaidResponse* response) override;
  grpc::Status ClaimsBy(grpc::ServerContext* context, const v1::ClaimsByRequest* request,
                        v1::ClaimsByResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
