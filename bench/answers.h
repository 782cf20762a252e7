// The provenance answers every benchmarked system gives, in one canonical form (JSON text), so
// bench/report.py compares them element by element: ids as sorted sets (or in their defined
// order), fused opinions as numbers (compared to 1e-9). load_generator fills these from
// claimgraphd's responses, pg_bench from what it computes over PostgreSQL's rows.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

namespace claimgraph::bench {

// docs/provenance.md section 1: everything of a trace that is an answer (not its layout).
struct TraceAnswer {
  std::vector<std::string> nodes;  // node keys, every kind
  std::vector<std::string> root_claims, root_sources, first_claims, first_sources;
  std::vector<std::tuple<int, std::string, std::string>> flags;  // kind, node key, related key
  std::vector<std::vector<std::string>> cycles;        // derivation cycles, members sorted
  std::vector<std::vector<std::string>> relay_cycles;  // in relay order
};

struct OriginAnswer {
  std::vector<std::string> claims;  // supporting and refuting claim ids
  std::vector<std::string> keys;
  std::string strongest;
  bool circular = false;
  double belief = 0, disbelief = 0, uncertainty = 1;  // the contribution
};

// docs/provenance.md sections 2 and 3.
struct CorroborationAnswer {
  int origins_for = 0, origins_against = 0, supporting = 0, refuting = 0;
  double belief = 0, disbelief = 0, uncertainty = 1, probability = 0.5;  // fused
  std::vector<OriginAnswer> origins;
  std::vector<std::string> discussing;
  std::vector<std::vector<std::string>> cycles;
};

namespace answers_detail {

inline void String(const std::string& text, std::string* out) {
  out->push_back('"');
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      *out += escaped;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

inline void Strings(std::vector<std::string> values, bool sort, std::string* out) {
  if (sort) std::sort(values.begin(), values.end());
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    String(values[i], out);
  }
  out->push_back(']');
}

inline void Lists(std::vector<std::vector<std::string>> lists, bool sort_members,
                  std::string* out) {
  if (sort_members) {
    for (auto& list : lists) std::sort(list.begin(), list.end());
  }
  std::sort(lists.begin(), lists.end());
  out->push_back('[');
  for (size_t i = 0; i < lists.size(); ++i) {
    if (i > 0) out->push_back(',');
    Strings(lists[i], false, out);
  }
  out->push_back(']');
}

inline void Field(const char* name, std::string* out) {
  if (out->back() != '{') out->push_back(',');
  String(name, out);
  out->push_back(':');
}

inline void Number(double value, std::string* out) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  *out += text;
}

}  // namespace answers_detail

inline std::string Canonical(const TraceAnswer& answer) {
  using namespace answers_detail;
  std::string out = "{";
  Field("nodes", &out);
  Strings(answer.nodes, true, &out);
  Field("root_claims", &out);
  Strings(answer.root_claims, true, &out);
  Field("root_sources", &out);
  Strings(answer.root_sources, true, &out);
  Field("first_claims", &out);
  Strings(answer.first_claims, true, &out);
  Field("first_sources", &out);
  Strings(answer.first_sources, true, &out);
  std::vector<std::string> flags;
  for (const auto& [kind, node, related] : answer.flags) {
    flags.push_back(std::to_string(kind) + " " + node + " " + related);
  }
  Field("flags", &out);
  Strings(flags, true, &out);
  Field("cycles", &out);
  Lists(answer.cycles, true, &out);
  Field("relay_cycles", &out);
  Lists(answer.relay_cycles, false, &out);
  return out + "}";
}

inline std::string Canonical(const CorroborationAnswer& answer) {
  using namespace answers_detail;
  std::string out = "{";
  Field("origins_for", &out);
  Number(answer.origins_for, &out);
  Field("origins_against", &out);
  Number(answer.origins_against, &out);
  Field("supporting", &out);
  Number(answer.supporting, &out);
  Field("refuting", &out);
  Number(answer.refuting, &out);
  Field("b", &out);
  Number(answer.belief, &out);
  Field("d", &out);
  Number(answer.disbelief, &out);
  Field("u", &out);
  Number(answer.uncertainty, &out);
  Field("p", &out);
  Number(answer.probability, &out);
  // Origins in the order of their smallest claim id: the grouping, not the listing order.
  std::vector<std::pair<std::string, std::string>> origins;
  for (OriginAnswer origin : answer.origins) {
    std::sort(origin.claims.begin(), origin.claims.end());
    std::string text = "{";
    Field("claims", &text);
    Strings(origin.claims, false, &text);
    Field("keys", &text);
    Strings(origin.keys, true, &text);
    Field("strongest", &text);
    String(origin.strongest, &text);
    Field("circular", &text);
    text += origin.circular ? "true" : "false";
    Field("b", &text);
    Number(origin.belief, &text);
    Field("d", &text);
    Number(origin.disbelief, &text);
    Field("u", &text);
    Number(origin.uncertainty, &text);
    origins.emplace_back(origin.claims.empty() ? "" : origin.claims.front(), text + "}");
  }
  std::sort(origins.begin(), origins.end());
  Field("origins", &out);
  out.push_back('[');
  for (size_t i = 0; i < origins.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += origins[i].second;
  }
  out.push_back(']');
  Field("discussing", &out);
  Strings(answer.discussing, true, &out);
  Field("cycles", &out);
  Lists(answer.cycles, true, &out);
  return out + "}";
}

}  // namespace claimgraph::bench
