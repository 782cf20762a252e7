// RecordCache: decoded records that never change once written, shared by every read of one
// Database (across calls and threads) under a byte bound, so hot provenance walks stop paying a
// RocksDB lookup and a protobuf parse for them on every call.
//
// It holds only what is immutable for its key: forward dictionary entries (the dictionary is
// append-only: an external id, once mapped, keeps its internal id) and claim records ('C' keys
// are written once, never rewritten or deleted), each with the internal ids of the claim it
// relays and of its source (dictionary facts, immutable too). Mutable records (entity and source
// versions, lifecycle markers and events) are never cached. A cached entry may have been read
// from a snapshot newer than a caller's view, so a caller must only look up what its own view
// is known to hold: ids named by records it read, internal ids its view resolved or scanned
// (see ProvenanceGraph). Negative answers ("not stored") are never cached, since they change.
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
#include "engine/key_codec.h"

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
};

class RecordCache {
 public:
  // `capacity_bytes`: the most the entries may take (approximate: keys, values and bookkeeping);
  // the least recently used entries are evicted beyond it.
  explicit RecordCache(size_t capacity_bytes);
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;

  // The internal id of a stored external id; nullopt when not cached.
  std::optional<uint64_t> FindId(keys::IdKind kind, std::string_view external);
  // Records a mapping read from storage. `internal` must be nonzero (found).
  void AddId(keys::IdKind kind, std::string_view external, uint64_t internal);

  // The claim with internal id `id`; nullptr when not cached.
  std::shared_ptr<const CachedClaim> FindClaim(uint64_t id);
  void AddClaim(uint64_t id, std::shared_ptr<const CachedClaim> claim);

  RecordCacheStats Stats() const;
  size_t capacity_bytes() const { return capacity_bytes_; }

 private:
  struct Entry {
    std::string key;  // kind byte + external id, or 'C' + 8 bytes of claim id
    uint64_t internal = 0;
    std::shared_ptr<const CachedClaim> claim;
    size_t bytes = 0;
  };
  using List = std::list<Entry>;

  // Finds `key` and marks it most recently used. Caller holds mutex_.
  Entry* Touch(const std::string& key);
  // Caller holds mutex_.
  void Insert(Entry entry);

  const size_t capacity_bytes_;
  mutable std::mutex mutex_;
  List lru_;  // most recently used first; guarded by mutex_
  std::unordered_map<std::string_view, List::iterator> index_;  // views of lru_ keys
  size_t bytes_ = 0;                                            // guarded by mutex_
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;              // guarded by mutex_
};

}  // namespace claimgraph
