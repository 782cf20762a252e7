// BulkLoadDisplay: the progress line of each phase (share and ETA only with a known input
// size), the durations it prints, and the summary's phase times.
#include "service/bulk_load_display.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

namespace claimgraph::service {
namespace {

using exchange::LoadProgress;

TEST_CASE("the bulk-load progress line shows rate, share and ETA while loading") {
  LoadProgress now;
  now.phase = LoadProgress::Phase::kLoading;
  now.lines = 500;
  now.input_bytes = 250;
  now.rejected = 2;
  now.phase_seconds = 10;
  BulkLoadDisplay sized(stdout, false, 1000);
  CHECK(sized.Line(now) == "loading: 500 lines, 50 lines/s, 2 rejected, 25%, ETA 30.0 s, 10.0 s");
  BulkLoadDisplay unsized(stdout, false, 0);
  now.rejected = 0;
  CHECK(unsized.Line(now) == "loading: 500 lines, 50 lines/s, 10.0 s");
  now.phase = LoadProgress::Phase::kScoring;
  now.phase_seconds = 125;
  CHECK(unsized.Line(now) == "scoring: 2m05s");
}

TEST_CASE("durations read as seconds, minutes or hours") {
  CHECK(FormatDuration(0.04) == "0.0 s");
  CHECK(FormatDuration(59.94) == "59.9 s");
  CHECK(FormatDuration(61) == "1m01s");
  CHECK(FormatDuration(3725) == "1h02m");
}

TEST_CASE("the bulk-load summary gives each phase's time and the memory used") {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  REQUIRE(out != nullptr);
  {
    BulkLoadDisplay display(out, false, 0);
    LoadProgress now;
    display.Update(now, 0);  // loading begins
    now.phase = LoadProgress::Phase::kCompacting;
    display.Update(now, 70);
    now.phase = LoadProgress::Phase::kDone;
    display.Update(now, 5);
    exchange::ImportSummary summary;
    summary.claims.created = 10;
    display.PrintSummary(summary, "/nonexistent");
  }
  std::fclose(out);
  std::string printed(text, size);
  std::free(text);
  CHECK(printed.find("time 1m15s (loading 1m10s, compacting 5.0 s)") != std::string::npos);
  CHECK(printed.find("claims") != std::string::npos);
  CHECK(printed.find("peak RSS") != std::string::npos);
  // Nothing of the progress line off a terminal.
  CHECK(printed.find('\r') == std::string::npos);
}

}  // namespace
}  // namespace claimgraph::service
