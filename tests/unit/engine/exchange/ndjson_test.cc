// NDJSON reader and writer: line numbers, blank lines, bounded lines, field-naming errors, and
// deterministic output.
#include "engine/exchange/ndjson.h"

#include <doctest/doctest.h>

#include <sstream>

#include <google/protobuf/util/message_differencer.h>

namespace claimgraph::exchange {
namespace {

std::vector<NdjsonLine> ReadAll(const std::string& text, NdjsonReaderOptions options = {}) {
  std::istringstream input(text);
  NdjsonReader reader(&input, options);
  std::vector<NdjsonLine> lines;
  NdjsonLine line;
  while (true) {
    auto more = reader.Next(&line);
    REQUIRE(more.ok());
    if (!*more) break;
    lines.push_back(line);
  }
  return lines;
}

TEST_CASE("ndjson reader skips blank lines and numbers records and lines") {
  auto lines = ReadAll(
      "\n{\"entity\":{\"id\":\"a\",\"type\":\"person\"}}\n   \n\r\n"
      "{\"source\":{\"id\":\"s\"}}\n{\"entity\":{\"id\":\"b\",\"type\":\"city\"}}");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].index == 0);
  CHECK(lines[0].line_number == 2);
  CHECK(lines[0].record.entity().id() == "a");
  CHECK(lines[1].index == 1);
  CHECK(lines[1].line_number == 5);
  CHECK(lines[1].record.source().id() == "s");
  CHECK(lines[2].line_number == 6);  // no final newline
  CHECK(lines[2].record.entity().type() == "city");
}

TEST_CASE("ndjson reader reports malformed JSON and unknown fields with the line and field") {
  auto lines = ReadAll(
      "{\"entity\":{\"id\":\"a\"\n"
      "{\"entity\":{\"id\":\"a\",\"colour\":\"red\"}}\n"
      "{\"claim\":{\"stance\":\"STANCE_MAYBE\"}}\n"
      "{\"entity\":{\"id\":\"ok\"}}\n");
  REQUIRE(lines.size() == 4);
  CHECK(absl::IsInvalidArgument(lines[0].status));
  CHECK(std::string(lines[0].status.message()).rfind("line 1: ", 0) == 0);
  CHECK(absl::IsInvalidArgument(lines[1].status));
  CHECK(std::string(lines[1].status.message()).rfind("line 2: ", 0) == 0);
  CHECK(std::string(lines[1].status.message()).find("colour") != std::string::npos);
  CHECK(absl::IsInvalidArgument(lines[2].status));
  CHECK(std::string(lines[2].status.message()).find("STANCE_MAYBE") != std::string::npos);
  CHECK(lines[3].status.ok());
  CHECK(lines[3].index == 3);
}

TEST_CASE("ndjson reader bounds line length and goes on after a long line") {
  NdjsonReaderOptions options;
  options.max_line_bytes = 100;
  std::string long_line = "{\"entity\":{\"id\":\"" + std::string(300000, 'x') + "\"}}";
  auto lines = ReadAll(long_line + "\n{\"entity\":{\"id\":\"short\"}}\n", options);
  REQUIRE(lines.size() == 2);
  CHECK(absl::IsResourceExhausted(lines[0].status));
  CHECK(std::string(lines[0].status.message()).rfind("line 1: ", 0) == 0);
  CHECK(lines[1].status.ok());
  CHECK(lines[1].record.entity().id() == "short");
  CHECK(lines[1].line_number == 2);
}

TEST_CASE("ndjson reader can count lines without parsing them") {
  std::istringstream input("not json\n{\"entity\":{\"id\":\"a\"}}\n");
  NdjsonReader reader(&input);
  NdjsonLine line;
  REQUIRE(*reader.Next(&line, false));
  CHECK(line.status.ok());  // not parsed, so not rejected
  CHECK(line.index == 0);
  REQUIRE(*reader.Next(&line, true));
  CHECK(line.record.entity().id() == "a");
  CHECK_FALSE(*reader.Next(&line));
}

TEST_CASE("json lines round trip and list map keys in sorted order") {
  v1::ImportRecord record;
  auto* entity = record.mutable_entity();
  entity->set_id("iran");
  entity->set_type("country");
  entity->set_name("Iran \"the\" \u00e9tat\n");
  for (const char* key : {"zeta", "alpha", "mid", "beta", "omega"}) {
    (*entity->mutable_attributes())[key] = key;
  }
  auto line = RecordToJsonLine(record);
  REQUIRE(line.ok());
  CHECK(line->find('\n') == std::string::npos);
  CHECK(line->find("\"alpha\"") < line->find("\"beta\""));
  CHECK(line->find("\"beta\"") < line->find("\"mid\""));
  CHECK(line->find("\"omega\"") < line->find("\"zeta\""));
  auto parsed = ParseRecordJson(*line);
  REQUIRE(parsed.ok());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(*parsed, record));
  // A oneof member with its default value is kept.
  v1::ImportRecord zero;
  zero.mutable_claim()->mutable_statement()->mutable_object()->set_integer_value(0);
  auto zero_line = RecordToJsonLine(zero);
  REQUIRE(zero_line.ok());
  auto zero_parsed = ParseRecordJson(*zero_line);
  REQUIRE(zero_parsed.ok());
  CHECK(zero_parsed->claim().statement().object().kind_case() == v1::Value::kIntegerValue);
}

}  // namespace
}  // namespace claimgraph::exchange

#include "claims_generator.h"
#include "exchange_test_support.h"

namespace claimgraph::exchange {
namespace {

TEST_CASE("the fast json printer writes what protobuf's converter writes") {
  bench::GeneratorOptions options;
  options.seed = 4;
  options.entities = 200;
  options.claims = 2000;
  size_t compared = 0;
  auto counts = bench::GenerateClaims(options, *testing::DefaultSchema(),
                                      [&](const v1::ImportRecord& record) {
                                        auto fast = RecordToJsonLine(record);
                                        auto reference = RecordToJsonLineByConverter(record);
                                        REQUIRE(fast.ok());
                                        REQUIRE(reference.ok());
                                        CHECK(*fast == *reference);
                                        ++compared;
                                        return absl::OkStatus();
                                      });
  REQUIRE(counts.ok());
  CHECK(compared > 2000);
  v1::ImportRecord odd;
  auto* claim = odd.mutable_claim();
  claim->set_cue("tab\there \"quoted\" back\\slash \x01 caf\u00e9");
  claim->mutable_statement()->mutable_object()->set_integer_value(-9007199254740993);
  claim->mutable_statement()->add_qualifiers()->mutable_value()->set_bool_value(false);
  claim->set_confidence(0.1 + 0.2);
  auto fast = RecordToJsonLine(odd);
  auto reference = RecordToJsonLineByConverter(odd);
  REQUIRE(fast.ok());
  REQUIRE(reference.ok());
  CHECK(*fast == *reference);
  auto parsed = ParseRecordJson(*fast);
  REQUIRE(parsed.ok());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(*parsed, odd));
}

}  // namespace
}  // namespace claimgraph::exchange

namespace claimgraph::exchange {
namespace {

TEST_CASE("the fast json reader reads what protobuf's converter reads") {
  bench::GeneratorOptions options;
  options.seed = 6;
  options.entities = 200;
  options.claims = 2000;
  size_t compared = 0;
  auto counts = bench::GenerateClaims(
      options, *testing::DefaultSchema(), [&](const v1::ImportRecord& record) {
        auto line = RecordToJsonLine(record);
        REQUIRE(line.ok());
        auto fast = ParseRecordJson(*line);
        auto reference = ParseRecordJsonByConverter(*line);
        REQUIRE(fast.ok());
        REQUIRE(reference.ok());
        CHECK(google::protobuf::util::MessageDifferencer::Equals(*fast, *reference));
        CHECK(google::protobuf::util::MessageDifferencer::Equals(*fast, record));
        ++compared;
        return absl::OkStatus();
      });
  REQUIRE(counts.ok());
  CHECK(compared > 2000);
  // Spellings the fast path leaves to the converter, and escapes it decodes itself.
  for (std::string_view json : {
           R"({"claim":{"act":1,"confidence":"0.5"}})",
           R"({"claim":{"claimedAt":"2020-01-01T00:00:00.5+01:00","relaysClaimId":"x"}})",
           R"({"entity":{"id":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/","aliases":[]}})",
           R"({"claim":{"statement":{"object":{"integer_value":"-12"}}, "quote":{"start":3}}})",
           R"( {"source":{"id":"s","derived_from":[{"type":"DERIVATION_TYPE_QUOTES"}]}} )",
           R"({"entity":{"id":"x","attributes":{"b":"2","a":"1"}},"source":{"id":"y"}})",
       }) {
    INFO(json);
    auto fast = ParseRecordJson(json);
    auto reference = ParseRecordJsonByConverter(json);
    REQUIRE(fast.ok() == reference.ok());
    if (fast.ok()) CHECK(google::protobuf::util::MessageDifferencer::Equals(*fast, *reference));
  }
}

}  // namespace
}  // namespace claimgraph::exchange
