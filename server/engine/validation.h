// The validation layer: field-level checks of every input message, returning InvalidArgument
// whose message starts with the offending field path ("claim.confidence: ..."). Checks that need
// the database (existence, schema types) are made by the Database on top of these.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

#include "absl/status/status.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/limits.h"

namespace claimgraph::validation {

// An id: non-empty, at most max_id_bytes, valid UTF-8, no control characters or NUL.
absl::Status CheckId(std::string_view field, std::string_view id, const Limits& limits);
// A free string: valid UTF-8, at most `max_bytes`, no NUL.
absl::Status CheckString(std::string_view field, std::string_view value, size_t max_bytes);
absl::Status CheckTimestamp(std::string_view field, const google::protobuf::Timestamp& timestamp);

absl::Status CheckEntity(const claimgraph::v1::Entity& entity, const Limits& limits);
absl::Status CheckSource(const claimgraph::v1::Source& source, const Limits& limits);
absl::Status CheckValue(std::string_view field, const claimgraph::v1::Value& value,
                        const Limits& limits);
absl::Status CheckStatement(std::string_view field, const claimgraph::v1::Statement& statement,
                            const Limits& limits);
// Checks a claim as given by a client (statement inline or by id).
absl::Status CheckClaim(const claimgraph::v1::Claim& claim, const Limits& limits);
absl::Status CheckAssessment(const claimgraph::v1::Assessment& assessment, const Limits& limits);
absl::Status CheckLifecycleEvent(const claimgraph::v1::LifecycleEvent& event,
                                 const Limits& limits);
absl::Status CheckPageSize(int32_t page_size, const Limits& limits);

}  // namespace claimgraph::validation

namespace claimgraph::validation {

// The as_of of a read request in micros: nullopt when absent (read now). InvalidArgument
// ("as_of: ...") for a timestamp outside the valid range or before the Unix epoch.
absl::StatusOr<std::optional<uint64_t>> ParseAsOf(bool present,
                                                  const google::protobuf::Timestamp& as_of);
// The same for any other time field of a request, named in the error.
absl::StatusOr<std::optional<uint64_t>> ParseTime(std::string_view field, bool present,
                                                  const google::protobuf::Timestamp& time);

// Input echoed in an error message: quoted, and cut after kMaxEchoBytes (on a UTF-8 boundary)
// with its full size, so that a 10 MB value gives a short message and a short log line.
inline constexpr size_t kMaxEchoBytes = 200;
std::string Quote(std::string_view input);

}  // namespace claimgraph::validation
