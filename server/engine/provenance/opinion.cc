// Subjective-logic arithmetic for provenance (docs/provenance.md section 3).
#include "engine/provenance/opinion.h"

#include <algorithm>

namespace claimgraph::provenance {

double CertaintyStrength(v1::Certainty certainty) {
  switch (certainty) {
    case v1::CERTAINTY_CERTAIN:
      return 0.95;
    case v1::CERTAINTY_PROBABLE:
      return 0.70;
    case v1::CERTAINTY_POSSIBLE:
      return 0.40;
    default:
      return 0.50;  // underspecified (and unspecified, stored as underspecified)
  }
}

double StrengthOf(const v1::Claim& claim) {
  if (claim.probability_high() > 0) {
    double midpoint = (claim.probability_low() + claim.probability_high()) / 2;
    return std::max(midpoint, 1 - midpoint);
  }
  return CertaintyStrength(claim.certainty());
}

double ReliabilityTrust(v1::Reliability reliability) {
  switch (reliability) {
    case v1::RELIABILITY_A:
      return 0.95;
    case v1::RELIABILITY_B:
      return 0.80;
    case v1::RELIABILITY_C:
      return 0.65;
    case v1::RELIABILITY_D:
      return 0.45;
    case v1::RELIABILITY_E:
      return 0.25;
    default:
      return 0.50;  // F (cannot be judged) and ungraded
  }
}

Opinion ClaimOpinion(v1::Stance stance, double strength) {
  Opinion opinion;
  if (stance == v1::STANCE_SUPPORTS) opinion.belief = strength;
  if (stance == v1::STANCE_REFUTES) opinion.disbelief = strength;
  opinion.uncertainty = 1 - opinion.belief - opinion.disbelief;
  return opinion;
}

Opinion Discount(const Opinion& opinion, double trust) {
  Opinion discounted;
  discounted.belief = trust * opinion.belief;
  discounted.disbelief = trust * opinion.disbelief;
  discounted.uncertainty = 1 - discounted.belief - discounted.disbelief;
  discounted.base_rate = opinion.base_rate;
  return discounted;
}

Opinion CumulativeFusion(const std::vector<Opinion>& opinions) {
  Opinion fused;
  fused.base_rate = kBaseRate;
  // Dogmatic opinions (u = 0) carry infinite evidence: when any is present only they count,
  // with equal relative dogmatism.
  size_t dogmatic = 0;
  for (const auto& opinion : opinions) dogmatic += opinion.uncertainty <= 0 ? 1 : 0;
  if (dogmatic > 0) {
    fused.belief = fused.disbelief = 0;
    for (const auto& opinion : opinions) {
      if (opinion.uncertainty > 0) continue;
      fused.belief += opinion.belief / static_cast<double>(dogmatic);
      fused.disbelief += opinion.disbelief / static_cast<double>(dogmatic);
    }
    fused.uncertainty = 0;
    return fused;
  }
  // Evidence form of N-source cumulative fusion: exact for any N and free of underflow.
  double belief_evidence = 0, disbelief_evidence = 0;
  for (const auto& opinion : opinions) {
    belief_evidence += opinion.belief / opinion.uncertainty;
    disbelief_evidence += opinion.disbelief / opinion.uncertainty;
  }
  fused.uncertainty = 1 / (1 + belief_evidence + disbelief_evidence);
  fused.belief = belief_evidence * fused.uncertainty;
  fused.disbelief = disbelief_evidence * fused.uncertainty;
  return fused;
}

}  // namespace claimgraph::provenance
