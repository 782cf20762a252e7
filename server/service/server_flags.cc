// claimgraphd flag table, parser and help text.
#include "service/server_flags.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>

#include "engine/database.h"
#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::service {
namespace {

struct Flag {
  const char* name;
  const char* value_name;  // nullptr: a boolean switch
  const char* help;
  std::function<absl::Status(ServerCommand*, const std::string&)> apply;
};

absl::StatusOr<uint64_t> ParseUnsigned(const std::string& flag, const std::string& text) {
  uint64_t value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    return absl::InvalidArgumentError(StrCat("--", flag, ": '", text, "' is not a whole number"));
  }
  return value;
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> kFlags = {
      {"listen", "HOST:PORT",
       "address to serve gRPC on (port 0: pick a free port and print it); default 127.0.0.1:50051",
       [](ServerCommand* c, const std::string& v) {
         if (v.find(':') == std::string::npos)
           return absl::InvalidArgumentError("--listen: expected HOST:PORT");
         c->options.listen = v;
         return absl::OkStatus();
       }},
      {"data-dir", "DIR", "database directory (created when missing); default data/db",
       [](ServerCommand* c, const std::string& v) {
         if (v.empty()) return absl::InvalidArgumentError("--data-dir: must not be empty");
         c->options.data_dir = v;
         return absl::OkStatus();
       }},
      {"schema", "FILE", "ontology in protobuf text format; default: the built-in default ontology",
       [](ServerCommand* c, const std::string& v) {
         c->options.schema_path = v;
         return absl::OkStatus();
       }},
      {"block-cache-mb", "N", "RocksDB block cache size in MiB; default 256",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto mb, ParseUnsigned("block-cache-mb", v));
         if (mb == 0 || mb > (1u << 20))
           return absl::InvalidArgumentError("--block-cache-mb: 1..1048576");
         c->options.block_cache_bytes = mb << 20;
         return absl::OkStatus();
       }},
      {"wal-sync", "always|none",
       "always: fsync the WAL before acknowledging a write (survives power loss); none: survives a "
       "process crash only; default always",
       [](ServerCommand* c, const std::string& v) {
         if (v != "always" && v != "none")
           return absl::InvalidArgumentError("--wal-sync: always or none");
         c->options.sync_writes = v == "always";
         return absl::OkStatus();
       }},
      {"min-free-disk-mb", "N",
       "refuse writes (RESOURCE_EXHAUSTED) while the data directory has less free space, at "
       "least 128 (a memtable switch and flush); default min(256, 5% of the volume), at least 128",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto mb, ParseUnsigned("min-free-disk-mb", v));
         if ((mb << 20) < kMinFreeDiskBytes || mb > (1u << 30)) {
           return absl::InvalidArgumentError(StrCat(
               "--min-free-disk-mb: at least ", kMinFreeDiskBytes >> 20,
               " (what a memtable switch and flush may need; RocksDB stops the server when a "
               "write finds the disk full)"));
         }
         c->options.min_free_disk_bytes = mb << 20;
         return absl::OkStatus();
       }},
      {"max-message-mb", "N", "largest gRPC message accepted or sent, in MiB; default 16",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto mb, ParseUnsigned("max-message-mb", v));
         if (mb == 0 || mb > 1024) return absl::InvalidArgumentError("--max-message-mb: 1..1024");
         c->options.max_message_bytes = static_cast<int>(mb << 20);
         return absl::OkStatus();
       }},
      {"max-stream-records-per-second", "N",
       "records one Import stream may send per second (bursts of one second's worth); a faster "
       "stream ends with RESOURCE_EXHAUSTED; default 0 (unlimited)",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(c->options.max_stream_records_per_second,
                             ParseUnsigned("max-stream-records-per-second", v));
         return absl::OkStatus();
       }},
      {"max-stream-records", "N",
       "records or lines one Import stream may carry; the message that would pass it ends the "
       "stream with RESOURCE_EXHAUSTED and the line to resume from; 0: unlimited; default "
       "10000000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(c->options.max_stream_records, ParseUnsigned("max-stream-records", v));
         return absl::OkStatus();
       }},
      {"max-concurrent-streams", "N",
       "streaming RPCs (Import, Export, Traverse) served at once, each holding a thread; more "
       "end at once with RESOURCE_EXHAUSTED; 0: no cap; default 128",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-concurrent-streams", v));
         if (n > 100000) return absl::InvalidArgumentError("--max-concurrent-streams: 0..100000");
         c->options.streams.max_concurrent = static_cast<size_t>(n);
         return absl::OkStatus();
       }},
      {"stream-idle-timeout-ms", "N",
       "a stream with no message either way for this long is cancelled (CANCELLED); 0: never; "
       "default 60000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("stream-idle-timeout-ms", v));
         c->options.streams.idle_timeout = std::chrono::milliseconds(n);
         return absl::OkStatus();
       }},
      {"max-stream-messages", "N",
       "messages one stream may receive and send together before it is cancelled (CANCELLED); "
       "0: no limit; default 0",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(c->options.streams.max_messages,
                             ParseUnsigned("max-stream-messages", v));
         return absl::OkStatus();
       }},
      {"max-page-size", "N", "largest page a List call returns; default 1000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-page-size", v));
         if (n == 0 || n > 100000) return absl::InvalidArgumentError("--max-page-size: 1..100000");
         c->options.limits.max_page_size = static_cast<int32_t>(n);
         c->options.limits.default_page_size =
             std::min<int32_t>(c->options.limits.default_page_size, static_cast<int32_t>(n));
         return absl::OkStatus();
       }},
      {"max-string-bytes", "N", "longest name, title, quote or description; default 65536",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-string-bytes", v));
         if (n < 64) return absl::InvalidArgumentError("--max-string-bytes: at least 64");
         c->options.limits.max_string_bytes = n;
         return absl::OkStatus();
       }},
      {"max-traversal-depth", "N", "deepest traversal or path a query may ask for; default 16",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-traversal-depth", v));
         if (n == 0 || n > 64) return absl::InvalidArgumentError("--max-traversal-depth: 1..64");
         c->options.limits.max_traversal_depth = static_cast<int32_t>(n);
         return absl::OkStatus();
       }},
      {"max-traversal-results", "N", "most entities or paths one traversal returns; default 100000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-traversal-results", v));
         if (n == 0 || n > 100000000)
           return absl::InvalidArgumentError("--max-traversal-results: 1..100000000");
         c->options.limits.max_traversal_results = static_cast<int32_t>(n);
         return absl::OkStatus();
       }},
      {"max-traversal-fanout", "N", "most edges a traversal takes from one entity; default 100000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-traversal-fanout", v));
         if (n == 0 || n > 100000000)
           return absl::InvalidArgumentError("--max-traversal-fanout: 1..100000000");
         c->options.limits.max_traversal_fanout = static_cast<int32_t>(n);
         return absl::OkStatus();
       }},
      {"max-traversal-memory-mb", "N",
       "working memory one traversal may hold (edges expanded, paths found), in MiB; a query "
       "that reaches it stops with cut.memory; default 256",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto mb, ParseUnsigned("max-traversal-memory-mb", v));
         if (mb == 0 || mb > (1u << 20))
           return absl::InvalidArgumentError("--max-traversal-memory-mb: 1..1048576");
         c->options.limits.max_traversal_memory_bytes = mb << 20;
         return absl::OkStatus();
       }},
      {"max-answer-mb", "N",
       "largest answer one traversal, WhoSaid or ClaimsBy call builds, in MiB (at most "
       "--max-message-mb); a bigger "
       "one is cut with cut.answer_bytes or truncated; default 8",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto mb, ParseUnsigned("max-answer-mb", v));
         if (mb == 0 || mb > 1024) return absl::InvalidArgumentError("--max-answer-mb: 1..1024");
         c->options.limits.max_answer_bytes = mb << 20;
         return absl::OkStatus();
       }},
      {"max-heavy-queries", "N",
       "traversals and provenance walks served at once; more are refused with "
       "RESOURCE_EXHAUSTED; default 0 (a quarter of the machine's memory over what one may hold, "
       "2..64)",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("max-heavy-queries", v));
         if (n > 100000) return absl::InvalidArgumentError("--max-heavy-queries: 0..100000");
         c->options.max_heavy_queries = static_cast<size_t>(n);
         return absl::OkStatus();
       }},
      {"shutdown-grace-ms", "N", "how long shutdown waits for in-flight calls; default 10000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("shutdown-grace-ms", v));
         c->options.shutdown_grace = std::chrono::milliseconds(n);
         return absl::OkStatus();
       }},
      {"log-level", "debug|info|warn|error", "least severe log lines written; default info",
       [](ServerCommand* c, const std::string& v) {
         if (!ParseLogLevel(v, &c->log_level))
           return absl::InvalidArgumentError("--log-level: debug, info, warn or error");
         return absl::OkStatus();
       }},
      {"tls-cert", "FILE", "PEM certificate chain: serve gRPC over TLS (with --tls-key)",
       [](ServerCommand* c, const std::string& v) {
         c->options.tls_cert_file = v;
         return absl::OkStatus();
       }},
      {"tls-key", "FILE", "PEM private key of --tls-cert",
       [](ServerCommand* c, const std::string& v) {
         c->options.tls_key_file = v;
         return absl::OkStatus();
       }},
      {"tls-client-ca", "FILE", "PEM CA: require client certificates signed by it (mutual TLS)",
       [](ServerCommand* c, const std::string& v) {
         c->options.tls_client_ca_file = v;
         return absl::OkStatus();
       }},
      {"tokens-file", "FILE",
       "bearer tokens, one per line: 'sha256:<hex> reader|writer|admin <principal>' (see "
       "'claimgraphd hash-token'); without it an admin token is generated into "
       "<data-dir>/admin.token (mode 0600) and only loopback addresses are served",
       [](ServerCommand* c, const std::string& v) {
         c->options.tokens_file = v;
         return absl::OkStatus();
       }},
      {"allow-unauthenticated", nullptr,
       "no authentication without --tokens-file: every local user is admin (loopback only)",
       [](ServerCommand* c, const std::string&) {
         c->options.allow_unauthenticated = true;
         return absl::OkStatus();
       }},
      {"allow-unauthenticated-remote", nullptr,
       "serve a non-loopback address without --tokens-file",
       [](ServerCommand* c, const std::string&) {
         c->options.allow_unauthenticated_remote = true;
         return absl::OkStatus();
       }},
      {"metrics-listen", "HOST:PORT",
       "serve /metrics (Prometheus), /healthz and /readyz over HTTP here",
       [](ServerCommand* c, const std::string& v) {
         if (v.find(':') == std::string::npos)
           return absl::InvalidArgumentError("--metrics-listen: expected HOST:PORT");
         c->options.metrics_listen = v;
         return absl::OkStatus();
       }},
      {"allow-remote-metrics", nullptr,
       "serve --metrics-listen on a non-loopback address (plain HTTP without authentication)",
       [](ServerCommand* c, const std::string&) {
         c->options.allow_remote_metrics = true;
         return absl::OkStatus();
       }},
      {"http-max-connections", "N",
       "open connections to --metrics-listen at most; at the cap the longest-idle one is closed "
       "for a new one; default 64",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("http-max-connections", v));
         if (n == 0 || n > 65536)
           return absl::InvalidArgumentError("--http-max-connections: 1..65536");
         c->options.http_max_connections = static_cast<int>(n);
         return absl::OkStatus();
       }},
      {"http-timeout-ms", "N",
       "a --metrics-listen connection idle, or stalled mid-request or mid-response, this long is "
       "closed; default 5000",
       [](ServerCommand* c, const std::string& v) -> absl::Status {
         CG_ASSIGN_OR_RETURN(auto n, ParseUnsigned("http-timeout-ms", v));
         if (n < 100 || n > 3600000)
           return absl::InvalidArgumentError("--http-timeout-ms: 100..3600000");
         c->options.http_timeout = std::chrono::milliseconds(n);
         return absl::OkStatus();
       }},
      {"backup-dir", "DIR", "where online backups go; default <data-dir>.backups",
       [](ServerCommand* c, const std::string& v) {
         c->options.backup_dir = v;
         return absl::OkStatus();
       }},
      {"restore-root", "DIR",
       "RestoreBackup creates databases only inside this directory; default: the directory "
       "holding --backup-dir",
       [](ServerCommand* c, const std::string& v) {
         if (v.empty() || v[0] != '/')
           return absl::InvalidArgumentError("--restore-root: an absolute path");
         c->options.restore_root = v;
         return absl::OkStatus();
       }},
      {"load", "FILE", "NDJSON import file to load before serving (idempotent); may repeat",
       [](ServerCommand* c, const std::string& v) {
         c->load_files.push_back(v);
         return absl::OkStatus();
       }},
      {"help", nullptr, "print this help",
       [](ServerCommand* c, const std::string&) {
         c->help = true;
         return absl::OkStatus();
       }},
      {"version", nullptr, "print the version",
       [](ServerCommand* c, const std::string&) {
         c->version = true;
         return absl::OkStatus();
       }},
  };
  return kFlags;
}

const Flag* FindFlag(const std::string& name) {
  for (const auto& flag : Flags()) {
    if (name == flag.name) return &flag;
  }
  return nullptr;
}

absl::Status ApplyConfigFile(const std::string& path, ServerCommand* command) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("--config: cannot open ", path));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    auto trim = [](std::string s) {
      size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    line = trim(line);
    if (line.empty()) continue;
    auto equals = line.find('=');
    std::string name = trim(line.substr(0, equals));
    std::string value = equals == std::string::npos ? "" : trim(line.substr(equals + 1));
    const Flag* flag = FindFlag(name);
    if (flag == nullptr || name == "help" || name == "version") {
      return absl::InvalidArgumentError(
          StrCat(path, ":", number, ": unknown setting '", name, "'"));
    }
    auto status = flag->apply(command, value);
    if (!status.ok())
      return absl::InvalidArgumentError(
          StrCat(path, ":", number, ": ", std::string(status.message())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerCommand> ParseServerFlags(const std::vector<std::string>& arguments) {
  ServerCommand command;
  // The config file first, so that command-line flags override it.
  for (size_t i = 0; i < arguments.size(); ++i) {
    const auto& argument = arguments[i];
    if (argument == "--config" && i + 1 < arguments.size()) {
      CG_RETURN_IF_ERROR(ApplyConfigFile(arguments[i + 1], &command));
    } else if (argument.rfind("--config=", 0) == 0) {
      CG_RETURN_IF_ERROR(ApplyConfigFile(argument.substr(9), &command));
    }
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const auto& argument = arguments[i];
    if (argument.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          StrCat("unexpected argument '", argument, "' (see --help)"));
    }
    std::string name = argument.substr(2), value;
    auto equals = name.find('=');
    bool inline_value = equals != std::string::npos;
    if (inline_value) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    if (name == "config") {
      if (!inline_value) ++i;
      continue;
    }
    const Flag* flag = FindFlag(name);
    if (flag == nullptr)
      return absl::InvalidArgumentError(StrCat("unknown flag --", name, " (see --help)"));
    if (flag->value_name != nullptr && !inline_value) {
      if (i + 1 >= arguments.size())
        return absl::InvalidArgumentError(StrCat("--", name, ": needs a value"));
      value = arguments[++i];
    }
    CG_RETURN_IF_ERROR(flag->apply(&command, value));
  }
  return command;
}

std::string ServerFlagsHelp() {
  std::string help =
      "usage: claimgraphd [FLAGS]\n"
      "       claimgraphd hash-token < token            print a token's hash for --tokens-file\n"
      "       claimgraphd verify --data-dir DIR          check a stopped database's checksums\n"
      "       claimgraphd restore-backup --backup-dir DIR --backup-id N --data-dir NEW_DIR\n"
      "       claimgraphd bulk-load --data-dir DIR --file FILE|- [--strict] [--batch-size N]\n"
      "                                                  offline SST load into a new or stopped "
      "database\n"
      "Serves the claimgraph gRPC API (claimgraph.v1, grpc.health.v1, server reflection) on an\n"
      "embedded RocksDB database. SIGTERM or SIGINT shuts down gracefully; a second one exits at "
      "once.\n\n"
      "  --config FILE  read 'name = value' settings (the flag names below) before the flags\n";
  for (const auto& flag : Flags()) {
    std::string left =
        StrCat("  --", flag.name, flag.value_name ? StrCat(" ", flag.value_name) : "");
    if (left.size() < 30) left.append(30 - left.size(), ' ');
    help += StrCat(left, " ", flag.help, "\n");
  }
  return help;
}

}  // namespace claimgraph::service
