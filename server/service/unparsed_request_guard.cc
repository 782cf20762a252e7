// UnparsedRequestGuard: the protobuf log handler that names the field, and the interceptor that
// rewrites gRPC's own status for a request it could not parse.
#include "service/unparsed_request_guard.h"

#include <google/protobuf/stubs/logging.h>

#include <chrono>
#include <string>
#include <string_view>

#include "engine/strings.h"
#include "service/log.h"

namespace claimgraph::service {
namespace {

using Hook = grpc::experimental::InterceptionHookPoints;
using RpcType = grpc::experimental::ServerRpcInfo::Type;

// The field protobuf last reported as invalid UTF-8 while parsing on this thread ("" if none).
thread_local std::string t_invalid_utf8_field;

std::string TakeInvalidUtf8Field() {
  std::string field;
  field.swap(t_invalid_utf8_field);
  return field;
}

// protobuf: "String field 'claimgraph.v1.Entity.name' contains invalid UTF-8 data when parsing a
// protocol buffer. ..." (the quoted name is absent when protobuf does not know it).
void ProtobufLogHandler(google::protobuf::LogLevel level, const char* filename, int line,
                        const std::string& message) {
  constexpr std::string_view kUtf8 = "contains invalid UTF-8 data when parsing";
  if (message.rfind("String field", 0) == 0 && message.find(kUtf8) != std::string::npos) {
    auto open = message.find('\'');
    auto close = open == std::string::npos ? open : message.find('\'', open + 1);
    t_invalid_utf8_field =
        close == std::string::npos ? "a string field" : message.substr(open + 1, close - open - 1);
    return;  // the call's own log line reports it
  }
  LogLevel ours = level >= google::protobuf::LOGLEVEL_ERROR     ? LogLevel::kError
                  : level == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarn
                                                                : LogLevel::kInfo;
  Log(ours, "protobuf", {{"message", message}, {"at", StrCat(filename, ":", line)}});
}

// "/claimgraph.v1.EntityService/GetEntity" -> "EntityService/GetEntity", as RpcRuntime names it.
std::string_view MethodName(std::string_view full) {
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  constexpr std::string_view kPackage = "claimgraph.v1.";
  if (full.rfind(kPackage, 0) == 0) full.remove_prefix(kPackage.size());
  return full;
}

}  // namespace

class UnparsedRequestGuard::Interceptor final : public grpc::experimental::Interceptor {
 public:
  Interceptor(RpcRuntime* runtime, grpc::experimental::ServerRpcInfo* info)
      : runtime_(runtime), info_(info), started_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE)) {
      std::string field = TakeInvalidUtf8Field();
      // A unary or server-streaming call's one request is null only when it did not parse; a
      // client stream's received message is null at its end too, so there protobuf's report is
      // what tells a broken message from the end.
      const bool whole =
          info_->type() == RpcType::UNARY || info_->type() == RpcType::SERVER_STREAMING;
      if (whole ? methods->GetRecvMessage() == nullptr : !field.empty()) {
        failed_ = true;
        field_ = std::move(field);
      }
    }
    if (failed_ && methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) Rewrite(methods);
    methods->Proceed();
  }

 private:
  void Rewrite(grpc::experimental::InterceptorBatchMethods* methods) {
    const std::string_view method = MethodName(info_->method());
    const std::string what = field_.empty()
                                 ? std::string(
                                       "a string field that is not valid UTF-8, or bytes that are "
                                       "not the request message")
                                 : StrCat("string field ", field_, " is not valid UTF-8");
    const bool whole =
        info_->type() == RpcType::UNARY || info_->type() == RpcType::SERVER_STREAMING;
    if (!whole) {
      // The handler ran, was counted and logged, and its status says where the stream stopped:
      // only say why it stopped there.
      grpc::Status sent = methods->GetSendStatus();
      if (sent.ok()) return;
      methods->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                             StrCat(sent.error_message(),
                                                    " (a message of the stream could not be "
                                                    "parsed: ",
                                                    what, ")")));
      return;
    }
    grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT,
                        StrCat("request: cannot be parsed: ", what, " (", method, ")"));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::string request_id =
        runtime_->RecordUnhandled(info_->server_context(), method, status, seconds);
    methods->GetSendTrailingMetadata()->emplace(kRequestIdHeader, std::move(request_id));
    methods->ModifySendStatus(status);
  }

  RpcRuntime* runtime_;
  grpc::experimental::ServerRpcInfo* info_;
  std::chrono::steady_clock::time_point started_;
  bool failed_ = false;
  std::string field_;
};

class UnparsedRequestGuard::Factory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(RpcRuntime* runtime) : runtime_(runtime) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new Interceptor(runtime_, info);
  }

 private:
  RpcRuntime* runtime_;
};

UnparsedRequestGuard::UnparsedRequestGuard(RpcRuntime* runtime) : runtime_(runtime) {
  google::protobuf::SetLogHandler(&ProtobufLogHandler);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
UnparsedRequestGuard::NewFactory() {
  return std::make_unique<Factory>(runtime_);
}

}  // namespace claimgraph::service
