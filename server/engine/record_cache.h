// RecordCache: decoded records shared by every read of one Database (across calls and threads)
// under one byte bound, so hot provenance walks stop paying a RocksDB lookup and a protobuf parse
// for them on every call. Two kinds of entry:
//
// Immutable entries hold what never changes once written: forward dictionary entries (the
// dictionary is append-only: an external id, once mapped, keeps its internal id) and claim
// records ('C' keys are written once, never rewritten or deleted), each with the internal ids of
// the claim it relays and of its source (dictionary facts, immutable too). A cached entry may
// have been read from a snapshot newer than a caller's view, so a caller must only look up what
// its own view is known to hold: ids named by records it read, internal ids its view resolved or
// scanned (see ProvenanceGraph). Negative answers ("not stored") are never cached, since they
// change.
//
// State entries hold what a write may change (source and entity versions, a claim's lifecycle
// state, a statement's claims) for one state of the store only: a nonzero snapshot sequence
// (two snapshots with the same sequence hold the same data: storage/key_value_store.h) read as
// of the latest time. The cache serves one state at a time: the first entry added for a newer
// sequence retires every entry of the older one, and a lookup finds an entry only under the
// exact state it was added for, so a view older than the entries, a view as of the past and a
// view after a write never see them. Their values are type-erased: each key prefix the caller
// uses names one value type (see ProvenanceGraph).
//
// Immutable entries are kept under a cache generation (engine/cache_invariants.h): a write that
// breaks an invariant they rest on advances it, which drops them, and a lookup or addition made
// under another generation than the cache's finds and keeps nothing. Views reach the cache
// through RecordCacheAccess, which carries the generation the view was created in.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "claimgraph/v1/model.pb.h"
#include "engine/storage/key_codec.h"

namespace claimgraph {

// A stored claim and the internal ids of the ids it names (0: none).
struct CachedClaim {
  v1::Claim claim;  // as stored: statement by id only
  uint64_t relayed = 0;
  uint64_t source = 0;
};

struct RecordCacheStats {
  uint64_t hits = 0, misses = 0, evictions = 0;
  size_t entries = 0, bytes = 0;
  uint64_t state_hits = 0, state_misses = 0;
  // Times a newer snapshot sequence replaced the state entries served.
  uint64_t state_changes = 0;
};

class RecordCache {
 public:
  enum class Holds {
    kAll,
    // State entries only: AddId and AddClaim keep nothing (a one-pass rescore of every
    // statement reads each claim once, so keeping them would only churn the cache).
    kStateOnly,
  };
  // `capacity_bytes`: the most the entries may take (approximate: keys, values and bookkeeping);
  // the least recently used entries are evicted beyond it.
  explicit RecordCache(size_t capacity_bytes, Holds holds = Holds::kAll);
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;

  // For the immutable entries' calls: under whatever generation the cache is in.
  static constexpr uint64_t kAnyGeneration = ~uint64_t{0};

  // The internal id of a stored external id; nullopt when not cached (or `generation` is not
  // the cache's).
  std::optional<uint64_t> FindId(keys::IdKind kind, std::string_view external,
                                 uint64_t generation = kAnyGeneration);
  // Records a mapping read from storage under `generation`. `internal` must be nonzero (found).
  void AddId(keys::IdKind kind, std::string_view external, uint64_t internal,
             uint64_t generation = kAnyGeneration);

  // The claim with internal id `id`; nullptr when not cached.
  std::shared_ptr<const CachedClaim> FindClaim(uint64_t id, uint64_t generation = kAnyGeneration);
  void AddClaim(uint64_t id, std::shared_ptr<const CachedClaim> claim,
                uint64_t generation = kAnyGeneration);

  // Drops the immutable entries and serves `generation` from now on (a later one than the
  // cache's; an earlier one is ignored).
  void AdvanceGeneration(uint64_t generation);
  uint64_t generation() const;

  // --- state entries ---
  // The value added under `key` for the store state `sequence` (a snapshot's nonzero sequence,
  // read as of the latest time); nullptr when there is none for exactly that state.
  std::shared_ptr<const void> FindForState(uint64_t sequence, std::string_view key);
  // Adds `value` (about `bytes` bytes) for the state `sequence`. A newer sequence than the one
  // served retires the older state's entries first; an older one is not kept. Sequence 0 (a
  // store that cannot identify its states) is never kept.
  void AddForState(uint64_t sequence, std::string_view key, std::shared_ptr<const void> value,
                   size_t bytes);

  RecordCacheStats Stats() const;
  size_t capacity_bytes() const { return capacity_bytes_; }

 private:
  struct Entry {
    std::string key;  // kind byte + external id, 'C' + 8 bytes of claim id, or a state key
    uint64_t internal = 0;
    std::shared_ptr<const CachedClaim> claim;
    std::shared_ptr<const void> value;  // state entries
    size_t bytes = 0;
  };
  using List = std::list<Entry>;

  // One kind of entry: an LRU list and a hash index of its keys. Guarded by mutex_.
  struct Section {
    List lru;                                                    // most recently used first
    std::unordered_map<std::string_view, List::iterator> index;  // views of lru keys
    size_t bytes = 0;
  };

  // Finds `key` and marks it most recently used. Caller holds mutex_.
  static Entry* Touch(Section& section, const std::string& key);
  // Adds `entry` unless its key is there, then evicts beyond the byte bound. Caller holds mutex_.
  void Insert(Section& section, Entry entry);
  // Evicts the least recently used entries until both sections fit: state entries beyond half
  // the bound first (they are retired wholesale anyway), then whichever section holds entries.
  void EvictBeyondBound();
  static void PopLast(Section& section);
  // Whether a call under `generation` may use the immutable entries. Caller holds mutex_.
  bool InGeneration(uint64_t generation) const {
    return generation == kAnyGeneration || generation == generation_;
  }

  const size_t capacity_bytes_;
  const Holds holds_;
  mutable std::mutex mutex_;
  Section immutable_;            // guarded by mutex_
  Section state_;                // entries of state_sequence_ only; guarded by mutex_
  uint64_t state_sequence_ = 0;  // guarded by mutex_
  uint64_t generation_ = 0;      // of the immutable entries; guarded by mutex_
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;                  // guarded by mutex_
  uint64_t state_hits_ = 0, state_misses_ = 0, state_changes_ = 0;  // guarded by mutex_
};

// One view's access to the shared cache: every call under the cache generation the view was
// created in (taken before its snapshot), so that what the view reads before a write that broke
// an invariant is neither served to nor kept for later views.
class RecordCacheAccess {
 public:
  RecordCacheAccess(RecordCache* cache, uint64_t generation)
      : cache_(cache), generation_(generation) {}
  std::optional<uint64_t> FindId(keys::IdKind kind, std::string_view external) const {
    return cache_->FindId(kind, external, generation_);
  }
  void AddId(keys::IdKind kind, std::string_view external, uint64_t internal) const {
    cache_->AddId(kind, external, internal, generation_);
  }
  std::shared_ptr<const CachedClaim> FindClaim(uint64_t id) const {
    return cache_->FindClaim(id, generation_);
  }
  void AddClaim(uint64_t id, std::shared_ptr<const CachedClaim> claim) const {
    cache_->AddClaim(id, std::move(claim), generation_);
  }
  std::shared_ptr<const void> FindForState(uint64_t sequence, std::string_view key) const {
    return cache_->FindForState(sequence, key);
  }
  void AddForState(uint64_t sequence, std::string_view key, std::shared_ptr<const void> value,
                   size_t bytes) const {
    cache_->AddForState(sequence, key, std::move(value), bytes);
  }
  RecordCache& cache() const { return *cache_; }

 private:
  RecordCache* cache_;
  uint64_t generation_;
};

}  // namespace claimgraph
