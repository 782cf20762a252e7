// Shared by the record fuzz targets: runs the validation layer over whatever an ImportRecord holds
// and checks the layer's contract (OK, or InvalidArgument naming a field path).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/limits.h"
#include "engine/validation.h"
#include "fuzz_check.h"

namespace claimgraph::fuzz {

// Every validation error is InvalidArgument whose message starts "field.path: ".
inline void CheckValidationContract(const absl::Status& status) {
  if (status.ok()) return;
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument ||
             status.code() == absl::StatusCode::kResourceExhausted);
  std::string message(status.message());
  auto colon = message.find(": ");
  FUZZ_CHECK(colon != std::string::npos && colon > 0);
  FUZZ_CHECK(message[0] >= 'a' && message[0] <= 'z');  // a field name comes first
}

inline absl::Status CheckRecord(const v1::ImportRecord& record, const Limits& limits) {
  switch (record.record_case()) {
    case v1::ImportRecord::kEntity:
      return validation::CheckEntity(record.entity(), limits);
    case v1::ImportRecord::kSource:
      return validation::CheckSource(record.source(), limits);
    case v1::ImportRecord::kClaim:
      return validation::CheckClaim(record.claim(), limits);
    case v1::ImportRecord::kAssessment:
      return validation::CheckAssessment(record.assessment(), limits);
    case v1::ImportRecord::kLifecycleEvent:
      return validation::CheckLifecycleEvent(record.lifecycle_event(), limits);
    case v1::ImportRecord::RECORD_NOT_SET:
      break;
  }
  return absl::OkStatus();
}

}  // namespace claimgraph::fuzz
