// SourceGraph: every version of every source held in memory in the few fields provenance walks
// read (grade, publisher, dates, derivation links by internal id), so no provenance query reads a
// source record or walks a derivation closure through the store. Built at open by one scan of the
// source versions and kept current by the Database, which hands it the versions each commit
// stored, in commit order and under the write lock, before any commit observer runs.
//
// Versions: each version keeps its recorded_at, and the graph publishes the time of the last
// commit it applied. A reader whose snapshot ends with the commit at time C may use the graph once
// the published time is at least C (Serves), and reads each source as of min(as_of, C): the
// versions recorded after C are not in its snapshot, and every version recorded by C is in the
// graph. The store stays the source of truth; a reader the graph cannot serve reads the records.
//
// Invariants it rests on (engine/cache_invariants.h): internal ids are never reused or remapped
// and sources are never removed. A write that breaks one advances the cache generation, and the
// Database rebuilds the graph from a snapshot of that generation before the next reader. Full
// records (titles, URLs, texts) stay in the store: answers read them for the sources they show.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"

namespace claimgraph {
class ReadView;
}

namespace claimgraph::sources {

// One version of a source as provenance walks read it.
struct SourceFacts {
  std::string id;            // the external id
  std::string publisher_id;  // empty: none
  v1::Reliability reliability = v1::RELIABILITY_UNSPECIFIED;
  uint64_t declared_published_at = 0;  // micros; 0: not declared
  uint64_t first_seen_at = 0;          // micros; 0: unknown
  uint64_t recorded_at = 0;            // micros: when this version was stored
  // The sources it derives from (internal ids; its own for a self link), in link order. A link
  // to an id the dictionary does not know is left out.
  std::vector<std::pair<uint64_t, v1::DerivationType>> earlier;

  bool operator==(const SourceFacts&) const = default;
};

// The facts of a stored record; `resolve` gives a linked source's internal id (0: unknown).
absl::StatusOr<SourceFacts> FactsOf(
    const v1::Source& record,
    absl::FunctionRef<absl::StatusOr<uint64_t>(std::string_view source_id)> resolve);

class SourceGraph {
 public:
  // Empty, serving no reader until loaded.
  SourceGraph() = default;
  SourceGraph(const SourceGraph&) = delete;
  SourceGraph& operator=(const SourceGraph&) = delete;

  // Replaces what it holds by every source version in `view` (a view of the latest state), whose
  // snapshot ends with the commit at `clock`, read in `cache_generation`. Readers wait meanwhile.
  absl::Status Load(const ReadView& view, uint64_t clock, uint64_t cache_generation);

  // A source version a commit stored, with its internal id.
  struct Version {
    uint64_t source = 0;
    SourceFacts facts;
  };
  // Adds the versions the commit at `time` stored (in the order it stored them) and publishes
  // `time`. Called in commit order.
  void Apply(uint64_t time, const std::vector<Version>& versions);

  // Whether a reader whose snapshot ends with the commit at `clock`, in `cache_generation`, may
  // read the graph now.
  bool Serves(uint64_t clock, uint64_t cache_generation) const;
  // The version of source `id` current at `time` (the newest recorded at or before it): nullopt
  // inside when it had none then; nullopt outside when the graph no longer holds
  // `cache_generation` (reloaded since the reader checked Serves: it reads the store instead).
  std::optional<std::optional<SourceFacts>> AsOf(uint64_t id, uint64_t time,
                                                 uint64_t cache_generation) const;

  uint64_t cache_generation() const;
  size_t source_count() const;
  size_t version_count() const;
  // Bytes held by the graph's tables.
  size_t MemoryBytes() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // One stored version: fixed fields, links in links_, names in the tables below.
  struct StoredVersion {
    uint64_t recorded_at = 0;
    uint64_t declared_published_at = 0;
    uint64_t first_seen_at = 0;
    uint32_t previous = kNone;   // the source's next older version
    uint32_t publisher = kNone;  // index into publishers_
    uint32_t first_link = 0;     // into links_
    uint16_t link_count = 0;
    uint8_t reliability = 0;
  };
  struct Link {
    uint64_t source = 0;
    v1::DerivationType type = v1::DERIVATION_TYPE_UNSPECIFIED;
  };
  // The position of `id` in ids_, or of where it would go.
  size_t Position(uint64_t id) const;
  void AddLocked(uint64_t source, const SourceFacts& facts);
  SourceFacts FactsLocked(size_t position, uint32_t version) const;

  mutable std::shared_mutex mutex_;
  bool loaded_ = false;
  uint64_t cache_generation_ = 0;
  uint64_t published_time_ = 0;
  // By source, ascending internal id: its id, its newest version, its external id in names_.
  std::vector<uint64_t> ids_;
  std::vector<uint32_t> latest_;
  std::vector<uint32_t> name_offsets_;  // [i] .. [i] + name_lengths_[i]
  std::vector<uint16_t> name_lengths_;
  std::string names_;
  std::vector<StoredVersion> versions_;
  std::vector<Link> links_;
  std::vector<std::string> publishers_;
  std::unordered_map<std::string, uint32_t> publisher_index_;
};

}  // namespace claimgraph::sources
