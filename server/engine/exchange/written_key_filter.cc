// WrittenKeyFilter: growing blocked Bloom filter.
#include "engine/exchange/written_key_filter.h"

#include <functional>

namespace claimgraph::exchange {
namespace {

constexpr size_t kFirstSegmentKeys = size_t{1} << 20;
constexpr size_t kBitsPerKey = 10;
constexpr size_t kWordsPerBlock = 8;  // 512 bits: one cache line
constexpr int kProbes = 7;  // 7 x 9 bits of the probe hash; ~1% false positives at 10 bits per key

size_t BlockOf(uint64_t hash, size_t blocks) {
  // The high half picks the block (multiply-shift instead of a modulo); the low half, remixed,
  // picks the bits within it.
  return static_cast<size_t>(((hash >> 32) * blocks) >> 32);
}

uint64_t ProbeBits(uint64_t hash) { return (hash ^ (hash >> 29)) * 0xbf58476d1ce4e5b9ull; }

}  // namespace

uint64_t WrittenKeyFilter::Hash(std::string_view key) { return std::hash<std::string_view>()(key); }

void WrittenKeyFilter::Set(Segment& segment, uint64_t hash) {
  uint64_t* block =
      &segment.words[BlockOf(hash, segment.words.size() / kWordsPerBlock) * kWordsPerBlock];
  uint64_t probe = ProbeBits(hash);
  for (int i = 0; i < kProbes; ++i, probe >>= 9) {
    uint64_t bit = probe & 511;
    block[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

bool WrittenKeyFilter::Test(const Segment& segment, uint64_t hash) {
  const uint64_t* block =
      &segment.words[BlockOf(hash, segment.words.size() / kWordsPerBlock) * kWordsPerBlock];
  uint64_t probe = ProbeBits(hash);
  for (int i = 0; i < kProbes; ++i, probe >>= 9) {
    uint64_t bit = probe & 511;
    if ((block[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

void WrittenKeyFilter::Add(std::string_view key) {
  if (segments_.empty() || segments_.back().keys >= segments_.back().capacity) {
    Segment segment;
    segment.capacity = segments_.empty() ? kFirstSegmentKeys : segments_.back().capacity * 2;
    size_t blocks = (segment.capacity * kBitsPerKey + 511) / 512;
    segment.words.assign(blocks * kWordsPerBlock, 0);
    segments_.push_back(std::move(segment));
  }
  Set(segments_.back(), Hash(key));
  ++segments_.back().keys;
  ++keys_;
}

bool WrittenKeyFilter::MayContain(std::string_view key) const {
  uint64_t hash = Hash(key);
  for (const auto& segment : segments_) {
    if (Test(segment, hash)) return true;
  }
  return false;
}

size_t WrittenKeyFilter::memory_bytes() const {
  size_t bytes = 0;
  for (const auto& segment : segments_) bytes += segment.words.size() * sizeof(uint64_t);
  return bytes;
}

}  // namespace claimgraph::exchange
