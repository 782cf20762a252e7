// StrCat for the engine. Debian's Abseil is built with its own absl::string_view, which does not
// accept std::string_view, so absl::StrCat cannot take our string_views; this one can.
#pragma once

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace claimgraph {
namespace strings_internal {

inline void Append(std::string* out, std::string_view piece) { out->append(piece); }
inline void Append(std::string* out, const char* piece) { out->append(piece); }
inline void Append(std::string* out, const std::string& piece) { out->append(piece); }
inline void Append(std::string* out, char piece) { out->push_back(piece); }
inline void Append(std::string* out, bool value) { out->append(value ? "true" : "false"); }
template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
void Append(std::string* out, T value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}
template <typename T>
  requires std::is_enum_v<T>
void Append(std::string* out, T value) {
  Append(out, static_cast<std::underlying_type_t<T>>(value));
}
inline void Append(std::string* out, double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

}  // namespace strings_internal

template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  (strings_internal::Append(&out, pieces), ...);
  return out;
}

}  // namespace claimgraph
