// AnswerBudget: records are taken while they fit, the first one always.
#include "engine/answer_budget.h"

#include <doctest/doctest.h>

namespace claimgraph {
namespace {

TEST_CASE("an answer budget takes the first record always and then only what fits") {
  AnswerBudget budget(100, 30);
  CHECK(budget.Take(90));  // the first, although 30 + 90 > 100
  CHECK_FALSE(budget.Take(1));
  AnswerBudget fresh(100);
  CHECK(fresh.Take(60));
  CHECK(fresh.Take(40));  // exactly at the limit
  CHECK_FALSE(fresh.Take(1));
  CHECK_FALSE(fresh.Take(50));  // a record that did not fit was not counted: still full
}

}  // namespace
}  // namespace claimgraph
