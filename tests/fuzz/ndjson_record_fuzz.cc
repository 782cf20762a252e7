// Fuzz target for the NDJSON import record parser: each line of the input is parsed as a
// claimgraph.v1.ImportRecord in protobuf's JSON mapping (through the import reader,
// engine/exchange/ndjson.h, when the tree has it), then validated as the importer does. A record
// that parses must survive a JSON round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/util/json_util.h>

#include "fuzz_records.h"

#if __has_include("engine/exchange/ndjson.h")
#include <sstream>

#include "engine/exchange/ndjson.h"
#define CLAIMGRAPH_FUZZ_NDJSON_READER 1
#endif

namespace {

using claimgraph::v1::ImportRecord;

void CheckParsedRecord(const ImportRecord& record) {
  claimgraph::fuzz::CheckValidationContract(
      claimgraph::fuzz::CheckRecord(record, claimgraph::Limits()));
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  FUZZ_CHECK(google::protobuf::util::MessageToJsonString(record, &json, print).ok());
  ImportRecord again;
  FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(json, &again).ok());
  // Compared as deterministic wire bytes, so NaN compares equal to itself.
  std::string before, after;
  {
    google::protobuf::io::StringOutputStream out(&before);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    record.SerializeToCodedStream(&coded);
  }
  {
    google::protobuf::io::StringOutputStream out(&after);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    again.SerializeToCodedStream(&coded);
  }
  FUZZ_CHECK(before == after);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
#ifdef CLAIMGRAPH_FUZZ_NDJSON_READER
  std::istringstream stream(input);
  claimgraph::exchange::NdjsonReaderOptions options;
  options.max_line_bytes = 4096;  // small, so the too-long path is reached
  claimgraph::exchange::NdjsonReader reader(&stream, options);
  claimgraph::exchange::NdjsonLine line;
  for (;;) {
    auto more = reader.Next(&line);
    FUZZ_CHECK(more.ok());  // a string stream never fails
    if (!*more) break;
    if (line.status.ok()) CheckParsedRecord(line.record);
  }
#else
  google::protobuf::util::JsonParseOptions options;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    std::string_view text(input.data() + start, end - start);
    ImportRecord record;
    if (google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(text.data(), text.size()), &record, options)
            .ok()) {
      CheckParsedRecord(record);
    }
    start = end + 1;
  }
#endif
  return 0;
}
