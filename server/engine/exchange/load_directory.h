// LoadDirectory: the directory an offline load writes into, and its atomic move into place.
//
// A load into a new or empty data directory writes into a staging directory beside it
// (`DIR.bulk-load`, on the same filesystem), locked for the load's duration, and Publish()
// renames it onto DIR in one step once the database in it is complete and closed: a load that
// stops before (a crash, Ctrl-C, an error) leaves DIR as it was; a failed load removes its staging
// directory, and the next load into DIR clears what a killed one left and starts over. A load into
// a directory that already holds a database writes in place (each spill into it is atomic, the load
// as a whole is not).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace claimgraph::exchange {

class LoadDirectory {
 public:
  // FailedPrecondition when another load into `data_dir` holds the staging directory;
  // NotFound when `data_dir` does not exist and may not be created.
  static absl::StatusOr<LoadDirectory> Prepare(const std::string& data_dir, bool create_if_missing);
  LoadDirectory(LoadDirectory&& other) noexcept;
  LoadDirectory& operator=(LoadDirectory&&) = delete;
  // Removes a staging directory that was not published (a load that failed), then releases
  // the lock.
  ~LoadDirectory();

  // Where the load writes: the staging directory, or the data directory itself.
  const std::string& path() const { return path_; }
  // Whether the load writes into a staging directory that Publish() moves.
  bool staged() const { return staged_; }
  // Renames the staging directory onto the data directory and syncs the parent directory, so
  // the rename survives a crash. Nothing to do for an in-place load.
  absl::Status Publish();

 private:
  LoadDirectory(std::string data_dir, std::string path, bool staged, int lock_fd)
      : data_dir_(std::move(data_dir)),
        path_(std::move(path)),
        staged_(staged),
        lock_fd_(lock_fd) {}

  std::string data_dir_;
  std::string path_;
  bool staged_ = false;
  int lock_fd_ = -1;  // the staging directory, flock()ed
};

}  // namespace claimgraph::exchange
