// RecordCache: ids and claims found after being added, nothing negative kept, and the byte bound
// enforced by evicting the least recently used entries.
#include "engine/record_cache.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace claimgraph {
namespace {

std::shared_ptr<const CachedClaim> MakeCachedClaim(const std::string& id, uint64_t relayed) {
  auto claim = std::make_shared<CachedClaim>();
  claim->claim.set_id(id);
  claim->relayed = relayed;
  return claim;
}

TEST_CASE("record cache returns what was added and nothing else") {
  RecordCache cache(1 << 20);
  CHECK(!cache.FindId(keys::IdKind::kSource, "doc-1").has_value());
  cache.AddId(keys::IdKind::kSource, "doc-1", 7);
  CHECK(cache.FindId(keys::IdKind::kSource, "doc-1") == std::optional<uint64_t>(7));
  // The same external id of another kind is another entry.
  CHECK(!cache.FindId(keys::IdKind::kEntity, "doc-1").has_value());
  // "Not stored" is never kept: it stops being true when the id is written.
  cache.AddId(keys::IdKind::kEntity, "ghost", 0);
  CHECK(!cache.FindId(keys::IdKind::kEntity, "ghost").has_value());

  CHECK(cache.FindClaim(3) == nullptr);
  cache.AddClaim(3, MakeCachedClaim("c3", 2));
  auto found = cache.FindClaim(3);
  REQUIRE(found != nullptr);
  CHECK(found->claim.id() == "c3");
  CHECK(found->relayed == 2);
  CHECK(cache.FindClaim(4) == nullptr);
  auto stats = cache.Stats();
  CHECK(stats.entries == 2);
  CHECK(stats.hits == 2);
  CHECK(stats.bytes <= cache.capacity_bytes());
}

TEST_CASE("record cache keeps immutable entries only under the generation they were added in") {
  RecordCache cache(1 << 20);
  CHECK(cache.generation() == 0);
  cache.AddId(keys::IdKind::kEntity, "a", 1, 0);
  cache.AddClaim(3, MakeCachedClaim("c3", 0), 0);
  CHECK(cache.FindId(keys::IdKind::kEntity, "a", 0) == std::optional<uint64_t>(1));
  cache.AdvanceGeneration(1);  // a write broke an invariant: everything learnt before goes
  CHECK(!cache.FindId(keys::IdKind::kEntity, "a", 1).has_value());
  CHECK(cache.FindClaim(3, 1) == nullptr);
  CHECK(cache.Stats().entries == 0);
  // A view of the older generation neither finds nor adds anything any more.
  cache.AddId(keys::IdKind::kEntity, "b", 2, 0);
  CHECK(!cache.FindId(keys::IdKind::kEntity, "b", 1).has_value());
  CHECK(!cache.FindId(keys::IdKind::kEntity, "b", 0).has_value());
  cache.AddId(keys::IdKind::kEntity, "b", 2, 1);
  CHECK(cache.FindId(keys::IdKind::kEntity, "b", 1) == std::optional<uint64_t>(2));
  CHECK(!cache.FindId(keys::IdKind::kEntity, "b", 0).has_value());
  // Generations only move forward.
  cache.AdvanceGeneration(0);
  CHECK(cache.generation() == 1);
  CHECK(cache.FindId(keys::IdKind::kEntity, "b", 1) == std::optional<uint64_t>(2));
}

TEST_CASE("record cache stays within its byte bound and evicts the least recently used") {
  RecordCache cache(4096);
  for (uint64_t i = 1; i <= 1000; ++i) {
    cache.AddId(keys::IdKind::kClaim, "claim-" + std::to_string(i), i);
    // Keep the first one in use: it must survive every eviction.
    CHECK(cache.FindId(keys::IdKind::kClaim, "claim-1") == std::optional<uint64_t>(1));
    CHECK(cache.Stats().bytes <= 4096);
  }
  auto stats = cache.Stats();
  CHECK(stats.evictions > 0);
  CHECK(stats.entries < 1000);
  CHECK(!cache.FindId(keys::IdKind::kClaim, "claim-2").has_value());
  CHECK(cache.FindId(keys::IdKind::kClaim, "claim-1000") == std::optional<uint64_t>(1000));
  // An entry larger than the whole cache is not kept.
  RecordCache tiny(16);
  tiny.AddClaim(1, MakeCachedClaim("c1", 0));
  CHECK(tiny.FindClaim(1) == nullptr);
  CHECK(tiny.Stats().bytes == 0);
}

TEST_CASE("record cache serves state entries only under the state they were added for") {
  RecordCache cache(1 << 20);
  auto value = std::make_shared<const std::string>("doc-1 as of sequence 10");
  cache.AddForState(10, "Sdoc-1", value, 64);
  auto found = cache.FindForState(10, "Sdoc-1");
  REQUIRE(found != nullptr);
  CHECK(*std::static_pointer_cast<const std::string>(found) == "doc-1 as of sequence 10");
  CHECK(cache.FindForState(9, "Sdoc-1") == nullptr);   // an older view
  CHECK(cache.FindForState(11, "Sdoc-1") == nullptr);  // a newer one
  CHECK(cache.FindForState(10, "Sdoc-2") == nullptr);
  // An older state's value is not kept, and does not replace the newer state.
  cache.AddForState(9, "Sdoc-2", value, 64);
  CHECK(cache.FindForState(9, "Sdoc-2") == nullptr);
  CHECK(cache.FindForState(10, "Sdoc-1") != nullptr);
  // Sequence 0 (a store without sequences) is never kept nor matched.
  cache.AddForState(0, "Sdoc-3", value, 64);
  CHECK(cache.FindForState(0, "Sdoc-3") == nullptr);
  // Immutable entries live beside them under the same keys' bytes without colliding.
  cache.AddId(keys::IdKind::kSource, "doc-1", 5);
  // A newer state retires every entry of the older one; immutable entries stay.
  cache.AddForState(12, "Sdoc-2", std::make_shared<const std::string>("doc-2"), 64);
  CHECK(cache.FindForState(12, "Sdoc-2") != nullptr);
  CHECK(cache.FindForState(12, "Sdoc-1") == nullptr);
  CHECK(cache.FindForState(10, "Sdoc-1") == nullptr);
  CHECK(cache.FindId(keys::IdKind::kSource, "doc-1") == std::optional<uint64_t>(5));
  auto stats = cache.Stats();
  CHECK(stats.entries == 2);
  CHECK(stats.state_changes == 2);
  CHECK(stats.state_hits == 3);
}

TEST_CASE("record cache keeps state entries within the byte bound") {
  RecordCache cache(8192);
  for (uint64_t i = 1; i <= 500; ++i) {
    cache.AddId(keys::IdKind::kClaim, "claim-" + std::to_string(i), i);
    cache.AddForState(1, "S" + std::to_string(i), std::make_shared<const int>(1), 32);
    CHECK(cache.Stats().bytes <= 8192);
  }
  CHECK(cache.Stats().evictions > 0);
  CHECK(cache.FindForState(1, "S500") != nullptr);
  CHECK(cache.FindId(keys::IdKind::kClaim, "claim-500") == std::optional<uint64_t>(500));
}

}  // namespace
}  // namespace claimgraph
