// RestoreTarget: where an online RestoreBackup may write. The server creates a RocksDB directory
// at a path a client names, so the path is held to a configured restore root: absolute, short,
// without "..", normalised, strictly inside the root (symbolic links included), with an existing
// parent directory, and absent or empty. Never throws; every refusal names target_dir.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace claimgraph::service {

// Longest target_dir accepted: far below PATH_MAX, far above any real layout.
inline constexpr size_t kMaxRestorePathBytes = 1024;

// The default restore root: the directory that holds the backup directory (so a restore lands
// beside the data and its backups, as docs/operations.md describes).
std::string DefaultRestoreRoot(const std::string& backup_dir);

// The normalised path to restore into, or INVALID_ARGUMENT (malformed, outside the root) or
// FAILED_PRECONDITION (parent missing or not a directory, target not empty, root missing).
absl::StatusOr<std::string> CheckRestoreTarget(const std::string& restore_root,
                                               const std::string& target_dir);

}  // namespace claimgraph::service
