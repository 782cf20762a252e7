// Schema loading (text format with file:line errors) and the type checks used by validation.
#include "engine/schema/schema_registry.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/strings.h"

namespace claimgraph::schema {
namespace {

using claimgraph::v1::Schema;
using google::protobuf::TextFormat;

bool IsSnakeCase(std::string_view name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsLiteralKind(std::string_view name) {
  for (auto kind : kLiteralKinds) {
    if (kind == name) return true;
  }
  return false;
}

class CollectErrors final : public google::protobuf::io::ErrorCollector {
 public:
  explicit CollectErrors(std::string origin) : origin_(std::move(origin)) {}
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = StrCat(origin_, ":", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string origin_;
  std::string first_;
};

// Names where an element came from: "file:line: " when the parser recorded it.
std::string Where(std::string_view origin, const TextFormat::ParseInfoTree* tree,
                  const char* field, int index) {
  std::string prefix = origin.empty() ? "schema" : std::string(origin);
  if (tree != nullptr) {
    const auto* descriptor = Schema::descriptor()->FindFieldByName(field);
    auto location = tree->GetLocation(descriptor, index);
    if (location.line >= 0) return StrCat(prefix, ":", location.line + 1, ": ");
  }
  return StrCat(prefix, ": ", field, "[", index, "]: ");
}

}  // namespace

SchemaRegistry::SchemaRegistry(Schema schema) : schema_(std::move(schema)) {
  for (const auto& type : schema_.entity_types()) parent_of_[type.name()] = type.parent();
  for (const auto& predicate : schema_.predicates()) predicates_[predicate.name()] = &predicate;
}

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Create(
    const Schema& schema, std::string_view origin, const void* parse_locations) {
  const auto* tree = static_cast<const TextFormat::ParseInfoTree*>(parse_locations);
  std::set<std::string> types;
  for (int i = 0; i < schema.entity_types_size(); ++i) {
    const auto& type = schema.entity_types(i);
    if (!IsSnakeCase(type.name())) {
      return absl::InvalidArgumentError(StrCat(Where(origin, tree, "entity_types", i),
                                                     "entity type name '", type.name(),
                                                     "' is not snake_case"));
    }
    if (IsLiteralKind(type.name())) {
      return absl::InvalidArgumentError(StrCat(Where(origin, tree, "entity_types", i),
                                                     "entity type '", type.name(),
                                                     "' collides with a literal kind"));
    }
    if (!types.insert(type.name()).second) {
      return absl::InvalidArgumentError(StrCat(
          Where(origin, tree, "entity_types", i), "duplicate entity type '", type.name(), "'"));
    }
  }
  for (int i = 0; i < schema.entity_types_size(); ++i) {
    const auto& type = schema.entity_types(i);
    if (!type.parent().empty() && !types.count(type.parent())) {
      return absl::InvalidArgumentError(StrCat(Where(origin, tree, "entity_types", i),
                                                     "entity type '", type.name(),
                                                     "' has unknown parent '", type.parent(), "'"));
    }
    // A parent chain that returns to where it started would make IsA loop.
    std::string current = type.parent();
    for (int steps = 0; !current.empty(); ++steps) {
      if (current == type.name()) {
        return absl::InvalidArgumentError(StrCat(Where(origin, tree, "entity_types", i),
                                                       "entity type '", type.name(),
                                                       "' is its own ancestor"));
      }
      // More steps than types: the chain entered a cycle that does not include this type.
      if (steps > schema.entity_types_size()) {
        return absl::InvalidArgumentError(StrCat(Where(origin, tree, "entity_types", i),
                                                 "entity type '", type.name(),
                                                 "' has a parent cycle above it"));
      }
      for (const auto& other : schema.entity_types()) {
        if (other.name() == current) {
          current = other.parent();
          break;
        }
      }
    }
  }
  std::set<std::string> predicates;
  for (int i = 0; i < schema.predicates_size(); ++i) {
    const auto& predicate = schema.predicates(i);
    auto where = Where(origin, tree, "predicates", i);
    if (!IsSnakeCase(predicate.name())) {
      return absl::InvalidArgumentError(
          StrCat(where, "predicate name '", predicate.name(), "' is not snake_case"));
    }
    if (!predicates.insert(predicate.name()).second) {
      return absl::InvalidArgumentError(
          StrCat(where, "duplicate predicate '", predicate.name(), "'"));
    }
    for (const auto& type : predicate.domain()) {
      if (!types.count(type)) {
        return absl::InvalidArgumentError(StrCat(where, "predicate '", predicate.name(),
                                                       "' has unknown domain type '", type, "'"));
      }
    }
    for (const auto& type : predicate.range()) {
      if (!types.count(type) && !IsLiteralKind(type)) {
        return absl::InvalidArgumentError(StrCat(where, "predicate '", predicate.name(),
                                                       "' has unknown range type '", type, "'"));
      }
    }
  }
  for (int i = 0; i < schema.predicates_size(); ++i) {
    const auto& predicate = schema.predicates(i);
    if (!predicate.inverse().empty() && !predicates.count(predicate.inverse())) {
      return absl::InvalidArgumentError(StrCat(Where(origin, tree, "predicates", i),
                                                     "predicate '", predicate.name(),
                                                     "' has unknown inverse '", predicate.inverse(),
                                                     "'"));
    }
    if (predicate.symmetric() && !predicate.inverse().empty() &&
        predicate.inverse() != predicate.name()) {
      return absl::InvalidArgumentError(StrCat(Where(origin, tree, "predicates", i),
                                                     "symmetric predicate '", predicate.name(),
                                                     "' can only be its own inverse"));
    }
  }
  return std::unique_ptr<SchemaRegistry>(new SchemaRegistry(schema));
}

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::LoadText(std::string_view text,
                                                                         std::string_view origin) {
  Schema schema;
  TextFormat::Parser parser;
  CollectErrors errors{std::string(origin)};
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &schema)) {
    return absl::InvalidArgumentError(errors.first().empty()
                                          ? StrCat(origin, ": cannot parse schema")
                                          : errors.first());
  }
  return Create(schema, origin, &tree);
}

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::LoadTextFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open schema file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return LoadText(buffer.str(), path);
}

bool SchemaRegistry::HasEntityType(std::string_view type) const {
  return parent_of_.count(std::string(type)) > 0;
}

const claimgraph::v1::Predicate* SchemaRegistry::FindPredicate(std::string_view name) const {
  auto it = predicates_.find(std::string(name));
  return it == predicates_.end() ? nullptr : it->second;
}

bool SchemaRegistry::IsA(std::string_view type, std::string_view ancestor) const {
  std::string current(type);
  // The parent chain is acyclic (checked in Create), so this ends.
  while (!current.empty()) {
    if (current == ancestor) return true;
    auto it = parent_of_.find(current);
    if (it == parent_of_.end()) return false;
    current = it->second;
  }
  return false;
}

bool SchemaRegistry::DomainAllows(const claimgraph::v1::Predicate& predicate,
                                  std::string_view type) const {
  if (predicate.domain().empty()) return true;
  for (const auto& allowed : predicate.domain()) {
    if (IsA(type, allowed)) return true;
  }
  return false;
}

bool SchemaRegistry::RangeAllows(const claimgraph::v1::Predicate& predicate,
                                 std::string_view type_or_kind, bool is_literal) const {
  if (predicate.range().empty()) return true;
  for (const auto& allowed : predicate.range()) {
    if (is_literal ? allowed == type_or_kind : IsA(type_or_kind, allowed)) return true;
  }
  return false;
}

}  // namespace claimgraph::schema
