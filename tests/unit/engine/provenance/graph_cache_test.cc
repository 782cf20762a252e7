// ProvenanceGraph with the Database's RecordCache: traces and corroborations equal those of a
// view without the cache, warm and cold, as of the past, after writes that arrive once entries
// are cached, and from a view older than the cached entries.
#include <doctest/doctest.h>

#include <limits>

#include "engine/provenance/corroborate.h"
#include "engine/provenance/graph.h"
#include "engine/provenance/trace.h"
#include "engine/strings.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::Fixture;

// A view of the database's latest state (or as of `as_of`) that does not use the cache.
std::unique_ptr<ReadView> UncachedView(Fixture& f, std::optional<uint64_t> as_of = std::nullopt) {
  uint64_t time = as_of.value_or(std::numeric_limits<uint64_t>::max());
  return std::make_unique<ReadView>(&f.db->store(), f.db->store().NewSnapshot(), time,
                                    !as_of.has_value(), &f.db->schema(), &f.db->limits(), nullptr);
}

// Every answer the cache could change, serialized: the traces of `claims` and the
// corroboration of the fixture's statement.
std::string Answers(const ReadView& view, const std::string& statement,
                    const std::vector<std::string>& claims) {
  std::string out;
  for (const auto& claim : claims) {
    auto trace = TraceClaim(view, claim);
    out += trace.ok() ? trace->SerializeAsString() : trace.status().ToString();
    out += "|";
  }
  auto corroboration = Corroborate(view, statement);
  out +=
      corroboration.ok() ? corroboration->SerializeAsString() : corroboration.status().ToString();
  auto statement_trace = TraceStatement(view, statement);
  out += statement_trace.ok() ? statement_trace->SerializeAsString()
                              : statement_trace.status().ToString();
  return out;
}

TEST_CASE("cached provenance reads answer as uncached ones, before and after later writes") {
  Fixture f;
  f.Entity("outlet-a", "news_organisation");
  f.Entity("outlet-b", "news_organisation");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_B, 100);
  f.Source("doc-1", "outlet-b", v1::RELIABILITY_C, 101,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "doc-0"}});
  f.IranSuppliesRussia();
  for (int i = 0; i < 6; ++i) {
    f.Entity(StrCat("person-", i), "person");
    f.Claim({.id = StrCat("c", i),
             .claimant = StrCat("person-", i),
             .stance = i == 4 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS,
             .source = StrCat("doc-", i % 2),
             .relays = i > 0 && i % 2 == 0 ? StrCat("c", i - 1) : "",
             .confidence = 0.5 + 0.05 * i});
  }
  const std::vector<std::string> claims = {"c0", "c3", "c4", "c5", "c9-not-stored"};
  const uint64_t middle = ids::ToMicros(f.View()->GetClaim("c3")->recorded_at());
  RecordCache* cache = f.View()->record_cache();
  REQUIRE(cache != nullptr);

  // Cold, then warm: the second run finds its claims and ids in the cache.
  const std::string expected = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(Answers(*f.View(), f.statement_id, claims) == expected);
  const uint64_t hits = cache->Stats().hits;
  CHECK(Answers(*f.View(), f.statement_id, claims) == expected);
  CHECK(cache->Stats().hits > hits);
  CHECK(Answers(*f.View(middle), f.statement_id, claims) ==
        Answers(*UncachedView(f, middle), f.statement_id, claims));

  // Views taken now, used after the writes below have been read through the cache.
  auto old_cached = f.View();
  auto old_uncached = UncachedView(f);

  // Writes after the entries were cached: a new relay of a cached claim, a retraction of a
  // cached claim, a changed source, a new document deriving from a cached one.
  f.Entity("person-9", "person");
  f.Source("doc-2", "outlet-a", v1::RELIABILITY_A, 102, {{v1::DERIVATION_TYPE_QUOTES, "doc-1"}});
  f.Claim({.id = "c9-not-stored", .claimant = "person-9", .source = "doc-2", .relays = "c5"});
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("c3");
  retraction.set_actor_id("person-3");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  f.Source("doc-0", "outlet-b", v1::RELIABILITY_E, 100,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "doc-1"}}, 0, true);

  const std::string after = Answers(*UncachedView(f), f.statement_id, claims);
  CHECK(after != expected);  // the writes change the answers
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  CHECK(Answers(*f.View(), f.statement_id, claims) == after);
  // The older views see none of it, though the cache now holds the new claim and its ids.
  CHECK(Answers(*old_cached, f.statement_id, claims) ==
        Answers(*old_uncached, f.statement_id, claims));
  CHECK(Answers(*old_cached, f.statement_id, claims) == expected);
  CHECK(Answers(*f.View(middle), f.statement_id, claims) ==
        Answers(*UncachedView(f, middle), f.statement_id, claims));
}

}  // namespace
}  // namespace claimgraph::provenance
