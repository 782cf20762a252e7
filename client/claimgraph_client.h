// ClaimGraphClient: a connection to claimgraphd — channel, credentials, per-call contexts with
// deadline, bearer token and request id, and the service stubs. Used by the CLI and the tests.
// Thread-safe once constructed.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

#include "claimgraph/v1/admin_service.grpc.pb.h"
#include "claimgraph/v1/claim_service.grpc.pb.h"
#include "claimgraph/v1/entity_service.grpc.pb.h"
#include "claimgraph/v1/provenance_service.grpc.pb.h"
#include "claimgraph/v1/import_export_service.grpc.pb.h"
#include "claimgraph/v1/source_service.grpc.pb.h"
#include "claimgraph/v1/traversal_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace claimgraph::client {

struct ClientOptions {
  std::string target = "127.0.0.1:50051";
  // Deadline of every call made with NewContext().
  std::chrono::milliseconds timeout{10000};
  // Bearer token sent in the `authorization` metadata; empty: the one DiscoverToken finds
  // (credentials.h), if any.
  std::string token;
  // TLS: the CA that signed the server's certificate (empty: plaintext), and for mutual TLS
  // the client's own certificate and key (PEM files).
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  int max_message_bytes = 64 << 20;
};

class ClaimGraphClient {
 public:
  explicit ClaimGraphClient(const ClientOptions& options);

  // A context carrying the deadline, the token and a fresh x-request-id.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const ClientOptions& options() const { return options_; }
  // Error reading a TLS file at construction (the channel then fails every call).
  const std::string& setup_error() const { return setup_error_; }

  v1::EntityService::Stub& entities() const { return *entities_; }
  v1::SourceService::Stub& sources() const { return *sources_; }
  v1::ClaimService::Stub& claims() const { return *claims_; }
  v1::AdminService::Stub& admin() const { return *admin_; }
  v1::ProvenanceService::Stub& provenance() const { return *provenance_; }
  grpc::health::v1::Health::Stub& health() const { return *health_; }
  v1::TraversalService::Stub& traversal() const { return *traversal_; }
  v1::ImportExportService::Stub& exchange() const { return *exchange_; }

 private:
  ClientOptions options_;
  std::string setup_error_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EntityService::Stub> entities_;
  std::unique_ptr<v1::SourceService::Stub> sources_;
  std::unique_ptr<v1::ClaimService::Stub> claims_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::ProvenanceService::Stub> provenance_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<v1::TraversalService::Stub> traversal_;
  std::unique_ptr<v1::ImportExportService::Stub> exchange_;
};

}  // namespace claimgraph::client
