// NdjsonPrefetcher: the reading and parsing thread and its bounded queue of chunks.
#include "engine/exchange/ndjson_prefetcher.h"

#include <algorithm>
#include <utility>

namespace claimgraph::exchange {

NdjsonPrefetcher::NdjsonPrefetcher(std::istream* input, uint64_t parse_from, size_t lines_per_chunk,
                                   size_t max_chunks)
    : max_chunks_(std::max<size_t>(max_chunks, 1)) {
  thread_ = std::thread(
      [this, input, parse_from, lines_per_chunk] { Run(input, parse_from, lines_per_chunk); });
}

NdjsonPrefetcher::~NdjsonPrefetcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void NdjsonPrefetcher::Run(std::istream* input, uint64_t parse_from, size_t lines_per_chunk) {
  NdjsonReader reader(input);
  uint64_t index = 0;  // of the next non-blank line
  absl::Status status;
  bool more = true;
  while (more) {
    Chunk chunk;
    chunk.lines.reserve(lines_per_chunk);
    while (chunk.lines.size() < std::max<size_t>(lines_per_chunk, 1)) {
      NdjsonLine line;
      auto next = reader.Next(&line, index >= parse_from);
      if (!next.ok()) status = next.status();
      if (!next.ok() || !*next) {
        more = false;
        break;
      }
      ++index;
      chunk.lines.push_back(std::move(line));
    }
    chunk.lines_read = reader.lines_read();
    chunk.bytes_read = reader.bytes_read();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopping_ || chunks_.size() < max_chunks_; });
    if (stopping_) return;
    const uint64_t lines_read = chunk.lines_read, bytes_read = chunk.bytes_read;
    if (!chunk.lines.empty()) chunks_.push_back(std::move(chunk));
    if (!more) {
      finished_ = true;
      status_ = std::move(status);
      lines_read_ = lines_read;
      bytes_read_ = bytes_read;
    }
    lock.unlock();
    changed_.notify_all();
  }
}

absl::StatusOr<std::optional<NdjsonPrefetcher::Chunk>> NdjsonPrefetcher::Next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !chunks_.empty() || finished_; });
  if (chunks_.empty()) {
    if (!status_.ok()) return status_;
    return std::optional<Chunk>();
  }
  Chunk chunk = std::move(chunks_.front());
  chunks_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return std::optional<Chunk>(std::move(chunk));
}

}  // namespace claimgraph::exchange
