// PathTemplate: the URL patterns of google.api.http rules ("/v1/entities/{id}",
// "/v1/claims/{claim_id}:trace"), matched against a request path to bind its variables.
// Supports literal segments, single-segment variables ({field} or {a.b}) and a trailing verb
// (":trace"); the multi-segment forms ({name=**}) are not used by claimgraph's routes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace claimgraph::service::http {

class PathTemplate {
 public:
  static absl::StatusOr<PathTemplate> Parse(std::string_view pattern);

  // The variables' (field path, percent-decoded value) pairs when `path` matches, else nullopt.
  std::optional<std::vector<std::pair<std::string, std::string>>> Match(
      std::string_view path) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Segment {
    bool variable = false;
    std::string text;  // the literal, or the variable's field path
  };
  std::string pattern_;
  std::vector<Segment> segments_;
  std::string verb_;  // without the colon; empty when none
};


}  // namespace claimgraph::service::http
