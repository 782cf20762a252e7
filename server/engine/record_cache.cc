// RecordCache: one mutex over two LRU sections (immutable entries, entries of one store state),
// each a list with a hash index of its keys.
#include "engine/record_cache.h"

#include <utility>

namespace claimgraph {
namespace {

// Bookkeeping per entry besides its key and value: the list node, the index node and bucket.
constexpr size_t kEntryOverhead = sizeof(void*) * 4 + 64;

std::string IdKey(keys::IdKind kind, std::string_view external) {
  std::string key;
  key.reserve(1 + external.size());
  key.push_back(static_cast<char>(kind));
  key.append(external);
  return key;
}

std::string ClaimKey(uint64_t id) {
  // 'C' is no IdKind (those are lower-case letters), so the two kinds of key never collide.
  std::string key(1, keys::kClaimRecord);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(id >> shift));
  return key;
}

}  // namespace

RecordCache::RecordCache(size_t capacity_bytes, Holds holds)
    : capacity_bytes_(capacity_bytes), holds_(holds) {}

RecordCache::Entry* RecordCache::Touch(Section& section, const std::string& key) {
  auto found = section.index.find(key);
  if (found == section.index.end()) return nullptr;
  section.lru.splice(section.lru.begin(), section.lru, found->second);
  return &*found->second;
}

void RecordCache::PopLast(Section& section) {
  Entry& last = section.lru.back();
  section.bytes -= last.bytes;
  section.index.erase(std::string_view(last.key));
  section.lru.pop_back();
}

void RecordCache::EvictBeyondBound() {
  while (immutable_.bytes + state_.bytes > capacity_bytes_) {
    const bool state_first = state_.bytes > capacity_bytes_ / 2 || immutable_.lru.empty();
    PopLast(state_first ? state_ : immutable_);
    ++evictions_;
  }
}

void RecordCache::Insert(Section& section, Entry entry) {
  entry.bytes += entry.key.size() + sizeof(Entry) + kEntryOverhead;
  if (entry.bytes > capacity_bytes_) return;
  auto found = section.index.find(entry.key);
  if (found != section.index.end()) {
    // Another reader added it meanwhile: the same value (immutable, or of the same state).
    section.lru.splice(section.lru.begin(), section.lru, found->second);
    return;
  }
  section.bytes += entry.bytes;
  section.lru.push_front(std::move(entry));
  section.index.emplace(std::string_view(section.lru.front().key), section.lru.begin());
  EvictBeyondBound();
}

std::optional<uint64_t> RecordCache::FindId(keys::IdKind kind, std::string_view external,
                                            uint64_t generation) {
  if (holds_ == Holds::kStateOnly) return std::nullopt;
  std::string key = IdKey(kind, external);
  std::lock_guard lock(mutex_);
  Entry* entry = InGeneration(generation) ? Touch(immutable_, key) : nullptr;
  if (entry == nullptr) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return entry->internal;
}

void RecordCache::AddId(keys::IdKind kind, std::string_view external, uint64_t internal,
                        uint64_t generation) {
  if (internal == 0 || holds_ == Holds::kStateOnly) return;
  Entry entry;
  entry.key = IdKey(kind, external);
  entry.internal = internal;
  std::lock_guard lock(mutex_);
  if (InGeneration(generation)) Insert(immutable_, std::move(entry));
}

std::shared_ptr<const CachedClaim> RecordCache::FindClaim(uint64_t id, uint64_t generation) {
  if (holds_ == Holds::kStateOnly) return nullptr;
  std::string key = ClaimKey(id);
  std::lock_guard lock(mutex_);
  Entry* entry = InGeneration(generation) ? Touch(immutable_, key) : nullptr;
  if (entry == nullptr) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  return entry->claim;
}

void RecordCache::AddClaim(uint64_t id, std::shared_ptr<const CachedClaim> claim,
                           uint64_t generation) {
  if (claim == nullptr || holds_ == Holds::kStateOnly) return;
  Entry entry;
  entry.key = ClaimKey(id);
  entry.bytes = sizeof(CachedClaim) + claim->claim.SpaceUsedLong() - sizeof(v1::Claim);
  entry.claim = std::move(claim);
  std::lock_guard lock(mutex_);
  if (InGeneration(generation)) Insert(immutable_, std::move(entry));
}

void RecordCache::AdvanceGeneration(uint64_t generation) {
  Section retired;
  {
    std::lock_guard lock(mutex_);
    if (generation <= generation_) return;
    generation_ = generation;
    // Freed below, outside the lock.
    retired.lru.swap(immutable_.lru);
    retired.index.swap(immutable_.index);
    immutable_.bytes = 0;
  }
}

uint64_t RecordCache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::shared_ptr<const void> RecordCache::FindForState(uint64_t sequence, std::string_view key) {
  std::string wanted(key);
  std::lock_guard lock(mutex_);
  Entry* entry = sequence != 0 && sequence == state_sequence_ ? Touch(state_, wanted) : nullptr;
  if (entry == nullptr) {
    ++state_misses_;
    return nullptr;
  }
  ++state_hits_;
  return entry->value;
}

void RecordCache::AddForState(uint64_t sequence, std::string_view key,
                              std::shared_ptr<const void> value, size_t bytes) {
  if (sequence == 0 || value == nullptr) return;
  Entry entry;
  entry.key = std::string(key);
  entry.value = std::move(value);
  entry.bytes = bytes;
  Section retired;
  {
    std::lock_guard lock(mutex_);
    if (sequence < state_sequence_) return;
    if (sequence > state_sequence_) {
      // A newer state: what the older one held may have changed since. The entries are freed
      // below, outside the lock.
      retired.lru.swap(state_.lru);
      retired.index.swap(state_.index);
      state_.bytes = 0;
      state_sequence_ = sequence;
      ++state_changes_;
    }
    Insert(state_, std::move(entry));
  }
}

RecordCacheStats RecordCache::Stats() const {
  std::lock_guard lock(mutex_);
  RecordCacheStats stats;
  stats.hits = hits_;
  stats.misses = misses_;
  stats.evictions = evictions_;
  stats.entries = immutable_.index.size() + state_.index.size();
  stats.bytes = immutable_.bytes + state_.bytes;
  stats.state_hits = state_hits_;
  stats.state_misses = state_misses_;
  stats.state_changes = state_changes_;
  return stats;
}

}  // namespace claimgraph
