// StringMap: the engine's hash map keyed by std::string and searched with a std::string_view
// without building a string. Open addressing (absl::flat_hash_map: entries inline, one probe of
// the control bytes per lookup). Debian's Abseil has its own absl::string_view, so its default
// string hash does not take a std::string_view; this hash does. Entries move when the table
// grows: hold no pointer into one across an insert.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace claimgraph {

struct StringKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
};

template <typename Value>
using StringMap = absl::flat_hash_map<std::string, Value, StringKeyHash, std::equal_to<>>;

}  // namespace claimgraph
