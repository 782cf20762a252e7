// SchemaRegistry: the loaded, validated ontology, answering the type questions validation asks
// (is this predicate known, may this subject type carry it, may this object fill its range).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "claimgraph/v1/schema.pb.h"

namespace claimgraph::schema {

// Literal kinds a predicate's range may name besides entity types.
inline constexpr std::string_view kLiteralKinds[] = {"string",    "integer",  "double", "bool",
                                                     "timestamp", "quantity"};

// Immutable after construction; safe to share between threads.
class SchemaRegistry {
 public:
  // Validates `schema` (names, parents, domains, ranges, inverses). Errors name the offending
  // element; `origin` (a file name) and the parser's locations, when given, prefix them.
  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> Create(
      const claimgraph::v1::Schema& schema, std::string_view origin = "",
      const void* parse_locations = nullptr);

  // Reads protobuf text format; errors are "file:line:column: what is wrong".
  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> LoadTextFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> LoadText(std::string_view text,
                                                                  std::string_view origin);

  const claimgraph::v1::Schema& schema() const { return schema_; }
  bool HasEntityType(std::string_view type) const;
  const claimgraph::v1::Predicate* FindPredicate(std::string_view name) const;
  // True when `type` is `ancestor` or descends from it.
  bool IsA(std::string_view type, std::string_view ancestor) const;
  // True when an entity of `type` may be the subject of `predicate`.
  bool DomainAllows(const claimgraph::v1::Predicate& predicate, std::string_view type) const;
  // True when an entity of `type` (or, with is_literal, a literal of that kind) may be the object.
  bool RangeAllows(const claimgraph::v1::Predicate& predicate, std::string_view type_or_kind,
                   bool is_literal) const;

 private:
  explicit SchemaRegistry(claimgraph::v1::Schema schema);

  claimgraph::v1::Schema schema_;
  std::unordered_map<std::string, std::string> parent_of_;
  std::unordered_map<std::string, const claimgraph::v1::Predicate*> predicates_;
};

}  // namespace claimgraph::schema
