// ServiceContext: what every service adapter shares — the engine and the call runtime.
#pragma once

#include <chrono>
#include <string>

#include "engine/database.h"
#include "service/query_admission.h"
#include "service/rpc_runtime.h"

namespace claimgraph::service {

struct ServiceContext {
  Database* database = nullptr;
  RpcRuntime* runtime = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string version;
  std::string backup_dir;
  // See ServerOptions::max_stream_records_per_second.
  uint64_t max_stream_records_per_second = 0;
  // The budget of concurrent heavy queries (traversals, provenance walks).
  QueryAdmission* heavy_queries = nullptr;
  // RestoreBackup writes only inside this directory (see restore_target.h).
  std::string restore_root;
};

// WriteContext for a call: recorded_by is the authenticated principal, never a client field.
inline WriteContext WriterOf(const CallInfo& call) { return WriteContext{call.principal}; }

}  // namespace claimgraph::service
