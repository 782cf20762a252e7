// DiscoverToken: environment, per-user config file, the local server's data directory.
#include "credentials.h"

#include <cstdlib>
#include <fstream>

namespace claimgraph::client {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// The same rule as the server's: 127.0.0.0/8, ::1 and localhost, with a port.
bool IsLoopback(const std::string& target) {
  auto colon = target.rfind(':');
  std::string host = colon == std::string::npos ? target : target.substr(0, colon);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  return host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

std::string DiscoverToken(const std::string& target) {
  if (std::string token = Env("CLAIMGRAPH_TOKEN"); !token.empty()) return token;
  std::string config = Env("XDG_CONFIG_HOME");
  if (config.empty() && !Env("HOME").empty()) config = Env("HOME") + "/.config";
  if (!config.empty()) {
    if (std::string token = FirstLine(config + "/claimgraph/token"); !token.empty()) return token;
  }
  if (!IsLoopback(target)) return "";
  std::string data_dir = Env("CLAIMGRAPH_DATA_DIR");
  if (data_dir.empty()) data_dir = "data/db";
  return FirstLine(data_dir + "/admin.token");
}

}  // namespace claimgraph::client
