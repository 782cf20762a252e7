// SourceService handlers.
#include "service/source_service.h"

#include "engine/status_macros.h"
#include "engine/validation.h"

namespace claimgraph::service {

grpc::Status SourceServiceImpl::CreateSource(grpc::ServerContext* context,
                                             const v1::CreateSourceRequest* request,
                                             v1::Source* response) {
  return context_.runtime->Run(context, "SourceService/CreateSource", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written, context_.database->CreateSource(request->source(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SourceServiceImpl::GetSource(grpc::CallbackServerContext* context,
                                          const v1::GetSourceRequest* request,
                                          v1::Source* response) {
  return context_.runtime->RunUnary(context, "SourceService/GetSource", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_RETURN_IF_ERROR(validation::CheckId("id", request->id(), context_.database->limits()));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(*response, view->GetSource(request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SourceServiceImpl::ListSources(grpc::CallbackServerContext* context,
                                            const v1::ListSourcesRequest* request,
                                            v1::ListSourcesResponse* response) {
  return context_.runtime->RunUnary(context, "SourceService/ListSources", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(auto page, view->ListSources(request->publisher_id(), request->page_size(),
                                                     request->page_token()));
    for (auto& source : page.items) *response->add_sources() = std::move(source);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status SourceServiceImpl::UpdateSource(grpc::ServerContext* context,
                                             const v1::UpdateSourceRequest* request,
                                             v1::Source* response) {
  return context_.runtime->Run(context, "SourceService/UpdateSource", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    std::vector<std::string> paths(request->update_mask().paths().begin(),
                                   request->update_mask().paths().end());
    CG_ASSIGN_OR_RETURN(auto written,
                        context_.database->UpdateSource(request->source(), paths, WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::Status SourceServiceImpl::AddDerivation(grpc::ServerContext* context,
                                              const v1::AddDerivationRequest* request,
                                              v1::Source* response) {
  return context_.runtime->Run(context, "SourceService/AddDerivation", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written, context_.database->AddDerivation(
                                          request->source_id(), request->derivation(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

}  // namespace claimgraph::service
