// EntityService handlers: translate requests into Database / ReadView calls and back.
#include "service/entity_service.h"

#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::service {
namespace {
constexpr int32_t kDefaultSearchLimit = 20;
}

grpc::Status EntityServiceImpl::CreateEntity(grpc::ServerContext* context,
                                             const v1::CreateEntityRequest* request,
                                             v1::Entity* response) {
  return context_.runtime->Run(context, "EntityService/CreateEntity", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto written, context_.database->CreateEntity(request->entity(), WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EntityServiceImpl::GetEntity(grpc::CallbackServerContext* context,
                                          const v1::GetEntityRequest* request,
                                          v1::Entity* response) {
  return context_.runtime->RunUnary(context, "EntityService/GetEntity", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_RETURN_IF_ERROR(validation::CheckId("id", request->id(), context_.database->limits()));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    CG_ASSIGN_OR_RETURN(*response, view->GetEntity(request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EntityServiceImpl::BatchGetEntities(grpc::CallbackServerContext* context,
                                                 const v1::BatchGetEntitiesRequest* request,
                                                 v1::BatchGetEntitiesResponse* response) {
  return context_.runtime->RunUnary(context, "EntityService/BatchGetEntities", Role::kReader,
                                    request,
                               [&](CallInfo&) -> absl::Status {
    const auto& limits = context_.database->limits();
    if (request->ids_size() > limits.max_page_size) {
      return absl::ResourceExhaustedError(StrCat("ids: at most ", limits.max_page_size));
    }
    for (int i = 0; i < request->ids_size(); ++i) {
      CG_RETURN_IF_ERROR(validation::CheckId(StrCat("ids[", i, "]"), request->ids(i), limits));
    }
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    for (int i = 0; i < request->ids_size(); ++i) {
      auto entity = view->GetEntity(request->ids(i));
      if (!entity.ok()) {
        return absl::Status(entity.status().code(),
                            StrCat("ids[", i, "]: ", std::string(entity.status().message())));
      }
      *response->add_entities() = *std::move(entity);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EntityServiceImpl::ListEntities(grpc::CallbackServerContext* context,
                                             const v1::ListEntitiesRequest* request,
                                             v1::ListEntitiesResponse* response) {
  return context_.runtime->RunUnary(context, "EntityService/ListEntities", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    CG_RETURN_IF_ERROR(validation::CheckString("name_prefix", request->name_prefix(), 1024));
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    EntityQuery query{request->type(), request->name_prefix()};
    CG_ASSIGN_OR_RETURN(auto page, view->ListEntities(query, request->page_size(), request->page_token()));
    for (auto& entity : page.items) *response->add_entities() = std::move(entity);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EntityServiceImpl::SearchEntities(grpc::CallbackServerContext* context,
                                               const v1::SearchEntitiesRequest* request,
                                               v1::SearchEntitiesResponse* response) {
  return context_.runtime->RunUnary(context, "EntityService/SearchEntities", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    const auto& limits = context_.database->limits();
    if (request->query().empty()) return absl::InvalidArgumentError("query: is required");
    CG_RETURN_IF_ERROR(validation::CheckString("query", request->query(), 1024));
    if (request->limit() < 0) return absl::InvalidArgumentError("limit: must not be negative");
    if (request->limit() > limits.max_page_size) {
      return absl::ResourceExhaustedError(StrCat("limit: at most ", limits.max_page_size));
    }
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    size_t limit = request->limit() == 0 ? kDefaultSearchLimit : request->limit();
    CG_ASSIGN_OR_RETURN(auto entities, view->SearchEntities(request->query(), limit));
    for (auto& entity : entities) *response->add_entities() = std::move(entity);
    return absl::OkStatus();
  });
}

grpc::Status EntityServiceImpl::UpdateEntity(grpc::ServerContext* context,
                                             const v1::UpdateEntityRequest* request,
                                             v1::Entity* response) {
  return context_.runtime->Run(context, "EntityService/UpdateEntity", Role::kWriter, request,
                               [&](CallInfo& call) -> absl::Status {
    std::vector<std::string> paths(request->update_mask().paths().begin(),
                                   request->update_mask().paths().end());
    CG_ASSIGN_OR_RETURN(auto written,
                        context_.database->UpdateEntity(request->entity(), paths, WriterOf(call)));
    *response = std::move(written.record);
    return absl::OkStatus();
  });
}

}  // namespace claimgraph::service
