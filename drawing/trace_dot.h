// TraceDot: a claim's or statement's provenance trace as a Graphviz drawing a person can read:
// the proposition as its title, claims coloured by stance, node kinds by shape (claims boxes,
// documents notes, agents ellipses, bases hexagons), flagged nodes outlined with the flag named,
// retracted claims dashed, long labels wrapped, laid out top to bottom from the traced claims
// to their roots (so it fits a laptop's width), and a legend below. With `node_url`, each node
// links to its page (SVG output).
#pragma once

#include <functional>
#include <string>

#include "claimgraph/v1/provenance_service.pb.h"

namespace claimgraph::drawing {

struct TraceDotOptions {
  // The proposition in words (PropositionText); empty: no title.
  std::string title;
  // A node's page; empty or null: no link.
  std::function<std::string(const v1::TraceNode&)> node_url;
  // Label lines of claims and documents are wrapped at this many characters, those of agents
  // and bases (names, short descriptions) at short_wrap.
  size_t wrap = 24;
  size_t short_wrap = 14;
};

std::string TraceDot(const v1::Trace& trace, const TraceDotOptions& options);

}  // namespace claimgraph::drawing
