// Content-derived ids: the same statement (or claim, assessment, event) always gets the same id,
// so re-imports and retries never duplicate. Also the time conversions every layer shares.
#pragma once

#include <cstdint>
#include <string>

#include "claimgraph/v1/model.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace claimgraph::ids {

// "st_" + 32 hex digits of SHA-256 over the canonical statement (qualifiers sorted, output fields
// cleared, and for a symmetric predicate the smaller entity id first). Stable across releases:
// the canonical form is part of the on-disk format.
std::string StatementId(const claimgraph::v1::Statement& statement, bool symmetric);
// The statement in canonical form: qualifiers sorted and de-duplicated, output fields cleared,
// and, when `symmetric` (the predicate is declared symmetric in the schema) and the object is an
// entity, subject and object ordered by entity id (byte order, smaller first), so that both
// orientations of a symmetric proposition are one statement.
claimgraph::v1::Statement CanonicalStatement(const claimgraph::v1::Statement& statement,
                                             bool symmetric);
// "cl_" / "as_" / "ev_" + 32 hex digits over the record with output fields and its id cleared.
std::string DerivedClaimId(const claimgraph::v1::Claim& normalized_claim);
std::string DerivedAssessmentId(const claimgraph::v1::Assessment& assessment);
std::string DerivedEventId(const claimgraph::v1::LifecycleEvent& event);
// Hex of the first 16 bytes of SHA-256(bytes).
std::string HashHex(const std::string& bytes);

// Microseconds since the Unix epoch; 0 stands for "unset".
uint64_t ToMicros(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp FromMicros(uint64_t micros);
uint64_t NowMicros();

}  // namespace claimgraph::ids
