// WhoSaid (every claimant of a statement, with stance, certainty, time and where it was reported)
// and ClaimsBy (what an entity has claimed, with how it was later assessed: its track record).
// docs/provenance.md section 6.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "claimgraph/v1/provenance_service.pb.h"
#include "engine/read_view.h"

namespace claimgraph::provenance {

struct WhoSaidOptions {
  bool include_inactive = false;
  // Unpaged (page_size 0): at most this many claims; beyond: `truncated`.
  size_t max_claims = 10'000;
  // Paged: at most this many attributions per page, in utterance order over every claim of the
  // statement, with `next_page_token` when more follow. The view must be as of a pinned time
  // (Database::NewPinnedReadView for the first page, the token's as_of for the next ones).
  size_t page_size = 0;
  std::string page_token;
};

struct ClaimsByOptions {
  bool include_inactive = false;
  size_t max_claims = 1'000;
};

// InvalidArgument for an empty id; NotFound when unknown at the view's time.
absl::StatusOr<v1::WhoSaidResponse> WhoSaid(const ReadView& view, std::string_view statement_id,
                                            const WhoSaidOptions& options = {});
// The as_of a WhoSaid page token pins (nullopt for an empty token); InvalidArgument
// ("page_token: ...") for a malformed token or one of another query.
absl::StatusOr<std::optional<uint64_t>> WhoSaidTokenAsOf(std::string_view statement_id,
                                                         bool include_inactive,
                                                         std::string_view page_token);
absl::StatusOr<v1::ClaimsByResponse> ClaimsBy(const ReadView& view, std::string_view entity_id,
                                              const ClaimsByOptions& options = {});

}  // namespace claimgraph::provenance
