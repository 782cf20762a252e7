// BulkLoadDisplay: the bulk load's progress line and end summary.
#include "service/bulk_load_display.h"

#include <sys/resource.h>

#include <cinttypes>
#include <cmath>
#include <filesystem>

#include "engine/strings.h"

namespace claimgraph::service {
namespace {

using Phase = exchange::LoadProgress::Phase;

std::string Rate(double per_second) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.0f", per_second);
  return text;
}

// Peak resident memory of this process, in bytes (ru_maxrss is in KiB on Linux).
uint64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) << 10;
}

}  // namespace

std::string FormatDuration(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.1f s", seconds);
  } else if (seconds < 3600) {
    int whole = static_cast<int>(seconds);
    std::snprintf(text, sizeof(text), "%dm%02ds", whole / 60, whole % 60);
  } else {
    int minutes = static_cast<int>(seconds / 60);
    std::snprintf(text, sizeof(text), "%dh%02dm", minutes / 60, minutes % 60);
  }
  return text;
}

std::string BulkLoadDisplay::Line(const exchange::LoadProgress& now) const {
  std::string line = exchange::PhaseName(now.phase);
  if (now.phase != Phase::kLoading) return StrCat(line, ": ", FormatDuration(now.phase_seconds));
  double rate = now.phase_seconds > 0 ? static_cast<double>(now.lines) / now.phase_seconds : 0;
  line = StrCat(line, ": ", now.lines, " lines, ", Rate(rate), " lines/s");
  if (now.rejected > 0) line = StrCat(line, ", ", now.rejected, " rejected");
  if (input_bytes_ > 0) {
    double fraction = std::min(1.0, static_cast<double>(now.input_bytes) / input_bytes_);
    line = StrCat(line, ", ", Rate(fraction * 100), "%");
    if (fraction > 0 && fraction < 1) {
      line =
          StrCat(line, ", ETA ", FormatDuration(now.phase_seconds / fraction - now.phase_seconds));
    }
  }
  return StrCat(line, ", ", FormatDuration(now.phase_seconds));
}

void BulkLoadDisplay::Update(const exchange::LoadProgress& now, double previous_phase_seconds) {
  const bool new_phase = now.phase != last_.phase;
  if (new_phase && line_open_) {
    // The finished phase's line, with its final time.
    exchange::LoadProgress finished = last_;
    finished.phase_seconds = previous_phase_seconds;
    phases_.emplace_back(finished.phase, previous_phase_seconds);
    if (terminal_) std::fprintf(out_, "\r\033[K%s\n", Line(finished).c_str());
    line_open_ = false;
  }
  last_ = now;
  if (now.phase == Phase::kDone) return;
  line_open_ = true;
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", Line(now).c_str());
    std::fflush(out_);
  }
}

void BulkLoadDisplay::PrintSummary(const exchange::ImportSummary& summary,
                                   const std::string& data_dir) {
  uint64_t disk_bytes = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir, error)) {
    if (entry.is_regular_file(error)) disk_bytes += entry.file_size(error);
  }
  auto kind = [&](const char* name, const exchange::KindCounts& counts) {
    std::fprintf(out_,
                 "  %-17s %10" PRIu64 " created %10" PRIu64 " updated %10" PRIu64
                 " unchanged %8" PRIu64 " rejected\n",
                 name, counts.created, counts.updated, counts.unchanged, counts.rejected);
  };
  std::fprintf(out_, "bulk-load summary:\n");
  kind("entities", summary.entities);
  kind("sources", summary.sources);
  kind("claims", summary.claims);
  kind("assessments", summary.assessments);
  kind("lifecycle_events", summary.lifecycle_events);
  kind("unreadable lines", summary.unreadable);
  double total = 0;
  std::string phases;
  for (const auto& [phase, seconds] : phases_) {
    total += seconds;
    phases = StrCat(phases, phases.empty() ? "" : ", ", exchange::PhaseName(phase), " ",
                    FormatDuration(seconds));
  }
  std::fprintf(out_, "  time %s (%s)\n", FormatDuration(total).c_str(), phases.c_str());
  const uint64_t claims = summary.claims.created + summary.claims.unchanged;
  std::fprintf(out_, "  peak RSS %" PRIu64 " MiB, %" PRIu64 " MiB on disk", PeakRssBytes() >> 20,
               disk_bytes >> 20);
  if (claims > 0) {
    std::fprintf(out_, ", %.0f bytes per claim", static_cast<double>(disk_bytes) / claims);
  }
  std::fprintf(out_, "\n");
  if (summary.stopped) {
    std::fprintf(out_, "  stopped (--strict) at line %" PRIu64 ": resume from it once fixed\n",
                 summary.stopped_at_line);
  }
}

}  // namespace claimgraph::service
