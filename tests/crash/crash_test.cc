// Crash test: writers create entities and claims (single calls and atomic batches) while the
// server is killed with SIGKILL at random moments; after each kill the data directory must pass
// the offline checksum verification, and after each restart every write the server acknowledged
// must be there, and every batch the kill left unacknowledged must be whole or absent.
// Usage: crash_test [--rounds N] [--seed S]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server_harness.h"

namespace {

using claimgraph::testing::RunProgram;
using claimgraph::testing::ServerProcess;
namespace v1 = claimgraph::v1;

struct Acknowledged {
  std::mutex mutex;
  std::set<std::string> entities;
  std::set<std::string> claims;
  std::vector<std::vector<std::string>> batches;  // claim ids of each acknowledged batch
  // Claim ids of each batch sent whose answer never came (the kill cut it).
  std::vector<std::vector<std::string>> unacknowledged_batches;
  size_t unacknowledged_applied = 0;  // of which were found whole after the restart
};

v1::Claim MakeClaim(const std::string& id, const std::string& claimant, int object) {
  v1::Claim claim;
  claim.set_id(id);
  auto* statement = claim.mutable_statement();
  statement->set_subject_id(claimant);
  statement->set_predicate("visited");
  statement->mutable_object()->set_entity_id("place-" + std::to_string(object));
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.mutable_claimant()->set_entity_id(claimant);
  return claim;
}

// Writes until the server goes away; records only what was acknowledged.
void Writer(const ServerProcess* server, int writer, int round, Acknowledged* acknowledged) {
  claimgraph::client::ClientOptions options;
  options.target = server->address();
  options.token = server->AdminToken();
  options.timeout = std::chrono::milliseconds(3000);
  claimgraph::client::ClaimGraphClient client(options);
  for (int i = 0;; ++i) {
    std::string person = "p-" + std::to_string(round) + "-" + std::to_string(writer) + "-" + std::to_string(i);
    v1::CreateEntityRequest create;
    create.mutable_entity()->set_id(person);
    create.mutable_entity()->set_type("person");
    create.mutable_entity()->set_name(person);
    v1::Entity entity;
    if (!client.entities().CreateEntity(client.NewContext().get(), create, &entity).ok()) return;
    {
      std::lock_guard lock(acknowledged->mutex);
      acknowledged->entities.insert(person);
    }
    if (i % 3 == 0) {
      v1::BatchCreateClaimsRequest batch;
      std::vector<std::string> ids;
      for (int k = 0; k < 5; ++k) {
        ids.push_back(person + "-b" + std::to_string(k));
        *batch.add_claims() = MakeClaim(ids.back(), person, k);
      }
      v1::BatchCreateClaimsResponse response;
      if (!client.claims().BatchCreateClaims(client.NewContext().get(), batch, &response).ok()) {
        std::lock_guard lock(acknowledged->mutex);
        acknowledged->unacknowledged_batches.push_back(ids);
        return;
      }
      std::lock_guard lock(acknowledged->mutex);
      acknowledged->batches.push_back(ids);
      acknowledged->claims.insert(ids.begin(), ids.end());
    } else {
      v1::CreateClaimRequest request;
      *request.mutable_claim() = MakeClaim(person + "-c", person, i % 5);
      v1::Claim claim;
      if (!client.claims().CreateClaim(client.NewContext().get(), request, &claim).ok()) return;
      std::lock_guard lock(acknowledged->mutex);
      acknowledged->claims.insert(person + "-c");
    }
  }
}

bool VerifyAcknowledged(const ServerProcess& server, Acknowledged& acknowledged, std::string* problem) {
  auto client = server.NewClient(10000);
  std::lock_guard lock(acknowledged.mutex);
  for (const auto& id : acknowledged.entities) {
    v1::GetEntityRequest get;
    get.set_id(id);
    v1::Entity entity;
    auto status = client->entities().GetEntity(client->NewContext().get(), get, &entity);
    if (!status.ok()) {
      *problem = "acknowledged entity " + id + " missing: " + status.error_message();
      return false;
    }
  }
  for (const auto& id : acknowledged.claims) {
    v1::GetClaimRequest get;
    get.set_id(id);
    v1::Claim claim;
    auto status = client->claims().GetClaim(client->NewContext().get(), get, &claim);
    if (!status.ok()) {
      *problem = "acknowledged claim " + id + " missing: " + status.error_message();
      return false;
    }
  }
  // Batches are atomic: one the kill left unanswered is all there or not there at all.
  for (const auto& ids : acknowledged.unacknowledged_batches) {
    size_t present = 0;
    for (const auto& id : ids) {
      v1::GetClaimRequest get;
      get.set_id(id);
      v1::Claim claim;
      auto status = client->claims().GetClaim(client->NewContext().get(), get, &claim);
      if (status.ok()) {
        ++present;
      } else if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
        *problem = "reading unacknowledged batch claim " + id + ": " + status.error_message();
        return false;
      }
    }
    if (present != 0 && present != ids.size()) {
      *problem = "unacknowledged batch starting " + ids.front() + " is partial: " + std::to_string(present) +
                 " of " + std::to_string(ids.size()) + " claims";
      return false;
    }
    if (present == ids.size()) ++acknowledged.unacknowledged_applied;
  }
  acknowledged.unacknowledged_batches.clear();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  std::mt19937 random(seed);
  // Places the claims point at; created once.
  ServerProcess server({"--log-level", "warn"});
  std::string error;
  if (!server.Start(&error)) {
    std::fprintf(stderr, "crash_test: %s\n", error.c_str());
    return 1;
  }
  {
    auto client = server.NewClient();
    for (int k = 0; k < 5; ++k) {
      v1::CreateEntityRequest create;
      create.mutable_entity()->set_id("place-" + std::to_string(k));
      create.mutable_entity()->set_type("city");
      create.mutable_entity()->set_name("Place " + std::to_string(k));
      v1::Entity entity;
      if (!client->entities().CreateEntity(client->NewContext().get(), create, &entity).ok()) return 1;
    }
  }
  Acknowledged acknowledged;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) writers.emplace_back(Writer, &server, w, round, &acknowledged);
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 450));
    server.Kill();
    for (auto& writer : writers) writer.join();
    auto verify = RunProgram(CLAIMGRAPHD_PATH, {"verify", "--data-dir", server.data_dir()});
    if (verify.exit_code != 0) {
      std::fprintf(stderr, "crash_test: round %d: checksum verification failed: %s\n", round, verify.err.c_str());
      return 1;
    }
    if (!server.Start(&error)) {
      std::fprintf(stderr, "crash_test: round %d: restart failed: %s\n", round, error.c_str());
      return 1;
    }
    std::string problem;
    if (!VerifyAcknowledged(server, acknowledged, &problem)) {
      std::fprintf(stderr, "crash_test: round %d: %s\n", round, problem.c_str());
      return 1;
    }
    std::printf("round %d: killed, verified, restarted; %zu entities and %zu claims acknowledged so far, all "
                "present; unacknowledged batches whole or absent\n",
                round + 1, acknowledged.entities.size(), acknowledged.claims.size());
    std::fflush(stdout);
  }
  std::printf("crash test passed: %d SIGKILLs, %zu acknowledged entities, %zu acknowledged claims (%zu batches), "
              "none lost; no unacknowledged batch partial (%zu found whole)\n",
              rounds, acknowledged.entities.size(), acknowledged.claims.size(), acknowledged.batches.size(),
              acknowledged.unacknowledged_applied);
  return server.Stop() == 0 ? 0 : 1;
}
