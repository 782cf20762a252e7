// NDJSON import files: one claimgraph.v1.ImportRecord per line in protobuf's JSON mapping. The
// reader bounds line length and reports every bad line by number with the parser's reason (which
// names the field); the writer emits records deterministically (map keys sorted), so two
// exports of one state are byte-identical.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"

namespace claimgraph::exchange {

struct NdjsonReaderOptions {
  // Longest line accepted: a source with its full text (limits.h: 4 MiB) plus JSON escaping.
  size_t max_line_bytes = 16u << 20;
};

// One non-blank line of the input.
struct NdjsonLine {
  uint64_t index = 0;        // 0-based among non-blank lines: the record index imports report
  uint64_t line_number = 0;  // 1-based line in the file
  absl::Status status;       // why the line is not a record (then `record` is empty)
  v1::ImportRecord record;
};

// Reads records from a stream. Single-threaded; the stream must outlive the reader.
class NdjsonReader {
 public:
  explicit NdjsonReader(std::istream* input, NdjsonReaderOptions options = {});

  // Reads the next non-blank line into `line`. Returns false at the end of the input. A line that
  // is too long (RESOURCE_EXHAUSTED) or not a valid record (INVALID_ARGUMENT, "line N: ...") is
  // returned with line->status set; only a failing stream makes the call itself fail.
  // With `parse` false the line is counted but not parsed (skipping to a resume point).
  absl::StatusOr<bool> Next(NdjsonLine* line, bool parse = true);

  uint64_t bytes_read() const { return bytes_read_; }
  // Lines read so far, blank ones included.
  uint64_t lines_read() const { return line_number_; }

 private:
  // Reads one line (without its '\n') into line_; false at the end of input.
  bool ReadLine(bool* too_long);
  bool Refill();

  std::istream* input_;
  NdjsonReaderOptions options_;
  std::string buffer_;
  size_t position_ = 0;
  std::string line_;
  uint64_t line_number_ = 0;
  uint64_t next_index_ = 0;
  uint64_t bytes_read_ = 0;
};

// True for a line of only spaces, tabs and carriage returns: not a record.
bool IsBlankLine(std::string_view line);
// Parses one non-blank line of a file: invalid UTF-8 and every parse error are INVALID_ARGUMENT
// "line N: ..." (the parser's message names the field).
absl::StatusOr<v1::ImportRecord> ParseRecordLine(std::string_view text, uint64_t line_number);

// Parses one JSON record (no trailing newline needed). Errors name the field. Good records take
// a fast reflection-based path; anything it does not take goes through protobuf's converter,
// whose error messages are reported.
absl::StatusOr<v1::ImportRecord> ParseRecordJson(std::string_view json);
// The same through protobuf's converter only: the reference the fast path is tested against.
absl::StatusOr<v1::ImportRecord> ParseRecordJsonByConverter(std::string_view json);
// The record as one line of JSON with proto field names, map keys sorted, and no newline.
// Written by reflection (protobuf's converter rebuilds its type tables on every call and is ten
// times slower); the output is what protobuf's printer gives for the same record.
absl::StatusOr<std::string> RecordToJsonLine(const v1::ImportRecord& record);
// The same through protobuf's JSON converter: the reference the fast printer is tested against.
absl::StatusOr<std::string> RecordToJsonLineByConverter(const v1::ImportRecord& record);

}  // namespace claimgraph::exchange
