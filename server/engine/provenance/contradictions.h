// Contradictions about a statement or an entity: independent origins on both sides, different
// objects of a functional predicate, retracted or corrected claims, and FALSE verdicts on
// statements that claims still support (docs/provenance.md section 5).
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "claimgraph/v1/provenance_service.pb.h"
#include "engine/read_view.h"

namespace claimgraph::provenance {

struct ContradictionsOptions {
  // An entity's statements examined at most (subject or entity object); beyond: `truncated`.
  size_t max_statements = 1'000;
};

// InvalidArgument for an empty id; NotFound when unknown at the view's time.
absl::StatusOr<v1::ContradictionsResponse> ContradictionsOfStatement(const ReadView& view,
                                                                     std::string_view statement_id);
absl::StatusOr<v1::ContradictionsResponse> ContradictionsOfEntity(
    const ReadView& view, std::string_view entity_id, const ContradictionsOptions& options = {});

}  // namespace claimgraph::provenance
