// ImportStream: the server's side of one Import / ImportWithProgress stream. It checks the first
// message's options, numbers every record by its file line, parses raw NDJSON lines (invalid
// UTF-8 included) into records or rejections, and decides at the end whether the stream was read
// whole: a stream is complete only when its last message carried `end`, because gRPC ends a
// stream at a message it cannot parse exactly as at the client's half-close.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/status.h"
#include "claimgraph/v1/import_export_service.pb.h"
#include "engine/exchange/importer.h"
#include "service/rpc_runtime.h"
#include "service/service_context.h"
#include "service/stream_rate_limiter.h"

namespace claimgraph::service {

class ImportStream {
 public:
  ImportStream(const ServiceContext& context, const CallInfo& call);

  // Called after every applied batch with the summary so far (before the first Add: never).
  void set_progress(std::function<void(const exchange::ImportSummary&)> progress) {
    progress_ = std::move(progress);
  }

  // Applies one message of the stream. An error ends the stream (the batches applied before it
  // stay committed, and the error says where to resume).
  absl::Status Add(v1::ImportRequest* request);
  // Called when the stream has no more messages: applies the last batch and checks that the
  // stream was read to its end. `cancelled`: the client went away.
  absl::Status Finish(bool cancelled);

  const exchange::ImportSummary& summary() const { return importer_->summary(); }
  // Lines (or parsed records) read from the stream, blank lines included.
  uint64_t lines_read() const { return lines_read_; }

 private:
  absl::Status Start(const v1::ImportRequest& first);
  absl::Status AddLine(std::string_view text);
  // "lines before L are applied (R of them rejected): resume from line L", after a cut stream.
  std::string ResumeHint() const;
  // Applies what arrived before the current message and refuses the stream there:
  // RESOURCE_EXHAUSTED with `why` and the resume hint.
  absl::Status StopBefore(std::string_view why);

  const ServiceContext& context_;
  const CallInfo& call_;
  std::optional<exchange::Importer> importer_;
  std::function<void(const exchange::ImportSummary&)> progress_;
  StreamRateLimiter rate_limiter_;
  uint64_t resume_from_ = 0;
  uint64_t first_line_ = 1;
  uint64_t lines_read_ = 0;
  // Records and lines counted against --max-stream-records (those skipped by resume_from are not).
  uint64_t records_counted_ = 0;
  std::optional<int64_t> records_sent_;  // set by the message carrying `end`
  bool interrupted_ = false;             // the client stopped before the end of its input
};

// The summary as protobuf (also used by claimgraphd bulk-load's output). With `rejections_from`
// only the rejections from that position on are copied (ImportWithProgress sends each once).
// The import options of a request; InvalidArgument (RESOURCE_EXHAUSTED for too large a batch)
// names the field.
absl::StatusOr<exchange::ImportOptions> ImportOptionsFromProto(const v1::ImportOptions& given);

void ToProto(const exchange::ImportSummary& summary, v1::ImportSummary* out,
             size_t rejections_from = 0);

}  // namespace claimgraph::service
