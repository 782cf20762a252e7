// Test helpers for engine tests: a temporary directory, a Database opened on it with the bundled
// default ontology, and builders for the records most tests write.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/database.h"
#include "engine/schema/schema_registry.h"

namespace claimgraph::testing {

inline std::string DefaultSchemaPath() {
  return std::string(CLAIMGRAPH_SOURCE_DIR) + "/schema/default.textproto";
}

inline std::shared_ptr<const schema::SchemaRegistry> DefaultSchema() {
  static std::shared_ptr<const schema::SchemaRegistry> schema = [] {
    auto loaded = schema::SchemaRegistry::LoadTextFile(DefaultSchemaPath());
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
    return std::shared_ptr<const schema::SchemaRegistry>(std::move(*loaded));
  }();
  return schema;
}

// A directory under /tmp, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/claimgraph-test-XXXXXX";
    char* made = mkdtemp(pattern);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline DatabaseOptions TestOptions(const std::string& path, const Limits& limits = Limits()) {
  DatabaseOptions options;
  options.storage.path = path;
  // No fsync: tests check behaviour, not power-loss durability, and must stay fast.
  options.storage.sync_writes = false;
  options.storage.cache_bytes = 8 << 20;
  options.schema = DefaultSchema();
  options.limits = limits;
  return options;
}

inline std::unique_ptr<Database> OpenDatabase(const std::string& path,
                                              const Limits& limits = Limits()) {
  auto db = Database::Open(TestOptions(path, limits));
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(*db);
}

// A temporary directory with an open database in it.
struct TestDatabase {
  explicit TestDatabase(const Limits& limits = Limits()) : db(OpenDatabase(dir.path(), limits)) {}
  void Reopen(const Limits& limits = Limits()) {
    db.reset();
    db = OpenDatabase(dir.path(), limits);
  }
  std::unique_ptr<ReadView> View(std::optional<uint64_t> as_of = std::nullopt) const {
    auto view = db->NewReadView(as_of);
    REQUIRE_MESSAGE(view.ok(), view.status().ToString());
    return std::move(*view);
  }

  TempDir dir;
  std::unique_ptr<Database> db;
  WriteContext context;
};

inline v1::Entity MakeEntity(std::string_view id, std::string_view type, std::string_view name) {
  v1::Entity entity;
  entity.set_id(std::string(id));
  entity.set_type(std::string(type));
  entity.set_name(std::string(name));
  return entity;
}

inline v1::Statement MakeStatement(std::string_view subject, std::string_view predicate,
                                   std::string_view object_entity) {
  v1::Statement statement;
  statement.set_subject_id(std::string(subject));
  statement.set_predicate(std::string(predicate));
  statement.mutable_object()->set_entity_id(std::string(object_entity));
  return statement;
}

inline v1::Claim MakeClaim(const v1::Statement& statement, std::string_view claimant,
                           v1::Stance stance = v1::STANCE_SUPPORTS) {
  v1::Claim claim;
  *claim.mutable_statement() = statement;
  claim.set_act(v1::CLAIM_ACT_ASSERTS);
  claim.set_stance(stance);
  claim.mutable_claimant()->set_entity_id(std::string(claimant));
  return claim;
}

inline v1::LifecycleEvent MakeRetraction(std::string_view claim_id, std::string_view actor,
                                         std::string_view reason = "withdrawn") {
  v1::LifecycleEvent event;
  event.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  event.mutable_target()->set_claim_id(std::string(claim_id));
  event.set_actor_id(std::string(actor));
  event.set_reason(std::string(reason));
  return event;
}

// Writes `value` or fails the test with its status.
template <typename T>
T Must(absl::StatusOr<T> value) {
  REQUIRE_MESSAGE(value.ok(), value.status().ToString());
  return *std::move(value);
}

// The article's small world: countries, people, organisations, a weapon, places and a source
// whose text holds non-ASCII characters (so quote offsets in code points differ from bytes).
inline constexpr std::string_view kArticleText =
    "Kyiv \xE2\x80\x94 The U.S. believes Iran supplies Russia with materials, Kirby said. "
    "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 was attacked.";

inline void SeedWorld(TestDatabase& t) {
  struct Row {
    const char* id;
    const char* type;
    const char* name;
  };
  const Row rows[] = {
      {"iran", "country", "Iran"},
      {"russia", "country", "Russia"},
      {"ukraine", "country", "Ukraine"},
      {"kyiv", "city", "Kyiv"},
      {"alabuga", "economic_zone", "Alabuga Special Economic Zone"},
      {"john_kirby", "person", "John Kirby"},
      {"william_burns", "person", "William Burns"},
      {"nsc", "government_body", "National Security Council"},
      {"white_house", "government_body", "White House"},
      {"cia", "intelligence_agency", "Central Intelligence Agency"},
      {"outlet", "news_organisation", "Example News"},
      {"wire", "news_organisation", "Example Wire"},
      {"drones", "weapon", "Iranian attack drones"},
      {"checker", "fact_checker", "Check Desk"},
  };
  for (const auto& row : rows) {
    Must(t.db->CreateEntity(MakeEntity(row.id, row.type, row.name), t.context));
  }
  v1::Source original;
  original.set_id("original");
  original.set_title("Original report");
  original.set_publisher_id("wire");
  original.set_text(std::string(kArticleText));
  Must(t.db->CreateSource(original, t.context));
  v1::Source page;
  page.set_id("page");
  page.set_title("Republished page");
  page.set_publisher_id("outlet");
  page.set_text(std::string(kArticleText));
  auto* link = page.add_derived_from();
  link->set_type(v1::DERIVATION_TYPE_REPUBLISHES);
  link->set_source_id("original");
  Must(t.db->CreateSource(page, t.context));
}

// Every page of a claim query, walked with page tokens.
inline std::vector<v1::Claim> AllClaims(const ReadView& view, const ClaimQuery& query,
                                        int32_t page_size = 3) {
  std::vector<v1::Claim> claims;
  std::string token;
  for (int pages = 0; pages < 100000; ++pages) {
    auto page = view.ListClaims(query, page_size, token);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    for (auto& claim : page->items) claims.push_back(std::move(claim));
    if (page->next_page_token.empty()) break;
    token = page->next_page_token;
  }
  return claims;
}

// The status message starts with `field` (the field path an error must name).
inline bool NamesField(const absl::Status& status, std::string_view field) {
  return std::string(status.message()).compare(0, field.size(), field) == 0;
}

}  // namespace claimgraph::testing
