// WhoSaid (every claimant of a statement, with stance, certainty, time and where it was reported)
// and ClaimsBy (what an entity has claimed, with how it was later assessed: its track record).
// docs/provenance.md section 6.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "claimgraph/v1/provenance_service.pb.h"
#include "engine/read_view.h"

namespace claimgraph::provenance {

struct WhoSaidOptions {
  bool include_inactive = false;
  // At most this many claims; beyond: `truncated`.
  size_t max_claims = 10'000;
};

struct ClaimsByOptions {
  bool include_inactive = false;
  size_t max_claims = 1'000;
};

// InvalidArgument for an empty id; NotFound when unknown at the view's time.
absl::StatusOr<v1::WhoSaidResponse> WhoSaid(const ReadView& view, std::string_view statement_id,
                                            const WhoSaidOptions& options = {});
absl::StatusOr<v1::ClaimsByResponse> ClaimsBy(const ReadView& view, std::string_view entity_id,
                                              const ClaimsByOptions& options = {});

}  // namespace claimgraph::provenance
