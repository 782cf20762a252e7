// ClaimService handlers.
#include "service/claim_service.h"

#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::service {
namespace {
// Claims returned inline by GetStatement; ListClaims pages through the rest.
constexpr size_t kStatementClaimsInline = 1000;
}  // namespace

grpc::Status ClaimServiceImpl::CreateClaim(grpc::ServerContext* context,
                                           const v1::CreateClaimRequest* request,
                                           v1::Claim* response) {
  return context_.runtime->Run(context, "ClaimService/CreateClaim", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written, context_.database->CreateClaim(
                                          request->claim(), request->request_id(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::Status ClaimServiceImpl::BatchCreateClaims(grpc::ServerContext* context,
                                                 const v1::BatchCreateClaimsRequest* request,
                                                 v1::BatchCreateClaimsResponse* response) {
  return context_.runtime->Run(context, "ClaimService/BatchCreateClaims", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    if (request->claims_size() == 0) return absl::InvalidArgumentError("claims: at least one is required");
    std::vector<v1::Claim> claims(request->claims().begin(), request->claims().end());
    CG_ASSIGN_OR_RETURN(auto written, context_.database->CreateClaims(claims, WriterOf(call)));
    for (auto& claim : written) *response->add_claims() = std::move(claim.record);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimServiceImpl::GetClaim(grpc::CallbackServerContext* context,
                                        const v1::GetClaimRequest* request, v1::Claim* response) {
  return context_.runtime->RunUnary(context, "ClaimService/GetClaim", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_RETURN_IF_ERROR(validation::CheckId("id", request->id(), context_.database->limits()));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(*response, view->GetClaim(request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimServiceImpl::ListClaims(grpc::CallbackServerContext* context,
                                          const v1::ListClaimsRequest* request,
                                          v1::ListClaimsResponse* response) {
  return context_.runtime->RunUnary(context, "ClaimService/ListClaims", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto after, validation::ParseTime("recorded_after", request->has_recorded_after(), request->recorded_after()));
    CG_ASSIGN_OR_RETURN(auto before, validation::ParseTime("recorded_before", request->has_recorded_before(), request->recorded_before()));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    ClaimQuery query;
    query.statement_id = request->statement_id();
    query.subject_id = request->subject_id();
    query.claimant_id = request->claimant_id();
    query.on_behalf_of_id = request->on_behalf_of_id();
    query.source_id = request->source_id();
    query.stance = request->stance();
    query.recorded_from = after.value_or(0);
    query.recorded_to = before.value_or(0);
    if (before && *before == 0) return absl::InvalidArgumentError("recorded_before: must be after 1970-01-01");
    query.include_inactive = request->include_inactive();
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(auto page, view->ListClaims(query, request->page_size(), request->page_token()));
    for (auto& claim : page.items) *response->add_claims() = std::move(claim);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimServiceImpl::GetStatement(grpc::CallbackServerContext* context,
                                            const v1::GetStatementRequest* request,
                                            v1::GetStatementResponse* response) {
  return context_.runtime->RunUnary(context, "ClaimService/GetStatement", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_RETURN_IF_ERROR(validation::CheckId("id", request->id(), context_.database->limits()));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(*response->mutable_statement(), view->GetStatement(request->id()));
    absl::Status failure;
    CG_RETURN_IF_ERROR(view->ForEachClaimOfStatement(request->id(), [&](uint64_t claim_id) {
      if (call.Cancelled()) {
        failure = absl::DeadlineExceededError("deadline passed while reading claims");
        return false;
      }
      auto claim = view->ClaimByInternalId(claim_id);
      if (!claim.ok()) {
        failure = claim.status();
        return false;
      }
      if (!claim->has_value()) return true;
      const auto& found = **claim;
      bool active = found.status() != v1::CLAIM_STATUS_RETRACTED &&
                    found.status() != v1::CLAIM_STATUS_DEPRECATED;
      if (active) {
        response->set_claim_count(response->claim_count() + 1);
        if (found.stance() == v1::STANCE_SUPPORTS)
          response->set_supporting_count(response->supporting_count() + 1);
        if (found.stance() == v1::STANCE_REFUTES)
          response->set_refuting_count(response->refuting_count() + 1);
      }
      if (active || request->include_inactive()) {
        if (static_cast<size_t>(response->claims_size()) < kStatementClaimsInline) {
          *response->add_claims() = found;
        } else {
          response->set_claims_truncated(true);
        }
      }
      return true;
    }));
    return failure;
  });
}

grpc::Status ClaimServiceImpl::RecordLifecycleEvent(grpc::ServerContext* context,
                                                    const v1::RecordLifecycleEventRequest* request,
                                                    v1::LifecycleEvent* response) {
  return context_.runtime->Run(context, "ClaimService/RecordLifecycleEvent", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written,
                        context_.database->RecordLifecycleEvent(request->event(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::Status ClaimServiceImpl::CreateAssessment(grpc::ServerContext* context,
                                                const v1::CreateAssessmentRequest* request,
                                                v1::Assessment* response) {
  return context_.runtime->Run(context, "ClaimService/CreateAssessment", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written,
                        context_.database->RecordAssessment(request->assessment(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClaimServiceImpl::ListAssessments(grpc::CallbackServerContext* context,
                                               const v1::ListAssessmentsRequest* request,
                                               v1::ListAssessmentsResponse* response) {
  return context_.runtime->RunUnary(context, "ClaimService/ListAssessments", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(auto assessments, view->Assessments(request->target()));
    for (auto& assessment : assessments) *response->add_assessments() = std::move(assessment);
    return absl::OkStatus();
  });
}

}  // namespace claimgraph::service
