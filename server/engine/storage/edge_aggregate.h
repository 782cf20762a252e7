// EdgeAggregate: the per-edge summary kept beside each out- and in-edge key, updated by atomic
// merges so adding a claim never reads the edge first.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace claimgraph::storage {

// Value grammar (little-endian fixed width, 57 bytes; format PERMANENT):
//   claims:i64 supporting:i64 refuting:i64 best_confidence:f64 first_recorded_at:u64
//   last_recorded_at:u64 has_score:u8 score:f64
// The same grammar serves as merge operand (a delta): counts add, best_confidence and
// last_recorded_at take the maximum, first_recorded_at the minimum, and a delta that carries a
// score replaces the score (the later merge wins).
struct EdgeAggregate {
  int64_t claims = 0;      // active claims about the statement
  int64_t supporting = 0;  // of which support it
  int64_t refuting = 0;    // of which refute it
  // Largest attribution confidence among supporting claims ever recorded.
  double best_confidence = 0;
  uint64_t first_recorded_at = std::numeric_limits<uint64_t>::max();
  uint64_t last_recorded_at = 0;
  // The statement's fused probability, when the provenance layer has computed one.
  std::optional<double> score;

  // The confidence traversal filters use: the fused score when known, else the best claim's.
  double EffectiveConfidence() const { return score ? *score : best_confidence; }

  std::string Encode() const;
  static std::optional<EdgeAggregate> Decode(std::string_view bytes);
  // Folds a delta into this aggregate.
  void Apply(const EdgeAggregate& delta);
};

}  // namespace claimgraph::storage
