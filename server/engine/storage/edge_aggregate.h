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
//   last_recorded_at:u64 score_flags:u8 score:f64
// score_flags: bit 0 (1) a score is present; bit 1 (2) the score is pending (format version 2;
// version 1 wrote only 0 and 1, which keep their meaning). Other bits: corrupt.
// The same grammar serves as merge operand (a delta): counts add, best_confidence and
// last_recorded_at take the maximum, first_recorded_at the minimum; a delta that carries a
// score replaces the score and its pending bit (the later merge wins); a delta with only the
// pending bit marks the stored score pending and keeps its value.
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
  // A write changed the statement's claims after `score` was computed: `score` is the value of
  // an earlier state until the rescore lands (docs/provenance.md 3.5).
  bool score_pending = false;

  // The confidence traversal filters use: the fused score when known, else the best claim's.
  double EffectiveConfidence() const { return score ? *score : best_confidence; }

  std::string Encode() const;
  static std::optional<EdgeAggregate> Decode(std::string_view bytes);
  // Folds a delta into this aggregate.
  void Apply(const EdgeAggregate& delta);
};

}  // namespace claimgraph::storage
