// ApplyFieldMask: AIP-134 update masks by reflection.
#include "engine/field_mask.h"

#include <memory>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>

#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool SameField(const Message& a, const Message& b, const FieldDescriptor* field) {
  std::unique_ptr<Message> only_a(a.New()), only_b(b.New());
  only_a->CopyFrom(a);
  only_b->CopyFrom(b);
  const auto* reflection = a.GetReflection();
  for (int i = 0; i < a.GetDescriptor()->field_count(); ++i) {
    const auto* other = a.GetDescriptor()->field(i);
    if (other == field) continue;
    reflection->ClearField(only_a.get(), other);
    reflection->ClearField(only_b.get(), other);
  }
  return google::protobuf::util::MessageDifferencer::Equals(*only_a, *only_b);
}

}  // namespace

absl::Status ApplyFieldMask(std::string_view record, const Message& patch,
                            const std::vector<std::string>& paths, const UpdatableFields& rules,
                            Message* target) {
  const auto* descriptor = patch.GetDescriptor();
  const auto* reflection = patch.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  const bool implied = paths.empty();
  const bool replace_all = paths.size() == 1 && paths[0] == "*";
  if (implied) {
    reflection->ListFields(patch, &fields);
  } else if (replace_all) {
    for (int i = 0; i < descriptor->field_count(); ++i) fields.push_back(descriptor->field(i));
  } else {
    for (size_t i = 0; i < paths.size(); ++i) {
      const std::string field_name = StrCat("update_mask.paths[", i, "]");
      const std::string& path = paths[i];
      if (path == "*") {
        return absl::InvalidArgumentError(StrCat(field_name, ": '*' must be the only path"));
      }
      const auto* field = descriptor->FindFieldByName(path);
      if (field == nullptr) {
        return absl::InvalidArgumentError(
            StrCat(field_name, ": ", record, " has no field ", validation::Quote(path)));
      }
      if (rules.fixed.contains(path)) {
        return absl::InvalidArgumentError(
            StrCat(field_name, ": ", record, ".", path, " cannot be updated"));
      }
      fields.push_back(field);
    }
  }
  // The fields move out of a copy of the patch, each at most once.
  std::unique_ptr<Message> source(patch.New());
  source->CopyFrom(patch);
  for (const auto* field : fields) {
    if (rules.fixed.contains(field->name())) continue;
    if (rules.immutable.contains(field->name())) {
      // "*" and implied masks may leave an immutable field empty; a value must be the same.
      const bool given = field->is_repeated() ? reflection->FieldSize(patch, field) > 0
                                              : reflection->HasField(patch, field);
      if ((given || !(implied || replace_all)) && !SameField(patch, *target, field)) {
        return absl::InvalidArgumentError(
            StrCat(record, ".", field->name(), ": cannot change once written"));
      }
      continue;
    }
    reflection->SwapFields(source.get(), target, {field});
  }
  return absl::OkStatus();
}

}  // namespace claimgraph
