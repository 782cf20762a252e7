// Subjective-logic opinions and the constants that turn a claim into one: strength from certainty
// (or an ICD 203 band), trust from source reliability, discounting and cumulative fusion. The
// formulas and the reasons for every constant are in docs/provenance.md section 3.
#pragma once

#include <vector>

#include "claimgraph/v1/model.pb.h"

namespace claimgraph::provenance {

// An opinion (belief, disbelief, uncertainty, base rate); belief + disbelief + uncertainty = 1.
struct Opinion {
  double belief = 0;
  double disbelief = 0;
  double uncertainty = 1;
  double base_rate = 0.5;

  double Mass() const { return belief + disbelief; }
  double Projected() const { return belief + base_rate * uncertainty; }
};

// The base rate of every statement: no prior reason to favour truth or falsehood.
inline constexpr double kBaseRate = 0.5;
// The trust of a chain on which no hop has a source: the Admiralty F value.
inline constexpr double kUnsourcedTrust = 0.5;
// Masses closer than this are a tie when choosing an origin's strongest claim.
inline constexpr double kMassTieTolerance = 1e-12;

// Strength of a claim from its certainty, replaced by max(m, 1 - m) of its ICD 203 band
// (m the band's midpoint) when probability_high > 0.
double StrengthOf(const v1::Claim& claim);
double CertaintyStrength(v1::Certainty certainty);
// Trust in a source of the given Admiralty grade.
double ReliabilityTrust(v1::Reliability reliability);
// The claim's own opinion: belief for supports, disbelief for refutes, vacuous for discusses.
Opinion ClaimOpinion(v1::Stance stance, double strength);
// Trust discounting by a trust of projected probability `trust` in [0, 1].
Opinion Discount(const Opinion& opinion, double trust);
// Cumulative fusion of independent opinions (all with base rate kBaseRate). Empty: vacuous.
Opinion CumulativeFusion(const std::vector<Opinion>& opinions);

}  // namespace claimgraph::provenance
