// ImportStream: option checks, line numbering, line parsing and the end-of-stream check.
#include "service/import_stream.h"

#include "engine/exchange/ndjson.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::service {
namespace {

void CountsToProto(const exchange::KindCounts& counts, v1::ImportKindCounts* out) {
  out->set_created(static_cast<int64_t>(counts.created));
  out->set_updated(static_cast<int64_t>(counts.updated));
  out->set_unchanged(static_cast<int64_t>(counts.unchanged));
  out->set_rejected(static_cast<int64_t>(counts.rejected));
}


}  // namespace

void ToProto(const exchange::ImportSummary& summary, v1::ImportSummary* out,
             size_t rejections_from) {
  CountsToProto(summary.entities, out->mutable_entities());
  CountsToProto(summary.sources, out->mutable_sources());
  CountsToProto(summary.claims, out->mutable_claims());
  CountsToProto(summary.assessments, out->mutable_assessments());
  CountsToProto(summary.lifecycle_events, out->mutable_lifecycle_events());
  CountsToProto(summary.unreadable, out->mutable_unreadable());
  out->set_records_seen(static_cast<int64_t>(summary.records_seen));
  out->set_records_skipped(static_cast<int64_t>(summary.records_skipped));
  out->set_rejected_total(static_cast<int64_t>(summary.rejected_total));
  for (size_t i = rejections_from; i < summary.rejections.size(); ++i) {
    const auto& rejection = summary.rejections[i];
    auto* item = out->add_rejections();
    item->set_index(static_cast<int64_t>(rejection.index));
    item->set_line(static_cast<int64_t>(rejection.line));
    item->set_code(absl::StatusCodeToString(rejection.error.code()));
    item->set_message(std::string(rejection.error.message()));
  }
  out->set_stopped(summary.stopped);
  out->set_stopped_at(static_cast<int64_t>(summary.stopped_at));
  out->set_stopped_at_line(static_cast<int64_t>(summary.stopped_at_line));
  out->set_next_index(static_cast<int64_t>(summary.next_index));
  out->set_next_line(static_cast<int64_t>(summary.next_line));
}

ImportStream::ImportStream(const ServiceContext& context, const CallInfo& call)
    : context_(context), call_(call), rate_limiter_(context.max_stream_records_per_second) {}

absl::StatusOr<exchange::ImportOptions> ImportOptionsFromProto(const v1::ImportOptions& given) {
  exchange::ImportOptions options;
  // The records' own enums are checked with each record (a rejected record, not a broken stream).
  CG_RETURN_IF_ERROR(validation::CheckEnums(given, "options"));
  options.mode =
      given.mode() == v1::IMPORT_MODE_STRICT ? ImportMode::kStrict : ImportMode::kLenient;
  if (given.batch_size() < 0)
    return absl::InvalidArgumentError("options.batch_size: must not be negative");
  if (given.batch_size() > static_cast<int32_t>(exchange::kMaxImportBatchSize)) {
    return absl::ResourceExhaustedError(
        StrCat("options.batch_size: at most ", exchange::kMaxImportBatchSize));
  }
  if (given.batch_size() > 0) options.batch_size = static_cast<size_t>(given.batch_size());
  if (given.resume_from() < 0)
    return absl::InvalidArgumentError("options.resume_from: must not be negative");
  options.resume_from = static_cast<uint64_t>(given.resume_from());
  return options;
}

absl::Status ImportStream::Start(const v1::ImportRequest& first) {
  CG_ASSIGN_OR_RETURN(auto options, ImportOptionsFromProto(first.options()));
  if (first.first_line() < 0) return absl::InvalidArgumentError("first_line: must not be negative");
  resume_from_ = options.resume_from;
  first_line_ = first.first_line() == 0 ? 1 : static_cast<uint64_t>(first.first_line());
  CG_ASSIGN_OR_RETURN(auto created,
                      exchange::Importer::Create(context_.database, options, WriterOf(call_)));
  importer_.emplace(std::move(created));
  importer_->set_progress([this](const exchange::ImportSummary& summary) {
    if (progress_) progress_(summary);
  });
  return absl::OkStatus();
}

absl::Status ImportStream::Add(v1::ImportRequest* request) {
  if (records_sent_) {
    return absl::InvalidArgumentError("end: set on a message that was not the stream's last");
  }
  if (!importer_) CG_RETURN_IF_ERROR(Start(*request));
  int kinds = (request->records_size() > 0) + (request->json_lines_size() > 0) +
              (request->ndjson_lines_size() > 0);
  if (kinds > 1) {
    return absl::InvalidArgumentError(
        "records, json_lines, ndjson_lines: a message carries one of the three");
  }
  // Records below resume_from are skipped unread, so they do not count against the rate.
  const uint64_t first = importer_->next_index();
  const uint64_t end =
      first + static_cast<uint64_t>(request->records_size() + request->json_lines_size() +
                                    request->ndjson_lines_size());
  const uint64_t applied_from = std::max<uint64_t>(first, resume_from_);
  const uint64_t counted = end > applied_from ? end - applied_from : 0;
  const uint64_t max_records = context_.max_stream_records;
  if (max_records != 0 && records_counted_ + counted > max_records) {
    return StopBefore(StrCat("stream: more than ", max_records,
                             " records or lines in one stream (the server's --max-stream-records); "
                             "continue in a new stream"));
  }
  records_counted_ += counted;
  if (auto limited = rate_limiter_.Take(counted); !limited.ok()) {
    return StopBefore(std::string(limited.message()));
  }
  for (auto& record : *request->mutable_records()) {
    CG_RETURN_IF_ERROR(importer_->Add(std::move(record), first_line_ + lines_read_++));
  }
  for (const auto& line : request->json_lines()) CG_RETURN_IF_ERROR(AddLine(line));
  for (const auto& line : request->ndjson_lines()) CG_RETURN_IF_ERROR(AddLine(line));
  if (request->has_end()) {
    records_sent_ = request->end().records_sent();
    interrupted_ = request->end().interrupted();
  }
  return absl::OkStatus();
}

absl::Status ImportStream::AddLine(std::string_view text) {
  const uint64_t line = first_line_ + lines_read_++;
  if (exchange::IsBlankLine(text)) return absl::OkStatus();
  auto record = exchange::ParseRecordLine(text, line);
  if (!record.ok()) return importer_->AddUnreadable(record.status(), line);
  return importer_->Add(*std::move(record), line);
}

absl::Status ImportStream::StopBefore(std::string_view why) {
  // What arrived before the refused message is applied, so that the client can resume exactly
  // where that message began.
  CG_RETURN_IF_ERROR(importer_->Finish(first_line_ + lines_read_));
  return absl::ResourceExhaustedError(StrCat(why, "; ", ResumeHint()));
}

std::string ImportStream::ResumeHint() const {
  const auto& summary = importer_->summary();
  return StrCat("lines before ", summary.next_line, " are applied (", summary.rejected_total,
                " records rejected): resume from line ", summary.next_line);
}

absl::Status ImportStream::Finish(bool cancelled) {
  if (!importer_) {
    if (cancelled) return absl::CancelledError("stream: cancelled before its first message");
    return absl::InvalidArgumentError("stream: no messages");
  }
  CG_RETURN_IF_ERROR(importer_->Finish(first_line_ + lines_read_));
  if (cancelled) {
    return absl::CancelledError(StrCat("import stream cut by the client; ", ResumeHint()));
  }
  if (!records_sent_) {
    return absl::InvalidArgumentError(
        StrCat("stream: ended without a message carrying `end` (gRPC ends a stream at a message it "
               "cannot parse, such as one with invalid UTF-8 in a string field); ",
               ResumeHint()));
  }
  if (interrupted_ && *records_sent_ == static_cast<int64_t>(lines_read_)) {
    return absl::CancelledError(StrCat("import stopped by the client; ", ResumeHint()));
  }
  if (*records_sent_ != static_cast<int64_t>(lines_read_)) {
    return absl::InvalidArgumentError(StrCat("end.records_sent: the client sent ", *records_sent_,
                                             " records or lines, the server read ", lines_read_,
                                             "; ", ResumeHint()));
  }
  return absl::OkStatus();
}

}  // namespace claimgraph::service
