// ClaimGraphServer: start-up (database, services, health, reflection) and graceful shutdown.
#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <sstream>

#include "engine/provenance/corroborate.h"
#include "engine/status_macros.h"
#include "service/token_authenticator.h"
#include "engine/strings.h"
#include "service/admin_service.h"
#include "service/claim_service.h"
#include "service/entity_service.h"
#include "service/provenance_service.h"
#include "service/source_service.h"

namespace claimgraph::service {

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("--", flag, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& options) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (options.tls_cert_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  CG_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem("tls-cert", options.tls_cert_file));
  CG_ASSIGN_OR_RETURN(pair.private_key, ReadPem("tls-key", options.tls_key_file));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    CG_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem("tls-client-ca", options.tls_client_ca_file));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

bool IsLoopbackAddress(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  std::string host = colon == std::string::npos ? host_port : host_port.substr(0, colon);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  return host.find_first_not_of("0123456789.") == std::string::npos;
}

absl::StatusOr<std::unique_ptr<ClaimGraphServer>> ClaimGraphServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<ClaimGraphServer> server(new ClaimGraphServer());
  server->options_ = options;
  if (server->options_.backup_dir.empty()) server->options_.backup_dir = options.data_dir + ".backups";

  // Security checks come before the database is touched.
  if (!options.tokens_file.empty()) {
    CG_ASSIGN_OR_RETURN(server->authenticator_, TokenAuthenticator::LoadFile(options.tokens_file));
  } else if (!IsLoopbackAddress(options.listen)) {
    if (!options.allow_unauthenticated_remote) {
      return absl::FailedPreconditionError(StrCat(
          "refusing to serve ", options.listen, " without authentication: give --tokens-file, or "
          "--allow-unauthenticated-remote to force it"));
    }
    Log(LogLevel::kWarn, "serving a non-loopback address WITHOUT authentication (forced)", {{"listen", options.listen}});
  } else {
    Log(LogLevel::kInfo, "no --tokens-file: authentication is off, serving loopback only", {{"listen", options.listen}});
  }
  CG_ASSIGN_OR_RETURN(auto credentials, Credentials(options));

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
  // Edge aggregates carry the fused provenance score that traversal's confidence filters use.
  CG_RETURN_IF_ERROR(provenance::InstallStatementScorer(*server->database_));

  server->runtime_ = std::make_unique<RpcRuntime>(server->authenticator_.get());
  ServiceContext context{server->database_.get(), server->runtime_.get(),
                         std::chrono::steady_clock::now(), options.version,
                         server->options_.backup_dir};
  // register services here: one line per service, with its full name for health checks.
  auto add = [&](std::unique_ptr<grpc::Service> service, std::string name) {
    server->services_.push_back(std::move(service));
    server->service_names_.push_back(std::move(name));
  };
  add(std::make_unique<EntityServiceImpl>(context), "claimgraph.v1.EntityService");
  add(std::make_unique<SourceServiceImpl>(context), "claimgraph.v1.SourceService");
  add(std::make_unique<ClaimServiceImpl>(context), "claimgraph.v1.ClaimService");
  add(std::make_unique<AdminServiceImpl>(context), "claimgraph.v1.AdminService");
  add(std::make_unique<ProvenanceServiceImpl>(context), "claimgraph.v1.ProvenanceService");

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
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
