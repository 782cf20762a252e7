// The writer's cache of committed dictionary resolutions and entity types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/string_map.h"

namespace claimgraph {

// Committed dictionary resolutions (dictionary key -> internal id) and the types of committed
// entities, kept across writes so that staging a claim does not go to the store for its subject,
// object, claimant, source and predicate every time. It rests on the dictionary being append-only
// and entity types being fixed (engine/cache_invariants.h): a write that breaks either clears it
// when it commits. Only committed facts enter it (a rejected
// batch's ids are handed out again). When full it starts over: a bounded memory cost, and the
// entries that matter come back on their next use.
class ResolutionCache {
 public:
  void set_max_bytes(size_t max_bytes) { max_bytes_ = max_bytes; }
  // After a write that broke an invariant the entries rest on (engine/cache_invariants.h).
  void Clear() {
    ids_.clear();
    entity_types_.clear();
    bytes_ = 0;
  }
  std::optional<uint64_t> Find(std::string_view dictionary_key) const {
    auto it = ids_.find(dictionary_key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  void Add(std::string_view dictionary_key, uint64_t id) {
    MakeRoom(dictionary_key.size());
    if (ids_.try_emplace(std::string(dictionary_key), id).second)
      bytes_ += dictionary_key.size() + kEntryBytes;
  }
  const std::string* EntityType(uint64_t entity) const {
    auto it = entity_types_.find(entity);
    return it == entity_types_.end() ? nullptr : &it->second;
  }
  void AddEntityType(uint64_t entity, const std::string& type) {
    MakeRoom(type.size());
    if (entity_types_.try_emplace(entity, type).second) bytes_ += type.size() + kEntryBytes;
  }

 private:
  // Slot (string header and id) at the table's lowest load factor, and control byte.
  static constexpr size_t kEntryBytes = 80;
  size_t max_bytes_ = 64u << 20;
  void MakeRoom(size_t key_bytes) {
    if (bytes_ + key_bytes + kEntryBytes <= max_bytes_) return;
    ids_.clear();
    entity_types_.clear();
    bytes_ = 0;
  }
  StringMap<uint64_t> ids_;
  std::unordered_map<uint64_t, std::string> entity_types_;
  size_t bytes_ = 0;
};

}  // namespace claimgraph
