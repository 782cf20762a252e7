// Page token encoding: web-safe base64 of version:u8 fingerprint:u64 resume-key.
#include "engine/paging.h"

#include "absl/strings/escaping.h"
#include "engine/key_codec.h"

namespace claimgraph::paging {
namespace {
constexpr char kTokenVersion = 1;
}

uint64_t Fingerprint(std::string_view canonical_query) {
  uint64_t hash = 14695981039346656037ull;  // the FNV-1a 64-bit offset basis
  for (char c : canonical_query) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string EncodePageToken(uint64_t query_fingerprint, std::string_view resume_key) {
  std::string raw(1, kTokenVersion);
  keys::AppendU64(&raw, query_fingerprint);
  raw.append(resume_key);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(std::string_view token, uint64_t query_fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) || raw.size() < 9 || raw[0] != kTokenVersion) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  if (keys::DecodeU64(std::string_view(raw).substr(1)) != query_fingerprint) {
    return absl::InvalidArgumentError("page_token: belongs to a different query");
  }
  return raw.substr(9);
}

}  // namespace claimgraph::paging
