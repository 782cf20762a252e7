// AdminService handlers.
#include "service/admin_service.h"

#include "engine/status_macros.h"

namespace claimgraph::service {

grpc::Status AdminServiceImpl::GetStats(grpc::ServerContext* context, const v1::GetStatsRequest*,
                                        v1::GetStatsResponse* response) {
  return context_.runtime->Run(context, "AdminService/GetStats", Role::kAdmin,
                               [&](CallInfo&) -> absl::Status {
    CG_ASSIGN_OR_RETURN(auto stats, context_.database->GetStats());
    response->set_entities(static_cast<int64_t>(stats.entities));
    response->set_sources(static_cast<int64_t>(stats.sources));
    response->set_statements(static_cast<int64_t>(stats.statements));
    response->set_claims(static_cast<int64_t>(stats.claims));
    response->set_assessments(static_cast<int64_t>(stats.assessments));
    response->set_lifecycle_events(static_cast<int64_t>(stats.lifecycle_events));
    response->set_predicates(static_cast<int64_t>(stats.predicates));
    response->set_live_data_bytes(static_cast<int64_t>(stats.store.live_data_bytes));
    response->set_sst_bytes(static_cast<int64_t>(stats.store.total_sst_bytes));
    response->set_memtable_bytes(static_cast<int64_t>(stats.store.memtable_bytes));
    response->set_block_cache_hits(static_cast<int64_t>(stats.store.block_cache_hits));
    response->set_block_cache_misses(static_cast<int64_t>(stats.store.block_cache_misses));
    uint64_t lookups = stats.store.block_cache_hits + stats.store.block_cache_misses;
    response->set_block_cache_hit_rate(
        lookups == 0 ? 0.0 : static_cast<double>(stats.store.block_cache_hits) / lookups);
    response->set_pending_compaction_bytes(static_cast<int64_t>(stats.store.pending_compaction_bytes));
    response->set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::steady_clock::now() - context_.started)
                                     .count());
    response->set_version(context_.version);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetSchema(grpc::ServerContext* context, const v1::GetSchemaRequest*,
                                         v1::Schema* response) {
  return context_.runtime->Run(context, "AdminService/GetSchema", Role::kReader,
                               [&](CallInfo&) -> absl::Status {
    *response = context_.database->schema().schema();
    return absl::OkStatus();
  });
}

}  // namespace claimgraph::service
