// A randomized model test: thousands of random writes (entities, claims over random statements
// with random stances and confidences, batches that fail part-way, duplicates, relays,
// retractions and deprecations, some refused) go to the engine and to a plain in-memory model;
// then the engine's out- and in-edges with their aggregates, its claim listings by statement,
// claimant, source and subject, its relays and its as-of answers at past times must equal what
// the model computes.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/strings.h"
#include "test_database.h"

namespace claimgraph {
namespace {

using testing::Must;

struct ModelClaim {
  std::string id;
  std::string statement_key;               // the model's own identity of the statement
  std::string subject, predicate, object;  // object "" for a literal
  std::string claimant;                    // "" for a some-value claimant
  std::string on_behalf_of, source, relays;
  v1::Stance stance = v1::STANCE_SUPPORTS;
  double confidence = 1.0;
  uint64_t recorded_at = 0;
  uint64_t inactive_at = 0;  // first retraction or deprecation; 0: active
  bool retracted = false, deprecated = false;
};

struct Aggregate {
  int64_t claims = 0, supporting = 0, refuting = 0;
  double best_confidence = 0;
  uint64_t first = UINT64_MAX, last = 0;
  bool operator==(const Aggregate&) const = default;
};

std::string Show(const Aggregate& a) {
  return StrCat("{claims ", a.claims, " supporting ", a.supporting, " refuting ", a.refuting,
                " best ", a.best_confidence, " first ", a.first, " last ", a.last, "}");
}

class Model {
 public:
  std::vector<std::string> entities;                 // in creation order
  std::map<std::string, std::string> type;           // entity -> type
  std::vector<ModelClaim> claims;                    // in recorded order
  std::map<std::string, std::string> statement_ids;  // model key -> engine statement id

  // Aggregates of every statement as of `as_of`, keyed by engine statement id.
  std::map<std::string, Aggregate> Aggregates(uint64_t as_of) const {
    std::map<std::string, Aggregate> result;
    for (const auto& claim : claims) {
      if (claim.recorded_at > as_of) continue;
      auto& aggregate = result[statement_ids.at(claim.statement_key)];
      aggregate.first = std::min(aggregate.first, claim.recorded_at);
      aggregate.last = std::max(aggregate.last, claim.recorded_at);
      if (claim.stance == v1::STANCE_SUPPORTS) {
        aggregate.best_confidence = std::max(aggregate.best_confidence, claim.confidence);
      }
      if (claim.inactive_at != 0 && claim.inactive_at <= as_of) continue;
      aggregate.claims += 1;
      if (claim.stance == v1::STANCE_SUPPORTS) aggregate.supporting += 1;
      if (claim.stance == v1::STANCE_REFUTES) aggregate.refuting += 1;
    }
    return result;
  }

  // Claim ids selected by `keep` as of `as_of`, in recorded order.
  template <typename Predicate>
  std::vector<std::string> Select(uint64_t as_of, bool include_inactive, Predicate keep) const {
    std::vector<std::string> ids;
    for (const auto& claim : claims) {
      if (claim.recorded_at > as_of || !keep(claim)) continue;
      if (!include_inactive && claim.inactive_at != 0 && claim.inactive_at <= as_of) continue;
      ids.push_back(claim.id);
    }
    return ids;
  }
};

const char* const kEntityTypes[] = {"country", "person", "government_body", "company"};
const char* const kEntityPredicates[] = {"cooperates_with", "trusts", "sanctions",
                                         "offers_cooperation", "rivals"};
const char* const kSources[] = {"s0", "s1", "s2"};

class Runner {
 public:
  explicit Runner(uint64_t seed) : random_(seed) {
    Must(t_.db->CreateEntity(testing::MakeEntity("publisher", "company", "Publisher"), t_.context));
    model_.entities.push_back("publisher");
    model_.type["publisher"] = "company";
    for (const char* source_id : kSources) {
      v1::Source source;
      source.set_id(source_id);
      source.set_publisher_id("publisher");
      Must(t_.db->CreateSource(source, t_.context));
    }
    for (int i = 0; i < 8; ++i) AddEntity();
  }

  void Run(int operations) {
    for (int op = 0; op < operations; ++op) {
      int dice = static_cast<int>(random_() % 100);
      if (dice < 4 && model_.entities.size() < 40) {
        AddEntity();
      } else if (dice < 62) {
        AddClaim();
      } else if (dice < 72) {
        AddBatch();
      } else if (dice < 76) {
        AddDuplicate();
      } else if (dice < 92) {
        Retract();
      } else {
        Deprecate();
      }
    }
  }

  void Verify() {
    VerifyAt(UINT64_MAX);
    // A few past times: some recorded times of claims and of deactivations, and between them.
    std::vector<uint64_t> times;
    for (int i = 0; i < 2 && !model_.claims.empty(); ++i) {
      const auto& claim = model_.claims[random_() % model_.claims.size()];
      times.push_back(random_() % 2 ? claim.recorded_at : claim.recorded_at - 1);
    }
    for (const auto& claim : model_.claims) {
      if (claim.inactive_at != 0 && random_() % 8 == 0) {
        times.push_back(claim.inactive_at);
        break;
      }
    }
    for (uint64_t as_of : times) VerifyAt(as_of);
    auto stats = Must(t_.db->GetStats());
    CHECK(stats.claims == model_.claims.size());
    CHECK(stats.statements == model_.statement_ids.size());
    CHECK(stats.entities == model_.entities.size());
  }

  size_t claims() const { return model_.claims.size(); }
  size_t statements() const { return model_.statement_ids.size(); }
  size_t inactive() const {
    return static_cast<size_t>(std::count_if(model_.claims.begin(), model_.claims.end(),
                                             [](const auto& c) { return c.inactive_at != 0; }));
  }
  size_t refused() const { return refused_; }
  void Reopen() { t_.Reopen(); }

 private:
  const std::string& RandomEntity() { return model_.entities[random_() % model_.entities.size()]; }

  void AddEntity() {
    std::string id = StrCat("e", model_.entities.size());
    const char* type = kEntityTypes[random_() % 4];
    Must(t_.db->CreateEntity(testing::MakeEntity(id, type, StrCat("Entity ", id)), t_.context));
    model_.entities.push_back(id);
    model_.type[id] = type;
  }

  // A random valid claim and its model row (recorded_at and id filled in after the write).
  std::pair<v1::Claim, ModelClaim> RandomClaim() {
    ModelClaim row;
    v1::Claim claim;
    auto* statement = claim.mutable_statement();
    row.subject = RandomEntity();
    statement->set_subject_id(row.subject);
    // Literal statements need an agent subject ("said"); countries are not agents.
    if (random_() % 8 == 0 && model_.type[row.subject] != "country") {
      row.predicate = "said";
      statement->set_predicate("said");
      std::string words = random_() % 2 ? "yes" : "no";
      statement->mutable_object()->set_string_value(words);
      row.statement_key = StrCat(row.subject, "|said|\"", words);
    } else {
      row.predicate = kEntityPredicates[random_() % 5];
      row.object = RandomEntity();
      statement->set_predicate(row.predicate);
      statement->mutable_object()->set_entity_id(row.object);
      // A symmetric predicate's statement is stored with the smaller entity id first, whichever
      // orientation the claim gives (both are sent).
      if ((row.predicate == "cooperates_with" || row.predicate == "rivals") &&
          row.object < row.subject) {
        std::swap(row.subject, row.object);
      }
      row.statement_key = StrCat(row.subject, "|", row.predicate, "|", row.object);
    }
    if (random_() % 4 == 0) {
      // Qualifiers in random order: the same set must be the same statement.
      std::vector<std::pair<std::string, std::string>> qualifiers = {{"area", "missiles"}};
      if (random_() % 2) qualifiers.push_back({"via", "caspian"});
      std::shuffle(qualifiers.begin(), qualifiers.end(), random_);
      std::vector<std::string> keys;
      for (const auto& [key, value] : qualifiers) {
        auto* qualifier = statement->add_qualifiers();
        qualifier->set_key(key);
        qualifier->mutable_value()->set_string_value(value);
        keys.push_back(key);
      }
      std::sort(keys.begin(), keys.end());
      for (const auto& key : keys) row.statement_key += StrCat("|", key);
    }
    claim.set_act(v1::CLAIM_ACT_ASSERTS);
    row.stance = static_cast<v1::Stance>(1 + random_() % 3);
    claim.set_stance(row.stance);
    if (random_() % 3) {
      row.confidence = static_cast<double>(random_() % 101) / 100.0;
      claim.set_confidence(row.confidence);
    }
    if (random_() % 6 == 0) {
      claim.mutable_claimant()->mutable_some_value()->set_description("officials");
    } else {
      row.claimant = RandomEntity();
      claim.mutable_claimant()->set_entity_id(row.claimant);
    }
    if (random_() % 3 == 0) {
      row.on_behalf_of = RandomEntity();
      claim.set_on_behalf_of_id(row.on_behalf_of);
    }
    if (random_() % 2) {
      row.source = kSources[random_() % 3];
      claim.set_source_id(row.source);
    }
    if (random_() % 5 == 0) {
      // Relay an earlier claim of the same statement, when there is one.
      std::vector<const ModelClaim*> same;
      for (const auto& other : model_.claims) {
        if (other.statement_key == row.statement_key) same.push_back(&other);
      }
      if (!same.empty()) {
        row.relays = same[random_() % same.size()]->id;
        claim.set_relays_claim_id(row.relays);
      }
    }
    claim.set_cue(StrCat("cue ", serial_++));  // every claim distinct
    return {claim, row};
  }

  void Learn(ModelClaim row, const v1::Claim& written) {
    row.id = written.id();
    row.recorded_at = ids::ToMicros(written.recorded_at());
    // Same statement content, same id; different content, different id.
    auto [it, inserted] = model_.statement_ids.emplace(row.statement_key, written.statement_id());
    if (!inserted) CHECK(it->second == written.statement_id());
    auto [back, new_id] = statement_keys_.emplace(written.statement_id(), row.statement_key);
    if (!new_id) CHECK(back->second == row.statement_key);
    model_.claims.push_back(std::move(row));
  }

  void AddClaim() {
    auto [claim, row] = RandomClaim();
    auto written = t_.db->CreateClaim(claim, "", t_.context);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    Learn(row, written->record);
  }

  // A batch of claims; one time in four, one of them is bad and nothing may land.
  void AddBatch() {
    std::vector<v1::Claim> claims;
    std::vector<ModelClaim> rows;
    size_t size = 2 + random_() % 4;
    for (size_t i = 0; i < size; ++i) {
      auto [claim, row] = RandomClaim();
      // Relays inside a batch only point at committed claims, so the model stays simple.
      claims.push_back(claim);
      rows.push_back(row);
    }
    bool poison = random_() % 4 == 0;
    size_t bad = random_() % size;
    if (poison) claims[bad].mutable_claimant()->set_entity_id("no_such_entity");
    auto written = t_.db->CreateClaims(claims, t_.context);
    if (poison) {
      REQUIRE_FALSE(written.ok());
      CHECK(written.status().code() == absl::StatusCode::kNotFound);
      CHECK(testing::NamesField(written.status(), StrCat("claims[", bad, "].claimant")));
      ++refused_;
      return;
    }
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    REQUIRE(written->size() == size);
    for (size_t i = 0; i < size; ++i) Learn(rows[i], (*written)[i].record);
  }

  void AddDuplicate() {
    if (model_.claims.empty()) return;
    const auto& existing = model_.claims[random_() % model_.claims.size()];
    auto read = Must(t_.View()->GetClaim(existing.id));
    v1::Claim again = read;
    again.clear_id();
    again.clear_statement();
    auto written = t_.db->CreateClaim(again, "", t_.context);
    REQUIRE_FALSE(written.ok());
    CHECK(written.status().code() == absl::StatusCode::kAlreadyExists);
    ++refused_;
  }

  void Retract() {
    if (model_.claims.empty()) return;
    auto& claim = model_.claims[random_() % model_.claims.size()];
    if (claim.claimant.empty() && claim.on_behalf_of.empty()) return;
    std::string actor = claim.claimant.empty() ? claim.on_behalf_of : claim.claimant;
    if (!claim.on_behalf_of.empty() && random_() % 2) actor = claim.on_behalf_of;
    bool wrong = random_() % 6 == 0;
    if (wrong) actor = RandomEntity();
    bool allowed = actor == claim.claimant || actor == claim.on_behalf_of;
    auto event = testing::MakeRetraction(claim.id, actor, StrCat("reason ", serial_++));
    auto written = t_.db->RecordLifecycleEvent(event, t_.context);
    if (!allowed || claim.retracted) {
      REQUIRE_FALSE(written.ok());
      CHECK(written.status().code() == absl::StatusCode::kFailedPrecondition);
      ++refused_;
      return;
    }
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    claim.retracted = true;
    if (claim.inactive_at == 0) claim.inactive_at = ids::ToMicros(written->record.recorded_at());
  }

  void Deprecate() {
    if (model_.claims.empty()) return;
    auto& claim = model_.claims[random_() % model_.claims.size()];
    v1::LifecycleEvent event;
    event.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
    event.mutable_target()->set_claim_id(claim.id);
    event.set_actor_id(RandomEntity());
    event.set_reason(StrCat("reason ", serial_++));
    auto written = t_.db->RecordLifecycleEvent(event, t_.context);
    if (claim.deprecated) {
      REQUIRE_FALSE(written.ok());
      CHECK(written.status().code() == absl::StatusCode::kFailedPrecondition);
      ++refused_;
      return;
    }
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    claim.deprecated = true;
    if (claim.inactive_at == 0) claim.inactive_at = ids::ToMicros(written->record.recorded_at());
  }

  std::vector<std::string> Listed(const ReadView& view, ClaimQuery query, bool include_inactive) {
    query.include_inactive = include_inactive;
    std::vector<std::string> ids;
    for (const auto& claim :
         testing::AllClaims(view, query, 1 + static_cast<int32_t>(random_() % 7))) {
      ids.push_back(claim.id());
    }
    return ids;
  }

  void VerifyAt(uint64_t as_of) {
    auto view = as_of == UINT64_MAX ? t_.View() : t_.View(as_of);
    CHECK(view->current() == (as_of == UINT64_MAX));
    auto expected = model_.Aggregates(as_of);

    // Edges: every entity's out- and in-edges, with their aggregates.
    std::map<std::string, std::map<std::string, Aggregate>> want_out, want_in;
    std::map<std::string, const ModelClaim*> first_claim;  // statement id -> a claim of it
    for (const auto& claim : model_.claims) {
      first_claim.emplace(model_.statement_ids.at(claim.statement_key), &claim);
    }
    for (const auto& [statement, aggregate] : expected) {
      const ModelClaim& claim = *first_claim.at(statement);
      want_out[claim.subject][statement] = aggregate;
      if (!claim.object.empty()) want_in[claim.object][statement] = aggregate;
    }
    for (const auto& entity : model_.entities) {
      uint64_t node = *Must(view->Resolve(keys::IdKind::kEntity, entity));
      for (char direction : {keys::kOutEdge, keys::kInEdge}) {
        std::map<std::string, Aggregate> got;
        auto status = view->ForEachEdge(
            direction, node, std::nullopt,
            [&](const keys::EdgeKey& key, const storage::EdgeAggregate& stored) {
              std::string statement =
                  Must(view->ExternalId(keys::IdKind::kStatement, key.statement));
              const ModelClaim& claim = *first_claim.at(statement);
              // The key's other end and predicate are the statement's.
              const std::string& other = direction == keys::kOutEdge ? claim.object : claim.subject;
              uint64_t other_id =
                  other.empty() ? 0 : *Must(view->Resolve(keys::IdKind::kEntity, other));
              if (key.other != other_id ||
                  key.predicate !=
                      *Must(view->Resolve(keys::IdKind::kPredicate, claim.predicate))) {
                FAIL_CHECK("edge key of ", statement, " names the wrong predicate or other end");
              }
              got[statement] = {
                  stored.claims,          stored.supporting,        stored.refuting,
                  stored.best_confidence, stored.first_recorded_at, stored.last_recorded_at};
              return true;
            });
        REQUIRE(status.ok());
        const auto& want = direction == keys::kOutEdge ? want_out[entity] : want_in[entity];
        CHECK_MESSAGE(got.size() == want.size(), entity, " ", direction, " as_of=", as_of);
        for (const auto& [statement, aggregate] : want) {
          auto it = got.find(statement);
          if (it == got.end()) {
            FAIL_CHECK("missing edge ", statement, " of ", entity, " as_of=", as_of);
            continue;
          }
          CHECK_MESSAGE(it->second == aggregate, entity, " ", direction, " ", statement,
                        " as_of=", as_of, " got ", Show(it->second), " want ", Show(aggregate));
        }
      }
    }

    // Claim listings by statement, claimant, source and subject, with and without inactive ones.
    for (bool inactive : {false, true}) {
      for (const auto& [key, statement] : model_.statement_ids) {
        if (random_() % 3) continue;  // a sample keeps the test fast
        ClaimQuery query;
        query.statement_id = statement;
        if (!expected.count(statement)) continue;  // not yet known as of then
        CHECK(Listed(*view, query, inactive) ==
              model_.Select(as_of, inactive,
                            [&](const ModelClaim& c) { return c.statement_key == key; }));
      }
      for (const auto& entity : model_.entities) {
        ClaimQuery by_claimant;
        by_claimant.claimant_id = entity;
        CHECK_MESSAGE(Listed(*view, by_claimant, inactive) ==
                          model_.Select(as_of, inactive,
                                        [&](const ModelClaim& c) { return c.claimant == entity; }),
                      "claimant ", entity, " as_of=", as_of);
        ClaimQuery by_subject;
        by_subject.subject_id = entity;
        CHECK_MESSAGE(Listed(*view, by_subject, inactive) ==
                          model_.Select(as_of, inactive,
                                        [&](const ModelClaim& c) { return c.subject == entity; }),
                      "subject ", entity, " as_of=", as_of);
      }
      for (const char* source : kSources) {
        ClaimQuery by_source;
        by_source.source_id = source;
        CHECK(Listed(*view, by_source, inactive) ==
              model_.Select(as_of, inactive,
                            [&](const ModelClaim& c) { return c.source == source; }));
      }
    }

    // Relays: who passes each claim on, as of then.
    std::map<std::string, std::set<std::string>> relays;
    for (const auto& claim : model_.claims) {
      if (!claim.relays.empty() && claim.recorded_at <= as_of)
        relays[claim.relays].insert(claim.id);
    }
    for (const auto& claim : model_.claims) {
      if (claim.recorded_at > as_of || random_() % 4) continue;
      std::set<std::string> got;
      uint64_t internal = *Must(view->Resolve(keys::IdKind::kClaim, claim.id));
      REQUIRE(view->ForEachRelayOf(internal,
                                   [&](uint64_t relaying) {
                                     got.insert(
                                         Must(view->ExternalId(keys::IdKind::kClaim, relaying)));
                                     return true;
                                   })
                  .ok());
      CHECK(got == relays[claim.id]);
    }
  }

  testing::TestDatabase t_;
  Model model_;
  std::map<std::string, std::string> statement_keys_;  // engine statement id -> model key
  std::mt19937_64 random_;
  uint64_t serial_ = 0;
  size_t refused_ = 0;
};

}  // namespace

TEST_CASE("random operations leave the engine agreeing with a simple model") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    Runner runner(seed);
    runner.Run(1000);
    runner.Verify();
    // After a reopen (merge operands folded by a fresh process), then more writes.
    runner.Reopen();
    runner.Run(500);
    runner.Verify();
    // The run must have exercised what it claims to.
    CHECK(runner.claims() > 900);
    CHECK(runner.statements() > 100);
    CHECK(runner.inactive() > 50);
    CHECK(runner.refused() > 30);
  }
}

}  // namespace claimgraph
