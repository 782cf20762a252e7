// EnsureAdminToken: O_EXCL creation with mode 0600, so a token is never replaced or widened.
#include "service/admin_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "engine/strings.h"

namespace claimgraph::service {
namespace {

std::string RandomHex(size_t bytes) {
  std::random_device device;  // /dev/urandom on Linux
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    unsigned value = device() & 0xff;
    out += kDigits[value >> 4];
    out += kDigits[value & 0xf];
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> EnsureAdminToken(const std::string& data_dir, bool* created) {
  *created = false;
  const std::string path = data_dir + "/" + kAdminTokenFile;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::string token = RandomHex(32);
    std::string line = token + "\n";
    bool written =
        write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
    close(fd);
    if (!written) {
      unlink(path.c_str());
      return absl::UnavailableError(StrCat("cannot write ", path, ": ", std::strerror(errno)));
    }
    *created = true;
    return token;
  }
  if (errno != EEXIST) {
    return absl::UnavailableError(StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token) || token.size() < 32) {
    return absl::FailedPreconditionError(
        StrCat(path, " is unreadable or not a token: remove it to have a new one generated"));
  }
  return token;
}

}  // namespace claimgraph::service
