// Key codec: round trips and byte order equal to numeric order, on random inputs.
#include "engine/storage/key_codec.h"

#include <doctest/doctest.h>

#include <iterator>
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

// Random ids that exercise every byte, including 0x00 and 0xFF.
uint64_t RandomId(std::mt19937_64& random) { return random() >> (random() % 64); }

std::string RandomText(std::mt19937_64& random) {
  std::string text;
  for (size_t n = random() % 12; n > 0; --n) text.push_back(static_cast<char>(random() % 255 + 1));
  return text;
}

TEST_CASE("dictionary and meta keys decode to what encoded them") {
  std::mt19937_64 random(11);
  const IdKind kinds[] = {IdKind::kEntity, IdKind::kSource,    IdKind::kStatement,
                          IdKind::kClaim,  IdKind::kPredicate, IdKind::kAssessment,
                          IdKind::kEvent,  IdKind::kRequest};
  for (int i = 0; i < 2000; ++i) {
    const IdKind kind = kinds[random() % std::size(kinds)];
    const IdKind other = kinds[random() % std::size(kinds)];
    const std::string external = RandomText(random);
    const uint64_t id = RandomId(random);
    CHECK(DecodeDictionaryKey(kind, DictionaryKey(kind, external)) == external);
    CHECK(DecodeReverseDictionaryKey(kind, ReverseDictionaryKey(kind, id)) == id);
    CHECK(DecodeCounterKey(CounterKey(kind)) == kind);
    CHECK(DecodeDirtyScoreKey(DirtyScoreKey(id)) == id);
    const bool derivations = random() % 2 == 0;
    auto rescore = DecodeSourceRescoreKey(SourceRescoreKey(id, derivations));
    REQUIRE(rescore.has_value());
    CHECK(rescore->source == id);
    CHECK(rescore->derivations == derivations);
    if (other != kind) {
      CHECK_FALSE(DecodeDictionaryKey(other, DictionaryKey(kind, external)).has_value());
      CHECK_FALSE(DecodeReverseDictionaryKey(other, ReverseDictionaryKey(kind, id)).has_value());
    }
  }
  CHECK_FALSE(DecodeReverseDictionaryKey(IdKind::kEntity,
                                         "\xe5"
                                         "1234567")
                  .has_value());
  CHECK_FALSE(DecodeDirtyScoreKey(std::string(kDirtyScorePrefix) + "123456789").has_value());
  CHECK_FALSE(DecodeDirtyScoreKey(SourceRescoreKey(1, true)).has_value());
  CHECK_FALSE(DecodeSourceRescoreKey(DirtyScoreKey(1)).has_value());
  CHECK_FALSE(DecodeCounterKey("clock").has_value());
}

TEST_CASE("record keys decode to what encoded them") {
  std::mt19937_64 random(12);
  const char prefixes[] = {kEntityRecord,  kSourceRecord,   kStatementRecord,
                           kClaimRecord,   kCurrentEntity,  kCurrentSource,
                           kClaimInactive, kClaimHasEvents, kClaimRelayLink};
  const TargetKind kinds[] = {TargetKind::kStatement, TargetKind::kClaim, TargetKind::kSource};
  for (int i = 0; i < 2000; ++i) {
    const char prefix = prefixes[random() % std::size(prefixes)];
    const uint64_t id = RandomId(random), at = RandomId(random), target = RandomId(random);
    auto record = DecodeRecordKey(RecordKey(prefix, id));
    REQUIRE(record.has_value());
    CHECK(record->prefix == prefix);
    CHECK(record->id == id);
    auto versioned = DecodeVersionedRecordKey(VersionedRecordKey(prefix, id, at));
    REQUIRE(versioned.has_value());
    CHECK(versioned->prefix == prefix);
    CHECK(versioned->id == id);
    CHECK(versioned->recorded_at == at);
    const char target_prefix = random() % 2 ? kAssessmentRecord : kEventRecord;
    const TargetKind kind = kinds[random() % std::size(kinds)];
    auto targeted = DecodeTargetRecordKey(TargetRecordKey(target_prefix, kind, target, at, id));
    REQUIRE(targeted.has_value());
    CHECK(targeted->prefix == target_prefix);
    CHECK(targeted->kind == kind);
    CHECK(targeted->target == target);
    CHECK(targeted->recorded_at == at);
    CHECK(targeted->id == id);
    // Each kind's decoder refuses the others' lengths.
    CHECK_FALSE(DecodeRecordKey(VersionedRecordKey(prefix, id, at)).has_value());
    CHECK_FALSE(DecodeVersionedRecordKey(RecordKey(prefix, id)).has_value());
    CHECK_FALSE(DecodeTargetRecordKey(TargetRecordPrefix(target_prefix, kind, target)).has_value());
  }
}

TEST_CASE("index keys decode to what encoded them") {
  std::mt19937_64 random(13);
  const char indexes[] = {kClaimsByStatement, kClaimsByClaimant, kClaimsByPrincipal,
                          kClaimsBySource, kClaimsBySubject};
  const char pairs[] = {kRelaysOf, kDerivedFrom, kSourcesByPublisher};
  const char named[] = {kEntitiesByName, kEntitiesByType};
  for (int i = 0; i < 2000; ++i) {
    const uint64_t owner = RandomId(random), at = RandomId(random), claim = RandomId(random);
    const char index = indexes[random() % std::size(indexes)];
    auto posting = DecodePostingKey(PostingKey(index, owner, at, claim));
    REQUIRE(posting.has_value());
    CHECK(posting->index == index);
    CHECK(posting->owner == owner);
    CHECK(posting->recorded_at == at);
    CHECK(posting->claim == claim);
    CHECK(LastId(PostingKey(index, owner, at, claim)) == claim);
    auto timed = DecodeTimePostingKey(TimePostingKey(at, claim));
    REQUIRE(timed.has_value());
    CHECK(timed->recorded_at == at);
    CHECK(timed->claim == claim);
    const char pair_index = pairs[random() % std::size(pairs)];
    auto pair = DecodePairKey(PairKey(pair_index, owner, claim));
    REQUIRE(pair.has_value());
    CHECK(pair->index == pair_index);
    CHECK(pair->first == owner);
    CHECK(pair->second == claim);
    const char name_index = named[random() % std::size(named)];
    const std::string name = RandomText(random);
    const std::string named_key = NamedPostingKey(name_index, name, claim);  // entry views it
    auto entry = DecodeNamedPostingKey(named_key);
    REQUIRE(entry.has_value());
    CHECK(entry->index == name_index);
    CHECK(entry->name == name);
    CHECK(entry->entity == claim);
    CHECK_FALSE(DecodePostingKey(PairKey(pair_index, owner, claim)).has_value());
    CHECK_FALSE(DecodePairKey(PostingKey(index, owner, at, claim)).has_value());
    CHECK_FALSE(DecodeTimePostingKey(PostingKey(index, owner, at, claim)).has_value());
  }
  CHECK_FALSE(
      DecodeNamedPostingKey(KeyBuilder(kEntitiesByName).Raw("abc").U64(1).Build()).has_value());
}

TEST_CASE("scan bounds cut exactly the keys they name") {
  auto starts_with = [](const std::string& key, const std::string& prefix) {
    return key.compare(0, prefix.size(), prefix) == 0;
  };
  std::mt19937_64 random(7);
  const std::string prefix = PostingPrefix(kClaimsByStatement, 42);
  for (int i = 0; i < 500; ++i) {
    uint64_t at = random() % 1000, claim = random() % 1000 + 1, bound = random() % 1000;
    std::string key = PostingKey(kClaimsByStatement, 42, at, claim);
    CHECK(starts_with(key, prefix));
    // [RecordedBound(prefix, t), ...) holds exactly the postings recorded at t or later.
    CHECK((key >= RecordedBound(prefix, bound)) == (at >= bound));
    // Resuming after (t, c) skips exactly the postings up to and including it.
    uint64_t after_claim = random() % 1000 + 1;
    bool later = std::tie(at, claim) > std::tie(bound, after_claim);
    CHECK((key > RecordedBound(prefix, bound, after_claim)) == later);
  }
  CHECK(starts_with(TimePostingKey(5, 6), TimePostingPrefix()));
  CHECK(starts_with(TargetRecordKey(kEventRecord, TargetKind::kClaim, 9, 10, 11),
                    TargetKindPrefix(kEventRecord, TargetKind::kClaim)));
  CHECK_FALSE(starts_with(TargetRecordKey(kEventRecord, TargetKind::kSource, 9, 10, 11),
                          TargetKindPrefix(kEventRecord, TargetKind::kClaim)));
  CHECK(starts_with(NamedPostingKey(kEntitiesByName, "ada lovelace", 3), NamePostingPrefix("ada")));
  CHECK_FALSE(starts_with(NamedPostingKey(kEntitiesByName, "bob", 3), NamePostingPrefix("ada")));
  // A type's prefix holds its own entries, not those of a longer type name it begins.
  CHECK(starts_with(NamedPostingKey(kEntitiesByType, "Person", 3), TypePostingPrefix("Person")));
  CHECK_FALSE(
      starts_with(NamedPostingKey(kEntitiesByType, "PersonGroup", 3), TypePostingPrefix("Person")));
  CHECK(starts_with(DictionaryKey(IdKind::kEntity, "e1"), DictionaryPrefix(IdKind::kEntity)));
  CHECK_FALSE(starts_with(DictionaryKey(IdKind::kSource, "e1"), DictionaryPrefix(IdKind::kEntity)));
}

TEST_CASE("inactive markers round trip and refuse other sizes") {
  InactiveMarker marker{123456789, InactiveMarker::kRetracted | InactiveMarker::kDeprecated};
  auto decoded = DecodeInactiveMarker(EncodeInactiveMarker(marker));
  REQUIRE(decoded);
  CHECK(decoded->since == marker.since);
  CHECK(decoded->flags == marker.flags);
  CHECK_FALSE(DecodeInactiveMarker(std::string(8, '\0')));
  CHECK_FALSE(DecodeInactiveMarker(std::string(10, '\0')));
}

}  // namespace claimgraph::keys
