// The claims data generator (see claims_generator.h). Every entity and source is a pure function
// of (seed, index), so later records can refer back to one (a source update closing a derivation
// cycle, a quote of a source's text) without keeping it in memory; the generator keeps only
// per-entity types, per-source publishers and texts, and per-statement ids.
#include "claims_generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/strings.h"

namespace claimgraph::bench {
namespace {

// splitmix64: small, fast, and the same sequence on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  static Random For(uint64_t seed, uint64_t stream, uint64_t index) {
    Random mixer(seed ^ (stream * 0x9E3779B97F4A7C15ull) ^ (index * 0xD1B54A32D192ED03ull));
    return Random(mixer.Next());
  }
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool Chance(double p) { return Uniform() < p; }
  // A rank in [0, n) where small ranks are far more likely: drawing endpoints this way gives
  // the heavy-tailed (power-law) degree distribution of real graphs.
  uint64_t PowerLaw(uint64_t n, double skew = 2.5) {
    if (n == 0) return 0;
    return std::min<uint64_t>(
        n - 1, static_cast<uint64_t>(static_cast<double>(n) * std::pow(Uniform(), skew)));
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

enum Stream : uint64_t {
  kEntityTypeStream = 1,
  kSourceStream = 2,
  kEmployerStream = 3,
  kEntityStream = 4,
};

constexpr int64_t kEpochSeconds = 1577836800;  // 2020-01-01T00:00:00Z

google::protobuf::Timestamp Seconds(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

constexpr const char* kSyllables[] = {"ka",  "ro",  "vel", "min", "tar", "es",  "lo", "dan",
                                      "sha", "bor", "il",  "ne",  "mar", "qu",  "zo", "pet",
                                      "ran", "ul",  "sev", "at",  "gri", "hol", "us", "ten"};
constexpr const char* kWords[] = {
    "officials",   "said",         "the",      "drones",    "were",      "shipped", "across",
    "sea",         "intelligence", "shows",    "that",      "plant",     "could",   "be",
    "operational", "next",         "year",     "according", "to",        "report",  "supplies",
    "materials",   "sanctions",    "minister", "announced", "agreement", "forces",  "attacked",
    "city",        "during",       "night",    "new",       "statement", "denied",  "claims"};
constexpr const char* kPurposes[] = {"drone production", "air defence",   "training",
                                     "reconstruction",   "energy supply", "logistics"};
constexpr const char* kCues[] = {"said",  "according to", "told reporters",
                                 "wrote", "stated",       "claimed"};
constexpr const char* kEstimativeWords[] = {"almost no chance",    "very unlikely", "unlikely",
                                            "roughly even chance", "likely",        "very likely",
                                            "almost certainly"};
constexpr const char* kUnnamed[] = {"officials", "a senior official",
                                    "people familiar with the matter", "diplomats",
                                    "a source close to the ministry"};
constexpr const char* kVerdictTexts[] = {"True",       "False",           "Mostly false",
                                         "Misleading", "Missing context", "Unproven"};
constexpr const char* kMediaCategories[] = {"decontextualised", "fabricated", "manipulated",
                                            "satire", "accurate"};

std::string Name(Random& random, int words) {
  std::string name;
  for (int w = 0; w < words; ++w) {
    if (w) name += ' ';
    std::string word;
    int syllables = 2 + static_cast<int>(random.Below(2));
    for (int s = 0; s < syllables; ++s) word += random.Pick(kSyllables);
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    name += word;
  }
  return name;
}

std::string Sentence(Random& random, int words) {
  std::string text;
  for (int w = 0; w < words; ++w) {
    if (w) text += ' ';
    text += random.Pick(kWords);
  }
  return text;
}

// Relative frequency of entity types (types not listed get weight 1).
double TypeWeight(std::string_view type) {
  static const std::map<std::string_view, double> kWeights = {{"person", 14},
                                                              {"news_organisation", 5},
                                                              {"government_body", 4},
                                                              {"company", 5},
                                                              {"government", 1},
                                                              {"country", 2},
                                                              {"city", 6},
                                                              {"facility", 5},
                                                              {"product", 6},
                                                              {"weapon", 6},
                                                              {"material", 3},
                                                              {"event", 4},
                                                              {"region", 2},
                                                              {"group", 3},
                                                              {"program", 2},
                                                              {"fact_checker", 1}};
  auto it = kWeights.find(type);
  return it == kWeights.end() ? 1 : it->second;
}

// Relative frequency of predicates (not listed: 1).
double PredicateWeight(std::string_view predicate) {
  static const std::map<std::string_view, double> kWeights = {
      {"supplies", 10}, {"located_in", 8}, {"member_of", 4},  {"cooperates_with", 5},
      {"sanctions", 5}, {"attacked", 5},   {"uses", 5},       {"manufactures", 4},
      {"said", 3},      {"employs", 3},    {"shipped_to", 3}, {"leader_of", 2}};
  auto it = kWeights.find(predicate);
  return it == kWeights.end() ? 1 : it->second;
}

struct PredicatePlan {
  std::string name;
  double weight = 1;
  std::vector<size_t> subject_types;  // with non-empty pools
  std::vector<size_t> object_types;
  std::vector<std::string> literal_kinds;
};

struct SourceInfo {
  uint32_t publisher = 0;
  std::string text;  // empty unless the source stores its text
};

class Generator {
 public:
  Generator(const GeneratorOptions& options, const schema::SchemaRegistry& schema,
            const std::function<absl::Status(const v1::ImportRecord&)>& emit)
      : options_(options), schema_(schema), emit_(emit), random_(options.seed) {}

  absl::StatusOr<GeneratorCounts> Run();

 private:
  absl::Status Emit(v1::ImportRecord record) { return emit_(record); }
  std::string EntityId(uint64_t index) const {
    return StrCat(types_[entity_type_[index]], "_", index);
  }
  static std::string SourceId(uint64_t index) { return StrCat("src_", index); }
  static std::string ClaimId(uint64_t index) { return StrCat("cl_", index); }

  void PlanTypes();
  void PlanPredicates();
  v1::Entity EntityRecord(uint64_t index) const;
  uint32_t EmployerOf(uint64_t person) const;
  uint32_t PickFrom(const std::vector<uint32_t>& pool, Random& random, double skew = 2.5) const {
    return pool[random.PowerLaw(pool.size(), skew)];
  }
  uint32_t PickOfTypes(const std::vector<size_t>& types, Random& random);
  v1::Source SourceRecord(uint64_t index, SourceInfo* info) const;
  v1::Statement NewStatement();
  absl::Status EmitSource();
  absl::Status EmitClaim(uint64_t index);
  absl::Status EmitDue(uint64_t index);
  void Schedule(uint64_t due, v1::ImportRecord record) { pending_.emplace(due, std::move(record)); }

  GeneratorOptions options_;
  const schema::SchemaRegistry& schema_;
  const std::function<absl::Status(const v1::ImportRecord&)>& emit_;
  Random random_;
  GeneratorCounts counts_;

  std::vector<std::string> types_;
  std::vector<double> type_weights_;
  std::vector<uint16_t> entity_type_;
  std::vector<std::vector<uint32_t>> pools_;  // entities by type index
  std::vector<uint32_t> people_, organisations_, outlets_, places_, fact_checkers_, agents_;
  std::vector<PredicatePlan> predicates_;
  double predicate_weight_total_ = 0;

  std::vector<SourceInfo> sources_;
  std::vector<std::pair<uint64_t, uint64_t>> derivations_;  // sampled (later, earlier) pairs
  std::vector<std::string> statements_;                     // statement ids
  std::vector<uint32_t> last_claim_;                        // per statement: claim index + 1
  std::multimap<uint64_t, v1::ImportRecord> pending_;       // by the claim index they follow
};

void Generator::PlanTypes() {
  for (const auto& type : schema_.schema().entity_types()) {
    types_.push_back(type.name());
    type_weights_.push_back(TypeWeight(type.name()));
  }
  double total = 0;
  for (double w : type_weights_) total += w;
  pools_.resize(types_.size());
  entity_type_.resize(options_.entities);
  for (uint64_t i = 0; i < options_.entities; ++i) {
    size_t type = 0;
    if (i < types_.size()) {
      type = i;  // every type present, however small the graph
    } else {
      Random random = Random::For(options_.seed, kEntityTypeStream, i);
      double pick = random.Uniform() * total;
      while (type + 1 < types_.size() && pick >= type_weights_[type]) pick -= type_weights_[type++];
    }
    entity_type_[i] = static_cast<uint16_t>(type);
    pools_[type].push_back(static_cast<uint32_t>(i));
    const std::string& name = types_[type];
    if (name == "person") people_.push_back(static_cast<uint32_t>(i));
    if (schema_.IsA(name, "organisation")) organisations_.push_back(static_cast<uint32_t>(i));
    if (name == "news_organisation") outlets_.push_back(static_cast<uint32_t>(i));
    if (name == "fact_checker") fact_checkers_.push_back(static_cast<uint32_t>(i));
    if (schema_.IsA(name, "place")) places_.push_back(static_cast<uint32_t>(i));
    if (schema_.IsA(name, "agent") || name == "country")
      agents_.push_back(static_cast<uint32_t>(i));
  }
}

void Generator::PlanPredicates() {
  static constexpr const char* kGeneratedLiterals[] = {"string", "timestamp", "integer",
                                                       "double", "quantity",  "bool"};
  for (const auto& predicate : schema_.schema().predicates()) {
    PredicatePlan plan;
    plan.name = predicate.name();
    plan.weight = PredicateWeight(predicate.name());
    for (size_t t = 0; t < types_.size(); ++t) {
      if (pools_[t].empty()) continue;
      if (schema_.DomainAllows(predicate, types_[t])) plan.subject_types.push_back(t);
      if (schema_.RangeAllows(predicate, types_[t], false)) plan.object_types.push_back(t);
    }
    for (const char* kind : kGeneratedLiterals) {
      if (!predicate.range().empty() && schema_.RangeAllows(predicate, kind, true)) {
        plan.literal_kinds.push_back(kind);
      }
    }
    if (plan.subject_types.empty() || (plan.object_types.empty() && plan.literal_kinds.empty())) {
      continue;
    }
    predicate_weight_total_ += plan.weight;
    predicates_.push_back(std::move(plan));
  }
}

uint32_t Generator::EmployerOf(uint64_t person) const {
  Random random = Random::For(options_.seed, kEmployerStream, person);
  return organisations_[random.PowerLaw(organisations_.size(), 2.0)];
}

v1::Entity Generator::EntityRecord(uint64_t index) const {
  Random random = Random::For(options_.seed, kEntityStream, index);
  v1::Entity entity;
  entity.set_id(EntityId(index));
  const std::string& type = types_[entity_type_[index]];
  entity.set_type(type);
  entity.set_name(Name(random, type == "person" ? 2 : 1 + static_cast<int>(random.Below(2))));
  if (random.Chance(0.2)) entity.add_aliases(Name(random, 1));
  if (random.Chance(0.3)) entity.set_description(Sentence(random, 6));
  if (random.Chance(0.3)) (*entity.mutable_external_ids())["wikidata"] = StrCat("Q", 100 + index);
  if (type == "country") (*entity.mutable_attributes())["iso_code"] = StrCat("X", index % 1000);
  if (type == "person" && random.Chance(0.5)) {
    (*entity.mutable_attributes())["role"] = random.Chance(0.5) ? "spokesperson" : "official";
  }
  return entity;
}

v1::Source Generator::SourceRecord(uint64_t index, SourceInfo* info) const {
  Random random = Random::For(options_.seed, kSourceStream, index);
  v1::Source source;
  source.set_id(SourceId(index));
  bool from_outlet = outlets_.empty() ? false : random.Chance(0.8);
  uint32_t publisher = from_outlet ? outlets_[random.PowerLaw(outlets_.size(), 2.0)]
                                   : organisations_[random.PowerLaw(organisations_.size(), 2.0)];
  const std::string& publisher_type = types_[entity_type_[publisher]];
  source.set_publisher_id(EntityId(publisher));
  if (publisher_type == "news_organisation") {
    source.set_kind(random.Chance(0.9) ? v1::SOURCE_KIND_ARTICLE : v1::SOURCE_KIND_SOCIAL_POST);
  } else if (publisher_type == "intelligence_agency") {
    source.set_kind(v1::SOURCE_KIND_INTELLIGENCE_RELEASE);
  } else if (schema_.IsA(publisher_type, "government_body") || publisher_type == "government") {
    source.set_kind(random.Chance(0.5) ? v1::SOURCE_KIND_PRESS_RELEASE : v1::SOURCE_KIND_BRIEFING);
  } else {
    source.set_kind(v1::SOURCE_KIND_REPORT);
  }
  source.set_title(Sentence(random, 5 + static_cast<int>(random.Below(5))));
  source.set_url(StrCat("https://", EntityId(publisher), ".example/", index));
  int64_t published =
      kEpochSeconds + static_cast<int64_t>(index) * 3600 + static_cast<int64_t>(random.Below(3600));
  *source.mutable_first_seen_at() = Seconds(published + 60);
  *source.mutable_retrieved_at() = Seconds(published + 86400);
  source.set_content_hash(StrCat("sha256:", ids::HashHex(StrCat(options_.seed, "/", index))));
  source.set_reliability(static_cast<v1::Reliability>(1 + random.Below(6)));
  source.set_language(random.Chance(0.9) ? "en" : "fr");
  bool copy = false;
  if (index > 0) {
    double r = random.Uniform();
    auto add = [&](v1::DerivationType type, uint64_t earlier) {
      auto* link = source.add_derived_from();
      link->set_type(type);
      link->set_source_id(SourceId(earlier));
    };
    // Copies and quotes go to popular early documents; revisions to recent ones.
    if (r < 0.25) {
      add(v1::DERIVATION_TYPE_REPUBLISHES, random.PowerLaw(index, 2.0));
      copy = true;
    } else if (r < 0.40) {
      add(v1::DERIVATION_TYPE_QUOTES, random.PowerLaw(index, 2.0));
    } else if (r < 0.50) {
      add(v1::DERIVATION_TYPE_CITES, random.Below(index));
    } else if (r < 0.53) {
      add(v1::DERIVATION_TYPE_REVISES, index - 1 - random.Below(std::min<uint64_t>(index, 20)));
    } else if (r < 0.55) {
      add(v1::DERIVATION_TYPE_TRANSLATES, random.Below(index));
    } else if (r < 0.60) {
      add(v1::DERIVATION_TYPE_PRIMARY_SOURCE, random.PowerLaw(index, 1.5));
    }
    if (source.derived_from_size() > 0 && random.Chance(0.1)) {
      uint64_t other = random.Below(index);
      if (source.derived_from(0).source_id() != SourceId(other))
        add(v1::DERIVATION_TYPE_CITES, other);
    }
  }
  // A republished copy often carries a later, wrong publication date (old content as new).
  *source.mutable_declared_published_at() =
      Seconds(copy && random.Chance(0.3) ? published + 86400 * 365 : published);
  if (random.Chance(0.1))
    source.set_text(Sentence(random, 25 + static_cast<int>(random.Below(20))));
  if (info) {
    info->publisher = publisher;
    info->text = source.text();
  }
  return source;
}

uint32_t Generator::PickOfTypes(const std::vector<size_t>& types, Random& random) {
  uint64_t total = 0;
  for (size_t t : types) total += pools_[t].size();
  uint64_t pick = random.Below(total);
  for (size_t t : types) {
    if (pick < pools_[t].size()) return PickFrom(pools_[t], random);
    pick -= pools_[t].size();
  }
  return pools_[types.back()].front();
}

v1::Statement Generator::NewStatement() {
  double pick = random_.Uniform() * predicate_weight_total_;
  size_t p = 0;
  while (p + 1 < predicates_.size() && pick >= predicates_[p].weight)
    pick -= predicates_[p++].weight;
  const PredicatePlan& plan = predicates_[p];
  v1::Statement statement;
  uint32_t subject = PickOfTypes(plan.subject_types, random_);
  statement.set_subject_id(EntityId(subject));
  statement.set_predicate(plan.name);
  auto* object = statement.mutable_object();
  if (random_.Chance(0.02)) {
    object->mutable_some_value()->set_description(random_.Pick(kUnnamed));
  } else if (!plan.object_types.empty() && (plan.literal_kinds.empty() || random_.Chance(0.9))) {
    uint32_t target = PickOfTypes(plan.object_types, random_);
    for (int retry = 0; retry < 3 && target == subject; ++retry) {
      target = PickOfTypes(plan.object_types, random_);
    }
    object->set_entity_id(EntityId(target));
  } else {
    const std::string& kind = plan.literal_kinds[random_.Below(plan.literal_kinds.size())];
    if (kind == "string") object->set_string_value(Sentence(random_, 4));
    if (kind == "timestamp") {
      *object->mutable_timestamp_value() =
          Seconds(kEpochSeconds + static_cast<int64_t>(random_.Below(200000000)));
    }
    if (kind == "integer") object->set_integer_value(static_cast<int64_t>(random_.Below(10000)));
    if (kind == "double") object->set_double_value(static_cast<double>(random_.Below(10000)) / 100);
    if (kind == "bool") object->set_bool_value(random_.Chance(0.5));
    if (kind == "quantity") {
      object->mutable_quantity_value()->set_amount(static_cast<double>(1 + random_.Below(500)));
      object->mutable_quantity_value()->set_unit("units");
    }
  }
  if (random_.Chance(0.15)) {
    auto* qualifier = statement.add_qualifiers();
    qualifier->set_key("purpose");
    qualifier->mutable_value()->set_string_value(random_.Pick(kPurposes));
  }
  if (!places_.empty() && random_.Chance(0.08)) {
    auto* qualifier = statement.add_qualifiers();
    qualifier->set_key("location");
    qualifier->mutable_value()->set_entity_id(EntityId(PickFrom(places_, random_)));
  }
  if (random_.Chance(0.1)) {
    int64_t from = kEpochSeconds + static_cast<int64_t>(random_.Below(100000000));
    *statement.mutable_valid_from() = Seconds(from);
    if (random_.Chance(0.5)) *statement.mutable_valid_to() = Seconds(from + 86400 * 30);
  }
  return statement;
}

absl::Status Generator::EmitSource() {
  uint64_t index = sources_.size();
  SourceInfo info;
  v1::ImportRecord record;
  *record.mutable_source() = SourceRecord(index, &info);
  const auto& source = record.source();
  // Remember a sample of derivations: the later updates that close cycles pick from it.
  if (source.derived_from_size() > 0 && random_.Chance(0.05)) {
    derivations_.emplace_back(index, std::stoull(source.derived_from(0).source_id().substr(4)));
  }
  if (random_.Chance(0.02)) {
    v1::ImportRecord correction;
    auto* event = correction.mutable_lifecycle_event();
    event->set_id(StrCat("ev_corr_", index));
    event->set_kind(v1::LIFECYCLE_KIND_CORRECTION);
    event->mutable_target()->set_source_id(source.id());
    event->set_actor_id(source.publisher_id());
    *event->mutable_occurred_at() = Seconds(source.first_seen_at().seconds() + 7200);
    event->set_reason("corrected the date of the events");
    Schedule(counts_.claims + 1 + random_.Below(40), std::move(correction));
  }
  sources_.push_back(std::move(info));
  ++counts_.sources;
  return Emit(std::move(record));
}

absl::Status Generator::EmitClaim(uint64_t index) {
  v1::ImportRecord record;
  v1::Claim* claim = record.mutable_claim();
  claim->set_id(ClaimId(index));
  size_t statement_index = 0;
  bool relay = false;
  if (!statements_.empty() && random_.Chance(0.35)) {
    statement_index = random_.PowerLaw(statements_.size(), 2.0);
    claim->set_statement_id(statements_[statement_index]);
    relay = last_claim_[statement_index] != 0 && random_.Chance(0.4);
  } else {
    v1::Statement statement = NewStatement();
    statement_index = statements_.size();
    const v1::Predicate* predicate = schema_.FindPredicate(statement.predicate());
    statements_.push_back(
        ids::StatementId(statement, predicate != nullptr && predicate->symmetric()));
    last_claim_.push_back(0);
    *claim->mutable_statement() = std::move(statement);
    // The id too (the importer checks it matches the statement), so a reader of the file can tie
    // later claims that name the statement only by id to this one.
    claim->set_statement_id(statements_.back());
  }
  // The document it is found in: mostly recent ones.
  std::optional<uint64_t> source;
  if (!sources_.empty() && random_.Chance(0.9)) {
    source = sources_.size() - 1 - random_.PowerLaw(sources_.size(), 3.0);
    claim->set_source_id(SourceId(*source));
  }
  std::optional<uint32_t> claimant_entity;
  if (relay) {
    // An outlet passing on an earlier claim: "the outlet reports that X said P".
    claim->set_relays_claim_id(ClaimId(last_claim_[statement_index] - 1));
    claim->set_act(random_.Chance(0.7) ? v1::CLAIM_ACT_REPORTS : v1::CLAIM_ACT_QUOTES);
    claimant_entity = source ? sources_[*source].publisher : PickFrom(outlets_, random_);
    ++counts_.relays;
  } else {
    double who = random_.Uniform();
    if (who < 0.55 && !people_.empty()) {
      claimant_entity = PickFrom(people_, random_);
      if (random_.Chance(0.8)) claim->set_on_behalf_of_id(EntityId(EmployerOf(*claimant_entity)));
    } else if (who < 0.90) {
      claimant_entity = PickFrom(agents_, random_);
    } else {
      claim->mutable_claimant()->mutable_some_value()->set_description(random_.Pick(kUnnamed));
    }
    static constexpr v1::ClaimAct kActs[] = {v1::CLAIM_ACT_ASSERTS,  v1::CLAIM_ACT_SAYS,
                                             v1::CLAIM_ACT_SAYS,     v1::CLAIM_ACT_BELIEVES,
                                             v1::CLAIM_ACT_SUSPECTS, v1::CLAIM_ACT_PREDICTS,
                                             v1::CLAIM_ACT_DENIES,   v1::CLAIM_ACT_WARNS,
                                             v1::CLAIM_ACT_ALLEGES,  v1::CLAIM_ACT_ESTIMATES};
    claim->set_act(random_.Pick(kActs));
  }
  if (claimant_entity) claim->mutable_claimant()->set_entity_id(EntityId(*claimant_entity));
  if (claim->act() == v1::CLAIM_ACT_DENIES) {
    claim->set_stance(v1::STANCE_REFUTES);
  } else {
    double s = random_.Uniform();
    claim->set_stance(s < 0.85 ? v1::STANCE_SUPPORTS
                               : (s < 0.93 ? v1::STANCE_REFUTES : v1::STANCE_DISCUSSES));
  }
  if (random_.Chance(0.4)) {
    size_t word = random_.Below(std::size(kEstimativeWords));
    claim->set_estimative_word(kEstimativeWords[word]);
    claim->set_certainty(word == 6 ? v1::CERTAINTY_PROBABLE
                                   : (word >= 4 ? v1::CERTAINTY_PROBABLE : v1::CERTAINTY_POSSIBLE));
  } else {
    claim->set_certainty(random_.Chance(0.5) ? v1::CERTAINTY_CERTAIN
                                             : v1::CERTAINTY_UNDERSPECIFIED);
  }
  claim->set_cue(random_.Pick(kCues));
  if (random_.Chance(0.7)) {
    claim->set_confidence(static_cast<double>(50 + random_.Below(51)) / 100);
  }
  if (!sources_.empty() && random_.Chance(0.08)) {
    claim->mutable_basis()->set_source_id(SourceId(random_.PowerLaw(sources_.size(), 2.0)));
  } else if (random_.Chance(0.04)) {
    claim->mutable_basis()->set_description("newly declassified intelligence");
  }
  if (source && !sources_[*source].text.empty() && random_.Chance(0.7)) {
    // A quote of some words of the stored text; ASCII, so code points are bytes.
    const std::string& text = sources_[*source].text;
    size_t start = random_.Below(text.size() / 2);
    while (start > 0 && text[start - 1] != ' ') --start;
    size_t end = std::min(text.size(), start + 10 + random_.Below(40));
    while (end < text.size() && text[end] != ' ') ++end;
    claim->mutable_quote()->set_text(text.substr(start, end - start));
    claim->mutable_quote()->set_start(static_cast<int32_t>(start));
    claim->mutable_quote()->set_end(static_cast<int32_t>(end));
  }
  *claim->mutable_claimed_at() = Seconds(kEpochSeconds + static_cast<int64_t>(index) * 60);
  last_claim_[statement_index] = static_cast<uint32_t>(index + 1);

  // Later records about this claim: retraction by its claimant, deprecation by a curator,
  // assessments by fact-checkers.
  if (claimant_entity && random_.Chance(0.01)) {
    v1::ImportRecord retraction;
    auto* event = retraction.mutable_lifecycle_event();
    event->set_id(StrCat("ev_retr_", index));
    event->set_kind(v1::LIFECYCLE_KIND_RETRACTION);
    event->mutable_target()->set_claim_id(claim->id());
    event->set_actor_id(claim->claimant().entity_id());
    *event->mutable_occurred_at() = Seconds(claim->claimed_at().seconds() + 86400);
    event->set_reason("the claimant withdrew the statement");
    Schedule(index + 1 + random_.Below(50), std::move(retraction));
  }
  if (!fact_checkers_.empty() && random_.Chance(0.003)) {
    v1::ImportRecord deprecation;
    auto* event = deprecation.mutable_lifecycle_event();
    event->set_id(StrCat("ev_depr_", index));
    event->set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
    event->mutable_target()->set_claim_id(claim->id());
    event->set_actor_id(EntityId(PickFrom(fact_checkers_, random_)));
    event->set_reason("extraction error");
    Schedule(index + 1 + random_.Below(50), std::move(deprecation));
  }
  if (!fact_checkers_.empty() && random_.Chance(0.025)) {
    v1::ImportRecord assessment_record;
    auto* assessment = assessment_record.mutable_assessment();
    assessment->set_id(StrCat("as_", index));
    assessment->set_assessor_id(EntityId(PickFrom(fact_checkers_, random_)));
    if (random_.Chance(0.7)) {
      assessment->mutable_target()->set_statement_id(statements_[statement_index]);
    } else if (random_.Chance(0.7) || claim->source_id().empty()) {
      assessment->mutable_target()->set_claim_id(claim->id());
    } else {
      assessment->mutable_target()->set_source_id(claim->source_id());
    }
    size_t verdict = random_.Below(std::size(kVerdictTexts));
    assessment->set_verdict_text(kVerdictTexts[verdict]);
    static constexpr v1::Verdict kVerdicts[] = {v1::VERDICT_TRUE,    v1::VERDICT_FALSE,
                                                v1::VERDICT_FALSE,   v1::VERDICT_MIXTURE,
                                                v1::VERDICT_MIXTURE, v1::VERDICT_OTHER};
    assessment->set_verdict(kVerdicts[verdict]);
    if (random_.Chance(0.3)) assessment->set_media_category(random_.Pick(kMediaCategories));
    assessment->set_explanation(Sentence(random_, 8));
    *assessment->mutable_assessed_at() = Seconds(claim->claimed_at().seconds() + 3 * 86400);
    Schedule(index + 1 + random_.Below(100), std::move(assessment_record));
  }
  ++counts_.claims;
  return Emit(std::move(record));
}

absl::Status Generator::EmitDue(uint64_t index) {
  while (!pending_.empty() && pending_.begin()->first <= index) {
    auto node = pending_.extract(pending_.begin());
    if (node.mapped().has_assessment())
      ++counts_.assessments;
    else
      ++counts_.lifecycle_events;
    CG_RETURN_IF_ERROR(Emit(std::move(node.mapped())));
  }
  return absl::OkStatus();
}

absl::StatusOr<GeneratorCounts> Generator::Run() {
  PlanTypes();
  if (options_.entities < types_.size()) {
    return absl::InvalidArgumentError(
        StrCat("entities: at least ", types_.size(), " (one per entity type of the schema)"));
  }
  if (options_.claims_per_source == 0) {
    return absl::InvalidArgumentError("claims_per_source: must be positive");
  }
  PlanPredicates();
  if (predicates_.empty()) return absl::InvalidArgumentError("schema: no usable predicate");
  for (uint64_t i = 0; i < options_.entities; ++i) {
    v1::ImportRecord record;
    *record.mutable_entity() = EntityRecord(i);
    CG_RETURN_IF_ERROR(Emit(std::move(record)));
    ++counts_.entities;
  }
  for (uint64_t i = 0; i < options_.claims; ++i) {
    if (i % options_.claims_per_source == 0) CG_RETURN_IF_ERROR(EmitSource());
    CG_RETURN_IF_ERROR(EmitClaim(i));
    CG_RETURN_IF_ERROR(EmitDue(i));
  }
  CG_RETURN_IF_ERROR(EmitDue(UINT64_MAX));
  // Circular reporting: an earlier document, updated later, cites a document derived from it.
  size_t cycles = std::max<size_t>(sources_.size() >= 2 ? 1 : 0, sources_.size() / 200);
  for (size_t k = 0; k < cycles && k < derivations_.size(); ++k) {
    auto [later, earlier] = derivations_[k * derivations_.size() / cycles];
    if (later == earlier) continue;
    v1::ImportRecord record;
    *record.mutable_source() = SourceRecord(earlier, nullptr);
    auto* link = record.mutable_source()->add_derived_from();
    link->set_type(v1::DERIVATION_TYPE_CITES);
    link->set_source_id(SourceId(later));
    CG_RETURN_IF_ERROR(Emit(std::move(record)));
    ++counts_.source_updates;
  }
  return counts_;
}

}  // namespace

absl::StatusOr<GeneratorCounts> GenerateClaims(
    const GeneratorOptions& options, const schema::SchemaRegistry& schema,
    const std::function<absl::Status(const v1::ImportRecord&)>& emit) {
  Generator generator(options, schema, emit);
  return generator.Run();
}

}  // namespace claimgraph::bench
