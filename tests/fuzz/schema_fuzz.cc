// Fuzz target for the schema parser: SchemaRegistry::LoadText on arbitrary text. A schema it
// accepts must answer its type questions without failing and load again from its own text form.
#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/text_format.h>

#include "engine/schema/schema_registry.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto registry = claimgraph::schema::SchemaRegistry::LoadText(text, "fuzz.textproto");
  if (!registry.ok()) {
    FUZZ_CHECK(!registry.status().message().empty());
    return 0;
  }
  const auto& schema = (*registry)->schema();
  for (const auto& predicate : schema.predicates()) {
    FUZZ_CHECK((*registry)->FindPredicate(predicate.name()) != nullptr);
    for (const auto& type : schema.entity_types()) {
      FUZZ_CHECK((*registry)->IsA(type.name(), type.name()));
      (*registry)->DomainAllows(predicate, type.name());
      (*registry)->RangeAllows(predicate, type.name(), /*is_literal=*/false);
    }
    for (auto kind : claimgraph::schema::kLiteralKinds) {
      (*registry)->RangeAllows(predicate, kind, /*is_literal=*/true);
    }
  }
  std::string printed;
  FUZZ_CHECK(google::protobuf::TextFormat::PrintToString(schema, &printed));
  auto again = claimgraph::schema::SchemaRegistry::LoadText(printed, "printed.textproto");
  FUZZ_CHECK(again.ok());
  return 0;
}
