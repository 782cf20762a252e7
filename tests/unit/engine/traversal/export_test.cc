// Describer: the ids it answers from the topology base (entity ids, statement ids, predicate
// names) equal the ids read from storage, for base edges, for edges written after the base was
// built (overlay) and after a rebuild.
#include "engine/traversal/export.h"

#include <doctest/doctest.h>

#include <cctype>
#include <set>

#include "engine/ids.h"
#include "engine/traversal/topology.h"
#include "random_graph.h"

namespace claimgraph::traversal {
namespace {

using testing::TempDatabase;

void AddEntity(Database& db, const std::string& id, const std::string& type = "country") {
  v1::Entity entity;
  entity.set_id(id);
  entity.set_type(type);
  entity.set_name("name of " + id);
  REQUIRE(db.CreateEntity(entity, WriteContext()).ok());
}

// Claims "subject <predicate> object"; returns the statement's id.
std::string AddClaim(Database& db, const std::string& subject, const std::string& predicate,
                     const std::string& object) {
  v1::Claim claim;
  auto* statement = claim.mutable_statement();
  statement->set_subject_id(subject);
  statement->set_predicate(predicate);
  statement->mutable_object()->set_entity_id(object);
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(v1::STANCE_SUPPORTS);
  claim.mutable_claimant()->set_entity_id("claimant");
  claim.set_confidence(0.9);
  auto written = db.CreateClaim(claim, "", WriteContext());
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  return written->record.statement_id();
}

// Every out- and in-edge of every entity in `entities`, from the pinned source.
std::vector<Edge> AllEdges(const PinnedGraph& pinned, const std::vector<std::string>& entities) {
  std::vector<Edge> edges;
  for (const auto& id : entities) {
    auto internal = pinned.view->Resolve(keys::IdKind::kEntity, id);
    REQUIRE(internal.ok());
    REQUIRE(internal->has_value());
    for (char direction : {keys::kOutEdge, keys::kInEdge}) {
      auto status = pinned.source->ForEach(direction, **internal, std::nullopt, std::nullopt,
                                           [&](const Edge& edge) {
                                             edges.push_back(edge);
                                             return true;
                                           });
      REQUIRE(status.ok());
    }
  }
  return edges;
}

// Describes every edge with the base's ids and with storage reads only; both must agree, and
// the statement id must be the one its claim was written with.
void CheckDescriptionsAgree(const PinnedGraph& pinned, const std::vector<std::string>& entities,
                            const std::set<std::string>& statement_ids, size_t expected_edges) {
  REQUIRE(pinned.from_topology);
  REQUIRE(pinned.base != nullptr);
  Describer from_memory(pinned.view.get(), pinned.base.get());
  Describer from_storage(pinned.view.get());
  auto edges = AllEdges(pinned, entities);
  CHECK(edges.size() == 2 * expected_edges);  // each edge seen from both ends
  std::set<std::string> seen;
  for (const auto& edge : edges) {
    auto memory = from_memory.Describe(edge);
    auto storage = from_storage.Describe(edge);
    REQUIRE(memory.ok());
    REQUIRE(storage.ok());
    CHECK(memory->subject_id == storage->subject_id);
    CHECK(memory->object_id == storage->object_id);
    CHECK(memory->predicate == storage->predicate);
    CHECK(memory->statement_id == storage->statement_id);
    CHECK(statement_ids.count(memory->statement_id) == 1);
    seen.insert(memory->statement_id);
  }
  CHECK(seen == statement_ids);
}

}  // namespace

TEST_CASE("the describer's ids from the topology equal storage's, before and after new edges") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  const std::vector<std::string> entities = {"a", "b", "c", "d"};
  for (const auto& id : entities) AddEntity(db, id);
  std::set<std::string> statements = {AddClaim(db, "a", "trusts", "b"),
                                      AddClaim(db, "b", "trusts", "c"),
                                      AddClaim(db, "a", "rivals", "c")};
  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  {
    auto pinned = (*manager)->Pin();
    REQUIRE(pinned.ok());
    CheckDescriptionsAgree(*pinned, entities, statements, 3);
  }

  // Written after the build: a parallel edge, a new vertex, a predicate the base never saw.
  AddEntity(db, "e");
  statements.insert(AddClaim(db, "a", "offers_cooperation", "b"));
  statements.insert(AddClaim(db, "e", "trusts", "a"));
  statements.insert(AddClaim(db, "d", "rivals", "e"));
  const std::vector<std::string> all = {"a", "b", "c", "d", "e"};
  {
    auto pinned = (*manager)->Pin();
    REQUIRE(pinned.ok());
    CHECK((*manager)->GetStats().edges == 3);  // the new ones are in the overlay
    CHECK_FALSE(pinned->base->PredicateName(0).has_value());
    CheckDescriptionsAgree(*pinned, all, statements, 6);
  }

  REQUIRE((*manager)->Rebuild().ok());
  CHECK((*manager)->GetStats().edges == 6);
  auto pinned = (*manager)->Pin();
  REQUIRE(pinned.ok());
  CheckDescriptionsAgree(*pinned, all, statements, 6);
  // Every base edge's statement id is the dictionary's.
  const BaseTopology& base = *pinned->base;
  for (uint32_t edge = 0; edge < base.edge_count(); ++edge) {
    auto descriptor = BaseTopology::OutGraph::edge_descriptor(0, edge);
    auto stored =
        pinned->view->ExternalId(keys::IdKind::kStatement, base.out()[descriptor].statement);
    REQUIRE(stored.ok());
    CHECK(base.StatementId(edge) == *stored);
    auto predicate = base.PredicateName(base.out()[descriptor].predicate);
    REQUIRE(predicate.has_value());
    auto stored_predicate =
        pinned->view->ExternalId(keys::IdKind::kPredicate, base.out()[descriptor].predicate);
    REQUIRE(stored_predicate.ok());
    CHECK(*predicate == *stored_predicate);
  }
}

TEST_CASE("a statement id of another form than the derived one is kept whole") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  for (const char* id : {"a", "b", "c"}) AddEntity(db, id);
  AddClaim(db, "a", "trusts", "b");
  const std::string derived = AddClaim(db, "b", "trusts", "c");
  auto internal = db.NewReadView().value()->Resolve(keys::IdKind::kStatement, derived);
  REQUIRE(internal.ok());
  REQUIRE(internal->has_value());
  // No write path makes such an id today; the column must still answer what the dictionary
  // holds, so put one there directly (upper-case hex, which the packed form cannot spell).
  std::string digits = derived.substr(3);
  for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string irregular = "st_" + digits;
  REQUIRE(irregular != derived);
  storage::WriteBatch batch;
  batch.Put(storage::Family::kDictionary,
            keys::ReverseDictionaryKey(keys::IdKind::kStatement, **internal), irregular);
  REQUIRE(db.store().Write(batch).ok());

  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  auto pinned = (*manager)->Pin();
  REQUIRE(pinned.ok());
  std::set<std::string> ids;
  for (uint32_t edge = 0; edge < pinned->base->edge_count(); ++edge) {
    ids.insert(pinned->base->StatementId(edge));
  }
  CHECK(ids.count(irregular) == 1);
  CHECK(ids.count(derived) == 0);
  CHECK(ids.size() == 2);
}

TEST_CASE("an edge is described by ids and its ends named by their records") {
  TempDatabase database;
  Database& db = database.db();
  AddEntity(db, "claimant", "person");
  for (const char* id : {"a", "b"}) AddEntity(db, id);
  AddClaim(db, "a", "trusts", "b");
  auto manager = TopologyManager::Create(&db, TopologyOptions{0, 64});
  REQUIRE(manager.ok());
  auto pinned = (*manager)->Pin();
  REQUIRE(pinned.ok());
  auto edges = AllEdges(*pinned, {"a"});
  REQUIRE(edges.size() == 1);
  Describer describer(pinned->view.get(), pinned->base.get());
  auto description = describer.Describe(edges[0]);
  REQUIRE(description.ok());
  CHECK(description->subject_id == "a");
  CHECK(description->object_id == "b");
  CHECK(description->predicate == "trusts");
  auto subject = describer.Entity(edges[0].subject());
  REQUIRE(subject.ok());
  CHECK(subject->name == "name of a");
  CHECK(subject->type == "country");
}

}  // namespace claimgraph::traversal
