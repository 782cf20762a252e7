// BulkLoadDisplay: what `claimgraphd bulk-load` shows while it runs and when it ends. On a
// terminal, one line redrawn in place per phase (records, rate, share of the input and ETA while
// loading; elapsed time in the later phases); elsewhere nothing until the end. The end summary
// (always, on stderr): records per kind, rejections, each phase's time, peak RSS and the bytes
// on disk per claim.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/exchange/importer.h"
#include "engine/exchange/offline_loader.h"

namespace claimgraph::service {

class BulkLoadDisplay {
 public:
  // `input_bytes`: the input file's size (0: unknown, e.g. stdin: no share or ETA).
  BulkLoadDisplay(std::FILE* out, bool terminal, uint64_t input_bytes)
      : out_(out), terminal_(terminal), input_bytes_(input_bytes) {}

  // OfflineLoadOptions::progress.
  void Update(const exchange::LoadProgress& now, double previous_phase_seconds);
  // The end summary, once the load into `data_dir` is done.
  void PrintSummary(const exchange::ImportSummary& summary, const std::string& data_dir);

  // The progress line for `now` (no terminal control characters): tested.
  std::string Line(const exchange::LoadProgress& now) const;

 private:
  std::FILE* out_;
  const bool terminal_;
  const uint64_t input_bytes_;
  bool line_open_ = false;
  // Each finished phase and its seconds, for the summary.
  std::vector<std::pair<exchange::LoadProgress::Phase, double>> phases_;
  exchange::LoadProgress last_;
};

// "1h02m", "3m07s", "12.3 s".
std::string FormatDuration(double seconds);

}  // namespace claimgraph::service
