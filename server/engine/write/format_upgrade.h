// Upgrades of the on-disk format, run by the first read-write open of an older database.
#pragma once

#include "absl/status/status.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph {

// Format version 2 added the 'h' marker of claims with lifecycle events (readers skip the event
// scan of claims without it). Redone whole when interrupted.
absl::Status UpgradeFromVersion1(storage::KeyValueStore& store);

}  // namespace claimgraph
