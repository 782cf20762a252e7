// Fuzz target for the request validation layer (engine/validation.h): the first input byte picks
// a message type, the rest is parsed as that message's protobuf wire form (as gRPC would hand it
// to a handler) and validated. Errors must keep the layer's contract (InvalidArgument naming the
// field path; ResourceExhausted for page sizes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_records.h"

namespace {

namespace validation = claimgraph::validation;
namespace v1 = claimgraph::v1;
using claimgraph::fuzz::CheckValidationContract;

template <typename Message>
bool Parse(std::string_view bytes, Message* message) {
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  claimgraph::Limits limits;
  // Small limits reach the length checks with small inputs.
  if (data[0] & 0x80) {
    limits.max_id_bytes = 8;
    limits.max_string_bytes = 16;
    limits.max_source_text_bytes = 32;
    limits.max_aliases = 2;
    limits.max_attributes = 2;
    limits.max_qualifiers = 2;
    limits.max_derivations = 2;
  }
  switch (data[0] % 12) {
    case 0: {
      v1::Entity entity;
      if (Parse(bytes, &entity)) CheckValidationContract(validation::CheckEntity(entity, limits));
      break;
    }
    case 1: {
      v1::Source source;
      if (Parse(bytes, &source)) CheckValidationContract(validation::CheckSource(source, limits));
      break;
    }
    case 2: {
      v1::Claim claim;
      if (Parse(bytes, &claim)) CheckValidationContract(validation::CheckClaim(claim, limits));
      break;
    }
    case 3: {
      v1::Assessment assessment;
      if (Parse(bytes, &assessment)) {
        CheckValidationContract(validation::CheckAssessment(assessment, limits));
      }
      break;
    }
    case 4: {
      v1::LifecycleEvent event;
      if (Parse(bytes, &event)) {
        CheckValidationContract(validation::CheckLifecycleEvent(event, limits));
      }
      break;
    }
    case 5: {
      v1::Statement statement;
      if (Parse(bytes, &statement)) {
        CheckValidationContract(validation::CheckStatement("statement", statement, limits));
      }
      break;
    }
    case 6: {
      v1::Value value;
      if (Parse(bytes, &value)) {
        CheckValidationContract(validation::CheckValue("value", value, limits));
      }
      break;
    }
    case 7: {
      google::protobuf::Timestamp timestamp;
      if (!Parse(bytes, &timestamp)) break;
      CheckValidationContract(validation::CheckTimestamp("timestamp", timestamp));
      auto as_of = validation::ParseAsOf(true, timestamp);
      if (!as_of.ok()) {
        CheckValidationContract(as_of.status());
      } else {
        FUZZ_CHECK(as_of->has_value());
      }
      break;
    }
    case 8:
      CheckValidationContract(validation::CheckId("id", bytes, limits));
      break;
    case 9:
      CheckValidationContract(validation::CheckString("text", bytes, limits.max_string_bytes));
      break;
    case 10: {
      int32_t page_size = 0;
      for (size_t i = 0; i < bytes.size() && i < 4; ++i) {
        page_size = static_cast<int32_t>(static_cast<uint32_t>(page_size) << 8 |
                                         static_cast<uint8_t>(bytes[i]));
      }
      CheckValidationContract(validation::CheckPageSize(page_size, limits));
      break;
    }
    default: {
      v1::ImportRecord record;
      if (Parse(bytes, &record)) {
        CheckValidationContract(claimgraph::fuzz::CheckRecord(record, limits));
      }
    }
  }
  return 0;
}
