// Tests of QueryAdmission: the budget, its refusals and its default.
#include "service/query_admission.h"

#include <doctest/doctest.h>

#include <optional>

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

}  // namespace claimgraph::service
