// StreamRateLimiter: bounds how many items (import records) one client stream may send per
// second. A token bucket holding one second's worth: a stream may burst up to the rate, then
// must average at most the rate; a stream that goes faster is ended with RESOURCE_EXHAUSTED
// rather than buffered, so that one fast client cannot monopolise the single write path.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace claimgraph::service {

class StreamRateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `per_second` 0: unlimited. `clock` empty: the steady clock (tests inject one).
  explicit StreamRateLimiter(uint64_t per_second, Clock clock = {});

  // Takes `count` items; RESOURCE_EXHAUSTED (naming the limit) when the stream has exceeded it.
  // Once exceeded, stays exceeded: the caller ends the stream.
  absl::Status Take(uint64_t count);

  bool unlimited() const { return per_second_ == 0; }

 private:
  std::chrono::steady_clock::time_point Now() const;

  uint64_t per_second_;
  Clock clock_;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_at_;
  bool exceeded_ = false;
};

}  // namespace claimgraph::service
