// ClaimGraphServer: opens the database and serves every claimgraph.v1 service plus health and
// reflection on one gRPC port, with graceful shutdown.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/traversal/topology.h"
#include "service/log.h"
#include "service/query_admission.h"
#include "service/rpc_runtime.h"
#include "service/stream_watch.h"
#include "service/unparsed_request_guard.h"

namespace claimgraph::service {

struct ServerOptions {
  // HOST:PORT; port 0 picks a free port (see ClaimGraphServer::port()).
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "data/db";
  // Protobuf text format Schema file; empty: the default ontology built into the binary.
  std::string schema_path;
  size_t block_cache_bytes = 256ull << 20;
  // fsync the WAL before acknowledging each write (survives power loss, not only kill -9).
  bool sync_writes = true;
  // Writes are refused while the data directory's file system has less free space than this
  // (at least kMinFreeDiskBytes). 0: min(256 MiB, 5% of the volume).
  uint64_t min_free_disk_bytes = 0;
  int max_message_bytes = 16 << 20;
  // Records one Import stream may send per second (a one-second burst allowed); a faster stream
  // ends with RESOURCE_EXHAUSTED. 0: unlimited.
  uint64_t max_stream_records_per_second = 0;
  // Records (or lines) one Import stream may carry; the message that would pass it ends the
  // stream with RESOURCE_EXHAUSTED after what came before it is applied. It bounds how long one
  // stream holds its thread and stream slot; a larger file is imported in several streams
  // (resumable by line) or loaded offline (bulk-load). 0: unlimited.
  uint64_t max_stream_records = 10'000'000;
  // Heavy queries (traversals, provenance walks) served at once; more are refused with
  // RESOURCE_EXHAUSTED. 0: sized from the machine's memory (QueryAdmission).
  size_t max_heavy_queries = 0;
  // Streaming RPCs served at once, how long one may go without a message, how many messages
  // one may carry (see stream_watch.h).
  StreamLimits streams;
  // How long shutdown waits for in-flight calls before cancelling them.
  std::chrono::milliseconds shutdown_grace{10000};
  Limits limits;
  std::string version = "0.1.0";
  // TLS: PEM certificate chain and key; with a client CA, clients must present a certificate
  // signed by it (mutual TLS). Empty: plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Hashed bearer tokens with roles (see token_authenticator.h). Empty: an admin token generated
  // into the data directory (admin_token.h), and only a loopback address may be bound.
  std::string tokens_file;
  // No authentication at all: every caller is admin ("anonymous"); loopback only.
  bool allow_unauthenticated = false;
  // No authentication on a non-loopback address.
  bool allow_unauthenticated_remote = false;
  // Where online backups go; empty: "<data_dir>.backups".
  std::string backup_dir;
  // Where RestoreBackup may create a database; empty: the directory holding backup_dir.
  std::string restore_root;
  // HTTP endpoint for /metrics, /healthz and /readyz, and on a loopback address also the
  // HTTP/JSON API (/v1/...) and the explorer (/); empty: none. Loopback only unless
  // allow_remote_metrics (it has no TLS).
  std::string metrics_listen;
  bool allow_remote_metrics = false;
  // Its open connections at most, and how long one may sit idle or stall a request/response.
  int http_max_connections = 64;
  std::chrono::milliseconds http_timeout{5000};
  // The explorer's files (web/explorer of the source tree unless set).
  std::string explorer_dir = CLAIMGRAPH_EXPLORER_DIR;
};

// True for 127.0.0.0/8, ::1 and localhost, with a port.
bool IsLoopbackAddress(const std::string& host_port);

class ClaimGraphServer {
 public:
  // Opens the database and starts serving. Errors: the database cannot be opened (locked,
  // corrupt, wrong format version), the schema is invalid, or the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ClaimGraphServer>> Start(const ServerOptions& options);
  ~ClaimGraphServer();

  int port() const { return port_; }
  // Port of the metrics endpoint (0 when there is none).
  int metrics_port() const;
  // The Prometheus text exposition served at /metrics.
  std::string RenderMetrics();
  Database& database() { return *database_; }
  // Marks every service NOT_SERVING, stops accepting calls, waits up to the grace period for
  // in-flight calls (then cancels them), and closes the database. Idempotent.
  void Shutdown();
  // Blocks until Shutdown has completed.
  void Wait();

 private:
  ClaimGraphServer() = default;

  ServerOptions options_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<traversal::TopologyManager> topology_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<StreamWatch> stream_watch_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<UnparsedRequestGuard> unparsed_requests_;
  std::unique_ptr<QueryAdmission> heavy_queries_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  // Before the endpoint, which calls it, so it is destroyed after.
  std::unique_ptr<class HttpApi> http_api_;
  std::unique_ptr<class HttpEndpoint> metrics_endpoint_;
  std::atomic<bool> ready_{false};
  int port_ = 0;
  bool shut_down_ = false;
};

// The default ontology compiled into the binary (schema/default.textproto).
extern const char kDefaultSchemaText[];

}  // namespace claimgraph::service
