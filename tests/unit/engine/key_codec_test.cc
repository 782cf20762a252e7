// Key codec: round trips and byte order equal to numeric order, on random inputs.
#include "engine/key_codec.h"

#include <doctest/doctest.h>

#include <random>
#include <tuple>

namespace claimgraph::keys {

TEST_CASE("u64 and u32 encodings sort like the numbers") {
  std::mt19937_64 random(42);
  for (int i = 0; i < 10000; ++i) {
    uint64_t a = random() >> (random() % 64), b = random() >> (random() % 64);
    std::string ka, kb;
    AppendU64(&ka, a);
    AppendU64(&kb, b);
    CHECK((ka < kb) == (a < b));
    CHECK(DecodeU64(ka) == a);
    uint32_t c = static_cast<uint32_t>(a), d = static_cast<uint32_t>(b);
    std::string kc, kd;
    AppendU32(&kc, c);
    AppendU32(&kd, d);
    CHECK((kc < kd) == (c < d));
    CHECK(DecodeU32(kc) == c);
  }
}

TEST_CASE("edge keys round trip and group by node then predicate") {
  std::mt19937_64 random(7);
  for (int i = 0; i < 5000; ++i) {
    EdgeKey edge{i % 2 ? kOutEdge : kInEdge, random() % 1000 + 1,
                 static_cast<uint32_t>(random() % 50), random(), random()};
    auto decoded = EdgeKey::Decode(edge.Encode());
    REQUIRE(decoded.has_value());
    CHECK(decoded->direction == edge.direction);
    CHECK(decoded->node == edge.node);
    CHECK(decoded->predicate == edge.predicate);
    CHECK(decoded->other == edge.other);
    CHECK(decoded->statement == edge.statement);
    std::string key = edge.Encode();
    CHECK(key.compare(0, 9, EdgePrefix(edge.direction, edge.node)) == 0);
    CHECK(key.compare(0, 13, EdgePrefix(edge.direction, edge.node, edge.predicate)) == 0);
  }
  CHECK_FALSE(EdgeKey::Decode("o123").has_value());
  CHECK_FALSE(EdgeKey::Decode(std::string(29, 'x')).has_value());
}

TEST_CASE("posting keys order by owner, then time, then claim") {
  std::mt19937_64 random(3);
  for (int i = 0; i < 5000; ++i) {
    uint64_t o1 = random() % 5, o2 = random() % 5, t1 = random() % 9, t2 = random() % 9;
    uint64_t c1 = random(), c2 = random();
    auto k1 = PostingKey(kClaimsByStatement, o1, t1, c1);
    auto k2 = PostingKey(kClaimsByStatement, o2, t2, c2);
    auto tuple1 = std::make_tuple(o1, t1, c1), tuple2 = std::make_tuple(o2, t2, c2);
    CHECK((k1 < k2) == (tuple1 < tuple2));
  }
}

TEST_CASE("prefix successor bounds exactly the keys with the prefix") {
  CHECK(PrefixSuccessor("ab") == "ac");
  CHECK(PrefixSuccessor(std::string("a\xff", 2)) == "b");
  CHECK(PrefixSuccessor(std::string("\xff\xff", 2)).empty());
  std::mt19937 random(1);
  for (int i = 0; i < 2000; ++i) {
    std::string prefix, key;
    for (int k = 0; k < 3; ++k)
      prefix.push_back(static_cast<char>(random() % 3 == 0 ? 0xFF : random() % 256));
    key = prefix;
    for (int k = 0; k < 4; ++k) key.push_back(static_cast<char>(random() % 256));
    auto successor = PrefixSuccessor(prefix);
    CHECK(key >= prefix);
    if (!successor.empty()) CHECK(key < successor);
  }
}

TEST_CASE("key reader refuses to read past the end") {
  std::string key = KeyBuilder('n').Terminated("john kirby").U64(99).Build();
  KeyReader reader(key);
  uint8_t prefix;
  std::string_view name;
  uint64_t id;
  REQUIRE(reader.Byte(&prefix));
  REQUIRE(reader.Terminated(&name));
  CHECK(name == "john kirby");
  REQUIRE(reader.U64(&id));
  CHECK(id == 99);
  CHECK(reader.AtEnd());
  CHECK_FALSE(reader.U64(&id));
  uint32_t small;
  KeyReader short_reader("abc");
  CHECK_FALSE(short_reader.U32(&small));
}

TEST_CASE("dictionary keys of different kinds never collide") {
  CHECK(DictionaryKey(IdKind::kEntity, "x") != DictionaryKey(IdKind::kSource, "x"));
  CHECK(ReverseDictionaryKey(IdKind::kEntity, 1) != ReverseDictionaryKey(IdKind::kSource, 1));
  // Reverse keys live above 0x80, apart from every forward key.
  CHECK(static_cast<uint8_t>(ReverseDictionaryKey(IdKind::kEntity, 1)[0]) >= 0x80);
}

}  // namespace claimgraph::keys
