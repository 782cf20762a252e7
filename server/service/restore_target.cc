// RestoreTarget: lexical checks first (cheap, exact messages), then the file system, each with
// std::error_code so no filesystem call can throw.
#include "service/restore_target.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "engine/strings.h"

namespace claimgraph::service {
namespace {

namespace fs = std::filesystem;

// True when `path` is `root` or below it (both normalised, without a trailing separator).
bool Within(const fs::path& root, const fs::path& path) {
  auto [root_end, path_end] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

fs::path WithoutTrailingSeparator(fs::path path) {
  if (!path.has_filename() && path.has_parent_path() && path != path.root_path()) {
    path = path.parent_path();
  }
  return path;
}

}  // namespace

std::string DefaultRestoreRoot(const std::string& backup_dir) {
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(backup_dir), error);
  if (error) absolute = fs::path(backup_dir);
  return WithoutTrailingSeparator(absolute.lexically_normal()).parent_path().string();
}

absl::StatusOr<std::string> CheckRestoreTarget(const std::string& restore_root,
                                               const std::string& target_dir) {
  if (target_dir.empty() || target_dir[0] != '/') {
    return absl::InvalidArgumentError("target_dir: an absolute path is required");
  }
  if (target_dir.size() > kMaxRestorePathBytes) {
    return absl::InvalidArgumentError(
        StrCat("target_dir: at most ", kMaxRestorePathBytes, " bytes, got ", target_dir.size()));
  }
  if (target_dir.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("target_dir: must not contain NUL");
  }
  const fs::path asked(target_dir);
  for (const auto& part : asked) {
    if (part == "..") return absl::InvalidArgumentError("target_dir: must not contain '..'");
  }
  const fs::path target = WithoutTrailingSeparator(asked.lexically_normal());
  const fs::path root = WithoutTrailingSeparator(fs::path(restore_root).lexically_normal());
  if (target == root || !Within(root, target)) {
    return absl::InvalidArgumentError(
        StrCat("target_dir: must be a directory inside the restore root ", root.string(),
               " (--restore-root)"));
  }
  std::error_code error;
  const fs::path real_root = fs::canonical(root, error);
  if (error) {
    return absl::FailedPreconditionError(
        StrCat("restore root ", root.string(), " is not usable: ", error.message()));
  }
  const fs::path parent = target.parent_path();
  if (!fs::is_directory(parent, error)) {
    return absl::FailedPreconditionError(
        StrCat("target_dir: its parent ", parent.string(), " is not an existing directory"));
  }
  // Symbolic links must not lead out of the root.
  const fs::path real_parent = fs::canonical(parent, error);
  if (error || !Within(real_root, real_parent)) {
    return absl::InvalidArgumentError(
        StrCat("target_dir: leads outside the restore root ", root.string()));
  }
  const fs::path real_target = real_parent / target.filename();
  const auto status = fs::symlink_status(real_target, error);
  if (!error && fs::exists(status)) {
    if (fs::is_symlink(status) || !fs::is_directory(status)) {
      return absl::FailedPreconditionError("target_dir: exists and is not a directory");
    }
    if (!fs::is_empty(real_target, error) || error) {
      return absl::FailedPreconditionError(
          StrCat("restore target ", target.string(), " is not empty"));
    }
  }
  return real_target.string();
}

}  // namespace claimgraph::service
