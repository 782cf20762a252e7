// TraceDot: nodes, edges, flags and the legend.
#include "drawing/trace_dot.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <set>
#include <vector>

#include "drawing/dot_text.h"

namespace claimgraph::drawing {
namespace {

std::string Day(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "?";
  return google::protobuf::util::TimeUtil::ToString(timestamp).substr(0, 10);
}

// Lower-case enum value name without its prefix, underscores as spaces.
std::string Words(const google::protobuf::EnumDescriptor* descriptor, int value,
                  std::string_view prefix) {
  const auto* enum_value = descriptor->FindValueByNumber(value);
  std::string name = enum_value ? enum_value->name() : std::to_string(value);
  if (name.compare(0, prefix.size(), prefix) == 0) name = name.substr(prefix.size());
  for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return name;
}

std::string FlagText(v1::TraceFlagKind kind) {
  return Words(v1::TraceFlagKind_descriptor(), kind, "TRACE_FLAG_KIND_");
}

std::string EdgeText(const v1::TraceEdge& edge) {
  if (edge.kind() == v1::TRACE_EDGE_KIND_DERIVED_FROM &&
      edge.derivation_type() != v1::DERIVATION_TYPE_UNSPECIFIED) {
    return Words(v1::DerivationType_descriptor(), edge.derivation_type(), "DERIVATION_TYPE_");
  }
  return Words(v1::TraceEdgeKind_descriptor(), edge.kind(), "TRACE_EDGE_KIND_");
}

struct Look {
  std::string shape;
  std::string colour;
  std::string fill;
};

Look StanceLook(v1::Stance stance) {
  switch (stance) {
    case v1::STANCE_SUPPORTS:
      return {"box", std::string(kSupportsColour), std::string(kSupportsFill)};
    case v1::STANCE_REFUTES:
      return {"box", std::string(kRefutesColour), std::string(kRefutesFill)};
    default:
      return {"box", std::string(kNeutralColour), std::string(kNeutralFill)};
  }
}

std::string NodeAttributes(const Look& look, const std::string& label, bool dashed, bool bold) {
  std::string style = "filled";
  if (look.shape == "box") style += ",rounded";
  if (dashed) style += ",dashed";
  if (bold) style += ",bold";
  return "shape=" + look.shape + ", style=" + DotQuote(style) + ", color=" + DotQuote(look.colour) +
         ", fillcolor=" + DotQuote(look.fill) + ", label=" + DotQuote(label);
}

void Legend(std::string* out) {
  *out +=
      "  subgraph cluster_legend {\n"
      "    label=\"Legend\"; fontsize=10; color=\"#d0d7de\"; rank=same;\n"
      "    node [fontsize=9, width=0, height=0, margin=\"0.06,0.03\"];\n";
  auto item = [&](const std::string& key, const Look& look, const std::string& label, bool dashed,
                  bool bold) {
    *out += "    " + DotQuote(key) + " [" + NodeAttributes(look, label, dashed, bold) + "];\n";
  };
  item("legend:supports", StanceLook(v1::STANCE_SUPPORTS), "claim supports", false, false);
  item("legend:refutes", StanceLook(v1::STANCE_REFUTES), "claim refutes", false, false);
  item("legend:other", StanceLook(v1::STANCE_UNSPECIFIED), "claim discusses", false, false);
  item("legend:inactive", StanceLook(v1::STANCE_UNSPECIFIED), "retracted claim", true, false);
  item("legend:source", {"note", "#0969da", "#ddf4ff"}, "document", false, false);
  item("legend:agent", {"ellipse", "#6e7781", "#ffffff"}, "agent", false, false);
  item("legend:basis", {"hexagon", "#6e7781", "#fff8c5"}, "basis", false, false);
  item("legend:flag", {"box", std::string(kFlagColour), "#fbefff"}, "flagged (named)", false, true);
  *out +=
      "    \"legend:supports\" -> \"legend:refutes\" -> \"legend:other\" -> \"legend:inactive\" "
      "-> \"legend:source\" -> \"legend:agent\" -> \"legend:basis\" -> \"legend:flag\" "
      "[style=invis];\n  }\n";
}

}  // namespace

std::string TraceDot(const v1::Trace& trace, const TraceDotOptions& options) {
  std::map<std::string, std::vector<std::string>> flags;
  for (const auto& flag : trace.flags()) flags[flag.node_key()].push_back(FlagText(flag.kind()));
  std::set<std::string> in_cycle;
  for (const auto& cycle : trace.cycles()) {
    for (const auto& id : cycle.source_ids()) in_cycle.insert("source:" + id);
  }
  for (const auto& cycle : trace.relay_cycles()) {
    for (const auto& id : cycle.claim_ids()) in_cycle.insert("claim:" + id);
  }
  // Agents who made claims: where they also published a document, that edge is laid out
  // reversed (drawn as usual), so the agent sits between its claims and its documents instead
  // of below the deepest document with its claimant edges spanning the drawing.
  std::set<std::string> claimants;
  for (const auto& edge : trace.edges()) {
    if (edge.kind() == v1::TRACE_EDGE_KIND_CLAIMANT ||
        edge.kind() == v1::TRACE_EDGE_KIND_ON_BEHALF_OF) {
      claimants.insert(edge.to_key());
    }
  }
  // Top to bottom: a trace is deep (claims relaying claims found in documents quoting
  // documents), and its depth goes down the page, its breadth across, so the drawing of the
  // sample article fits a laptop's width at full size. Edge labels are external labels, placed
  // after the layout, so they do not push the nodes apart.
  std::string out =
      "digraph trace {\n  rankdir=TB; newrank=true; forcelabels=true; nodesep=0.15; "
      "ranksep=0.35;\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.1,0.05\"];\n";
  out +=
      "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#8c959f\", fontcolor=\"#57606a\", "
      "arrowsize=0.6];\n";
  if (!options.title.empty()) {
    out += "  labelloc=t; fontname=\"Helvetica\"; fontsize=14; label=" +
           DotQuote(Wrap(options.title, options.wrap * 3)) + ";\n";
  }
  for (const auto& node : trace.nodes()) {
    Look look;
    std::string label;
    bool dashed = false;
    switch (node.kind()) {
      case v1::TRACE_NODE_KIND_CLAIM:
        look = StanceLook(node.stance());
        label = Wrap(node.label(), options.wrap) + "\n" +
                Words(v1::Stance_descriptor(), node.stance(), "STANCE_") + "\nsaid " +
                Day(node.claimed_at());
        dashed = node.status() != v1::CLAIM_STATUS_ACTIVE &&
                 node.status() != v1::CLAIM_STATUS_UNSPECIFIED;
        if (dashed)
          label +=
              "\n(" + Words(v1::ClaimStatus_descriptor(), node.status(), "CLAIM_STATUS_") + ")";
        break;
      case v1::TRACE_NODE_KIND_SOURCE:
        look = {"note", "#0969da", "#ddf4ff"};
        label = Wrap(node.label(), options.wrap) + "\npublished " +
                Day(node.declared_published_at()) + "\nfirst seen " + Day(node.first_seen_at());
        break;
      case v1::TRACE_NODE_KIND_AGENT:
        look = {"ellipse", "#6e7781", "#ffffff"};
        label = Wrap(node.label().empty() ? node.id() : node.label(), options.short_wrap);
        break;
      default:
        look = {"hexagon", "#6e7781", "#fff8c5"};
        label = Wrap(node.label().empty() ? node.id() : node.label(), options.short_wrap);
        break;
    }
    bool flagged = !flags[node.key()].empty() || in_cycle.count(node.key()) > 0;
    for (const auto& flag : flags[node.key()]) label += "\n\u26a0 " + flag;
    if (flagged) look.colour = std::string(kFlagColour);
    out += "  " + DotQuote(node.key()) + " [" + NodeAttributes(look, label, dashed, flagged);
    if (node.root()) out += ", peripheries=2";
    if (flagged) out += ", penwidth=2";
    std::string url = options.node_url ? options.node_url(node) : "";
    if (!url.empty()) {
      out += ", URL=" + DotQuote(url) + ", target=\"_top\", tooltip=" + DotQuote(node.key());
    }
    out += "];\n";
  }
  std::set<std::string> has_out_edge;
  for (const auto& edge : trace.edges()) {
    bool reversed =
        edge.kind() == v1::TRACE_EDGE_KIND_PUBLISHED_BY && claimants.count(edge.to_key()) > 0;
    const std::string& tail = reversed ? edge.to_key() : edge.from_key();
    const std::string& head = reversed ? edge.from_key() : edge.to_key();
    has_out_edge.insert(tail);
    out += "  " + DotQuote(tail) + " -> " + DotQuote(head) + " [xlabel=" + DotQuote(EdgeText(edge));
    if (reversed) out += ", dir=back";
    switch (edge.kind()) {
      case v1::TRACE_EDGE_KIND_CLAIMANT:
      case v1::TRACE_EDGE_KIND_ON_BEHALF_OF:
      case v1::TRACE_EDGE_KIND_PUBLISHED_BY:
        // Who said or published it: kept short, beside its claim or document.
        out += ", weight=4, style=dashed";
        break;
      default:
        out += ", weight=2, color=\"#424a53\"";
        break;
    }
    if (in_cycle.count(edge.from_key()) && in_cycle.count(edge.to_key())) {
      out += ", color=" + DotQuote(kFlagColour) + ", penwidth=2";
    }
    out += "];\n";
  }
  int index = 0;
  auto cluster = [&](std::string_view label, const std::string& prefix, const auto& ids) {
    out += "  subgraph cluster_cycle_" + std::to_string(index++) +
           " {\n    label=" + DotQuote(label) + "; fontsize=10; color=" + DotQuote(kFlagColour) +
           "; style=dashed;\n";
    for (const auto& id : ids) out += "    " + DotQuote(prefix + id) + ";\n";
    out += "  }\n";
  };
  for (const auto& cycle : trace.cycles())
    cluster("circular reporting", "source:", cycle.source_ids());
  for (const auto& cycle : trace.relay_cycles()) {
    cluster("circular reporting (relays)", "claim:", cycle.claim_ids());
  }
  Legend(&out);
  // The legend below everything: after every node that has no edge leaving it.
  for (const auto& node : trace.nodes()) {
    if (has_out_edge.count(node.key()) == 0) {
      out += "  " + DotQuote(node.key()) + " -> \"legend:supports\" [style=invis, weight=0];\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace claimgraph::drawing
