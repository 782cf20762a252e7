// StreamRateLimiter: the token bucket behind --max-stream-records-per-second.
#include "service/stream_rate_limiter.h"

#include <algorithm>

#include "engine/strings.h"

namespace claimgraph::service {

StreamRateLimiter::StreamRateLimiter(uint64_t per_second, Clock clock)
    : per_second_(per_second),
      clock_(std::move(clock)),
      tokens_(static_cast<double>(per_second)),
      refilled_at_(Now()) {}

std::chrono::steady_clock::time_point StreamRateLimiter::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

absl::Status StreamRateLimiter::Take(uint64_t count) {
  if (per_second_ == 0) return absl::OkStatus();
  if (!exceeded_) {
    auto now = Now();
    double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
    refilled_at_ = now;
    // The bucket holds one second's worth: idling does not bank a larger burst.
    tokens_ = std::min(static_cast<double>(per_second_),
                       tokens_ + std::max(0.0, elapsed) * static_cast<double>(per_second_));
    if (static_cast<double>(count) <= tokens_) {
      tokens_ -= static_cast<double>(count);
      return absl::OkStatus();
    }
    exceeded_ = true;
  }
  return absl::ResourceExhaustedError(
      StrCat("stream: more than ", per_second_,
             " records per second (the server's --max-stream-records-per-second)"));
}

}  // namespace claimgraph::service
