// The facts the engine's caches rest on, stated once, and the generation that tells every cache
// when a write broke one of them.
//
// Each cache below keeps what it read for as long as these hold:
//
// | invariant                                   | caches that rely on it                        |
// |---------------------------------------------|-----------------------------------------------|
// | the dictionary is append-only: an external  | RecordCache ids, the writer's resolutions,    |
// |   id keeps its internal id for good         |   the topology's id copies and KnowsEntity,   |
// |                                             |   the source graph's links                    |
// | claims are immutable once written           | RecordCache claims                            |
// | an entity keeps its type                    | the writer's entity types                     |
// | entities and edges are never removed        | the topology (KnowsEntity, its vertex set),   |
// |                                             |   the writer's resolutions                    |
// | sources and their versions are never        | the source graph (sources/source_graph.h)     |
// |   removed or rewritten                      |                                               |
// | a relayed claim is stored before, or in the | RecordCache claims (their relayed ids)        |
// |   batch of, the claim that relays it        |                                               |
//
// A write that breaks one (an entity's type change today; an entity merge or the erasure of a
// person's data when they come) calls Transaction::BreakInvariant. Its batch stores the next
// generation (meta key "generation"), and once the batch is committed the Database publishes it:
// the writer drops its resolutions, the RecordCache drops what it holds, the source graph is
// loaded again from a snapshot holding the commit, commit observers (the topology) see the new
// generation and rebuild. Readers take the generation before their
// snapshot, and a cache serves or keeps an entry only under the generation it was read in, so
// nothing read before the change is served after it.
#pragma once

#include <cstdint>

namespace claimgraph {

enum class Invariant {
  kDictionaryAppendOnly,
  kClaimsImmutable,
  kEntityTypesFixed,
  kNothingRemoved,
  kRelayedStoredFirst,
};

// The generation of a database that never broke an invariant.
inline constexpr uint64_t kFirstCacheGeneration = 0;

}  // namespace claimgraph
