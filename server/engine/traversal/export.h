// Describing traversal answers with external ids and names, and exporting a subgraph as JSON,
// Graphviz DOT (labels: entity names, predicates, confidence) or GraphML.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "engine/read_view.h"
#include "engine/traversal/queries.h"
#include "engine/traversal/topology.h"

namespace claimgraph::traversal {

struct EntityDescription {
  std::string id;  // external id
  std::string name;
  std::string type;
};

struct EdgeDescription {
  std::string subject_id;
  std::string predicate;
  std::string object_id;
  std::string statement_id;
};

// Resolves internal ids to external ids and names through one view, caching what it resolved.
// Used by one thread at a time; must not outlive the view.
class Describer {
 public:
  // `known_ids`, when given, answers external entity and statement ids and predicate names from
  // memory where its base has them (see BaseTopology); the view answers the rest.
  explicit Describer(const ReadView* view, const BaseTopology* known_ids = nullptr)
      : view_(view), known_ids_(known_ids) {}
  absl::StatusOr<EntityDescription> Entity(uint64_t entity);
  // Only the external id (no record read).
  absl::StatusOr<std::string> EntityId(uint64_t entity);
  absl::StatusOr<std::string> Predicate(uint32_t predicate);
  // The external id of the edge's statement.
  absl::StatusOr<std::string> StatementId(const Edge& edge);
  // The edge as subject -predicate-> object, whichever direction it was walked: external ids
  // only, no entity record is read.
  absl::StatusOr<EdgeDescription> Describe(const Edge& edge);

 private:
  // EntityId, or the id of an entity Entity() described already.
  absl::StatusOr<std::string> CachedEntityId(uint64_t entity);

  const ReadView* view_;
  const BaseTopology* known_ids_;
  std::unordered_map<uint64_t, EntityDescription> entities_;
  std::unordered_map<uint32_t, std::string> predicates_;
};

enum class ExportFormat { kJson, kDot, kGraphMl };

// Parses "json", "dot", "graphml"; InvalidArgument("format: ...") otherwise.
absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view name);

// The subgraph as a document in `format`. The cut (if any) is written into the document
// (a JSON field, a DOT graph label, a GraphML graph data element).
absl::StatusOr<std::string> ExportSubgraph(const ReadView& view, const SubgraphResult& subgraph,
                                           ExportFormat format);

}  // namespace claimgraph::traversal
