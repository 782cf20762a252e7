// Tests of QueryAdmission: the budget, its refusals, its default and the idle trim.
#include "service/query_admission.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <thread>

namespace claimgraph::service {

TEST_CASE("QueryAdmission admits up to its budget, refuses beyond it, and admits again after") {
  QueryAdmission admission(2, 1);
  CHECK(admission.max_concurrent() == 2);
  std::optional<QueryAdmission::Ticket> first(admission.Admit("A/B").value());
  auto second = admission.Admit("A/B");
  REQUIRE(second.ok());
  CHECK(admission.running() == 2);
  auto third = admission.Admit("A/B");
  REQUIRE(!third.ok());
  CHECK(third.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(third.status().message().find("--max-heavy-queries") != std::string::npos);
  CHECK(admission.refused() == 1);
  first.reset();
  CHECK(admission.running() == 1);
  CHECK(admission.Admit("A/B").ok());
}

TEST_CASE("QueryAdmission's default budget comes from the machine's memory, within [2, 64]") {
  CHECK(QueryAdmission(0, 1).max_concurrent() == 64);
  CHECK(QueryAdmission(0, uint64_t{1} << 60).max_concurrent() == 2);
  CHECK(QueryAdmission::DefaultMaxConcurrent(0) == 2);
}

// Waits (bounded) until `admission` has made `count` trims.
bool WaitForTrims(const QueryAdmission& admission, uint64_t count) {
  for (int i = 0; i < 10'000 && admission.trims() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return admission.trims() >= count;
}

TEST_CASE(
    "QueryAdmission trims the allocator once after the heavy queries go quiet, never during one") {
  QueryAdmission admission(4, 1, std::chrono::milliseconds(5));
  CHECK(admission.trims() == 0);
  {
    auto first = admission.Admit("A/B");
    REQUIRE(first.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(admission.trims() == 0);  // never while a query runs
    {
      auto second = admission.Admit("A/B");
      REQUIRE(second.ok());
    }
    // The second ending left the first running: still nothing.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(admission.trims() == 0);
  }
  CHECK(WaitForTrims(admission, 1));
  // Nothing ran since: no further trim.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(admission.trims() == 1);
  { auto again = admission.Admit("A/B"); }
  CHECK(WaitForTrims(admission, 2));
}

}  // namespace claimgraph::service
