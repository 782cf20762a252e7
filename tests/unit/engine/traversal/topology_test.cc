// The in-memory topology: edges written after its build are seen through the overlay, a pinned
// query keeps its version while writes arrive, rebuilds fold the overlay in, and past as_of
// answers come out as they were.
#include "engine/traversal/topology.h"

#include <doctest/doctest.h>

#include <thread>

#include "engine/traversal/queries.h"
#include "random_graph.h"

namespace claimgraph::traversal {
namespace {

using testing::TempDatabase;

void AddEntity(Database& db, const std::string& id, const std::string& type = "country") {
  v1::Entity entity;
  entity.set_id(id);
  entity.set_type(type);
  entity.set_name(id);
  REQUIRE(db.CreateEntity(entity, WriteContext()).ok());
}

// Claims "subject trusts object" (statement made distinct by `serial`); returns the claim.
v1::Claim AddClaim(Database& db, const std::string& subject, const std::string& object, int serial,
                   v1::Stance stance = v1::STANCE_SUPPORTS, double confidence = 0.9) {
  v1::Claim claim;
  auto* statement = claim.mutable_statement();
  statement->set_subject_id(subject);
  statement->set_predicate("trusts");
  statement->mutable_object()->set_entity_id(object);
  auto* qualifier = statement->add_qualifiers();
  qualifier->set_key("serial");
  qualifier->mutable_value()->set_integer_value(serial);
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(stance);
  claim.mutable_claimant()->set_entity_id("claimant");
  claim.set_confidence(confidence);
  claim.set_cue(std::to_string(serial) + (stance == v1::STANCE_REFUTES ? "r" : "s"));
  auto written = db.CreateClaim(claim, "", WriteContext());
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  return written->record;
}

std::vector<std::string> NeighborIds(const EdgeSource& source, const std::string& entity,
                                     StanceFilter stance = StanceFilter::kIncludeDisputed) {
  NeighborsRequest request;
  request.entity_id = entity;
  request.filter.stance = stance;
  request.page_size = 1000;
  auto result = Neighbors(source, request);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  std::vector<std::string> ids;
  for (const auto& edge : result->edges) {
    auto id = source.view().ExternalId(keys::IdKind::kEntity, edge.other);
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  return ids;
}

}  // namespace

TEST_CASE("the topology sees edges and aggregate changes written after its build") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  for (const char* id : {"a", "b", "c", "d"}) AddEntity(db, id);
  AddClaim(db, "a", "b", 1);
  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  CHECK((*manager)->GetStats().edges == 1);

  auto before = (*manager)->Pin();
  REQUIRE(before.ok());
  CHECK(before->from_topology);
  // The instant of the last commit by the database's own clock, which may run ahead of the wall
  // clock when writes come faster than its resolution: as of it, exactly the first edge exists.
  auto pinned = db.NewPinnedReadView();
  REQUIRE(pinned.ok());
  uint64_t time_before = (*pinned)->as_of();

  // A new edge and a refutation of the old one, both after the build.
  AddClaim(db, "a", "c", 2);
  AddClaim(db, "a", "b", 1, v1::STANCE_REFUTES);
  auto after = (*manager)->Pin();
  REQUIRE(after.ok());
  CHECK(after->from_topology);
  CHECK((*manager)->GetStats().overlay_entries >= 2);
  CHECK(NeighborIds(*after->source, "a") == std::vector<std::string>{"b", "c"});
  CHECK(NeighborIds(*after->source, "a", StanceFilter::kSupportedOnly) ==
        std::vector<std::string>{"c"});
  CHECK(NeighborIds(*after->source, "c").empty());  // out-edges only by default

  // The query pinned before the writes still answers for its own version.
  CHECK(NeighborIds(*before->source, "a") == std::vector<std::string>{"b"});
  CHECK(NeighborIds(*before->source, "a", StanceFilter::kSupportedOnly) ==
        std::vector<std::string>{"b"});

  // A past as_of gives the answer as of then, from the topology too.
  auto past = (*manager)->Pin(time_before);
  REQUIRE(past.ok());
  CHECK(past->from_topology);
  CHECK(NeighborIds(*past->source, "a") == std::vector<std::string>{"b"});
  CHECK(NeighborIds(*past->source, "a", StanceFilter::kSupportedOnly) ==
        std::vector<std::string>{"b"});

  // The same answers after a rebuild folds the overlay into the base.
  REQUIRE((*manager)->Rebuild().ok());
  CHECK((*manager)->GetStats().edges == 2);
  auto rebuilt = (*manager)->Pin();
  REQUIRE(rebuilt.ok());
  CHECK(NeighborIds(*rebuilt->source, "a") == std::vector<std::string>{"b", "c"});
  CHECK(NeighborIds(*rebuilt->source, "a", StanceFilter::kSupportedOnly) ==
        std::vector<std::string>{"c"});
  auto past_after_rebuild = (*manager)->Pin(time_before);
  REQUIRE(past_after_rebuild.ok());
  CHECK(NeighborIds(*past_after_rebuild->source, "a", StanceFilter::kSupportedOnly) ==
        std::vector<std::string>{"b"});
}

TEST_CASE("queries pinned while another thread writes see one consistent version") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  AddEntity(db, "hub");
  constexpr int kSpokes = 200;
  for (int i = 0; i < kSpokes; ++i) AddEntity(db, "s" + std::to_string(i));
  auto manager = TopologyManager::Create(&db, TopologyOptions{50, 64});
  REQUIRE(manager.ok());
  std::thread writer([&] {
    for (int i = 0; i < kSpokes; ++i) AddClaim(db, "hub", "s" + std::to_string(i), i);
  });
  // Each query's answer must be a prefix of the spokes in write order: the writes are
  // sequential, so any consistent version holds spokes 0..n-1 for some n, never a gap.
  size_t last = 0;
  while (last < static_cast<size_t>(kSpokes)) {
    auto pinned = (*manager)->Pin();
    REQUIRE(pinned.ok());
    TraverseRequest request;
    request.start_ids = {"hub"};
    auto result = Traverse(*pinned->source, request);
    REQUIRE(result.ok());
    std::set<int> spokes;
    for (const auto& reached : result->reached) {
      if (reached.depth == 0) continue;
      auto id = pinned->view->ExternalId(keys::IdKind::kEntity, reached.entity);
      REQUIRE(id.ok());
      spokes.insert(std::stoi(id->substr(1)));
    }
    CHECK((spokes.empty() ||
           (*spokes.begin() == 0 && *spokes.rbegin() + 1 == static_cast<int>(spokes.size()))));
    CHECK(spokes.size() >= last);  // versions only move forward
    last = spokes.size();
    if (last == static_cast<size_t>(kSpokes)) break;
    std::this_thread::yield();
  }
  writer.join();
  // The overlay passed its threshold several times: background rebuilds folded it in.
  for (int wait = 0; wait < 1000 && (*manager)->GetStats().rebuilds < 2; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK((*manager)->GetStats().rebuilds >= 2);
  auto final_pin = (*manager)->Pin();
  REQUIRE(final_pin.ok());
  CHECK(NeighborIds(*final_pin->source, "hub").size() == static_cast<size_t>(kSpokes));
}

TEST_CASE("an entity unknown or created after as_of is not found, one created since is") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  AddEntity(db, "a");
  AddEntity(db, "b");
  AddClaim(db, "a", "b", 1);
  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  // The instant before c's creation, from the database's own clock: a reading of the system
  // clock here could fall after the time the write takes, when the clock steps back between them.
  v1::Entity c;
  c.set_id("c");
  c.set_type("country");
  c.set_name("c");
  auto created = db.CreateEntity(c, WriteContext());  // after the build, no edge
  REQUIRE(created.ok());
  uint64_t before_c = ids::ToMicros(created->record.recorded_at()) - 1;
  auto current = (*manager)->Pin();
  auto past = (*manager)->Pin(before_c);
  REQUIRE(current.ok());
  REQUIRE(past.ok());

  auto neighbors = [](const PinnedGraph& pinned, const std::string& id) {
    NeighborsRequest request;
    request.entity_id = id;
    return Neighbors(*pinned.source, request).status();
  };
  auto traverse = [](const PinnedGraph& pinned, const std::string& id) {
    TraverseRequest request;
    request.start_ids = {"a", id};
    return Traverse(*pinned.source, request).status();
  };
  auto path = [](const PinnedGraph& pinned, const std::string& id) {
    PathsRequest request;
    request.from_id = "a";
    request.to_id = id;
    return FindPaths(*pinned.source, request).status();
  };
  for (const auto& query :
       {std::function(neighbors), std::function(traverse), std::function(path)}) {
    CHECK(query(*current, "a").ok());
    CHECK(query(*current, "c").ok());
    CHECK(absl::IsNotFound(query(*current, "nobody")));
    CHECK(query(*past, "b").ok());
    CHECK(absl::IsNotFound(query(*past, "c")));
    CHECK(absl::IsNotFound(query(*past, "nobody")));
  }
  CHECK(neighbors(*current, "nobody").message() == "entity_id: entity 'nobody' not found");
  CHECK(traverse(*past, "c").message() == "start_ids[1]: entity 'c' not found");
  CHECK(path(*past, "c").message() == "to_id: entity 'c' not found");
}

TEST_CASE("a cached entity id is trusted only where the topology base holds the entity") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  AddEntity(db, "a");
  AddEntity(db, "b");
  AddClaim(db, "a", "b", 1);
  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  auto older = (*manager)->Pin();  // before "d" exists
  REQUIRE(older.ok());
  AddEntity(db, "d");
  const v1::Claim later = AddClaim(db, "d", "a", 2);  // in the overlay only
  auto current = (*manager)->Pin();
  REQUIRE(current.ok());
  REQUIRE(current->from_topology);
  auto storage = (*manager)->PinStorage();
  REQUIRE(storage.ok());
  auto past = (*manager)->Pin(ids::ToMicros(later.recorded_at()) - 1);
  REQUIRE(past.ok());

  auto internal = [&](const std::string& id) {
    auto resolved = current->view->Resolve(keys::IdKind::kEntity, id);
    REQUIRE(resolved.ok());
    REQUIRE(resolved->has_value());
    return **resolved;
  };
  CHECK(current->source->KnowsEntity(internal("a"), "a"));
  CHECK(current->source->KnowsEntity(internal("b"), "b"));
  CHECK_FALSE(current->source->KnowsEntity(internal("a"), "b"));  // not that entity's id
  CHECK_FALSE(current->source->KnowsEntity(internal("d"), "d"));  // not in the base
  CHECK_FALSE(storage->source->KnowsEntity(internal("a"), "a"));
  CHECK_FALSE(past->view->current());
  CHECK_FALSE(past->source->KnowsEntity(internal("a"), "a"));  // the base may be after as_of

  // Answers are those of the storage walk; the repeat of a base entity is a cache hit.
  RecordCache* cache = current->view->record_cache();
  REQUIRE(cache != nullptr);
  CHECK(NeighborIds(*current->source, "a") == NeighborIds(*storage->source, "a"));
  auto hits = cache->Stats().hits;
  CHECK(NeighborIds(*current->source, "a") == std::vector<std::string>{"b"});
  CHECK(cache->Stats().hits > hits);
  CHECK(NeighborIds(*current->source, "d") == std::vector<std::string>{"a"});

  // "d" is cached now, but the view pinned before it was created still does not find it.
  NeighborsRequest request;
  request.entity_id = "d";
  auto missing = Neighbors(*older->source, request);
  CHECK(absl::IsNotFound(missing.status()));
  CHECK(missing.status().message() == "entity_id: entity 'd' not found");
  TraverseRequest traverse;
  traverse.start_ids = {"a", "d"};
  CHECK(Traverse(*older->source, traverse).status().message() ==
        "start_ids[1]: entity 'd' not found");
}

TEST_CASE("base topology memory is accounted per edge") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  for (int i = 0; i < 20; ++i) AddEntity(db, "n" + std::to_string(i));
  for (int i = 0; i < 19; ++i)
    AddClaim(db, "n" + std::to_string(i), "n" + std::to_string(i + 1), i);
  auto manager = TopologyManager::Create(&db);
  REQUIRE(manager.ok());
  auto stats = (*manager)->GetStats();
  CHECK(stats.edges == 19);
  CHECK(stats.vertices == 20);
  CHECK(stats.base_bytes >= 19 * (sizeof(TopologyEdge) + 3 * sizeof(uint32_t)));
  CHECK(stats.overlay_entries == 0);
  CHECK_FALSE(stats.stale);
}

}  // namespace claimgraph::traversal
