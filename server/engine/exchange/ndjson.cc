// NDJSON reading and writing of import records.
#include "engine/exchange/ndjson.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>

#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

constexpr size_t kReadChunkBytes = 1 << 16;
constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

google::protobuf::util::TypeResolver* Resolver() {
  static auto* resolver = google::protobuf::util::NewTypeResolverForDescriptorPool(
      kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool());
  return resolver;
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

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
    if (!too_long && IsBlank(line_)) continue;
    line->index = next_index_++;
    line->line_number = line_number_;
    line->record.Clear();
    line->status = absl::OkStatus();
    if (too_long) {
      line->status = absl::ResourceExhaustedError(
          StrCat("line ", line_number_, ": longer than ", options_.max_line_bytes, " bytes"));
    } else if (parse) {
      auto record = ParseRecordJson(line_);
      if (record.ok()) {
        line->record = *std::move(record);
      } else {
        line->status = absl::Status(
            record.status().code(),
            StrCat("line ", line_number_, ": ", std::string(record.status().message())));
      }
    }
    return true;
  }
}

absl::StatusOr<v1::ImportRecord> ParseRecordJson(std::string_view json) {
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

absl::StatusOr<std::string> RecordToJsonLine(const v1::ImportRecord& record) {
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

}  // namespace claimgraph::exchange
