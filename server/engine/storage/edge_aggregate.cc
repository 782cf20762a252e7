// Encoding and merge arithmetic of EdgeAggregate.
#include "engine/storage/edge_aggregate.h"

#include <algorithm>
#include <cstring>

namespace claimgraph::storage {
namespace {

constexpr size_t kEncodedSize = 8 * 6 + 1 + 8;
// score_flags bits. Values are PERMANENT.
constexpr uint8_t kHasScore = 1;
constexpr uint8_t kScorePending = 2;

template <typename T>
void AppendFixed(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

template <typename T>
T ReadFixed(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

}  // namespace

std::string EdgeAggregate::Encode() const {
  std::string out;
  out.reserve(kEncodedSize);
  AppendFixed(&out, claims);
  AppendFixed(&out, supporting);
  AppendFixed(&out, refuting);
  AppendFixed(&out, best_confidence);
  AppendFixed(&out, first_recorded_at);
  AppendFixed(&out, last_recorded_at);
  uint8_t flags = (score.has_value() ? kHasScore : 0) | (score_pending ? kScorePending : 0);
  AppendFixed<uint8_t>(&out, flags);
  AppendFixed(&out, score.value_or(0.0));
  return out;
}

std::optional<EdgeAggregate> EdgeAggregate::Decode(std::string_view bytes) {
  if (bytes.size() != kEncodedSize) return std::nullopt;
  const char* p = bytes.data();
  EdgeAggregate aggregate;
  aggregate.claims = ReadFixed<int64_t>(p);
  aggregate.supporting = ReadFixed<int64_t>(p + 8);
  aggregate.refuting = ReadFixed<int64_t>(p + 16);
  aggregate.best_confidence = ReadFixed<double>(p + 24);
  aggregate.first_recorded_at = ReadFixed<uint64_t>(p + 32);
  aggregate.last_recorded_at = ReadFixed<uint64_t>(p + 40);
  const uint8_t flags = ReadFixed<uint8_t>(p + 48);
  if ((flags & ~(kHasScore | kScorePending)) != 0) return std::nullopt;
  if ((flags & kHasScore) != 0) aggregate.score = ReadFixed<double>(p + 49);
  aggregate.score_pending = (flags & kScorePending) != 0;
  return aggregate;
}

void EdgeAggregate::Apply(const EdgeAggregate& delta) {
  claims += delta.claims;
  supporting += delta.supporting;
  refuting += delta.refuting;
  best_confidence = std::max(best_confidence, delta.best_confidence);
  first_recorded_at = std::min(first_recorded_at, delta.first_recorded_at);
  last_recorded_at = std::max(last_recorded_at, delta.last_recorded_at);
  if (delta.score) {
    score = delta.score;
    score_pending = delta.score_pending;
  } else if (delta.score_pending) {
    score_pending = true;
  }
}

}  // namespace claimgraph::storage
