// A CLI import cut mid-way, by Ctrl-C or by killing the CLI: the server logs the stream as
// CANCELLED with the line to resume from, and resuming there completes the import with nothing
// lost and nothing sent twice.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

constexpr int kEntities = 3000;

std::string EntityLine(int i) {
  return "{\"entity\": {\"id\": \"e" + std::to_string(i) +
         "\", \"type\": \"country\", \"name\": \"Entity " + std::to_string(i) + "\"}}\n";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The line after `marker` in `text`, as a number, or 0.
int64_t NumberAfter(const std::string& text, const std::string& marker) {
  size_t at = text.rfind(marker);
  if (at == std::string::npos) return 0;
  return std::atoll(text.c_str() + at + marker.size());
}

// `claimgraph import -` reading from a pipe the test writes, so the test decides how far the
// file has got when it interrupts the CLI.
class PipedImport {
 public:
  PipedImport(const ServerProcess& server, const std::string& work_dir)
      : out_(work_dir + "/cli.out"), err_(work_dir + "/cli.err") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(fds[0], STDIN_FILENO);
      int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      close(fds[1]);
      std::string address = server.address();
      execl(CLAIMGRAPH_CLI_PATH, CLAIMGRAPH_CLI_PATH, "--server", address.c_str(), "import", "-",
            "--batch-size", "50", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[0]);
    input_ = fds[1];
  }
  ~PipedImport() {
    if (input_ >= 0) close(input_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void Write(const std::string& text) {
    REQUIRE(write(input_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  // Sends `signal` and waits for the CLI's exit code (128 + signal when it was killed by it).
  int Signal(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Out() const { return ReadFile(out_); }
  std::string Err() const { return ReadFile(err_); }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int input_ = -1;
};

int64_t StoredEntities(const ServerProcess& server) {
  auto client = server.NewClient();
  v1::GetStatsResponse stats;
  if (!client->admin().GetStats(client->NewContext().get(), v1::GetStatsRequest(), &stats).ok())
    return -1;
  return stats.entities();
}

// Waits (bounded) until the server has stored at least `count` entities.
bool WaitForEntities(const ServerProcess& server, int64_t count) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (StoredEntities(server) >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Waits (bounded) until the server's log has a line containing `fragment`.
std::string WaitForLog(const ServerProcess& server, const std::string& fragment) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = server.ReadLog();
    if (log.find(fragment) != std::string::npos) return log;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server.ReadLog();
}

struct InterruptFixture {
  ServerProcess server;
  std::string file;
  InterruptFixture() {
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
    file = server.data_dir() + ".entities.ndjson";
    std::ofstream out(file);
    for (int i = 1; i <= kEntities; ++i) out << EntityLine(i);
  }
  std::string Lines(int from, int to) const {
    std::string text;
    for (int i = from; i <= to; ++i) text += EntityLine(i);
    return text;
  }
  // Resumes the import of the whole file at `line`: every remaining line is new, none is sent
  // again, and the database then holds every entity once.
  void ResumeAndCheck(int64_t line) {
    auto resumed =
        RunProgram(CLAIMGRAPH_CLI_PATH, {"--server", server.address(), "--json", "import", file,
                                         "--resume-from", std::to_string(line)});
    REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
    CHECK(resumed.out.find("\"created\":\"" + std::to_string(kEntities - (line - 1)) + "\"") !=
          std::string::npos);
    CHECK(resumed.out.find("\"unchanged\"") == std::string::npos);  // nothing sent twice
    CHECK(StoredEntities(server) == kEntities);
  }
};

}  // namespace

TEST_CASE_FIXTURE(
    InterruptFixture,
    "import: Ctrl-C prints the summary so far and the command that finishes the import") {
  PipedImport cli(server, server.data_dir() + "/..");
  cli.Write(Lines(1, 1500));
  REQUIRE(WaitForEntities(server, 1000));
  CHECK(cli.Signal(SIGINT) == 130);
  std::string err = cli.Err();
  INFO(err);
  CHECK(err.find("interrupted: every line before") != std::string::npos);
  int64_t resume = NumberAfter(err, "claimgraph import - --resume-from ");
  CHECK(resume > 1000);
  CHECK(resume <= 1501);
  // The summary so far: a table with the entities created before the interruption.
  CHECK(cli.Out().find("entities") != std::string::npos);
  CHECK(StoredEntities(server) == resume - 1);
  std::string log = WaitForLog(server, "code=CANCELLED");
  CHECK(log.find("rpc=ImportExportService/ImportWithProgress code=CANCELLED") != std::string::npos);
  ResumeAndCheck(resume);
}

TEST_CASE_FIXTURE(InterruptFixture,
                  "import: a killed CLI is logged CANCELLED with the line to resume from") {
  PipedImport cli(server, server.data_dir() + "/..");
  cli.Write(Lines(1, 1500));
  REQUIRE(WaitForEntities(server, 1000));
  CHECK(cli.Signal(SIGKILL) == 128 + SIGKILL);
  std::string log = WaitForLog(server, "code=CANCELLED");
  INFO(log);
  REQUIRE(log.find("rpc=ImportExportService/ImportWithProgress code=CANCELLED") !=
          std::string::npos);
  int64_t resume = NumberAfter(log, "resume from line ");
  CHECK(resume > 1000);
  CHECK(StoredEntities(server) == resume - 1);
  ResumeAndCheck(resume);
}

}  // namespace claimgraph::testing
