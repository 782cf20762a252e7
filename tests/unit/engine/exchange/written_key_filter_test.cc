// WrittenKeyFilter: no false negatives across its growing segments, and few false positives.
#include "engine/exchange/written_key_filter.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

TEST_CASE("a written-key filter never forgets a key and rarely invents one") {
  WrittenKeyFilter filter;
  CHECK_FALSE(filter.MayContain("anything"));
  // Past the first segment's million keys, so lookups cross two segments.
  constexpr int kWritten = 1'500'000;
  for (int i = 0; i < kWritten; ++i) filter.Add(StrCat("written-", i));
  CHECK(filter.keys() == kWritten);
  int missing = 0;
  for (int i = 0; i < kWritten; ++i) missing += filter.MayContain(StrCat("written-", i)) ? 0 : 1;
  CHECK(missing == 0);
  constexpr int kAbsent = 200'000;
  int false_positives = 0;
  for (int i = 0; i < kAbsent; ++i) false_positives += filter.MayContain(StrCat("absent-", i));
  // ~1% per segment at 10 bits per key; two segments.
  CHECK(false_positives < kAbsent / 25);
  CHECK(false_positives > 0);  // a filter that answers "no" to everything would fail above
  // Two segments: 1M keys and 2M keys at 10 bits each.
  CHECK(filter.memory_bytes() == (size_t{1} << 20) * 10 / 8 + (size_t{2} << 20) * 10 / 8);
}

}  // namespace
}  // namespace claimgraph::exchange
