// The backend-independent parts of the storage interface: family names and write batches.
#include "engine/storage/key_value_store.h"

namespace claimgraph::storage {

const char* FamilyName(Family family) {
  switch (family) {
    case Family::kMeta:
      return "default";
    case Family::kDictionary:
      return "dictionary";
    case Family::kRecords:
      return "records";
    case Family::kEdges:
      return "edges";
    case Family::kIndexes:
      return "indexes";
  }
  return "unknown";
}

void WriteBatch::Put(Family family, std::string_view key, std::string_view value) {
  operations_.push_back({Kind::kPut, family, std::string(key), std::string(value)});
  bytes_ += key.size() + value.size() + 16;
}
void WriteBatch::Delete(Family family, std::string_view key) {
  operations_.push_back({Kind::kDelete, family, std::string(key), {}});
  bytes_ += key.size() + 16;
}
void WriteBatch::MergeAggregate(Family family, std::string_view key, std::string_view operand) {
  operations_.push_back({Kind::kMergeAggregate, family, std::string(key), std::string(operand)});
  bytes_ += key.size() + operand.size() + 16;
}
void WriteBatch::Clear() {
  operations_.clear();
  bytes_ = 0;
}

}  // namespace claimgraph::storage
