// Importer: applies a stream of import records to a Database in batches (one atomic WriteBatch
// each, Database::ApplyRecords), counting outcomes per record kind and keeping the rejected
// records with their index, file line and reason. Memory is bounded by one batch plus the bounded list of
// reported rejections, however long the stream.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/database.h"
#include "engine/exchange/ndjson.h"

namespace claimgraph::exchange {

struct ImportOptions {
  ImportMode mode = ImportMode::kLenient;
  // Records per atomic batch: larger batches amortise the synced commit, smaller ones lose less
  // work and hold less memory.
  size_t batch_size = 1000;
  // Records with a lower index are skipped (not read into batches): where an earlier strict run
  // said to resume.
  uint64_t resume_from = 0;
  // Rejections kept with their reason in the summary; all are counted.
  size_t max_reported_rejections = 1000;
};
inline constexpr size_t kMaxImportBatchSize = 100000;

struct KindCounts {
  uint64_t created = 0;
  uint64_t updated = 0;    // entities and sources: a new version
  uint64_t unchanged = 0;  // already present with identical content
  uint64_t rejected = 0;
};

struct Rejection {
  uint64_t index = 0;  // 0-based record index in the stream
  uint64_t line = 0;   // 1-based line of the file (or position in the stream) it came from
  absl::Status error;  // message starts with the field path (or "line N: " for unreadable lines)
};

struct ImportSummary {
  KindCounts entities, sources, claims, assessments, lifecycle_events;
  // Lines that were not records at all (malformed JSON, unknown field, too long, empty record).
  KindCounts unreadable;
  uint64_t records_seen = 0;     // including skipped ones
  uint64_t records_skipped = 0;  // below resume_from
  uint64_t rejected_total = 0;
  std::vector<Rejection> rejections;  // the first max_reported_rejections, by index
  // Strict mode stopped at the record at `stopped_at` (on line `stopped_at_line`): records
  // before it are committed; fix it and resume from it (or from the line after it to skip it).
  bool stopped = false;
  uint64_t stopped_at = 0;
  uint64_t stopped_at_line = 0;
  // Index and line of the first record not applied: where a later run resumes. After Finish of
  // a stream that was not stopped, next_line is the line after the last one read.
  uint64_t next_index = 0;
  uint64_t next_line = 1;
};

// Single-threaded. The Database must outlive the Importer.
class Importer {
 public:
  // Checks the options (InvalidArgument naming the field).
  static absl::StatusOr<Importer> Create(Database* database, const ImportOptions& options,
                                         const WriteContext& context);

  // Adds the record with the next index, read from `line` (1-based, increasing: the file line,
  // or the position in the stream when there is no file). Fails only on storage errors (nothing
  // of the failing batch is written); a rejected record is reported in the summary. After strict
  // mode stops, further records are ignored (stopped() tells).
  absl::Status Add(v1::ImportRecord record, uint64_t line);
  // Adds a record that could not be read (its index is the next one): rejected like a bad record.
  absl::Status AddUnreadable(absl::Status error, uint64_t line);
  // Adds one line read by an NdjsonReader: its record, or its error as an unreadable record.
  absl::Status AddLine(NdjsonLine* line);
  // Applies the last partial batch. Call once at the end of the stream, with the line after the
  // last one read (blank lines included): where a later run would go on.
  absl::Status Finish(uint64_t end_line);

  bool stopped() const { return summary_.stopped; }
  // Index the next Add gets.
  uint64_t next_index() const { return next_index_; }
  const ImportSummary& summary() const { return summary_; }

  // Called after every applied batch (progress reports).
  void set_progress(std::function<void(const ImportSummary&)> progress) {
    progress_ = std::move(progress);
  }

 private:
  Importer(Database* database, const ImportOptions& options, const WriteContext& context);
  absl::Status ApplyBatch();
  void Reject(uint64_t index, uint64_t line, absl::Status error, KindCounts* counts);
  bool Skipping();

  Database* database_;
  ImportOptions options_;
  WriteContext context_;
  std::vector<v1::ImportRecord> batch_;
  std::vector<uint64_t> batch_lines_;
  uint64_t batch_first_index_ = 0;
  uint64_t next_index_ = 0;
  ImportSummary summary_;
  std::function<void(const ImportSummary&)> progress_;
};

// Reads NDJSON from `input` and imports it. Lines below options.resume_from are counted but not
// parsed. Fails only on storage or stream errors; bad lines are reported in the summary.
absl::StatusOr<ImportSummary> ImportNdjson(Database* database, std::istream* input,
                                           const ImportOptions& options,
                                           const WriteContext& context,
                                           std::function<void(const ImportSummary&)> progress = {});

}  // namespace claimgraph::exchange
