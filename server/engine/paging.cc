// Page token encoding: web-safe base64 of version:u8 fingerprint:u64 resume-key.
#include "engine/paging.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"

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
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) || raw.size() < 9 ||
      raw[0] != kTokenVersion) {
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

std::vector<GraphItem> GraphPageOrder(size_t node_count,
                                      const std::vector<size_t>& edge_later_end) {
  std::vector<GraphItem> items;
  items.reserve(node_count + edge_later_end.size());
  size_t edge = 0, complete_at = 0;
  for (size_t node = 0; node < node_count; ++node) {
    items.push_back({false, node});
    while (edge < edge_later_end.size() && std::max(complete_at, edge_later_end[edge]) <= node) {
      complete_at = std::max(complete_at, edge_later_end[edge]);
      items.push_back({true, edge++});
    }
  }
  // Ends past the last node (none in a well-formed answer) go last, still in order.
  for (; edge < edge_later_end.size(); ++edge) items.push_back({true, edge});
  return items;
}

// Position grammar: offset:u64 item_count:u64.
std::string EncodeGraphPosition(uint64_t offset, uint64_t item_count) {
  std::string position;
  keys::AppendU64(&position, offset);
  keys::AppendU64(&position, item_count);
  return position;
}

absl::StatusOr<uint64_t> DecodeGraphPosition(std::string_view position, uint64_t item_count) {
  if (position.empty()) return 0;
  if (position.size() != 16) return absl::InvalidArgumentError("page_token: malformed");
  uint64_t offset = keys::DecodeU64(position);
  if (keys::DecodeU64(position.substr(8)) != item_count || offset == 0 || offset > item_count) {
    return absl::InvalidArgumentError("page_token: does not belong to this answer");
  }
  return offset;
}

}  // namespace claimgraph::paging
