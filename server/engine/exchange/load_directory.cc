// LoadDirectory: a staging directory beside the target, locked, cleared, then renamed onto it.
#include "engine/exchange/load_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

namespace fs = std::filesystem;

absl::Status FileError(std::string_view what, const std::string& path, int error) {
  return absl::InternalError(StrCat(what, " ", path, ": ", std::strerror(error)));
}

// Whether `dir` is absent or an empty directory: nothing a load could merge with.
bool AbsentOrEmpty(const fs::path& dir) {
  std::error_code error;
  if (!fs::exists(dir, error)) return true;
  return fs::is_directory(dir, error) && fs::is_empty(dir, error);
}

}  // namespace

absl::StatusOr<LoadDirectory> LoadDirectory::Prepare(const std::string& data_dir,
                                                     bool create_if_missing) {
  fs::path target = fs::absolute(data_dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "dir/" names "dir"
  if (!AbsentOrEmpty(target)) return LoadDirectory(data_dir, data_dir, false, -1);
  std::error_code error;
  if (!create_if_missing && !fs::exists(target, error)) {
    return absl::NotFoundError(StrCat("data directory ", data_dir, " does not exist"));
  }
  const fs::path staging = target.parent_path() / StrCat(target.filename().string(), ".bulk-load");
  fs::create_directories(staging, error);
  if (error) return FileError("create", staging.string(), error.value());
  int fd = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("open", staging.string(), errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int lock_error = errno;
    ::close(fd);
    if (lock_error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(StrCat("another bulk load into ", data_dir,
                                                  " is running (it holds ", staging.string(), ")"));
    }
    return FileError("lock", staging.string(), lock_error);
  }
  LoadDirectory directory(target.string(), staging.string(), true, fd);
  // Locked: what is in it was left by a load that stopped, and is started over.
  for (const auto& entry : fs::directory_iterator(staging, error)) {
    fs::remove_all(entry.path(), error);
    if (error) return FileError("clear", entry.path().string(), error.value());
  }
  if (error) return FileError("list", staging.string(), error.value());
  // Checked again under the lock: a load that finished meanwhile has filled the target.
  if (!AbsentOrEmpty(target)) {
    return absl::FailedPreconditionError(
        StrCat("data directory ", data_dir, " was filled while this load started"));
  }
  return directory;
}

LoadDirectory::LoadDirectory(LoadDirectory&& other) noexcept
    : data_dir_(std::move(other.data_dir_)),
      path_(std::move(other.path_)),
      staged_(other.staged_),
      lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

LoadDirectory::~LoadDirectory() {
  if (lock_fd_ < 0) return;
  if (staged_) {
    std::error_code ignored;  // what stays is cleared by the next load
    fs::remove_all(path_, ignored);
  }
  ::close(lock_fd_);  // closing the descriptor releases the flock
}

absl::Status LoadDirectory::Publish() {
  if (!staged_) return absl::OkStatus();
  // rename(2) replaces an empty directory, and is atomic: the target is either as it was or
  // the complete database.
  if (::rename(path_.c_str(), data_dir_.c_str()) != 0) {
    return FileError(StrCat("move ", path_, " onto"), data_dir_, errno);
  }
  const std::string parent = fs::path(data_dir_).parent_path().string();
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("open", parent, errno);
  int synced = ::fsync(fd);
  int sync_error = errno;
  ::close(fd);
  if (synced != 0) return FileError("sync", parent, sync_error);
  path_ = data_dir_;
  staged_ = false;
  return absl::OkStatus();
}

}  // namespace claimgraph::exchange
