// IdleTrimmer: hands the allocator's free memory back to the operating system once the server
// has run no heavy query for a quiet period, so a burst of big answers does not leave the
// process at its peak size. The trim runs on its own thread, once per quiet period: glibc's
// malloc_trim and mallinfo walk every free chunk of every arena, a cost that grows with the
// heap, and made on a query's own thread after every query it dominated the query's CPU.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace claimgraph::service {

class IdleTrimmer {
 public:
  using Clock = std::chrono::steady_clock;

  // `running`: the number of heavy queries running now (owned by the caller, outlives this).
  IdleTrimmer(const std::atomic<size_t>& running, Clock::duration quiet);
  IdleTrimmer(const IdleTrimmer&) = delete;
  IdleTrimmer& operator=(const IdleTrimmer&) = delete;
  ~IdleTrimmer();

  // The last running heavy query ended: trim after `quiet` unless another one runs then.
  void NotifyIdle();
  // Trims made so far.
  uint64_t trims() const { return trims_.load(); }

 private:
  void Loop();

  const std::atomic<size_t>& running_;
  const Clock::duration quiet_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;  // an idle moment not yet trimmed
  bool stop_ = false;
  Clock::time_point idle_since_;
  std::atomic<uint64_t> trims_{0};
  std::thread thread_;  // last: starts after every member above is initialised
};

}  // namespace claimgraph::service
