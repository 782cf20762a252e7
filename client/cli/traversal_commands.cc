// CLI commands for graph traversal: neighbors, traverse, path, subgraph.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

// The filter options every traversal command shares.
void ApplyFilter(const Arguments& arguments, v1::EdgeFilter* filter) {
  if (auto v = arguments.Get("direction")) {
    filter->set_direction(static_cast<v1::TraversalDirection>(ParseEnum("direction", *v, v1::TraversalDirection_descriptor())));
  }
  for (const auto& p : arguments.GetAll("predicate")) filter->add_predicates(p);
  for (const auto& t : arguments.GetAll("type")) filter->add_neighbor_types(t);
  if (arguments.Has("min-confidence")) filter->set_min_confidence(arguments.GetDouble("min-confidence", 0));
  if (auto v = arguments.Get("stance")) {
    filter->set_stance(static_cast<v1::StanceFilter>(ParseEnum("stance", *v, v1::StanceFilter_descriptor())));
  }
  for (const auto& c : arguments.GetAll("claimant")) filter->add_include_claimants(c);
  for (const auto& c : arguments.GetAll("exclude-claimant")) filter->add_exclude_claimants(c);
  for (const auto& s : arguments.GetAll("source")) filter->add_include_sources(s);
  for (const auto& s : arguments.GetAll("exclude-source")) filter->add_exclude_sources(s);
}

void ApplyLimits(const Arguments& arguments, v1::TraversalLimits* limits) {
  limits->set_max_results(static_cast<int32_t>(arguments.GetInt("max-results", 0)));
  limits->set_max_fanout(static_cast<int32_t>(arguments.GetInt("max-fanout", 0)));
}

std::string CutText(const v1::TraversalCut& cut) {
  std::string text;
  auto add = [&](bool set, const char* name) {
    if (set) text += std::string(text.empty() ? "" : ",") + name;
  };
  add(cut.results(), "results");
  add(cut.fanout(), "fanout");
  add(cut.edges_scanned(), "edges_scanned");
  add(cut.deadline(), "deadline");
  add(cut.cancelled(), "cancelled");
  return text;
}

std::string Confidence(double value) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.3f", value);
  return buffer;
}

std::string EdgeText(const v1::GraphEdge& edge) {
  return edge.subject_id() + " -" + edge.predicate() + "-> " + edge.object_id();
}

void ReportCut(CliContext& cli, const v1::TraversalCut& cut) {
  std::string text = CutText(cut);
  if (!text.empty()) *cli.err << "note: the answer was cut by limits: " << text << "\n";
}

int Neighbors(CliContext& cli, const Arguments& arguments) {
  v1::NeighborsRequest request;
  request.set_entity_id(arguments.Positional(0, "ENTITY"));
  ApplyFilter(arguments, request.mutable_filter());
  request.set_page_size(static_cast<int32_t>(arguments.GetInt("page-size", 0)));
  if (auto token = arguments.Get("page-token")) request.set_page_token(*token);
  SetAsOf(arguments, &request);
  return Invoke(
      cli, cli.client->traversal(), &v1::TraversalService::Stub::Neighbors, request,
      [&](const v1::NeighborsResponse& response) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& edge : response.edges()) {
          rows.push_back({edge.subject_id(), edge.predicate(), edge.object_id(),
                          Confidence(edge.confidence()),
                          std::to_string(edge.supporting()) + "/" + std::to_string(edge.refuting()),
                          edge.statement_id()});
        }
        PrintTable(cli,
                   {"SUBJECT", "PREDICATE", "OBJECT", "CONFIDENCE", "FOR/AGAINST", "STATEMENT"},
                   rows);
        if (!response.next_page_token().empty())
          *cli.out << "next page: --page-token " << response.next_page_token() << "\n";
        ReportCut(cli, response.cut());
      });
}

int Traverse(CliContext& cli, const Arguments& arguments) {
  v1::TraverseRequest request;
  for (const auto& id : arguments.positional) request.add_start_ids(id);
  if (request.start_ids_size() == 0) throw UsageError{"ENTITY is required"};
  request.set_max_depth(static_cast<int32_t>(arguments.GetInt("depth", 2)));
  ApplyFilter(arguments, request.mutable_filter());
  ApplyLimits(arguments, request.mutable_limits());
  SetAsOf(arguments, &request);
  auto context = cli.client->NewContext();
  auto reader = cli.client->traversal().Traverse(context.get(), request);
  v1::TraverseResponse message;
  std::vector<std::vector<std::string>> rows;
  v1::TraversalCut cut;
  while (reader->Read(&message)) {
    for (const auto& entity : message.entities()) {
      if (cli.json) {
        PrintJson(cli, entity);
      } else {
        rows.push_back({std::to_string(entity.depth()), entity.entity_id(), entity.type(), entity.name(),
                        entity.has_via() ? EdgeText(entity.via()) + " (" + Confidence(entity.via().confidence()) + ")" : "-"});
      }
    }
    if (message.done()) cut = message.cut();
  }
  auto status = reader->Finish();
  if (!status.ok()) return ReportError(cli, status);
  if (!cli.json) PrintTable(cli, {"DEPTH", "ENTITY", "TYPE", "NAME", "REACHED BY"}, rows);
  ReportCut(cli, cut);
  return 0;
}

int Path(CliContext& cli, const Arguments& arguments) {
  v1::FindPathsRequest request;
  request.set_from_id(arguments.Positional(0, "FROM"));
  request.set_to_id(arguments.Positional(1, "TO"));
  if (arguments.Has("credible")) request.set_mode(v1::PATH_MODE_MOST_CREDIBLE);
  else if (arguments.Has("all")) request.set_mode(v1::PATH_MODE_ALL_SIMPLE);
  else request.set_mode(v1::PATH_MODE_SHORTEST);
  request.set_k(static_cast<int32_t>(arguments.GetInt("k", 1)));
  request.set_max_depth(static_cast<int32_t>(arguments.GetInt("max-depth", 4)));
  ApplyFilter(arguments, request.mutable_filter());
  ApplyLimits(arguments, request.mutable_limits());
  SetAsOf(arguments, &request);
  return Invoke(
      cli, cli.client->traversal(), &v1::TraversalService::Stub::FindPaths, request,
      [&](const v1::FindPathsResponse& response) {
        if (response.paths_size() == 0)
          *cli.out << "no path within " << request.max_depth() << " hops\n";
        for (int i = 0; i < response.paths_size(); ++i) {
          const auto& path = response.paths(i);
          *cli.out << "path " << i + 1 << ": " << path.edges_size() << " hops, confidence "
                   << Confidence(path.confidence()) << "\n";
          for (const auto& edge : path.edges()) {
            *cli.out << "  " << EdgeText(edge) << "  (confidence " << Confidence(edge.confidence())
                     << ", statement " << edge.statement_id() << ")\n";
            for (const auto& claim : edge.claims_detail()) {
              std::string claimant =
                  claim.claimant().has_some_value()
                      ? "(some: " + claim.claimant().some_value().description() + ")"
                      : claim.claimant().entity_id();
              *cli.out << "      " << EnumName(v1::Stance_descriptor(), claim.stance()) << " by "
                       << claimant
                       << (claim.on_behalf_of_id().empty() ? "" : " for " + claim.on_behalf_of_id())
                       << (claim.source_id().empty() ? "" : " in " + claim.source_id()) << "  ["
                       << claim.id() << "]\n";
            }
          }
        }
        ReportCut(cli, response.cut());
      });
}

// A paged subgraph: its entities and edges as tables (or JSON); pages have no document.
int SubgraphPages(CliContext& cli, const Arguments& arguments, const v1::SubgraphRequest& request) {
  if (request.format() != v1::GRAPH_FORMAT_UNSPECIFIED &&
      request.format() != v1::GRAPH_FORMAT_JSON) {
    throw UsageError{
        "--format dot and graphml need the whole subgraph in one call: leave out --page-size, "
        "--page-token and --all"};
  }
  v1::SubgraphResponse response;
  auto status = CallPages(cli, arguments, cli.client->traversal(),
                          &v1::TraversalService::Stub::Subgraph, request, &response,
                          [](const v1::SubgraphResponse& page, v1::SubgraphResponse* all) {
                            for (const auto& entity : page.entities())
                              *all->add_entities() = entity;
                            for (const auto& edge : page.edges()) *all->add_edges() = edge;
                            *all->mutable_cut() = page.cut();
                            all->set_total_entities(page.total_entities());
                            all->set_total_edges(page.total_edges());
                          });
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) {
    PrintJson(cli, response);
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& entity : response.entities()) {
      rows.push_back(
          {std::to_string(entity.depth()), entity.entity_id(), entity.type(), entity.name()});
    }
    PrintTable(cli, {"DEPTH", "ENTITY", "TYPE", "NAME"}, rows);
    rows.clear();
    for (const auto& edge : response.edges()) {
      rows.push_back({edge.subject_id(), edge.predicate(), edge.object_id(),
                      Confidence(edge.confidence()),
                      std::to_string(edge.supporting()) + "/" + std::to_string(edge.refuting()),
                      edge.statement_id()});
    }
    *cli.out << "\n";
    PrintTable(cli, {"SUBJECT", "PREDICATE", "OBJECT", "CONFIDENCE", "FOR/AGAINST", "STATEMENT"},
               rows);
    *cli.out << "(" << response.entities_size() << " entities and " << response.edges_size()
             << " edges of " << response.total_entities() << " and " << response.total_edges()
             << ")\n";
    if (!response.next_page_token().empty()) {
      *cli.out << "next page: --page-token " << response.next_page_token() << "\n";
    }
  }
  ReportCut(cli, response.cut());
  return 0;
}

int SubgraphCommand(CliContext& cli, const Arguments& arguments) {
  v1::SubgraphRequest request;
  for (const auto& id : arguments.positional) request.add_entity_ids(id);
  if (request.entity_ids_size() == 0) throw UsageError{"ENTITY is required"};
  request.set_depth(static_cast<int32_t>(arguments.GetInt("depth", 1)));
  request.set_format(static_cast<v1::GraphFormat>(
      ParseEnum("format", arguments.Get("format").value_or("json"), v1::GraphFormat_descriptor())));
  ApplyFilter(arguments, request.mutable_filter());
  ApplyLimits(arguments, request.mutable_limits());
  SetAsOf(arguments, &request);
  if (arguments.Has("page-size") || arguments.Has("page-token") || arguments.Has("all")) {
    return SubgraphPages(cli, arguments, request);
  }
  return Invoke(cli, cli.client->traversal(), &v1::TraversalService::Stub::Subgraph, request,
                [&](const v1::SubgraphResponse& response) {
                  // The document is the output, so `... --format dot | dot -Tsvg` works.
                  *cli.out << response.document();
                  if (!response.document().empty() && response.document().back() != '\n')
                    *cli.out << "\n";
                  ReportCut(cli, response.cut());
                });
}

// The filter options every traversal command shares (ApplyFilter reads them).
std::vector<Option> FilterOptions() {
  return {{"direction", "out|in|both", "which edges to follow (default out)"},
          {"predicate", "P", "only edges with this predicate", true},
          {"type", "T", "only neighbours of this entity type", true},
          {"min-confidence", "X", "only edges at least this confident"},
          {"stance", "include-disputed|supported-only|any", "which statements make edges"},
          {"claimant", "E", "only claims by E", true},
          {"exclude-claimant", "E", "no claims by E", true},
          {"source", "S", "only claims published in S", true},
          {"exclude-source", "S", "no claims published in S", true},
          AsOfOption()};
}

const std::vector<Option> kLimitOptions = {
    {"max-results", "N", "stop after N results"},
    {"max-fanout", "N", "follow at most N edges per entity"}};

}  // namespace

void RegisterTraversalCommands(CommandTable& table) {
  const std::vector<Positional> entities = {{"ENTITY", "where to start", true, true}};
  table.Add({"neighbors",
             "the edges of an entity",
             {{"ENTITY", "the entity"}},
             Concat(FilterOptions(), PagingOptions()),
             Neighbors});
  table.Add({"traverse", "entities reached within N hops, each with the edge that reached it",
             entities,
             Concat(Concat({{"depth", "N", "hops (default 2)"}}, FilterOptions()), kLimitOptions),
             Traverse});
  table.Add({"path",
             "paths between two entities, each edge with the claims behind it",
             {{"FROM", "the first entity"}, {"TO", "the last entity"}},
             Concat(Concat({{"shortest", "", "the shortest paths (default)"},
                            {"credible", "", "the most credible paths"},
                            {"all", "", "all simple paths"},
                            {"k", "N", "how many paths (default 1)"},
                            {"max-depth", "N", "at most N hops (default 4)"}},
                           FilterOptions()),
                    kLimitOptions),
             Path});
  table.Add(
      {"subgraph", "the neighbourhood of entities as JSON, DOT (pipe to dot -Tsvg) or GraphML",
       entities,
       Concat(Concat({{"depth", "N", "hops (default 1)"},
                      {"format", "json|dot|graphml", "default json (unpaged only: dot, graphml)"},
                      {"page-size", "N", "entities and edges per page, as tables (no document)"},
                      {"page-token", "TOKEN", "the page a previous call named"},
                      {"all", "", "follow the pages to the last one"}},
                     FilterOptions()),
              kLimitOptions),
       SubgraphCommand});
}

}  // namespace claimgraph::cli
