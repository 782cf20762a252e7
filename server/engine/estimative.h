// Estimative language: the ICD 203 probability bands of words like "likely", so a claim's
// hedging can be read as a number.
#pragma once

#include <optional>
#include <string_view>

namespace claimgraph::estimative {

struct Band {
  double low;
  double high;
};

// The ICD 203 band of an estimative word or phrase (case-insensitive), or nullopt when the word
// is not one of the standard terms or their listed synonyms.
std::optional<Band> BandOf(std::string_view word);

}  // namespace claimgraph::estimative
