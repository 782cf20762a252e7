// RecordCache: one mutex over an LRU list and a hash index of its keys.
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

RecordCache::RecordCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

RecordCache::Entry* RecordCache::Touch(const std::string& key) {
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, found->second);
  return &*found->second;
}

void RecordCache::Insert(Entry entry) {
  entry.bytes += entry.key.size() + sizeof(Entry) + kEntryOverhead;
  if (entry.bytes > capacity_bytes_) return;
  auto found = index_.find(entry.key);
  if (found != index_.end()) {
    // Another reader added it meanwhile: the same immutable value.
    lru_.splice(lru_.begin(), lru_, found->second);
    return;
  }
  bytes_ += entry.bytes;
  lru_.push_front(std::move(entry));
  index_.emplace(std::string_view(lru_.front().key), lru_.begin());
  while (bytes_ > capacity_bytes_) {
    Entry& last = lru_.back();
    bytes_ -= last.bytes;
    index_.erase(std::string_view(last.key));
    lru_.pop_back();
    ++evictions_;
  }
}

std::optional<uint64_t> RecordCache::FindId(keys::IdKind kind, std::string_view external) {
  std::string key = IdKey(kind, external);
  std::lock_guard lock(mutex_);
  Entry* entry = Touch(key);
  if (entry == nullptr) return std::nullopt;
  return entry->internal;
}

void RecordCache::AddId(keys::IdKind kind, std::string_view external, uint64_t internal) {
  if (internal == 0) return;
  Entry entry;
  entry.key = IdKey(kind, external);
  entry.internal = internal;
  std::lock_guard lock(mutex_);
  Insert(std::move(entry));
}

std::shared_ptr<const CachedClaim> RecordCache::FindClaim(uint64_t id) {
  std::string key = ClaimKey(id);
  std::lock_guard lock(mutex_);
  Entry* entry = Touch(key);
  if (entry == nullptr) return nullptr;
  return entry->claim;
}

void RecordCache::AddClaim(uint64_t id, std::shared_ptr<const CachedClaim> claim) {
  if (claim == nullptr) return;
  Entry entry;
  entry.key = ClaimKey(id);
  entry.bytes = sizeof(CachedClaim) + claim->claim.SpaceUsedLong() - sizeof(v1::Claim);
  entry.claim = std::move(claim);
  std::lock_guard lock(mutex_);
  Insert(std::move(entry));
}

RecordCacheStats RecordCache::Stats() const {
  std::lock_guard lock(mutex_);
  RecordCacheStats stats;
  stats.hits = hits_;
  stats.misses = misses_;
  stats.evictions = evictions_;
  stats.entries = index_.size();
  stats.bytes = bytes_;
  return stats;
}

}  // namespace claimgraph
