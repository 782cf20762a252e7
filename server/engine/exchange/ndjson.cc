// NDJSON reading and writing of import records.
#include "engine/exchange/ndjson.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <vector>

#include "engine/strings.h"
#include "engine/text.h"

namespace claimgraph::exchange {
namespace {

constexpr size_t kReadChunkBytes = 1 << 16;
constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

google::protobuf::util::TypeResolver* Resolver() {
  static auto* resolver = google::protobuf::util::NewTypeResolverForDescriptorPool(
      kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool());
  return resolver;
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

absl::StatusOr<v1::ImportRecord> ParseRecordLine(std::string_view text, uint64_t line_number) {
  if (!text::IsValidUtf8(text)) {
    return absl::InvalidArgumentError(StrCat("line ", line_number, ": is not valid UTF-8"));
  }
  auto record = ParseRecordJson(text);
  if (!record.ok()) {
    return absl::Status(record.status().code(), StrCat("line ", line_number, ": ",
                                                       std::string(record.status().message())));
  }
  return record;
}

NdjsonReader::NdjsonReader(std::istream* input, NdjsonReaderOptions options)
    : input_(input), options_(options) {}

bool NdjsonReader::Refill() {
  buffer_.resize(kReadChunkBytes);
  input_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.resize(static_cast<size_t>(input_->gcount()));
  position_ = 0;
  bytes_read_ += buffer_.size();
  return !buffer_.empty();
}

bool NdjsonReader::ReadLine(bool* too_long) {
  line_.clear();
  *too_long = false;
  bool any = false;
  while (true) {
    if (position_ >= buffer_.size() && !Refill()) return any;
    any = true;
    size_t newline = buffer_.find('\n', position_);
    size_t end = newline == std::string::npos ? buffer_.size() : newline;
    // Past the limit the rest of the line is dropped, not buffered.
    if (!*too_long) {
      size_t take = end - position_;
      if (line_.size() + take > options_.max_line_bytes) {
        *too_long = true;
        line_.clear();
      } else {
        line_.append(buffer_, position_, take);
      }
    }
    if (newline != std::string::npos) {
      position_ = newline + 1;
      return true;
    }
    position_ = buffer_.size();
  }
}

absl::StatusOr<bool> NdjsonReader::Next(NdjsonLine* line, bool parse) {
  while (true) {
    bool too_long = false;
    if (!ReadLine(&too_long)) {
      if (input_->bad()) return absl::DataLossError("input: read failed");
      return false;
    }
    ++line_number_;
    if (!too_long && IsBlankLine(line_)) continue;
    line->index = next_index_++;
    line->line_number = line_number_;
    line->record.Clear();
    line->status = absl::OkStatus();
    if (too_long) {
      line->status = absl::ResourceExhaustedError(
          StrCat("line ", line_number_, ": longer than ", options_.max_line_bytes, " bytes"));
    } else if (parse) {
      auto record = ParseRecordLine(line_, line_number_);
      if (record.ok()) {
        line->record = *std::move(record);
      } else {
        line->status = record.status();
      }
    }
    return true;
  }
}

namespace {

// A strict reader of the JSON of valid import records, straight into the message by reflection.
// It accepts only what protobuf's JSON mapping accepts and gives up (returns false) on anything
// unusual; the caller then asks protobuf's converter, which is ten times slower but says exactly
// what is wrong. So every error message is protobuf's, and the fast path only has to be right on
// good input (tested against the converter).
class FastJsonReader {
 public:
  explicit FastJsonReader(std::string_view text) : text_(text) {}

  bool Read(google::protobuf::Message* message) {
    SkipSpace();
    if (!ReadMessage(message, 0)) return false;
    SkipSpace();
    return at_ == text_.size();
  }

 private:
  static constexpr int kMaxDepth = 32;

  void SkipSpace() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool Peek(char c) {
    SkipSpace();
    return at_ < text_.size() && text_[at_] == c;
  }

  bool ReadString(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    while (at_ < text_.size()) {
      char c = text_[at_++];
      // Invalid UTF-8 is the converter's to report.
      if (c == '"') return text::IsValidUtf8(*out);
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return false;
      char e = text_[at_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t code = 0;
          if (!Hex4(&code)) return false;
          if (code >= 0xD800 && code <= 0xDBFF) {
            uint32_t low = 0;
            if (at_ + 1 >= text_.size() || text_[at_] != '\\' || text_[at_ + 1] != 'u')
              return false;
            at_ += 2;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return false;
          }
          AppendUtf8(code, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool Hex4(uint32_t* code) {
    if (at_ + 4 > text_.size()) return false;
    for (int i = 0; i < 4; ++i) {
      char c = text_[at_++];
      *code <<= 4;
      if (c >= '0' && c <= '9')
        *code |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        *code |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        *code |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }
  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  // A JSON number token (not validated beyond its characters; from_chars checks the rest).
  bool ReadNumberToken(std::string_view* token) {
    SkipSpace();
    size_t start = at_;
    while (at_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '-' ||
            text_[at_] == '+' || text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
    }
    *token = text_.substr(start, at_ - start);
    return !token->empty();
  }

  // An integer given as a JSON number or a string (proto3 JSON allows both).
  template <typename T>
  bool ReadInteger(T* value) {
    std::string quoted;
    std::string_view token;
    if (Peek('"')) {
      if (!ReadString(&quoted)) return false;
      token = quoted;
    } else if (!ReadNumberToken(&token)) {
      return false;
    }
    auto result = std::from_chars(token.data(), token.data() + token.size(), *value);
    return result.ec == std::errc() && result.ptr == token.data() + token.size();
  }

  bool ReadDouble(double* value) {
    std::string_view token;
    if (Peek('"')) return false;  // "NaN", "Infinity", quoted numbers: the converter's business
    if (!ReadNumberToken(&token)) return false;
    auto result = std::from_chars(token.data(), token.data() + token.size(), *value);
    return result.ec == std::errc() && result.ptr == token.data() + token.size();
  }

  bool ReadMessage(google::protobuf::Message* message, int depth) {
    if (depth > kMaxDepth || !Consume('{')) return false;
    const auto* descriptor = message->GetDescriptor();
    if (Consume('}')) return true;
    std::string name;
    do {
      if (!ReadString(&name) || !Consume(':')) return false;
      const auto* field = descriptor->FindFieldByName(name);
      if (field == nullptr) field = descriptor->FindFieldByCamelcaseName(name);
      if (field == nullptr) return false;
      if (Peek('n')) return false;  // null: rare, leave it to the converter
      const auto* oneof = field->real_containing_oneof();
      if (oneof != nullptr && message->GetReflection()->HasOneof(*message, oneof)) return false;
      if (!ReadField(message, field, depth)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  bool ReadField(google::protobuf::Message* message, const google::protobuf::FieldDescriptor* field,
                 int depth) {
    const auto* reflection = message->GetReflection();
    if (field->is_map()) {
      if (!Consume('{')) return false;
      if (Consume('}')) return true;
      const auto* key_field = field->message_type()->map_key();
      const auto* value_field = field->message_type()->map_value();
      if (key_field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) return false;
      std::string key;
      do {
        if (!ReadString(&key) || !Consume(':')) return false;
        auto* entry = reflection->AddMessage(message, field);
        entry->GetReflection()->SetString(entry, key_field, key);
        if (!ReadSingular(entry, value_field, depth + 1)) return false;
      } while (Consume(','));
      return Consume('}');
    }
    if (field->is_repeated()) {
      if (!Consume('[')) return false;
      if (Consume(']')) return true;
      do {
        if (!ReadRepeatedElement(message, field, depth + 1)) return false;
      } while (Consume(','));
      return Consume(']');
    }
    return ReadSingular(message, field, depth);
  }

  bool ReadRepeatedElement(google::protobuf::Message* message,
                           const google::protobuf::FieldDescriptor* field, int depth) {
    const auto* reflection = message->GetReflection();
    using F = google::protobuf::FieldDescriptor;
    switch (field->cpp_type()) {
      case F::CPPTYPE_STRING: {
        std::string value;
        if (!ReadString(&value)) return false;
        reflection->AddString(message, field, std::move(value));
        return true;
      }
      case F::CPPTYPE_MESSAGE: {
        auto* child = reflection->AddMessage(message, field);
        if (child->GetDescriptor()->full_name() == "google.protobuf.Timestamp") return false;
        return ReadMessage(child, depth);
      }
      default:
        return false;  // no other repeated kinds in the model
    }
  }

  bool ReadSingular(google::protobuf::Message* message,
                    const google::protobuf::FieldDescriptor* field, int depth) {
    const auto* reflection = message->GetReflection();
    using F = google::protobuf::FieldDescriptor;
    switch (field->cpp_type()) {
      case F::CPPTYPE_INT32: {
        int32_t value = 0;
        if (!ReadInteger(&value)) return false;
        reflection->SetInt32(message, field, value);
        return true;
      }
      case F::CPPTYPE_INT64: {
        int64_t value = 0;
        if (!ReadInteger(&value)) return false;
        reflection->SetInt64(message, field, value);
        return true;
      }
      case F::CPPTYPE_UINT32: {
        uint32_t value = 0;
        if (!ReadInteger(&value)) return false;
        reflection->SetUInt32(message, field, value);
        return true;
      }
      case F::CPPTYPE_UINT64: {
        uint64_t value = 0;
        if (!ReadInteger(&value)) return false;
        reflection->SetUInt64(message, field, value);
        return true;
      }
      case F::CPPTYPE_DOUBLE: {
        double value = 0;
        if (!ReadDouble(&value)) return false;
        reflection->SetDouble(message, field, value);
        return true;
      }
      case F::CPPTYPE_FLOAT:
        return false;
      case F::CPPTYPE_BOOL: {
        SkipSpace();
        if (text_.substr(at_, 4) == "true") {
          at_ += 4;
          reflection->SetBool(message, field, true);
          return true;
        }
        if (text_.substr(at_, 5) == "false") {
          at_ += 5;
          reflection->SetBool(message, field, false);
          return true;
        }
        return false;
      }
      case F::CPPTYPE_ENUM: {
        std::string name;
        if (!ReadString(&name)) return false;  // numbers: the converter's business
        const auto* value = field->enum_type()->FindValueByName(name);
        if (value == nullptr) return false;
        reflection->SetEnumValue(message, field, value->number());
        return true;
      }
      case F::CPPTYPE_STRING: {
        std::string value;
        if (!ReadString(&value)) return false;
        reflection->SetString(message, field, std::move(value));
        return true;
      }
      case F::CPPTYPE_MESSAGE: {
        auto* child = reflection->MutableMessage(message, field);
        if (child->GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
          std::string text;
          if (!ReadString(&text)) return false;
          return google::protobuf::util::TimeUtil::FromString(
              text, static_cast<google::protobuf::Timestamp*>(child));
        }
        return ReadMessage(child, depth + 1);
      }
    }
    return false;
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

absl::StatusOr<v1::ImportRecord> ParseRecordJsonByConverter(std::string_view json) {
  v1::ImportRecord record;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &record, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(StrCat("invalid record: ", std::string(status.message())));
  }
  return record;
}

absl::StatusOr<v1::ImportRecord> ParseRecordJson(std::string_view json) {
  v1::ImportRecord record;
  if (FastJsonReader(json).Read(&record)) return record;
  return ParseRecordJsonByConverter(json);
}

absl::StatusOr<std::string> RecordToJsonLineByConverter(const v1::ImportRecord& record) {
  // Deterministic serialization sorts map entries; the JSON printer keeps that order.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    record.SerializeToCodedStream(&coded);
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::BinaryToJsonString(
      Resolver(), StrCat(kTypeUrlPrefix, "/", v1::ImportRecord::descriptor()->full_name()), binary,
      &json, options);
  if (!status.ok()) {
    return absl::InternalError(StrCat("record to JSON: ", std::string(status.message())));
  }
  return json;
}

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    *out += "\"NaN\"";
  } else if (std::isinf(value)) {
    *out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    *out += StrCat(value);
  }
}

void AppendMessage(const Message& message, std::string* out);

// One value of `field` (element `index` when repeated), in proto3's JSON mapping.
void AppendValue(const Message& message, const FieldDescriptor* field, int index,
                 std::string* out) {
  const Reflection* reflection = message.GetReflection();
  bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      *out += StrCat(repeated ? reflection->GetRepeatedInt32(message, field, index)
                              : reflection->GetInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      *out += StrCat(repeated ? reflection->GetRepeatedUInt32(message, field, index)
                              : reflection->GetUInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:  // 64-bit integers are strings in proto3 JSON
      *out += StrCat("\"",
                     repeated ? reflection->GetRepeatedInt64(message, field, index)
                              : reflection->GetInt64(message, field),
                     "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      *out += StrCat("\"",
                     repeated ? reflection->GetRepeatedUInt64(message, field, index)
                              : reflection->GetUInt64(message, field),
                     "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendDouble(repeated ? reflection->GetRepeatedDouble(message, field, index)
                            : reflection->GetDouble(message, field),
                   out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendDouble(repeated ? reflection->GetRepeatedFloat(message, field, index)
                            : reflection->GetFloat(message, field),
                   out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      *out += (repeated ? reflection->GetRepeatedBool(message, field, index)
                        : reflection->GetBool(message, field))
                  ? "true"
                  : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      int number = repeated ? reflection->GetRepeatedEnumValue(message, field, index)
                            : reflection->GetEnumValue(message, field);
      const auto* value = field->enum_type()->FindValueByNumber(number);
      if (value != nullptr)
        text::AppendJsonString(value->name(), out);
      else
        *out += StrCat(number);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          repeated ? reflection->GetRepeatedStringReference(message, field, index, &scratch)
                   : reflection->GetStringReference(message, field, &scratch);
      text::AppendJsonString(text, out);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(repeated ? reflection->GetRepeatedMessage(message, field, index)
                             : reflection->GetMessage(message, field),
                    out);
      break;
  }
}

void AppendMessage(const Message& message, std::string* out) {
  const auto* descriptor = message.GetDescriptor();
  if (descriptor->full_name() == "google.protobuf.Timestamp") {
    const auto& timestamp = static_cast<const google::protobuf::Timestamp&>(message);
    text::AppendJsonString(google::protobuf::util::TimeUtil::ToString(timestamp), out);
    return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // set fields, in field number order
  out->push_back('{');
  bool first = true;
  for (const auto* field : fields) {
    if (!first) out->push_back(',');
    first = false;
    text::AppendJsonString(field->name(), out);
    out->push_back(':');
    if (field->is_map()) {
      // Entries sorted by key: map iteration order is unspecified.
      const auto* key_field = field->message_type()->map_key();
      std::vector<std::pair<std::string, const Message*>> entries;
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        const Message& entry = reflection->GetRepeatedMessage(message, field, i);
        std::string key;
        if (key_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          key = entry.GetReflection()->GetString(entry, key_field);
        } else {
          std::string number;
          AppendValue(entry, key_field, -1, &number);
          key = number.front() == '"' ? number.substr(1, number.size() - 2) : number;
        }
        entries.emplace_back(std::move(key), &entry);
      }
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      const auto* value_field = field->message_type()->map_value();
      out->push_back('{');
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out->push_back(',');
        text::AppendJsonString(entries[i].first, out);
        out->push_back(':');
        AppendValue(*entries[i].second, value_field, -1, out);
      }
      out->push_back('}');
    } else if (field->is_repeated()) {
      out->push_back('[');
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        if (i) out->push_back(',');
        AppendValue(message, field, i, out);
      }
      out->push_back(']');
    } else {
      AppendValue(message, field, -1, out);
    }
  }
  out->push_back('}');
}

}  // namespace

absl::StatusOr<std::string> RecordToJsonLine(const v1::ImportRecord& record) {
  std::string out;
  out.reserve(256);
  AppendMessage(record, &out);
  return out;
}

}  // namespace claimgraph::exchange
