// WrittenKeyFilter: a Bloom filter that grows with the keys added to it, for the offline loader
// to tell "never written by this load" without reading the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace claimgraph::exchange {

// Answers MayContain() with no false negatives and about 1% false positives per segment. A
// load looks up every new claim's and statement's id to find it is not there yet; once earlier
// spills are in RocksDB, each such miss costs a probe of every sorted file, while this filter
// costs a few cache lines. The capacity is not known in advance (the input is a stream), so the
// filter is a list of segments, each twice the size of the previous; a lookup checks all of
// them (a handful for any load that fits on disk). Not thread-safe.
class WrittenKeyFilter {
 public:
  void Add(std::string_view key);
  bool MayContain(std::string_view key) const;
  size_t keys() const { return keys_; }
  size_t memory_bytes() const;

 private:
  // One blocked Bloom filter: every probe of a key lands in the same 64-byte block.
  struct Segment {
    std::vector<uint64_t> words;  // 8 per block
    size_t capacity = 0;          // keys before the next segment starts
    size_t keys = 0;
  };
  static uint64_t Hash(std::string_view key);
  static void Set(Segment& segment, uint64_t hash);
  static bool Test(const Segment& segment, uint64_t hash);

  std::vector<Segment> segments_;
  size_t keys_ = 0;
};

}  // namespace claimgraph::exchange
