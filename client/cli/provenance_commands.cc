// Provenance CLI commands: trace (indented tree or Graphviz DOT), corroborate, contradictions,
// who-said and claims-by. The answers' meaning is defined in docs/provenance.md.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "cli/cli.h"
#include "cli/trace_drawing.h"

namespace claimgraph::cli {
namespace {

// Indentation stops growing here so a chain of 100,000 relays stays readable.
constexpr size_t kMaxIndent = 40;

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6f", value);
  return buffer;
}

std::string Day(const google::protobuf::Timestamp& timestamp) {
  std::string text = FormatTime(timestamp);
  return text == "-" ? text : text.substr(0, 10);
}

std::string StatementIdFrom(const std::string& id) {
  // Statement ids are "st_" + 32 hex digits; anything else is taken for a claim id.
  return id.size() == 35 && id.rfind("st_", 0) == 0 ? id : "";
}

std::string FlagName(v1::TraceFlagKind kind) {
  return EnumName(v1::TraceFlagKind_descriptor(), kind);
}

std::string EdgeName(const v1::TraceEdge& edge) {
  if (edge.kind() == v1::TRACE_EDGE_KIND_DERIVED_FROM) {
    return EnumName(v1::DerivationType_descriptor(), edge.derivation_type());
  }
  return EnumName(v1::TraceEdgeKind_descriptor(), edge.kind());
}

std::string NodeText(const v1::TraceNode& node) {
  std::string text;
  switch (node.kind()) {
    case v1::TRACE_NODE_KIND_CLAIM:
      text = "claim " + node.id() + "  " + node.label() + "  [" +
             EnumName(v1::Stance_descriptor(), node.stance()) + "]  said " + Day(node.claimed_at());
      if (node.status() != v1::CLAIM_STATUS_ACTIVE) {
        text += "  (" + EnumName(v1::ClaimStatus_descriptor(), node.status()) + ")";
      }
      break;
    case v1::TRACE_NODE_KIND_SOURCE:
      text = "source " + node.id() + "  \"" + node.label() + "\"  declared " +
             Day(node.declared_published_at()) + "  first seen " + Day(node.first_seen_at()) +
             "  reliability " + EnumName(v1::Reliability_descriptor(), node.reliability());
      break;
    case v1::TRACE_NODE_KIND_BASIS:
      text = "basis \"" + node.label() + "\"";
      break;
    default:
      text = "agent " + node.label();
      break;
  }
  if (node.root()) text += "  ROOT";
  return text;
}

// Edges printed after the others, so the chain towards the origin ends each branch.
int EdgeOrder(v1::TraceEdgeKind kind) {
  switch (kind) {
    case v1::TRACE_EDGE_KIND_DERIVED_FROM:
      return 1;
    case v1::TRACE_EDGE_KIND_RELAYS:
      return 2;
    default:
      return 0;
  }
}

// A relay cycle as "a -> b -> ... -> a"; a long ring shows its first members and its size.
std::string RelayCycleText(const v1::RelayCycle& cycle) {
  constexpr int kShown = 10;
  std::string text;
  for (int i = 0; i < cycle.claim_ids_size() && i < kShown; ++i) {
    text += cycle.claim_ids(i) + " -> ";
  }
  if (cycle.claim_ids_size() > kShown) {
    text += "... (" + std::to_string(cycle.claim_ids_size()) + " claims) -> ";
  }
  return text + (cycle.claim_ids().empty() ? std::string() : cycle.claim_ids(0));
}

void PrintTraceSummary(std::ostream& o, const v1::Trace& trace);

void PrintTraceText(CliContext& cli, const v1::Trace& trace) {
  std::unordered_map<std::string, const v1::TraceNode*> nodes;
  for (const auto& node : trace.nodes()) nodes[node.key()] = &node;
  std::unordered_map<std::string, std::vector<const v1::TraceEdge*>> out;
  for (const auto& edge : trace.edges()) out[edge.from_key()].push_back(&edge);
  for (auto& [key, edges] : out) {
    std::stable_sort(edges.begin(), edges.end(), [](const auto* a, const auto* b) {
      return EdgeOrder(a->kind()) < EdgeOrder(b->kind());
    });
  }
  std::map<std::string, std::vector<std::string>> flags;
  for (const auto& flag : trace.flags()) {
    std::string text = FlagName(flag.kind());
    if (!flag.related_key().empty()) text += " " + flag.related_key();
    flags[flag.node_key()].push_back(text);
  }
  // Depth-first from the starting nodes with an explicit stack; a node met again is referred to.
  struct Item {
    std::string key;
    std::string via;
    size_t level;
  };
  std::vector<Item> stack;
  for (auto it = trace.nodes().rbegin(); it != trace.nodes().rend(); ++it) {
    if (it->depth() == 0) stack.push_back({it->key(), "", 0});
  }
  std::set<std::string> printed;
  std::ostream& o = *cli.out;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    std::string indent(std::min(item.level, kMaxIndent) * 2, ' ');
    if (item.level > kMaxIndent) indent += "[" + std::to_string(item.level) + "] ";
    std::string prefix = item.via.empty() ? "" : item.via + " -> ";
    auto node = nodes.find(item.key);
    if (node == nodes.end()) continue;
    if (!printed.insert(item.key).second) {
      o << indent << prefix << item.key << " (above)\n";
      continue;
    }
    o << indent << prefix << NodeText(*node->second);
    for (const auto& flag : flags[item.key]) o << "  !" << flag;
    o << "\n";
    const auto& edges = out[item.key];
    for (auto edge = edges.rbegin(); edge != edges.rend(); ++edge) {
      stack.push_back({(*edge)->to_key(), EdgeName(**edge), item.level + 1});
    }
  }
  PrintTraceSummary(o, trace);
  if (trace.truncated()) o << "(truncated at " << trace.nodes_size() << " nodes)\n";
}

// One page of a paged trace, as a list: its nodes (with their flags) and its edges; the first
// page also gives the summaries.
template <typename Response>
void PrintTracePage(CliContext& cli, const Response& page) {
  const v1::Trace& trace = page.trace();
  std::map<std::string, std::vector<std::string>> flags;
  for (const auto& flag : trace.flags()) {
    std::string text = FlagName(flag.kind());
    if (!flag.related_key().empty()) text += " " + flag.related_key();
    flags[flag.node_key()].push_back(text);
  }
  std::ostream& o = *cli.out;
  for (const auto& node : trace.nodes()) {
    o << "[" << node.depth() << "] " << node.key() << "  " << NodeText(node);
    for (const auto& flag : flags[node.key()]) o << "  !" << flag;
    o << "\n";
  }
  for (const auto& edge : trace.edges()) {
    o << "  " << edge.from_key() << " -> " << EdgeName(edge) << " -> " << edge.to_key() << "\n";
  }
  o << "(" << trace.nodes_size() << " nodes and " << trace.edges_size() << " edges of "
    << page.total_nodes() << " and " << page.total_edges() << ")\n";
  const bool first = trace.root_claim_ids_size() + trace.root_source_ids_size() > 0 ||
                     trace.first_claim_ids_size() + trace.first_source_ids_size() > 0;
  if (first) PrintTraceSummary(o, trace);
  if (trace.truncated()) o << "(truncated at " << page.total_nodes() << " nodes)\n";
  if (!page.next_page_token().empty()) {
    o << "next page: --page-token " << page.next_page_token() << "\n";
  }
}

// Adds a trace page to the pages before it: only the first page has the summaries.
template <typename Response>
void MergeTracePage(const Response& page, Response* all) {
  const v1::Trace& from = page.trace();
  v1::Trace* into = all->mutable_trace();
  for (const auto& node : from.nodes()) *into->add_nodes() = node;
  for (const auto& edge : from.edges()) *into->add_edges() = edge;
  for (const auto& flag : from.flags()) *into->add_flags() = flag;
  for (const auto& id : from.root_claim_ids()) into->add_root_claim_ids(id);
  for (const auto& id : from.root_source_ids()) into->add_root_source_ids(id);
  for (const auto& id : from.first_claim_ids()) into->add_first_claim_ids(id);
  for (const auto& id : from.first_source_ids()) into->add_first_source_ids(id);
  for (const auto& cycle : from.cycles()) *into->add_cycles() = cycle;
  for (const auto& cycle : from.relay_cycles()) *into->add_relay_cycles() = cycle;
  into->set_truncated(from.truncated());
  if (from.has_as_of()) *into->mutable_as_of() = from.as_of();
  all->set_total_nodes(page.total_nodes());
  all->set_total_edges(page.total_edges());
}

void PrintTraceSummary(std::ostream& o, const v1::Trace& trace) {
  auto list = [](const google::protobuf::RepeatedPtrField<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
    return text.empty() ? std::string("-") : text;
  };
  o << "\nwho said it first:      " << list(trace.first_claim_ids()) << "\n";
  o << "where it first appeared: " << list(trace.first_source_ids()) << "\n";
  o << "root claims:            " << list(trace.root_claim_ids()) << "\n";
  o << "root documents:         " << list(trace.root_source_ids()) << "\n";
  for (const auto& cycle : trace.cycles()) {
    o << "circular reporting:     " << list(cycle.source_ids()) << "\n";
  }
  for (const auto& cycle : trace.relay_cycles()) {
    o << "relay cycle: " << RelayCycleText(cycle) << "\n";
  }
}

// Prints a trace answer (merged from its pages when paged): JSON, DOT or the text tree; one page
// of a paged answer as a list.
template <typename Response>
int PrintTraceAnswer(CliContext& cli, const Arguments& arguments, const Response& response,
                     bool paged, const std::string& format, const std::string& claim_id,
                     const std::string& statement_id) {
  if (cli.json) {
    if (paged) {
      PrintJson(cli, response);
    } else {
      PrintJson(cli, response.trace());
    }
  } else if (format == "dot") {
    PrintTraceDot(cli, response.trace(), claim_id, statement_id);
  } else if (paged && !arguments.Has("all")) {
    PrintTracePage(cli, response);
  } else {
    PrintTraceText(cli, response.trace());
  }
  return 0;
}

int Trace(CliContext& cli, const Arguments& arguments) {
  std::string id = arguments.Positional(0, "CLAIM_ID or STATEMENT_ID");
  std::string format = arguments.Get("format").value_or("text");
  if (format != "text" && format != "dot") throw UsageError{"--format: text or dot"};
  bool as_statement = arguments.Has("statement") || !StatementIdFrom(id).empty();
  if (arguments.Has("claim")) as_statement = false;
  int32_t max_nodes = static_cast<int32_t>(arguments.GetInt("max-nodes", 0));
  const bool paged =
      arguments.Has("page-size") || arguments.Has("page-token") || arguments.Has("all");
  if (paged && format == "dot" && !arguments.Has("all")) {
    throw UsageError{"--format dot draws the whole trace: add --all, or leave out --page-size"};
  }
  grpc::Status status;
  if (as_statement) {
    v1::TraceStatementRequest request;
    request.set_statement_id(id);
    request.set_max_nodes(max_nodes);
    request.set_include_inactive(arguments.Has("include-inactive"));
    SetAsOf(arguments, &request);
    v1::TraceStatementResponse response;
    if (paged) {
      status = CallPages(cli, arguments, cli.client->provenance(),
                         &v1::ProvenanceService::Stub::TraceStatement, request, &response,
                         MergeTracePage<v1::TraceStatementResponse>);
    } else {
      status = Call(cli, cli.client->provenance(), &v1::ProvenanceService::Stub::TraceStatement,
                    request, &response);
    }
    if (!status.ok()) return ReportError(cli, status);
    return PrintTraceAnswer(cli, arguments, response, paged, format, "", id);
  }
  v1::TraceClaimRequest request;
  request.set_claim_id(id);
  request.set_max_nodes(max_nodes);
  SetAsOf(arguments, &request);
  v1::TraceClaimResponse response;
  if (paged) {
    status = CallPages(cli, arguments, cli.client->provenance(),
                       &v1::ProvenanceService::Stub::TraceClaim, request, &response,
                       MergeTracePage<v1::TraceClaimResponse>);
  } else {
    status = Call(cli, cli.client->provenance(), &v1::ProvenanceService::Stub::TraceClaim, request,
                  &response);
  }
  if (!status.ok()) return ReportError(cli, status);
  return PrintTraceAnswer(cli, arguments, response, paged, format, id, "");
}

std::string OpinionText(const v1::Opinion& opinion) {
  return "belief " + Number(opinion.belief()) + "  disbelief " + Number(opinion.disbelief()) +
         "  uncertainty " + Number(opinion.uncertainty()) + "  probability " +
         Number(opinion.projected_probability());
}

int Corroborate(CliContext& cli, const Arguments& arguments) {
  v1::CorroborateRequest request;
  request.set_statement_id(arguments.Positional(0, "STATEMENT_ID"));
  request.set_include_inactive(arguments.Has("include-inactive"));
  SetAsOf(arguments, &request);
  v1::CorroborateResponse response;
  // Paged, an origin whose claims span pages comes on each of them with the same index.
  auto status = CallPages(
      cli, arguments, cli.client->provenance(), &v1::ProvenanceService::Stub::Corroborate, request,
      &response, [](const v1::CorroborateResponse& page, v1::CorroborateResponse* all) {
        if (all->statement_id().empty()) {
          *all = page;
          return;
        }
        for (const auto& origin : page.origins()) {
          v1::Origin* into = all->origins_size() > 0 &&
                                     all->origins(all->origins_size() - 1).index() == origin.index()
                                 ? all->mutable_origins(all->origins_size() - 1)
                                 : nullptr;
          if (into == nullptr) {
            *all->add_origins() = origin;
            continue;
          }
          for (const auto& claim : origin.supporting()) *into->add_supporting() = claim;
          for (const auto& claim : origin.refuting()) *into->add_refuting() = claim;
        }
        for (const auto& id : page.discussing_claim_ids()) all->add_discussing_claim_ids(id);
      });
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) {
    PrintJson(cli, response);
    return 0;
  }
  std::ostream& o = *cli.out;
  o << "statement: " << response.statement_id() << "\n";
  o << "independent origins: " << response.origins_for() << " for, "
    << response.origins_against() << " against"
    << (response.single_origin() ? "  (single origin)" : "") << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& origin : response.origins()) {
    const int index = origin.index() + 1;
    std::string keys;
    for (const auto& key : origin.keys()) keys += (keys.empty() ? "" : " ") + key;
    if (origin.circular()) keys += " (circular)";
    auto add = [&](const v1::ClaimContribution& claim) {
      rows.push_back({std::to_string(index), claim.claim_id(),
                      EnumName(v1::Stance_descriptor(), claim.stance()),
                      Number(claim.strength()), Number(claim.confidence_factor()),
                      Number(claim.reliability_factor()), Number(claim.opinion().belief()),
                      Number(claim.opinion().disbelief()),
                      claim.claim_id() == origin.strongest_claim_id() ? "*" : "", keys});
      keys.clear();
    };
    for (const auto& claim : origin.supporting()) add(claim);
    for (const auto& claim : origin.refuting()) add(claim);
  }
  PrintTable(cli,
             {"ORIGIN", "CLAIM", "STANCE", "STRENGTH", "CONF", "RELIAB", "B", "D", "USED",
              "ORIGIN SET"},
             rows);
  o << "\nfused: " << OpinionText(response.fused()) << "\n";
  for (const auto& cycle : response.cycles()) {
    std::string members;
    for (const auto& id : cycle.source_ids()) members += (members.empty() ? "" : ", ") + id;
    o << "circular reporting: " << members << "\n";
  }
  for (const auto& cycle : response.relay_cycles()) {
    o << "relay cycle: " << RelayCycleText(cycle) << "\n";
  }
  if (response.discussing_claim_ids_size() > 0) {
    o << "discussing only: " << response.discussing_claim_ids_size() << " claim(s)\n";
  }
  if (!response.next_page_token().empty()) {
    o << "next page: --page-token " << response.next_page_token() << "\n";
  }
  return 0;
}

int Contradictions(CliContext& cli, const Arguments& arguments) {
  v1::ContradictionsRequest request;
  if (auto entity = arguments.Get("entity")) {
    request.set_entity_id(*entity);
  } else if (auto statement = arguments.Get("statement")) {
    request.set_statement_id(*statement);
  } else if (!arguments.positional.empty()) {
    const std::string& id = arguments.positional[0];
    if (!StatementIdFrom(id).empty())
      request.set_statement_id(id);
    else
      request.set_entity_id(id);
  } else {
    throw UsageError{"--entity ID or --statement ID is required"};
  }
  SetAsOf(arguments, &request);
  return Invoke(
      cli, cli.client->provenance(), &v1::ProvenanceService::Stub::Contradictions, request,
      [&](const v1::ContradictionsResponse& response) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& found : response.contradictions()) {
          std::string claims;
          for (const auto& id : found.claim_ids()) claims += (claims.empty() ? "" : " ") + id;
          rows.push_back({EnumName(v1::ContradictionKind_descriptor(), found.kind()),
                          found.statement_id(),
                          found.other_statement_id().empty() ? "-" : found.other_statement_id(),
                          found.detail(), claims});
        }
        PrintTable(cli, {"KIND", "STATEMENT", "OTHER", "DETAIL", "CLAIMS"}, rows);
        if (response.truncated()) *cli.out << "(truncated)\n";
      });
}

int WhoSaid(CliContext& cli, const Arguments& arguments) {
  v1::WhoSaidRequest request;
  request.set_statement_id(arguments.Positional(0, "STATEMENT_ID"));
  request.set_include_inactive(arguments.Has("include-inactive"));
  SetAsOf(arguments, &request);
  v1::WhoSaidResponse response;
  auto status =
      CallPages(cli, arguments, cli.client->provenance(), &v1::ProvenanceService::Stub::WhoSaid,
                request, &response, [](const v1::WhoSaidResponse& page, v1::WhoSaidResponse* all) {
                  for (const auto& said : page.attributions()) {
                    *all->add_attributions() = said;
                  }
                  all->set_truncated(page.truncated());
                });
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) {
    PrintJson(cli, response);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& said : response.attributions()) {
    const v1::Claim& claim = said.claim();
    std::string who = said.has_claimant()
                          ? said.claimant().name()
                          : "(unnamed) " + claim.claimant().some_value().description();
    rows.push_back({Day(claim.claimed_at()), who,
                    said.has_on_behalf_of() ? said.on_behalf_of().name() : "-",
                    EnumName(v1::ClaimAct_descriptor(), claim.act()),
                    EnumName(v1::Stance_descriptor(), claim.stance()),
                    EnumName(v1::Certainty_descriptor(), claim.certainty()),
                    claim.estimative_word().empty() ? "-" : claim.estimative_word(),
                    said.has_source() ? said.source().id() : "-",
                    said.has_source() ? Day(said.source().declared_published_at()) : "-",
                    EnumName(v1::ClaimStatus_descriptor(), claim.status()), claim.id()});
  }
  PrintTable(cli,
             {"SAID", "CLAIMANT", "FOR", "ACT", "STANCE", "CERTAINTY", "WORD", "SOURCE", "DECLARED",
              "STATUS", "CLAIM"},
             rows);
  if (!response.next_page_token().empty()) {
    *cli.out << "next page: --page-token " << response.next_page_token() << "\n";
  }
  if (response.truncated()) *cli.out << "(truncated: use --page-size or --all)\n";
  return 0;
}

int ClaimsBy(CliContext& cli, const Arguments& arguments) {
  v1::ClaimsByRequest request;
  request.set_entity_id(arguments.Positional(0, "ENTITY_ID"));
  request.set_include_inactive(arguments.Has("include-inactive"));
  request.set_max_claims(static_cast<int32_t>(arguments.GetInt("max-claims", 0)));
  SetAsOf(arguments, &request);
  v1::ClaimsByResponse response;
  // Paged, the totals of each page count its claims: their sums are the answer's.
  auto status = CallPages(cli, arguments, cli.client->provenance(),
                          &v1::ProvenanceService::Stub::ClaimsBy, request, &response,
                          [](const v1::ClaimsByResponse& page, v1::ClaimsByResponse* all) {
                            for (const auto& record : page.claims()) *all->add_claims() = record;
                            all->set_borne_out(all->borne_out() + page.borne_out());
                            all->set_contradicted(all->contradicted() + page.contradicted());
                            all->set_mixed(all->mixed() + page.mixed());
                            all->set_unassessed(all->unassessed() + page.unassessed());
                            all->set_truncated(page.truncated());
                          });
  if (!status.ok()) return ReportError(cli, status);
  if (cli.json) {
    PrintJson(cli, response);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : response.claims()) {
    const v1::Claim& claim = record.claim();
    rows.push_back({Day(claim.claimed_at()), claim.id(), claim.statement_id(),
                    EnumName(v1::Stance_descriptor(), claim.stance()),
                    EnumName(v1::TrackOutcome_descriptor(), record.outcome())});
  }
  PrintTable(cli, {"SAID", "CLAIM", "STATEMENT", "STANCE", "OUTCOME"}, rows);
  *cli.out << "\nborne out " << response.borne_out() << ", contradicted " << response.contradicted()
           << ", mixed " << response.mixed() << ", unassessed " << response.unassessed() << "\n";
  if (!response.next_page_token().empty()) {
    *cli.out << "next page: --page-token " << response.next_page_token() << "\n";
  }
  if (response.truncated()) *cli.out << "(truncated: use --page-size or --all)\n";
  return 0;
}

}  // namespace

void RegisterProvenanceCommands(CommandTable& table) {
  const Option inactive = {"include-inactive", "",
                           "count retracted, corrected and deprecated claims too"};
  table.Add({"trace",
             "the provenance of a claim or statement: tree (roots last) or Graphviz DOT",
             {{"ID", "a claim id, or a statement id (st_...)"}},
             {{"claim", "", "ID is a claim"},
              {"statement", "", "ID is a statement"},
              {"format", "text|dot", "an indented tree (default) or Graphviz DOT"},
              {"max-nodes", "N", "stop the walk at N nodes"},
              {"page-size", "N", "nodes and edges per page (a page is listed, not drawn)"},
              {"page-token", "TOKEN", "the page a previous call named"},
              {"all", "", "follow the pages to the last one (draws the whole trace)"},
              inactive,
              AsOfOption()},
             Trace});
  table.Add({"corroborate",
             "independent origins for and against a statement, with the fused confidence",
             {{"STATEMENT_ID", "the statement"}},
             {inactive,
              {"page-size", "N", "claims per page (each page: every summary, its origins)"},
              {"page-token", "TOKEN", "the page a previous call named"},
              {"all", "", "follow the pages to the last one"},
              AsOfOption()},
             Corroborate});
  table.Add({"contradictions",
             "contradictions about an entity or a statement",
             {{"ID", "an entity id, or a statement id (st_...)", false}},
             {{"entity", "ID", "about this entity"},
              {"statement", "ID", "about this statement"},
              AsOfOption()},
             Contradictions});
  table.Add({"who-said",
             "every claimant of a statement, when and where",
             {{"STATEMENT_ID", "the statement"}},
             {inactive,
              {"page-size", "N", "attributions per page"},
              {"page-token", "TOKEN", "the page a previous call named"},
              {"all", "", "follow the pages to the last one"},
              AsOfOption()},
             WhoSaid});
  table.Add({"claims-by",
             "what an entity has claimed and how it was assessed since",
             {{"ENTITY_ID", "the claimant"}},
             {inactive,
              {"max-claims", "N", "unpaged: at most N claims"},
              {"page-size", "N", "claims per page (the totals then count the pages shown)"},
              {"page-token", "TOKEN", "the page a previous call named"},
              {"all", "", "follow the pages to the last one"},
              AsOfOption()},
             ClaimsBy});
}

}  // namespace claimgraph::cli
