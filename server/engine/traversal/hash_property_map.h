// Property maps over hash tables for BGL searches on the implicit ExplorationGraph: only the
// vertices a search touches take memory, and unseen vertices read as a default value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include <boost/property_map/property_map.hpp>

namespace claimgraph::traversal {

// Read/write map; get() of an unseen key returns the default without storing it.
template <typename Key, typename Value>
struct HashPropertyMap {
  using key_type = Key;
  using value_type = Value;
  using reference = Value;
  using category = boost::read_write_property_map_tag;

  std::unordered_map<Key, Value>* values;
  Value default_value;

  friend Value get(const HashPropertyMap& map, const Key& key) {
    auto it = map.values->find(key);
    return it == map.values->end() ? map.default_value : it->second;
  }
  friend void put(const HashPropertyMap& map, const Key& key, const Value& value) {
    (*map.values)[key] = value;
  }
};

// Hands out dense indices 0, 1, 2... to vertices in the order they are first asked for: the
// vertex index map d-ary heaps need.
struct DenseIndexMap {
  using key_type = uint64_t;
  using value_type = size_t;
  using reference = size_t;
  using category = boost::readable_property_map_tag;

  std::unordered_map<uint64_t, size_t>* indices;

  friend size_t get(const DenseIndexMap& map, uint64_t key) {
    auto [it, inserted] = map.indices->emplace(key, map.indices->size());
    return it->second;
  }
};

}  // namespace claimgraph::traversal
