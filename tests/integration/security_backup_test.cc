// TLS (plain and mutual), bearer tokens with roles, the loopback-only rule, and online backups
// restored into a second server that must answer identically.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

void RunOk(const std::vector<std::string>& arguments) {
  auto result = RunProgram("/usr/bin/openssl", arguments);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
}

// A throwaway CA, a server certificate for 127.0.0.1 and client certificates, made at test time.
struct Certificates {
  std::string dir = MakeTempDir("claimgraph-tls");
  Certificates() {
    auto path = [&](const char* name) { return dir + "/" + name; };
    RunOk({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
           "-keyout", path("ca.key"), "-out", path("ca.pem")});
    std::ofstream(path("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    RunOk({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", path("server.key"),
           "-out", path("server.csr")});
    RunOk({"x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
           "-CAcreateserial", "-days", "2", "-extfile", path("server.ext"), "-out", path("server.pem")});
    RunOk({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=client", "-keyout", path("client.key"),
           "-out", path("client.csr")});
    RunOk({"x509", "-req", "-in", path("client.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
           "-CAcreateserial", "-days", "2", "-out", path("client.pem")});
    // A client certificate from a CA the server does not trust.
    RunOk({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=intruder",
           "-keyout", path("intruder.key"), "-out", path("intruder.pem")});
  }
  ~Certificates() { RemoveTree(dir); }
  std::string operator()(const char* name) const { return dir + "/" + name; }
};

grpc::Status GetStats(client::ClaimGraphClient& c, v1::GetStatsResponse* out = nullptr) {
  v1::GetStatsResponse response;
  auto status = c.admin().GetStats(c.NewContext().get(), v1::GetStatsRequest(), &response);
  if (out) *out = response;
  return status;
}

grpc::Status CreateCountry(client::ClaimGraphClient& c, const std::string& id, v1::Entity* out = nullptr) {
  v1::CreateEntityRequest request;
  request.mutable_entity()->set_id(id);
  request.mutable_entity()->set_type("country");
  request.mutable_entity()->set_name(id);
  v1::Entity response;
  auto status = c.entities().CreateEntity(c.NewContext().get(), request, &response);
  if (out) *out = response;
  return status;
}

std::unique_ptr<client::ClaimGraphClient> Client(const ServerProcess& server, client::ClientOptions options) {
  options.target = server.address();
  options.timeout = std::chrono::milliseconds(5000);
  return std::make_unique<client::ClaimGraphClient>(options);
}

}  // namespace

TEST_CASE("mutual TLS: a trusted client certificate gets in, plaintext and untrusted ones do not") {
  Certificates certificates;
  ServerProcess server({"--tls-cert", certificates("server.pem"), "--tls-key", certificates("server.key"),
                        "--tls-client-ca", certificates("ca.pem")});
  // The harness's health probe is plaintext, so wait for the port line only.
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error, /*probe_health=*/false), error);

  client::ClientOptions trusted;
  trusted.tls_ca_file = certificates("ca.pem");
  trusted.tls_cert_file = certificates("client.pem");
  trusted.tls_key_file = certificates("client.key");
  auto good = Client(server, trusted);
  CHECK(GetStats(*good).ok());

  auto plaintext = Client(server, client::ClientOptions());
  CHECK(GetStats(*plaintext).error_code() == grpc::StatusCode::UNAVAILABLE);

  client::ClientOptions intruder = trusted;
  intruder.tls_cert_file = certificates("intruder.pem");
  intruder.tls_key_file = certificates("intruder.key");
  CHECK_FALSE(GetStats(*Client(server, intruder)).ok());

  client::ClientOptions no_client_certificate;
  no_client_certificate.tls_ca_file = certificates("ca.pem");
  CHECK_FALSE(GetStats(*Client(server, no_client_certificate)).ok());
}

TEST_CASE("bearer tokens: unknown tokens are unauthenticated, roles are enforced, recorded_by is the principal") {
  std::string dir = MakeTempDir("claimgraph-tokens");
  auto hash = [](const std::string& token) {
    return RunProgram(CLAIMGRAPHD_PATH, {"hash-token"}, token + "\n").out;
  };
  std::string reader_hash = hash("reader-secret"), writer_hash = hash("writer-secret"), admin_hash = hash("admin-secret");
  REQUIRE(reader_hash.rfind("sha256:", 0) == 0);
  {
    std::ofstream tokens(dir + "/tokens");
    tokens << "# role per token\n"
           << reader_hash.substr(0, reader_hash.size() - 1) << " reader alice\n"
           << writer_hash.substr(0, writer_hash.size() - 1) << " writer importer-7\n"
           << admin_hash.substr(0, admin_hash.size() - 1) << " admin ops\n";
  }
  ServerProcess server({"--tokens-file", dir + "/tokens"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);  // health needs no token

  auto with_token = [&](const std::string& token) {
    client::ClientOptions options;
    options.token = token;
    return Client(server, options);
  };
  CHECK(CreateCountry(*with_token(""), "x").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(CreateCountry(*with_token("guess"), "x").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(CreateCountry(*with_token("reader-secret"), "x").error_code() == grpc::StatusCode::PERMISSION_DENIED);
  v1::Entity created;
  REQUIRE(CreateCountry(*with_token("writer-secret"), "iran", &created).ok());
  CHECK(created.recorded_by() == "importer-7");
  v1::GetEntityRequest get;
  get.set_id("iran");
  v1::Entity read;
  auto reader = with_token("reader-secret");
  REQUIRE(reader->entities().GetEntity(reader->NewContext().get(), get, &read).ok());
  CHECK(GetStats(*reader).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(GetStats(*with_token("writer-secret")).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(GetStats(*with_token("admin-secret")).ok());
  // The log never carries the tokens.
  CHECK(server.Stop() == 0);
  auto log = server.ReadLog();
  CHECK(log.find("writer-secret") == std::string::npos);
  CHECK(log.find("principal=importer-7") != std::string::npos);
  RemoveTree(dir);
}

TEST_CASE("secure by default: a generated admin token (mode 0600), token-less clients refused") {
  ServerProcess server({}, /*default_security=*/true);
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  const std::string token_file = server.data_dir() + "/admin.token";
  struct stat info;
  REQUIRE(stat(token_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(server.AdminToken().size() == 64);
  CHECK(server.ReadLog().find("generated an admin token") != std::string::npos);
  CHECK(server.ReadLog().find(token_file) != std::string::npos);

  auto call = [&](const std::string& token) {
    client::ClientOptions options;
    options.target = server.address();
    options.token = token;
    client::ClaimGraphClient c(options);
    v1::GetEntityRequest get;
    get.set_id("nobody");
    v1::Entity entity;
    return c.entities().GetEntity(c.NewContext().get(), get, &entity).error_code();
  };
  // No token anywhere a client looks (no CLAIMGRAPH_TOKEN, no per-user file, no data/db here).
  CHECK(call("") == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(call("wrong") == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(call(server.AdminToken()) == grpc::StatusCode::NOT_FOUND);
  // The CLI finds it through CLAIMGRAPH_TOKEN or the data directory; health stays open.
  auto cli = [&](const char* variable, const std::string& value) {
    setenv(variable, value.c_str(), 1);
    auto result = RunProgram(CLAIMGRAPH_CLI_PATH, {"--server", server.address(), "stats"});
    unsetenv(variable);
    return result.exit_code;
  };
  CHECK(cli("CLAIMGRAPH_TOKEN", server.AdminToken()) == 0);
  CHECK(cli("CLAIMGRAPH_DATA_DIR", server.data_dir()) == 0);
  CHECK(cli("CLAIMGRAPH_DATA_DIR", "/nonexistent") != 0);
  grpc::health::v1::HealthCheckRequest health;
  grpc::health::v1::HealthCheckResponse healthy;
  client::ClientOptions bare;
  bare.target = server.address();
  client::ClaimGraphClient no_token(bare);
  CHECK(no_token.health().Check(no_token.NewContext().get(), health, &healthy).ok());
  // The same token after a restart.
  const std::string first = server.AdminToken();
  CHECK(server.Stop() == 0);
  REQUIRE_MESSAGE(server.Start(&error), error);
  CHECK(server.AdminToken() == first);
  CHECK(call(first) == grpc::StatusCode::NOT_FOUND);

  // --allow-unauthenticated opts out: everyone is admin (loopback only).
  ServerProcess open;  // the harness's default: --allow-unauthenticated
  REQUIRE_MESSAGE(open.Start(&error), error);
  CHECK(open.AdminToken().empty());
  client::ClientOptions plain;
  plain.target = open.address();
  client::ClaimGraphClient c(plain);
  v1::GetEntityRequest get;
  get.set_id("nobody");
  v1::Entity entity;
  CHECK(c.entities().GetEntity(c.NewContext().get(), get, &entity).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("without a tokens file only loopback addresses are served, and bad security flags are refused") {
  std::string dir = MakeTempDir("claimgraph-remote");
  auto result = RunProgram(CLAIMGRAPHD_PATH, {"--listen", "0.0.0.0:0", "--data-dir", dir + "/db"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("without authentication") != std::string::npos);
  result = RunProgram(CLAIMGRAPHD_PATH, {"--listen", "127.0.0.1:0", "--data-dir", dir + "/db", "--tls-cert", "/nonexistent"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("--tls-cert and --tls-key go together") != std::string::npos);
  std::ofstream(dir + "/bad-tokens") << "plaintext-token writer bob\n";
  result = RunProgram(CLAIMGRAPHD_PATH, {"--listen", "127.0.0.1:0", "--data-dir", dir + "/db", "--tokens-file", dir + "/bad-tokens"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("bad-tokens:1:") != std::string::npos);
  RemoveTree(dir);
}

TEST_CASE("online backups: create, list, verify, restore into a second server that answers identically") {
  ServerProcess original;
  std::string error;
  REQUIRE_MESSAGE(original.Start(&error), error);
  auto c = original.NewClient();
  for (int i = 0; i < 30; ++i) REQUIRE(CreateCountry(*c, "country-" + std::to_string(i)).ok());
  v1::Backup first;
  REQUIRE(c->admin().CreateBackup(c->NewContext().get(), v1::CreateBackupRequest(), &first).ok());
  for (int i = 30; i < 40; ++i) REQUIRE(CreateCountry(*c, "country-" + std::to_string(i)).ok());
  v1::Backup second;
  REQUIRE(c->admin().CreateBackup(c->NewContext().get(), v1::CreateBackupRequest(), &second).ok());
  CHECK(second.id() == first.id() + 1);
  v1::ListBackupsResponse list;
  REQUIRE(c->admin().ListBackups(c->NewContext().get(), v1::ListBackupsRequest(), &list).ok());
  CHECK(list.backups_size() == 2);
  v1::VerifyBackupRequest verify;
  verify.set_id(second.id());
  v1::VerifyBackupResponse verified;
  CHECK(c->admin().VerifyBackup(c->NewContext().get(), verify, &verified).ok());
  verify.set_id(99);
  CHECK(c->admin().VerifyBackup(c->NewContext().get(), verify, &verified).error_code() == grpc::StatusCode::NOT_FOUND);

  // Beside the data directory: inside the default restore root.
  std::string target = original.data_dir() + ".restored";
  v1::RestoreBackupRequest restore;
  restore.set_id(second.id());
  restore.set_target_dir(target);
  v1::RestoreBackupResponse restored;
  REQUIRE(c->admin().RestoreBackup(c->NewContext().get(), restore, &restored).ok());
  CHECK(c->admin().RestoreBackup(c->NewContext().get(), restore, &restored).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);  // target not empty now
  restore.set_target_dir("relative/dir");
  CHECK(c->admin().RestoreBackup(c->NewContext().get(), restore, &restored).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  // The offline checker agrees the restored copy is sound, then a server runs on it.
  auto check = RunProgram(CLAIMGRAPHD_PATH, {"verify", "--data-dir", target});
  CHECK_MESSAGE(check.exit_code == 0, check.err);
  // Same answers: page through every entity on both.
  auto list_all = [](client::ClaimGraphClient& client) {
    std::string all;
    v1::ListEntitiesRequest request;
    request.set_page_size(7);
    do {
      v1::ListEntitiesResponse page;
      REQUIRE(client.entities().ListEntities(client.NewContext().get(), request, &page).ok());
      all += page.SerializeAsString();
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  };
  std::string before = list_all(*c);
  CHECK(original.Stop() == 0);
  ServerProcess restored_server({"--data-dir", target});
  REQUIRE_MESSAGE(restored_server.Start(&error), error);
  auto r = restored_server.NewClient();
  CHECK(list_all(*r) == before);
  v1::GetStatsResponse stats;
  REQUIRE(GetStats(*r, &stats).ok());
  CHECK(stats.entities() == 40);
  CHECK(restored_server.Stop() == 0);
  RemoveTree(target);
}

TEST_CASE("restore paths outside the restore root or malformed are refused precisely, and logged") {
  ServerProcess server({"--metrics-listen", "127.0.0.1:0"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient();
  v1::Backup backup;
  REQUIRE(c->admin().CreateBackup(c->NewContext().get(), v1::CreateBackupRequest(), &backup).ok());
  const std::string root = server.data_dir().substr(0, server.data_dir().rfind('/'));
  struct Case {
    std::string target;
    grpc::StatusCode code;
  };
  const std::vector<Case> cases = {
      {"", grpc::StatusCode::INVALID_ARGUMENT},
      {"relative/dir", grpc::StatusCode::INVALID_ARGUMENT},
      {"/" + std::string(5000, 'a'), grpc::StatusCode::INVALID_ARGUMENT},
      {root + "/../escape", grpc::StatusCode::INVALID_ARGUMENT},
      {root + "/x/../../escape", grpc::StatusCode::INVALID_ARGUMENT},
      {"/tmp/claimgraph-elsewhere", grpc::StatusCode::INVALID_ARGUMENT},
      {"/proc/self/restored", grpc::StatusCode::INVALID_ARGUMENT},
      {root, grpc::StatusCode::INVALID_ARGUMENT},
      {root + "/missing-parent/db", grpc::StatusCode::FAILED_PRECONDITION},
      {server.data_dir(), grpc::StatusCode::FAILED_PRECONDITION},  // not empty
  };
  for (const auto& test : cases) {
    v1::RestoreBackupRequest restore;
    restore.set_id(backup.id());
    restore.set_target_dir(test.target);
    v1::RestoreBackupResponse restored;
    auto status = c->admin().RestoreBackup(c->NewContext().get(), restore, &restored);
    CHECK_MESSAGE(status.error_code() == test.code, test.target.substr(0, 80), ": ", status.error_message());
    CHECK(status.error_message().size() < 300);
  }
  // A link inside the root that leads out of it is refused too.
  const std::string link = root + "/outside-link";
  REQUIRE(symlink("/tmp", link.c_str()) == 0);
  v1::RestoreBackupRequest through_link;
  through_link.set_id(backup.id());
  through_link.set_target_dir(link + "/db");
  v1::RestoreBackupResponse restored;
  CHECK(c->admin().RestoreBackup(c->NewContext().get(), through_link, &restored).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  // One inside it succeeds, with an audit line naming the principal.
  through_link.set_target_dir(root + "/restored/./");
  REQUIRE(c->admin().RestoreBackup(c->NewContext().get(), through_link, &restored).ok());
  CHECK(restored.target_dir() == root + "/restored");
  std::string log = server.ReadLog();
  CHECK(log.find("msg=audit action=restore principal=anonymous") != std::string::npos);
  CHECK(log.find("msg=audit action=backup principal=anonymous") != std::string::npos);
  // Every refusal was an ordinary logged call: nothing UNKNOWN, nothing left in flight.
  std::string metrics = HttpGet(server.MetricsPort(), "/metrics");
  CHECK(metrics.find("code=\"UNKNOWN\"") == std::string::npos);
  CHECK(metrics.find("claimgraph_rpc_in_flight 0") != std::string::npos);
  CHECK(metrics.find("method=\"AdminService/RestoreBackup\",code=\"INVALID_ARGUMENT\"} 9") != std::string::npos);
}

}  // namespace claimgraph::testing
