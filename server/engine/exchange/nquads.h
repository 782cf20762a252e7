// N-Quads export of claims and their provenance, for RDF tools. Consumes the exporter's import
// records (same order, no server-set fields) and writes one quad per line.
//
// Mapping (vocabulary `cg:` = options.vocabulary_iri, PROV = http://www.w3.org/ns/prov#):
// - an entity is <base>entity/<id> with rdfs:label, skos:altLabel, rdfs:comment, its type
//   cg:type/<type> (plus prov:Person, prov:Organization, prov:Agent by the ontology's type
//   hierarchy, else prov:Entity), and owl:sameAs a Wikidata IRI when it has a "wikidata" external id; every entity
//   used as a claimant, principal, publisher, assessor or actor is typed prov:Agent where used,
//   so each PROV relation's subject and object are of the class its domain and range name;
// - a statement is <base>statement/<id>, tying subject, cg:predicate/<name> and object together,
//   with its qualifiers (cg:qualifier/<key>) and valid time. How it carries the triple:
//   kClassic: classic RDF reification (a rdf:Statement with rdf:subject/predicate/object), which
//     RDF 1.1 tools such as raptor's rapper read;
//   kTripleTerms: RDF 1.2 `rdf:reifies <<( s p o )>>` on the statement and on each claim (the
//     claims are the reifiers), which RDF 1.1 tools reject;
// - a claim is <base>claim/<id> (a prov:Entity and cg:Claim) with cg:statement, cg:act,
//   cg:stance, cg:certainty, cg:estimativeWord, cg:cue, cg:confidence, cg:quote,
//   prov:generatedAtTime (claimed_at), prov:wasAttributedTo the claimant (an unnamed claimant is
//   <claim IRI>/claimant, a prov:Agent with rdfs:label), cg:onBehalfOf and the claimant prov:actedOnBehalfOf the
//   principal, prov:wasDerivedFrom and cg:relays for a relayed claim, prov:hadPrimarySource for a
//   basis source, cg:source and (with a quote) prov:wasQuotedFrom for the source it is found in.
//   A claim's quads are in the named graph of its source document (the default graph without);
// - a source is <base>source/<id> (a prov:Entity and cg:Source) with dcterms:title,
//   dcterms:publisher and prov:wasAttributedTo its publisher, dcterms:issued (declared
//   publication), cg:firstSeenAt, cg:retrievedAt, cg:url, cg:kind, cg:reliability,
//   cg:contentHash, dcterms:language (the text is not exported), and its derivations: republishes
//   and translates and cites as prov:wasDerivedFrom plus cg:republishes / cg:translates /
//   cg:cites, quotes as prov:wasQuotedFrom, revises as prov:wasRevisionOf, primary source as
//   prov:hadPrimarySource;
// - an assessment is <base>assessment/<id> (a prov:Entity and cg:Assessment) with cg:about,
// prov:wasAttributedTo
//   the assessor, cg:verdict, cg:verdictText, cg:mediaCategory, rdfs:comment,
//   prov:generatedAtTime; a lifecycle event is <base>event/<id> (cg:Retraction, cg:Correction or
//   cg:Deprecation; a prov:Activity) with cg:target, prov:wasAssociatedWith the actor,
//   prov:startedAtTime and prov:endedAtTime (both the occurrence), cg:reason, and a retracted or
//   deprecated claim prov:wasInvalidatedBy it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/schema/schema_registry.h"

namespace claimgraph::exchange {

enum class Reification {
  kClassic,      // rdf:Statement / rdf:subject / rdf:predicate / rdf:object (RDF 1.1)
  kTripleTerms,  // RDF 1.2 rdf:reifies <<( s p o )>>
};

struct NQuadsOptions {
  Reification reification = Reification::kClassic;
  // Prefix of the IRIs of our records; ids are percent-encoded after it.
  std::string base_iri = "http://claimgraph.example/id/";
  std::string vocabulary_iri = "http://claimgraph.example/vocab#";
  // Types entities of the ontology's person, organisation and agent types as prov:Person,
  // prov:Organization and prov:Agent. Null: only entities used as agents are typed (prov:Agent).
  const schema::SchemaRegistry* schema = nullptr;
};

// Turns import records into N-Quads text. Single-threaded.
class NQuadsWriter {
 public:
  // `emit` receives chunks of whole lines.
  NQuadsWriter(NQuadsOptions options, std::function<absl::Status(std::string_view)> emit);
  absl::Status Write(const v1::ImportRecord& record);

 private:
  std::string Node(std::string_view kind, std::string_view id) const;
  // The entity's node, after a quad typing it prov:Agent.
  std::string AgentNode(std::string_view entity_id);
  std::string Vocabulary(std::string_view term) const;
  void Quad(const std::string& subject, const std::string& predicate, const std::string& object);
  void WriteEntity(const v1::Entity& entity);
  void WriteSource(const v1::Source& source);
  void WriteClaim(const v1::Claim& claim);
  void WriteStatement(const v1::Statement& statement, const std::string& node);
  std::string ValueTerm(const v1::Value& value, const std::string& owner_node);
  std::string TargetNode(const v1::Target& target) const;
  void WriteAssessment(const v1::Assessment& assessment);
  void WriteEvent(const v1::LifecycleEvent& event);

  NQuadsOptions options_;
  std::function<absl::Status(std::string_view)> emit_;
  std::string graph_;  // current named graph, "" for the default graph
  std::string out_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string EncodeIriSegment(std::string_view text);
// A quoted N-Quads string literal (without datatype).
std::string QuotedLiteral(std::string_view text);

}  // namespace claimgraph::exchange
