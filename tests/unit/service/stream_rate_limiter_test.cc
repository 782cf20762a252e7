// Tests of StreamRateLimiter with an injected clock.
#include "service/stream_rate_limiter.h"

#include <doctest/doctest.h>

namespace claimgraph::service {
namespace {

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  void Advance(std::chrono::milliseconds by) { now += by; }
};

TEST_CASE("StreamRateLimiter: zero means unlimited") {
  StreamRateLimiter limiter(0);
  CHECK(limiter.unlimited());
  CHECK(limiter.Take(1'000'000'000).ok());
}

TEST_CASE("StreamRateLimiter: a burst of one second's worth passes, one more fails") {
  FakeClock clock;
  StreamRateLimiter limiter(100, [&] { return clock.now; });
  CHECK(limiter.Take(60).ok());
  CHECK(limiter.Take(40).ok());
  auto status = limiter.Take(1);
  CHECK(status.code() == absl::StatusCode::kResourceExhausted);
  CHECK(std::string(status.message()).find("100 records per second") != std::string::npos);
}

TEST_CASE("StreamRateLimiter: a stream at the rate is never refused") {
  FakeClock clock;
  StreamRateLimiter limiter(100, [&] { return clock.now; });
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(limiter.Take(10).ok());
    clock.Advance(std::chrono::milliseconds(100));
  }
}

TEST_CASE("StreamRateLimiter: idling does not bank more than one second") {
  FakeClock clock;
  StreamRateLimiter limiter(100, [&] { return clock.now; });
  clock.Advance(std::chrono::seconds(60));
  CHECK(limiter.Take(100).ok());
  CHECK_FALSE(limiter.Take(1).ok());
}

TEST_CASE("StreamRateLimiter: once exceeded the stream stays refused") {
  FakeClock clock;
  StreamRateLimiter limiter(10, [&] { return clock.now; });
  CHECK_FALSE(limiter.Take(11).ok());
  clock.Advance(std::chrono::seconds(5));
  CHECK_FALSE(limiter.Take(1).ok());
}

TEST_CASE("StreamRateLimiter: a single message larger than the rate is refused") {
  FakeClock clock;
  StreamRateLimiter limiter(50, [&] { return clock.now; });
  CHECK(limiter.Take(51).code() == absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace claimgraph::service
