// generate_claims: writes generated claims data as NDJSON import records (see
// claims_generator.h). Usage:
//   generate_claims [--entities N] [--claims M] [--seed S] [--claims-per-source K]
//                   [--schema schema/default.textproto] [--output FILE (default: stdout)]
// Reports the record counts and the generation rate on stderr.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "claims_generator.h"
#include "engine/exchange/ndjson.h"
#include "engine/strings.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "generate_claims: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace claimgraph;
  bench::GeneratorOptions options;
  std::string schema_path = "schema/default.textproto";
  std::string output_path;
  CLI::App app{"generate_claims: generated claims data as NDJSON import records",
               "generate_claims"};
  app.add_option("--entities", options.entities, "entities (at least one per entity type)")
      ->capture_default_str();
  app.add_option("--claims", options.claims, "claims")->capture_default_str();
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--claims-per-source", options.claims_per_source,
                 "one new source per this many claims")
      ->capture_default_str();
  app.add_option("--schema", schema_path, "the ontology")->capture_default_str();
  app.add_option("--output", output_path, "FILE to write (default: stdout)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  auto schema = schema::SchemaRegistry::LoadTextFile(schema_path);
  if (!schema.ok()) return Fail(std::string(schema.status().message()));
  FILE* out = output_path.empty() ? stdout : std::fopen(output_path.c_str(), "w");
  if (out == nullptr) return Fail(StrCat("cannot open ", output_path, ": ", std::strerror(errno)));
  static char buffer[1 << 20];
  std::setvbuf(out, buffer, _IOFBF, sizeof(buffer));

  auto start = std::chrono::steady_clock::now();
  auto counts = bench::GenerateClaims(options, **schema, [&](const v1::ImportRecord& record) {
    auto line = exchange::RecordToJsonLine(record);
    if (!line.ok()) return line.status();
    line->push_back('\n');
    if (std::fwrite(line->data(), 1, line->size(), out) != line->size()) {
      return absl::DataLossError(StrCat("write failed: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  });
  if (std::fflush(out) != 0 || (out != stdout && std::fclose(out) != 0)) {
    return Fail(StrCat("write failed: ", std::strerror(errno)));
  }
  if (!counts.ok()) return Fail(std::string(counts.status().message()));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "generated %llu entities, %llu sources (+%llu updates), %llu claims (%llu relays), "
               "%llu assessments, %llu lifecycle events in %.2f s (%.0f claims/s)\n",
               static_cast<unsigned long long>(counts->entities),
               static_cast<unsigned long long>(counts->sources),
               static_cast<unsigned long long>(counts->source_updates),
               static_cast<unsigned long long>(counts->claims),
               static_cast<unsigned long long>(counts->relays),
               static_cast<unsigned long long>(counts->assessments),
               static_cast<unsigned long long>(counts->lifecycle_events), seconds,
               static_cast<double>(counts->claims) / seconds);
  return 0;
}
