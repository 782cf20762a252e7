// Update masks as Google AIP-134 defines them, for every Update RPC: one reading of a mask, by
// reflection over the record's top-level fields, so that entities and sources cannot drift.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace claimgraph {

struct UpdatableFields {
  // Fields an update never writes: the key and output-only fields. Skipped by "*" and by an
  // implied mask; named in a mask, they are INVALID_ARGUMENT.
  std::set<std::string, std::less<>> fixed;
  // Fields that keep their first value: an update may carry the value they already have, any
  // other value is INVALID_ARGUMENT naming `record.field`.
  std::set<std::string, std::less<>> immutable;
};

// Applies `patch` to `target` (messages of one type): `paths` empty (the mask omitted) updates
// every field populated in `patch`; "*" (alone) replaces every updatable field; otherwise the
// named top-level fields, each replaced whole. `record` names the message in errors ("entity").
// On error `target` may be partly updated: the caller discards it.
absl::Status ApplyFieldMask(std::string_view record, const google::protobuf::Message& patch,
                            const std::vector<std::string>& paths, const UpdatableFields& rules,
                            google::protobuf::Message* target);

}  // namespace claimgraph
