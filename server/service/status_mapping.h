// The one place where engine status values become gRPC statuses.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace claimgraph::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace claimgraph::service
