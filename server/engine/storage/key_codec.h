// The single key codec: every key claimgraph writes is built and parsed here.
//
// All integers are big-endian so that byte order is numeric order; strings inside keys are
// terminated by 0x00 (ids and names may not contain NUL). Internal ids are 64-bit, allocated
// from per-kind counters; 0 is never a valid id. Times are microseconds since the Unix epoch.
//
// Byte grammar per family (prefix bytes are PERMANENT):
//
// meta (default):
//   "format_version"                         -> u32
//   "counter" kind:u8                         -> u64   last internal id allocated for the kind
//   "clock"                                   -> u64   last recorded_at handed out
//   "generation"                              -> u64   the cache generation (absent: 0;
//                                                        engine/cache_invariants.h)
//   "dirty" statement:u64                     -> empty  the statement's score awaits a rescore
//   "rescore-source" source:u64 derivations:u8 -> empty a deferred-scoring write (an offline
//                                                        load) regraded the source (derivations
//                                                        0) or relinked it (1): the next scorer
//                                                        rescores its dependent statements
// dictionary:
//   kind:u8 external-id                       -> id:u64        (kind = IdKind, lower-case letter)
//   kind|0x80:u8 id:u64                       -> external-id   (reverse)
// records:
//   'E' entity:u64 recorded_at:u64            -> Entity         (one key per version)
//   'S' source:u64 recorded_at:u64            -> Source         (one key per version)
//   'T' statement:u64                         -> Statement
//   'C' claim:u64                             -> Claim          (immutable)
//   'e' entity:u64                            -> Entity         (the latest version)
//   's' source:u64                            -> Source         (the latest version)
//   'x' claim:u64                             -> since:u64 flags:u8 (1 retracted, 2 deprecated)
//   'h' claim:u64                             -> empty   the claim has lifecycle events ('L'
//                                                        keys); written in the batch of each
//                                                        (format version 2)
//   'R' claim:u64                             -> relayed:u64   the relay link a claim gained
//                                                        after it was written (a RELAYS event)
//   'A' target_kind:u8 target:u64 recorded_at:u64 assessment:u64 -> Assessment
//   'L' target_kind:u8 target:u64 recorded_at:u64 event:u64      -> LifecycleEvent
// edges:
//   'o' subject:u64 predicate:u32 object:u64 statement:u64 -> EdgeAggregate (object 0: literal)
//   'i' object:u64 predicate:u32 subject:u64 statement:u64 -> EdgeAggregate (entity objects only)
// indexes (postings; value empty unless noted):
//   's' statement:u64 recorded_at:u64 claim:u64   claims by statement
//   'c' claimant:u64 recorded_at:u64 claim:u64    claims by claimant entity
//   'b' principal:u64 recorded_at:u64 claim:u64   claims by on_behalf_of entity
//   'r' source:u64 recorded_at:u64 claim:u64      claims by source
//   'u' subject:u64 recorded_at:u64 claim:u64     claims by statement subject
//   't' recorded_at:u64 claim:u64                 claims by recorded time
//   'l' relayed_claim:u64 claim:u64               claims that relay a claim
//   'd' earlier_source:u64 later_source:u64       -> type:u8   sources derived from a source
//   'n' normalized-name 0x00 entity:u64           entities by name and alias
//   'y' type 0x00 entity:u64                      entities by type
//   'p' publisher:u64 source:u64                  sources by publisher
// The indexes are append-only: an entry whose record no longer matches (a renamed entity) is
// checked against the record as of the read time and skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace claimgraph::keys {

// 2: the 'h' marker of claims with lifecycle events (a version 1 database gains the markers on
// its first read-write open, see Database::Open) and the pending bit of EdgeAggregate scores.
inline constexpr uint32_t kFormatVersion = 2;

// Kinds of external ids. Values are PERMANENT.
enum class IdKind : char {
  kEntity = 'e',
  kSource = 's',
  kStatement = 't',
  kClaim = 'c',
  kPredicate = 'p',
  kAssessment = 'a',
  kEvent = 'v',
  kRequest = 'q',  // CreateClaim request ids -> claim id (forward only)
};

// Kinds of assessment and lifecycle targets. Values are PERMANENT.
enum class TargetKind : uint8_t { kStatement = 1, kClaim = 2, kSource = 3 };

// Record prefixes. Values are PERMANENT.
inline constexpr char kEntityRecord = 'E';
inline constexpr char kSourceRecord = 'S';
inline constexpr char kStatementRecord = 'T';
inline constexpr char kClaimRecord = 'C';
inline constexpr char kAssessmentRecord = 'A';
inline constexpr char kEventRecord = 'L';
inline constexpr char kCurrentEntity = 'e';
inline constexpr char kCurrentSource = 's';
inline constexpr char kClaimInactive = 'x';
inline constexpr char kClaimHasEvents = 'h';
inline constexpr char kClaimRelayLink = 'R';

// Edge directions. Values are PERMANENT.
inline constexpr char kOutEdge = 'o';
inline constexpr char kInEdge = 'i';

// Index prefixes. Values are PERMANENT.
inline constexpr char kClaimsByStatement = 's';
inline constexpr char kClaimsByClaimant = 'c';
inline constexpr char kClaimsByPrincipal = 'b';
inline constexpr char kClaimsBySource = 'r';
inline constexpr char kClaimsBySubject = 'u';
inline constexpr char kClaimsByTime = 't';
inline constexpr char kRelaysOf = 'l';
inline constexpr char kDerivedFrom = 'd';
inline constexpr char kEntitiesByName = 'n';
inline constexpr char kEntitiesByType = 'y';
inline constexpr char kSourcesByPublisher = 'p';

// Appends big-endian integers and terminated strings to a key.
class KeyBuilder {
 public:
  explicit KeyBuilder(char prefix) { key_.push_back(prefix); }
  KeyBuilder& Byte(uint8_t value);
  KeyBuilder& U32(uint32_t value);
  KeyBuilder& U64(uint64_t value);
  KeyBuilder& Terminated(std::string_view text);  // text then 0x00
  KeyBuilder& Raw(std::string_view bytes);
  std::string Build() const { return key_; }
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// Reads a key built by KeyBuilder. Every read reports failure instead of reading past the end.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : rest_(key) {}
  bool Byte(uint8_t* value);
  bool U32(uint32_t* value);
  bool U64(uint64_t* value);
  bool Terminated(std::string_view* text);
  bool Skip(size_t bytes);
  bool AtEnd() const { return rest_.empty(); }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

void AppendU64(std::string* out, uint64_t value);
uint64_t DecodeU64(std::string_view bytes);  // first 8 bytes, big-endian; 0 if short
void AppendU32(std::string* out, uint32_t value);
uint32_t DecodeU32(std::string_view bytes);

// The smallest key greater than every key starting with `prefix` (empty: no such key).
std::string PrefixSuccessor(std::string_view prefix);

// Dictionary keys.
std::string DictionaryKey(IdKind kind, std::string_view external_id);
std::string ReverseDictionaryKey(IdKind kind, uint64_t id);
std::string CounterKey(IdKind kind);
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr std::string_view kClockKey = "clock";
inline constexpr std::string_view kCacheGenerationKey = "generation";
inline constexpr std::string_view kDirtyScorePrefix = "dirty";  // + statement:u64
std::string DirtyScoreKey(uint64_t statement);
// Must not start with kDirtyScorePrefix.
inline constexpr std::string_view kSourceRescorePrefix = "rescore-source";
std::string SourceRescoreKey(uint64_t source, bool derivations);

// Record keys.
std::string VersionedRecordKey(char prefix, uint64_t id, uint64_t recorded_at);
std::string RecordKey(char prefix, uint64_t id);
std::string TargetRecordKey(char prefix, TargetKind kind, uint64_t target, uint64_t recorded_at,
                            uint64_t id);
std::string TargetRecordPrefix(char prefix, TargetKind kind, uint64_t target);

// Edge keys.
struct EdgeKey {
  char direction = kOutEdge;
  uint64_t node = 0;  // subject for out-edges, object for in-edges
  uint32_t predicate = 0;
  uint64_t other = 0;  // object for out-edges, subject for in-edges
  uint64_t statement = 0;

  std::string Encode() const;
  static std::optional<EdgeKey> Decode(std::string_view key);
};
std::string EdgePrefix(char direction, uint64_t node);
std::string EdgePrefix(char direction, uint64_t node, uint32_t predicate);

// Index keys.
std::string PostingKey(char index, uint64_t owner, uint64_t recorded_at, uint64_t claim);
std::string PostingPrefix(char index, uint64_t owner);
std::string TimePostingKey(uint64_t recorded_at, uint64_t claim);
std::string PairKey(char index, uint64_t first, uint64_t second);
// The id a posting key (its claim) or a pair key (its second id) ends with.
uint64_t LastId(std::string_view key);
std::string NamedPostingKey(char index, std::string_view name, uint64_t entity);

// Scan bounds. Keys under `prefix` continue with recorded_at:u64 (postings, 'A' and 'L' records):
// the bound of those recorded at `recorded_at` and after (inclusive as a lower bound, exclusive
// as an upper one), or of those after (recorded_at, claim) when resuming past that entry.
std::string RecordedBound(std::string_view prefix, uint64_t recorded_at);
std::string RecordedBound(std::string_view prefix, uint64_t recorded_at, uint64_t claim);
// Every 't' posting.
std::string TimePostingPrefix();
// Every 'A' or 'L' record about targets of one kind.
std::string TargetKindPrefix(char prefix, TargetKind kind);
// 'n' entries whose normalized name starts with `normalized`; 'y' entries of exactly `type`.
std::string NamePostingPrefix(std::string_view normalized);
std::string TypePostingPrefix(std::string_view type);
// Every forward dictionary entry of one kind.
std::string DictionaryPrefix(IdKind kind);

// The value of an 'x' key: when the claim became inactive and which events made it so.
struct InactiveMarker {
  static constexpr uint8_t kRetracted = 1;
  static constexpr uint8_t kDeprecated = 2;
  uint64_t since = 0;
  uint8_t flags = 0;
};
std::string EncodeInactiveMarker(const InactiveMarker& marker);
std::optional<InactiveMarker> DecodeInactiveMarker(std::string_view value);

// Decoders, one per key kind: each reads exactly what its encoder above builds and returns
// nullopt for any other bytes (another prefix, a short key or trailing bytes). Views into `key`
// (names, external ids) live as long as the key's bytes.
std::optional<std::string_view> DecodeDictionaryKey(IdKind kind, std::string_view key);
std::optional<uint64_t> DecodeReverseDictionaryKey(IdKind kind, std::string_view key);
std::optional<IdKind> DecodeCounterKey(std::string_view key);
std::optional<uint64_t> DecodeDirtyScoreKey(std::string_view key);
struct SourceRescoreKeyParts {
  uint64_t source = 0;
  bool derivations = false;
};
std::optional<SourceRescoreKeyParts> DecodeSourceRescoreKey(std::string_view key);
struct RecordKeyParts {
  char prefix = 0;
  uint64_t id = 0;
};
std::optional<RecordKeyParts> DecodeRecordKey(std::string_view key);
struct VersionedRecordKeyParts {
  char prefix = 0;
  uint64_t id = 0;
  uint64_t recorded_at = 0;
};
std::optional<VersionedRecordKeyParts> DecodeVersionedRecordKey(std::string_view key);
struct TargetRecordKeyParts {
  char prefix = 0;
  TargetKind kind = TargetKind::kStatement;
  uint64_t target = 0;
  uint64_t recorded_at = 0;
  uint64_t id = 0;
};
std::optional<TargetRecordKeyParts> DecodeTargetRecordKey(std::string_view key);
struct PostingKeyParts {
  char index = 0;
  uint64_t owner = 0;
  uint64_t recorded_at = 0;
  uint64_t claim = 0;
};
std::optional<PostingKeyParts> DecodePostingKey(std::string_view key);
struct TimePostingKeyParts {
  uint64_t recorded_at = 0;
  uint64_t claim = 0;
};
std::optional<TimePostingKeyParts> DecodeTimePostingKey(std::string_view key);
struct PairKeyParts {
  char index = 0;
  uint64_t first = 0;
  uint64_t second = 0;
};
std::optional<PairKeyParts> DecodePairKey(std::string_view key);
struct NamedPostingKeyParts {
  char index = 0;
  std::string_view name;
  uint64_t entity = 0;
};
std::optional<NamedPostingKeyParts> DecodeNamedPostingKey(std::string_view key);

}  // namespace claimgraph::keys
