// IdleTrimmer: one background thread that trims after a quiet period.
#include "service/idle_trimmer.h"

#include <malloc.h>

namespace claimgraph::service {

IdleTrimmer::IdleTrimmer(const std::atomic<size_t>& running, Clock::duration quiet)
    : running_(running), quiet_(quiet), thread_([this] { Loop(); }) {}

IdleTrimmer::~IdleTrimmer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void IdleTrimmer::NotifyIdle() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
    idle_since_ = Clock::now();
  }
  wake_.notify_all();
}

void IdleTrimmer::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait(lock, [this] { return stop_ || pending_; });
    if (stop_) break;
    // A later NotifyIdle moves the deadline: wait again until one quiet period has passed.
    Clock::time_point deadline = idle_since_ + quiet_;
    if (Clock::now() < deadline) {
      wake_.wait_until(lock, deadline, [this] { return stop_; });
      continue;
    }
    pending_ = false;
    // A query running now will call NotifyIdle when it ends (after this check, under the mutex).
    if (running_.load() != 0) continue;
    lock.unlock();
    malloc_trim(0);
    trims_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace claimgraph::service
