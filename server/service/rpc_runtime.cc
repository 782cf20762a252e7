// RpcRuntime: request ids, role checks, status mapping and the per-call log line.
#include "service/rpc_runtime.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <random>

#include "engine/strings.h"
#include "engine/validation.h"
#include "service/log.h"
#include "service/status_mapping.h"

namespace claimgraph::service {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;

// A client-given request id is echoed only when it is short and printable (it is logged).
bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// 16 random hex digits, formatted by hand (snprintf's format parsing was a visible part of a
// point read's own CPU).
std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t value = random();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[i] = kDigits[value & 0xf];
    value >>= 4;
  }
  return id;
}

// The client's request id when it is usable, else a new one.
std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto header = metadata.find(std::string(kRequestIdHeader));
  if (header != metadata.end() &&
      UsableRequestId(std::string_view(header->second.data(), header->second.size()))) {
    return std::string(header->second.data(), header->second.size());
  }
  return NewRequestId();
}

// gRPC's codes are absl's, number for number.
std::string CodeName(grpc::StatusCode code) {
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

}  // namespace

const std::vector<double>& RpcRuntime::LatencyBoundsSeconds() {
  // From 50 µs (a point read) to 10 s (a deep traversal at its time limit).
  static const std::vector<double> kBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                              0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                              0.5,     1,      2.5,     5,      10};
  return kBounds;
}

void RpcRuntime::Record(std::string_view method, int code, double seconds) {
  std::lock_guard lock(stats_mutex_);
  auto it = method_stats_.find(method);
  if (it == method_stats_.end()) {
    it = method_stats_.emplace(std::string(method), MethodStats()).first;
    it->second.latency_buckets.assign(LatencyBoundsSeconds().size() + 1, 0);
  }
  auto& stats = it->second;
  if (code >= 0 && code < static_cast<int>(stats.calls_by_code.size())) ++stats.calls_by_code[code];
  const auto& bounds = LatencyBoundsSeconds();
  size_t bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  ++stats.latency_buckets[bucket];
  stats.latency_sum_seconds += seconds;
  ++stats.latency_count;
}

std::map<std::string, RpcRuntime::MethodStats> RpcRuntime::SnapshotMethodStats() const {
  std::lock_guard lock(stats_mutex_);
  return {method_stats_.begin(), method_stats_.end()};
}

bool CallInfo::Cancelled() const {
  if (context == nullptr) return false;
  return context->IsCancelled() || std::chrono::system_clock::now() > context->deadline();
}

grpc::Status RpcRuntime::RunCall(grpc::ServerContextBase* context, std::string_view method,
                                 Role role, const google::protobuf::Message* request,
                                 absl::FunctionRef<absl::Status(CallInfo&)> handler,
                                 bool may_stream) {
  auto started = std::chrono::steady_clock::now();
  in_flight_.fetch_add(1);
  CallInfo call;
  call.context = context;
  call.request_id = RequestIdOf(*context);
  context->AddTrailingMetadata(std::string(kRequestIdHeader), call.request_id);

  absl::Status status;
  if (authenticator_ != nullptr) {
    status = authenticator_->Authorize(*context, role, &call.principal);
  } else {
    call.principal = "anonymous";
  }
  // Before anything else looks at the request, so no handler can forget it.
  if (status.ok() && request != nullptr) status = validation::CheckEnums(*request);
  bool stream_admitted = false;
  if (status.ok() && may_stream && streams_ != nullptr) {
    status = streams_->Admit(context, &stream_admitted);
  }
  if (status.ok()) {
    if (call.Cancelled()) {
      status = absl::DeadlineExceededError("deadline passed or call cancelled before it started");
    } else {
      // A handler that throws still ends in one logged, counted status, and leaves the in-flight
      // gauge where it was: the exception never reaches gRPC (which would answer UNKNOWN).
      try {
        status = handler(call);
      } catch (const std::exception& exception) {
        status = absl::InternalError(StrCat("unexpected exception: ", exception.what()));
      } catch (...) {
        status = absl::InternalError("unexpected exception");
      }
    }
  }
  if (stream_admitted) streams_->Leave(context);
  grpc::Status result = ToGrpcStatus(status);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  Report(context, method, call, result, micros);
  in_flight_.fetch_sub(1);
  return result;
}

void RpcRuntime::Report(grpc::ServerContextBase* context, std::string_view method,
                        const CallInfo& call, const grpc::Status& result, int64_t micros) {
  Record(method, static_cast<int>(result.error_code()), static_cast<double>(micros) / 1e6);
  LogLevel level = LogLevel::kInfo;
  if (result.error_code() == grpc::StatusCode::INTERNAL ||
      result.error_code() == grpc::StatusCode::DATA_LOSS ||
      result.error_code() == grpc::StatusCode::UNKNOWN) {
    level = LogLevel::kError;
  }
  if (!LogEnabled(level)) return;
  std::vector<std::pair<std::string_view, std::string>> fields = {
      {"rpc", std::string(method)},    {"code", CodeName(result.error_code())},
      {"latency_us", StrCat(micros)},  {"peer", context->peer()},
      {"request_id", call.request_id}, {"principal", call.principal}};
  if (!result.ok()) fields.emplace_back("error", result.error_message());
  Log(level, "rpc", fields);
}

std::string RpcRuntime::RecordUnhandled(grpc::ServerContextBase* context, std::string_view method,
                                        const grpc::Status& status, double seconds) {
  CallInfo call;
  call.context = context;
  call.request_id = RequestIdOf(*context);
  call.principal = "-";  // no handler ran, so no role was checked
  Report(context, method, call, status, static_cast<int64_t>(seconds * 1e6));
  return call.request_id;
}

grpc::ServerUnaryReactor* RpcRuntime::RunUnary(grpc::CallbackServerContext* context,
                                               std::string_view method, Role role,
                                               const google::protobuf::Message* request,
                                               absl::FunctionRef<absl::Status(CallInfo&)> handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(RunCall(context, method, role, request, handler, /*may_stream=*/false));
  return reactor;
}

}  // namespace claimgraph::service
