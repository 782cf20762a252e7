// ClaimServiceImpl: gRPC adapter for claims, statements, lifecycle events and assessments.
#pragma once

#include "claimgraph/v1/claim_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

// Bounded reads are served on gRPC's callback API (RpcRuntime::RunUnary); writes, which wait for
// the WAL's fsync, and unbounded work stay on the synchronous API's worker threads.
using ClaimServiceBase =
    v1::ClaimService::WithCallbackMethod_GetClaim<v1::ClaimService::WithCallbackMethod_ListClaims<
        v1::ClaimService::WithCallbackMethod_GetStatement<
            v1::ClaimService::WithCallbackMethod_ListAssessments<v1::ClaimService::Service>>>>;

class ClaimServiceImpl final : public ClaimServiceBase {
 public:
  explicit ClaimServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateClaim(grpc::ServerContext* context, const v1::CreateClaimRequest* request,
                           v1::Claim* response) override;
  grpc::Status BatchCreateClaims(grpc::ServerContext* context,
                                 const v1::BatchCreateClaimsRequest* request,
                                 v1::BatchCreateClaimsResponse* response) override;
  grpc::ServerUnaryReactor* GetClaim(grpc::CallbackServerContext* context,
                                     const v1::GetClaimRequest* request,
                                     v1::Claim* response) override;
  grpc::ServerUnaryReactor* ListClaims(grpc::CallbackServerContext* context,
                                       const v1::ListClaimsRequest* request,
                                       v1::ListClaimsResponse* response) override;
  grpc::ServerUnaryReactor* GetStatement(grpc::CallbackServerContext* context,
                                         const v1::GetStatementRequest* request,
                                         v1::GetStatementResponse* response) override;
  grpc::Status RecordLifecycleEvent(grpc::ServerContext* context,
                                    const v1::RecordLifecycleEventRequest* request,
                                    v1::LifecycleEvent* response) override;
  grpc::Status CreateAssessment(grpc::ServerContext* context,
                                const v1::CreateAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::ServerUnaryReactor* ListAssessments(grpc::CallbackServerContext* context,
                                            const v1::ListAssessmentsRequest* request,
                                            v1::ListAssessmentsResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
