// Latency recording and the JSON result line shared by the benchmark clients (the gRPC load
// generator, the PostgreSQL client and the storage benchmark), so every system's figures are
// computed the same way.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace claimgraph::bench {

using Clock = std::chrono::steady_clock;

inline double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// Latencies of one workload run plus its error count and, per target index, the size of the
// first answer seen (so the report can check that both systems answered alike).
struct WorkloadResult {
  std::string system;    // "claimgraph", "postgresql", "rocksdb", "memory", "grpc-noop"
  std::string workload;  // "get_entity", "hop1", ...
  int concurrency = 1;
  double seconds = 0;
  uint64_t errors = 0;
  // Of the errors, answers a limit cut short (a traversal's cut flags): never compared.
  uint64_t truncated = 0;
  std::string first_error;
  std::vector<double> latencies_us;
  std::map<size_t, int64_t> answers;  // target index -> result size
  // Target index -> the whole answer in canonical form (answers.h), for the workloads compared
  // by value; written apart (WriteAnswers), since they are large.
  std::map<size_t, std::string> details;
  // "cold" (the first pass after a restart), "warm" (the passes after it), or empty (a timed run).
  std::string phase;
  // Server CPU (user + system) per call over the whole run, warm-up included; -1: not measured.
  double server_cpu_us_per_call = -1;

  double Percentile(double p) const {
    if (latencies_us.empty()) return 0;
    std::vector<double> sorted = latencies_us;
    size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
    std::nth_element(sorted.begin(), sorted.begin() + index, sorted.end());
    return sorted[index];
  }

  static std::string Escape(const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      if (static_cast<unsigned char>(c) < 0x20) continue;
      out.push_back(c);
    }
    return out;
  }

  // One JSON object per line, appended to `path` (stdout when empty).
  void Write(const std::string& path) const {
    std::string answers_json;
    for (const auto& [index, size] : answers) {
      if (!answers_json.empty()) answers_json += ",";
      answers_json += "\"" + std::to_string(index) + "\":" + std::to_string(size);
    }
    double mean = 0;
    for (double l : latencies_us) mean += l;
    if (!latencies_us.empty()) mean /= static_cast<double>(latencies_us.size());
    char line[1024];
    std::snprintf(
        line, sizeof(line),
        "{\"system\":\"%s\",\"workload\":\"%s\",\"concurrency\":%d,\"calls\":%zu,"
        "\"errors\":%llu,\"truncated\":%llu,\"seconds\":%.3f,\"qps\":%.1f,\"mean_us\":%.1f,\"p50_"
        "us\":%.1f,"
        "\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"server_cpu_us_per_call\":%.1f,",
        system.c_str(), workload.c_str(), concurrency, latencies_us.size(),
        static_cast<unsigned long long>(errors), static_cast<unsigned long long>(truncated),
        seconds, seconds > 0 ? static_cast<double>(latencies_us.size()) / seconds : 0.0, mean,
        Percentile(0.5), Percentile(0.9), Percentile(0.99), Percentile(1.0),
        server_cpu_us_per_call);
    std::string out = std::string(line) + "\"phase\":\"" + phase + "\",\"first_error\":\"" +
                      Escape(first_error) + "\",\"answers\":{" + answers_json + "}}\n";
    FILE* file = path.empty() ? stdout : std::fopen(path.c_str(), "a");
    if (file == nullptr) return;
    std::fputs(out.c_str(), file);
    if (file != stdout) std::fclose(file);
    std::fprintf(stderr,
                 "%-10s %-16s c=%-2d calls=%-7zu err=%-4llu qps=%9.1f p50=%9.1fus p99=%9.1fus\n",
                 system.c_str(), workload.c_str(), concurrency, latencies_us.size(),
                 static_cast<unsigned long long>(errors),
                 seconds > 0 ? static_cast<double>(latencies_us.size()) / seconds : 0.0,
                 Percentile(0.5), Percentile(0.99));
  }

  // One JSON object per compared answer, appended to `path`.
  void WriteAnswers(const std::string& path) const {
    if (path.empty() || details.empty()) return;
    FILE* file = std::fopen(path.c_str(), "a");
    if (file == nullptr) return;
    for (const auto& [index, detail] : details) {
      std::fprintf(file, "{\"system\":\"%s\",\"workload\":\"%s\",\"index\":%zu,\"answer\":%s}\n",
                   system.c_str(), workload.c_str(), index, detail.c_str());
    }
    std::fclose(file);
  }
};

// CPU time (user + system, microseconds) of process `pid` and, with `with_children`, of every
// process whose parent it is (PostgreSQL's backends). -1 when unreadable. CPU per call is the
// figure that survives a busy shared machine: wall-clock rates move with the neighbours' load,
// the work done per call does not.
inline double ProcessCpuMicros(int pid) {
  FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (file == nullptr) return -1;
  char buffer[2048];
  size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, file);
  std::fclose(file);
  buffer[n] = 0;
  const char* after = std::strrchr(buffer, ')');
  if (after == nullptr) return -1;
  // Fields after the command: state(3) ppid(4) ... utime(14) stime(15).
  unsigned long long utime = 0, stime = 0;
  int field = 2;
  for (const char* p = after + 1; *p != 0; ++p) {
    if (*p == ' ') {
      ++field;
      if (field == 14) utime = std::strtoull(p + 1, nullptr, 10);
      if (field == 15) stime = std::strtoull(p + 1, nullptr, 10);
    }
  }
  return static_cast<double>(utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline int ParentOf(int pid) {
  FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (file == nullptr) return -1;
  char buffer[2048];
  size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, file);
  std::fclose(file);
  buffer[n] = 0;
  const char* after = std::strrchr(buffer, ')');
  int ppid = -1;
  if (after != nullptr) std::sscanf(after + 1, " %*c %d", &ppid);
  return ppid;
}

inline double ServerCpuMicros(int pid, bool with_children) {
  if (pid <= 0) return -1;
  double total = ProcessCpuMicros(pid);
  if (!with_children || total < 0) return total;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return total;
  while (dirent* entry = readdir(proc)) {
    int child = std::atoi(entry->d_name);
    if (child > 0 && ParentOf(child) == pid) {
      double cpu = ProcessCpuMicros(child);
      if (cpu > 0) total += cpu;
    }
  }
  closedir(proc);
  return total;
}

// Reads one target per line (blank lines skipped).
inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return lines;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), file) != nullptr) {
    std::string line(buffer);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  std::fclose(file);
  return lines;
}

}  // namespace claimgraph::bench
