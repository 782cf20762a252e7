// Free space and the default reserve of the volume a store lives on.
#include "engine/storage/disk_space.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace claimgraph::storage {

namespace {

// The volume holding `path`, judged by its nearest existing ancestor (a backup directory not
// created yet is on its parent's volume).
std::optional<struct statvfs> VolumeOf(const std::string& path) {
  std::filesystem::path at(path);
  std::error_code error;
  while (!at.empty() && !std::filesystem::exists(at, error) && at.has_parent_path() &&
         at.parent_path() != at) {
    at = at.parent_path();
  }
  struct statvfs info;
  if (statvfs(at.c_str(), &info) != 0) return std::nullopt;
  return info;
}

}  // namespace

std::optional<uint64_t> FreeDiskBytes(const std::string& path) {
  auto volume = VolumeOf(path);
  if (!volume) return std::nullopt;
  return static_cast<uint64_t>(volume->f_bavail) * volume->f_frsize;
}

uint64_t DefaultDiskReserve(const std::string& path) {
  constexpr uint64_t kLargestDefault = 256ull << 20;
  auto volume = VolumeOf(path);
  if (!volume) return kLargestDefault;
  uint64_t size = static_cast<uint64_t>(volume->f_blocks) * volume->f_frsize;
  return std::clamp(size / 20, kMinDiskReserveBytes, kLargestDefault);
}

}  // namespace claimgraph::storage
