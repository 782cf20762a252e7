// ClaimGraphClient: channel set-up and per-call contexts.
#include "claimgraph_client.h"

#include "credentials.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <random>
#include <sstream>

namespace claimgraph::client {
namespace {

bool ReadFile(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return true;
}

}  // namespace

ClaimGraphClient::ClaimGraphClient(const ClientOptions& options) : options_(options) {
  if (options_.token.empty()) options_.token = DiscoverToken(options_.target);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.tls_ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!ReadFile(options.tls_ca_file, &ssl.pem_root_certs)) {
      setup_error_ = "cannot read --tls-ca " + options.tls_ca_file;
    }
    if (!options.tls_cert_file.empty() &&
        (!ReadFile(options.tls_cert_file, &ssl.pem_cert_chain) ||
         !ReadFile(options.tls_key_file, &ssl.pem_private_key))) {
      setup_error_ = "cannot read the client certificate or key";
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.max_message_bytes);
  channel_ = grpc::CreateCustomChannel(options.target, credentials, arguments);
  entities_ = v1::EntityService::NewStub(channel_);
  sources_ = v1::SourceService::NewStub(channel_);
  claims_ = v1::ClaimService::NewStub(channel_);
  admin_ = v1::AdminService::NewStub(channel_);
  provenance_ = v1::ProvenanceService::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
  traversal_ = v1::TraversalService::NewStub(channel_);
  exchange_ = v1::ImportExportService::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> ClaimGraphClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + options_.timeout);
  if (!options_.token.empty()) context->AddMetadata("authorization", "Bearer " + options_.token);
  thread_local std::mt19937_64 random{std::random_device{}()};
  char request_id[17];
  std::snprintf(request_id, sizeof(request_id), "%016llx", static_cast<unsigned long long>(random()));
  context->AddMetadata("x-request-id", request_id);
  return context;
}

}  // namespace claimgraph::client
