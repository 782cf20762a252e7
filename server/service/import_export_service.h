// ImportExportServiceImpl: gRPC adapter for the streaming import and export.
#pragma once

#include "claimgraph/v1/import_export_service.grpc.pb.h"
#include "engine/exchange/importer.h"
#include "service/service_context.h"

namespace claimgraph::service {

class ImportExportServiceImpl final : public v1::ImportExportService::Service {
 public:
  explicit ImportExportServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status Import(grpc::ServerContext* context, grpc::ServerReader<v1::ImportRequest>* reader,
                      v1::ImportSummary* response) override;
  grpc::Status Export(grpc::ServerContext* context, const v1::ExportRequest* request,
                      grpc::ServerWriter<v1::ExportResponse>* writer) override;

 private:
  ServiceContext context_;
};

// The summary as protobuf (also used by claimgraphd bulk-load's output).
void ToProto(const exchange::ImportSummary& summary, v1::ImportSummary* out);

}  // namespace claimgraph::service
