// A deterministic generator of realistic claims data in the import record format, at any size:
// entities of every schema type with power-law degrees, statements drawn from the schema's
// predicates respecting domain and range, claimants (people speaking for organisations, outlets,
// unnamed officials), sources with republication, quotation and citation chains (and a few
// derivation cycles closed by later source updates), relay chains, retractions, deprecations,
// corrections and assessments. The same options give the same records, byte for byte.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/schema/schema_registry.h"

namespace claimgraph::bench {

struct GeneratorOptions {
  uint64_t seed = 1;
  uint64_t entities = 1000;  // at least one per entity type of the schema
  uint64_t claims = 5000;
  // One new source per this many claims.
  uint64_t claims_per_source = 8;
};

struct GeneratorCounts {
  uint64_t entities = 0, sources = 0, source_updates = 0, claims = 0, relays = 0, assessments = 0,
           lifecycle_events = 0;
};

// Emits every record in an order that imports cleanly (each reference after its target). Stops
// with the first non-OK status `emit` returns. `schema` must outlive the call.
absl::StatusOr<GeneratorCounts> GenerateClaims(
    const GeneratorOptions& options, const schema::SchemaRegistry& schema,
    const std::function<absl::Status(const v1::ImportRecord&)>& emit);

}  // namespace claimgraph::bench
