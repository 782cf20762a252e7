// Subjective-logic arithmetic against values computed by hand (docs/provenance.md section 3).
#include "engine/provenance/opinion.h"

#include <doctest/doctest.h>

namespace claimgraph::provenance {
namespace {

constexpr double kTolerance = 1e-9;

TEST_CASE("strength comes from certainty unless an ICD 203 band refines it") {
  v1::Claim claim;
  claim.set_certainty(v1::CERTAINTY_CERTAIN);
  CHECK(StrengthOf(claim) == doctest::Approx(0.95).epsilon(kTolerance));
  claim.set_certainty(v1::CERTAINTY_PROBABLE);
  CHECK(StrengthOf(claim) == doctest::Approx(0.70).epsilon(kTolerance));
  claim.set_certainty(v1::CERTAINTY_POSSIBLE);
  CHECK(StrengthOf(claim) == doctest::Approx(0.40).epsilon(kTolerance));
  claim.set_certainty(v1::CERTAINTY_UNDERSPECIFIED);
  CHECK(StrengthOf(claim) == doctest::Approx(0.50).epsilon(kTolerance));
  // "likely": 0.55-0.80, midpoint 0.675 replaces the certainty.
  claim.set_probability_low(0.55);
  claim.set_probability_high(0.80);
  CHECK(std::abs(StrengthOf(claim) - 0.675) < kTolerance);
  // "unlikely": 0.20-0.45, midpoint 0.325, strength max(m, 1 - m) = 0.675.
  claim.set_probability_low(0.20);
  claim.set_probability_high(0.45);
  CHECK(std::abs(StrengthOf(claim) - 0.675) < kTolerance);
}

TEST_CASE("reliability grades map to the documented trusts") {
  CHECK(ReliabilityTrust(v1::RELIABILITY_A) == 0.95);
  CHECK(ReliabilityTrust(v1::RELIABILITY_B) == 0.80);
  CHECK(ReliabilityTrust(v1::RELIABILITY_C) == 0.65);
  CHECK(ReliabilityTrust(v1::RELIABILITY_D) == 0.45);
  CHECK(ReliabilityTrust(v1::RELIABILITY_E) == 0.25);
  CHECK(ReliabilityTrust(v1::RELIABILITY_F) == 0.50);
  CHECK(ReliabilityTrust(v1::RELIABILITY_UNSPECIFIED) == 0.50);
}

TEST_CASE("stance places the strength and discounting scales belief and disbelief") {
  Opinion supports = ClaimOpinion(v1::STANCE_SUPPORTS, 0.95);
  CHECK(supports.belief == 0.95);
  CHECK(supports.disbelief == 0);
  CHECK(std::abs(supports.uncertainty - 0.05) < kTolerance);
  Opinion refutes = Discount(ClaimOpinion(v1::STANCE_REFUTES, 0.95), 0.45);
  CHECK(refutes.belief == 0);
  CHECK(std::abs(refutes.disbelief - 0.4275) < kTolerance);
  CHECK(std::abs(refutes.uncertainty - 0.5725) < kTolerance);
  Opinion discusses = ClaimOpinion(v1::STANCE_DISCUSSES, 0.95);
  CHECK(discusses.uncertainty == 1);
  CHECK(discusses.Projected() == 0.5);
}

TEST_CASE("cumulative fusion equals the two-source formula computed by hand") {
  // (0.684, 0, 0.316) + (0.351, 0, 0.649) + (0, 0.4275, 0.5725): docs/provenance.md section 7.
  Opinion fused =
      CumulativeFusion({{0.684, 0, 0.316, 0.5}, {0.351, 0, 0.649, 0.5}, {0, 0.4275, 0.5725, 0.5}});
  CHECK(std::abs(fused.belief - 0.6076639256732389) < kTolerance);
  CHECK(std::abs(fused.disbelief - 0.16772367177469039) < kTolerance);
  CHECK(std::abs(fused.uncertainty - 0.22461240255207077) < kTolerance);
  CHECK(std::abs(fused.Projected() - 0.7199701269492743) < kTolerance);
  // Pairwise by Josang's formula: (0.5,0,0.5) + (0.5,0,0.5): k = 0.75, b = 0.5/0.75, u = 0.25/0.75.
  Opinion pair = CumulativeFusion({{0.5, 0, 0.5, 0.5}, {0.5, 0, 0.5, 0.5}});
  CHECK(std::abs(pair.belief - 2.0 / 3.0) < kTolerance);
  CHECK(std::abs(pair.uncertainty - 1.0 / 3.0) < kTolerance);
}

TEST_CASE("cumulative fusion limits: empty, one opinion, dogmatic opinions") {
  Opinion empty = CumulativeFusion({});
  CHECK(empty.uncertainty == 1);
  CHECK(empty.Projected() == 0.5);
  Opinion one = CumulativeFusion({{0.3, 0.2, 0.5, 0.5}});
  CHECK(std::abs(one.belief - 0.3) < kTolerance);
  CHECK(std::abs(one.disbelief - 0.2) < kTolerance);
  // Two dogmatic opinions average with equal weights; a non-dogmatic one adds nothing.
  Opinion dogmatic = CumulativeFusion({{1, 0, 0, 0.5}, {0.2, 0.8, 0, 0.5}, {0.1, 0, 0.9, 0.5}});
  CHECK(std::abs(dogmatic.belief - 0.6) < kTolerance);
  CHECK(std::abs(dogmatic.disbelief - 0.4) < kTolerance);
  CHECK(dogmatic.uncertainty == 0);
  // Many origins: no underflow, u = 1 / (1 + sum of b/u).
  std::vector<Opinion> many(5000, Opinion{0.5, 0, 0.5, 0.5});
  Opinion fused = CumulativeFusion(many);
  CHECK(std::abs(fused.uncertainty - 1.0 / 5001.0) < kTolerance);
}

}  // namespace
}  // namespace claimgraph::provenance
