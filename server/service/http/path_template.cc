// PathTemplate parsing and matching.
#include "service/http/path_template.h"

#include "engine/strings.h"
#include "engine/text.h"

namespace claimgraph::service::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    return absl::InvalidArgumentError(StrCat("path template '", pattern, "': must start with /"));
  }
  PathTemplate result;
  result.pattern_ = std::string(pattern);
  std::string_view path = pattern;
  // A verb is a ':' after the last '/' and outside a variable.
  size_t last_slash = path.rfind('/');
  size_t colon = path.find(':', last_slash);
  size_t brace = path.find('}', last_slash);
  if (colon != std::string_view::npos && (brace == std::string_view::npos || colon > brace)) {
    result.verb_ = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
  }
  for (std::string_view part : Split(path)) {
    Segment segment;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      segment.variable = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
      if (segment.text.find('=') != std::string::npos) {
        return absl::InvalidArgumentError(
            StrCat("path template '", pattern, "': multi-segment variables are not supported"));
      }
    } else if (part.find_first_of("{}") != std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat("path template '", pattern, "': bad segment"));
    } else {
      segment.text = std::string(part);
    }
    result.segments_.push_back(std::move(segment));
  }
  return result;
}

std::optional<std::vector<std::pair<std::string, std::string>>> PathTemplate::Match(
    std::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (!verb_.empty()) {
    std::string suffix = StrCat(":", verb_);
    if (path.size() <= suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      return std::nullopt;
    }
    path = path.substr(0, path.size() - suffix.size());
  }
  auto parts = Split(path);
  if (parts.size() != segments_.size()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> bound;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (segments_[i].variable) {
      // A verb-less template must not swallow "id:verb" into its variable.
      if (parts[i].empty() || (verb_.empty() && i + 1 == parts.size() &&
                               parts[i].find(':') != std::string_view::npos)) {
        return std::nullopt;
      }
      bound.emplace_back(segments_[i].text, text::PercentDecode(parts[i]));
    } else if (parts[i] != segments_[i].text) {
      return std::nullopt;
    }
  }
  return bound;
}

}  // namespace claimgraph::service::http
