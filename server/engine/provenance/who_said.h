// WhoSaid (every claimant of a statement, with stance, certainty, time and where it was reported)
// and ClaimsBy (what an entity has claimed, with how it was later assessed: its track record).
// docs/provenance.md section 6.
#pragma once

#include <cstddef>
#include <limits>
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
  // Bytes of attributions one answer carries (--max-answer-mb): unpaged, the attributions past it
  // are left out with `truncated`; paged, the page ends early with a `next_page_token`. At least
  // one attribution is always answered.
  size_t max_answer_bytes = std::numeric_limits<size_t>::max();
};

struct ClaimsByOptions {
  bool include_inactive = false;
  // Unpaged (page_size 0): at most this many claims; beyond: `truncated`.
  size_t max_claims = 1'000;
  // Paged: at most this many claims per page, in recorded order over every claim of the entity,
  // with `next_page_token` when more follow; the totals count the page's claims. The view must
  // be as of a pinned time, as for WhoSaid.
  size_t page_size = 0;
  std::string page_token;
  // As for WhoSaid: claims past this many answer bytes are left out (`truncated`) or moved to the
  // next page.
  size_t max_answer_bytes = std::numeric_limits<size_t>::max();
};

// InvalidArgument for an empty id; NotFound when unknown at the view's time.
absl::StatusOr<v1::WhoSaidResponse> WhoSaid(const ReadView& view, std::string_view statement_id,
                                            const WhoSaidOptions& options = {});
// A paged answer's first page opens its view with Database::NewPinnedReadView, the next ones
// as of paging::PinnedPageTokenAsOf(page_token). InvalidArgument ("page_token: ...") for a token
// that is malformed, of another query (statement, entity, include_inactive) or of another time.
absl::StatusOr<v1::ClaimsByResponse> ClaimsBy(const ReadView& view, std::string_view entity_id,
                                              const ClaimsByOptions& options = {});

}  // namespace claimgraph::provenance
