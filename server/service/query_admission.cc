// QueryAdmission: a counting budget; the trimmer is told when the last query leaves.
#include "service/query_admission.h"

#include <unistd.h>

#include <algorithm>

#include "engine/strings.h"

namespace claimgraph::service {

QueryAdmission::QueryAdmission(size_t max_concurrent, uint64_t per_query_bytes,
                               IdleTrimmer::Clock::duration trim_quiet)
    : max_concurrent_(max_concurrent != 0 ? max_concurrent : DefaultMaxConcurrent(per_query_bytes)),
      trimmer_(running_, trim_quiet) {}

size_t QueryAdmission::DefaultMaxConcurrent(uint64_t per_query_bytes) {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0 || per_query_bytes == 0) return 2;
  uint64_t quarter = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 4;
  return static_cast<size_t>(std::clamp<uint64_t>(quarter / per_query_bytes, 2, 64));
}

absl::StatusOr<QueryAdmission::Ticket> QueryAdmission::Admit(std::string_view method) {
  size_t current = running_.load();
  do {
    if (current >= max_concurrent_) {
      refused_.fetch_add(1);
      return absl::ResourceExhaustedError(
          StrCat(method, ": the server is running its limit of ", max_concurrent_,
                 " heavy queries (--max-heavy-queries); retry later"));
    }
  } while (!running_.compare_exchange_weak(current, current + 1));
  return Ticket(this);
}

void QueryAdmission::Release() {
  if (running_.fetch_sub(1) == 1) trimmer_.NotifyIdle();
}

QueryAdmission::Ticket::~Ticket() {
  if (owner_ != nullptr) owner_->Release();
}

}  // namespace claimgraph::service
