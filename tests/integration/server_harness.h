// ServerProcess: runs the real claimgraphd binary on 127.0.0.1 with an ephemeral port and a
// temporary data directory, for integration tests. Stops the server (SIGKILL) on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "claimgraph_client.h"

namespace claimgraph::testing {

class ServerProcess {
 public:
  // Creates a fresh temporary data directory; `extra_flags` are passed to claimgraphd. Tests
  // run servers with --allow-unauthenticated (as before authentication became the default)
  // unless `default_security` asks for the default: an admin token generated into the data
  // directory, which NewClient then uses. (--tokens-file, when given, takes precedence anyway.)
  explicit ServerProcess(std::vector<std::string> extra_flags = {}, bool default_security = false);
  ~ServerProcess();

  // Starts claimgraphd and waits until it prints its port and (with probe_health, over
  // plaintext) answers health checks. Returns false (with the server's log in `error`) when it
  // does not come up.
  bool Start(std::string* error = nullptr, bool probe_health = true);
  // Writes an NDJSON file with `write(path)`, bulk-loads it offline into the (stopped) data
  // directory, removes the file, then Start()s. False, with the loader's or server's output in
  // `error`, when either fails.
  bool LoadAndStart(const std::function<void(const std::string& path)>& write, std::string* error);
  // SIGTERM and wait: graceful shutdown. Returns the exit status.
  int Stop();
  // SIGKILL and wait: a crash.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The server process's resident set size in bytes (VmRSS), 0 when it cannot be read.
  uint64_t ResidentBytes() const;
  // The number of threads the server process runs, 0 when it cannot be read.
  int ThreadCount() const;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  // What the server printed on stdout up to its port line.
  const std::string& startup_output() const { return startup_output_; }
  // The HTTP endpoint's port, from the startup output (0 without --metrics-listen).
  int MetricsPort() const;
  std::string ReadLog() const;
  // A client with the server's generated admin token (AdminToken), when it has one.
  std::unique_ptr<client::ClaimGraphClient> NewClient(int timeout_ms = 10000) const;
  // The admin token the server generated into its data directory ("" when there is none, as
  // with --tokens-file or --allow-unauthenticated).
  std::string AdminToken() const;

 private:
  std::vector<std::string> extra_flags_;
  std::string work_dir_;
  std::string data_dir_;
  std::string log_path_;
  std::string startup_output_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs a program to completion with `arguments`, capturing stdout and stderr; SIGKILLs it (exit
// code 137) when it runs past `timeout`.
struct ProgramResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
ProgramResult RunProgram(const std::string& program, const std::vector<std::string>& arguments,
                         const std::string& stdin_text = "",
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// GET `path` from 127.0.0.1:`port` with "Connection: close": the whole response (status line,
// headers, body), or "" when the connection fails.
std::string HttpGet(int port, const std::string& path);

// A fresh empty directory under /tmp, removed by the caller with RemoveTree.
std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);

}  // namespace claimgraph::testing
