// The CLI's Graphviz drawings of the sample article (`trace --format dot`, `subgraph --format
// dot`): what they say (title, stance colours, legend, flags, qualifiers on parallel edges, the
// labelled confidence, names rather than ids), that Graphviz's `dot` accepts them, and that the
// trace drawings fit a laptop's width at full size, layered from the traced claims to their roots.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

bool Contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

struct SampleFixture {
  ServerProcess server{{"--load", CLAIMGRAPH_SOURCE_DIR "/data/sample/claims.ndjson"}};
  SampleFixture() {
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
  }
  ProgramResult Cli(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--server", server.address(), "--timeout", "10"});
    return RunProgram(CLAIMGRAPH_CLI_PATH, arguments);
  }
  std::string StatementOf(const std::string& claim_id) {
    auto r = Cli({"--json", "claim", "get", claim_id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::smatch match;
    REQUIRE(std::regex_search(r.out, match, std::regex("\"statement_id\":\"(st_[0-9a-f]+)\"")));
    return match[1];
  }
};

// `dot -Tsvg` of the text: the SVG, after checking that Graphviz accepted it silently.
std::string Svg(const std::string& dot) {
  auto svg = RunProgram("/usr/bin/dot", {"-Tsvg"}, dot);
  REQUIRE_MESSAGE(svg.exit_code == 0, svg.err);
  CHECK_MESSAGE(svg.err.empty(), svg.err);
  REQUIRE(Contains(svg.out, "<svg"));
  return svg.out;
}

// The drawing's width in CSS pixels at 100% (Graphviz writes points: 72 to 96 px).
double WidthPixels(const std::string& svg) {
  std::smatch match;
  REQUIRE(std::regex_search(svg, match, std::regex("<svg width=\"([0-9.]+)pt\"")));
  return std::stod(match[1]) * 96 / 72;
}

// Node name -> its vertical position in the layout (`dot -Tplain`: y grows upwards).
std::map<std::string, double> NodeHeights(const std::string& dot) {
  auto plain = RunProgram("/usr/bin/dot", {"-Tplain"}, dot);
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  std::map<std::string, double> heights;
  std::istringstream lines(plain.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("node ", 0) != 0) continue;
    std::string rest = line.substr(5);
    std::string name;
    if (!rest.empty() && rest[0] == '"') {
      size_t end = rest.find('"', 1);
      name = rest.substr(1, end - 1);
      rest = rest.substr(end + 1);
    } else {
      name = rest.substr(0, rest.find(' '));
      rest = rest.substr(name.size());
    }
    std::istringstream numbers(rest);
    double x = 0, y = 0;
    numbers >> x >> y;
    heights[name] = y;
  }
  return heights;
}

// The labels of the edges from `from` to `to` in a DOT text.
std::vector<std::string> EdgeLabels(const std::string& dot, const std::string& from,
                                    const std::string& to) {
  std::vector<std::string> labels;
  std::regex edge("\"" + from + "\" -> \"" + to + "\" \\[label=\"((?:[^\"\\\\]|\\\\.)*)\"");
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), edge); it != std::sregex_iterator();
       ++it) {
    labels.push_back((*it)[1]);
  }
  return labels;
}

}  // namespace

TEST_CASE_FIXTURE(SampleFixture, "cli dot: the sample article's trace drawings") {
  const std::string route = StatementOf("claim-route-from-kirby");
  auto r = Cli({"trace", route, "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string& dot = r.out;
  // The proposition as the title, entities by name.
  CHECK(Contains(dot, "labelloc=t"));
  CHECK(Contains(dot,
                 "label=\"Iranian attack drones shipped from Amirabad [origin_country: "
                 "Iran]\\n[destination_country: Russia]\""));
  // Stance by colour: the four claims support it (green border and fill).
  for (const char* claim : {"claim-route-from-page", "claim-route-from-cbs",
                            "claim-route-from-kirby", "claim-route-from-administration"}) {
    CAPTURE(claim);
    CHECK(Contains(dot, "\"claim:" + std::string(claim) +
                            "\" [shape=box, style=\"filled,rounded\", color=\"#1a7f37\", "
                            "fillcolor=\"#dafbe1\""));
  }
  // Kinds by shape, the flag named on its document, roots double-bordered, a legend.
  CHECK(Contains(dot, "\"source:us-intel-2023-06-09-iran-russia-drone-plant\" [shape=note"));
  CHECK(Contains(dot, "\"agent:john-kirby\" [shape=ellipse"));
  CHECK(Contains(dot, "\"basis:newly declassified intelligence\" [shape=hexagon"));
  CHECK(Contains(dot, "\\n\u26a0 copy dated later\", penwidth=2"));
  CHECK(Contains(dot, "peripheries=2"));
  CHECK(Contains(dot, "label=\"Legend\""));
  CHECK(Contains(dot, "\"legend:refutes\""));

  std::string svg = Svg(dot);
  CHECK(Contains(svg, "Iranian attack drones shipped from Amirabad"));
  // Readable without zooming on a laptop: at most 1,400 px wide at 100%, node text 10 pt.
  CHECK(WidthPixels(svg) <= 1400);
  CHECK(Contains(svg, "scale(1 1)"));
  CHECK(Contains(svg, "font-size=\"10.00\""));
  // Layered from the traced claims to their roots: the relaying claim first, then the claims it
  // relays, the innermost claim, and the root document last.
  auto heights = NodeHeights(dot);
  const std::vector<std::string> chain = {
      "claim:claim-route-from-page", "claim:claim-route-from-cbs", "claim:claim-route-from-kirby",
      "claim:claim-route-from-administration",
      "source:us-intel-2023-06-09-iran-russia-drone-plant"};
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    CAPTURE(chain[i]);
    REQUIRE(heights.count(chain[i]) == 1);
    REQUIRE(heights.count(chain[i + 1]) == 1);
    CHECK(heights[chain[i]] > heights[chain[i + 1]]);
  }
  // The legend comes after (below) everything.
  for (const auto& [name, y] : heights) {
    if (name.rfind("legend:", 0) != 0) CHECK(y > heights["legend:supports"]);
  }

  // The statement with 11 claims, 3 refuting: refutations red, and still a laptop's width.
  r = Cli({"trace", StatementOf("claim-partnership-limits-burns"), "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "label=\"Iran cooperates with Russia [domain: \\\"military\\\"]\""));
  CHECK(Contains(r.out,
                 "\"claim:claim-partnership-limits-burns\" [shape=box, style=\"filled,"
                 "rounded\", color=\"#cf222e\", fillcolor=\"#ffebe9\""));
  CHECK(Contains(r.out, "\\nrefutes\\nsaid 2022-07-01"));
  CHECK(WidthPixels(Svg(r.out)) <= 1400);

  // A claim's trace: the claim traced, the same look.
  r = Cli({"trace", "claim-route-from-kirby", "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "label=\"Iranian attack drones shipped from Amirabad"));
  CHECK(WidthPixels(Svg(r.out)) <= 1400);
}

TEST_CASE_FIXTURE(SampleFixture, "cli dot: the sample article's subgraph drawings") {
  auto r = Cli({"subgraph", "iran", "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string& dot = r.out;
  CHECK(Contains(dot, "label=\"Around Iran\""));
  CHECK(Contains(dot, "label=\"Legend\""));
  CHECK(Contains(dot, "P = the statement's fused probability"));
  // Parallel edges Iran -> Russia tell their statements apart by qualifiers, entities by name,
  // each with its labelled confidence and claim counts.
  auto labels = EdgeLabels(dot, "iran", "russia");
  CHECK(labels.size() >= 4);
  CHECK(std::set<std::string>(labels.begin(), labels.end()).size() == labels.size());
  std::regex confidence("\\\\nP=[01]\\.[0-9]{2} \u00b7 [0-9]+ claims?(, [0-9]+ against)?$");
  for (const auto& label : labels) {
    CAPTURE(label);
    CHECK(std::regex_search(label, confidence));
  }
  auto has = [&](const std::string& label) {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
  };
  CHECK(
      has("supplies\\nitem: \\\"material\\\"\\npurpose: Alabuga drone manufacturing plant"
          "\\nP=0.71 \u00b7 4 claims"));
  CHECK(
      has("supplies\\nitem: Iranian attack drones\\nquantity: \\\"hundreds\\\"\\nP=0.71 \u00b7 "
          "3 claims"));
  CHECK(has("cooperates with\\ndomain: \\\"military\\\"\\nP=0.65 \u00b7 11 claims, 3 against"));
  // Stance by colour: the disputed statement orange, the supported ones green.
  CHECK(Contains(dot, "11 claims, 3 against\", color=\"#bc4c00\""));
  CHECK(Contains(dot, "4 claims\", color=\"#1a7f37\""));
  CHECK(Contains(Svg(dot), "Alabuga drone manufacturing plant"));

  // Qualifiers naming entities outside the subgraph (the countries of the route) by name.
  r = Cli({"subgraph", "iranian-attack-drones", "--depth", "1", "--format", "dot"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  labels = EdgeLabels(r.out, "iranian-attack-drones", "amirabad");
  REQUIRE(labels.size() == 1);
  CHECK(
      labels[0] ==
      "shipped from\\norigin_country: Iran\\ndestination_country: Russia\\nP=0.71 \u00b7 4 claims");
  CHECK_FALSE(Contains(r.out, "origin_country: iran"));
  Svg(r.out);
}

}  // namespace claimgraph::testing
