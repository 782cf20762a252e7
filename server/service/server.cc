// ClaimGraphServer: start-up (database, services, health, reflection) and graceful shutdown.
#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "engine/status_macros.h"
#include "engine/strings.h"
#include "service/admin_service.h"
#include "service/claim_service.h"
#include "service/entity_service.h"
#include "service/source_service.h"

namespace claimgraph::service {

absl::StatusOr<std::unique_ptr<ClaimGraphServer>> ClaimGraphServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<ClaimGraphServer> server(new ClaimGraphServer());
  server->options_ = options;

  std::shared_ptr<const schema::SchemaRegistry> schema;
  if (options.schema_path.empty()) {
    CG_ASSIGN_OR_RETURN(schema, schema::SchemaRegistry::LoadText(kDefaultSchemaText, "default.textproto"));
  } else {
    CG_ASSIGN_OR_RETURN(schema, schema::SchemaRegistry::LoadTextFile(options.schema_path));
  }
  DatabaseOptions database_options;
  database_options.storage.path = options.data_dir;
  database_options.storage.block_cache_bytes = options.block_cache_bytes;
  database_options.storage.sync_writes = options.sync_writes;
  database_options.schema = schema;
  database_options.limits = options.limits;
  CG_ASSIGN_OR_RETURN(server->database_, Database::Open(database_options));

  server->runtime_ = std::make_unique<RpcRuntime>(nullptr);
  ServiceContext context{server->database_.get(), server->runtime_.get(),
                         std::chrono::steady_clock::now(), options.version};
  // register services here: one line per service, with its full name for health checks.
  auto add = [&](std::unique_ptr<grpc::Service> service, std::string name) {
    server->services_.push_back(std::move(service));
    server->service_names_.push_back(std::move(name));
  };
  add(std::make_unique<EntityServiceImpl>(context), "claimgraph.v1.EntityService");
  add(std::make_unique<SourceServiceImpl>(context), "claimgraph.v1.SourceService");
  add(std::make_unique<ClaimServiceImpl>(context), "claimgraph.v1.ClaimService");
  add(std::make_unique<AdminServiceImpl>(context), "claimgraph.v1.AdminService");

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (auto& service : server->services_) builder.RegisterService(service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(StrCat("cannot listen on ", options.listen));
  }
  auto* health = server->server_->GetHealthCheckService();
  for (const auto& name : server->service_names_) health->SetServingStatus(name, true);
  health->SetServingStatus("", true);
  Log(LogLevel::kInfo, "serving",
      {{"listen", options.listen}, {"port", StrCat(server->port_)}, {"data_dir", options.data_dir}});
  return server;
}

void ClaimGraphServer::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;  // never started, or already stopped
  shut_down_ = true;
  // Health first, so load balancers stop sending before the port closes.
  server_->GetHealthCheckService()->SetServingStatus(false);
  Log(LogLevel::kInfo, "shutting down",
      {{"in_flight", StrCat(runtime_->calls_in_flight())},
       {"grace_ms", StrCat(options_.shutdown_grace.count())}});
  server_->Shutdown(std::chrono::system_clock::now() + options_.shutdown_grace);
  server_->Wait();
  auto flushed = database_->store().Flush();
  if (!flushed.ok()) Log(LogLevel::kWarn, "flush at shutdown failed", {{"error", std::string(flushed.message())}});
  database_.reset();
  Log(LogLevel::kInfo, "stopped");
}

void ClaimGraphServer::Wait() { server_->Wait(); }

ClaimGraphServer::~ClaimGraphServer() { Shutdown(); }

}  // namespace claimgraph::service
