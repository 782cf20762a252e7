// Bearer-token authentication against a file of hashed tokens.
#include "service/token_authenticator.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "engine/strings.h"

namespace claimgraph::service {

std::string HashToken(const std::string& token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kReader: return "reader";
    case Role::kWriter: return "writer";
    case Role::kAdmin: return "admin";
  }
  return "reader";
}

absl::StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("--tokens-file: cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

absl::StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::Parse(const std::string& text,
                                                                               const std::string& origin) {
  auto authenticator = std::unique_ptr<TokenAuthenticator>(new TokenAuthenticator());
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    auto hash_mark = line.find('#');
    if (hash_mark != std::string::npos) line.resize(hash_mark);
    std::istringstream fields(line);
    std::string hash, role_name, principal, extra;
    if (!(fields >> hash)) continue;
    auto where = StrCat(origin, ":", number, ": ");
    if (!(fields >> role_name >> principal) || (fields >> extra)) {
      return absl::InvalidArgumentError(StrCat(where, "expected 'sha256:<hex> <role> <principal>'"));
    }
    if (hash.size() != 7 + 64 || hash.compare(0, 7, "sha256:") != 0 ||
        hash.find_first_not_of("0123456789abcdef", 7) != std::string::npos) {
      return absl::InvalidArgumentError(
          StrCat(where, "the token must be 'sha256:' and 64 lower-case hex digits (claimgraphd hash-token)"));
    }
    Role role;
    if (role_name == "reader") role = Role::kReader;
    else if (role_name == "writer") role = Role::kWriter;
    else if (role_name == "admin") role = Role::kAdmin;
    else return absl::InvalidArgumentError(StrCat(where, "role must be reader, writer or admin"));
    if (!authenticator->grants_.emplace(hash, Grant{role, principal}).second) {
      return absl::InvalidArgumentError(StrCat(where, "duplicate token"));
    }
  }
  if (authenticator->grants_.empty()) {
    return absl::InvalidArgumentError(StrCat(origin, ": no tokens (an empty file would lock everyone out)"));
  }
  return authenticator;
}

absl::Status TokenAuthenticator::AuthorizeToken(const std::string& bearer_token, Role required,
                                                std::string* principal) const {
  // Hashing first means lookups never compare secret bytes directly.
  auto grant = grants_.find(HashToken(bearer_token));
  if (grant == grants_.end()) return absl::UnauthenticatedError("unknown or missing bearer token");
  *principal = grant->second.principal;
  if (static_cast<int>(grant->second.role) < static_cast<int>(required)) {
    return absl::PermissionDeniedError(StrCat("principal '", grant->second.principal, "' has role ",
                                              RoleName(grant->second.role), "; this call needs ",
                                              RoleName(required)));
  }
  return absl::OkStatus();
}

absl::Status TokenAuthenticator::Authorize(const grpc::ServerContextBase& context, Role required,
                                           std::string* principal) const {
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header == metadata.end()) return absl::UnauthenticatedError("missing 'authorization: Bearer <token>' metadata");
  std::string value(header->second.data(), header->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() || value.compare(0, kBearer.size(), kBearer) != 0) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  return AuthorizeToken(value.substr(kBearer.size()), required, principal);
}

}  // namespace claimgraph::service
