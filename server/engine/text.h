// Text helpers shared by validation, indexing and the JSON writers: UTF-8 checks, code point
// offsets, the name normalisation used by the entity name index, JSON string quoting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimgraph::text {

bool IsValidUtf8(std::string_view text);
// Number of Unicode code points (text must be valid UTF-8).
size_t CodePointLength(std::string_view text);
// The bytes of code points [start, end); nullopt when out of range.
std::optional<std::string_view> CodePointSubstr(std::string_view text, size_t start, size_t end);
// Lower-cases ASCII letters and folds runs of white space to one space, trimming the ends.
std::string NormalizeName(std::string_view name);
// The normalised name and each of its words (for prefix search by any word).
std::vector<std::string> NameIndexTerms(std::string_view name);

// Appends `text` as a JSON string literal (quoted and escaped as protobuf's JSON printer does),
// for every JSON the engine writes by hand: NDJSON records and subgraph documents.
void AppendJsonString(std::string_view text, std::string* out);

// Decodes %XX escapes (a malformed one stays as it is; '+' stays '+'): URL path segments, query
// values and the ids in our IRIs.
std::string PercentDecode(std::string_view text);

}  // namespace claimgraph::text
