// Fuzz target for the key codec (engine/storage/key_codec.h): EdgeKey::Decode on arbitrary bytes, a
// KeyReader driven by the input, and the ordering and round-trip properties of the builders.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/storage/key_codec.h"
#include "fuzz_check.h"

namespace keys = claimgraph::keys;

namespace {

// Decoding arbitrary bytes either fails or yields an edge that encodes back to the same bytes.
void DecodeEdge(std::string_view input) {
  auto edge = keys::EdgeKey::Decode(input);
  if (!edge) return;
  FUZZ_CHECK(input.size() == 29);
  FUZZ_CHECK(edge->direction == keys::kOutEdge || edge->direction == keys::kInEdge);
  FUZZ_CHECK(edge->Encode() == input);
}

// Runs reader operations chosen by the input's bytes over the input itself, checking that each
// read consumes exactly what it claims and never more than is there.
void DriveReader(std::string_view input) {
  keys::KeyReader reader(input);
  for (size_t step = 0; step < input.size() && !reader.AtEnd(); ++step) {
    size_t before = reader.rest().size();
    auto operation = static_cast<uint8_t>(input[step]) % 5;
    bool ok = false;
    size_t consumed = 0;
    switch (operation) {
      case 0: {
        uint8_t value;
        ok = reader.Byte(&value);
        consumed = 1;
        break;
      }
      case 1: {
        uint32_t value;
        std::string_view rest = reader.rest();
        ok = reader.U32(&value);
        consumed = 4;
        if (ok) FUZZ_CHECK(value == keys::DecodeU32(rest));
        break;
      }
      case 2: {
        uint64_t value;
        std::string_view rest = reader.rest();
        ok = reader.U64(&value);
        consumed = 8;
        if (ok) FUZZ_CHECK(value == keys::DecodeU64(rest));
        break;
      }
      case 3: {
        std::string_view text;
        ok = reader.Terminated(&text);
        consumed = text.size() + 1;
        if (ok) FUZZ_CHECK(text.find('\0') == std::string_view::npos);
        break;
      }
      default: {
        size_t bytes = static_cast<uint8_t>(input[step]) / 5 % 16;
        ok = reader.Skip(bytes);
        consumed = bytes;
      }
    }
    size_t after = reader.rest().size();
    if (ok) {
      FUZZ_CHECK(before - after == consumed);
    } else {
      FUZZ_CHECK(after == before);  // a failed read leaves the reader where it was
      if (operation != 3) FUZZ_CHECK(before < consumed);
      break;
    }
  }
}

// Builders: fields taken from the input encode, decode back, and order as numbers do.
void BuildersRoundTrip(std::string_view input) {
  if (input.size() < 29) return;
  keys::EdgeKey edge;
  edge.direction = (input[0] & 1) ? keys::kOutEdge : keys::kInEdge;
  edge.node = keys::DecodeU64(input.substr(1));
  edge.predicate = keys::DecodeU32(input.substr(9));
  edge.other = keys::DecodeU64(input.substr(13));
  edge.statement = keys::DecodeU64(input.substr(21));
  auto decoded = keys::EdgeKey::Decode(edge.Encode());
  FUZZ_CHECK(decoded.has_value());
  FUZZ_CHECK(decoded->direction == edge.direction && decoded->node == edge.node &&
             decoded->predicate == edge.predicate && decoded->other == edge.other &&
             decoded->statement == edge.statement);
  FUZZ_CHECK(edge.Encode().rfind(keys::EdgePrefix(edge.direction, edge.node, edge.predicate), 0) ==
             0);

  // Big-endian: byte order of two posting keys is the numeric order of their fields.
  uint64_t a = edge.node, b = edge.other;
  std::string key_a = keys::PostingKey(keys::kClaimsBySource, a, edge.statement, 1);
  std::string key_b = keys::PostingKey(keys::kClaimsBySource, b, edge.statement, 1);
  FUZZ_CHECK((a < b) == (key_a < key_b));
  FUZZ_CHECK((a == b) == (key_a == key_b));

  // A name without NUL survives a named posting key.
  std::string_view name = input.substr(29);
  if (name.find('\0') == std::string_view::npos) {
    std::string key = keys::NamedPostingKey(keys::kEntitiesByName, name, edge.statement);
    keys::KeyReader reader(key);
    uint8_t prefix;
    std::string_view read_name;
    uint64_t entity;
    FUZZ_CHECK(reader.Byte(&prefix) && prefix == keys::kEntitiesByName);
    FUZZ_CHECK(reader.Terminated(&read_name) && read_name == name);
    FUZZ_CHECK(reader.U64(&entity) && entity == edge.statement && reader.AtEnd());
  }
}

// The successor of a prefix sorts after every key that starts with the prefix.
void Successor(std::string_view input) {
  std::string successor = keys::PrefixSuccessor(input);
  if (successor.empty()) {
    FUZZ_CHECK(input.find_first_not_of('\xff') == std::string_view::npos);
    return;
  }
  FUZZ_CHECK(std::string_view(successor) > input);
  FUZZ_CHECK(std::string(input) + "\xff\xff\xff\xff" < successor);
  FUZZ_CHECK(successor.size() <= input.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  DecodeEdge(input);
  DriveReader(input);
  BuildersRoundTrip(input);
  Successor(input);
  return 0;
}
