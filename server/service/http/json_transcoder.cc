// JsonTranscoder: rules from descriptors, requests from path + query + body, one generic unary
// call per request.
#include "service/http/json_transcoder.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <charconv>
#include <future>

#include "engine/strings.h"
#include "engine/text.h"
#include "engine/validation.h"
#include "google/api/annotations.pb.h"

namespace claimgraph::service::http {
namespace {

namespace pb = google::protobuf;

// A JSON string literal, quoted.
std::string JsonString(std::string_view text) {
  std::string out;
  text::AppendJsonString(text, &out);
  return out;
}

JsonReply InvalidArgument(std::string_view message) {
  return ErrorReply(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT), message);
}

std::string QueryDecode(std::string_view text) {
  std::string plus_as_space(text);
  for (char& c : plus_as_space) {
    if (c == '+') c = ' ';
  }
  return text::PercentDecode(plus_as_space);
}

const pb::FieldDescriptor* FindField(const pb::Descriptor* descriptor, std::string_view name) {
  std::string key(name);
  if (const auto* field = descriptor->FindFieldByName(key)) return field;
  return descriptor->FindFieldByCamelcaseName(key);
}

// Sets the field at dotted `path` of `message` from a text value, the way query parameters and
// path variables carry them: scalars by their text, enums by name or number, messages (the
// well-known Timestamp, say) by their JSON string form. A repeated field gets one more element.
absl::Status SetFromText(pb::Message* message, std::string_view path, const std::string& value) {
  size_t dot = path.find('.');
  std::string_view name = path.substr(0, dot);
  const pb::Descriptor* descriptor = message->GetDescriptor();
  const pb::FieldDescriptor* field = FindField(descriptor, name);
  if (field == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("parameter ", validation::Quote(path), ": no such field"));
  }
  const pb::Reflection* reflection = message->GetReflection();
  if (dot != std::string_view::npos) {
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          StrCat("parameter ", validation::Quote(path), ": '", name, "' is not a message field"));
    }
    return SetFromText(reflection->MutableMessage(message, field), path.substr(dot + 1), value);
  }
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        StrCat(field->name(), ": ", validation::Quote(value), " is not ", what));
  };
  bool repeated = field->is_repeated();
  auto parse_number = [&](auto* out) {
    auto result = std::from_chars(value.data(), value.data() + value.size(), *out);
    return !value.empty() && result.ec == std::errc() && result.ptr == value.data() + value.size();
  };
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection->AddString(message, field, value)
               : reflection->SetString(message, field, value);
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") return bad("true or false");
      repeated ? reflection->AddBool(message, field, value == "true")
               : reflection->SetBool(message, field, value == "true");
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t number = 0;
      if (!parse_number(&number)) return bad("an integer");
      repeated ? reflection->AddInt32(message, field, number)
               : reflection->SetInt32(message, field, number);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t number = 0;
      if (!parse_number(&number)) return bad("an integer");
      repeated ? reflection->AddInt64(message, field, number)
               : reflection->SetInt64(message, field, number);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t number = 0;
      if (!parse_number(&number)) return bad("an unsigned integer");
      repeated ? reflection->AddUInt32(message, field, number)
               : reflection->SetUInt32(message, field, number);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t number = 0;
      if (!parse_number(&number)) return bad("an unsigned integer");
      repeated ? reflection->AddUInt64(message, field, number)
               : reflection->SetUInt64(message, field, number);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      char* end = nullptr;
      double number = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size()) return bad("a number");
      if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        repeated ? reflection->AddFloat(message, field, static_cast<float>(number))
                 : reflection->SetFloat(message, field, static_cast<float>(number));
      } else {
        repeated ? reflection->AddDouble(message, field, number)
                 : reflection->SetDouble(message, field, number);
      }
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* enum_value = field->enum_type()->FindValueByName(value);
      int number = 0;
      if (enum_value == nullptr && parse_number(&number)) {
        enum_value = field->enum_type()->FindValueByNumber(number);
      }
      if (enum_value == nullptr) return bad(StrCat("a value of ", field->enum_type()->name()));
      repeated ? reflection->AddEnum(message, field, enum_value)
               : reflection->SetEnum(message, field, enum_value);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      pb::Message* target = repeated ? reflection->AddMessage(message, field)
                                     : reflection->MutableMessage(message, field);
      auto status = pb::util::JsonStringToMessage(JsonString(value), target);
      if (!status.ok()) return bad(StrCat("a valid ", field->message_type()->name()));
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(StrCat(field->name(), ": unsupported field type"));
}

}  // namespace

JsonReply ErrorReply(int code, std::string_view message) {
  return {HttpStatusForCode(code),
          StrCat("{\"code\":", code, ",\"message\":", JsonString(message), "}"), ""};
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    pairs.emplace_back(
        QueryDecode(pair.substr(0, equals)),
        equals == std::string_view::npos ? std::string() : QueryDecode(pair.substr(equals + 1)));
  }
  return pairs;
}

int HttpStatusForCode(int grpc_code) {
  switch (static_cast<grpc::StatusCode>(grpc_code)) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

JsonTranscoder::JsonTranscoder(std::shared_ptr<grpc::Channel> channel,
                               std::chrono::milliseconds deadline)
    : stub_(std::move(channel)), deadline_(deadline) {}

absl::StatusOr<std::unique_ptr<JsonTranscoder>> JsonTranscoder::Create(
    const std::vector<std::string>& service_names, std::shared_ptr<grpc::Channel> channel,
    std::chrono::milliseconds deadline) {
  std::unique_ptr<JsonTranscoder> transcoder(new JsonTranscoder(std::move(channel), deadline));
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const auto& name : service_names) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr)
      return absl::NotFoundError(StrCat("service ", name, ": not compiled in"));
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      if (method->client_streaming() || method->server_streaming()) continue;
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      std::string verb;
      std::string pattern;
      switch (rule.pattern_case()) {
        case google::api::HttpRule::kGet:
          verb = "GET", pattern = rule.get();
          break;
        case google::api::HttpRule::kPost:
          verb = "POST", pattern = rule.post();
          break;
        case google::api::HttpRule::kPut:
          verb = "PUT", pattern = rule.put();
          break;
        case google::api::HttpRule::kPatch:
          verb = "PATCH", pattern = rule.patch();
          break;
        case google::api::HttpRule::kDelete:
          verb = "DELETE", pattern = rule.delete_();
          break;
        default:
          return absl::InvalidArgumentError(
              StrCat(method->full_name(), ": unsupported google.api.http pattern"));
      }
      auto path = PathTemplate::Parse(pattern);
      if (!path.ok()) return path.status();
      transcoder->routes_.push_back({verb, std::move(*path), rule.body(), method});
    }
  }
  return transcoder;
}

std::optional<JsonReply> JsonTranscoder::Handle(std::string_view http_method,
                                                std::string_view target,
                                                std::string_view authorization,
                                                std::string_view body) {
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  // HEAD is GET without the body, which the endpoint leaves out.
  std::string_view method = http_method == "HEAD" ? std::string_view("GET") : http_method;
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    auto bindings = route.path.Match(path);
    if (!bindings) continue;
    if (route.http_method != method) {
      if (std::find(allowed.begin(), allowed.end(), route.http_method) == allowed.end()) {
        allowed.push_back(route.http_method);
        if (route.http_method == "GET") allowed.push_back("HEAD");
      }
      continue;
    }
    return Call(route, std::move(*bindings), query, authorization, body);
  }
  if (!allowed.empty()) {
    JsonReply reply =
        ErrorReply(static_cast<int>(grpc::StatusCode::UNIMPLEMENTED),
                   StrCat("method ", validation::Quote(http_method), " is not allowed here"));
    reply.http_status = 405;
    for (const auto& name : allowed) reply.allow += StrCat(reply.allow.empty() ? "" : ", ", name);
    return reply;
  }
  return std::nullopt;
}

JsonReply JsonTranscoder::Call(const Route& route,
                               std::vector<std::pair<std::string, std::string>> bindings,
                               std::string_view query, std::string_view authorization,
                               std::string_view body) {
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(route.method->input_type());
  std::unique_ptr<pb::Message> request(prototype->New());
  pb::util::JsonParseOptions parse_options;
  if (!route.body.empty()) {
    pb::Message* body_target = request.get();
    if (route.body != "*") {
      const pb::FieldDescriptor* field = request->GetDescriptor()->FindFieldByName(route.body);
      if (field == nullptr || field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        return ErrorReply(static_cast<int>(grpc::StatusCode::INTERNAL), "bad body rule");
      }
      body_target = request->GetReflection()->MutableMessage(request.get(), field);
    }
    std::string text = body.empty() ? std::string("{}") : std::string(body);
    auto status = pb::util::JsonStringToMessage(text, body_target, parse_options);
    if (!status.ok()) {
      return InvalidArgument(
          StrCat("body: ", std::string(status.message()).substr(0, validation::kMaxEchoBytes)));
    }
  }
  for (const auto& [field, value] : bindings) {
    if (auto status = SetFromText(request.get(), field, value); !status.ok()) {
      return InvalidArgument(std::string(status.message()));
    }
  }
  // Query parameters fill the fields the path and body did not (none when the body is "*").
  if (route.body != "*") {
    for (const auto& [key, value] : ParseQuery(query)) {
      if (auto status = SetFromText(request.get(), key, value); !status.ok()) {
        return InvalidArgument(std::string(status.message()));
      }
    }
  }

  std::string serialized;
  request->SerializeToString(&serialized);
  grpc::Slice slice(serialized);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  if (!authorization.empty()) context.AddMetadata("authorization", std::string(authorization));
  std::promise<grpc::Status> done;
  std::string method_path =
      StrCat("/", route.method->service()->full_name(), "/", route.method->name());
  stub_.UnaryCall(&context, method_path, grpc::StubOptions(), &request_buffer, &response_buffer,
                  [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return ErrorReply(status.error_code(), status.error_message());

  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return ErrorReply(static_cast<int>(grpc::StatusCode::INTERNAL), "unreadable response");
  }
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<pb::Message> response(
      pb::MessageFactory::generated_factory()->GetPrototype(route.method->output_type())->New());
  if (!response->ParseFromString(bytes)) {
    return ErrorReply(static_cast<int>(grpc::StatusCode::INTERNAL), "unparsable response");
  }
  std::string json;
  auto printed = pb::util::MessageToJsonString(*response, &json);
  if (!printed.ok()) {
    return ErrorReply(static_cast<int>(grpc::StatusCode::INTERNAL), std::string(printed.message()));
  }
  return JsonReply{200, std::move(json), ""};
}

}  // namespace claimgraph::service::http
