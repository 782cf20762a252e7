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

TEST_CASE(
    "graph pages: each edge follows the node from which on it and every edge before it is "
    "complete") {
  // Nodes 0..3; edges with later ends 1, 0, 3, 2, 3: the running maximum is 1, 1, 3, 3, 3.
  auto items = GraphPageOrder(4, {1, 0, 3, 2, 3});
  std::string order;
  for (const auto& item : items)
    order += (item.is_edge ? "e" : "n") + std::to_string(item.index) + " ";
  CHECK(order == "n0 n1 e0 e1 n2 n3 e2 e3 e4 ");
  CHECK(GraphPageOrder(0, {}).empty());
  CHECK(GraphPageOrder(2, {}).size() == 2);
}

TEST_CASE("graph positions carry their answer's size and refuse another answer's") {
  CHECK(*DecodeGraphPosition("", 5) == 0);
  CHECK(*DecodeGraphPosition(EncodeGraphPosition(3, 5), 5) == 3);
  CHECK(*DecodeGraphPosition(EncodeGraphPosition(5, 5), 5) == 5);
  for (auto position : {EncodeGraphPosition(3, 6), EncodeGraphPosition(6, 5),
                        EncodeGraphPosition(0, 5), std::string("short")}) {
    auto decoded = DecodeGraphPosition(position, 5);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(decoded.status().message()).rfind("page_token: ", 0) == 0);
  }
}

}  // namespace claimgraph::paging
