// AdminService handlers.
#include "service/admin_service.h"

#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "service/log.h"
#include "service/restore_target.h"

namespace claimgraph::service {

grpc::Status AdminServiceImpl::GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                                        v1::GetStatsResponse* response) {
  return context_.runtime->Run(context, "AdminService/GetStats", Role::kAdmin, request,
                               [&](CallInfo&) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto stats, context_.database->GetStats());
    response->set_entities(static_cast<int64_t>(stats.entities));
    response->set_sources(static_cast<int64_t>(stats.sources));
    response->set_statements(static_cast<int64_t>(stats.statements));
    response->set_claims(static_cast<int64_t>(stats.claims));
    response->set_assessments(static_cast<int64_t>(stats.assessments));
    response->set_lifecycle_events(static_cast<int64_t>(stats.lifecycle_events));
    response->set_predicates(static_cast<int64_t>(stats.predicates));
    response->set_disk_bytes(static_cast<int64_t>(stats.store.disk_bytes));
    response->set_sst_bytes(static_cast<int64_t>(stats.store.total_sst_bytes));
    response->set_wal_bytes(static_cast<int64_t>(stats.store.wal_bytes));
    response->set_memtable_bytes(static_cast<int64_t>(stats.store.memtable_bytes));
    response->set_estimated_live_data_bytes(
        static_cast<int64_t>(stats.store.estimated_live_data_bytes));
    response->set_block_cache_hits(static_cast<int64_t>(stats.store.block_cache_hits));
    response->set_block_cache_misses(static_cast<int64_t>(stats.store.block_cache_misses));
    uint64_t lookups = stats.store.block_cache_hits + stats.store.block_cache_misses;
    response->set_block_cache_hit_rate(
        lookups == 0 ? 0.0 : static_cast<double>(stats.store.block_cache_hits) / lookups);
    response->set_estimated_pending_compaction_bytes(
        static_cast<int64_t>(stats.store.estimated_pending_compaction_bytes));
    response->set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::steady_clock::now() - context_.started)
                                     .count());
    response->set_version(context_.version);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetSchema(grpc::ServerContext* context, const v1::GetSchemaRequest* request,
                                         v1::Schema* response) {
  return context_.runtime->Run(context, "AdminService/GetSchema", Role::kReader, request,
                               [&](CallInfo&) -> absl::Status {
    *response = context_.database->schema().schema();
    return absl::OkStatus();
  });
}

namespace {

// One "audit" log line per backup, restore and purge, with who asked, before it is attempted
// (the call's own "rpc" line says how it ended).
void Audit(const CallInfo& call, std::string_view action,
           std::vector<std::pair<std::string_view, std::string>> fields) {
  fields.insert(fields.begin(), {{"action", std::string(action)},
                                 {"principal", call.principal},
                                 {"request_id", call.request_id}});
  Log(LogLevel::kInfo, "audit", fields);
}

void ToProto(const BackupInfo& info, v1::Backup* backup) {
  backup->set_id(info.id);
  backup->mutable_created_at()->set_seconds(info.created_unix_seconds);
  backup->set_size_bytes(static_cast<int64_t>(info.size_bytes));
  backup->set_files(static_cast<int32_t>(info.files));
}

absl::Status ListInto(const std::string& backup_dir, v1::ListBackupsResponse* response) {
  response->set_backup_dir(backup_dir);
  auto backups = Database::ListBackups(backup_dir);
  if (absl::IsNotFound(backups.status())) return absl::OkStatus();  // none made yet
  if (!backups.ok()) return backups.status();
  for (const auto& info : *backups) ToProto(info, response->add_backups());
  return absl::OkStatus();
}

}  // namespace

grpc::Status AdminServiceImpl::CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                                            v1::Backup* response) {
  return context_.runtime->Run(context, "AdminService/CreateBackup", Role::kAdmin, request,
                               [&](CallInfo& call) -> absl::Status {
    std::lock_guard lock(backup_mutex_);
    Audit(call, "backup", {{"backup_dir", context_.backup_dir}});
    CG_ASSIGN_OR_RETURN(auto info, context_.database->CreateBackup(context_.backup_dir));
    ToProto(info, response);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListBackups(grpc::ServerContext* context, const v1::ListBackupsRequest* request,
                                           v1::ListBackupsResponse* response) {
  return context_.runtime->Run(context, "AdminService/ListBackups", Role::kAdmin, request,
                               [&](CallInfo&) -> absl::Status {
    std::lock_guard lock(backup_mutex_);
    return ListInto(context_.backup_dir, response);
  });
}

grpc::Status AdminServiceImpl::VerifyBackup(grpc::ServerContext* context, const v1::VerifyBackupRequest* request,
                                            v1::VerifyBackupResponse* response) {
  return context_.runtime->Run(context, "AdminService/VerifyBackup", Role::kAdmin, request,
                               [&](CallInfo&) -> absl::Status {
    std::lock_guard lock(backup_mutex_);
    if (request->id() == 0) return absl::InvalidArgumentError("id: is required");
    CG_RETURN_IF_ERROR(Database::VerifyBackup(context_.backup_dir, request->id()));
    CG_ASSIGN_OR_RETURN(auto backups, Database::ListBackups(context_.backup_dir));
    for (const auto& info : backups) {
      if (info.id == request->id()) ToProto(info, response->mutable_backup());
    }
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RestoreBackup(grpc::ServerContext* context, const v1::RestoreBackupRequest* request,
                                             v1::RestoreBackupResponse* response) {
  return context_.runtime->Run(context, "AdminService/RestoreBackup", Role::kAdmin, request,
                               [&](CallInfo& call) -> absl::Status {
    std::lock_guard lock(backup_mutex_);
    if (request->id() == 0) return absl::InvalidArgumentError("id: is required");
    CG_ASSIGN_OR_RETURN(auto target, CheckRestoreTarget(context_.restore_root, request->target_dir()));
    Audit(call, "restore", {{"backup_id", StrCat(request->id())}, {"target_dir", target}});
    CG_RETURN_IF_ERROR(Database::RestoreBackup(context_.backup_dir, request->id(), target));
    response->set_target_dir(target);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::PurgeBackups(grpc::ServerContext* context, const v1::PurgeBackupsRequest* request,
                                            v1::ListBackupsResponse* response) {
  return context_.runtime->Run(context, "AdminService/PurgeBackups", Role::kAdmin, request,
                               [&](CallInfo& call) -> absl::Status {
    std::lock_guard lock(backup_mutex_);
    if (request->keep() == 0) return absl::InvalidArgumentError("keep: at least 1");
    Audit(call, "purge", {{"keep", StrCat(request->keep())}, {"backup_dir", context_.backup_dir}});
    CG_RETURN_IF_ERROR(Database::PurgeOldBackups(context_.backup_dir, request->keep()));
    return ListInto(context_.backup_dir, response);
  });
}

}  // namespace claimgraph::service
