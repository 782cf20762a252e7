// ImportExportServiceImpl: gRPC adapter for the streaming import and export, and ClaimReview.
#pragma once

#include "claimgraph/v1/import_export_service.grpc.pb.h"
#include "service/import_stream.h"
#include "service/service_context.h"

namespace claimgraph::service {

class ImportExportServiceImpl final : public v1::ImportExportService::Service {
 public:
  explicit ImportExportServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status Import(grpc::ServerContext* context, grpc::ServerReader<v1::ImportRequest>* reader,
                      v1::ImportSummary* response) override;
  grpc::Status ImportWithProgress(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportWithProgressRequest>* stream)
      override;
  grpc::Status Export(grpc::ServerContext* context, const v1::ExportRequest* request,
                      grpc::ServerWriter<v1::ExportResponse>* writer) override;
  grpc::Status ExportClaimReview(grpc::ServerContext* context,
                                 const v1::ExportClaimReviewRequest* request,
                                 v1::ExportClaimReviewResponse* response) override;
  grpc::Status ImportClaimReview(grpc::ServerContext* context,
                                 const v1::ImportClaimReviewRequest* request,
                                 v1::ImportSummary* response) override;

 private:
  ServiceContext context_;
};

}  // namespace claimgraph::service
