// NdjsonPrefetcher: delivers every line of the input in order, as NdjsonReader would, through a
// bounded queue of chunks; parses from the resume index on; stops cleanly when dropped early.
#include "engine/exchange/ndjson_prefetcher.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace claimgraph::exchange {
namespace {

std::string Entity(int i) {
  return "{\"entity\": {\"id\": \"e" + std::to_string(i) + "\", \"type\": \"person\"}}\n";
}

TEST_CASE("a prefetcher delivers every line in order, as the reader reads them") {
  std::string input;
  for (int i = 0; i < 23; ++i) {
    input += Entity(i);
    if (i % 5 == 0) input += "   \n";  // blank: counted as a line, not delivered
  }
  input += "not json\n";
  for (size_t lines_per_chunk : {1, 4, 1000}) {
    CAPTURE(lines_per_chunk);
    std::istringstream stream(input);
    NdjsonPrefetcher prefetcher(&stream, /*parse_from=*/3, lines_per_chunk, /*max_chunks=*/2);
    std::istringstream again(input);
    NdjsonReader reader(&again);
    size_t delivered = 0;
    while (true) {
      auto chunk = prefetcher.Next();
      REQUIRE(chunk.ok());
      if (!*chunk) break;
      REQUIRE(!(*chunk)->lines.empty());
      CHECK((*chunk)->lines.size() <= lines_per_chunk);
      for (const NdjsonLine& line : (*chunk)->lines) {
        NdjsonLine expected;
        REQUIRE(*reader.Next(&expected, delivered >= 3));
        CHECK(line.index == delivered);
        CHECK(line.line_number == expected.line_number);
        CHECK(line.status.ok() == expected.status.ok());
        // Lines before the resume index are counted, not parsed.
        CHECK(line.record.has_entity() == (delivered >= 3 && expected.status.ok()));
        ++delivered;
      }
      CHECK((*chunk)->lines_read >= (*chunk)->lines.back().line_number);
    }
    CHECK(delivered == 24);
    NdjsonLine none;
    CHECK(!*reader.Next(&none));
    CHECK(prefetcher.lines_read() == reader.lines_read());
    CHECK(prefetcher.bytes_read() == input.size());
  }
}

TEST_CASE("a prefetcher dropped before the end stops its thread") {
  std::string input;
  for (int i = 0; i < 1000; ++i) input += Entity(i);
  std::istringstream stream(input);
  {
    NdjsonPrefetcher prefetcher(&stream, 0, 2, 1);
    auto chunk = prefetcher.Next();
    REQUIRE(chunk.ok());
    REQUIRE(*chunk);
    CHECK((*chunk)->lines.size() == 2);
  }  // the reading thread is blocked on the full queue: the destructor releases and joins it
}

}  // namespace
}  // namespace claimgraph::exchange
