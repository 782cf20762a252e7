// The sample data (data/sample/claims.ndjson, from the example article): every line parses, every
// quote is found at its code point offsets, and the whole file loads into a fresh on-disk database
// in strict mode, with the relay chains, principals and idempotent re-import the design promises.
#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "claimgraph/v1/model.pb.h"
#include "engine/database.h"
#include "engine/ids.h"
#include "engine/read_view.h"
#include "engine/schema/schema_registry.h"

namespace claimgraph {
namespace {

const std::string kSourceDir = CLAIMGRAPH_SOURCE_DIR;
const std::string kClaimsFile = kSourceDir + "/data/sample/claims.ndjson";
const std::string kArticleFile = kSourceDir + "/data/sample/000_ceec28604e489d04.txt";
constexpr std::string_view kPage = "capitaltrack-2025-04-16-iran-drones";
constexpr std::string_view kOriginal = "cbs-news-2023-06-09-iran-drone-plant";
constexpr std::string_view kIntelligence = "us-intel-2023-06-09-iran-russia-drone-plant";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open ", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<v1::ImportRecord> ParseRecords() {
  std::vector<v1::ImportRecord> records;
  int line_number = 0;
  for (const auto& line : Lines(ReadFile(kClaimsFile))) {
    ++line_number;
    v1::ImportRecord record;
    auto status = google::protobuf::util::JsonStringToMessage(line, &record);
    INFO("claims.ndjson line ", line_number, ": ", status.ToString());
    REQUIRE(status.ok());
    REQUIRE(record.record_case() != v1::ImportRecord::RECORD_NOT_SET);
    records.push_back(std::move(record));
  }
  return records;
}

// Splits UTF-8 into code points, each kept as its bytes; written here rather than taken from the
// engine's text helpers, so that the test checks the offsets independently of the code it tests.
std::vector<std::string> CodePoints(const std::string& text) {
  std::vector<std::string> points;
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    REQUIRE(i + length <= text.size());
    points.push_back(text.substr(i, length));
    i += length;
  }
  return points;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

// A fresh directory under the system temp dir, removed with its contents when destroyed.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("claimgraph-sample-" + std::to_string(getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<Database> OpenDatabase(const std::string& path) {
  auto schema = schema::SchemaRegistry::LoadTextFile(kSourceDir + "/schema/default.textproto");
  REQUIRE_MESSAGE(schema.ok(), schema.status().ToString());
  DatabaseOptions options;
  options.storage.path = path;
  options.storage.sync_writes = false;
  options.storage.cache_bytes = 8 << 20;
  options.schema = std::shared_ptr<const schema::SchemaRegistry>(std::move(*schema));
  auto database = Database::Open(options);
  REQUIRE_MESSAGE(database.ok(), database.status().ToString());
  return std::move(*database);
}

std::vector<v1::Claim> ClaimsOf(const ReadView& view, const ClaimQuery& query) {
  auto page = view.ListClaims(query, view.limits().max_page_size, "");
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  CHECK(page->next_page_token.empty());
  return page->items;
}

TEST_CASE("sample data parses and every quote is at its code point offsets") {
  auto records = ParseRecords();
  // Source id -> its text split into code points.
  std::map<std::string, std::vector<std::string>> texts;
  std::set<std::string> entities, sources, claims_so_far;
  int claims = 0;
  for (const auto& record : records) {
    if (record.has_entity()) entities.insert(record.entity().id());
    if (record.has_source()) {
      sources.insert(record.source().id());
      if (!record.source().text().empty()) {
        texts[record.source().id()] = CodePoints(record.source().text());
      }
    }
    if (!record.has_claim()) continue;
    const auto& claim = record.claim();
    INFO("claim ", claim.id());
    ++claims;
    // Every claim is attributed, found in the page and quoted from it.
    CHECK(claim.claimant().kind_case() != v1::Agent::KIND_NOT_SET);
    CHECK(claim.source_id() == kPage);
    REQUIRE(claim.has_quote());
    // Dependency order: what a claim refers to is on an earlier line.
    CHECK(entities.count(claim.statement().subject_id()) == 1);
    if (!claim.on_behalf_of_id().empty()) CHECK(entities.count(claim.on_behalf_of_id()) == 1);
    if (!claim.basis().source_id().empty()) CHECK(sources.count(claim.basis().source_id()) == 1);
    if (!claim.relays_claim_id().empty()) CHECK(claims_so_far.count(claim.relays_claim_id()) == 1);
    claims_so_far.insert(claim.id());

    auto text = texts.find(claim.source_id());
    REQUIRE(text != texts.end());
    const auto& points = text->second;
    const auto& quote = claim.quote();
    REQUIRE(quote.start() >= 0);
    REQUIRE(quote.end() > quote.start());
    REQUIRE(static_cast<size_t>(quote.end()) <= points.size());
    CHECK(static_cast<size_t>(quote.end() - quote.start()) == CodePoints(quote.text()).size());
    std::string at;
    for (int i = quote.start(); i < quote.end(); ++i) at += points[i];
    CHECK(at == quote.text());
  }
  CHECK(claims >= 15);
}

TEST_CASE("the sample page text is the article body of the copied seed file") {
  auto records = ParseRecords();
  const v1::Source* page = nullptr;
  for (const auto& record : records) {
    if (record.has_source() && record.source().id() == kPage) page = &record.source();
  }
  REQUIRE(page != nullptr);
  const std::string article = ReadFile(kArticleFile);
  const std::string& text = page->text();
  CHECK(article.find(text) != std::string::npos);
  CHECK(text.rfind("Iran has been sending material to Russia", 0) == 0);
  CHECK(text.size() >= 26);
  CHECK(text.substr(text.size() - 26) == "to Tehran's drone program.");
  CHECK(page->content_hash() == "sha256:" + Sha256Hex(text));
  // The page's own (wrong) date is kept as declared, next to the earlier original it copies.
  CHECK(page->declared_published_at().seconds() == 1744846637);  // 2025-04-16T23:37:17Z
  REQUIRE(page->derived_from_size() == 1);
  CHECK(page->derived_from(0).type() == v1::DERIVATION_TYPE_REPUBLISHES);
  CHECK(page->derived_from(0).source_id() == kOriginal);
}

TEST_CASE("sample data loads strictly into a fresh database and re-imports unchanged") {
  auto records = ParseRecords();
  TempDir directory;
  auto database = OpenDatabase(directory.path());
  WriteContext context{"sample-data-test"};

  auto first = database->ApplyRecords(records, ImportMode::kStrict, context);
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  REQUIRE(first->size() == records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    INFO("record ", i + 1, " (", (*first)[i].id, "): ", (*first)[i].error.ToString());
    CHECK((*first)[i].error.ok());
    CHECK((*first)[i].outcome == WriteOutcome::kCreated);
  }
  auto stats = database->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->claims >= 15);
  CHECK(stats->assessments == 1);

  auto view = database->NewReadView();
  REQUIRE(view.ok());

  SUBCASE("the route claims relay back to the administration's intelligence") {
    for (std::string leg : {"from", "to", "via"}) {
      INFO("route leg ", leg);
      auto claim = (*view)->GetClaim("claim-route-" + leg + "-page");
      REQUIRE_MESSAGE(claim.ok(), claim.status().ToString());
      const std::string statement = claim->statement_id();
      std::vector<v1::Claim> chain{*claim};
      while (!chain.back().relays_claim_id().empty() && chain.size() < 10) {
        auto next = (*view)->GetClaim(chain.back().relays_claim_id());
        REQUIRE_MESSAGE(next.ok(), next.status().ToString());
        CHECK(next->statement_id() == statement);
        chain.push_back(*next);
      }
      CHECK(chain.size() >= 3);
      CHECK(chain.front().claimant().entity_id() == "capitaltrack");
      CHECK(chain.back().basis().source_id() == kIntelligence);
      CHECK(chain.back().act() == v1::CLAIM_ACT_BELIEVES);
      bool kirby_in_chain = false;
      for (const auto& link : chain) {
        if (link.claimant().entity_id() == "john-kirby") {
          kirby_in_chain = true;
          CHECK(link.on_behalf_of_id() == "national-security-council");
        }
      }
      CHECK(kirby_in_chain);
    }
  }

  SUBCASE("Kirby speaks for the NSC and Burns for the CIA") {
    ClaimQuery kirby;
    kirby.claimant_id = "john-kirby";
    auto kirby_claims = ClaimsOf(**view, kirby);
    CHECK(kirby_claims.size() >= 5);
    for (const auto& claim : kirby_claims)
      CHECK(claim.on_behalf_of_id() == "national-security-council");
    ClaimQuery burns;
    burns.claimant_id = "william-burns";
    auto burns_claims = ClaimsOf(**view, burns);
    CHECK(burns_claims.size() >= 3);
    for (const auto& claim : burns_claims) CHECK(claim.on_behalf_of_id() == "cia");
  }

  SUBCASE("the partnership has NSC support and a hedged CIA refutation") {
    auto limits = (*view)->GetClaim("claim-partnership-limits-burns");
    REQUIRE(limits.ok());
    CHECK(limits->stance() == v1::STANCE_REFUTES);
    CHECK(limits->certainty() == v1::CERTAINTY_PROBABLE);
    CHECK(limits->estimative_word() == "likely");
    CHECK(limits->probability_low() == doctest::Approx(0.55));
    ClaimQuery query;
    query.statement_id = limits->statement_id();
    std::set<std::string> supporting_principals, refuting_principals;
    for (const auto& claim : ClaimsOf(**view, query)) {
      if (claim.on_behalf_of_id().empty()) continue;
      (claim.stance() == v1::STANCE_SUPPORTS ? supporting_principals : refuting_principals)
          .insert(claim.on_behalf_of_id());
    }
    CHECK(supporting_principals == std::set<std::string>{"national-security-council"});
    CHECK(refuting_principals == std::set<std::string>{"cia"});
  }

  SUBCASE("lifecycle rules as docs/data-model.md describes them") {
    auto imported = (*view)->GetClaim("claim-route-from-kirby");
    REQUIRE(imported.ok());
    const uint64_t import_time = ids::ToMicros(imported->recorded_at());
    // Before the import the database knew nothing of the article.
    auto before = database->NewReadView(import_time - 1);
    REQUIRE(before.ok());
    CHECK((*before)->GetEntity("iran").status().code() == absl::StatusCode::kNotFound);

    // Only the publisher of the claim's source (the page) may correct a claim found in it.
    v1::LifecycleEvent correction;
    correction.set_kind(v1::LIFECYCLE_KIND_CORRECTION);
    correction.mutable_target()->set_claim_id("claim-alabuga-in-russia-cbs");
    correction.set_actor_id("cbs-news");
    correction.set_reason("distance from Moscow corrected");
    CHECK(database->RecordLifecycleEvent(correction, context).status().code() ==
          absl::StatusCode::kFailedPrecondition);
    correction.set_actor_id("capitaltrack");
    CHECK(database->RecordLifecycleEvent(correction, context).ok());

    // Kirby's principal may retract his claim: it leaves answers from then on, not before.
    v1::LifecycleEvent retraction;
    retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
    retraction.mutable_target()->set_claim_id("claim-route-from-kirby");
    retraction.set_actor_id("national-security-council");
    REQUIRE(database->RecordLifecycleEvent(retraction, context).ok());
    auto after = database->NewReadView();
    REQUIRE(after.ok());
    auto retracted = (*after)->GetClaim("claim-route-from-kirby");
    REQUIRE(retracted.ok());
    CHECK(retracted->status() == v1::CLAIM_STATUS_RETRACTED);
    auto corrected = (*after)->GetClaim("claim-alabuga-in-russia-cbs");
    REQUIRE(corrected.ok());
    CHECK(corrected->status() == v1::CLAIM_STATUS_CORRECTED);
    ClaimQuery kirby;
    kirby.claimant_id = "john-kirby";
    for (const auto& claim : ClaimsOf(**after, kirby))
      CHECK(claim.id() != "claim-route-from-kirby");
    auto at_import = database->NewReadView(import_time);
    REQUIRE(at_import.ok());
    auto then = (*at_import)->GetClaim("claim-route-from-kirby");
    REQUIRE(then.ok());
    CHECK(then->status() == v1::CLAIM_STATUS_ACTIVE);
  }

  SUBCASE("importing the file again changes nothing") {
    auto second = database->ApplyRecords(records, ImportMode::kStrict, context);
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    REQUIRE(second->size() == records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      INFO("record ", i + 1, " (", (*second)[i].id, "): ", (*second)[i].error.ToString());
      CHECK((*second)[i].error.ok());
      CHECK((*second)[i].outcome == WriteOutcome::kUnchanged);
    }
    auto again = database->GetStats();
    REQUIRE(again.ok());
    CHECK(again->claims == stats->claims);
    CHECK(again->statements == stats->statements);
  }
}

}  // namespace
}  // namespace claimgraph
