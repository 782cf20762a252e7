// N-Quads: the classic-reification output parses with raptor's rapper; the RDF 1.2 output
// carries triple terms; literals and IRIs are escaped.
#include "engine/exchange/nquads.h"

#include <cstdio>
#include <fstream>

#include "exchange_test_support.h"

namespace claimgraph::exchange {
namespace {

using testing::Import;
using testing::OpenTestDatabase;
using testing::TempDir;

std::string ToNQuads(Database* database, Reification reification) {
  NQuadsOptions options;
  options.reification = reification;
  std::string out;
  NQuadsWriter writer(options, [&](std::string_view chunk) {
    out.append(chunk);
    return absl::OkStatus();
  });
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  auto status = ExportRecords(**view, {},
                              [&](const v1::ImportRecord& record) { return writer.Write(record); });
  REQUIRE_MESSAGE(status.ok(), std::string(status.message()));
  return out;
}

bool HaveRapper() { return std::system("command -v rapper >/dev/null 2>&1") == 0; }

// Runs `rapper -i nquads -c` on the text; returns its exit code and the statement count.
std::pair<int, long> Rapper(const TempDir& dir, const std::string& text) {
  std::string path = dir.path("out.nq");
  std::ofstream(path) << text;
  std::string command = StrCat("rapper -i nquads -c ", path, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  long count = -1;
  auto at = output.find("returned ");
  if (at != std::string::npos) count = std::stol(output.substr(at + 9));
  INFO(output.substr(0, 2000));
  return {WEXITSTATUS(status), count};
}

size_t CountLines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST_CASE("n-quads with classic reification parse with rapper") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  REQUIRE(Import(database.get(), testing::Generate(21, 120, 400)).rejected_total == 0);
  std::string quads = ToNQuads(database.get(), Reification::kClassic);
  CHECK(quads.find("<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/ns/prov#wasAttributedTo>") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/ns/prov#wasDerivedFrom>") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/ns/prov#wasQuotedFrom>") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/ns/prov#actedOnBehalfOf>") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/ns/prov#wasInvalidatedBy>") != std::string::npos);
  CHECK(quads.find("<<(") == std::string::npos);
  if (!HaveRapper()) {
    MESSAGE("rapper (raptor2-utils) is not installed: the RDF parse check is skipped");
    return;
  }
  auto [exit_code, count] = Rapper(dir, quads);
  CHECK(exit_code == 0);
  // rapper counts distinct lines as parsed statements: every line was read.
  CHECK(count == static_cast<long>(CountLines(quads)));
}

TEST_CASE("n-quads in RDF 1.2 mode make claims reifiers of triple terms") {
  TempDir dir;
  auto database = OpenTestDatabase(dir.path());
  REQUIRE(Import(database.get(), testing::Generate(21, 120, 100)).rejected_total == 0);
  std::string quads = ToNQuads(database.get(), Reification::kTripleTerms);
  CHECK(quads.find("<http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies> <<( "
                   "<http://claimgraph.example/id/entity/") != std::string::npos);
  CHECK(quads.find("<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>") == std::string::npos);
  if (HaveRapper()) {
    // The reason classic reification is the default: RDF 1.1 parsers reject triple terms.
    CHECK(Rapper(dir, quads).first != 0);
  }
}

TEST_CASE("n-quads escape literals and ids") {
  CHECK(QuotedLiteral("a \"b\"\\\n\t\x01 é") == "\"a \\\"b\\\"\\\\\\n\\t\\u0001 é\"");
  CHECK(EncodeIriSegment("Q1 a/b>é") == "Q1%20a%2Fb%3E%C3%A9");
  v1::ImportRecord record;
  auto* entity = record.mutable_entity();
  entity->set_id("odd id <x>");
  entity->set_type("person");
  entity->set_name("Name \"quoted\"\nnext line");
  std::string out;
  NQuadsWriter writer({}, [&](std::string_view chunk) {
    out.append(chunk);
    return absl::OkStatus();
  });
  REQUIRE(writer.Write(record).ok());
  CHECK(out.find("<http://claimgraph.example/id/entity/odd%20id%20%3Cx%3E>") != std::string::npos);
  CHECK(out.find("\"Name \\\"quoted\\\"\\nnext line\"") != std::string::npos);
  if (HaveRapper()) {
    TempDir dir;
    CHECK(Rapper(dir, out).first == 0);
  }
}

}  // namespace
}  // namespace claimgraph::exchange
