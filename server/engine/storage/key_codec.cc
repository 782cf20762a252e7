// Key construction and parsing; the grammar is documented in key_codec.h.
#include "engine/storage/key_codec.h"

namespace claimgraph::keys {

void AppendU64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}
void AppendU32(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}
uint64_t DecodeU64(std::string_view bytes) {
  if (bytes.size() < 8) return 0;
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}
uint32_t DecodeU32(std::string_view bytes) {
  if (bytes.size() < 4) return 0;
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

KeyBuilder& KeyBuilder::Byte(uint8_t value) {
  key_.push_back(static_cast<char>(value));
  return *this;
}
KeyBuilder& KeyBuilder::U32(uint32_t value) {
  AppendU32(&key_, value);
  return *this;
}
KeyBuilder& KeyBuilder::U64(uint64_t value) {
  AppendU64(&key_, value);
  return *this;
}
KeyBuilder& KeyBuilder::Terminated(std::string_view text) {
  key_.append(text);
  key_.push_back('\0');
  return *this;
}
KeyBuilder& KeyBuilder::Raw(std::string_view bytes) {
  key_.append(bytes);
  return *this;
}

bool KeyReader::Byte(uint8_t* value) {
  if (rest_.empty()) return false;
  *value = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return true;
}
bool KeyReader::U32(uint32_t* value) {
  if (rest_.size() < 4) return false;
  *value = DecodeU32(rest_);
  rest_.remove_prefix(4);
  return true;
}
bool KeyReader::U64(uint64_t* value) {
  if (rest_.size() < 8) return false;
  *value = DecodeU64(rest_);
  rest_.remove_prefix(8);
  return true;
}
bool KeyReader::Terminated(std::string_view* text) {
  size_t end = rest_.find('\0');
  if (end == std::string_view::npos) return false;
  *text = rest_.substr(0, end);
  rest_.remove_prefix(end + 1);
  return true;
}
bool KeyReader::Skip(size_t bytes) {
  if (rest_.size() < bytes) return false;
  rest_.remove_prefix(bytes);
  return true;
}

std::string DirtyScoreKey(uint64_t statement) {
  std::string key(kDirtyScorePrefix);
  AppendU64(&key, statement);
  return key;
}

std::string SourceRescoreKey(uint64_t source, bool derivations) {
  std::string key(kSourceRescorePrefix);
  AppendU64(&key, source);
  key.push_back(derivations ? 1 : 0);
  return key;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto last = static_cast<uint8_t>(out.back());
    if (last != 0xFF) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

std::string DictionaryKey(IdKind kind, std::string_view external_id) {
  return KeyBuilder(static_cast<char>(kind)).Raw(external_id).Build();
}
std::string ReverseDictionaryKey(IdKind kind, uint64_t id) {
  return KeyBuilder(static_cast<char>(static_cast<uint8_t>(kind) | 0x80)).U64(id).Build();
}
std::string CounterKey(IdKind kind) {
  return KeyBuilder('c').Raw("ounter").Byte(static_cast<uint8_t>(kind)).Build();
}

std::string VersionedRecordKey(char prefix, uint64_t id, uint64_t recorded_at) {
  return KeyBuilder(prefix).U64(id).U64(recorded_at).Build();
}
std::string RecordKey(char prefix, uint64_t id) { return KeyBuilder(prefix).U64(id).Build(); }
std::string TargetRecordKey(char prefix, TargetKind kind, uint64_t target, uint64_t recorded_at,
                            uint64_t id) {
  return KeyBuilder(prefix)
      .Byte(static_cast<uint8_t>(kind))
      .U64(target)
      .U64(recorded_at)
      .U64(id)
      .Build();
}
std::string TargetRecordPrefix(char prefix, TargetKind kind, uint64_t target) {
  return KeyBuilder(prefix).Byte(static_cast<uint8_t>(kind)).U64(target).Build();
}

std::string EdgeKey::Encode() const {
  return KeyBuilder(direction).U64(node).U32(predicate).U64(other).U64(statement).Build();
}
std::optional<EdgeKey> EdgeKey::Decode(std::string_view key) {
  KeyReader reader(key);
  uint8_t direction;
  EdgeKey edge;
  if (!reader.Byte(&direction) || !reader.U64(&edge.node) || !reader.U32(&edge.predicate) ||
      !reader.U64(&edge.other) || !reader.U64(&edge.statement) || !reader.AtEnd()) {
    return std::nullopt;
  }
  if (direction != kOutEdge && direction != kInEdge) return std::nullopt;
  edge.direction = static_cast<char>(direction);
  return edge;
}
std::string EdgePrefix(char direction, uint64_t node) {
  return KeyBuilder(direction).U64(node).Build();
}
std::string EdgePrefix(char direction, uint64_t node, uint32_t predicate) {
  return KeyBuilder(direction).U64(node).U32(predicate).Build();
}

std::string PostingKey(char index, uint64_t owner, uint64_t recorded_at, uint64_t claim) {
  return KeyBuilder(index).U64(owner).U64(recorded_at).U64(claim).Build();
}
std::string PostingPrefix(char index, uint64_t owner) {
  return KeyBuilder(index).U64(owner).Build();
}
std::string TimePostingKey(uint64_t recorded_at, uint64_t claim) {
  return KeyBuilder(kClaimsByTime).U64(recorded_at).U64(claim).Build();
}
std::string PairKey(char index, uint64_t first, uint64_t second) {
  return KeyBuilder(index).U64(first).U64(second).Build();
}
uint64_t LastId(std::string_view key) {
  return key.size() < 8 ? 0 : DecodeU64(key.substr(key.size() - 8));
}
std::string NamedPostingKey(char index, std::string_view name, uint64_t entity) {
  return KeyBuilder(index).Terminated(name).U64(entity).Build();
}

std::string RecordedBound(std::string_view prefix, uint64_t recorded_at) {
  std::string bound(prefix);
  AppendU64(&bound, recorded_at);
  return bound;
}
std::string RecordedBound(std::string_view prefix, uint64_t recorded_at, uint64_t claim) {
  std::string bound = RecordedBound(prefix, recorded_at);
  AppendU64(&bound, claim);
  return bound;
}
std::string TimePostingPrefix() { return std::string(1, kClaimsByTime); }
std::string TargetKindPrefix(char prefix, TargetKind kind) {
  return KeyBuilder(prefix).Byte(static_cast<uint8_t>(kind)).Build();
}
std::string NamePostingPrefix(std::string_view normalized) {
  return KeyBuilder(kEntitiesByName).Raw(normalized).Build();
}
std::string TypePostingPrefix(std::string_view type) {
  return KeyBuilder(kEntitiesByType).Terminated(type).Build();
}
std::string DictionaryPrefix(IdKind kind) { return std::string(1, static_cast<char>(kind)); }

std::string EncodeInactiveMarker(const InactiveMarker& marker) {
  std::string value;
  AppendU64(&value, marker.since);
  value.push_back(static_cast<char>(marker.flags));
  return value;
}
std::optional<InactiveMarker> DecodeInactiveMarker(std::string_view value) {
  if (value.size() != 9) return std::nullopt;
  return InactiveMarker{DecodeU64(value), static_cast<uint8_t>(value[8])};
}

namespace {

// Reads the prefix byte, which must not be a key's only byte.
bool ReadPrefix(KeyReader* reader, char* prefix) {
  uint8_t byte = 0;
  if (!reader->Byte(&byte)) return false;
  *prefix = static_cast<char>(byte);
  return true;
}

// The rest of `key` after `prefix`, or nullopt when the key does not start with it.
std::optional<std::string_view> After(std::string_view key, std::string_view prefix) {
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  return key.substr(prefix.size());
}

}  // namespace

std::optional<std::string_view> DecodeDictionaryKey(IdKind kind, std::string_view key) {
  if (key.empty() || key[0] != static_cast<char>(kind)) return std::nullopt;
  return key.substr(1);
}

std::optional<uint64_t> DecodeReverseDictionaryKey(IdKind kind, std::string_view key) {
  KeyReader reader(key);
  uint8_t prefix = 0;
  uint64_t id = 0;
  if (!reader.Byte(&prefix) || prefix != (static_cast<uint8_t>(kind) | 0x80) || !reader.U64(&id) ||
      !reader.AtEnd()) {
    return std::nullopt;
  }
  return id;
}

std::optional<IdKind> DecodeCounterKey(std::string_view key) {
  auto rest = After(key, "counter");
  if (!rest || rest->size() != 1) return std::nullopt;
  return static_cast<IdKind>((*rest)[0]);
}

std::optional<uint64_t> DecodeDirtyScoreKey(std::string_view key) {
  auto rest = After(key, kDirtyScorePrefix);
  if (!rest || rest->size() != 8) return std::nullopt;
  return DecodeU64(*rest);
}

std::optional<SourceRescoreKeyParts> DecodeSourceRescoreKey(std::string_view key) {
  auto rest = After(key, kSourceRescorePrefix);
  if (!rest || rest->size() != 9) return std::nullopt;
  return SourceRescoreKeyParts{DecodeU64(*rest), (*rest)[8] != 0};
}

std::optional<RecordKeyParts> DecodeRecordKey(std::string_view key) {
  KeyReader reader(key);
  RecordKeyParts parts;
  if (!ReadPrefix(&reader, &parts.prefix) || !reader.U64(&parts.id) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

std::optional<VersionedRecordKeyParts> DecodeVersionedRecordKey(std::string_view key) {
  KeyReader reader(key);
  VersionedRecordKeyParts parts;
  if (!ReadPrefix(&reader, &parts.prefix) || !reader.U64(&parts.id) ||
      !reader.U64(&parts.recorded_at) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

std::optional<TargetRecordKeyParts> DecodeTargetRecordKey(std::string_view key) {
  KeyReader reader(key);
  TargetRecordKeyParts parts;
  uint8_t kind = 0;
  if (!ReadPrefix(&reader, &parts.prefix) || !reader.Byte(&kind) || !reader.U64(&parts.target) ||
      !reader.U64(&parts.recorded_at) || !reader.U64(&parts.id) || !reader.AtEnd()) {
    return std::nullopt;
  }
  parts.kind = static_cast<TargetKind>(kind);
  return parts;
}

std::optional<PostingKeyParts> DecodePostingKey(std::string_view key) {
  KeyReader reader(key);
  PostingKeyParts parts;
  if (!ReadPrefix(&reader, &parts.index) || !reader.U64(&parts.owner) ||
      !reader.U64(&parts.recorded_at) || !reader.U64(&parts.claim) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

std::optional<TimePostingKeyParts> DecodeTimePostingKey(std::string_view key) {
  KeyReader reader(key);
  uint8_t index = 0;
  TimePostingKeyParts parts;
  if (!reader.Byte(&index) || index != static_cast<uint8_t>(kClaimsByTime) ||
      !reader.U64(&parts.recorded_at) || !reader.U64(&parts.claim) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

std::optional<PairKeyParts> DecodePairKey(std::string_view key) {
  KeyReader reader(key);
  PairKeyParts parts;
  if (!ReadPrefix(&reader, &parts.index) || !reader.U64(&parts.first) ||
      !reader.U64(&parts.second) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

std::optional<NamedPostingKeyParts> DecodeNamedPostingKey(std::string_view key) {
  KeyReader reader(key);
  NamedPostingKeyParts parts;
  if (!ReadPrefix(&reader, &parts.index) || !reader.Terminated(&parts.name) ||
      !reader.U64(&parts.entity) || !reader.AtEnd()) {
    return std::nullopt;
  }
  return parts;
}

}  // namespace claimgraph::keys
