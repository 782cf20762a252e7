// Database entities and sources: create (conflicts, unknown types, bad ids), update with field
// masks, publisher and derivation checks, and the entity and source listings and search.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/strings.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeEntity;
using testing::Must;
using testing::NamesField;

template <typename T>
void ExpectError(const absl::StatusOr<T>& result, absl::StatusCode code, std::string_view field) {
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().code() == code, result.status().ToString());
  CHECK_MESSAGE(NamesField(result.status(), field), "expected '", std::string(field), "' in ",
                result.status().ToString());
}

std::vector<std::string> AllEntityIds(const ReadView& view, const EntityQuery& query,
                                      int32_t page_size) {
  std::vector<std::string> ids;
  std::string token;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = view.ListEntities(query, page_size, token);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    for (const auto& entity : page->items) ids.push_back(entity.id());
    if (page->next_page_token.empty()) break;
    token = page->next_page_token;
  }
  return ids;
}

std::vector<std::string> AllSourceIds(const ReadView& view, std::string_view publisher,
                                      int32_t page_size) {
  std::vector<std::string> ids;
  std::string token;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = view.ListSources(publisher, page_size, token);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    for (const auto& source : page->items) ids.push_back(source.id());
    if (page->next_page_token.empty()) break;
    token = page->next_page_token;
  }
  return ids;
}

std::set<std::string> AsSet(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

}  // namespace

TEST_CASE("CreateEntity stores a version and refuses conflicts") {
  testing::TestDatabase t;
  v1::Entity kirby = MakeEntity("john_kirby", "person", "John Kirby");
  kirby.add_aliases("Admiral Kirby");
  (*kirby.mutable_external_ids())["wikidata"] = "Q6243346";
  t.context.principal = "alice";
  auto created = Must(t.db->CreateEntity(kirby, t.context));
  CHECK(created.outcome == WriteOutcome::kCreated);
  CHECK(created.record.recorded_by() == "alice");
  CHECK(created.record.has_recorded_at());
  auto read = Must(t.View()->GetEntity("john_kirby"));
  CHECK(read.name() == "John Kirby");
  CHECK(read.aliases(0) == "Admiral Kirby");
  CHECK(read.external_ids().at("wikidata") == "Q6243346");

  ExpectError(t.db->CreateEntity(kirby, t.context), absl::StatusCode::kAlreadyExists, "entity.id");
  CHECK(Must(t.db->CreateEntity(kirby, t.context, OnExisting::kKeepIfIdentical)).outcome ==
        WriteOutcome::kUnchanged);
  v1::Entity renamed = kirby;
  renamed.set_name("Rear Admiral John Kirby");
  ExpectError(t.db->CreateEntity(renamed, t.context, OnExisting::kKeepIfIdentical),
              absl::StatusCode::kAlreadyExists, "entity.id");
  CHECK(Must(t.db->CreateEntity(renamed, t.context, OnExisting::kUpdate)).outcome ==
        WriteOutcome::kUpdated);
  CHECK(Must(t.View()->GetEntity("john_kirby")).name() == "Rear Admiral John Kirby");
  v1::Entity retyped = renamed;
  retyped.set_type("organisation");
  ExpectError(t.db->CreateEntity(retyped, t.context, OnExisting::kUpdate),
              absl::StatusCode::kFailedPrecondition, "entity.type");
  CHECK(Must(t.db->GetStats()).entities == 1);
}

TEST_CASE("CreateEntity rejects unknown types and bad ids") {
  testing::TestDatabase t;
  ExpectError(t.db->CreateEntity(MakeEntity("x", "wizard", "X"), t.context),
              absl::StatusCode::kInvalidArgument, "entity.type");
  ExpectError(t.db->CreateEntity(MakeEntity("", "person", "X"), t.context),
              absl::StatusCode::kInvalidArgument, "entity.id");
  ExpectError(t.db->CreateEntity(MakeEntity("a\tb", "person", "X"), t.context),
              absl::StatusCode::kInvalidArgument, "entity.id");
  ExpectError(t.db->CreateEntity(MakeEntity(std::string(257, 'a'), "person", "X"), t.context),
              absl::StatusCode::kInvalidArgument, "entity.id");
  ExpectError(t.db->CreateEntity(MakeEntity("\xC0\xAF", "person", "X"), t.context),
              absl::StatusCode::kInvalidArgument, "entity.id");
  ExpectError(t.db->CreateEntity(MakeEntity("x", "person", ""), t.context),
              absl::StatusCode::kInvalidArgument, "entity.name");
  CHECK(Must(t.db->GetStats()).entities == 0);
  auto view = t.View();
  CHECK(AllEntityIds(*view, EntityQuery{}, 10).empty());
}

TEST_CASE("UpdateEntity replaces the masked fields only") {
  testing::TestDatabase t;
  v1::Entity kirby = MakeEntity("john_kirby", "person", "John Kirby");
  kirby.add_aliases("Kirby");
  kirby.set_description("spokesman");
  Must(t.db->CreateEntity(kirby, t.context));

  v1::Entity patch;
  patch.set_id("john_kirby");
  patch.set_name("John F. Kirby");
  patch.set_description("ignored: not in the mask");
  auto updated = Must(t.db->UpdateEntity(patch, {"name"}, t.context));
  CHECK(updated.outcome == WriteOutcome::kUpdated);
  auto read = Must(t.View()->GetEntity("john_kirby"));
  CHECK(read.name() == "John F. Kirby");
  CHECK(read.description() == "spokesman");
  REQUIRE(read.aliases_size() == 1);
  CHECK(read.type() == "person");

  // The same value again is no change.
  CHECK(Must(t.db->UpdateEntity(patch, {"name"}, t.context)).outcome == WriteOutcome::kUnchanged);
  // An omitted mask updates the fields the patch populates (AIP-134), a different type among
  // them included: that is refused, not silently kept.
  v1::Entity populated;
  populated.set_id("john_kirby");
  populated.set_description("NSC spokesman");
  Must(t.db->UpdateEntity(populated, {}, t.context));
  read = Must(t.View()->GetEntity("john_kirby"));
  CHECK(read.name() == "John F. Kirby");
  CHECK(read.description() == "NSC spokesman");
  CHECK(read.aliases_size() == 1);
  populated.set_type("organisation");
  ExpectError(t.db->UpdateEntity(populated, {}, t.context), absl::StatusCode::kInvalidArgument,
              "entity.type");
  CHECK(Must(t.View()->GetEntity("john_kirby")).type() == "person");
  // "*" replaces every mutable field.
  v1::Entity full;
  full.set_id("john_kirby");
  full.set_name("Kirby");
  Must(t.db->UpdateEntity(full, {"*"}, t.context));
  read = Must(t.View()->GetEntity("john_kirby"));
  CHECK(read.name() == "Kirby");
  CHECK(read.aliases_size() == 0);
  CHECK(read.description().empty());
  CHECK(read.type() == "person");
  ExpectError(t.db->UpdateEntity(full, {"*", "name"}, t.context),
              absl::StatusCode::kInvalidArgument, "update_mask.paths[0]");

  v1::Entity retype = full;
  retype.set_type("organisation");
  ExpectError(t.db->UpdateEntity(retype, {"type"}, t.context), absl::StatusCode::kInvalidArgument,
              "entity.type");
  retype.set_type("person");
  CHECK(Must(t.db->UpdateEntity(retype, {"type"}, t.context)).outcome == WriteOutcome::kUnchanged);
  // A mask path of 10 MB is named by position and echoed short.
  auto huge = t.db->UpdateEntity(full, {std::string(10 << 20, 'x')}, t.context);
  REQUIRE(absl::IsInvalidArgument(huge.status()));
  CHECK(huge.status().message().size() < 400);
  CHECK(std::string(huge.status().message()).rfind("update_mask.paths[0]: ", 0) == 0);
  ExpectError(t.db->UpdateEntity(full, {"nickname"}, t.context), absl::StatusCode::kInvalidArgument,
              "update_mask");
  ExpectError(t.db->UpdateEntity(full, {"id"}, t.context), absl::StatusCode::kInvalidArgument,
              "update_mask");
  v1::Entity blank = full;
  blank.clear_name();
  ExpectError(t.db->UpdateEntity(blank, {"name"}, t.context), absl::StatusCode::kInvalidArgument,
              "entity.name");
  v1::Entity missing = full;
  missing.set_id("nobody");
  ExpectError(t.db->UpdateEntity(missing, {"name"}, t.context), absl::StatusCode::kNotFound,
              "entity.id");
  missing.set_id("");
  ExpectError(t.db->UpdateEntity(missing, {"name"}, t.context), absl::StatusCode::kInvalidArgument,
              "entity.id");
}

TEST_CASE("sources: publisher and derivations must exist; a source may cite itself") {
  testing::TestDatabase t;
  Must(t.db->CreateEntity(MakeEntity("wire", "news_organisation", "Wire"), t.context));
  Must(t.db->CreateEntity(MakeEntity("outlet", "news_organisation", "Outlet"), t.context));
  v1::Source original;
  original.set_id("original");
  original.set_publisher_id("nobody");
  ExpectError(t.db->CreateSource(original, t.context), absl::StatusCode::kNotFound,
              "source.publisher_id");
  original.set_publisher_id("wire");
  original.set_reliability(v1::RELIABILITY_B);
  auto created = Must(t.db->CreateSource(original, t.context));
  CHECK(created.outcome == WriteOutcome::kCreated);
  ExpectError(t.db->CreateSource(original, t.context), absl::StatusCode::kAlreadyExists,
              "source.id");

  v1::Source page;
  page.set_id("page");
  page.set_publisher_id("outlet");
  auto* link = page.add_derived_from();
  link->set_type(v1::DERIVATION_TYPE_REPUBLISHES);
  link->set_source_id("missing");
  ExpectError(t.db->CreateSource(page, t.context), absl::StatusCode::kNotFound,
              "source.derived_from[0].source_id");
  // A page citing itself is the smallest derivation cycle: stored (provenance flags it).
  v1::Source selfie = page;
  selfie.set_id("selfie");
  selfie.mutable_derived_from(0)->set_source_id("selfie");
  CHECK(Must(t.db->CreateSource(selfie, t.context)).record.derived_from_size() == 1);
  link->set_source_id("original");
  Must(t.db->CreateSource(page, t.context));

  auto view = t.View();
  auto original_id = *Must(view->Resolve(keys::IdKind::kSource, "original"));
  auto page_id = *Must(view->Resolve(keys::IdKind::kSource, "page"));
  std::vector<std::pair<uint64_t, v1::DerivationType>> derived;
  REQUIRE(view->ForEachDerivedSource(original_id,
                                     [&](uint64_t later, v1::DerivationType type) {
                                       derived.emplace_back(later, type);
                                       return true;
                                     })
              .ok());
  REQUIRE(derived.size() == 1);
  CHECK(derived[0].first == page_id);
  CHECK(derived[0].second == v1::DERIVATION_TYPE_REPUBLISHES);
  CHECK(Must(view->GetSource("original")).reliability() == v1::RELIABILITY_B);
  CHECK(Must(t.db->GetStats()).sources == 3);
}

TEST_CASE("UpdateSource replaces masked fields and keeps the derivation index honest") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  v1::Source patch;
  patch.set_id("page");
  patch.set_title("New title");
  patch.set_url("https://ignored.example");
  auto updated = Must(t.db->UpdateSource(patch, {"title"}, t.context));
  CHECK(updated.outcome == WriteOutcome::kUpdated);
  auto read = Must(t.View()->GetSource("page"));
  CHECK(read.title() == "New title");
  CHECK(read.url().empty());
  CHECK(read.publisher_id() == "outlet");
  CHECK(read.derived_from_size() == 1);
  CHECK(Must(t.db->UpdateSource(patch, {"title"}, t.context)).outcome == WriteOutcome::kUnchanged);

  ExpectError(t.db->UpdateSource(patch, {"id"}, t.context), absl::StatusCode::kInvalidArgument,
              "update_mask");
  ExpectError(t.db->UpdateSource(patch, {"recorded_at"}, t.context),
              absl::StatusCode::kInvalidArgument, "update_mask");
  ExpectError(t.db->UpdateSource(patch, {"no_such_field"}, t.context),
              absl::StatusCode::kInvalidArgument, "update_mask");
  // An omitted mask updates only what the patch populates: the url too, here.
  v1::Source populated;
  populated.set_id("page");
  populated.set_url("https://example.org/page");
  Must(t.db->UpdateSource(populated, {}, t.context));
  read = Must(t.View()->GetSource("page"));
  CHECK(read.title() == "New title");
  CHECK(read.url() == "https://example.org/page");
  CHECK(read.publisher_id() == "outlet");
  patch.set_publisher_id("nobody");
  ExpectError(t.db->UpdateSource(patch, {"publisher_id"}, t.context), absl::StatusCode::kNotFound,
              "source.publisher_id");
  v1::Source missing;
  missing.set_id("nowhere");
  ExpectError(t.db->UpdateSource(missing, {"title"}, t.context), absl::StatusCode::kNotFound,
              "source.id");
  // Dropping the page's derivation hides it from the earlier source's derived list.
  v1::Source no_links;
  no_links.set_id("page");
  Must(t.db->UpdateSource(no_links, {"derived_from"}, t.context));
  auto view = t.View();
  auto original_id = *Must(view->Resolve(keys::IdKind::kSource, "original"));
  int derived = 0;
  REQUIRE(view->ForEachDerivedSource(original_id,
                                     [&](uint64_t, v1::DerivationType) {
                                       ++derived;
                                       return true;
                                     })
              .ok());
  CHECK(derived == 0);

  // Moving the page to another publisher moves it between publisher listings.
  v1::Source moved;
  moved.set_id("page");
  moved.set_publisher_id("wire");
  Must(t.db->UpdateSource(moved, {"publisher_id"}, t.context));
  auto after = t.View();
  CHECK(AllSourceIds(*after, "outlet", 1).empty());
  CHECK(AsSet(AllSourceIds(*after, "wire", 1)) == std::set<std::string>{"original", "page"});
}

TEST_CASE("ListEntities by type includes subtypes, pages without duplicates") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  auto view = t.View();
  const std::set<std::string> organisations = {"nsc",    "white_house", "cia",
                                               "outlet", "wire",        "checker"};
  for (int32_t page_size : {1, 2, 5, 100}) {
    EntityQuery query;
    query.type = "organisation";
    auto ids = AllEntityIds(*view, query, page_size);
    CHECK(ids.size() == organisations.size());
    CHECK(AsSet(ids) == organisations);
    query.type = "agent";
    ids = AllEntityIds(*view, query, page_size);
    CHECK(ids.size() == 8);  // six organisations, two people
    CHECK(AsSet(ids).count("john_kirby") == 1);
    query.type = "place";
    CHECK(AsSet(AllEntityIds(*view, query, page_size)) ==
          std::set<std::string>{"iran", "russia", "ukraine", "kyiv", "alabuga"});
    auto all = AllEntityIds(*view, EntityQuery{}, page_size);
    CHECK(all.size() == 14);
    CHECK(AsSet(all).size() == 14);
  }
  EntityQuery unknown;
  unknown.type = "wizard";
  auto failed = view->ListEntities(unknown, 10, "");
  ExpectError(failed, absl::StatusCode::kInvalidArgument, "type");
}

TEST_CASE("ListEntities by name prefix matches any word of names and aliases, once each") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  v1::Entity patch;
  patch.set_id("iran");
  patch.add_aliases("Islamic Republic of Iran");
  Must(t.db->UpdateEntity(patch, {"aliases"}, t.context));
  auto view = t.View();
  for (int32_t page_size : {1, 2, 10}) {
    EntityQuery query;
    query.name_prefix = "ir";
    auto ids = AllEntityIds(*view, query, page_size);
    CHECK(ids.size() == 2);
    CHECK(AsSet(ids) == std::set<std::string>{"iran", "drones"});
    query.name_prefix = "  ISLAMIC  rep";
    CHECK(AllEntityIds(*view, query, page_size) == std::vector<std::string>{"iran"});
    query.name_prefix = "i";  // Iran (3 terms), Iranian attack drones, Intelligence
    ids = AllEntityIds(*view, query, page_size);
    CHECK(ids.size() == 3);
    CHECK(AsSet(ids) == std::set<std::string>{"iran", "drones", "cia"});
    query.name_prefix = "council";
    CHECK(AllEntityIds(*view, query, page_size) == std::vector<std::string>{"nsc"});
    query.type = "person";
    query.name_prefix = "w";
    CHECK(AllEntityIds(*view, query, page_size) == std::vector<std::string>{"william_burns"});
  }
  // A renamed entity is found by its new name only.
  v1::Entity renamed;
  renamed.set_id("kyiv");
  renamed.set_name("Kiev");
  Must(t.db->UpdateEntity(renamed, {"name"}, t.context));
  auto after = t.View();
  EntityQuery kyi;
  kyi.name_prefix = "kyi";
  CHECK(AllEntityIds(*after, kyi, 5).empty());
  kyi.name_prefix = "kie";
  CHECK(AllEntityIds(*after, kyi, 5) == std::vector<std::string>{"kyiv"});
}

TEST_CASE("entity page tokens are bound to their query") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  auto view = t.View();
  EntityQuery by_type;
  by_type.type = "organisation";
  auto page = Must(view->ListEntities(by_type, 1, ""));
  REQUIRE_FALSE(page.next_page_token.empty());
  EntityQuery other;
  other.type = "person";
  ExpectError(view->ListEntities(other, 1, page.next_page_token),
              absl::StatusCode::kInvalidArgument, "page_token");
  ExpectError(view->ListEntities(by_type, 1, "garbage!"), absl::StatusCode::kInvalidArgument,
              "page_token");
  ExpectError(view->ListSources("", 1, page.next_page_token), absl::StatusCode::kInvalidArgument,
              "page_token");
  ExpectError(view->ListEntities(by_type, -1, ""), absl::StatusCode::kInvalidArgument, "page_size");
}

TEST_CASE("SearchEntities finds word prefixes of names and aliases, exact ids first") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  v1::Entity patch;
  patch.set_id("drones");
  patch.add_aliases("Shahed-136");
  Must(t.db->UpdateEntity(patch, {"aliases"}, t.context));
  auto view = t.View();
  auto ids = [&](std::string_view query, size_t limit = 20) {
    std::vector<std::string> found;
    for (const auto& entity : Must(view->SearchEntities(query, limit))) {
      found.push_back(entity.id());
    }
    return found;
  };
  CHECK(ids("kir") == std::vector<std::string>{"john_kirby"});
  CHECK(ids("KIRBY") == std::vector<std::string>{"john_kirby"});
  CHECK(ids("john k") == std::vector<std::string>{"john_kirby"});
  CHECK(ids("shahed") == std::vector<std::string>{"drones"});
  CHECK(ids("attack") == std::vector<std::string>{"drones"});
  CHECK(AsSet(ids("ir")) == std::set<std::string>{"iran", "drones"});
  CHECK(ids("ir").size() == 2);
  CHECK(ids("ir", 1).size() == 1);
  CHECK(ids("nsc", 0).empty());
  CHECK(ids("zzz").empty());
  CHECK(ids("").empty());
  // An exact id comes first even when its name does not match.
  auto nsc = ids("nsc");
  REQUIRE_FALSE(nsc.empty());
  CHECK(nsc[0] == "nsc");
  auto white = ids("white_house");
  REQUIRE_FALSE(white.empty());
  CHECK(white[0] == "white_house");
}

TEST_CASE("ListSources lists all sources or one publisher's, in pages") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  for (int i = 0; i < 7; ++i) {
    v1::Source source;
    source.set_id(StrCat("extra", i));
    source.set_publisher_id(i % 2 ? "wire" : "outlet");
    Must(t.db->CreateSource(source, t.context));
  }
  auto view = t.View();
  for (int32_t page_size : {1, 3, 50}) {
    auto all = AllSourceIds(*view, "", page_size);
    CHECK(all.size() == 9);
    CHECK(AsSet(all).size() == 9);
    auto wire = AllSourceIds(*view, "wire", page_size);
    CHECK(AsSet(wire) == std::set<std::string>{"original", "extra1", "extra3", "extra5"});
    CHECK(wire.size() == 4);
  }
  ExpectError(view->ListSources("nobody", 10, ""), absl::StatusCode::kNotFound, "publisher_id");
  auto first = Must(view->ListSources("wire", 1, ""));
  ExpectError(view->ListSources("outlet", 1, first.next_page_token),
              absl::StatusCode::kInvalidArgument, "page_token");
}

}  // namespace claimgraph

namespace claimgraph {

TEST_CASE("AddDerivation adds one link as a new version, once") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  v1::Source briefing;
  briefing.set_id("briefing");
  Must(t.db->CreateSource(briefing, t.context));
  v1::Derivation quotes;
  quotes.set_type(v1::DERIVATION_TYPE_QUOTES);
  quotes.set_source_id("briefing");
  auto added = Must(t.db->AddDerivation("original", quotes, t.context));
  CHECK(added.outcome == WriteOutcome::kUpdated);
  CHECK(added.record.derived_from_size() == 1);
  CHECK(Must(t.db->AddDerivation("original", quotes, t.context)).outcome ==
        WriteOutcome::kUnchanged);
  auto view = t.View();
  auto briefing_id = *Must(view->Resolve(keys::IdKind::kSource, "briefing"));
  std::vector<v1::DerivationType> types;
  REQUIRE(view->ForEachDerivedSource(briefing_id,
                                     [&](uint64_t, v1::DerivationType type) {
                                       types.push_back(type);
                                       return true;
                                     })
              .ok());
  CHECK(types == std::vector<v1::DerivationType>{v1::DERIVATION_TYPE_QUOTES});
  // The page keeps its earlier link and gains the new one.
  Must(t.db->AddDerivation("page", quotes, t.context));
  CHECK(Must(t.View()->GetSource("page")).derived_from_size() == 2);

  ExpectError(t.db->AddDerivation("nowhere", quotes, t.context), absl::StatusCode::kNotFound,
              "source_id");
  ExpectError(t.db->AddDerivation("", quotes, t.context), absl::StatusCode::kInvalidArgument,
              "source_id");
  v1::Derivation missing = quotes;
  missing.set_source_id("missing");
  ExpectError(t.db->AddDerivation("original", missing, t.context), absl::StatusCode::kNotFound,
              "derivation.source_id");
  v1::Derivation self = quotes;
  self.set_source_id("original");
  CHECK(Must(t.db->AddDerivation("original", self, t.context)).outcome == WriteOutcome::kUpdated);
  v1::Derivation untyped;
  untyped.set_source_id("page");
  ExpectError(t.db->AddDerivation("original", untyped, t.context),
              absl::StatusCode::kInvalidArgument, "derivation.type");
  CHECK(Must(t.View()->GetSource("original")).derived_from_size() == 2);
}

}  // namespace claimgraph
