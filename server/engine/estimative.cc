// The ICD 203 (US Intelligence Community Directive 203, 2015) table of estimative terms.
#include "engine/estimative.h"

#include <string>

#include "engine/text.h"

namespace claimgraph::estimative {

std::optional<Band> BandOf(std::string_view word) {
  struct Entry {
    std::string_view word;
    Band band;
  };
  // ICD 203 pairs each probability term with its synonym ("likely" / "probable").
  static constexpr Entry kTable[] = {
      {"almost no chance", {0.01, 0.05}}, {"remote", {0.01, 0.05}},
      {"very unlikely", {0.05, 0.20}},    {"highly improbable", {0.05, 0.20}},
      {"unlikely", {0.20, 0.45}},         {"improbable", {0.20, 0.45}},
      {"probably not", {0.20, 0.45}},     {"roughly even chance", {0.45, 0.55}},
      {"roughly even odds", {0.45, 0.55}}, {"likely", {0.55, 0.80}},
      {"probable", {0.55, 0.80}},         {"probably", {0.55, 0.80}},
      {"very likely", {0.80, 0.95}},      {"highly probable", {0.80, 0.95}},
      {"almost certain", {0.95, 0.99}},   {"almost certainly", {0.95, 0.99}},
      {"nearly certain", {0.95, 0.99}},
  };
  std::string normalized = text::NormalizeName(word);
  for (const auto& entry : kTable) {
    if (entry.word == normalized) return entry.band;
  }
  return std::nullopt;
}

}  // namespace claimgraph::estimative
