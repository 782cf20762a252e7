// NdjsonPrefetcher: an NdjsonReader on a thread of its own, so that the next lines are read and
// parsed while the caller stages the ones before (an offline load's parse then costs the
// loading thread nothing). Lines come in chunks through a queue of at most `max_chunks`, so at
// most that many chunks of parsed records are held. Lines from index `parse_from` on are parsed
// (those before are counted only, as NdjsonReader::Next with parse false: a resumed load).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <istream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/exchange/ndjson.h"

namespace claimgraph::exchange {

class NdjsonPrefetcher {
 public:
  struct Chunk {
    std::vector<NdjsonLine> lines;
    uint64_t lines_read = 0;  // NdjsonReader::lines_read() after the chunk
    uint64_t bytes_read = 0;  // NdjsonReader::bytes_read() after the chunk
  };

  // The input must outlive the prefetcher.
  NdjsonPrefetcher(std::istream* input, uint64_t parse_from, size_t lines_per_chunk = 256,
                   size_t max_chunks = 8);
  NdjsonPrefetcher(const NdjsonPrefetcher&) = delete;
  NdjsonPrefetcher& operator=(const NdjsonPrefetcher&) = delete;
  // Stops the reading thread (it may be blocked on a full queue) and joins it.
  ~NdjsonPrefetcher();

  // The next chunk (never empty), or nullopt at the end of the input. Fails when reading the
  // stream failed (the chunks before were all delivered).
  absl::StatusOr<std::optional<Chunk>> Next();
  // After Next() answered nullopt: NdjsonReader::lines_read() and bytes_read() at the end.
  uint64_t lines_read() const { return lines_read_; }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  void Run(std::istream* input, uint64_t parse_from, size_t lines_per_chunk);

  const size_t max_chunks_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> chunks_;
  bool finished_ = false;                     // the reading thread has queued its last chunk
  bool stopping_ = false;                     // the consumer is gone
  absl::Status status_;                       // the reader's failure, after its last chunk
  uint64_t lines_read_ = 0, bytes_read_ = 0;  // set with finished_
  std::thread thread_;
};

}  // namespace claimgraph::exchange
