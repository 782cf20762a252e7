// paging.cc: page tokens round trip, are bound to their query and reject garbage.
#include "engine/paging.h"

#include <doctest/doctest.h>

#include <random>

#include "absl/strings/escaping.h"

namespace claimgraph::paging {

TEST_CASE("a page token round trips its resume key, including binary bytes") {
  uint64_t fingerprint = Fingerprint("claims|st_1|");
  std::mt19937 random(11);
  for (int i = 0; i < 200; ++i) {
    std::string resume;
    for (int k = 0; k < i % 40; ++k) resume.push_back(static_cast<char>(random() % 256));
    std::string token = EncodePageToken(fingerprint, resume);
    auto decoded = DecodePageToken(token, fingerprint);
    REQUIRE(decoded.ok());
    CHECK(*decoded == resume);
    // Web-safe: the token can go in a URL unchanged.
    CHECK(token.find_first_of("+/") == std::string::npos);
  }
}

TEST_CASE("an empty token means the first page") {
  auto decoded = DecodePageToken("", Fingerprint("anything"));
  REQUIRE(decoded.ok());
  CHECK(decoded->empty());
}

TEST_CASE("a token from another query is rejected") {
  std::string token = EncodePageToken(Fingerprint("claims|a"), "resume");
  auto decoded = DecodePageToken(token, Fingerprint("claims|b"));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(decoded.status().message()).rfind("page_token: ", 0) == 0);
}

TEST_CASE("garbage tokens are rejected as malformed") {
  uint64_t fingerprint = Fingerprint("q");
  for (const char* garbage : {"!!!!", "not a token", "AA", "AQ"}) {
    auto decoded = DecodePageToken(garbage, fingerprint);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(decoded.status().message()) == "page_token: malformed");
  }
  // A well-formed token of another version is refused too.
  std::string token = EncodePageToken(fingerprint, "k");
  std::string raw;
  REQUIRE(absl::WebSafeBase64Unescape(token, &raw));
  raw[0] = 2;
  auto decoded = DecodePageToken(absl::WebSafeBase64Escape(raw), fingerprint);
  CHECK_FALSE(decoded.ok());
}

TEST_CASE("fingerprints differ for different queries and are stable") {
  CHECK(Fingerprint("a") != Fingerprint("b"));
  CHECK(Fingerprint("claims|x|") != Fingerprint("claims||x"));
  // FNV-1a of the empty string is its offset basis: the function must not change across builds.
  CHECK(Fingerprint("") == 14695981039346656037ull);
  CHECK(Fingerprint("a") == 0xaf63dc4c8601ec8cull);
}

}  // namespace claimgraph::paging
