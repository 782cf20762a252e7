// ProvenanceService handlers.
#include "service/provenance_service.h"

#include "engine/paging.h"
#include "engine/provenance/contradictions.h"
#include "engine/provenance/corroborate.h"
#include "engine/provenance/trace.h"
#include "engine/provenance/who_said.h"
#include "engine/status_macros.h"
#include "engine/validation.h"

namespace claimgraph::service {
namespace {

// The default node limit of a trace, and the most a caller may ask for.
constexpr int32_t kDefaultTraceNodes = 10'000;
constexpr int32_t kMaxTraceNodes = 200'000;
constexpr int32_t kDefaultClaimsBy = 1'000;
constexpr int32_t kMaxClaimsBy = 10'000;
constexpr int32_t kDefaultPage = 100;  // a paged answer given a token without page_size

absl::StatusOr<size_t> Limit(const char* field, int32_t asked, int32_t fallback, int32_t most) {
  if (asked < 0 || asked > most) {
    return absl::InvalidArgumentError(std::string(field) + ": must be in [0, " +
                                      std::to_string(most) + "]");
  }
  return static_cast<size_t>(asked == 0 ? fallback : asked);
}

// The view of a pageable answer, and its page size: unpaged (page_size 0, no token), the first
// page (pinned to the request's as_of or its snapshot's time) or a later page (as of the time the
// token pins). The engine checks that the token belongs to the query.
struct PagedView {
  std::unique_ptr<ReadView> view;
  size_t page_size = 0;
};
absl::StatusOr<PagedView> OpenPagedView(const Database& database, std::optional<uint64_t> as_of,
                                        int32_t page_size, const std::string& page_token) {
  CG_RETURN_IF_ERROR(validation::CheckPageSize(page_size, database.limits()));
  PagedView paged;
  paged.page_size = static_cast<size_t>(page_size);
  CG_ASSIGN_OR_RETURN(auto pinned, paging::PinnedPageTokenAsOf(page_token));
  if (pinned) {
    if (paged.page_size == 0) paged.page_size = kDefaultPage;
    CG_ASSIGN_OR_RETURN(paged.view, database.NewReadView(*pinned));
  } else if (paged.page_size > 0) {
    CG_ASSIGN_OR_RETURN(paged.view, database.NewPinnedReadView(as_of));
  } else {
    CG_ASSIGN_OR_RETURN(paged.view, database.NewReadView(as_of));
  }
  return paged;
}

// A paged trace's pages end before the server's answer limit.
template <typename Request>
provenance::TracePaging TracePaging(const PagedView& paged, const Request& request) {
  provenance::TracePaging paging;
  paging.page_size = paged.page_size;
  paging.page_token = request.page_token();
  paging.max_page_bytes = static_cast<size_t>(paged.view->limits().max_answer_bytes);
  return paging;
}

template <typename Response>
void SetTracePage(provenance::TracePage page, Response* response) {
  *response->mutable_trace() = std::move(page.trace);
  response->set_next_page_token(std::move(page.next_page_token));
  response->set_total_nodes(static_cast<int32_t>(page.total_nodes));
  response->set_total_edges(static_cast<int32_t>(page.total_edges));
}

}  // namespace

grpc::ServerUnaryReactor* ProvenanceServiceImpl::TraceClaim(grpc::CallbackServerContext* context,
                                                            const v1::TraceClaimRequest* request,
                                                            v1::TraceClaimResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/TraceClaim", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/TraceClaim"));
        CG_RETURN_IF_ERROR(validation::CheckId("claim_id", request->claim_id(), limits));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        provenance::TraceOptions options;
        CG_ASSIGN_OR_RETURN(options.max_nodes, Limit("max_nodes", request->max_nodes(),
                                                     kDefaultTraceNodes, kMaxTraceNodes));
        CG_ASSIGN_OR_RETURN(auto paged, OpenPagedView(*context_.database, as_of,
                                                      request->page_size(), request->page_token()));
        if (paged.page_size == 0) {
          CG_ASSIGN_OR_RETURN(*response->mutable_trace(),
                              provenance::TraceClaim(*paged.view, request->claim_id(), options));
          return absl::OkStatus();
        }
        CG_ASSIGN_OR_RETURN(auto page,
                            provenance::TraceClaimPage(*paged.view, request->claim_id(), options,
                                                       TracePaging(paged, *request)));
        SetTracePage(std::move(page), response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ProvenanceServiceImpl::TraceStatement(
    grpc::CallbackServerContext* context, const v1::TraceStatementRequest* request,
    v1::TraceStatementResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/TraceStatement", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/TraceStatement"));
        CG_RETURN_IF_ERROR(validation::CheckId("statement_id", request->statement_id(), limits));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        provenance::TraceOptions options;
        CG_ASSIGN_OR_RETURN(options.max_nodes, Limit("max_nodes", request->max_nodes(),
                                                     kDefaultTraceNodes, kMaxTraceNodes));
        options.include_inactive = request->include_inactive();
        CG_ASSIGN_OR_RETURN(auto paged, OpenPagedView(*context_.database, as_of,
                                                      request->page_size(), request->page_token()));
        if (paged.page_size == 0) {
          CG_ASSIGN_OR_RETURN(
              *response->mutable_trace(),
              provenance::TraceStatement(*paged.view, request->statement_id(), options));
          return absl::OkStatus();
        }
        CG_ASSIGN_OR_RETURN(
            auto page, provenance::TraceStatementPage(*paged.view, request->statement_id(), options,
                                                      TracePaging(paged, *request)));
        SetTracePage(std::move(page), response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ProvenanceServiceImpl::Corroborate(grpc::CallbackServerContext* context,
                                                             const v1::CorroborateRequest* request,
                                                             v1::CorroborateResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/Corroborate", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/Corroborate"));
        CG_RETURN_IF_ERROR(validation::CheckId("statement_id", request->statement_id(), limits));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        provenance::CorroborateOptions options;
        options.include_inactive = request->include_inactive();
        CG_ASSIGN_OR_RETURN(auto paged, OpenPagedView(*context_.database, as_of,
                                                      request->page_size(), request->page_token()));
        options.page_size = paged.page_size;
        options.page_token = request->page_token();
        CG_ASSIGN_OR_RETURN(*response,
                            provenance::Corroborate(*paged.view, request->statement_id(), options));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ProvenanceServiceImpl::Contradictions(
    grpc::CallbackServerContext* context, const v1::ContradictionsRequest* request,
    v1::ContradictionsResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/Contradictions", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/Contradictions"));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        switch (request->target_case()) {
          case v1::ContradictionsRequest::kEntityId: {
            CG_RETURN_IF_ERROR(validation::CheckId("entity_id", request->entity_id(), limits));
            CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
            CG_ASSIGN_OR_RETURN(*response,
                                provenance::ContradictionsOfEntity(*view, request->entity_id()));
            return absl::OkStatus();
          }
          case v1::ContradictionsRequest::kStatementId: {
            CG_RETURN_IF_ERROR(
                validation::CheckId("statement_id", request->statement_id(), limits));
            CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
            CG_ASSIGN_OR_RETURN(
                *response, provenance::ContradictionsOfStatement(*view, request->statement_id()));
            return absl::OkStatus();
          }
          default:
            return absl::InvalidArgumentError("target: entity_id or statement_id is required");
        }
      });
}

grpc::ServerUnaryReactor* ProvenanceServiceImpl::WhoSaid(grpc::CallbackServerContext* context,
                                                         const v1::WhoSaidRequest* request,
                                                         v1::WhoSaidResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/WhoSaid", Role::kReader, request, [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/WhoSaid"));
        CG_RETURN_IF_ERROR(validation::CheckId("statement_id", request->statement_id(), limits));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        provenance::WhoSaidOptions options;
        options.include_inactive = request->include_inactive();
        options.max_answer_bytes = limits.max_answer_bytes;
        CG_ASSIGN_OR_RETURN(auto paged, OpenPagedView(*context_.database, as_of,
                                                      request->page_size(), request->page_token()));
        options.page_size = paged.page_size;
        options.page_token = request->page_token();
        CG_ASSIGN_OR_RETURN(*response,
                            provenance::WhoSaid(*paged.view, request->statement_id(), options));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ProvenanceServiceImpl::ClaimsBy(grpc::CallbackServerContext* context,
                                                          const v1::ClaimsByRequest* request,
                                                          v1::ClaimsByResponse* response) {
  return context_.runtime->RunUnary(
      context, "ProvenanceService/ClaimsBy", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        const Limits& limits = context_.database->limits();
        CG_ASSIGN_OR_RETURN(auto ticket,
                            context_.heavy_queries->Admit("ProvenanceService/ClaimsBy"));
        CG_RETURN_IF_ERROR(validation::CheckId("entity_id", request->entity_id(), limits));
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        provenance::ClaimsByOptions options;
        options.include_inactive = request->include_inactive();
        options.max_answer_bytes = limits.max_answer_bytes;
        CG_ASSIGN_OR_RETURN(options.max_claims, Limit("max_claims", request->max_claims(),
                                                      kDefaultClaimsBy, kMaxClaimsBy));
        CG_ASSIGN_OR_RETURN(auto paged, OpenPagedView(*context_.database, as_of,
                                                      request->page_size(), request->page_token()));
        options.page_size = paged.page_size;
        options.page_token = request->page_token();
        CG_ASSIGN_OR_RETURN(*response,
                            provenance::ClaimsBy(*paged.view, request->entity_id(), options));
        return absl::OkStatus();
      });
}

}  // namespace claimgraph::service
