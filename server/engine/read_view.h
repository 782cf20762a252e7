// ReadView: every read of the engine, answered from one storage snapshot as of one system time.
// Traversal and provenance walk the graph through it, so each query sees one consistent state.
// A ReadView is used by one thread at a time and must not outlive its Database.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/cache_invariants.h"
#include "engine/limits.h"
#include "engine/record_cache.h"
#include "engine/schema/schema_registry.h"
#include "engine/storage/edge_aggregate.h"
#include "engine/storage/key_codec.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph {

namespace sources {
class SourceGraph;
}

struct ClaimQuery {
  std::string statement_id;
  std::string subject_id;
  std::string claimant_id;
  std::string on_behalf_of_id;
  std::string source_id;
  v1::Stance stance = v1::STANCE_UNSPECIFIED;  // unspecified: any
  uint64_t recorded_from = 0;                  // [from, to) in micros; 0: open
  uint64_t recorded_to = 0;
  // Retracted and deprecated claims are left out unless asked for.
  bool include_inactive = false;
};

struct EntityQuery {
  std::string type;         // with its subtypes; empty: any
  std::string name_prefix;  // matched against the normalised name and aliases; empty: any
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

class ReadView {
 public:
  ReadView(storage::KeyValueStore* store, std::unique_ptr<storage::Snapshot> snapshot,
           uint64_t as_of, bool current, const schema::SchemaRegistry* schema, const Limits* limits,
           RecordCache* record_cache = nullptr, uint64_t cache_generation = kFirstCacheGeneration,
           const sources::SourceGraph* source_graph = nullptr);

  // The system time the view answers for (micros since the epoch).
  uint64_t as_of() const { return as_of_; }
  // True when the view sees the latest state (no as_of in the past): stored aggregates apply.
  bool current() const { return current_; }
  const schema::SchemaRegistry& schema() const { return *schema_; }
  const Limits& limits() const { return *limits_; }
  // The Database's cache of immutable records, shared with every other view; nullptr: none.
  // Only what this view is known to hold may be looked up in it (see record_cache.h).
  const RecordCacheAccess* record_cache() const {
    return record_cache_ ? &*record_cache_ : nullptr;
  }
  // The Database's sources in memory (engine/sources/source_graph.h); nullptr: none. A reader
  // uses it only when it Serves the view's snapshot.
  const sources::SourceGraph* source_graph() const { return source_graph_; }
  // The cache generation (engine/cache_invariants.h) the view was created in: taken before its
  // snapshot, so a view never holds data of a later generation than this.
  uint64_t cache_generation() const { return cache_generation_; }
  // Identifies the stored state the view's snapshot holds: two views with the same nonzero
  // sequence hold the same data (storage::Snapshot::sequence). 0: unknown, never to be matched.
  uint64_t snapshot_sequence() const;
  // The clock stored in the snapshot: the recorded_at of the last commit it includes (0: none).
  // Not as_of: a past view's snapshot is still the latest state when it was taken.
  absl::StatusOr<uint64_t> CommittedClock() const;

  // --- ids ---
  // The internal id of an external id, or nullopt when it is not stored.
  absl::StatusOr<std::optional<uint64_t>> Resolve(keys::IdKind kind,
                                                  std::string_view external) const;
  absl::StatusOr<std::string> ExternalId(keys::IdKind kind, uint64_t id) const;
  // Resolve for many ids with one storage MultiGet; the answers are in the order of `externals`.
  absl::StatusOr<std::vector<std::optional<uint64_t>>> ResolveMany(
      keys::IdKind kind, const std::vector<std::string>& externals) const;
  // Dictionary scans read the snapshot's dictionary, which is append-only: ids recorded after
  // as_of are visited too, and callers decide by the records whether they existed then.
  using NamedIdVisitor = std::function<bool(std::string_view external, uint64_t internal)>;
  // Every id of `kind`, in external-id order.
  absl::Status ForEachExternalId(keys::IdKind kind, const NamedIdVisitor& visit) const;
  // The ids of `kind` from `first` to `last` (internal ids, both included) that are stored, in
  // internal-id order: one ordered scan of the reverse dictionary.
  absl::Status ForEachInternalId(keys::IdKind kind, uint64_t first, uint64_t last,
                                 const NamedIdVisitor& visit) const;

  // --- records as of the view's time (NotFound when absent or recorded later) ---
  absl::StatusOr<v1::Entity> GetEntity(std::string_view id) const;
  absl::StatusOr<std::optional<v1::Entity>> EntityByInternalId(uint64_t id) const;
  absl::StatusOr<v1::Source> GetSource(std::string_view id) const;
  absl::StatusOr<std::optional<v1::Source>> SourceByInternalId(uint64_t id) const;
  // SourceByInternalId for many ids, in their order: one MultiGet when the view is current.
  // Every stored version of every source (whatever as_of), in (internal id, recorded_at) order.
  absl::Status ForEachSourceVersion(
      const std::function<bool(uint64_t id, v1::Source record)>& visit) const;
  absl::StatusOr<std::vector<std::optional<v1::Source>>> SourcesByInternalIds(
      const std::vector<uint64_t>& ids) const;
  absl::StatusOr<v1::Statement> GetStatement(std::string_view id) const;
  absl::StatusOr<std::optional<v1::Statement>> StatementByInternalId(uint64_t id) const;
  // A claim with its statement inline, its status and the lifecycle events known at as_of.
  absl::StatusOr<v1::Claim> GetClaim(std::string_view id) const;
  absl::StatusOr<std::optional<v1::Claim>> ClaimByInternalId(uint64_t id) const;

  // --- stored records as the snapshot holds them, without as_of selection ---
  // The claim record alone (no statement, status or lifecycle), whenever it was recorded; for
  // callers that reached the claim through an as_of-cut posting, or that cut it themselves.
  absl::StatusOr<std::optional<v1::Claim>> StoredClaim(uint64_t id) const;
  enum class StoredKind : uint8_t {
    kClaim,              // the claim record (v1::Claim)
    kClaimEventsMarker,  // present (empty) when the claim has lifecycle events
    kCurrentSource,      // the latest version of a source (v1::Source); current views only
    kCurrentEntity,      // the latest version of an entity (v1::Entity); current views only
  };
  struct StoredRef {
    StoredKind kind;
    uint64_t id;
  };
  // The stored bytes of records of several kinds in one storage MultiGet, in the order of
  // `refs`; nullopt where absent. The caller parses them and applies as_of.
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGetStored(
      const std::vector<StoredRef>& refs) const;

  // --- lists (paged; tokens are bound to the query) ---
  absl::StatusOr<Page<v1::Claim>> ListClaims(const ClaimQuery& query, int32_t page_size,
                                             std::string_view page_token) const;
  absl::StatusOr<Page<v1::Entity>> ListEntities(const EntityQuery& query, int32_t page_size,
                                                std::string_view page_token) const;
  // Entities whose name or alias, or a word of it, starts with `query` (case-insensitive).
  absl::StatusOr<std::vector<v1::Entity>> SearchEntities(std::string_view query,
                                                         size_t limit) const;
  absl::StatusOr<Page<v1::Source>> ListSources(std::string_view publisher_id, int32_t page_size,
                                               std::string_view page_token) const;
  absl::StatusOr<std::vector<v1::LifecycleEvent>> LifecycleEvents(keys::TargetKind kind,
                                                                  uint64_t target) const;
  // The lifecycle events of a claim recorded by as_of. Only a claim with the 'h' marker has any,
  // so most claims cost one bloom-filtered Get, not a scan. `marked`: the marker, when the caller
  // has read it already (e.g. with a MultiGet of many claims); nullopt: read it here.
  absl::StatusOr<std::vector<v1::LifecycleEvent>> ClaimEvents(
      uint64_t claim, std::optional<bool> marked = std::nullopt) const;
  absl::StatusOr<std::vector<v1::Assessment>> Assessments(keys::TargetKind kind,
                                                          uint64_t target) const;
  // The assessments of a statement, claim or source named by external id, recorded by as_of.
  // InvalidArgument `target` when no target or a malformed id is given; NotFound when the target
  // is not stored.
  absl::StatusOr<std::vector<v1::Assessment>> Assessments(const v1::Target& target) const;

  // --- graph walks; callbacks return false to stop early ---
  using EdgeVisitor = std::function<bool(const keys::EdgeKey&, const storage::EdgeAggregate&)>;
  // Edges of `node` in one direction (keys::kOutEdge / kInEdge), optionally of one predicate,
  // that existed at as_of, with their aggregate as of then.
  absl::Status ForEachEdge(char direction, uint64_t node, std::optional<uint32_t> predicate,
                           const EdgeVisitor& visit) const;
  struct EdgeScan {
    std::optional<uint32_t> predicate;  // nullopt: every predicate
    // Resume strictly after the edge at (predicate, other, statement); nullopt: from the start.
    std::optional<std::tuple<uint32_t, uint64_t, uint64_t>> after;
    // Skip edges to literal objects (other 0) before anything is read for them.
    bool entity_objects_only = false;
  };
  absl::Status ForEachEdge(char direction, uint64_t node, const EdgeScan& scan,
                           const EdgeVisitor& visit) const;
  // Every stored edge of one direction in key order, with its aggregate as stored: as_of does
  // not apply (for building in-memory indexes from a current view).
  absl::Status ForEachStoredEdge(char direction, const EdgeVisitor& visit) const;
  // The aggregate of a statement's edge recomputed from its claims as of the view's time.
  absl::StatusOr<storage::EdgeAggregate> AggregateAsOf(uint64_t statement) const;
  using IdVisitor = std::function<bool(uint64_t)>;
  // Claims (internal ids) recorded by as_of, in recorded order; inactive ones included.
  absl::Status ForEachClaimOfStatement(uint64_t statement, const IdVisitor& visit) const;
  // The same for a statement named by external id; NotFound when it is not stored.
  absl::Status ForEachClaimOfStatement(std::string_view statement_id, const IdVisitor& visit) const;
  absl::Status ForEachClaimByClaimant(uint64_t entity, const IdVisitor& visit) const;
  // A claim posting (recorded_at, claim internal id), the order of a claim index.
  using Posting = std::pair<uint64_t, uint64_t>;
  using PostingVisitor = std::function<bool(const Posting&)>;
  // Postings of a claim index (keys::kClaimsByStatement, kClaimsByClaimant, ...) of `owner`
  // recorded by as_of, in recorded order, strictly after `after` (nullopt: from the start).
  absl::Status ForEachPosting(char index, uint64_t owner, const std::optional<Posting>& after,
                              const PostingVisitor& visit) const;
  // Claims that relay `claim`.
  absl::Status ForEachRelayOf(uint64_t claim, const IdVisitor& visit) const;
  // The sources the derivation index lists as deriving from `source`, unconfirmed: the index is
  // append-only, so a later version of a listed source may have dropped the link.
  absl::Status ForEachDerivationLink(uint64_t source, const IdVisitor& visit) const;
  // Sources that derive from `source` (later documents), with the derivation type.
  absl::Status ForEachDerivedSource(
      uint64_t source, const std::function<bool(uint64_t, v1::DerivationType)>& visit) const;
  // Whether the claim was retracted or deprecated at as_of.
  absl::StatusOr<bool> ClaimInactive(uint64_t claim) const;

 private:
  const storage::Snapshot* snapshot() const { return snapshot_.get(); }
  template <typename T>
  absl::StatusOr<std::optional<T>> VersionAsOf(char prefix, uint64_t id) const;
  absl::Status FillClaimState(uint64_t claim_id, v1::Claim* claim) const;
  absl::StatusOr<std::vector<v1::LifecycleEvent>> ScanLifecycleEvents(keys::TargetKind kind,
                                                                      uint64_t target) const;
  absl::Status ScanPostings(std::string_view prefix, uint64_t from, uint64_t to,
                            const IdVisitor& visit) const;
  // The exclusive recorded_at bound of what the view sees: as_of + 1 (an unbounded view's
  // as_of is already past every time).
  uint64_t RecordedEnd() const {
    return as_of_ == std::numeric_limits<uint64_t>::max() ? as_of_ : as_of_ + 1;
  }

  storage::KeyValueStore* store_;
  std::unique_ptr<storage::Snapshot> snapshot_;
  uint64_t as_of_;
  bool current_;
  const schema::SchemaRegistry* schema_;
  const Limits* limits_;
  std::optional<RecordCacheAccess> record_cache_;
  uint64_t cache_generation_;
  const sources::SourceGraph* source_graph_;
};

}  // namespace claimgraph
