// TokenAuthenticator: bearer tokens from a tokens file, each with a role and a principal name.
// Tokens are stored hashed (SHA-256), so the file does not give the tokens away.
//
// File format, one token per line (# comments and blank lines allowed):
//   sha256:<64 hex digits of SHA-256(token)> <reader|writer|admin> <principal>
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "service/rpc_runtime.h"

namespace claimgraph::service {

class TokenAuthenticator final : public Authenticator {
 public:
  // Errors name the file and line.
  static absl::StatusOr<std::unique_ptr<TokenAuthenticator>> LoadFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<TokenAuthenticator>> Parse(const std::string& text,
                                                                   const std::string& origin);

  // UNAUTHENTICATED without a known bearer token; PERMISSION_DENIED when its role is too low.
  absl::Status Authorize(const grpc::ServerContextBase& context, Role required,
                         std::string* principal) const override;
  absl::Status AuthorizeToken(const std::string& bearer_token, Role required,
                              std::string* principal) const;

 private:
  struct Grant {
    Role role;
    std::string principal;
  };
  std::unordered_map<std::string, Grant> grants_;  // by "sha256:<hex>"
};

// "sha256:<hex>" of a token, as written in a tokens file.
std::string HashToken(const std::string& token);
const char* RoleName(Role role);

}  // namespace claimgraph::service
