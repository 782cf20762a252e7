// estimative.cc: the ICD 203 bands of estimative words.
#include "engine/estimative.h"

#include <doctest/doctest.h>

namespace claimgraph::estimative {

TEST_CASE("estimative words map to their ICD 203 band") {
  auto likely = BandOf("likely");
  REQUIRE(likely.has_value());
  CHECK(likely->low == doctest::Approx(0.55));
  CHECK(likely->high == doctest::Approx(0.80));
  auto remote = BandOf("almost no chance");
  REQUIRE(remote.has_value());
  CHECK(remote->low == doctest::Approx(0.01));
  CHECK(remote->high == doctest::Approx(0.05));
  auto certain = BandOf("almost certain");
  REQUIRE(certain.has_value());
  CHECK(certain->high == doctest::Approx(0.99));
  auto even = BandOf("roughly even chance");
  REQUIRE(even.has_value());
  CHECK(even->low == doctest::Approx(0.45));
}

TEST_CASE("synonyms share a band and case and spacing do not matter") {
  auto probable = BandOf("probable");
  auto likely = BandOf("  LIKELY ");
  REQUIRE(probable.has_value());
  REQUIRE(likely.has_value());
  CHECK(probable->low == likely->low);
  CHECK(probable->high == likely->high);
  auto very = BandOf("Very   Unlikely");
  REQUIRE(very.has_value());
  CHECK(very->low == doctest::Approx(0.05));
  CHECK(very->high == doctest::Approx(0.20));
}

TEST_CASE("bands are ordered and do not overlap across the scale") {
  const char* scale[] = {"almost no chance",    "very unlikely", "unlikely",
                         "roughly even chance", "likely",        "very likely",
                         "almost certain"};
  double previous_high = 0;
  for (const char* word : scale) {
    auto band = BandOf(word);
    REQUIRE_MESSAGE(band.has_value(), word);
    CHECK(band->low < band->high);
    CHECK(band->low >= previous_high - 1e-12);
    previous_high = band->high;
  }
}

TEST_CASE("unknown words and the empty word have no band") {
  CHECK_FALSE(BandOf("").has_value());
  CHECK_FALSE(BandOf("believes").has_value());
  CHECK_FALSE(BandOf("likelyish").has_value());
  CHECK_FALSE(BandOf("could be").has_value());
}

}  // namespace claimgraph::estimative
