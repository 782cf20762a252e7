// text.cc: UTF-8 validity (overlong forms, surrogates, out-of-range code points, truncation),
// code point lengths and substrings, and the name normalisation behind the name index.
#include "engine/text.h"

#include <doctest/doctest.h>

#include <string>

namespace claimgraph::text {

TEST_CASE("valid UTF-8 of every sequence length is accepted") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("caf\xC3\xA9"));           // é, 2 bytes
  CHECK(IsValidUtf8("\xE2\x82\xAC"));          // €, 3 bytes
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));      // 😀, 4 bytes
  CHECK(IsValidUtf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  CHECK(IsValidUtf8("\xEE\x80\x80"));          // U+E000, just above them
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
  CHECK(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8 (CheckString rejects it)
}

TEST_CASE("invalid UTF-8 is rejected") {
  CHECK_FALSE(IsValidUtf8("\x80"));                  // lone continuation byte
  CHECK_FALSE(IsValidUtf8("\xC3"));                  // truncated 2-byte sequence
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));              // truncated 3-byte sequence
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x98"));          // truncated 4-byte sequence
  CHECK_FALSE(IsValidUtf8("\xC3\x41"));              // continuation byte missing
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));              // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));              // overlong 2-byte
  CHECK_FALSE(IsValidUtf8("\xE0\x80\xAF"));          // overlong 3-byte
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));          // overlong: U+07FF in 3 bytes
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));      // overlong 4-byte
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));      // overlong: U+FFFF in 4 bytes
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));          // U+D800, a surrogate
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));          // U+DFFF, a surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // U+110000, past the last code point
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));      // lead byte past U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("ok then \xFE"));
}

TEST_CASE("code point length counts characters, not bytes") {
  CHECK(CodePointLength("") == 0);
  CHECK(CodePointLength("abc") == 3);
  CHECK(CodePointLength("caf\xC3\xA9") == 4);
  CHECK(CodePointLength("\xE2\x82\xAC\xF0\x9F\x98\x80") == 2);
}

TEST_CASE("code point substrings take character offsets") {
  const std::string text = "Kyiv \xE2\x80\x94 \xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xF0\x9F\x98\x80!";
  // K y i v _ — _ К и ї в _ 😀 !
  CHECK(CodePointSubstr(text, 0, 4) == std::optional<std::string_view>("Kyiv"));
  CHECK(CodePointSubstr(text, 5, 6) == std::optional<std::string_view>("\xE2\x80\x94"));
  CHECK(CodePointSubstr(text, 7, 11) ==
        std::optional<std::string_view>("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2"));
  CHECK(CodePointSubstr(text, 12, 14) == std::optional<std::string_view>("\xF0\x9F\x98\x80!"));
  CHECK(CodePointSubstr(text, 0, 14) == std::optional<std::string_view>(text));
  CHECK(CodePointSubstr(text, 3, 3) == std::optional<std::string_view>(""));
  CHECK_FALSE(CodePointSubstr(text, 0, 15).has_value());
  CHECK_FALSE(CodePointSubstr(text, 15, 16).has_value());
  CHECK_FALSE(CodePointSubstr(text, 5, 4).has_value());
  CHECK(CodePointSubstr("", 0, 0) == std::optional<std::string_view>(""));
}

TEST_CASE("names normalise to lower case with single spaces") {
  CHECK(NormalizeName("  John   KIRBY\t") == "john kirby");
  CHECK(NormalizeName("Alabuga\nSpecial  Economic Zone") == "alabuga special economic zone");
  CHECK(NormalizeName("   ").empty());
  // Non-ASCII bytes pass through unchanged.
  CHECK(NormalizeName("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2") == "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2");
}

TEST_CASE("name index terms are the whole name and each word, once") {
  auto terms = NameIndexTerms("National Security Council");
  CHECK(terms ==
        std::vector<std::string>{"council", "national", "national security council", "security"});
  CHECK(NameIndexTerms("Iran") == std::vector<std::string>{"iran"});
  CHECK(NameIndexTerms("Kyiv kyiv") == std::vector<std::string>{"kyiv", "kyiv kyiv"});
  CHECK(NameIndexTerms("  ").empty());
}

}  // namespace claimgraph::text
