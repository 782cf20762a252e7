// AdminServiceImpl: gRPC adapter for statistics and the schema.
#pragma once

#include <mutex>

#include "claimgraph/v1/admin_service.grpc.pb.h"
#include "service/service_context.h"

namespace claimgraph::service {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;
  grpc::Status GetSchema(grpc::ServerContext* context, const v1::GetSchemaRequest* request,
                         v1::Schema* response) override;
  grpc::Status CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                            v1::Backup* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context, const v1::ListBackupsRequest* request,
                           v1::ListBackupsResponse* response) override;
  grpc::Status VerifyBackup(grpc::ServerContext* context, const v1::VerifyBackupRequest* request,
                            v1::VerifyBackupResponse* response) override;
  grpc::Status RestoreBackup(grpc::ServerContext* context, const v1::RestoreBackupRequest* request,
                             v1::RestoreBackupResponse* response) override;
  grpc::Status PurgeBackups(grpc::ServerContext* context, const v1::PurgeBackupsRequest* request,
                            v1::ListBackupsResponse* response) override;

 private:
  ServiceContext context_;
  // One backup operation at a time: BackupEngine instances must not share a directory.
  std::mutex backup_mutex_;
};

}  // namespace claimgraph::service
