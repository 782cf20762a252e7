// Size limits on stored fields and requests, in one place, each with the reason for its value.
// All are configurable per server (claimgraphd flags); these are the defaults.
#pragma once

#include <cstddef>
#include <cstdint>

namespace claimgraph {

struct Limits {
  // Ids appear in every key that refers to the thing: keep keys short.
  size_t max_id_bytes = 256;
  // Names, titles, quotes, descriptions: long enough for any real title or paragraph quote.
  size_t max_string_bytes = 64 * 1024;
  // Stored document text, so that quote offsets can be checked; one article or transcript.
  size_t max_source_text_bytes = 4 * 1024 * 1024;
  size_t max_aliases = 256;
  size_t max_attributes = 256;
  size_t max_qualifiers = 64;
  size_t max_derivations = 256;
  // One page of a List call; larger pages belong to Export.
  int32_t max_page_size = 1000;
  int32_t default_page_size = 100;
  // Index entries a List call examines before it returns a short page with a token: keeps one
  // call's latency bounded when filters reject most entries.
  size_t max_scan_per_page = 20000;
  // Claims in one atomic BatchCreateClaims.
  size_t max_batch_claims = 10000;
  // Traversal: the deepest expansion or path a caller may ask for, and the most results, edges
  // per entity and edges scanned one query may take (each also the default when not asked).
  int32_t max_traversal_depth = 16;
  int32_t max_traversal_results = 100000;
  int32_t max_traversal_fanout = 100000;
  int64_t max_traversal_edges_scanned = 20000000;
  // Working memory of one traversal (edges expanded, paths found), whatever the graph's shape.
  uint64_t max_traversal_memory_bytes = 256ull << 20;
  // The answer one traversal call builds (paths with their claims, a subgraph and its document):
  // under the default 16 MiB gRPC message limit, so an answer is cut, never refused when sent.
  uint64_t max_answer_bytes = 8ull << 20;
};

}  // namespace claimgraph
