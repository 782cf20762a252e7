// ClaimServiceImpl: gRPC adapter for claims, statements, lifecycle events and assessments.
#pragma once

#include "claimgraph/v1/claim_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class ClaimServiceImpl final : public v1::ClaimService::Service {
 public:
  explicit ClaimServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreateClaim(grpc::ServerContext* context, const v1::CreateClaimRequest* request,
                           v1::Claim* response) override;
  grpc::Status BatchCreateClaims(grpc::ServerContext* context,
                                 const v1::BatchCreateClaimsRequest* request,
                                 v1::BatchCreateClaimsResponse* response) override;
  grpc::Status GetClaim(grpc::ServerContext* context, const v1::GetClaimRequest* request,
                        v1::Claim* response) override;
  grpc::Status ListClaims(grpc::ServerContext* context, const v1::ListClaimsRequest* request,
                          v1::ListClaimsResponse* response) override;
  grpc::Status GetStatement(grpc::ServerContext* context, const v1::GetStatementRequest* request,
                            v1::GetStatementResponse* response) override;
  grpc::Status RecordLifecycleEvent(grpc::ServerContext* context,
                                    const v1::RecordLifecycleEventRequest* request,
                                    v1::LifecycleEvent* response) override;
  grpc::Status CreateAssessment(grpc::ServerContext* context,
                                const v1::CreateAssessmentRequest* request,
                                v1::Assessment* response) override;
  grpc::Status ListAssessments(grpc::ServerContext* context,
                               const v1::ListAssessmentsRequest* request,
                               v1::ListAssessmentsResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
