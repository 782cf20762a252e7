// QueryAdmission: the server-wide budget of concurrent heavy queries (traversals and provenance
// walks, each of which may hold up to its memory and answer limits). A query beyond the budget
// is refused with RESOURCE_EXHAUSTED instead of growing the server's memory, and once the heavy
// queries have stopped for a quiet period the allocator's free memory is handed back to the
// operating system (IdleTrimmer), so a burst of big answers does not leave the process at its
// peak size. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "service/idle_trimmer.h"

namespace claimgraph::service {

class QueryAdmission {
 public:
  // How long no heavy query must run before the allocator is trimmed.
  static constexpr std::chrono::milliseconds kDefaultTrimQuiet{1000};

  // `max_concurrent` 0: DefaultMaxConcurrent(per_query_bytes).
  QueryAdmission(size_t max_concurrent, uint64_t per_query_bytes,
                 IdleTrimmer::Clock::duration trim_quiet = kDefaultTrimQuiet);

  // Held for the length of one admitted query.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();

   private:
    friend class QueryAdmission;
    explicit Ticket(QueryAdmission* owner) : owner_(owner) {}
    QueryAdmission* owner_;
  };

  // RESOURCE_EXHAUSTED (naming `method` and the flag) when max_concurrent queries are running.
  absl::StatusOr<Ticket> Admit(std::string_view method);

  size_t max_concurrent() const { return max_concurrent_; }
  size_t running() const { return running_.load(); }
  uint64_t refused() const { return refused_.load(); }
  // Allocator trims made after the heavy queries went quiet.
  uint64_t trims() const { return trimmer_.trims(); }

  // A quarter of the machine's physical memory divided by what one query may hold, in [2, 64].
  static size_t DefaultMaxConcurrent(uint64_t per_query_bytes);

 private:
  void Release();

  size_t max_concurrent_;
  std::atomic<size_t> running_{0};
  std::atomic<uint64_t> refused_{0};
  IdleTrimmer trimmer_;  // after running_, which it reads
};

}  // namespace claimgraph::service
