// N-Quads writer: the RDF view of claims and provenance (mapping in nquads.h).
#include "engine/exchange/nquads.h"

#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <map>

#include "engine/strings.h"

namespace claimgraph::exchange {
namespace {

constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kRdfs = "http://www.w3.org/2000/01/rdf-schema#";
constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema#";
constexpr std::string_view kProv = "http://www.w3.org/ns/prov#";
constexpr std::string_view kSkos = "http://www.w3.org/2004/02/skos/core#";
constexpr std::string_view kDcterms = "http://purl.org/dc/terms/";
constexpr std::string_view kOwl = "http://www.w3.org/2002/07/owl#";

std::string Iri(std::string_view a, std::string_view b = "") { return StrCat("<", a, b, ">"); }
std::string Rdf(std::string_view term) { return Iri(kRdf, term); }
std::string Rdfs(std::string_view term) { return Iri(kRdfs, term); }
std::string Prov(std::string_view term) { return Iri(kProv, term); }
std::string Dcterms(std::string_view term) { return Iri(kDcterms, term); }

std::string Typed(std::string_view lexical, std::string_view xsd_type) {
  return StrCat(QuotedLiteral(lexical), "^^", Iri(kXsd, xsd_type));
}
std::string Time(const google::protobuf::Timestamp& timestamp) {
  return Typed(google::protobuf::util::TimeUtil::ToString(timestamp), "dateTime");
}
std::string Double(double value) { return Typed(StrCat(value), "double"); }

// Lower-case enum value name without its type prefix: CLAIM_ACT_ASSERTS -> "asserts".
template <typename Enum>
std::string EnumTerm(const google::protobuf::EnumDescriptor* descriptor, Enum value,
                     std::string_view prefix) {
  const auto* enum_value = descriptor->FindValueByNumber(static_cast<int>(value));
  std::string name = enum_value ? enum_value->name() : StrCat(static_cast<int>(value));
  if (name.compare(0, prefix.size(), prefix) == 0) name = name.substr(prefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::string EncodeIriSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string QuotedLiteral(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));  // UTF-8 passes through: N-Quads is UTF-8
        }
    }
  }
  out.push_back('"');
  return out;
}

NQuadsWriter::NQuadsWriter(NQuadsOptions options,
                           std::function<absl::Status(std::string_view)> emit)
    : options_(std::move(options)), emit_(std::move(emit)) {}

std::string NQuadsWriter::Node(std::string_view kind, std::string_view id) const {
  return StrCat("<", options_.base_iri, kind, "/", EncodeIriSegment(id), ">");
}

std::string NQuadsWriter::AgentNode(std::string_view entity_id) {
  std::string node = Node("entity", entity_id);
  // Typed where it is used, so the quad sits next to the use: an entity of any type may act.
  Quad(node, Rdf("type"), Prov("Agent"));
  return node;
}

std::string NQuadsWriter::Vocabulary(std::string_view term) const {
  return StrCat("<", options_.vocabulary_iri, term, ">");
}

void NQuadsWriter::Quad(const std::string& subject, const std::string& predicate,
                        const std::string& object) {
  out_ += subject;
  out_ += ' ';
  out_ += predicate;
  out_ += ' ';
  out_ += object;
  if (!graph_.empty()) {
    out_ += ' ';
    out_ += graph_;
  }
  out_ += " .\n";
}

absl::Status NQuadsWriter::Write(const v1::ImportRecord& record) {
  out_.clear();
  graph_.clear();
  switch (record.record_case()) {
    case v1::ImportRecord::kEntity:
      WriteEntity(record.entity());
      break;
    case v1::ImportRecord::kSource:
      WriteSource(record.source());
      break;
    case v1::ImportRecord::kClaim:
      WriteClaim(record.claim());
      break;
    case v1::ImportRecord::kAssessment:
      WriteAssessment(record.assessment());
      break;
    case v1::ImportRecord::kLifecycleEvent:
      WriteEvent(record.lifecycle_event());
      break;
    case v1::ImportRecord::RECORD_NOT_SET:
      return absl::InvalidArgumentError(
          "record: one of entity, source, claim, assessment, lifecycle_event is required");
  }
  if (out_.empty()) return absl::OkStatus();
  return emit_(out_);
}

void NQuadsWriter::WriteEntity(const v1::Entity& entity) {
  std::string node = Node("entity", entity.id());
  Quad(node, Rdf("type"), Vocabulary(StrCat("type/", EncodeIriSegment(entity.type()))));
  if (options_.schema != nullptr) {
    const auto& schema = *options_.schema;
    if (schema.IsA(entity.type(), "person")) Quad(node, Rdf("type"), Prov("Person"));
    if (schema.IsA(entity.type(), "organisation")) Quad(node, Rdf("type"), Prov("Organization"));
    if (schema.IsA(entity.type(), "agent")) Quad(node, Rdf("type"), Prov("Agent"));
  }
  // Everything else (places, products, events) is a prov:Entity, a thing in the world: PROV
  // readers take a resource only with a PROV class (python3-prov fails on one without).
  if (options_.schema == nullptr || !options_.schema->IsA(entity.type(), "agent")) {
    Quad(node, Rdf("type"), Prov("Entity"));
  }
  if (!entity.name().empty()) Quad(node, Rdfs("label"), QuotedLiteral(entity.name()));
  for (const auto& alias : entity.aliases()) {
    Quad(node, Iri(kSkos, "altLabel"), QuotedLiteral(alias));
  }
  if (!entity.description().empty())
    Quad(node, Rdfs("comment"), QuotedLiteral(entity.description()));
  // Sorted, so the output does not depend on the map's iteration order.
  std::map<std::string, std::string> external(entity.external_ids().begin(),
                                              entity.external_ids().end());
  for (const auto& [system, id] : external) {
    if (system == "wikidata") {
      Quad(node, Iri(kOwl, "sameAs"),
           StrCat("<http://www.wikidata.org/entity/", EncodeIriSegment(id), ">"));
    }
    Quad(node, Vocabulary("externalId"), QuotedLiteral(StrCat(system, ":", id)));
  }
  std::map<std::string, std::string> attributes(entity.attributes().begin(),
                                                entity.attributes().end());
  for (const auto& [key, value] : attributes) {
    Quad(node, Vocabulary(StrCat("attribute/", EncodeIriSegment(key))), QuotedLiteral(value));
  }
}

void NQuadsWriter::WriteSource(const v1::Source& source) {
  std::string node = Node("source", source.id());
  Quad(node, Rdf("type"), Prov("Entity"));
  Quad(node, Rdf("type"), Vocabulary("Source"));
  if (!source.title().empty()) Quad(node, Dcterms("title"), QuotedLiteral(source.title()));
  if (!source.url().empty()) Quad(node, Vocabulary("url"), Typed(source.url(), "anyURI"));
  if (source.kind() != v1::SOURCE_KIND_UNSPECIFIED) {
    Quad(node, Vocabulary("kind"),
         QuotedLiteral(EnumTerm(v1::SourceKind_descriptor(), source.kind(), "SOURCE_KIND_")));
  }
  if (!source.publisher_id().empty()) {
    std::string publisher = AgentNode(source.publisher_id());
    Quad(node, Dcterms("publisher"), publisher);
    Quad(node, Prov("wasAttributedTo"), publisher);
  }
  if (source.has_declared_published_at())
    Quad(node, Dcterms("issued"), Time(source.declared_published_at()));
  if (source.has_first_seen_at())
    Quad(node, Vocabulary("firstSeenAt"), Time(source.first_seen_at()));
  if (source.has_retrieved_at()) Quad(node, Vocabulary("retrievedAt"), Time(source.retrieved_at()));
  if (!source.content_hash().empty())
    Quad(node, Vocabulary("contentHash"), QuotedLiteral(source.content_hash()));
  if (source.reliability() != v1::RELIABILITY_UNSPECIFIED) {
    Quad(node, Vocabulary("reliability"),
         QuotedLiteral(
             EnumTerm(v1::Reliability_descriptor(), source.reliability(), "RELIABILITY_")));
  }
  if (!source.language().empty()) Quad(node, Dcterms("language"), QuotedLiteral(source.language()));
  for (const auto& link : source.derived_from()) {
    std::string earlier = Node("source", link.source_id());
    switch (link.type()) {
      case v1::DERIVATION_TYPE_QUOTES:
        Quad(node, Prov("wasQuotedFrom"), earlier);
        break;
      case v1::DERIVATION_TYPE_REVISES:
        Quad(node, Prov("wasRevisionOf"), earlier);
        break;
      case v1::DERIVATION_TYPE_PRIMARY_SOURCE:
        Quad(node, Prov("hadPrimarySource"), earlier);
        break;
      case v1::DERIVATION_TYPE_REPUBLISHES:
        Quad(node, Prov("wasDerivedFrom"), earlier);
        Quad(node, Vocabulary("republishes"), earlier);
        break;
      case v1::DERIVATION_TYPE_TRANSLATES:
        Quad(node, Prov("wasDerivedFrom"), earlier);
        Quad(node, Vocabulary("translates"), earlier);
        break;
      case v1::DERIVATION_TYPE_CITES:
        Quad(node, Prov("wasDerivedFrom"), earlier);
        Quad(node, Vocabulary("cites"), earlier);
        break;
      default:
        Quad(node, Prov("wasDerivedFrom"), earlier);
        break;
    }
  }
}

std::string NQuadsWriter::ValueTerm(const v1::Value& value, const std::string& owner_node) {
  switch (value.kind_case()) {
    case v1::Value::kEntityId:
      return Node("entity", value.entity_id());
    case v1::Value::kStringValue:
      return QuotedLiteral(value.string_value());
    case v1::Value::kIntegerValue:
      return Typed(StrCat(value.integer_value()), "integer");
    case v1::Value::kDoubleValue:
      return Double(value.double_value());
    case v1::Value::kBoolValue:
      return Typed(value.bool_value() ? "true" : "false", "boolean");
    case v1::Value::kTimestampValue:
      return Time(value.timestamp_value());
    case v1::Value::kQuantityValue:
      return StrCat(QuotedLiteral(StrCat(value.quantity_value().amount(), " ",
                                         value.quantity_value().unit())),
                    "^^", Vocabulary("quantity"));
    case v1::Value::kSomeValue: {
      // An unnamed value: a blank node local to its owner, labelled with its description.
      std::string blank =
          StrCat("_:b", EncodeIriSegment(owner_node.substr(1, owner_node.size() - 2)));
      for (char& c : blank) {
        if (c == '%' || c == '.' || c == '~' || c == '-') c = '_';
      }
      if (!value.some_value().description().empty()) {
        Quad(blank, Rdfs("label"), QuotedLiteral(value.some_value().description()));
      }
      return blank;
    }
    case v1::Value::kNoValue:
      return Vocabulary("NoValue");
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return Vocabulary("NoValue");
}

void NQuadsWriter::WriteStatement(const v1::Statement& statement, const std::string& node) {
  std::string subject = Node("entity", statement.subject_id());
  std::string predicate = Vocabulary(StrCat("predicate/", EncodeIriSegment(statement.predicate())));
  std::string object =
      ValueTerm(statement.object(), StrCat(node.substr(0, node.size() - 1), "/object>"));
  if (options_.reification == Reification::kClassic) {
    Quad(node, Rdf("type"), Rdf("Statement"));
    Quad(node, Rdf("subject"), subject);
    Quad(node, Rdf("predicate"), predicate);
    Quad(node, Rdf("object"), object);
  } else {
    Quad(node, Rdf("reifies"), StrCat("<<( ", subject, " ", predicate, " ", object, " )>>"));
  }
  Quad(node, Rdf("type"), Vocabulary("Statement"));
  // A proposition is a conceptual thing: a prov:Entity, like the claims that carry it.
  Quad(node, Rdf("type"), Prov("Entity"));
  for (int i = 0; i < statement.qualifiers_size(); ++i) {
    const auto& qualifier = statement.qualifiers(i);
    Quad(node, Vocabulary(StrCat("qualifier/", EncodeIriSegment(qualifier.key()))),
         ValueTerm(qualifier.value(), StrCat(node.substr(0, node.size() - 1), "/q", i, ">")));
  }
  if (statement.has_valid_from()) Quad(node, Vocabulary("validFrom"), Time(statement.valid_from()));
  if (statement.has_valid_to()) Quad(node, Vocabulary("validTo"), Time(statement.valid_to()));
}

void NQuadsWriter::WriteClaim(const v1::Claim& claim) {
  std::string node = Node("claim", claim.id());
  std::string statement = Node("statement", claim.statement_id());
  if (!claim.source_id().empty()) graph_ = Node("source", claim.source_id());
  WriteStatement(claim.statement(), statement);
  Quad(node, Rdf("type"), Prov("Entity"));
  Quad(node, Rdf("type"), Vocabulary("Claim"));
  Quad(node, Vocabulary("statement"), statement);
  if (options_.reification == Reification::kTripleTerms) {
    // The claim is a reifier of the same triple term as its statement.
    std::string object = ValueTerm(claim.statement().object(),
                                   StrCat(statement.substr(0, statement.size() - 1), "/object>"));
    Quad(node, Rdf("reifies"),
         StrCat("<<( ", Node("entity", claim.statement().subject_id()), " ",
                Vocabulary(StrCat("predicate/", EncodeIriSegment(claim.statement().predicate()))),
                " ", object, " )>>"));
  }
  Quad(node, Vocabulary("act"),
       QuotedLiteral(EnumTerm(v1::ClaimAct_descriptor(), claim.act(), "CLAIM_ACT_")));
  Quad(node, Vocabulary("stance"),
       QuotedLiteral(EnumTerm(v1::Stance_descriptor(), claim.stance(), "STANCE_")));
  Quad(node, Vocabulary("certainty"),
       QuotedLiteral(EnumTerm(v1::Certainty_descriptor(), claim.certainty(), "CERTAINTY_")));
  if (!claim.estimative_word().empty())
    Quad(node, Vocabulary("estimativeWord"), QuotedLiteral(claim.estimative_word()));
  if (!claim.cue().empty()) Quad(node, Vocabulary("cue"), QuotedLiteral(claim.cue()));
  if (claim.has_confidence()) Quad(node, Vocabulary("confidence"), Double(claim.confidence()));
  if (claim.has_claimed_at()) Quad(node, Prov("generatedAtTime"), Time(claim.claimed_at()));
  std::string claimant;
  if (claim.claimant().kind_case() == v1::Agent::kEntityId) {
    claimant = AgentNode(claim.claimant().entity_id());
  } else {
    // An IRI of its own under the claim's, not a blank node: PROV readers (python3-prov) take an
    // agent only by identifier.
    claimant = StrCat(node.substr(0, node.size() - 1), "/claimant>");
    Quad(claimant, Rdf("type"), Prov("Agent"));
    Quad(claimant, Rdfs("label"), QuotedLiteral(claim.claimant().some_value().description()));
  }
  Quad(node, Prov("wasAttributedTo"), claimant);
  if (!claim.on_behalf_of_id().empty()) {
    std::string principal = AgentNode(claim.on_behalf_of_id());
    Quad(node, Vocabulary("onBehalfOf"), principal);
    Quad(claimant, Prov("actedOnBehalfOf"), principal);
  }
  if (!claim.relays_claim_id().empty()) {
    std::string relayed = Node("claim", claim.relays_claim_id());
    Quad(node, Vocabulary("relays"), relayed);
    Quad(node, Prov("wasDerivedFrom"), relayed);
  }
  if (!claim.basis().source_id().empty()) {
    Quad(node, Prov("hadPrimarySource"), Node("source", claim.basis().source_id()));
  }
  if (!claim.basis().entity_id().empty()) {
    Quad(node, Vocabulary("basisEntity"), Node("entity", claim.basis().entity_id()));
  }
  if (!claim.basis().description().empty()) {
    Quad(node, Vocabulary("basisDescription"), QuotedLiteral(claim.basis().description()));
  }
  if (!claim.source_id().empty()) {
    std::string source = Node("source", claim.source_id());
    Quad(node, Vocabulary("source"), source);
    if (claim.has_quote()) Quad(node, Prov("wasQuotedFrom"), source);
  }
  if (claim.has_quote()) Quad(node, Vocabulary("quote"), QuotedLiteral(claim.quote().text()));
}

std::string NQuadsWriter::TargetNode(const v1::Target& target) const {
  switch (target.kind_case()) {
    case v1::Target::kStatementId:
      return Node("statement", target.statement_id());
    case v1::Target::kClaimId:
      return Node("claim", target.claim_id());
    case v1::Target::kSourceId:
      return Node("source", target.source_id());
    case v1::Target::KIND_NOT_SET:
      break;
  }
  return Vocabulary("Nothing");
}

void NQuadsWriter::WriteAssessment(const v1::Assessment& assessment) {
  std::string node = Node("assessment", assessment.id());
  Quad(node, Rdf("type"), Prov("Entity"));
  Quad(node, Rdf("type"), Vocabulary("Assessment"));
  Quad(node, Vocabulary("about"), TargetNode(assessment.target()));
  Quad(node, Prov("wasAttributedTo"), AgentNode(assessment.assessor_id()));
  Quad(node, Vocabulary("verdict"),
       QuotedLiteral(EnumTerm(v1::Verdict_descriptor(), assessment.verdict(), "VERDICT_")));
  if (!assessment.verdict_text().empty())
    Quad(node, Vocabulary("verdictText"), QuotedLiteral(assessment.verdict_text()));
  if (!assessment.media_category().empty()) {
    Quad(node, Vocabulary("mediaCategory"), QuotedLiteral(assessment.media_category()));
  }
  if (!assessment.explanation().empty())
    Quad(node, Rdfs("comment"), QuotedLiteral(assessment.explanation()));
  if (assessment.has_assessed_at())
    Quad(node, Prov("generatedAtTime"), Time(assessment.assessed_at()));
}

void NQuadsWriter::WriteEvent(const v1::LifecycleEvent& event) {
  std::string node = Node("event", event.id());
  std::string kind = EnumTerm(v1::LifecycleKind_descriptor(), event.kind(), "LIFECYCLE_KIND_");
  if (!kind.empty()) kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
  Quad(node, Rdf("type"), Prov("Activity"));
  Quad(node, Rdf("type"), Vocabulary(kind));
  std::string target = TargetNode(event.target());
  Quad(node, Vocabulary("target"), target);
  Quad(node, Prov("wasAssociatedWith"), AgentNode(event.actor_id()));
  // prov:atTime belongs to instantaneous events; an activity has a start and an end, which for
  // a retraction or correction are the same instant.
  if (event.has_occurred_at()) {
    Quad(node, Prov("startedAtTime"), Time(event.occurred_at()));
    Quad(node, Prov("endedAtTime"), Time(event.occurred_at()));
  }
  if (!event.reason().empty()) Quad(node, Vocabulary("reason"), QuotedLiteral(event.reason()));
  if (event.target().kind_case() == v1::Target::kClaimId &&
      (event.kind() == v1::LIFECYCLE_KIND_RETRACTION ||
       event.kind() == v1::LIFECYCLE_KIND_DEPRECATION)) {
    Quad(target, Prov("wasInvalidatedBy"), node);
  }
}

}  // namespace claimgraph::exchange
