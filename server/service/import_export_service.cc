// ImportExportService handlers: stream messages to Importer / ExportRecords and back.
#include "service/import_export_service.h"

#include "engine/exchange/claimreview.h"
#include "engine/exchange/exporter.h"
#include "engine/exchange/ndjson.h"
#include "engine/exchange/nquads.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/validation.h"
#include "service/import_stream.h"

namespace claimgraph::service {
namespace {

// Records per export message and bytes per N-Quads chunk: large enough to amortise a message,
// far below the message size limit.
constexpr int kExportBatch = 256;
constexpr size_t kNQuadsChunkBytes = 256 << 10;

}  // namespace

grpc::Status ImportExportServiceImpl::Import(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::ImportRequest>* reader,
                                             v1::ImportSummary* response) {
  return context_.runtime->Run(context, "ImportExportService/Import", Role::kWriter, nullptr,
                               [&](CallInfo& call) -> absl::Status {
    ImportStream stream(context_, call);
    v1::ImportRequest request;
    // One message at a time: the stream's flow control holds a fast client back.
    while (reader->Read(&request)) {
      if (call.Cancelled()) break;
      CG_RETURN_IF_ERROR(stream.Add(&request));
    }
    CG_RETURN_IF_ERROR(stream.Finish(call.Cancelled()));
    ToProto(stream.summary(), response);
    response->set_lines_seen(static_cast<int64_t>(stream.lines_read()));
    return absl::OkStatus();
  });
}

grpc::Status ImportExportServiceImpl::ImportWithProgress(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportWithProgressRequest>* stream_io) {
  return context_.runtime->Run(context, "ImportExportService/ImportWithProgress", Role::kWriter,
                               nullptr,
                               [&](CallInfo& call) -> absl::Status {
    ImportStream stream(context_, call);
    size_t reported = 0;  // rejections already sent
    bool client_gone = false;
    auto send = [&](const exchange::ImportSummary& summary, bool done) {
      v1::ImportProgress progress;
      ToProto(summary, progress.mutable_summary(), reported);
      progress.mutable_summary()->set_lines_seen(static_cast<int64_t>(stream.lines_read()));
      progress.set_done(done);
      reported = summary.rejections.size();
      if (!stream_io->Write(progress)) client_gone = true;
    };
    stream.set_progress([&](const exchange::ImportSummary& summary) { send(summary, false); });
    v1::ImportWithProgressRequest request;
    while (!client_gone && stream_io->Read(&request)) {
      if (call.Cancelled()) break;
      CG_RETURN_IF_ERROR(stream.Add(request.mutable_request()));
    }
    CG_RETURN_IF_ERROR(stream.Finish(client_gone || call.Cancelled()));
    send(stream.summary(), true);
    return absl::OkStatus();
  });
}

grpc::Status ImportExportServiceImpl::Export(grpc::ServerContext* context, const v1::ExportRequest* request,
                                             grpc::ServerWriter<v1::ExportResponse>* writer) {
  return context_.runtime->Run(context, "ImportExportService/Export", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    // An export walks the whole database or a subgraph and holds its snapshot while the client
    // reads: a heavy query like a traversal.
    CG_ASSIGN_OR_RETURN(auto ticket, context_.heavy_queries->Admit("ImportExportService/Export"));
    for (int i = 0; i < request->subgraph_entity_ids_size(); ++i) {
      CG_RETURN_IF_ERROR(validation::CheckId(StrCat("subgraph_entity_ids[", i, "]"), request->subgraph_entity_ids(i), limits));
    }
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

grpc::Status ImportExportServiceImpl::ExportClaimReview(grpc::ServerContext* context,
                                                        const v1::ExportClaimReviewRequest* request,
                                                        v1::ExportClaimReviewResponse* response) {
  return context_.runtime->Run(
      context, "ImportExportService/ExportClaimReview", Role::kReader, request,
      [&](CallInfo&) -> absl::Status {
        CG_ASSIGN_OR_RETURN(auto as_of,
                            validation::ParseAsOf(request->has_as_of(), request->as_of()));
        CG_ASSIGN_OR_RETURN(auto view, context_.database->NewReadView(as_of));
        std::vector<std::string> ids(request->statement_ids().begin(),
                                     request->statement_ids().end());
        CG_ASSIGN_OR_RETURN(auto reviews, exchange::ExportClaimReviews(*view, ids, {}));
        for (auto& document : reviews.documents) response->add_claim_reviews(std::move(document));
        response->set_truncated(reviews.truncated);
        return absl::OkStatus();
      });
}

grpc::Status ImportExportServiceImpl::ImportClaimReview(grpc::ServerContext* context,
                                                        const v1::ImportClaimReviewRequest* request,
                                                        v1::ImportSummary* response) {
  return context_.runtime->Run(
      context, "ImportExportService/ImportClaimReview", Role::kWriter, request,
      [&](CallInfo& call) -> absl::Status {
        CG_ASSIGN_OR_RETURN(auto options, ImportOptionsFromProto(request->options()));
        CG_ASSIGN_OR_RETURN(auto summary,
                            exchange::ImportClaimReviewFeed(context_.database, request->feed(),
                                                            options, WriterOf(call)));
        ToProto(summary, response);
        return absl::OkStatus();
      });
}

}  // namespace claimgraph::service
