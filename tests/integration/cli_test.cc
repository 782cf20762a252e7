// The claimgraph CLI against a running server: each subcommand's output and exit code.
#include <doctest/doctest.h>

#include <sstream>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

struct CliFixture {
  ServerProcess server;
  CliFixture() {
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
  }
  ProgramResult Run(std::vector<std::string> arguments, const std::string& input = "") {
    arguments.insert(arguments.begin(), {"--server", server.address(), "--timeout", "10"});
    return RunProgram(CLAIMGRAPH_CLI_PATH, arguments, input);
  }
};

bool Contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

}  // namespace

TEST_CASE_FIXTURE(CliFixture, "cli: entity, source, claim, statement, assess, stats, health, schema") {
  auto r = Run({"entity", "create", "--id", "iran", "--type", "country", "--name", "Iran", "--alias", "Persia",
                "--external-id", "wikidata=Q794"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "name:"));
  CHECK(Contains(r.out, "Persia"));
  REQUIRE(Run({"entity", "create", "--id", "russia", "--type", "country", "--name", "Russia"}).exit_code == 0);
  REQUIRE(Run({"entity", "create", "--id", "john-kirby", "--type", "person", "--name", "John Kirby"}).exit_code == 0);
  REQUIRE(Run({"entity", "create", "--id", "nsc", "--type", "government_body", "--name", "NSC"}).exit_code == 0);
  REQUIRE(Run({"entity", "create", "--id", "outlet", "--type", "news_organisation", "--name", "Outlet"}).exit_code == 0);

  // Errors: the gRPC code is the exit status, with the code and message on stderr.
  r = Run({"entity", "create", "--id", "iran", "--type", "country", "--name", "Iran"});
  CHECK(r.exit_code == 6);  // ALREADY_EXISTS
  CHECK(Contains(r.err, "ALREADY_EXISTS"));
  r = Run({"entity", "get", "nowhere"});
  CHECK(r.exit_code == 5);  // NOT_FOUND
  CHECK(Contains(r.err, "NOT_FOUND: entity 'nowhere' not found"));
  r = Run({"entity", "create", "--id", "x", "--type", "galaxy", "--name", "X"});
  CHECK(r.exit_code == 3);  // INVALID_ARGUMENT
  CHECK(Contains(r.err, "entity.type"));
  r = Run({"entity", "create", "--type", "country"});
  CHECK(r.exit_code == 64);  // usage
  CHECK(Contains(r.err, "--id is required"));
  r = Run({"no-such-command"});
  CHECK(r.exit_code == 64);

  r = Run({"entity", "get", "iran"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "country"));
  r = Run({"--json", "entity", "get", "iran"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "\"external_ids\":{\"wikidata\":\"Q794\"}"));
  r = Run({"entity", "list", "--type", "country"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "ID"));
  CHECK(Contains(r.out, "russia"));
  CHECK_FALSE(Contains(r.out, "john-kirby"));
  r = Run({"entity", "list", "--page-size", "2"});
  CHECK(Contains(r.out, "next page: --page-token"));
  r = Run({"entity", "list", "--page-size", "2", "--all"});
  CHECK(Contains(r.out, "russia"));
  CHECK_FALSE(Contains(r.out, "next page"));
  r = Run({"entity", "search", "pers"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "iran"));
  r = Run({"entity", "update", "john-kirby", "--description", "spokesman"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "spokesman"));

  r = Run({"source", "create", "--id", "page", "--publisher", "outlet", "--title", "A page", "--kind", "article",
           "--reliability", "b", "--declared", "2025-04-16T23:37:17Z"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "2025-04-16T23:37:17Z"));
  REQUIRE(Run({"source", "create", "--id", "original", "--publisher", "outlet", "--declared", "2023-06-09"}).exit_code == 0);
  r = Run({"source", "derive", "page", "--type", "republishes", "--from", "original"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "republishes original"));
  r = Run({"source", "get", "page"});
  CHECK(Contains(r.out, "reliability:"));
  r = Run({"source", "list", "--publisher", "outlet"});
  CHECK(Contains(r.out, "original"));

  r = Run({"claim", "add", "--subject", "iran", "--predicate", "supplies", "--object", "entity:russia",
           "--qualifier", "purpose=drone plant", "--act", "says", "--stance", "supports", "--certainty", "probable",
           "--estimative-word", "likely", "--claimant", "john-kirby", "--on-behalf-of", "nsc", "--source", "page",
           "--claimed-at", "2023-06-09", "--id", "kirby-1", "--confidence", "0.9"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "iran supplies russia [purpose=\"drone plant\"]"));
  r = Run({"claim", "add", "--subject", "iran", "--predicate", "supplies", "--object", "entity:russia",
           "--qualifier", "purpose=drone plant", "--act", "reports", "--stance", "supports", "--claimant", "outlet",
           "--relays", "kirby-1", "--id", "outlet-1"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  r = Run({"claim", "add", "--subject", "iran", "--predicate", "supplies", "--object", "entity:russia",
           "--act", "says", "--stance", "maybe", "--claimant", "outlet"});
  CHECK(r.exit_code == 64);
  CHECK(Contains(r.err, "--stance"));
  r = Run({"claim", "add", "--subject", "iran", "--predicate", "supplies", "--object", "entity:russia",
           "--act", "says", "--stance", "supports", "--claimant", "outlet", "--confidence", "7"});
  CHECK(r.exit_code == 3);
  CHECK(Contains(r.err, "claim.confidence"));

  r = Run({"claim", "get", "kirby-1"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "on_behalf_of:"));
  CHECK(Contains(r.out, "probable"));
  r = Run({"claim", "list", "--subject", "iran"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "kirby-1"));
  CHECK(Contains(r.out, "outlet-1"));
  r = Run({"--json", "claim", "get", "kirby-1"});
  auto at = r.out.find("\"statement_id\":\"");
  REQUIRE(at != std::string::npos);
  std::string statement_id = r.out.substr(at + 16, r.out.find('"', at + 16) - at - 16);

  r = Run({"claim", "retract", "kirby-1", "--actor", "outlet"});
  CHECK(r.exit_code == 9);  // FAILED_PRECONDITION: not the claimant
  r = Run({"claim", "retract", "kirby-1", "--actor", "john-kirby", "--reason", "misspoke"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "retraction"));
  r = Run({"claim", "list", "--subject", "iran"});
  CHECK_FALSE(Contains(r.out, "kirby-1"));
  r = Run({"claim", "list", "--subject", "iran", "--include-inactive"});
  CHECK(Contains(r.out, "retracted"));

  r = Run({"statement", "get", statement_id});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "supporting:"));
  CHECK(Contains(r.out, "outlet-1"));
  r = Run({"assess", "--statement", statement_id, "--assessor", "outlet", "--verdict", "true"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "verdict:"));

  r = Run({"stats"});
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "claims:"));
  CHECK(Contains(r.out, "(estimate)"));  // estimated sizes say so
  CHECK((Contains(r.out, " KiB") || Contains(r.out, " MiB")));
  r = Run({"--json", "stats"});
  CHECK(Contains(r.out, "\"claims\":\"2\""));
  r = Run({"health"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "SERVING"));
  r = Run({"schema"});
  CHECK(Contains(r.out, "cooperates_with"));
  r = Run({"claim", "get", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "usage: claimgraph claim get"));
}

TEST_CASE("cli: an unreachable server exits with UNAVAILABLE and says how to start one") {
  auto r = RunProgram(CLAIMGRAPH_CLI_PATH, {"--server", "127.0.0.1:1", "--timeout", "2", "stats"});
  CHECK(r.exit_code == 14);  // UNAVAILABLE
  CHECK(Contains(r.err, "error: UNAVAILABLE"));
  CHECK(Contains(r.err, "make run"));
}

namespace {

ProgramResult Cli(std::vector<std::string> arguments) {
  return RunProgram(CLAIMGRAPH_CLI_PATH, arguments);
}

// The subcommand names a help text lists under "Subcommands:".
std::vector<std::string> SubcommandsIn(const std::string& help) {
  std::vector<std::string> names;
  auto at = help.find("Subcommands:\n");
  if (at == std::string::npos) return names;
  std::istringstream lines(help.substr(at + 13));
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    names.push_back(name);
  }
  return names;
}

// Every command path, found by walking the help of each group from the top.
std::vector<std::string> AllCommands() {
  std::vector<std::string> commands, groups = {""};
  while (!groups.empty()) {
    std::string group = groups.back();
    groups.pop_back();
    std::vector<std::string> arguments;
    std::istringstream words(group);
    for (std::string word; words >> word;) arguments.push_back(word);
    arguments.push_back("--help");
    auto names = SubcommandsIn(Cli(arguments).out);
    if (names.empty()) commands.push_back(group);
    for (const auto& name : names) groups.push_back(group.empty() ? name : group + " " + name);
  }
  return commands;
}

}  // namespace

TEST_CASE(
    "cli: every command rejects an unknown option and a stray argument, before calling the "
    "server") {
  auto commands = AllCommands();
  REQUIRE(commands.size() > 30);
  for (const auto& command : commands) {
    CAPTURE(command);
    std::vector<std::string> arguments = {"--server", "127.0.0.1:1"};
    std::istringstream words(command);
    for (std::string word; words >> word;) arguments.push_back(word);
    // Enough positionals for any command, then the mistyped option.
    std::vector<std::string> positionals = command == "completion"
                                               ? std::vector<std::string>{"bash"}
                                               : std::vector<std::string>{"x", "y"};
    arguments.insert(arguments.end(), positionals.begin(), positionals.end());
    arguments.push_back("--no-such-option");
    auto r = Cli(arguments);
    CHECK(r.exit_code == 64);
    CHECK(Contains(r.err, "--no-such-option"));
    CHECK(Contains(r.err, "usage: claimgraph"));
    CHECK(r.out.empty());
    CHECK_FALSE(Contains(r.err, "UNAVAILABLE"));
  }
  auto r = Cli({"entity", "get", "a", "b"});
  CHECK(r.exit_code == 64);
  CHECK(Contains(r.err, "not expected: b"));
}

TEST_CASE("cli: help at every level, help COMMAND, --version, completion") {
  auto r = Cli({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "usage: claimgraph"));
  CHECK(Contains(r.out, "--server HOST:PORT"));
  CHECK(Contains(r.out, "entity"));
  CHECK(Cli({"-h"}).out == r.out);
  r = Cli({"claim", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "usage: claimgraph claim"));
  for (const char* sub : {"add", "get", "list", "retract", "correct", "deprecate"})
    CHECK(Contains(r.out, sub));
  r = Cli({"claim", "add", "-h"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "usage: claimgraph claim add"));
  CHECK(Contains(r.out, "--stance S"));
  CHECK(Cli({"help", "claim", "add"}).out == r.out);
  CHECK(Cli({"help", "claim"}).out == Cli({"claim", "--help"}).out);
  r = Cli({"help", "claim", "nosuch"});
  CHECK(r.exit_code == 64);
  CHECK(Contains(r.err, "no command 'nosuch'"));
  r = Cli({"claim"});  // a group without its command
  CHECK(r.exit_code == 64);
  CHECK(Contains(r.err, "retract"));
  r = Cli({});
  CHECK(r.exit_code == 64);
  CHECK(Contains(r.err, "usage: claimgraph"));
  r = Cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "claimgraph 0."));
  r = RunProgram(CLAIMGRAPHD_PATH, {"--version"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "claimgraphd 0."));
  r = Cli({"completion", "bash"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "complete -F _claimgraph claimgraph"));
  CHECK(Contains(r.out, "'claim add') words='"));
  CHECK(Contains(r.out, "--claimant-some"));
}

TEST_CASE_FIXTURE(CliFixture, "cli: global options anywhere, --opt=value, --json takes no value") {
  REQUIRE(
      Run({"entity", "create", "--id", "iran", "--type", "country", "--name", "Iran"}).exit_code ==
      0);
  REQUIRE(Run({"entity", "create", "--id=kirby", "--type=person", "--name=John Kirby"}).exit_code ==
          0);
  // The server given after the command, and in --opt=value form.
  auto after = RunProgram(CLAIMGRAPH_CLI_PATH,
                          {"entity", "get", "kirby", "--json", "--server=" + server.address()});
  REQUIRE_MESSAGE(after.exit_code == 0, after.err);
  auto before = RunProgram(CLAIMGRAPH_CLI_PATH,
                           {"--server", server.address(), "--json", "entity", "get", "kirby"});
  CHECK(after.out == before.out);
  CHECK(Contains(after.out, "\"name\":\"John Kirby\""));
  // --json before a filter leaves the filter to the command.
  auto r = Run({"entity", "list", "--json", "--type", "country"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Contains(r.out, "\"id\":\"iran\""));
  CHECK_FALSE(Contains(r.out, "kirby"));
  r = Run({"entity", "list", "--type=person"});
  CHECK(Contains(r.out, "kirby"));
  CHECK_FALSE(Contains(r.out, "iran"));
  // A mistyped filter is an error, never an unfiltered answer.
  r = Run({"entity", "list", "--typ", "country"});
  CHECK(r.exit_code == 64);
  CHECK(r.out.empty());
  // A single-valued option given twice is an error too.
  r = Run({"entity", "list", "--type", "country", "--type", "person"});
  CHECK(r.exit_code == 64);
  // NOT_FOUND under --as-of says as of when.
  r = Run({"entity", "get", "iran", "--as-of", "2000-01-01"});
  CHECK(r.exit_code == 5);
  CHECK(Contains(r.err, "as of 2000-01-01"));
}

}  // namespace claimgraph::testing
