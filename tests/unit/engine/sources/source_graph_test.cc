// SourceGraph against the records it mirrors: on random derivation graphs written version by
// version (regrades, new publishers, links added and replaced, self links, cycles closed by
// updates), every source and every derivation component a provenance walk reads from the graph
// equals the one it reads from the store, as of every write and now, for the graph the commits
// fed, for the one an open loaded by its scan, and after a write that advanced the cache
// generation (which loads it again).
#include <doctest/doctest.h>

#include <limits>
#include <random>

#include "engine/provenance/graph.h"
#include "engine/sources/source_graph.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "unit/engine/provenance/provenance_fixture.h"
#include "unit/engine/test_database.h"

namespace claimgraph::sources {
namespace {

using claimgraph::testing::Must;
using provenance::ProvenanceGraph;
using provenance::testing::Fixture;

// A view of `f`'s database that reads the records only (no cache, no source graph).
std::unique_ptr<ReadView> StoreOnlyView(Fixture& f, std::optional<uint64_t> as_of) {
  uint64_t time = as_of.value_or(std::numeric_limits<uint64_t>::max());
  return std::make_unique<ReadView>(&f.db->store(), f.db->store().NewSnapshot(), time,
                                    !as_of.has_value(), &f.db->schema(), &f.db->limits(), nullptr);
}

// Every source of `ids`, and its derivation component, as the two graphs read them.
void CheckSameSources(Fixture& f, const std::vector<std::string>& ids,
                      std::optional<uint64_t> as_of, const std::string& why) {
  INFO(why);
  auto from_graph_view = f.View(as_of);
  REQUIRE(from_graph_view->source_graph() != nullptr);
  auto from_store_view = StoreOnlyView(f, as_of);
  ProvenanceGraph from_graph(*from_graph_view);
  ProvenanceGraph from_store(*from_store_view);
  REQUIRE(from_graph.reads_source_graph());
  REQUIRE(!from_store.reads_source_graph());
  for (const auto& id : ids) {
    INFO(id);
    auto internal = Must(from_store_view->Resolve(keys::IdKind::kSource, id));
    if (!internal) continue;
    auto a = Must(from_graph.Source(*internal));
    auto b = Must(from_store.Source(*internal));
    REQUIRE((a == nullptr) == (b == nullptr));
    if (a == nullptr) continue;
    CHECK(a->facts == b->facts);
    auto ca = Must(from_graph.Component(*internal));
    auto cb = Must(from_store.Component(*internal));
    REQUIRE(ca != nullptr);
    REQUIRE(cb != nullptr);
    CHECK(ca->members == cb->members);
    CHECK(ca->roots == cb->roots);
    CHECK(ca->cycle == cb->cycle);
    CHECK(ca->root == cb->root);
  }
}

TEST_CASE("the source graph answers every source and component as the records do, at every time") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    Fixture f;
    std::mt19937 random(seed);
    auto below = [&](size_t n) { return static_cast<size_t>(random() % n); };
    const std::vector<v1::DerivationType> types = {
        v1::DERIVATION_TYPE_REPUBLISHES, v1::DERIVATION_TYPE_QUOTES, v1::DERIVATION_TYPE_CITES,
        v1::DERIVATION_TYPE_REVISES, v1::DERIVATION_TYPE_PRIMARY_SOURCE};
    for (int p = 0; p < 4; ++p) f.Entity(StrCat("outlet-", p), "news_organisation");
    std::vector<std::string> ids;
    std::vector<uint64_t> times;
    auto links = [&](size_t count, size_t pool, const std::string& self) {
      std::vector<std::pair<v1::DerivationType, std::string>> derived;
      for (size_t i = 0; i < count && pool > 0; ++i) {
        // Mostly earlier sources; sometimes the source itself.
        std::string target = below(8) == 0 ? self : ids[below(pool)];
        derived.emplace_back(types[below(types.size())], target);
      }
      return derived;
    };
    auto write = [&](const std::string& id, size_t link_count, bool update) {
      f.Source(id, StrCat("outlet-", below(4)), static_cast<v1::Reliability>(1 + below(6)),
               below(3) == 0 ? 0 : static_cast<int64_t>(100 + below(50)),
               links(link_count, ids.size(), id), below(2) == 0 ? 0 : 150, update);
      times.push_back(Must(f.View()->CommittedClock()));
    };
    for (int i = 0; i < 40; ++i) {
      std::string id = StrCat("doc-", i);
      write(id, below(3), false);
      ids.push_back(id);
    }
    // Updates: any source may now derive from any other (cycles), or lose its links.
    for (int i = 0; i < 40; ++i) write(ids[below(ids.size())], below(4), true);

    CheckSameSources(f, ids, std::nullopt, "now, fed by the commits");
    for (size_t i = 0; i < times.size(); i += 7) {
      CheckSameSources(f, ids, times[i], StrCat("as of write ", i));
      CheckSameSources(f, ids, times[i] - 1, StrCat("just before write ", i));
    }
    f.Reopen();
    CheckSameSources(f, ids, std::nullopt, "now, loaded by the open's scan");
    for (size_t i = 3; i < times.size(); i += 7) {
      CheckSameSources(f, ids, times[i], StrCat("after a reopen, as of write ", i));
    }
    // A type change advances the cache generation: the graph is loaded again and serves on.
    const uint64_t generation = f.View()->cache_generation();
    v1::Entity retype;
    retype.set_id("outlet-0");
    retype.set_type("company");
    Must(f.db->UpdateEntity(retype, {"type"}, f.context));
    REQUIRE(f.View()->cache_generation() == generation + 1);
    write(ids[0], 2, true);
    CheckSameSources(f, ids, std::nullopt, "after the cache generation moved");
    CheckSameSources(f, ids, times[5], "as of the past, after the cache generation moved");
  }
}

TEST_CASE("a view older than the graph's latest commit reads the sources its snapshot holds") {
  Fixture f;
  f.Entity("outlet-a", "news_organisation");
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_B, 100);
  f.Source("doc-1", "outlet-a", v1::RELIABILITY_C, 101, {{v1::DERIVATION_TYPE_QUOTES, "doc-0"}});
  auto old_view = f.View();
  // Later: doc-0 regraded and made to derive from doc-1 (a cycle), and a new doc-2.
  f.Source("doc-0", "outlet-a", v1::RELIABILITY_E, 100, {{v1::DERIVATION_TYPE_CITES, "doc-1"}}, 0,
           true);
  f.Source("doc-2", "outlet-a", v1::RELIABILITY_A, 102, {{v1::DERIVATION_TYPE_CITES, "doc-0"}});
  ProvenanceGraph old_graph(*old_view);
  REQUIRE(old_graph.reads_source_graph());
  auto doc0 = *Must(old_view->Resolve(keys::IdKind::kSource, "doc-0"));
  // doc-2 is not in the old snapshot's dictionary: its id comes from a newer view.
  CHECK(!Must(old_view->Resolve(keys::IdKind::kSource, "doc-2")));
  auto doc2 = *Must(f.View()->Resolve(keys::IdKind::kSource, "doc-2"));
  const provenance::SourceNode* old_doc0 = Must(old_graph.Source(doc0));
  REQUIRE(old_doc0 != nullptr);
  CHECK(old_doc0->facts.reliability == v1::RELIABILITY_B);
  CHECK(old_doc0->facts.earlier.empty());
  CHECK(Must(old_graph.Source(doc2)) == nullptr);
  CHECK(!Must(old_graph.Component(doc0))->cycle);

  ProvenanceGraph new_graph(*f.View());
  REQUIRE(new_graph.reads_source_graph());
  CHECK(Must(new_graph.Source(doc0))->facts.reliability == v1::RELIABILITY_E);
  CHECK(Must(new_graph.Component(doc0))->cycle);
  CHECK(Must(new_graph.Source(doc2)) != nullptr);
}

}  // namespace
}  // namespace claimgraph::sources
