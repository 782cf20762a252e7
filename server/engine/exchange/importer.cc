// Importer: batching, outcome counts and rejection reports over Database::ApplyRecords.
#include "engine/exchange/importer.h"

#include <algorithm>
#include <utility>

#include "engine/exchange/ndjson.h"
#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

KindCounts* CountsOf(ImportSummary* summary, v1::ImportRecord::RecordCase kind) {
  switch (kind) {
    case v1::ImportRecord::kEntity:
      return &summary->entities;
    case v1::ImportRecord::kSource:
      return &summary->sources;
    case v1::ImportRecord::kClaim:
      return &summary->claims;
    case v1::ImportRecord::kAssessment:
      return &summary->assessments;
    case v1::ImportRecord::kLifecycleEvent:
      return &summary->lifecycle_events;
    case v1::ImportRecord::RECORD_NOT_SET:
      break;
  }
  return &summary->unreadable;
}

}  // namespace

absl::StatusOr<Importer> Importer::Create(Database* database, const ImportOptions& options,
                                          const WriteContext& context) {
  if (database == nullptr) return absl::InvalidArgumentError("database: is required");
  if (options.batch_size == 0 || options.batch_size > kMaxImportBatchSize) {
    return absl::InvalidArgumentError(
        StrCat("batch_size: must be in [1, ", kMaxImportBatchSize, "]"));
  }
  return Importer(database, options, context);
}

Importer::Importer(Database* database, const ImportOptions& options, const WriteContext& context)
    : database_(database), options_(options), context_(context) {
  summary_.next_index = options.resume_from;
}

bool Importer::Skipping() {
  if (next_index_ >= options_.resume_from) return false;
  ++next_index_;
  ++summary_.records_seen;
  ++summary_.records_skipped;
  return true;
}

void Importer::Reject(uint64_t index, uint64_t line, absl::Status error, KindCounts* counts) {
  ++counts->rejected;
  ++summary_.rejected_total;
  if (summary_.rejections.size() < options_.max_reported_rejections) {
    summary_.rejections.push_back({index, line, std::move(error)});
  }
  if (options_.mode == ImportMode::kStrict) {
    summary_.stopped = true;
    summary_.stopped_at = index;
    summary_.stopped_at_line = line;
  }
}

absl::Status Importer::Add(v1::ImportRecord record, uint64_t line) {
  if (summary_.stopped || Skipping()) return absl::OkStatus();
  if (batch_.empty()) batch_first_index_ = next_index_;
  ++next_index_;
  ++summary_.records_seen;
  batch_.push_back(std::move(record));
  batch_lines_.push_back(line);
  if (batch_.size() >= options_.batch_size) return ApplyBatch();
  return absl::OkStatus();
}

absl::Status Importer::AddUnreadable(absl::Status error, uint64_t line) {
  if (summary_.stopped || Skipping()) return absl::OkStatus();
  // Apply what came before, so rejections are reported in index order and, in strict mode,
  // everything before the bad line is committed.
  CG_RETURN_IF_ERROR(ApplyBatch());
  // A strict import may have stopped inside that batch: this line is then never reached.
  if (summary_.stopped) return absl::OkStatus();
  uint64_t index = next_index_++;
  ++summary_.records_seen;
  Reject(index, line, std::move(error), &summary_.unreadable);
  if (!summary_.stopped) {
    summary_.next_index = next_index_;
    summary_.next_line = line + 1;
  }
  return absl::OkStatus();
}

absl::Status Importer::AddLine(NdjsonLine* line) {
  if (!line->status.ok()) return AddUnreadable(std::move(line->status), line->line_number);
  return Add(std::move(line->record), line->line_number);
}

absl::Status Importer::ApplyBatch() {
  if (batch_.empty() || summary_.stopped) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto results, database_->ApplyRecords(batch_, options_.mode, context_));
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& result = results[i];
    KindCounts* counts = CountsOf(&summary_, batch_[i].record_case());
    if (!result.outcome) {
      Reject(batch_first_index_ + i, batch_lines_[i], result.error, counts);
      continue;
    }
    switch (*result.outcome) {
      case WriteOutcome::kCreated:
        ++counts->created;
        break;
      case WriteOutcome::kUpdated:
        ++counts->updated;
        break;
      case WriteOutcome::kUnchanged:
        ++counts->unchanged;
        break;
    }
  }
  if (summary_.stopped) {
    summary_.next_index = summary_.stopped_at;
    summary_.next_line = summary_.stopped_at_line;
  } else {
    summary_.next_index = batch_first_index_ + batch_.size();
    summary_.next_line = batch_lines_.back() + 1;
  }
  batch_.clear();
  batch_lines_.clear();
  if (progress_) progress_(summary_);
  return absl::OkStatus();
}

absl::Status Importer::Finish(uint64_t end_line) {
  CG_RETURN_IF_ERROR(ApplyBatch());
  if (!summary_.stopped) summary_.next_line = std::max(summary_.next_line, end_line);
  return absl::OkStatus();
}

absl::StatusOr<ImportSummary> ImportNdjson(Database* database, std::istream* input,
                                           const ImportOptions& options,
                                           const WriteContext& context,
                                           std::function<void(const ImportSummary&)> progress) {
  CG_ASSIGN_OR_RETURN(auto importer, Importer::Create(database, options, context));
  importer.set_progress(std::move(progress));
  NdjsonReader reader(input);
  NdjsonLine line;
  while (!importer.stopped()) {
    bool parse = importer.next_index() >= options.resume_from;
    CG_ASSIGN_OR_RETURN(bool more, reader.Next(&line, parse));
    if (!more) break;
    CG_RETURN_IF_ERROR(importer.AddLine(&line));
  }
  CG_RETURN_IF_ERROR(importer.Finish(reader.lines_read() + 1));
  return importer.summary();
}

}  // namespace claimgraph::exchange
