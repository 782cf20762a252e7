// ClaimReview JSON-LD: documents built and read as google.protobuf.Value trees (protobuf's JSON
// parser and printer), so no JSON library beyond protobuf is needed.
#include "engine/exchange/claimreview.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "drawing/dot_text.h"
#include "engine/exchange/exporter.h"
#include "engine/exchange/nquads.h"
#include "engine/ids.h"
#include "engine/provenance/trace.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/text.h"
#include "engine/validation.h"

namespace claimgraph::exchange {
namespace {

namespace pb = google::protobuf;
using pb::util::TimeUtil;

constexpr std::string_view kContext = "https://schema.org";
constexpr double kBestRating = 5;
constexpr double kWorstRating = 1;

// --- building documents ---

pb::Value Text(std::string_view text) {
  pb::Value value;
  value.set_string_value(std::string(text));
  return value;
}
pb::Value Number(double number) {
  pb::Value value;
  value.set_number_value(number);
  return value;
}
pb::Value Node(std::string_view type, std::string_view id) {
  pb::Value value;
  auto& fields = *value.mutable_struct_value()->mutable_fields();
  fields["@type"] = Text(type);
  if (!id.empty()) fields["@id"] = Text(id);
  return value;
}
void Set(pb::Value* node, const std::string& key, pb::Value value) {
  (*node->mutable_struct_value()->mutable_fields())[key] = std::move(value);
}
void SetText(pb::Value* node, const std::string& key, std::string_view text) {
  if (!text.empty()) Set(node, key, Text(text));
}

bool IsSet(const pb::Timestamp& timestamp) {
  return timestamp.seconds() != 0 || timestamp.nanos() != 0;
}
std::string Time(const pb::Timestamp& timestamp) {
  return IsSet(timestamp) ? TimeUtil::ToString(timestamp) : std::string();
}

// JSON with keys in a fixed order (the JSON-LD keywords first, then by name), so one state
// always exports the same bytes; protobuf's printer follows the map's order, which varies.
void AppendJson(const pb::Value& value, std::string* out) {
  switch (value.kind_case()) {
    case pb::Value::kStringValue:
      text::AppendJsonString(value.string_value(), out);
      return;
    case pb::Value::kNumberValue: {
      double number = value.number_value();
      if (number == static_cast<double>(static_cast<int64_t>(number))) {
        out->append(std::to_string(static_cast<int64_t>(number)));
      } else {
        out->append(StrCat(number));
      }
      return;
    }
    case pb::Value::kBoolValue:
      out->append(value.bool_value() ? "true" : "false");
      return;
    case pb::Value::kListValue: {
      out->push_back('[');
      bool first = true;
      for (const auto& element : value.list_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(element, out);
      }
      out->push_back(']');
      return;
    }
    case pb::Value::kStructValue: {
      std::vector<const std::string*> keys;
      for (const auto& [key, unused] : value.struct_value().fields()) keys.push_back(&key);
      auto rank = [](const std::string& key) {
        return key == "@context" ? 0 : key == "@type" ? 1 : key == "@id" ? 2 : 3;
      };
      std::sort(keys.begin(), keys.end(), [&](const std::string* a, const std::string* b) {
        return std::make_pair(rank(*a), *a) < std::make_pair(rank(*b), *b);
      });
      out->push_back('{');
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) out->push_back(',');
        text::AppendJsonString(*keys[i], out);
        out->push_back(':');
        AppendJson(value.struct_value().fields().at(*keys[i]), out);
      }
      out->push_back('}');
      return;
    }
    default:
      out->append("null");
  }
}

std::string_view VerdictName(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_TRUE:
      return "True";
    case v1::VERDICT_FALSE:
      return "False";
    case v1::VERDICT_MIXTURE:
      return "Mixture";
    default:
      return "Other";
  }
}

class Exporter {
 public:
  Exporter(const ReadView& view, const ClaimReviewOptions& options)
      : view_(view), options_(options) {}

  absl::Status Statement(uint64_t internal, const std::string& id, ClaimReviewExport* out);

 private:
  std::string Iri(std::string_view kind, std::string_view id) const {
    return StrCat(options_.base_iri, kind, "/", EncodeIriSegment(id));
  }
  std::string NameOf(const std::string& entity_id);
  // Person or Organization by the entity's type; Thing when it is neither (or not stored).
  pb::Value Agent(const std::string& entity_id);
  absl::StatusOr<pb::Value> Document(const std::string& source_id);
  absl::StatusOr<std::string> Review(const v1::Assessment& assessment, const pb::Value& item,
                                     const std::string& claim_reviewed);

  const ReadView& view_;
  const ClaimReviewOptions& options_;
  std::map<std::string, v1::Entity> entities_;
};

std::string Exporter::NameOf(const std::string& entity_id) {
  auto found = entities_.find(entity_id);
  if (found == entities_.end()) {
    auto entity = view_.GetEntity(entity_id);
    found = entities_.emplace(entity_id, entity.ok() ? *entity : v1::Entity()).first;
  }
  return found->second.name();
}

pb::Value Exporter::Agent(const std::string& entity_id) {
  std::string name = NameOf(entity_id);
  const std::string& type = entities_[entity_id].type();
  std::string_view schema_type = "Thing";
  if (!type.empty()) {
    if (view_.schema().IsA(type, "person")) {
      schema_type = "Person";
    } else if (view_.schema().IsA(type, "organisation") || view_.schema().IsA(type, "agent") ||
               type == "country") {
      schema_type = "Organization";
    }
  }
  pb::Value agent = Node(schema_type, Iri("entity", entity_id));
  SetText(&agent, "name", name.empty() ? entity_id : name);
  return agent;
}

absl::StatusOr<pb::Value> Exporter::Document(const std::string& source_id) {
  pb::Value document = Node("CreativeWork", Iri("source", source_id));
  auto source = view_.GetSource(source_id);
  if (!source.ok()) {
    if (absl::IsNotFound(source.status())) return document;
    return source.status();
  }
  SetText(&document, "url", source->url());
  SetText(&document, "name", source->title());
  SetText(&document, "datePublished", Time(source->declared_published_at()));
  if (!source->publisher_id().empty()) Set(&document, "publisher", Agent(source->publisher_id()));
  return document;
}

absl::StatusOr<std::string> Exporter::Review(const v1::Assessment& assessment,
                                             const pb::Value& item,
                                             const std::string& claim_reviewed) {
  pb::Value review = Node("ClaimReview", Iri("assessment", assessment.id()));
  Set(&review, "@context", Text(kContext));
  SetText(&review, "claimReviewed", claim_reviewed);
  Set(&review, "itemReviewed", item);
  Set(&review, "author", Agent(assessment.assessor_id()));
  SetText(&review, "datePublished", Time(assessment.assessed_at()));
  SetText(&review, "reviewBody", assessment.explanation());
  std::string url = Iri("assessment", assessment.id());
  if (auto article = view_.GetSource(assessment.id()); article.ok() && !article->url().empty()) {
    url = article->url();
  }
  SetText(&review, "url", url);
  pb::Value rating = Node("Rating", "");
  SetText(&rating, "alternateName", assessment.verdict_text());
  SetText(&rating, "name", VerdictName(assessment.verdict()));
  double value = 0;
  switch (assessment.verdict()) {
    case v1::VERDICT_TRUE:
      value = kBestRating;
      break;
    case v1::VERDICT_FALSE:
      value = kWorstRating;
      break;
    case v1::VERDICT_MIXTURE:
      value = (kBestRating + kWorstRating) / 2;
      break;
    default:
      break;
  }
  if (value != 0) {
    Set(&rating, "ratingValue", Number(value));
    Set(&rating, "bestRating", Number(kBestRating));
    Set(&rating, "worstRating", Number(kWorstRating));
  }
  Set(&review, "reviewRating", rating);
  std::string json;
  AppendJson(review, &json);
  return json;
}

absl::Status Exporter::Statement(uint64_t internal, const std::string& id, ClaimReviewExport* out) {
  CG_ASSIGN_OR_RETURN(auto statement, view_.GetStatement(id));
  std::vector<uint64_t> claim_ids;
  CG_RETURN_IF_ERROR(view_.ForEachClaimOfStatement(internal, [&](uint64_t claim) {
    claim_ids.push_back(claim);
    return true;
  }));
  CG_ASSIGN_OR_RETURN(auto of_statement, view_.Assessments(keys::TargetKind::kStatement, internal));
  std::vector<std::pair<v1::Assessment, std::string>> assessments;  // with the claim targeted
  for (auto& assessment : of_statement) assessments.emplace_back(std::move(assessment), "");
  std::vector<v1::Claim> claims;
  for (uint64_t claim_id : claim_ids) {
    CG_ASSIGN_OR_RETURN(auto claim, view_.ClaimByInternalId(claim_id));
    if (!claim) continue;
    CG_ASSIGN_OR_RETURN(auto of_claim, view_.Assessments(keys::TargetKind::kClaim, claim_id));
    for (auto& assessment : of_claim) assessments.emplace_back(std::move(assessment), claim->id());
    claims.push_back(*std::move(claim));
  }
  if (assessments.empty()) return absl::OkStatus();

  std::string claim_reviewed = drawing::PropositionText(
      statement, [&](const std::string& entity_id) { return NameOf(entity_id); });
  provenance::TraceOptions trace_options;
  CG_ASSIGN_OR_RETURN(auto trace, provenance::TraceStatement(view_, id, trace_options));
  // Who said it first, when, and where it appeared (first and all).
  pb::Value claim_node = Node("Claim", "");
  if (trace.first_claim_ids_size() > 0) {
    const std::string& first_id = trace.first_claim_ids(0);
    auto first = std::find_if(claims.begin(), claims.end(),
                              [&](const v1::Claim& c) { return c.id() == first_id; });
    if (first != claims.end()) {
      if (first->claimant().has_entity_id()) {
        Set(&claim_node, "author", Agent(first->claimant().entity_id()));
      }
      SetText(&claim_node, "datePublished", Time(first->claimed_at()));
    }
  }
  std::set<std::string> seen_sources;
  pb::Value appearance;
  appearance.mutable_list_value();
  for (const auto& claim : claims) {
    if (claim.source_id().empty() || !seen_sources.insert(claim.source_id()).second) continue;
    CG_ASSIGN_OR_RETURN(auto document, Document(claim.source_id()));
    *appearance.mutable_list_value()->add_values() = std::move(document);
  }
  if (appearance.list_value().values_size() > 0) Set(&claim_node, "appearance", appearance);
  if (trace.first_source_ids_size() > 0) {
    CG_ASSIGN_OR_RETURN(auto first, Document(trace.first_source_ids(0)));
    Set(&claim_node, "firstAppearance", std::move(first));
  }
  for (const auto& [assessment, claim_id] : assessments) {
    if (out->documents.size() >= options_.max_reviews) {
      out->truncated = true;
      return absl::OkStatus();
    }
    pb::Value item = claim_node;
    Set(&item, "@id", Text(claim_id.empty() ? Iri("statement", id) : Iri("claim", claim_id)));
    CG_ASSIGN_OR_RETURN(auto document, Review(assessment, item, claim_reviewed));
    out->documents.push_back(std::move(document));
  }
  return absl::OkStatus();
}

// --- reading documents ---

const pb::Value* Field(const pb::Value& node, const std::string& key) {
  if (node.kind_case() != pb::Value::kStructValue) return nullptr;
  const auto& fields = node.struct_value().fields();
  auto found = fields.find(key);
  return found == fields.end() ? nullptr : &found->second;
}
// A property's first value (schema.org properties may be arrays).
const pb::Value* First(const pb::Value& node, const std::string& key) {
  const pb::Value* value = Field(node, key);
  if (value != nullptr && value->kind_case() == pb::Value::kListValue) {
    return value->list_value().values_size() > 0 ? &value->list_value().values(0) : nullptr;
  }
  return value;
}
std::string String(const pb::Value& node, const std::string& key) {
  const pb::Value* value = First(node, key);
  if (value == nullptr) return "";
  if (value->kind_case() == pb::Value::kStringValue) return value->string_value();
  if (value->kind_case() == pb::Value::kNumberValue) return StrCat(value->number_value());
  // {"@value": ...} and {"@id": ...} forms.
  if (const pb::Value* inner = Field(*value, "@value")) {
    if (inner->kind_case() == pb::Value::kStringValue) return inner->string_value();
  }
  return "";
}
std::optional<double> NumberOf(const pb::Value& node, const std::string& key) {
  const pb::Value* value = First(node, key);
  if (value == nullptr) return std::nullopt;
  if (value->kind_case() == pb::Value::kNumberValue) return value->number_value();
  if (value->kind_case() == pb::Value::kStringValue) {
    char* end = nullptr;
    double number = std::strtod(value->string_value().c_str(), &end);
    if (!value->string_value().empty() && *end == '\0') return number;
  }
  return std::nullopt;
}
bool HasType(const pb::Value& node, std::string_view type) {
  const pb::Value* types = Field(node, "@type");
  if (types == nullptr) return false;
  auto matches = [&](const pb::Value& value) {
    if (value.kind_case() != pb::Value::kStringValue) return false;
    std::string_view name = value.string_value();
    for (std::string_view prefix : {"https://schema.org/", "http://schema.org/", "schema:"}) {
      if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
    }
    return name == type;
  };
  if (types->kind_case() == pb::Value::kListValue) {
    return std::any_of(types->list_value().values().begin(), types->list_value().values().end(),
                       matches);
  }
  return matches(*types);
}

// "2023-06-09" or an RFC 3339 time.
std::optional<pb::Timestamp> ParseDate(std::string_view text) {
  pb::Timestamp timestamp;
  std::string value(text);
  if (value.size() == 10) value += "T00:00:00Z";
  if (!TimeUtil::FromString(value, &timestamp)) return std::nullopt;
  return timestamp;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The verdict a Rating gives: its name when it is one of the normalised names we export, else
// the verdict words (alternateName, name), else ratingValue on its scale; Other when none tells.
v1::Verdict VerdictOf(const pb::Value& rating) {
  std::string name = Lower(String(rating, "name"));
  for (v1::Verdict verdict :
       {v1::VERDICT_TRUE, v1::VERDICT_FALSE, v1::VERDICT_MIXTURE, v1::VERDICT_OTHER}) {
    if (name == Lower(VerdictName(verdict))) return verdict;
  }
  std::string words = StrCat(Lower(String(rating, "alternateName")), " ", name);
  for (std::string_view word : {"false", "pants on fire", "incorrect", "fake", "wrong"}) {
    if (words.find(word) != std::string::npos) return v1::VERDICT_FALSE;
  }
  for (std::string_view word : {"mixture", "half", "mixed", "partly", "mostly"}) {
    if (words.find(word) != std::string::npos) return v1::VERDICT_MIXTURE;
  }
  for (std::string_view word : {"true", "correct", "accurate"}) {
    if (words.find(word) != std::string::npos) return v1::VERDICT_TRUE;
  }
  auto value = NumberOf(rating, "ratingValue");
  auto best = NumberOf(rating, "bestRating").value_or(kBestRating);
  auto worst = NumberOf(rating, "worstRating").value_or(kWorstRating);
  if (value && best > worst && *value >= worst && *value <= best) {
    double scaled = (*value - worst) / (best - worst);
    if (scaled >= 0.75) return v1::VERDICT_TRUE;
    if (scaled <= 0.25) return v1::VERDICT_FALSE;
    return v1::VERDICT_MIXTURE;
  }
  return v1::VERDICT_OTHER;
}

class Reader {
 public:
  Reader(const ReadView& view, const ClaimReviewOptions& options)
      : view_(view), options_(options) {}

  absl::Status Convert(const pb::Value& review, std::vector<v1::ImportRecord>* records);

 private:
  // Our own id of `kind` when `iri` is <base><kind>/<id>.
  std::optional<std::string> OwnId(std::string_view kind, std::string_view iri) const {
    std::string prefix = StrCat(options_.base_iri, kind, "/");
    if (iri.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string id = text::PercentDecode(iri.substr(prefix.size()));
    if (id.empty()) return std::nullopt;
    return id;
  }
  bool Stored(keys::IdKind kind, const std::string& id) const {
    auto internal = view_.Resolve(kind, id);
    return internal.ok() && internal->has_value();
  }
  // The entity an agent node names, emitted unless stored. `field` names it in errors.
  absl::StatusOr<std::string> AgentEntity(const pb::Value& agent, const std::string& field,
                                          std::string_view default_type,
                                          std::vector<v1::ImportRecord>* records);
  // The source a CreativeWork (or a URL string) names, emitted unless stored; "" when none.
  std::string DocumentSource(const pb::Value& document, const std::string& publisher_id,
                             std::vector<v1::ImportRecord>* records);

  // Emitted by earlier reviews of the feed (Commit), or by this one.
  bool Emitted(const std::string& kind_and_id) const {
    return emitted_.count(kind_and_id) > 0 || pending_.count(kind_and_id) > 0;
  }

  const ReadView& view_;
  const ClaimReviewOptions& options_;
  std::set<std::string> emitted_;
  std::set<std::string> pending_;

 public:
  // The review's records are kept (true) or dropped: only kept ones count as emitted.
  void Commit(bool kept) {
    if (kept) emitted_.insert(pending_.begin(), pending_.end());
    pending_.clear();
  }
};

std::string DerivedId(std::string_view prefix, std::string_view key) {
  return StrCat(prefix, ids::HashHex(std::string(key)).substr(0, 24));
}

absl::StatusOr<std::string> Reader::AgentEntity(const pb::Value& agent, const std::string& field,
                                                std::string_view default_type,
                                                std::vector<v1::ImportRecord>* records) {
  std::string iri = agent.kind_case() == pb::Value::kStructValue ? String(agent, "@id") : "";
  std::string name =
      agent.kind_case() == pb::Value::kStringValue ? agent.string_value() : String(agent, "name");
  if (auto own = OwnId("entity", iri); own && Stored(keys::IdKind::kEntity, *own)) return *own;
  std::string url = String(agent, "url");
  // Without a name, what identifies the agent names it (schema.org's own example gives an
  // organisation by its url and sameAs only).
  for (const char* key : {"url", "sameAs", "@id"}) {
    if (name.empty()) name = String(agent, key);
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(StrCat(field, ": a name, url or @id is required"));
  }
  std::string id;
  if (auto own = OwnId("entity", iri)) {
    id = *own;
  } else {
    id = DerivedId("cr-", !url.empty() ? url : !iri.empty() ? iri : Lower(name));
  }
  if (Stored(keys::IdKind::kEntity, id) || Emitted("e" + id)) return id;
  pending_.insert("e" + id);
  v1::Entity* entity = records->emplace_back().mutable_entity();
  entity->set_id(id);
  entity->set_name(name);
  std::string type(default_type);
  if (HasType(agent, "Person")) type = "person";
  if (default_type != "fact_checker" && HasType(agent, "Organization")) type = "organisation";
  entity->set_type(type);
  if (!url.empty()) (*entity->mutable_attributes())["url"] = url;
  return id;
}

std::string Reader::DocumentSource(const pb::Value& document, const std::string& publisher_id,
                                   std::vector<v1::ImportRecord>* records) {
  std::string url = document.kind_case() == pb::Value::kStringValue ? document.string_value()
                                                                    : String(document, "url");
  std::string iri = document.kind_case() == pb::Value::kStructValue ? String(document, "@id") : "";
  if (auto own = OwnId("source", iri); own && Stored(keys::IdKind::kSource, *own)) return *own;
  if (url.empty() && iri.empty()) return "";
  std::string id = OwnId("source", iri).value_or(DerivedId("cr-", url.empty() ? iri : url));
  if (Stored(keys::IdKind::kSource, id) || Emitted("s" + id)) return id;
  pending_.insert("s" + id);
  v1::Source* source = records->emplace_back().mutable_source();
  source->set_id(id);
  source->set_url(url);
  source->set_kind(v1::SOURCE_KIND_ARTICLE);
  if (document.kind_case() == pb::Value::kStructValue) {
    source->set_title(String(document, "name"));
    if (auto published = ParseDate(String(document, "datePublished"))) {
      *source->mutable_declared_published_at() = *published;
    }
  }
  if (!publisher_id.empty()) source->set_publisher_id(publisher_id);
  return id;
}

absl::Status Reader::Convert(const pb::Value& review, std::vector<v1::ImportRecord>* records) {
  const pb::Value* rating = First(review, "reviewRating");
  if (rating == nullptr) return absl::InvalidArgumentError("reviewRating: required");
  std::string verdict_text = String(*rating, "alternateName");
  if (verdict_text.empty()) verdict_text = String(*rating, "name");
  if (verdict_text.empty() && !NumberOf(*rating, "ratingValue")) {
    return absl::InvalidArgumentError(
        "reviewRating: one of alternateName, name or ratingValue is required");
  }
  const pb::Value* author = First(review, "author");
  if (author == nullptr) return absl::InvalidArgumentError("author: required");
  CG_ASSIGN_OR_RETURN(auto assessor, AgentEntity(*author, "author", "fact_checker", records));

  v1::Assessment assessment;
  std::string review_iri = String(review, "@id");
  std::string url = String(review, "url");
  assessment.set_id(
      OwnId("assessment", review_iri).value_or(DerivedId("cr-", !url.empty() ? url : review_iri)));
  if (url.empty() && review_iri.empty()) {
    // Nothing names the review: its content does (the same document gives the same id).
    std::string json;
    AppendJson(review, &json);
    assessment.set_id(DerivedId("cr-", json));
  }
  assessment.set_assessor_id(assessor);
  assessment.set_verdict_text(verdict_text);
  assessment.set_verdict(VerdictOf(*rating));
  assessment.set_explanation(String(review, "reviewBody"));
  std::string published = String(review, "datePublished");
  if (!published.empty()) {
    auto date = ParseDate(published);
    if (!date) {
      return absl::InvalidArgumentError(
          StrCat("datePublished: ", validation::Quote(published), " is not a date"));
    }
    *assessment.mutable_assessed_at() = *date;
  }

  const pb::Value* item = First(review, "itemReviewed");
  std::string item_iri = item != nullptr ? String(*item, "@id") : "";
  if (auto own = OwnId("statement", item_iri); own && Stored(keys::IdKind::kStatement, *own)) {
    assessment.mutable_target()->set_statement_id(*own);
  } else if (auto own_claim = OwnId("claim", item_iri);
             own_claim && Stored(keys::IdKind::kClaim, *own_claim)) {
    assessment.mutable_target()->set_claim_id(*own_claim);
  } else {
    // A claim in words: its author said it, in the document it first appeared in.
    std::string claim_text = String(review, "claimReviewed");
    if (claim_text.empty()) return absl::InvalidArgumentError("claimReviewed: required");
    const pb::Value* claim_author = item != nullptr ? First(*item, "author") : nullptr;
    if (claim_author == nullptr) {
      return absl::InvalidArgumentError(
          "itemReviewed.author: required (who made the claim under review)");
    }
    CG_ASSIGN_OR_RETURN(auto claimant,
                        AgentEntity(*claim_author, "itemReviewed.author", "person", records));
    std::string source_id;
    for (const char* key : {"firstAppearance", "appearance"}) {
      if (const pb::Value* document = First(*item, key); document && source_id.empty()) {
        source_id = DocumentSource(*document, "", records);
      }
    }
    v1::Claim* claim = records->emplace_back().mutable_claim();
    claim->mutable_statement()->set_subject_id(claimant);
    claim->mutable_statement()->set_predicate("said");
    claim->mutable_statement()->mutable_object()->set_string_value(claim_text);
    claim->set_act(v1::CLAIM_ACT_SAYS);
    claim->set_stance(v1::STANCE_SUPPORTS);
    claim->mutable_claimant()->set_entity_id(claimant);
    claim->set_source_id(source_id);
    std::string said = String(*item, "datePublished");
    if (auto date = ParseDate(said)) *claim->mutable_claimed_at() = *date;
    claim->set_id(DerivedId("cr-", StrCat(claimant, "\n", claim_text, "\n", source_id)));
    assessment.mutable_target()->set_claim_id(claim->id());
  }
  // The review article, unless the url is our own @id (an export of a review without one).
  if (!url.empty() && !OwnId("assessment", url)) {
    pb::Value article;
    Set(&article, "url", Text(url));
    SetText(&article, "name", String(review, "name"));
    SetText(&article, "datePublished", published);
    Set(&article, "@id", Text(StrCat(options_.base_iri, "source/", assessment.id())));
    DocumentSource(article, assessor, records);
  }
  *records->emplace_back().mutable_assessment() = std::move(assessment);
  return absl::OkStatus();
}

// The ClaimReviews a JSON value holds: itself, the elements of an array, or those of "@graph" /
// "dataFeedElement" (DataFeedItems by their "item").
void CollectReviews(const pb::Value& value, std::vector<const pb::Value*>* out) {
  if (value.kind_case() == pb::Value::kListValue) {
    for (const auto& element : value.list_value().values()) CollectReviews(element, out);
    return;
  }
  for (const char* key : {"@graph", "dataFeedElement"}) {
    if (const pb::Value* inner = Field(value, key)) return CollectReviews(*inner, out);
  }
  if (HasType(value, "DataFeedItem")) {
    if (const pb::Value* item = Field(value, "item")) return CollectReviews(*item, out);
  }
  out->push_back(&value);
}

absl::StatusOr<pb::Value> ParseJson(std::string_view text) {
  pb::Value value;
  auto status = pb::util::JsonStringToMessage(std::string(text), &value);
  if (!status.ok()) return absl::InvalidArgumentError(std::string(status.message()));
  return value;
}

}  // namespace

absl::StatusOr<ClaimReviewExport> ExportClaimReviews(const ReadView& view,
                                                     const std::vector<std::string>& statement_ids,
                                                     const ClaimReviewOptions& options) {
  ClaimReviewExport out;
  Exporter exporter(view, options);
  std::vector<std::string> ids = statement_ids;
  if (ids.empty()) {
    // Every assessed statement, in export order: a claim's assessments follow it and its
    // statement's claims, a statement's own assessments name it.
    std::set<std::string> assessed;
    std::string current;
    CG_RETURN_IF_ERROR(ExportRecords(view, {}, [&](const v1::ImportRecord& record) {
      std::string statement;
      if (record.has_claim()) {
        const v1::Predicate* predicate = view.schema().FindPredicate(record.claim().statement().predicate());
        current = ids::StatementId(record.claim().statement(), predicate != nullptr && predicate->symmetric());
      }
      if (record.has_assessment()) {
        const v1::Target& target = record.assessment().target();
        if (target.has_statement_id()) statement = target.statement_id();
        if (target.has_claim_id()) statement = current;
      }
      if (!statement.empty() && assessed.insert(statement).second) ids.push_back(statement);
      return absl::OkStatus();
    }));
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    CG_RETURN_IF_ERROR(
        validation::CheckId(StrCat("statement_ids[", i, "]"), ids[i], view.limits()));
    CG_ASSIGN_OR_RETURN(auto internal, view.Resolve(keys::IdKind::kStatement, ids[i]));
    if (!internal) {
      return absl::NotFoundError(
          StrCat("statement_ids[", i, "]: statement ", validation::Quote(ids[i]), " not found"));
    }
    CG_RETURN_IF_ERROR(exporter.Statement(*internal, ids[i], &out));
    if (out.truncated) break;
  }
  return out;
}

absl::StatusOr<std::vector<ClaimReviewItem>> ParseClaimReviewFeed(
    std::string_view text, const ReadView& view, const ClaimReviewOptions& options) {
  if (text.size() > options.max_feed_bytes) {
    return absl::ResourceExhaustedError(StrCat("feed: ", text.size(), " bytes, more than the ",
                                               options.max_feed_bytes, " accepted"));
  }
  if (!text::IsValidUtf8(text)) return absl::InvalidArgumentError("feed: not valid UTF-8");
  // One JSON value, or else NDJSON: each line's reviews at the line's number.
  std::vector<std::pair<uint64_t, absl::StatusOr<pb::Value>>> documents;
  bool positions_are_lines = false;
  if (auto whole = ParseJson(text); whole.ok()) {
    documents.emplace_back(0, std::move(whole));
  } else {
    positions_are_lines = true;
    uint64_t line_number = 0;
    while (!text.empty() || line_number == 0) {
      size_t newline = text.find('\n');
      std::string_view line = text.substr(0, newline);
      text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
      ++line_number;
      if (!IsBlankLine(line)) documents.emplace_back(line_number, ParseJson(line));
      if (newline == std::string_view::npos) break;
    }
  }
  Reader reader(view, options);
  std::vector<ClaimReviewItem> items;
  uint64_t position = 0;
  for (auto& [line, document] : documents) {
    if (!document.ok()) {
      ClaimReviewItem& item = items.emplace_back();
      item.position = line;
      item.status = absl::InvalidArgumentError(
          StrCat("[", line, "] not JSON: ",
                 std::string(document.status().message()).substr(0, validation::kMaxEchoBytes)));
      continue;
    }
    std::vector<const pb::Value*> reviews;
    CollectReviews(*document, &reviews);
    for (const pb::Value* review : reviews) {
      ClaimReviewItem& item = items.emplace_back();
      item.position = positions_are_lines ? line : ++position;
      absl::Status status = HasType(*review, "ClaimReview")
                                ? reader.Convert(*review, &item.records)
                                : absl::InvalidArgumentError("@type: not ClaimReview");
      reader.Commit(status.ok());
      if (!status.ok()) {
        item.records.clear();
        item.status = absl::Status(status.code(),
                                   StrCat("[", item.position, "] ", std::string(status.message())));
      }
    }
  }
  return items;
}

absl::StatusOr<ImportSummary> ImportClaimReviewFeed(Database* database, std::string_view text,
                                                    const ImportOptions& import_options,
                                                    const WriteContext& context,
                                                    const ClaimReviewOptions& options) {
  CG_ASSIGN_OR_RETURN(auto view, database->NewReadView());
  CG_ASSIGN_OR_RETURN(auto items, ParseClaimReviewFeed(text, *view, options));
  CG_ASSIGN_OR_RETURN(auto importer, Importer::Create(database, import_options, context));
  uint64_t end = 1;
  for (auto& item : items) {
    if (importer.stopped()) break;
    if (!item.status.ok()) {
      CG_RETURN_IF_ERROR(importer.AddUnreadable(item.status, item.position));
    }
    for (auto& record : item.records) {
      CG_RETURN_IF_ERROR(importer.Add(std::move(record), item.position));
    }
    end = item.position + 1;
  }
  CG_RETURN_IF_ERROR(importer.Finish(end));
  return importer.summary();
}

}  // namespace claimgraph::exchange
