// EdgeAggregate: encoding round trip and merge arithmetic; Apply must be associative (and here,
// where every field is a sum, min, max or last-score, the grouping of deltas must not matter),
// because RocksDB folds merge operands in whatever grouping compaction meets them.
#include "engine/storage/edge_aggregate.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

namespace claimgraph::storage {
namespace {

bool Same(const EdgeAggregate& a, const EdgeAggregate& b) {
  return a.claims == b.claims && a.supporting == b.supporting && a.refuting == b.refuting &&
         a.best_confidence == b.best_confidence && a.first_recorded_at == b.first_recorded_at &&
         a.last_recorded_at == b.last_recorded_at && a.score == b.score &&
         a.score_pending == b.score_pending;
}

EdgeAggregate RandomDelta(std::mt19937_64& random, bool with_score) {
  EdgeAggregate delta;
  bool retraction = random() % 4 == 0;
  delta.claims = retraction ? -1 : 1;
  switch (random() % 3) {
    case 0:
      delta.supporting = delta.claims;
      break;
    case 1:
      delta.refuting = delta.claims;
      break;
    default:
      break;
  }
  if (!retraction) {
    delta.best_confidence = static_cast<double>(random() % 1001) / 1000.0;
    delta.first_recorded_at = delta.last_recorded_at = 1000 + random() % 100000;
  }
  if (with_score && random() % 5 == 0) delta.score = static_cast<double>(random() % 100) / 100.0;
  // A write marks the score pending; a rescore carries a score, current or still pending.
  if (with_score && random() % 3 == 0) delta.score_pending = true;
  return delta;
}

}  // namespace

TEST_CASE("an aggregate encodes to the documented 57 bytes and decodes back") {
  EdgeAggregate empty;
  CHECK(empty.Encode().size() == 57);
  auto decoded_empty = EdgeAggregate::Decode(empty.Encode());
  REQUIRE(decoded_empty.has_value());
  CHECK(Same(*decoded_empty, empty));
  CHECK_FALSE(decoded_empty->score.has_value());

  EdgeAggregate full;
  full.claims = 7;
  full.supporting = 5;
  full.refuting = -2;
  full.best_confidence = 0.875;
  full.first_recorded_at = 11;
  full.last_recorded_at = 1685700000123456;
  full.score = 0.0;  // a score of zero is still a score
  auto decoded = EdgeAggregate::Decode(full.Encode());
  REQUIRE(decoded.has_value());
  CHECK(Same(*decoded, full));
  CHECK(decoded->score.has_value());
  CHECK(decoded->EffectiveConfidence() == 0.0);
  full.score.reset();
  CHECK(full.EffectiveConfidence() == 0.875);
}

TEST_CASE("a value of the wrong size does not decode") {
  CHECK_FALSE(EdgeAggregate::Decode("").has_value());
  CHECK_FALSE(EdgeAggregate::Decode(std::string(56, '\0')).has_value());
  CHECK_FALSE(EdgeAggregate::Decode(std::string(58, '\0')).has_value());
}

TEST_CASE("apply adds counts, keeps extremes and lets a later score win") {
  EdgeAggregate aggregate;
  EdgeAggregate a;
  a.claims = 1;
  a.supporting = 1;
  a.best_confidence = 0.6;
  a.first_recorded_at = a.last_recorded_at = 100;
  EdgeAggregate b;
  b.claims = 1;
  b.refuting = 1;
  b.first_recorded_at = b.last_recorded_at = 50;
  EdgeAggregate retract;
  retract.claims = -1;
  retract.supporting = -1;
  EdgeAggregate scored;
  scored.score = 0.3;
  aggregate.Apply(a);
  aggregate.Apply(b);
  aggregate.Apply(scored);
  aggregate.Apply(retract);
  CHECK(aggregate.claims == 1);
  CHECK(aggregate.supporting == 0);
  CHECK(aggregate.refuting == 1);
  CHECK(aggregate.best_confidence == 0.6);
  CHECK(aggregate.first_recorded_at == 50);
  CHECK(aggregate.last_recorded_at == 100);
  REQUIRE(aggregate.score.has_value());
  CHECK(*aggregate.score == 0.3);
  EdgeAggregate rescored;
  rescored.score = 0.9;
  aggregate.Apply(rescored);
  CHECK(*aggregate.score == 0.9);
}

TEST_CASE("the pending bit round-trips and only a delta with a score clears it") {
  EdgeAggregate aggregate;
  aggregate.score = 0.25;
  auto decoded = EdgeAggregate::Decode(aggregate.Encode());
  REQUIRE(decoded.has_value());
  CHECK_FALSE(decoded->score_pending);

  // A write: the stored score is kept, flagged pending.
  EdgeAggregate write;
  write.claims = 1;
  write.score_pending = true;
  aggregate.Apply(write);
  REQUIRE(aggregate.score.has_value());
  CHECK(*aggregate.score == 0.25);
  CHECK(aggregate.score_pending);
  CHECK(aggregate.EffectiveConfidence() == 0.25);
  decoded = EdgeAggregate::Decode(aggregate.Encode());
  REQUIRE(decoded.has_value());
  CHECK(decoded->score_pending);
  CHECK(*decoded->score == 0.25);

  // A background rescore from a snapshot older than a later write: new value, still pending.
  EdgeAggregate partial;
  partial.score = 0.5;
  partial.score_pending = true;
  aggregate.Apply(partial);
  CHECK(*aggregate.score == 0.5);
  CHECK(aggregate.score_pending);

  // The rescore that saw every write: current.
  EdgeAggregate current;
  current.score = 0.75;
  aggregate.Apply(current);
  CHECK(*aggregate.score == 0.75);
  CHECK_FALSE(aggregate.score_pending);

  // A pending mark on an edge that never had a score: still no score.
  EdgeAggregate unscored;
  unscored.Apply(write);
  CHECK_FALSE(unscored.score.has_value());
  CHECK(unscored.score_pending);
  CHECK(EdgeAggregate::Decode(unscored.Encode())->score_pending);

  // Flags other than the two defined ones are corruption.
  std::string bytes = aggregate.Encode();
  bytes[48] = 4;
  CHECK_FALSE(EdgeAggregate::Decode(bytes).has_value());
  // Version 1 wrote 0 and 1 only, with the same meaning.
  bytes[48] = 1;
  CHECK_FALSE(EdgeAggregate::Decode(bytes)->score_pending);
}

TEST_CASE("random deltas folded in any grouping give the same aggregate") {
  std::mt19937_64 random(2024);
  for (int round = 0; round < 300; ++round) {
    std::vector<EdgeAggregate> deltas;
    int count = 1 + static_cast<int>(random() % 20);
    for (int i = 0; i < count; ++i) deltas.push_back(RandomDelta(random, true));

    // Left fold: ((((base + d0) + d1) + d2) ...), as a full merge does.
    EdgeAggregate left;
    for (const auto& delta : deltas) left.Apply(delta);

    // Random grouping: split the sequence into runs, fold each run into a partial (as a
    // partial merge of adjacent operands does), then fold the partials in order. Operands keep
    // their order: RocksDB never reorders them, only groups them.
    EdgeAggregate grouped;
    size_t i = 0;
    while (i < deltas.size()) {
      size_t run = 1 + random() % 5;
      EdgeAggregate partial = deltas[i];
      for (size_t k = i + 1; k < std::min(deltas.size(), i + run); ++k) partial.Apply(deltas[k]);
      // Through the encoding too: partials are stored as bytes between merges.
      auto stored = EdgeAggregate::Decode(partial.Encode());
      REQUIRE(stored.has_value());
      grouped.Apply(*stored);
      i += run;
    }
    CHECK(Same(left, grouped));

    // Right fold: d0 + (d1 + (d2 + ...)).
    EdgeAggregate right = deltas.back();
    for (int k = count - 2; k >= 0; --k) {
      EdgeAggregate combined = deltas[k];
      combined.Apply(right);
      right = combined;
    }
    EdgeAggregate from_right;
    from_right.Apply(right);
    CHECK(Same(left, from_right));
  }
}

}  // namespace claimgraph::storage
