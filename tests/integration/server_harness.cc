// ServerProcess and RunProgram: fork/exec with pipes, bounded waits.
#include "server_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace claimgraph::testing {
namespace {

// A server that neither prints its port nor dies within this long is reported as failed.
constexpr auto kStartTimeout = std::chrono::seconds(30);

std::vector<char*> Argv(const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  char* made = mkdtemp(buffer.data());
  return made ? std::string(made) : std::string();
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  if (!path.empty()) std::filesystem::remove_all(path, ignored);
}

ServerProcess::ServerProcess(std::vector<std::string> extra_flags, bool default_security)
    : extra_flags_(std::move(extra_flags)) {
  if (!default_security) extra_flags_.push_back("--allow-unauthenticated");
  work_dir_ = MakeTempDir("claimgraph-it");
  data_dir_ = work_dir_ + "/db";
  log_path_ = work_dir_ + "/server.log";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  RemoveTree(work_dir_);
}

bool ServerProcess::Start(std::string* error, bool probe_health) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return false;
  std::vector<std::string> arguments = {"--listen", "127.0.0.1:0", "--data-dir", data_dir_,
                                        "--shutdown-grace-ms", "2000"};
  arguments.insert(arguments.end(), extra_flags_.begin(), extra_flags_.end());
  std::string program = CLAIMGRAPHD_PATH;
  auto argv = Argv(program, arguments);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) dup2(log, STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  pid_ = pid;
  // Read stdout until the port line, the process exits, or the time runs out.
  std::string output;
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  port_ = 0;
  while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd descriptor{out_pipe[0], POLLIN, 0};
    if (poll(&descriptor, 1, 100) > 0) {
      char buffer[256];
      ssize_t got = read(out_pipe[0], buffer, sizeof(buffer));
      if (got <= 0) break;
      output.append(buffer, static_cast<size_t>(got));
      auto at = output.find("listening on port ");
      auto end = output.find('\n', at);
      if (at != std::string::npos && end != std::string::npos) {
        port_ = std::atoi(output.c_str() + at + 18);
      }
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
  }
  close(out_pipe[0]);
  startup_output_ = output;
  if (port_ == 0) {
    if (error) *error = "claimgraphd did not start: " + ReadLog();
    if (pid_ > 0) Kill();
    return false;
  }
  if (!probe_health) return true;
  // Serving once health says so.
  auto client = NewClient(2000);
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (client->health().Check(client->NewContext().get(), request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (error) *error = "claimgraphd never became healthy: " + ReadLog();
  Kill();
  return false;
}

bool ServerProcess::LoadAndStart(const std::function<void(const std::string& path)>& write,
                                 std::string* error) {
  const std::string input = data_dir_ + ".load.ndjson";
  write(input);
  auto loaded = RunProgram(CLAIMGRAPHD_PATH, {"bulk-load", "--data-dir", data_dir_, "--file", input}, "",
                           std::chrono::seconds(900));
  std::remove(input.c_str());
  if (loaded.exit_code != 0) {
    if (error) *error = "bulk-load failed: " + loaded.err;
    return false;
  }
  return Start(error);
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  // Graceful shutdown is bounded by --shutdown-grace-ms; give it generous room, then kill.
  for (int waited = 0; waited < 300; ++waited) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Kill();
  return -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::ReadLog() const {
  std::ifstream in(log_path_);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {

// A "Name:   value ..." line of /proc/PID/status, as a number (0 when absent).
uint64_t ProcStatusField(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return std::strtoull(line.c_str() + name.size() + 1, nullptr, 10);
  }
  return 0;
}

}  // namespace

int ServerProcess::MetricsPort() const {
  auto at = startup_output_.find("metrics on port ");
  return at == std::string::npos ? 0 : std::atoi(startup_output_.c_str() + at + 16);
}

uint64_t ServerProcess::ResidentBytes() const { return pid_ > 0 ? ProcStatusField(pid_, "VmRSS") * 1024 : 0; }

int ServerProcess::ThreadCount() const { return pid_ > 0 ? static_cast<int>(ProcStatusField(pid_, "Threads")) : 0; }

std::unique_ptr<client::ClaimGraphClient> ServerProcess::NewClient(int timeout_ms) const {
  client::ClientOptions options;
  options.target = address();
  options.timeout = std::chrono::milliseconds(timeout_ms);
  options.token = AdminToken();
  return std::make_unique<client::ClaimGraphClient>(options);
}

std::string ServerProcess::AdminToken() const {
  std::ifstream in(data_dir_ + "/admin.token");
  std::string token;
  if (in) std::getline(in, token);
  return token;
}

ProgramResult RunProgram(const std::string& program, const std::vector<std::string>& arguments,
                         const std::string& stdin_text, std::chrono::seconds timeout) {
  ProgramResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return result;
  auto argv = Argv(program, arguments);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!stdin_text.empty()) {
    ssize_t ignored = write(in_pipe[1], stdin_text.data(), stdin_text.size());
    (void)ignored;
  }
  close(in_pipe[1]);
  pollfd descriptors[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (open_count > 0 && std::chrono::steady_clock::now() < deadline) {
    if (poll(descriptors, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (descriptors[i].fd < 0 || !(descriptors[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      ssize_t got = read(descriptors[i].fd, buffer, sizeof(buffer));
      if (got <= 0) {
        close(descriptors[i].fd);
        descriptors[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(got));
      }
    }
  }
  for (auto& descriptor : descriptors) {
    if (descriptor.fd >= 0) close(descriptor.fd);
  }
  int status = 0;
  if (open_count > 0) kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  ssize_t sent = write(fd, request.data(), request.size());
  (void)sent;
  std::string response;
  char buffer[4096];
  for (ssize_t got; (got = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, static_cast<size_t>(got));
  close(fd);
  return response;
}

}  // namespace claimgraph::testing
