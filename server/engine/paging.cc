// Page token encoding: web-safe base64 of version:u8 fingerprint:u64 resume-key.
#include "engine/paging.h"

#include "absl/strings/escaping.h"
#include "engine/key_codec.h"
#include "engine/status_macros.h"

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

std::string EncodePinnedPageToken(uint64_t query_fingerprint, uint64_t as_of,
                                  std::string_view position) {
  std::string resume;
  keys::AppendU64(&resume, as_of);
  resume.append(position);
  return EncodePageToken(query_fingerprint, resume);
}

absl::StatusOr<std::optional<uint64_t>> PinnedPageTokenAsOf(std::string_view token) {
  if (token.empty()) return std::optional<uint64_t>();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) || raw.size() < 9 + 8 ||
      raw[0] != kTokenVersion) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return std::optional<uint64_t>(keys::DecodeU64(std::string_view(raw).substr(9)));
}

absl::StatusOr<std::string> DecodePinnedPageToken(std::string_view token,
                                                  uint64_t query_fingerprint, uint64_t as_of) {
  CG_ASSIGN_OR_RETURN(std::string resume, DecodePageToken(token, query_fingerprint));
  if (resume.empty()) return resume;
  if (resume.size() < 8) return absl::InvalidArgumentError("page_token: malformed");
  if (keys::DecodeU64(resume) != as_of) {
    return absl::InvalidArgumentError("page_token: belongs to another as_of");
  }
  return resume.substr(8);
}

}  // namespace claimgraph::paging
