// ProvenanceServiceImpl: gRPC adapter for traces, corroboration, contradictions, who-said and
// claims-by. Each handler validates the request, opens one read view at as_of, calls the engine's
// provenance functions (server/engine/provenance/) and returns their messages.
#pragma once

#include "claimgraph/v1/provenance_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

// Bounded reads are served on gRPC's callback API (RpcRuntime::RunUnary); writes, which wait for
// the WAL's fsync, and unbounded work stay on the synchronous API's worker threads.
using ProvenanceServiceBase = v1::ProvenanceService::WithCallbackMethod_TraceClaim<
    v1::ProvenanceService::WithCallbackMethod_TraceStatement<
        v1::ProvenanceService::WithCallbackMethod_Corroborate<
            v1::ProvenanceService::WithCallbackMethod_Contradictions<
                v1::ProvenanceService::WithCallbackMethod_WhoSaid<
                    v1::ProvenanceService::WithCallbackMethod_ClaimsBy<
                        v1::ProvenanceService::Service>>>>>>;

class ProvenanceServiceImpl final : public ProvenanceServiceBase {
 public:
  explicit ProvenanceServiceImpl(ServiceContext context) : context_(context) {}

  grpc::ServerUnaryReactor* TraceClaim(grpc::CallbackServerContext* context,
                                       const v1::TraceClaimRequest* request,
                                       v1::TraceClaimResponse* response) override;
  grpc::ServerUnaryReactor* TraceStatement(grpc::CallbackServerContext* context,
                                           const v1::TraceStatementRequest* request,
                                           v1::TraceStatementResponse* response) override;
  grpc::ServerUnaryReactor* Corroborate(grpc::CallbackServerContext* context,
                                        const v1::CorroborateRequest* request,
                                        v1::CorroborateResponse* response) override;
  grpc::ServerUnaryReactor* Contradictions(grpc::CallbackServerContext* context,
                                           const v1::ContradictionsRequest* request,
                                           v1::ContradictionsResponse* response) override;
  grpc::ServerUnaryReactor* WhoSaid(grpc::CallbackServerContext* context,
                                    const v1::WhoSaidRequest* request,
                                    v1::WhoSaidResponse* response) override;
  grpc::ServerUnaryReactor* ClaimsBy(grpc::CallbackServerContext* context,
                                     const v1::ClaimsByRequest* request,
                                     v1::ClaimsByResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
