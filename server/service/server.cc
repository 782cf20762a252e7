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
#include "service/admin_token.h"
#include "service/http/http_api.h"
#include "service/http_endpoint.h"
#include "service/prometheus_text.h"
#include "service/token_authenticator.h"
#include "service/import_export_service.h"
#include "service/traversal_service.h"
#include "engine/strings.h"
#include "service/admin_service.h"
#include "service/claim_service.h"
#include "service/entity_service.h"
#include "service/provenance_service.h"
#include "service/restore_target.h"
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
  if (server->options_.restore_root.empty()) {
    server->options_.restore_root = DefaultRestoreRoot(server->options_.backup_dir);
  }

  if (options.limits.max_answer_bytes > static_cast<uint64_t>(options.max_message_bytes)) {
    return absl::InvalidArgumentError(
        "--max-answer-mb must not exceed --max-message-mb: a larger answer could not be sent");
  }
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
  } else if (options.allow_unauthenticated) {
    Log(LogLevel::kWarn, "--allow-unauthenticated: every local user is admin, serving loopback only",
        {{"listen", options.listen}});
  }
  if (!options.metrics_listen.empty() && !IsLoopbackAddress(options.metrics_listen) &&
      !options.allow_remote_metrics) {
    return absl::FailedPreconditionError(StrCat(
        "refusing to serve --metrics-listen ", options.metrics_listen, " (plain HTTP, no "
        "authentication) on a non-loopback address: give --allow-remote-metrics to allow it"));
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
  database_options.storage.cache_bytes = options.block_cache_bytes;
  database_options.storage.sync_writes = options.sync_writes;
  database_options.storage.min_free_disk_bytes = options.min_free_disk_bytes;
  database_options.schema = schema;
  database_options.limits = options.limits;
  CG_ASSIGN_OR_RETURN(server->database_, Database::Open(database_options));
  if (options.tokens_file.empty() && !options.allow_unauthenticated &&
      !options.allow_unauthenticated_remote) {
    // Secure by default: an admin token in the data directory, readable by this user only.
    bool created = false;
    CG_ASSIGN_OR_RETURN(auto token, EnsureAdminToken(options.data_dir, &created));
    CG_ASSIGN_OR_RETURN(server->authenticator_,
                        TokenAuthenticator::Parse(StrCat(HashToken(token), " admin ", kAdminTokenPrincipal),
                                                  "the generated admin token"));
    Log(LogLevel::kInfo,
        created ? "no --tokens-file: generated an admin token (mode 0600); the claimgraph CLI finds it there"
                : "no --tokens-file: using the admin token in the data directory",
        {{"token_file", StrCat(options.data_dir, "/", kAdminTokenFile)}});
  }
  // Edge aggregates carry the fused provenance score that traversal's confidence filters use.
  CG_RETURN_IF_ERROR(provenance::InstallStatementScorer(*server->database_));
  // The in-memory topology is built after the scorer so it starts from rescored edges.
  CG_ASSIGN_OR_RETURN(server->topology_, traversal::TopologyManager::Create(server->database_.get()));

  server->stream_watch_ = std::make_unique<StreamWatch>(options.streams);
  server->runtime_ = std::make_unique<RpcRuntime>(server->authenticator_.get(), server->stream_watch_.get());
  // What one heavy query may hold: its working memory, and its answer about three times over
  // (the protobuf objects, the serialized message and gRPC's copy).
  server->heavy_queries_ = std::make_unique<QueryAdmission>(
      options.max_heavy_queries,
      options.limits.max_traversal_memory_bytes + 3 * options.limits.max_answer_bytes);
  ServiceContext context{server->database_.get(), server->runtime_.get(),
                         std::chrono::steady_clock::now(), options.version,
                         server->options_.backup_dir, options.max_stream_records_per_second,
                         server->heavy_queries_.get(), server->options_.restore_root,
                         options.max_stream_records};
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
  add(std::make_unique<TraversalServiceImpl>(context, server->topology_.get()), "claimgraph.v1.TraversalService");
  add(std::make_unique<ImportExportServiceImpl>(context), "claimgraph.v1.ImportExportService");

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (auto& service : server->services_) builder.RegisterService(service.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  server->unparsed_requests_ = std::make_unique<UnparsedRequestGuard>(server->runtime_.get());
  interceptors.push_back(server->unparsed_requests_->NewFactory());
  interceptors.push_back(server->stream_watch_->NewFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(StrCat("cannot listen on ", options.listen));
  }
  auto* health = server->server_->GetHealthCheckService();
  for (const auto& name : server->service_names_) health->SetServingStatus(name, true);
  health->SetServingStatus("", true);
  if (!options.metrics_listen.empty()) {
    HttpEndpointOptions http;
    http.listen = options.metrics_listen;
    http.max_connections = options.http_max_connections;
    http.connection_timeout = options.http_timeout;
    ClaimGraphServer* self = server.get();
    http.metrics = [self]() { return self->RenderMetrics(); };
    http.ready = [self]() {
      if (!self->ready_.load()) return Readiness::kNotReady;
      return self->database_->WritesRefusedForDiskSpace() ? Readiness::kReadOnly
                                                          : Readiness::kReady;
    };
    // The endpoint has no TLS: data (and bearer tokens) cross it only on loopback; elsewhere it
    // keeps to metrics and probes, and the API is reached through a TLS proxy or a tunnel.
    if (IsLoopbackAddress(options.metrics_listen)) {
      CG_ASSIGN_OR_RETURN(server->http_api_,
                          HttpApi::Create(*server->server_, server->service_names_,
                                          options.explorer_dir, options.max_message_bytes));
      HttpApi* api = server->http_api_.get();
      http.routes = [api](const HttpRouteRequest& request) { return api->Answer(request); };
      http.max_body_bytes = HttpApi::kMaxBodyBytes;
    } else {
      Log(LogLevel::kInfo, "HTTP API and explorer off: the metrics address is not loopback",
          {{"listen", options.metrics_listen}});
    }
    CG_ASSIGN_OR_RETURN(server->metrics_endpoint_, HttpEndpoint::Start(std::move(http)));
    Log(LogLevel::kInfo, "metrics endpoint", {{"listen", options.metrics_listen},
                                              {"port", StrCat(server->metrics_endpoint_->port())}});
  }
  server->ready_ = true;
  if (server->database_->WritesRefusedForDiskSpace()) {
    Log(LogLevel::kWarn, "the disk is below its free-space reserve: serving reads, refusing writes "
        "until space is freed", {{"data_dir", options.data_dir}});
  }
  Log(LogLevel::kInfo, "serving",
      {{"listen", options.listen}, {"port", StrCat(server->port_)}, {"data_dir", options.data_dir},
       {"max_heavy_queries", StrCat(server->heavy_queries_->max_concurrent())}});
  return server;
}

void ClaimGraphServer::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;  // never started, or already stopped
  shut_down_ = true;
  // Health and readiness first, so load balancers stop sending before the port closes.
  ready_ = false;
  server_->GetHealthCheckService()->SetServingStatus(false);
  Log(LogLevel::kInfo, "shutting down",
      {{"in_flight", StrCat(runtime_->calls_in_flight())},
       {"grace_ms", StrCat(options_.shutdown_grace.count())}});
  server_->Shutdown(std::chrono::system_clock::now() + options_.shutdown_grace);
  server_->Wait();
  if (metrics_endpoint_) metrics_endpoint_->Stop();
  auto flushed = database_->Flush();
  if (!flushed.ok()) Log(LogLevel::kWarn, "flush at shutdown failed", {{"error", std::string(flushed.message())}});
  topology_.reset();  // it observes the database: gone first
  database_.reset();
  Log(LogLevel::kInfo, "stopped");
}

void ClaimGraphServer::Wait() { server_->Wait(); }

int ClaimGraphServer::metrics_port() const { return metrics_endpoint_ ? metrics_endpoint_->port() : 0; }

std::string ClaimGraphServer::RenderMetrics() {
  PrometheusText text;
  auto method_stats = runtime_->SnapshotMethodStats();
  static const char* kCodes[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                 "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                 "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  text.BeginFamily("claimgraph_rpc_calls_total", MetricType::kCounter, "Finished RPCs by method and status code.");
  for (const auto& [method, stats] : method_stats) {
    for (size_t code = 0; code < stats.calls_by_code.size(); ++code) {
      if (stats.calls_by_code[code] == 0) continue;
      text.Value({{"method", method}, {"code", kCodes[code]}}, static_cast<double>(stats.calls_by_code[code]));
    }
  }
  text.BeginFamily("claimgraph_rpc_latency_seconds", MetricType::kHistogram, "RPC latency by method.");
  for (const auto& [method, stats] : method_stats) {
    HistogramData histogram = HistogramData::WithBounds(RpcRuntime::LatencyBoundsSeconds());
    histogram.bucket_counts = stats.latency_buckets;
    histogram.sum = stats.latency_sum_seconds;
    histogram.count = stats.latency_count;
    text.Histogram({{"method", method}}, histogram);
  }
  text.BeginFamily("claimgraph_rpc_in_flight", MetricType::kGauge, "RPCs being handled now.");
  text.Value({}, static_cast<double>(runtime_->calls_in_flight()));
  text.BeginFamily("claimgraph_heavy_queries_in_flight", MetricType::kGauge,
                   "Heavy queries (traversals, provenance walks) running now.");
  text.Value({}, static_cast<double>(heavy_queries_->running()));
  text.BeginFamily("claimgraph_heavy_queries_refused_total", MetricType::kCounter,
                   "Heavy queries refused because --max-heavy-queries were running.");
  text.Value({}, static_cast<double>(heavy_queries_->refused()));
  text.BeginFamily("claimgraph_allocator_trims_total", MetricType::kCounter,
                   "Free heap handed back to the system after the heavy queries went quiet.");
  text.Value({}, static_cast<double>(heavy_queries_->trims()));
  text.BeginFamily("claimgraph_streams_open", MetricType::kGauge, "Streaming RPCs being served now.");
  text.Value({}, static_cast<double>(stream_watch_->open_streams()));
  text.BeginFamily("claimgraph_streams_ended_total", MetricType::kCounter,
                   "Streams refused at --max-concurrent-streams or cancelled, by reason.");
  text.Value({{"reason", "refused"}}, static_cast<double>(stream_watch_->refused()));
  text.Value({{"reason", "idle"}}, static_cast<double>(stream_watch_->cancelled_idle()));
  text.Value({{"reason", "messages"}}, static_cast<double>(stream_watch_->cancelled_long()));
  text.BeginFamily("claimgraph_ready", MetricType::kGauge, "1 while serving, 0 while starting or draining.");
  text.Value({}, ready_ ? 1 : 0);
  if (database_ != nullptr) {
    auto stats = database_->GetStats();
    if (stats.ok()) {
      text.BeginFamily("claimgraph_records", MetricType::kGauge,
                       "Records stored by kind (their rate of change is the import rate).");
      text.Value({{"kind", "entity"}}, static_cast<double>(stats->entities));
      text.Value({{"kind", "source"}}, static_cast<double>(stats->sources));
      text.Value({{"kind", "statement"}}, static_cast<double>(stats->statements));
      text.Value({{"kind", "claim"}}, static_cast<double>(stats->claims));
      text.Value({{"kind", "assessment"}}, static_cast<double>(stats->assessments));
      text.Value({{"kind", "lifecycle_event"}}, static_cast<double>(stats->lifecycle_events));
      const auto& store = stats->store;
      text.BeginFamily("claimgraph_rocksdb_block_cache_hits_total", MetricType::kCounter, "Block cache hits.");
      text.Value({}, static_cast<double>(store.block_cache_hits));
      text.BeginFamily("claimgraph_rocksdb_block_cache_misses_total", MetricType::kCounter, "Block cache misses.");
      text.Value({}, static_cast<double>(store.block_cache_misses));
      text.BeginFamily("claimgraph_rocksdb_bytes_written_total", MetricType::kCounter, "Bytes written to the database.");
      text.Value({}, static_cast<double>(store.bytes_written));
      text.BeginFamily("claimgraph_rocksdb_pending_compaction_bytes", MetricType::kGauge,
                       "Estimated bytes compaction still has to rewrite.");
      text.Value({}, static_cast<double>(store.estimated_pending_compaction_bytes));
      text.BeginFamily("claimgraph_db_size_bytes", MetricType::kGauge, "Database size by part.");
      text.Value({{"part", "sst"}}, static_cast<double>(store.total_sst_bytes));
      text.Value({{"part", "wal"}}, static_cast<double>(store.wal_bytes));
      text.Value({{"part", "memtable"}}, static_cast<double>(store.memtable_bytes));
      text.BeginFamily("claimgraph_db_disk_bytes", MetricType::kGauge,
                       "Every file of the data directory.");
      text.Value({}, static_cast<double>(store.disk_bytes));
      text.BeginFamily("claimgraph_db_estimated_live_data_bytes", MetricType::kGauge,
                       "RocksDB's estimate of live data in SST files, plus the memtables.");
      text.Value({}, static_cast<double>(store.estimated_live_data_bytes));
    }
  }
  return text.text();
}

ClaimGraphServer::~ClaimGraphServer() { Shutdown(); }

}  // namespace claimgraph::service
