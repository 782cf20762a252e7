// noop_server: the framework baseline. A bare gRPC C++ server on the same library (the same
// synchronous server model as claimgraphd) with one minimal service, grpc.health.v1.Health
// whose Check answers SERVING at once, so the benchmark's no-op call measured against it and
// against claimgraphd in the same run shows what claimgraphd itself adds per call (its
// interceptors, its other services, its threads).
//
//   noop_server [--listen 127.0.0.1:0]   prints "noop_server listening on port N"; SIGTERM stops it
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdio>

#include "bench_cli.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

class NoopHealth final : public grpc::health::v1::Health::Service {
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  CLI::App app{"noop_server: a bare gRPC server answering grpc.health.v1.Health/Check only",
               "noop_server"};
  app.add_option("--listen", listen, "loopback address to listen on")->capture_default_str();
  if (auto status = claimgraph::bench::ParseCommandLine(app, argc, argv)) return *status;
  if (listen.rfind("127.0.0.1:", 0) != 0 && listen.rfind("localhost:", 0) != 0) {
    std::fprintf(stderr, "noop_server: loopback only (127.0.0.1:PORT)\n");
    return claimgraph::bench::kUsageError;
  }
  // Blocked here and waited for below, so the server shuts down cleanly on SIGTERM / SIGINT.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  NoopHealth service;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  auto server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "noop_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("noop_server listening on port %d\n", port);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}
