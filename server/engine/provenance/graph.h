// ProvenanceGraph: the claims, sources and entities one provenance query walks, loaded lazily from
// one ReadView and memoized for the query's lifetime, with the derived facts every provenance
// answer needs: a claim's relay chain (innermost claim and discount factors, relay cycles), the
// strongly connected components of the source derivation graph (root documents, cycles) and the
// origin set of an innermost claim (docs/provenance.md sections 1-3). Records also come from the
// view's RecordCache when it has them (see "Record cache" in graph.cc): claim records and
// dictionary entries from any view, and the decoded claim, source and entity nodes, a statement's
// claims and its id from a view of the latest state whose store state the cache serves. Every walk
// is iterative, so a relay chain or derivation chain of any length uses no call stack. Not
// thread-safe; must not outlive its ReadView.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/provenance/opinion.h"
#include "engine/read_view.h"
#include "engine/record_cache.h"
#include "engine/sources/source_graph.h"

namespace claimgraph::provenance {

struct ClaimNode {
  uint64_t id = 0;
  // The stored record with the internal ids it names, shared with the Database's record cache.
  std::shared_ptr<const CachedClaim> stored;
  v1::ClaimStatus status = v1::CLAIM_STATUS_ACTIVE;
  std::vector<v1::LifecycleEvent> events;  // recorded by as_of
  uint64_t relayed = 0;                    // internal id of the relayed claim; 0: none
  uint64_t source = 0;                     // internal id of its source; 0: none
  // The claim as stored: statement by id only.
  const v1::Claim& claim() const { return stored->claim; }
  // Retracted or deprecated at as_of.
  bool inactive() const {
    return status == v1::CLAIM_STATUS_RETRACTED || status == v1::CLAIM_STATUS_DEPRECATED;
  }
};

struct SourceNode {
  uint64_t id = 0;
  // The version current at as_of, in the fields walks read; its links may name sources not
  // visible at as_of (Source() answers nullptr for them). The full record: SourceRecord().
  sources::SourceFacts facts;
};

// Claims that relay each other in a ring (circular reporting).
struct RelayCycle {
  // Internal ids in relay order (each relays the next, the last the first), starting from the
  // member recorded first (the smallest internal id).
  std::vector<uint64_t> members;
};

// A claim's relay chain x0 -> ... -> xn and its discount factors (docs/provenance.md 3.2). A
// chain that reaches a relay cycle goes once round it: from the member it enters by to the
// member that relays that one.
struct ChainInfo {
  uint64_t innermost = 0;
  int64_t length = 1;
  double confidence = 1;         // product of attribution confidences
  double reliability_full = 1;   // product of source trusts, this claim's own source included
  double reliability_inner = 1;  // the same without this claim's own source
  bool any_source = false;       // some hop has a source
  // The relay cycle the chain ends in (innermost is then its first member); nullptr: none.
  const RelayCycle* cycle = nullptr;
  double Reliability() const { return any_source ? reliability_full : kUnsourcedTrust; }
};

// A strongly connected component of the derivation graph (one source, or a cycle).
struct SourceComponent {
  std::vector<uint64_t> members;  // internal ids, ascending
  bool cycle = false;             // two or more members, or a source deriving from itself
  bool root = false;              // no derivation link leaves it
  std::vector<uint64_t> roots;    // root documents reachable from it (itself when root), ascending
};

// The origin set of an innermost claim (docs/provenance.md section 2).
struct OriginSet {
  std::vector<std::string> keys;  // sorted, unique
  bool circular = false;          // it holds members of a derivation cycle, or of a relay cycle
};

// Which state entries (record_cache.h) a graph reads and adds.
enum class StateEntries {
  kAll,
  // Source nodes only: the statement scorer reads each statement's claims once per state, but
  // the same documents for many statements.
  kSourcesOnly,
};

class ProvenanceGraph {
 public:
  explicit ProvenanceGraph(const ReadView& view, StateEntries state_entries = StateEntries::kAll);
  ProvenanceGraph(const ProvenanceGraph&) = delete;
  ProvenanceGraph& operator=(const ProvenanceGraph&) = delete;

  const ReadView& view() const { return view_; }

  // The claim as of the view; nullptr when it is not stored or was recorded after as_of.
  absl::StatusOr<const ClaimNode*> Claim(uint64_t id);
  // The claims (internal ids) of a statement recorded by as_of, in recorded order, at most
  // `max_claims` of them; `*truncated` when it has more.
  absl::Status StatementClaims(uint64_t statement, size_t max_claims, std::vector<uint64_t>* claims,
                               bool* truncated);
  // The external id of a statement.
  absl::StatusOr<std::string> StatementId(uint64_t statement);
  // Loads many claims, their sources and the ids they name with a few MultiGets instead of
  // several Gets each (a statement's claims, before Corroborate walks them). Claim() then finds
  // them memoized; ids already loaded are skipped.
  absl::Status Preload(const std::vector<uint64_t>& claims);
  // Preload of every claim of `statement` (`claims`, as StatementClaims listed them). With the
  // record cache, the claim and source nodes it memoizes are also kept together for the view's
  // state, so the next call in that state memoizes them all with one lookup.
  absl::Status PreloadStatement(uint64_t statement, const std::vector<uint64_t>& claims);
  // Loads sources and, transitively, the sources they derive from, a MultiGet per level.
  absl::Status PreloadSources(std::vector<uint64_t> sources);
  // Loads claims, sources and entities (by external id) that a walk is about to visit, with one
  // MultiGet of their records and one per kind of id they name, instead of a Get each. Sources
  // and entities are batched in current views only (as of the past each needs its own seek and
  // is loaded when first asked for). Already loaded ones are skipped.
  absl::Status Prefetch(const std::vector<uint64_t>& claims, const std::vector<uint64_t>& sources,
                        const std::vector<std::string>& entities);
  // Internal id of a claim visible at as_of, or nullopt.
  absl::StatusOr<std::optional<uint64_t>> ResolveClaim(std::string_view id);
  // Internal id of a statement recorded by as_of, or nullopt.
  absl::StatusOr<std::optional<uint64_t>> ResolveStatement(std::string_view id);
  // The source as of the view; nullptr when absent then. From the view's source graph when it
  // serves the view's snapshot (no store read), else from the records.
  absl::StatusOr<const SourceNode*> Source(uint64_t id);
  // The whole stored record of a source as of the view (titles, URLs: what answers show);
  // nullptr when absent then. Memoized.
  absl::StatusOr<const v1::Source*> SourceRecord(uint64_t id);
  // Loads the records SourceRecord will be asked for, with one MultiGet in current views.
  absl::Status PreloadSourceRecords(const std::vector<uint64_t>& ids);
  // Whether sources are read from the view's source graph.
  bool reads_source_graph() const { return source_graph_ != nullptr; }
  // Internal id of a source id (0 when unknown).
  absl::StatusOr<uint64_t> ResolveSource(std::string_view id);
  // The entity as of the view; nullptr when absent then.
  absl::StatusOr<const v1::Entity*> Entity(std::string_view id);

  absl::StatusOr<const ChainInfo*> Chain(uint64_t claim);
  absl::StatusOr<const SourceComponent*> Component(uint64_t source);
  // The origin set of a chain's innermost claim (ChainInfo::innermost); for the first member of
  // a relay cycle, the union of the sets of every member.
  absl::StatusOr<const OriginSet*> OriginOf(uint64_t innermost_claim);
  // The derivation cycles met so far, in discovery order.
  const std::vector<const SourceComponent*>& cycles() const { return cycles_; }
  // The relay cycles met so far (by Chain), in discovery order.
  const std::vector<std::unique_ptr<RelayCycle>>& relay_cycles() const { return relay_cycles_; }

 private:
  // Claims being loaded in one MultiGet: their records when not cached, and their markers.
  struct ClaimLoad {
    std::vector<uint64_t> ids;
    std::vector<std::shared_ptr<const CachedClaim>> cached;  // nullptr: the record is read
  };
  absl::Status VisitComponents(uint64_t start);
  // Records the relay cycle `ring` (ring[i] relays ring[i + 1], the last relays the first) and
  // the chains of its members.
  absl::Status AddRelayCycle(std::vector<const ClaimNode*> ring);
  // The origin set a claim gives as an innermost claim, by itself.
  absl::StatusOr<OriginSet> OwnOrigin(const ClaimNode& node);
  // Appends to `keys` what loading `ids` (those neither memoized nor in the state cache, whose
  // nodes are memoized here) reads: the record of each claim the cache lacks, and every
  // lifecycle marker.
  void PlanClaims(const std::vector<uint64_t>& ids, ClaimLoad* load,
                  std::vector<ReadView::StoredRef>* keys);
  // Builds the planned claims from `values` (from `*next` on, in the planned order; their
  // statuses already checked), resolves and caches what was read and memoizes the nodes.
  absl::Status FinishClaims(ClaimLoad& load,
                            const std::vector<absl::StatusOr<std::optional<std::string>>>& values,
                            size_t* next);
  // The node of a stored claim as of the view (nullptr when recorded later).
  absl::StatusOr<std::shared_ptr<ClaimNode>> MakeClaimNode(
      uint64_t id, std::shared_ptr<const CachedClaim> stored, bool has_events);
  absl::StatusOr<std::shared_ptr<SourceNode>> MakeSourceNode(uint64_t id, v1::Source record);
  // The source node in the state cache (memoizing it); nullptr when not there.
  const SourceNode* CachedSource(uint64_t id);
  // State entries (record_cache.h) under `kind` + `id`; see "Record cache" in graph.cc.
  bool KeepsState(char kind) const;
  template <typename T>
  std::shared_ptr<const T> FindState(char kind, std::string_view id) const;
  void AddState(char kind, std::string_view id, std::shared_ptr<const void> value,
                size_t bytes) const;
  // Resolves external ids of one kind with one MultiGet into `memo` (0: unknown).
  absl::Status ResolveMany(keys::IdKind kind, const std::vector<std::string>& ids,
                           std::unordered_map<std::string, uint64_t>* memo);

  const ReadView& view_;
  // The store state whose entries the record cache may serve this view; 0: none (no cache, a
  // store without sequences, or a view as of a time before the latest).
  const uint64_t state_;
  const StateEntries state_entries_;
  // The view's source graph when it serves the view's snapshot (nullptr: read the records), the
  // time sources are read as of there (as_of, at most the snapshot's last commit) and the cache
  // generation the graph must still hold.
  const sources::SourceGraph* source_graph_ = nullptr;
  uint64_t source_time_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<const v1::Source>> source_records_;  // null: absent
  std::unordered_map<uint64_t, std::shared_ptr<const ClaimNode>> claims_;  // nullptr: invisible
  std::unordered_map<uint64_t, std::shared_ptr<const SourceNode>> sources_;
  // External -> internal ids met in this query (0: unknown); the same few sources and relayed
  // claims are named by many claims.
  std::unordered_map<std::string, uint64_t> source_ids_;
  std::unordered_map<std::string, uint64_t> claim_ids_;
  std::unordered_map<std::string, uint64_t> entity_ids_;
  std::unordered_map<std::string, std::shared_ptr<const v1::Entity>> entities_;
  std::unordered_map<uint64_t, ChainInfo> chains_;
  std::vector<std::unique_ptr<SourceComponent>> components_;
  std::unordered_map<uint64_t, size_t> component_of_;
  std::vector<const SourceComponent*> cycles_;
  std::unordered_map<uint64_t, OriginSet> origins_;
  std::vector<std::unique_ptr<RelayCycle>> relay_cycles_;
  std::unordered_map<uint64_t, const RelayCycle*> relay_cycle_of_first_;
};

// Keys of origin sets.
std::string EntityKey(std::string_view entity_id);
std::string SourceKey(std::string_view source_id);
std::string BasisKey(std::string_view description);
std::string AnonymousKey(std::string_view claim_id);

}  // namespace claimgraph::provenance
