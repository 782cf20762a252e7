// SchemaRegistry: the bundled ontology loads; bad files are reported with file:line and what is
// wrong; the type questions (IsA, DomainAllows, RangeAllows) follow the parent chain.
#include "engine/schema/schema_registry.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "../test_database.h"
#include "engine/strings.h"

namespace claimgraph::schema {
namespace {

absl::Status LoadError(const std::string& text) {
  auto loaded = SchemaRegistry::LoadText(text, "bad.textproto");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == absl::StatusCode::kInvalidArgument);
  return loaded.status();
}

bool Contains(const absl::Status& status, std::string_view text) {
  return std::string(status.message()).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("the bundled default ontology loads") {
  auto loaded = SchemaRegistry::LoadTextFile(testing::DefaultSchemaPath());
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  const auto& registry = **loaded;
  CHECK(registry.schema().version() >= 1);
  for (const char* type : {"person", "organisation", "government_body", "country", "city",
                           "facility", "product", "event", "document"}) {
    CHECK_MESSAGE(registry.HasEntityType(type), type);
  }
  for (const char* predicate :
       {"supplies", "located_in", "member_of", "spokesperson_for", "shipped_from", "shipped_to",
        "sanctions", "cooperates_with", "attacked", "manufactures", "part_of"}) {
    CHECK_MESSAGE(registry.FindPredicate(predicate) != nullptr, predicate);
  }
  CHECK(registry.FindPredicate("no_such_predicate") == nullptr);
  CHECK_FALSE(registry.HasEntityType("no_such_type"));
}

TEST_CASE("a missing schema file is NOT_FOUND naming the path") {
  auto loaded = SchemaRegistry::LoadTextFile("/nonexistent/schema.textproto");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == absl::StatusCode::kNotFound);
  CHECK(Contains(loaded.status(), "/nonexistent/schema.textproto"));
}

TEST_CASE("a syntax error is reported with file, line and column") {
  auto unknown_field = LoadError(
      "version: 1\n"
      "entity_types { name: \"person\" }\n"
      "predicates { nme: \"x\" }\n");
  CHECK_MESSAGE(std::string(unknown_field.message()).rfind("bad.textproto:3:", 0) == 0,
                unknown_field.message());
  CHECK(Contains(unknown_field, "no field named \"nme\""));

  auto unclosed = LoadError(
      "entity_types { name: \"person\" }\n"
      "entity_types { name: \"place\" \n");
  CHECK_MESSAGE(std::string(unclosed.message()).rfind("bad.textproto:", 0) == 0,
                unclosed.message());

  auto bad_value = LoadError("version: \"one\"\n");
  CHECK_MESSAGE(std::string(bad_value.message()).rfind("bad.textproto:1:", 0) == 0,
                bad_value.message());
}

TEST_CASE("a file read from disk names the file in its errors") {
  testing::TempDir dir;
  std::string path = dir.path() + "/broken.textproto";
  {
    std::ofstream out(path);
    out << "entity_types { name: \"person\" }\nentity_types { name: \"Bad-Name\" }\n";
  }
  auto loaded = SchemaRegistry::LoadTextFile(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK_MESSAGE(std::string(loaded.status().message()).rfind(path + ":2: ", 0) == 0,
                loaded.status().message());
}

TEST_CASE("an unknown parent is reported at its line") {
  auto status = LoadError(
      "entity_types { name: \"agent\" }\n"
      "entity_types { name: \"person\" parent: \"agnet\" }\n");
  CHECK_MESSAGE(std::string(status.message()).rfind("bad.textproto:2: ", 0) == 0, status.message());
  CHECK(Contains(status, "unknown parent 'agnet'"));
}

TEST_CASE("a parent cycle is reported") {
  auto status = LoadError(
      "entity_types { name: \"place\" }\n"
      "entity_types { name: \"a\" parent: \"b\" }\n"
      "entity_types { name: \"b\" parent: \"a\" }\n");
  CHECK_MESSAGE(std::string(status.message()).rfind("bad.textproto:2: ", 0) == 0, status.message());
  CHECK(Contains(status, "'a'"));
  CHECK(Contains(status, "own ancestor"));

  auto self = LoadError("entity_types { name: \"a\" parent: \"a\" }\n");
  CHECK(Contains(self, "bad.textproto:1: "));
  CHECK(Contains(self, "own ancestor"));

  // A type outside the cycle whose chain leads into it is named as such, not as part of it.
  auto leading = LoadError(
      "entity_types { name: \"x\" parent: \"a\" }\n"
      "entity_types { name: \"a\" parent: \"b\" }\n"
      "entity_types { name: \"b\" parent: \"a\" }\n");
  CHECK_MESSAGE(Contains(leading, "bad.textproto:1: "), leading.message());
  CHECK_MESSAGE(Contains(leading, "parent cycle"), leading.message());
}

TEST_CASE("unknown domain, range and inverse are reported at the predicate's line") {
  const std::string types =
      "entity_types { name: \"person\" }\n"
      "entity_types { name: \"place\" }\n";
  auto domain = LoadError(types + "predicates { name: \"lives_in\" domain: \"persn\" }\n");
  CHECK(Contains(domain, "bad.textproto:3: "));
  CHECK(Contains(domain, "unknown domain type 'persn'"));

  auto range = LoadError(types + "predicates { name: \"lives_in\" range: \"plaec\" }\n");
  CHECK(Contains(range, "bad.textproto:3: "));
  CHECK(Contains(range, "unknown range type 'plaec'"));

  auto inverse = LoadError(types +
                           "predicates { name: \"lives_in\" range: \"place\" }\n"
                           "predicates { name: \"home_of\" inverse: \"lives_at\" }\n");
  CHECK(Contains(inverse, "bad.textproto:4: "));
  CHECK(Contains(inverse, "unknown inverse 'lives_at'"));

  // Literal kinds are valid ranges, not valid domains.
  CHECK(SchemaRegistry::LoadText(types + "predicates { name: \"age\" range: \"integer\" }\n", "ok")
            .ok());
  auto literal_domain = LoadError(types + "predicates { name: \"age\" domain: \"integer\" }\n");
  CHECK(Contains(literal_domain, "unknown domain type 'integer'"));
}

TEST_CASE("duplicates are reported at the second occurrence") {
  auto type = LoadError(
      "entity_types { name: \"person\" }\n"
      "entity_types { name: \"place\" }\n"
      "entity_types { name: \"person\" }\n");
  CHECK(Contains(type, "bad.textproto:3: "));
  CHECK(Contains(type, "duplicate entity type 'person'"));

  auto predicate = LoadError(
      "entity_types { name: \"person\" }\n"
      "predicates { name: \"knows\" }\n"
      "predicates { name: \"likes\" }\n"
      "predicates { name: \"knows\" }\n");
  CHECK(Contains(predicate, "bad.textproto:4: "));
  CHECK(Contains(predicate, "duplicate predicate 'knows'"));
}

TEST_CASE("names that are not snake_case are rejected") {
  for (const char* name : {"Person", "person-type", "1person", "_person", "per son", ""}) {
    auto status = LoadError(
        StrCat("entity_types { name: \"place\" }\nentity_types { name: \"", name, "\" }\n"));
    CHECK_MESSAGE(Contains(status, "bad.textproto:2: "), status.message());
    CHECK(Contains(status, "not snake_case"));
  }
  auto predicate = LoadError("predicates { name: \"LocatedIn\" }\n");
  CHECK(Contains(predicate, "bad.textproto:1: "));
  CHECK(Contains(predicate, "predicate name 'LocatedIn' is not snake_case"));
  // An entity type may not take a literal kind's name: ranges could not tell them apart.
  auto literal = LoadError("entity_types { name: \"string\" }\n");
  CHECK(Contains(literal, "collides with a literal kind"));
}

TEST_CASE("a symmetric predicate can only be its own inverse") {
  auto status = LoadError(
      "predicates { name: \"a\" }\n"
      "predicates { name: \"b\" symmetric: true inverse: \"a\" }\n");
  CHECK(Contains(status, "bad.textproto:2: "));
  CHECK(Contains(status, "symmetric"));
  CHECK(SchemaRegistry::LoadText("predicates { name: \"b\" symmetric: true inverse: \"b\" }", "ok")
            .ok());
}

TEST_CASE("a schema built in code reports the element index when it has no locations") {
  v1::Schema schema;
  schema.add_entity_types()->set_name("place");
  schema.add_entity_types()->set_name("Bad");
  auto created = SchemaRegistry::Create(schema);
  REQUIRE_FALSE(created.ok());
  CHECK_MESSAGE(Contains(created.status(), "entity_types[1]"), created.status().message());
}

TEST_CASE("IsA follows the parent chain") {
  auto schema = testing::DefaultSchema();
  CHECK(schema->IsA("person", "person"));
  CHECK(schema->IsA("person", "agent"));
  CHECK(schema->IsA("intelligence_agency", "government_body"));
  CHECK(schema->IsA("intelligence_agency", "organisation"));
  CHECK(schema->IsA("intelligence_agency", "agent"));
  CHECK(schema->IsA("economic_zone", "place"));
  CHECK_FALSE(schema->IsA("agent", "person"));
  CHECK_FALSE(schema->IsA("country", "agent"));
  CHECK_FALSE(schema->IsA("person", "place"));
  CHECK_FALSE(schema->IsA("unknown_type", "agent"));
}

TEST_CASE("DomainAllows and RangeAllows accept subtypes and literal kinds") {
  auto schema = testing::DefaultSchema();
  const auto& supplies = *schema->FindPredicate("supplies");
  CHECK(schema->DomainAllows(supplies, "country"));
  CHECK(schema->DomainAllows(supplies, "intelligence_agency"));  // an agent
  CHECK_FALSE(schema->DomainAllows(supplies, "city"));
  CHECK(schema->RangeAllows(supplies, "weapon", false));  // a product
  CHECK_FALSE(schema->RangeAllows(supplies, "city", false));
  CHECK_FALSE(schema->RangeAllows(supplies, "string", true));

  const auto& operational = *schema->FindPredicate("operational_from");
  CHECK(schema->RangeAllows(operational, "timestamp", true));
  CHECK(schema->RangeAllows(operational, "string", true));
  CHECK_FALSE(schema->RangeAllows(operational, "integer", true));
  // A literal kind is never mistaken for an entity type of the same name, or the reverse.
  CHECK_FALSE(schema->RangeAllows(operational, "facility", true));

  // An empty domain or range allows anything.
  auto open = SchemaRegistry::LoadText(
      "entity_types { name: \"thing\" }\npredicates { name: \"related_to\" }\n", "open");
  REQUIRE(open.ok());
  const auto& related = *(*open)->FindPredicate("related_to");
  CHECK((*open)->DomainAllows(related, "thing"));
  CHECK((*open)->RangeAllows(related, "thing", false));
  CHECK((*open)->RangeAllows(related, "double", true));
}

}  // namespace claimgraph::schema
