// Parsing of stored records: the one place a record's bytes become its message, and a record that
// does not parse is DataLoss naming what it was.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "engine/strings.h"

namespace claimgraph {

template <typename T>
absl::StatusOr<T> ParseRecord(std::string_view bytes, std::string_view what) {
  T message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(StrCat("corrupt ", what, " record"));
  }
  return message;
}

}  // namespace claimgraph
