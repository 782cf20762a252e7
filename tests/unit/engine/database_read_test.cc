// Database reads: ListClaims with every filter and paging (compared with the expected list),
// GetStats, persistence across a reopen, and as-of reads of entities, statements, claims,
// edges and aggregates.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/strings.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeRetraction;
using testing::MakeStatement;
using testing::Must;
using testing::NamesField;

template <typename T>
void ExpectError(const absl::StatusOr<T>& result, absl::StatusCode code, std::string_view field) {
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().code() == code, result.status().ToString());
  CHECK_MESSAGE(NamesField(result.status(), field), "expected '", std::string(field), "' in ",
                result.status().ToString());
}

// What the test knows about each claim it wrote.
struct Row {
  std::string id, statement_id, subject, claimant, on_behalf_of, source;
  v1::Stance stance;
  uint64_t recorded_at = 0;
  uint64_t retracted_at = 0;  // 0: never
};

const std::array<std::array<const char*, 3>, 6> kStatements = {{
    {"iran", "supplies", "russia"},
    {"iran", "supplies", "drones"},
    {"russia", "attacked", "kyiv"},
    {"russia", "attacked", "ukraine"},
    {"cia", "sanctions", "iran"},
    {"russia", "uses", "drones"},
}};
const char* const kClaimants[] = {"john_kirby", "william_burns", "outlet",
                                  "wire",       "iran",          "russia"};
const char* const kPrincipals[] = {"", "nsc", "white_house", "cia"};
const char* const kSources[] = {"", "page", "original"};
const v1::Stance kStances[] = {v1::STANCE_SUPPORTS, v1::STANCE_REFUTES, v1::STANCE_DISCUSSES};
constexpr int kClaimCount = 30;

struct World {
  World() {
    testing::SeedWorld(t);
    for (int i = 0; i < kClaimCount; ++i) {
      const auto& s = kStatements[i % 6];
      v1::Claim claim = MakeClaim(MakeStatement(s[0], s[1], s[2]), kClaimants[(i * 7) % 6],
                                  kStances[(i / 2) % 3]);
      claim.set_on_behalf_of_id(kPrincipals[(i * 5) % 4]);
      claim.set_source_id(kSources[(i * 3 + i / 3) % 3]);
      claim.set_cue(StrCat("cue ", i));
      auto written = Must(t.db->CreateClaim(claim, "", t.context)).record;
      rows.push_back({written.id(), written.statement_id(), s[0], claim.claimant().entity_id(),
                      claim.on_behalf_of_id(), claim.source_id(), claim.stance(),
                      ids::ToMicros(written.recorded_at())});
    }
    last_claim_at = rows.back().recorded_at;
    for (int i = 3; i < kClaimCount; i += 7) {
      auto event =
          Must(t.db->RecordLifecycleEvent(MakeRetraction(rows[i].id, rows[i].claimant), t.context));
      rows[i].retracted_at = ids::ToMicros(event.record.recorded_at());
    }
  }

  // Ids of the rows the query selects as of `as_of`, in recorded order.
  std::vector<std::string> Expected(const ClaimQuery& query, uint64_t as_of = UINT64_MAX) const {
    std::vector<std::string> ids;
    for (const auto& row : rows) {
      if (row.recorded_at > as_of) continue;
      if (!query.statement_id.empty() && row.statement_id != query.statement_id) continue;
      if (!query.subject_id.empty() && row.subject != query.subject_id) continue;
      if (!query.claimant_id.empty() && row.claimant != query.claimant_id) continue;
      if (!query.on_behalf_of_id.empty() && row.on_behalf_of != query.on_behalf_of_id) continue;
      if (!query.source_id.empty() && row.source != query.source_id) continue;
      if (query.stance != v1::STANCE_UNSPECIFIED && row.stance != query.stance) continue;
      if (row.recorded_at < query.recorded_from) continue;
      if (query.recorded_to != 0 && row.recorded_at >= query.recorded_to) continue;
      bool inactive = row.retracted_at != 0 && row.retracted_at <= as_of;
      if (inactive && !query.include_inactive) continue;
      ids.push_back(row.id);
    }
    return ids;
  }

  testing::TestDatabase t;
  std::vector<Row> rows;
  uint64_t last_claim_at = 0;
};

std::vector<std::string> Ids(const std::vector<v1::Claim>& claims) {
  std::vector<std::string> ids;
  for (const auto& claim : claims) ids.push_back(claim.id());
  return ids;
}

std::vector<ClaimQuery> Queries(const World& w) {
  std::vector<ClaimQuery> queries(1);  // no filter at all
  auto add = [&](const std::function<void(ClaimQuery*)>& set) {
    ClaimQuery query;
    set(&query);
    queries.push_back(query);
  };
  for (const auto& row : w.rows) {
    add([&](ClaimQuery* q) { q->statement_id = row.statement_id; });
  }
  for (const char* subject : {"iran", "russia", "cia", "kyiv"}) {
    add([&](ClaimQuery* q) { q->subject_id = subject; });
  }
  for (const char* claimant : kClaimants) add([&](ClaimQuery* q) { q->claimant_id = claimant; });
  for (const char* principal : {"nsc", "white_house", "cia"}) {
    add([&](ClaimQuery* q) { q->on_behalf_of_id = principal; });
  }
  for (const char* source : {"page", "original"})
    add([&](ClaimQuery* q) { q->source_id = source; });
  for (auto stance : kStances) add([&](ClaimQuery* q) { q->stance = stance; });
  add([&](ClaimQuery* q) {
    q->statement_id = w.rows[0].statement_id;
    q->claimant_id = "john_kirby";
  });
  add([&](ClaimQuery* q) {
    q->subject_id = "russia";
    q->stance = v1::STANCE_REFUTES;
  });
  add([&](ClaimQuery* q) {
    q->source_id = "page";
    q->on_behalf_of_id = "nsc";
  });
  add([&](ClaimQuery* q) {
    q->claimant_id = "outlet";
    q->source_id = "original";
    q->stance = v1::STANCE_SUPPORTS;
    q->subject_id = "iran";
  });
  add([&](ClaimQuery* q) {
    q->recorded_from = w.rows[5].recorded_at;
    q->recorded_to = w.rows[20].recorded_at;
  });
  add([&](ClaimQuery* q) {
    q->subject_id = "iran";
    q->recorded_from = w.rows[7].recorded_at;
  });
  add([&](ClaimQuery* q) {
    q->claimant_id = "wire";
    q->recorded_to = w.rows[25].recorded_at;
  });
  // Every query once more with the inactive claims.
  size_t count = queries.size();
  for (size_t i = 0; i < count; ++i) {
    queries.push_back(queries[i]);
    queries.back().include_inactive = true;
  }
  return queries;
}

std::string Describe(const ClaimQuery& q) {
  return StrCat("statement=", q.statement_id, " subject=", q.subject_id,
                " claimant=", q.claimant_id, " principal=", q.on_behalf_of_id,
                " source=", q.source_id, " stance=", q.stance, " from=", q.recorded_from,
                " to=", q.recorded_to, " inactive=", q.include_inactive);
}

}  // namespace

TEST_CASE("ListClaims answers every filter and combination, over all pages") {
  World w;
  auto view = w.t.View();
  size_t nonempty = 0;
  for (const auto& query : Queries(w)) {
    auto expected = w.Expected(query);
    nonempty += expected.empty() ? 0 : 1;
    for (int32_t page_size : {1, 4, 1000}) {
      CHECK_MESSAGE(Ids(testing::AllClaims(*view, query, page_size)) == expected, Describe(query),
                    " page_size=", page_size);
    }
  }
  // The data must make the comparison meaningful.
  CHECK(nonempty > 40);
  ClaimQuery all;
  all.include_inactive = true;
  CHECK(w.Expected(all).size() == kClaimCount);
  CHECK(w.Expected(ClaimQuery{}).size() == kClaimCount - 4);
}

TEST_CASE("ListClaims pages are full until the last and tokens resume exactly") {
  World w;
  auto view = w.t.View();
  ClaimQuery all;
  all.include_inactive = true;
  auto first = Must(view->ListClaims(all, 7, ""));
  CHECK(first.items.size() == 7);
  REQUIRE_FALSE(first.next_page_token.empty());
  auto second = Must(view->ListClaims(all, 7, first.next_page_token));
  CHECK(second.items.size() == 7);
  CHECK(second.items[0].id() == w.rows[7].id);
  // The default page size applies to 0.
  auto whole = Must(view->ListClaims(all, 0, ""));
  CHECK(whole.items.size() == kClaimCount);
  CHECK(whole.next_page_token.empty());
  // Exactly one page's worth leaves no token behind.
  auto exact = Must(view->ListClaims(all, kClaimCount, ""));
  CHECK(exact.items.size() == kClaimCount);
  CHECK(exact.next_page_token.empty());
}

TEST_CASE("ListClaims errors name the field") {
  World w;
  auto view = w.t.View();
  ClaimQuery q;
  q.statement_id = "st_missing";
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kNotFound, "statement_id");
  q = {};
  q.claimant_id = "nobody";
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kNotFound, "claimant_id");
  q = {};
  q.source_id = "nowhere";
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kNotFound, "source_id");
  q = {};
  q.subject_id = "nobody";
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kNotFound, "subject_id");
  q = {};
  q.on_behalf_of_id = "nobody";
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kNotFound, "on_behalf_of_id");
  q = {};
  q.recorded_from = 100;
  q.recorded_to = 50;
  ExpectError(view->ListClaims(q, 10, ""), absl::StatusCode::kInvalidArgument, "recorded_to");
  q = {};
  ExpectError(view->ListClaims(q, -1, ""), absl::StatusCode::kInvalidArgument, "page_size");
  ExpectError(view->ListClaims(q, 1001, ""), absl::StatusCode::kResourceExhausted, "page_size");
  auto page = Must(view->ListClaims(q, 1, ""));
  ClaimQuery other;
  other.subject_id = "iran";
  ExpectError(view->ListClaims(other, 1, page.next_page_token), absl::StatusCode::kInvalidArgument,
              "page_token");
  ExpectError(view->ListClaims(q, 1, "@@@"), absl::StatusCode::kInvalidArgument, "page_token");
}

TEST_CASE("a scan budget gives short pages but the walk still finds everything") {
  World w;
  Limits limits;
  limits.max_scan_per_page = 3;
  w.t.Reopen(limits);
  auto view = w.t.View();
  ClaimQuery refutes;
  refutes.stance = v1::STANCE_REFUTES;
  CHECK(Ids(testing::AllClaims(*view, refutes, 5)) == w.Expected(refutes));
  auto first = Must(view->ListClaims(refutes, 5, ""));
  CHECK(first.items.size() <= 3);
  CHECK_FALSE(first.next_page_token.empty());
  ClaimQuery by_subject;
  by_subject.subject_id = "russia";
  by_subject.include_inactive = true;
  CHECK(Ids(testing::AllClaims(*view, by_subject, 2)) == w.Expected(by_subject));
}

TEST_CASE("GetStats counts what was written") {
  World w;
  auto stats = Must(w.t.db->GetStats());
  CHECK(stats.entities == 14);
  CHECK(stats.sources == 2);
  CHECK(stats.claims == kClaimCount);
  CHECK(stats.statements == 6);
  CHECK(stats.predicates == 4);
  CHECK(stats.lifecycle_events == 4);
  CHECK(stats.assessments == 0);
}

TEST_CASE("everything survives a reopen and new ids continue after the old ones") {
  World w;
  auto before = Must(w.t.db->GetStats());
  std::vector<std::string> claims_before, entities_before;
  uint64_t max_entity = 0, max_claim = 0;
  {
    auto view = w.t.View();
    ClaimQuery all;
    all.include_inactive = true;
    claims_before = Ids(testing::AllClaims(*view, all, 1000));
    for (const auto& e : Must(view->ListEntities(EntityQuery{}, 1000, "")).items) {
      entities_before.push_back(e.id());
      max_entity = std::max(max_entity, *Must(view->Resolve(keys::IdKind::kEntity, e.id())));
    }
    for (const auto& id : claims_before) {
      max_claim = std::max(max_claim, *Must(view->Resolve(keys::IdKind::kClaim, id)));
    }
  }
  w.t.Reopen();
  auto view = w.t.View();
  ClaimQuery all;
  all.include_inactive = true;
  CHECK(Ids(testing::AllClaims(*view, all, 1000)) == claims_before);
  CHECK(Ids(testing::AllClaims(*view, ClaimQuery{}, 1000)) == w.Expected(ClaimQuery{}));
  std::vector<std::string> entities_after;
  for (const auto& e : Must(view->ListEntities(EntityQuery{}, 1000, "")).items) {
    entities_after.push_back(e.id());
  }
  CHECK(entities_after == entities_before);
  CHECK(Must(view->GetSource("page")).derived_from_size() == 1);
  CHECK(Must(view->GetClaim(w.rows[3].id)).status() == v1::CLAIM_STATUS_RETRACTED);
  auto after = Must(w.t.db->GetStats());
  CHECK(after.entities == before.entities);
  CHECK(after.claims == before.claims);
  CHECK(after.statements == before.statements);
  CHECK(after.lifecycle_events == before.lifecycle_events);
  CHECK(after.predicates == before.predicates);

  // New writes get new internal ids and later times.
  Must(w.t.db->CreateEntity(testing::MakeEntity("tehran", "city", "Tehran"), w.t.context));
  auto claim = Must(w.t.db->CreateClaim(
      MakeClaim(MakeStatement("tehran", "capital_of", "iran"), "outlet"), "", w.t.context));
  CHECK(ids::ToMicros(claim.record.recorded_at()) > w.rows.back().retracted_at);
  auto later = w.t.View();
  CHECK(*Must(later->Resolve(keys::IdKind::kEntity, "tehran")) == max_entity + 1);
  CHECK(*Must(later->Resolve(keys::IdKind::kClaim, claim.record.id())) == max_claim + 1);
  CHECK(Must(w.t.db->GetStats()).claims == before.claims + 1);
}

TEST_CASE("as-of views see entity versions as they were") {
  testing::TestDatabase t;
  auto created = Must(t.db->CreateEntity(testing::MakeEntity("kyiv", "city", "Kyiv"), t.context));
  v1::Entity rename;
  rename.set_id("kyiv");
  rename.set_name("Kiev");
  auto renamed = Must(t.db->UpdateEntity(rename, {"name"}, t.context));
  uint64_t created_at = ids::ToMicros(created.record.recorded_at());
  uint64_t renamed_at = ids::ToMicros(renamed.record.recorded_at());
  REQUIRE(renamed_at > created_at);
  CHECK(absl::IsNotFound(t.View(created_at - 1)->GetEntity("kyiv").status()));
  CHECK(Must(t.View(created_at)->GetEntity("kyiv")).name() == "Kyiv");
  CHECK(Must(t.View(renamed_at - 1)->GetEntity("kyiv")).name() == "Kyiv");
  CHECK(Must(t.View(renamed_at)->GetEntity("kyiv")).name() == "Kiev");
  CHECK(Must(t.View()->GetEntity("kyiv")).name() == "Kiev");
  EntityQuery by_name;
  by_name.name_prefix = "kyiv";
  CHECK(Must(t.View(renamed_at - 1)->ListEntities(by_name, 10, "")).items.size() == 1);
  CHECK(Must(t.View()->ListEntities(by_name, 10, "")).items.empty());
  CHECK(Must(t.View(created_at - 1)->ListEntities(EntityQuery{}, 10, "")).items.empty());
  CHECK(Must(t.View(created_at - 1)->SearchEntities("kyiv", 10)).empty());
  // Too far in the future is refused.
  auto future = t.db->NewReadView(ids::NowMicros() + 3600ull * 1000000);
  REQUIRE_FALSE(future.ok());
  CHECK(future.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(NamesField(future.status(), "as_of"));
}

TEST_CASE("as-of views hide later claims and statements and ignore later retractions") {
  World w;
  const uint64_t t10 = w.rows[10].recorded_at;
  auto past = w.t.View(t10);
  CHECK_FALSE(past->current());
  ClaimQuery all;
  all.include_inactive = true;
  CHECK(Ids(testing::AllClaims(*past, all)) == w.Expected(all, t10));
  CHECK(w.Expected(all, t10).size() == 11);
  CHECK(absl::IsNotFound(past->GetClaim(w.rows[11].id).status()));
  // Statement 5 was first claimed by row 5: visible at t10, not before.
  CHECK(past->GetStatement(w.rows[5].statement_id).ok());
  CHECK(absl::IsNotFound(
      w.t.View(w.rows[5].recorded_at - 1)->GetStatement(w.rows[5].statement_id).status()));
  for (const auto& query : Queries(w)) {
    CHECK_MESSAGE(Ids(testing::AllClaims(*past, query, 4)) == w.Expected(query, t10),
                  Describe(query));
  }

  // Row 3 was retracted after every claim was written: as of the last claim it is active.
  auto before_retractions = w.t.View(w.last_claim_at);
  auto claim = Must(before_retractions->GetClaim(w.rows[3].id));
  CHECK(claim.status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(claim.lifecycle_size() == 0);
  CHECK(Ids(testing::AllClaims(*before_retractions, ClaimQuery{})).size() == kClaimCount);
  auto now = w.t.View();
  CHECK(Must(now->GetClaim(w.rows[3].id)).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Ids(testing::AllClaims(*now, ClaimQuery{})).size() == kClaimCount - 4);
  // Halfway through the retractions.
  auto between = w.t.View(w.rows[10].retracted_at);
  CHECK(Must(between->GetClaim(w.rows[10].id)).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Must(between->GetClaim(w.rows[17].id)).status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(Ids(testing::AllClaims(*between, ClaimQuery{})) ==
        w.Expected(ClaimQuery{}, w.rows[10].retracted_at));
}

TEST_CASE("ForEachEdge and AggregateAsOf answer as of a past time") {
  World w;
  // The expected aggregate of each statement as of `as_of`.
  auto expected = [&](uint64_t as_of) {
    std::map<std::string, storage::EdgeAggregate> aggregates;
    for (const auto& row : w.rows) {
      if (row.recorded_at > as_of) continue;
      auto& aggregate = aggregates[row.statement_id];
      aggregate.first_recorded_at = std::min(aggregate.first_recorded_at, row.recorded_at);
      aggregate.last_recorded_at = std::max(aggregate.last_recorded_at, row.recorded_at);
      if (row.stance == v1::STANCE_SUPPORTS) aggregate.best_confidence = 1.0;
      if (row.retracted_at != 0 && row.retracted_at <= as_of) continue;
      aggregate.claims += 1;
      if (row.stance == v1::STANCE_SUPPORTS) aggregate.supporting += 1;
      if (row.stance == v1::STANCE_REFUTES) aggregate.refuting += 1;
    }
    return aggregates;
  };
  std::vector<uint64_t> times = {w.rows[0].recorded_at - 1,
                                 w.rows[0].recorded_at,
                                 w.rows[4].recorded_at,
                                 w.rows[13].recorded_at,
                                 w.last_claim_at,
                                 w.rows[17].retracted_at,
                                 UINT64_MAX};
  for (uint64_t as_of : times) {
    auto view = as_of == UINT64_MAX ? w.t.View() : w.t.View(as_of);
    auto want = expected(as_of);
    std::map<std::string, storage::EdgeAggregate> got;
    for (const char* subject : {"iran", "russia", "cia"}) {
      auto node = *Must(view->Resolve(keys::IdKind::kEntity, subject));
      REQUIRE(
          view->ForEachEdge(keys::kOutEdge, node, std::nullopt,
                            [&](const keys::EdgeKey& key, const storage::EdgeAggregate& aggregate) {
                              auto id = view->ExternalId(keys::IdKind::kStatement, key.statement);
                              REQUIRE(id.ok());
                              got[*id] = aggregate;
                              return true;
                            })
              .ok());
    }
    CHECK_MESSAGE(got.size() == want.size(), "as_of=", as_of);
    for (const auto& [statement, aggregate] : want) {
      REQUIRE_MESSAGE(got.count(statement), statement, " as_of=", as_of);
      const auto& edge = got[statement];
      CHECK(edge.claims == aggregate.claims);
      CHECK(edge.supporting == aggregate.supporting);
      CHECK(edge.refuting == aggregate.refuting);
      CHECK(edge.best_confidence == aggregate.best_confidence);
      CHECK(edge.first_recorded_at == aggregate.first_recorded_at);
      CHECK(edge.last_recorded_at == aggregate.last_recorded_at);
      auto internal = *Must(view->Resolve(keys::IdKind::kStatement, statement));
      auto recomputed = Must(view->AggregateAsOf(internal));
      CHECK(recomputed.claims == aggregate.claims);
      CHECK(recomputed.supporting == aggregate.supporting);
      CHECK(recomputed.refuting == aggregate.refuting);
      CHECK(recomputed.best_confidence == aggregate.best_confidence);
    }
  }
}

}  // namespace claimgraph
