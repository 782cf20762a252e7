// SourceGraph: the build scan, the commit feed and the as-of lookups.
#include "engine/sources/source_graph.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "engine/ids.h"
#include "engine/read_view.h"

namespace claimgraph::sources {

absl::StatusOr<SourceFacts> FactsOf(
    const v1::Source& record,
    absl::FunctionRef<absl::StatusOr<uint64_t>(std::string_view source_id)> resolve) {
  SourceFacts facts;
  facts.id = record.id();
  facts.publisher_id = record.publisher_id();
  facts.reliability = record.reliability();
  facts.declared_published_at = ids::ToMicros(record.declared_published_at());
  facts.first_seen_at = ids::ToMicros(record.first_seen_at());
  facts.recorded_at = ids::ToMicros(record.recorded_at());
  facts.earlier.reserve(record.derived_from_size());
  for (const auto& link : record.derived_from()) {
    absl::StatusOr<uint64_t> earlier = resolve(link.source_id());
    if (!earlier.ok()) return earlier.status();
    if (*earlier != 0) facts.earlier.emplace_back(*earlier, link.type());
  }
  return facts;
}

absl::Status SourceGraph::Load(const ReadView& view, uint64_t clock, uint64_t cache_generation) {
  std::unique_lock lock(mutex_);
  loaded_ = false;
  ids_.clear();
  latest_.clear();
  name_offsets_.clear();
  name_lengths_.clear();
  names_.clear();
  versions_.clear();
  links_.clear();
  publishers_.clear();
  publisher_index_.clear();
  // Versions are added a batch at a time, after one dictionary MultiGet of the ids their links
  // name: a link may name a source stored after the linking one's first version (an update that
  // closes a derivation cycle), so the scan cannot resolve links from what it has already seen.
  constexpr size_t kBatch = 4096;
  std::vector<std::pair<uint64_t, v1::Source>> batch;
  auto add_batch = [&]() -> absl::Status {
    std::vector<std::string> names;
    for (const auto& [id, record] : batch) {
      for (const auto& link : record.derived_from()) names.push_back(link.source_id());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    auto resolved = view.ResolveMany(keys::IdKind::kSource, names);
    if (!resolved.ok()) return resolved.status();
    for (const auto& [id, record] : batch) {
      auto facts = FactsOf(record, [&](std::string_view name) -> absl::StatusOr<uint64_t> {
        size_t at = std::lower_bound(names.begin(), names.end(), name) - names.begin();
        return (*resolved)[at].value_or(0);
      });
      if (!facts.ok()) return facts.status();
      AddLocked(id, *facts);
    }
    batch.clear();
    return absl::OkStatus();
  };
  absl::Status added;
  absl::Status scanned = view.ForEachSourceVersion([&](uint64_t id, v1::Source record) {
    batch.emplace_back(id, std::move(record));
    if (batch.size() < kBatch) return true;
    added = add_batch();
    return added.ok();
  });
  if (!scanned.ok()) return scanned;
  if (!added.ok()) return added;
  if (absl::Status last = add_batch(); !last.ok()) return last;
  cache_generation_ = cache_generation;
  published_time_ = clock;
  loaded_ = true;
  return absl::OkStatus();
}

size_t SourceGraph::Position(uint64_t id) const {
  return std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin();
}

void SourceGraph::AddLocked(uint64_t source, const SourceFacts& facts) {
  StoredVersion version;
  version.recorded_at = facts.recorded_at;
  version.declared_published_at = facts.declared_published_at;
  version.first_seen_at = facts.first_seen_at;
  version.reliability = static_cast<uint8_t>(facts.reliability);
  if (!facts.publisher_id.empty()) {
    auto [entry, added] = publisher_index_.emplace(facts.publisher_id, publishers_.size());
    if (added) publishers_.push_back(facts.publisher_id);
    version.publisher = entry->second;
  }
  version.first_link = static_cast<uint32_t>(links_.size());
  version.link_count = static_cast<uint16_t>(facts.earlier.size());
  for (const auto& [earlier, type] : facts.earlier) links_.push_back({earlier, type});
  size_t position = Position(source);
  if (position == ids_.size() || ids_[position] != source) {
    // A new source; ids are allocated ascending, so this is almost always an append.
    ids_.insert(ids_.begin() + position, source);
    latest_.insert(latest_.begin() + position, kNone);
    name_offsets_.insert(name_offsets_.begin() + position, static_cast<uint32_t>(names_.size()));
    name_lengths_.insert(name_lengths_.begin() + position, static_cast<uint16_t>(facts.id.size()));
    names_.append(facts.id);
  }
  uint32_t latest = latest_[position];
  if (latest != kNone && versions_[latest].recorded_at == version.recorded_at) {
    // A second version of the source in the same batch: the store keeps only the last.
    version.previous = versions_[latest].previous;
    versions_[latest] = version;
    return;
  }
  version.previous = latest;
  latest_[position] = static_cast<uint32_t>(versions_.size());
  versions_.push_back(version);
}

void SourceGraph::Apply(uint64_t time, const std::vector<Version>& versions) {
  std::unique_lock lock(mutex_);
  if (!loaded_) return;
  for (const auto& version : versions) AddLocked(version.source, version.facts);
  published_time_ = std::max(published_time_, time);
}

bool SourceGraph::Serves(uint64_t clock, uint64_t cache_generation) const {
  std::shared_lock lock(mutex_);
  return loaded_ && cache_generation == cache_generation_ && published_time_ >= clock;
}

uint64_t SourceGraph::cache_generation() const {
  std::shared_lock lock(mutex_);
  return cache_generation_;
}

SourceFacts SourceGraph::FactsLocked(size_t position, uint32_t index) const {
  const StoredVersion& version = versions_[index];
  SourceFacts facts;
  facts.id.assign(names_, name_offsets_[position], name_lengths_[position]);
  if (version.publisher != kNone) facts.publisher_id = publishers_[version.publisher];
  facts.reliability = static_cast<v1::Reliability>(version.reliability);
  facts.declared_published_at = version.declared_published_at;
  facts.first_seen_at = version.first_seen_at;
  facts.recorded_at = version.recorded_at;
  facts.earlier.reserve(version.link_count);
  for (uint32_t i = 0; i < version.link_count; ++i) {
    const Link& link = links_[version.first_link + i];
    facts.earlier.emplace_back(link.source, link.type);
  }
  return facts;
}

std::optional<std::optional<SourceFacts>> SourceGraph::AsOf(uint64_t id, uint64_t time,
                                                            uint64_t cache_generation) const {
  std::shared_lock lock(mutex_);
  if (!loaded_ || cache_generation != cache_generation_) return std::nullopt;
  size_t position = Position(id);
  if (position == ids_.size() || ids_[position] != id) {
    return std::optional<std::optional<SourceFacts>>(std::in_place);
  }
  uint32_t index = latest_[position];
  while (index != kNone && versions_[index].recorded_at > time) index = versions_[index].previous;
  if (index == kNone) return std::optional<std::optional<SourceFacts>>(std::in_place);
  return std::optional<std::optional<SourceFacts>>(FactsLocked(position, index));
}

size_t SourceGraph::source_count() const {
  std::shared_lock lock(mutex_);
  return ids_.size();
}

size_t SourceGraph::version_count() const {
  std::shared_lock lock(mutex_);
  return versions_.size();
}

size_t SourceGraph::MemoryBytes() const {
  std::shared_lock lock(mutex_);
  size_t bytes = ids_.capacity() * sizeof(uint64_t) + latest_.capacity() * sizeof(uint32_t) +
                 name_offsets_.capacity() * sizeof(uint32_t) +
                 name_lengths_.capacity() * sizeof(uint16_t) + names_.capacity() +
                 versions_.capacity() * sizeof(StoredVersion) + links_.capacity() * sizeof(Link);
  for (const auto& publisher : publishers_) {
    // The name in the table and its key in the index, with the index's node.
    bytes +=
        2 * (sizeof(std::string) + publisher.capacity()) + sizeof(uint32_t) + 2 * sizeof(void*);
  }
  return bytes;
}

}  // namespace claimgraph::sources
