// ImportExportService handlers: stream messages to Importer / ExportRecords and back.
#include "service/import_export_service.h"

#include "engine/exchange/exporter.h"
#include "engine/exchange/ndjson.h"
#include "engine/exchange/nquads.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"
#include "service/stream_rate_limiter.h"

namespace claimgraph::service {
namespace {

// Records per export message and bytes per N-Quads chunk: large enough to amortise a message,
// far below the message size limit.
constexpr int kExportBatch = 256;
constexpr size_t kNQuadsChunkBytes = 256 << 10;

void CountsToProto(const exchange::KindCounts& counts, v1::ImportKindCounts* out) {
  out->set_created(static_cast<int64_t>(counts.created));
  out->set_updated(static_cast<int64_t>(counts.updated));
  out->set_unchanged(static_cast<int64_t>(counts.unchanged));
  out->set_rejected(static_cast<int64_t>(counts.rejected));
}

const char* CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case absl::StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case absl::StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    default: return "UNKNOWN";
  }
}

}  // namespace

void ToProto(const exchange::ImportSummary& summary, v1::ImportSummary* out) {
  CountsToProto(summary.entities, out->mutable_entities());
  CountsToProto(summary.sources, out->mutable_sources());
  CountsToProto(summary.claims, out->mutable_claims());
  CountsToProto(summary.assessments, out->mutable_assessments());
  CountsToProto(summary.lifecycle_events, out->mutable_lifecycle_events());
  CountsToProto(summary.unreadable, out->mutable_unreadable());
  out->set_records_seen(static_cast<int64_t>(summary.records_seen));
  out->set_records_skipped(static_cast<int64_t>(summary.records_skipped));
  out->set_rejected_total(static_cast<int64_t>(summary.rejected_total));
  for (const auto& rejection : summary.rejections) {
    auto* item = out->add_rejections();
    item->set_index(static_cast<int64_t>(rejection.index));
    item->set_code(CodeName(rejection.error.code()));
    item->set_message(std::string(rejection.error.message()));
  }
  out->set_stopped(summary.stopped);
  out->set_stopped_at(static_cast<int64_t>(summary.stopped_at));
  out->set_next_index(static_cast<int64_t>(summary.next_index));
}

grpc::Status ImportExportServiceImpl::Import(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::ImportRequest>* reader,
                                             v1::ImportSummary* response) {
  return context_.runtime->Run(context, "ImportExportService/Import", Role::kWriter,
                               [&](CallInfo& call) -> absl::Status {
    v1::ImportRequest request;
    bool first = true;
    std::optional<exchange::Importer> importer;
    StreamRateLimiter rate_limiter(context_.max_stream_records_per_second);
    uint64_t resume_from = 0;
    // One message at a time: the stream's flow control holds a fast client back.
    while (reader->Read(&request)) {
      if (call.Cancelled()) return absl::CancelledError("import cancelled; batches applied so far are committed");
      if (first) {
        first = false;
        exchange::ImportOptions options;
        const auto& given = request.options();
        options.mode = given.mode() == v1::IMPORT_MODE_STRICT ? ImportMode::kStrict : ImportMode::kLenient;
        if (given.batch_size() < 0) return absl::InvalidArgumentError("options.batch_size: must not be negative");
        if (given.batch_size() > static_cast<int32_t>(exchange::kMaxImportBatchSize)) {
          return absl::ResourceExhaustedError(StrCat("options.batch_size: at most ", exchange::kMaxImportBatchSize));
        }
        if (given.batch_size() > 0) options.batch_size = static_cast<size_t>(given.batch_size());
        if (given.resume_from() < 0) return absl::InvalidArgumentError("options.resume_from: must not be negative");
        options.resume_from = static_cast<uint64_t>(given.resume_from());
        resume_from = options.resume_from;
        CG_ASSIGN_OR_RETURN(auto created, exchange::Importer::Create(context_.database, options, WriterOf(call)));
        importer.emplace(std::move(created));
      }
      if (request.records_size() > 0 && request.json_lines_size() > 0) {
        return absl::InvalidArgumentError("records, json_lines: a message carries one or the other");
      }
      // Records below resume_from are skipped unread, so they do not count against the rate.
      const uint64_t first = importer->next_index();
      const uint64_t end = first + static_cast<uint64_t>(request.records_size() + request.json_lines_size());
      const uint64_t applied_from = std::max<uint64_t>(first, resume_from);
      if (auto limited = rate_limiter.Take(end > applied_from ? end - applied_from : 0); !limited.ok()) {
        // What arrived before the message that broke the limit is applied, so that the client can
        // resume exactly where the refused message began.
        CG_RETURN_IF_ERROR(importer->Finish());
        const auto& summary = importer->summary();
        return absl::ResourceExhaustedError(
            StrCat(std::string(limited.message()), "; records before index ", summary.next_index, " are applied (",
                   summary.rejected_total, " of them rejected): resume from ", summary.next_index));
      }
      for (auto& record : *request.mutable_records()) CG_RETURN_IF_ERROR(importer->Add(std::move(record)));
      for (const auto& line : request.json_lines()) {
        auto record = exchange::ParseRecordJson(line);
        if (record.ok()) {
          CG_RETURN_IF_ERROR(importer->Add(*std::move(record)));
        } else {
          CG_RETURN_IF_ERROR(importer->AddUnreadable(record.status()));
        }
      }
    }
    if (!importer) return absl::InvalidArgumentError("stream: no messages");
    CG_RETURN_IF_ERROR(importer->Finish());
    ToProto(importer->summary(), response);
    return absl::OkStatus();
  });
}

grpc::Status ImportExportServiceImpl::Export(grpc::ServerContext* context, const v1::ExportRequest* request,
                                             grpc::ServerWriter<v1::ExportResponse>* writer) {
  return context_.runtime->Run(context, "ImportExportService/Export", Role::kReader,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    for (int i = 0; i < request->subgraph_entity_ids_size(); ++i) {
      CG_RETURN_IF_ERROR(validation::CheckId(StrCat("subgraph_entity_ids[", i, "]"), request->subgraph_entity_ids(i), limits));
    }
    if (!v1::ExportFormat_IsValid(request->format())) return absl::InvalidArgumentError("format: unknown value");
    CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
    exchange::ExportOptions options;
    options.subgraph_entities.assign(request->subgraph_entity_ids().begin(), request->subgraph_entity_ids().end());
    v1::ExportResponse message;
    auto flush = [&]() -> absl::Status {
      if (message.records_size() == 0 && message.nquads().empty()) return absl::OkStatus();
      if (call.Cancelled()) return absl::CancelledError("export cancelled");
      if (!writer->Write(message)) return absl::CancelledError("the client stopped reading");
      message.Clear();
      return absl::OkStatus();
    };
    if (request->format() == v1::EXPORT_FORMAT_NQUADS || request->format() == v1::EXPORT_FORMAT_NQUADS_RDF12) {
      exchange::NQuadsOptions nquads_options;
      nquads_options.schema = &context_.database->schema();
      nquads_options.reification = request->format() == v1::EXPORT_FORMAT_NQUADS_RDF12
                                       ? exchange::Reification::kTripleTerms
                                       : exchange::Reification::kClassic;
      exchange::NQuadsWriter nquads(nquads_options, [&](std::string_view chunk) -> absl::Status {
        message.mutable_nquads()->append(chunk);
        if (message.nquads().size() >= kNQuadsChunkBytes) return flush();
        return absl::OkStatus();
      });
      CG_RETURN_IF_ERROR(exchange::ExportRecords(*view, options, [&](const v1::ImportRecord& record) {
        return nquads.Write(record);
      }));
    } else {
      CG_RETURN_IF_ERROR(exchange::ExportRecords(*view, options, [&](const v1::ImportRecord& record) -> absl::Status {
        *message.add_records() = record;
        if (message.records_size() >= kExportBatch) return flush();
        return absl::OkStatus();
      }));
    }
    return flush();
  });
}

}  // namespace claimgraph::service
