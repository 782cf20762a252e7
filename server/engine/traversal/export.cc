// Subgraph export: JSON, DOT and GraphML writers with their escaping rules.
#include "engine/traversal/export.h"

#include <cstdio>
#include <map>

#include "drawing/dot_text.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/text.h"

namespace claimgraph::traversal {
namespace {

std::string JsonString(std::string_view text) {
  std::string out;
  text::AppendJsonString(text, &out);
  return out;
}

std::string XmlText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  return buffer;
}

// The subgraph drawing: entities by name and type, the start entities bold, each edge labelled
// with its predicate, the statement's qualifiers (so parallel edges differ), P (the statement's
// fused probability, or the best claim confidence before scoring) and its claim counts, and
// coloured by stance; the start entities as the title, a legend.
std::string SubgraphDot(const ReadView& view, const SubgraphResult& subgraph,
                        const std::vector<EntityDescription>& entities,
                        const std::vector<EdgeDescription>& edges, const std::string& cut) {
  using drawing::DotQuote;
  std::map<std::string, std::string> names;
  std::string title;
  for (size_t i = 0; i < entities.size(); ++i) {
    names[entities[i].id] = entities[i].name;
    if (subgraph.entities[i].depth == 0) {
      title += StrCat(title.empty() ? "" : ", ",
                      entities[i].name.empty() ? entities[i].id : entities[i].name);
    }
  }
  // Qualifiers name entities outside the subgraph too (the countries of a shipping route, say):
  // those are read, once each, so the drawing shows names; an entity that cannot be read keeps
  // its id.
  auto name_of = [&](const std::string& id) {
    auto [at, inserted] = names.emplace(id, "");
    if (inserted) {
      auto entity = view.GetEntity(id);
      if (entity.ok()) at->second = entity->name();
    }
    return at->second;
  };
  std::string out = "digraph claimgraph {\n  rankdir=LR; nodesep=0.3;\n";
  out +=
      StrCat("  labelloc=t; fontname=\"Helvetica\"; fontsize=14; label=",
             DotQuote(drawing::Wrap(
                 StrCat("Around ", title, cut.empty() ? "" : StrCat(" (cut by: ", cut, ")")), 90)),
             ";\n");
  out +=
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f6f8fa\", color=\"#6e7781\", "
      "fontname=\"Helvetica\", fontsize=10];\n"
      "  edge [fontname=\"Helvetica\", fontsize=8, fontcolor=\"#424a53\", arrowsize=0.6];\n";
  for (size_t i = 0; i < entities.size(); ++i) {
    const auto& entity = entities[i];
    std::string label = drawing::Wrap(entity.name.empty() ? entity.id : entity.name, 24);
    if (!entity.type.empty()) label += StrCat("\n(", entity.type, ")");
    out += StrCat("  ", DotQuote(entity.id), " [label=", DotQuote(label),
                  subgraph.entities[i].depth == 0 ? ", penwidth=2.5, fillcolor=\"#ddf4ff\"" : "",
                  "];\n");
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto& fields = subgraph.edges[i].fields;
    std::string predicate = edges[i].predicate;
    for (char& c : predicate) c = c == '_' ? ' ' : c;
    std::string label = predicate;
    // Qualifiers tell parallel edges apart; a statement that cannot be read is drawn without.
    auto statement = view.GetStatement(edges[i].statement_id);
    if (statement.ok()) {
      for (const auto& qualifier : statement->qualifiers()) {
        label +=
            StrCat("\n", qualifier.key(), ": ", drawing::ValueText(qualifier.value(), name_of));
      }
    }
    label += StrCat("\n", drawing::ProbabilityText(fields.confidence), " \u00b7 ", fields.claims,
                    fields.claims == 1 ? " claim" : " claims");
    if (fields.refuting > 0) label += StrCat(", ", fields.refuting, " against");
    std::string_view colour = fields.refuting == 0     ? drawing::kSupportsColour
                              : fields.supporting == 0 ? drawing::kRefutesColour
                                                       : drawing::kDisputedColour;
    out += StrCat("  ", DotQuote(edges[i].subject_id), " -> ", DotQuote(edges[i].object_id),
                  " [label=", DotQuote(label), ", color=", DotQuote(colour),
                  ", tooltip=", DotQuote(edges[i].statement_id), "];\n");
  }
  out += StrCat(
      "  subgraph cluster_legend {\n    label=\"Legend\"; fontsize=10; color=\"#d0d7de\";\n"
      "    node [shape=plaintext, style=\"\", fontsize=9];\n"
      "    \"legend:a\" [label=\"\"]; \"legend:b\" [label=\"\"]; \"legend:c\" [label=\"\"];\n"
      "    \"legend:d\" [label=\"\"]; \"legend:e\" [label=\"\"]; \"legend:f\" [label=\"\"];\n"
      "    \"legend:a\" -> \"legend:b\" [label=\"supported\", color=",
      DotQuote(drawing::kSupportsColour),
      "];\n    \"legend:c\" -> \"legend:d\" [label=\"disputed\", color=",
      DotQuote(drawing::kDisputedColour),
      "];\n    \"legend:e\" -> \"legend:f\" [label=\"refuted\", color=",
      DotQuote(drawing::kRefutesColour),
      "];\n    \"legend:p\" [label=\"P = the statement's fused probability\\lof being true\\l\"];\n"
      "  }\n}\n");
  return out;
}

}  // namespace

absl::StatusOr<EntityDescription> Describer::Entity(uint64_t entity) {
  auto cached = entities_.find(entity);
  if (cached != entities_.end()) return cached->second;
  EntityDescription description;
  CG_ASSIGN_OR_RETURN(description.id, EntityId(entity));
  CG_ASSIGN_OR_RETURN(auto record, view_->EntityByInternalId(entity));
  if (record) {
    description.name = record->name();
    description.type = record->type();
  }
  entities_[entity] = description;
  return description;
}

absl::StatusOr<std::string> Describer::EntityId(uint64_t entity) {
  if (known_ids_ != nullptr) {
    if (auto dense = known_ids_->Dense(entity)) return std::string(known_ids_->ExternalId(*dense));
  }
  return view_->ExternalId(keys::IdKind::kEntity, entity);
}

absl::StatusOr<std::string> Describer::Predicate(uint32_t predicate) {
  if (known_ids_ != nullptr) {
    if (auto name = known_ids_->PredicateName(predicate)) return std::string(*name);
  }
  auto cached = predicates_.find(predicate);
  if (cached != predicates_.end()) return cached->second;
  CG_ASSIGN_OR_RETURN(std::string name, view_->ExternalId(keys::IdKind::kPredicate, predicate));
  predicates_[predicate] = name;
  return name;
}

absl::StatusOr<std::string> Describer::StatementId(const Edge& edge) {
  if (known_ids_ != nullptr) {
    // Edges added since the base was built are not in it: those are read.
    if (auto index = known_ids_->FindOutEdge(edge.subject(), edge.predicate, edge.object(),
                                             edge.statement)) {
      return known_ids_->StatementId(*index);
    }
  }
  return view_->ExternalId(keys::IdKind::kStatement, edge.statement);
}

absl::StatusOr<std::string> Describer::CachedEntityId(uint64_t entity) {
  auto cached = entities_.find(entity);
  if (cached != entities_.end()) return cached->second.id;
  return EntityId(entity);
}

absl::StatusOr<EdgeDescription> Describer::Describe(const Edge& edge) {
  // Ids only: the records (names) are read by Entity() when a caller wants them.
  EdgeDescription description;
  CG_ASSIGN_OR_RETURN(description.subject_id, CachedEntityId(edge.subject()));
  CG_ASSIGN_OR_RETURN(description.object_id, CachedEntityId(edge.object()));
  CG_ASSIGN_OR_RETURN(description.predicate, Predicate(edge.predicate));
  CG_ASSIGN_OR_RETURN(description.statement_id, StatementId(edge));
  return description;
}

absl::StatusOr<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "json") return ExportFormat::kJson;
  if (name == "dot") return ExportFormat::kDot;
  if (name == "graphml") return ExportFormat::kGraphMl;
  return absl::InvalidArgumentError(
      StrCat("format: must be json, dot or graphml, not '", std::string(name), "'"));
}

absl::StatusOr<std::string> ExportSubgraph(const ReadView& view, const SubgraphResult& subgraph,
                                           ExportFormat format) {
  Describer describer(&view);
  std::vector<EntityDescription> entities;
  for (const auto& reached : subgraph.entities) {
    CG_ASSIGN_OR_RETURN(auto description, describer.Entity(reached.entity));
    entities.push_back(std::move(description));
  }
  std::vector<EdgeDescription> edges;
  for (const auto& edge : subgraph.edges) {
    CG_ASSIGN_OR_RETURN(auto description, describer.Describe(edge));
    edges.push_back(std::move(description));
  }
  const std::string cut = subgraph.cut.Describe();
  std::string out;
  switch (format) {
    case ExportFormat::kJson: {
      out = "{\"entities\":[";
      for (size_t i = 0; i < entities.size(); ++i) {
        if (i) out += ",";
        out += StrCat("{\"id\":", JsonString(entities[i].id),
                      ",\"name\":", JsonString(entities[i].name),
                      ",\"type\":", JsonString(entities[i].type),
                      ",\"depth\":", subgraph.entities[i].depth, "}");
      }
      out += "],\"edges\":[";
      for (size_t i = 0; i < edges.size(); ++i) {
        const auto& fields = subgraph.edges[i].fields;
        if (i) out += ",";
        out +=
            StrCat("{\"subject\":", JsonString(edges[i].subject_id),
                   ",\"predicate\":", JsonString(edges[i].predicate),
                   ",\"object\":", JsonString(edges[i].object_id),
                   ",\"statement_id\":", JsonString(edges[i].statement_id),
                   ",\"confidence\":", Number(fields.confidence), ",\"claims\":", fields.claims,
                   ",\"supporting\":", fields.supporting, ",\"refuting\":", fields.refuting, "}");
      }
      out += StrCat("],\"cut\":", JsonString(cut), "}\n");
      break;
    }
    case ExportFormat::kDot: {
      out = SubgraphDot(view, subgraph, entities, edges, cut);
      break;
    }
    case ExportFormat::kGraphMl: {
      out =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
          "  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
          "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
          "  <key id=\"depth\" for=\"node\" attr.name=\"depth\" attr.type=\"int\"/>\n"
          "  <key id=\"predicate\" for=\"edge\" attr.name=\"predicate\" attr.type=\"string\"/>\n"
          "  <key id=\"statement\" for=\"edge\" attr.name=\"statement_id\" attr.type=\"string\"/>\n"
          "  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" attr.type=\"double\"/>\n"
          "  <key id=\"supporting\" for=\"edge\" attr.name=\"supporting\" attr.type=\"long\"/>\n"
          "  <key id=\"refuting\" for=\"edge\" attr.name=\"refuting\" attr.type=\"long\"/>\n"
          "  <key id=\"cut\" for=\"graph\" attr.name=\"cut\" attr.type=\"string\"/>\n"
          "  <graph id=\"claimgraph\" edgedefault=\"directed\">\n";
      out += StrCat("    <data key=\"cut\">", XmlText(cut), "</data>\n");
      for (size_t i = 0; i < entities.size(); ++i) {
        out += StrCat("    <node id=\"", XmlText(entities[i].id), "\"><data key=\"name\">",
                      XmlText(entities[i].name), "</data><data key=\"type\">",
                      XmlText(entities[i].type), "</data><data key=\"depth\">",
                      subgraph.entities[i].depth, "</data></node>\n");
      }
      for (size_t i = 0; i < edges.size(); ++i) {
        const auto& fields = subgraph.edges[i].fields;
        out += StrCat("    <edge id=\"", XmlText(edges[i].statement_id), "\" source=\"",
                      XmlText(edges[i].subject_id), "\" target=\"", XmlText(edges[i].object_id),
                      "\"><data key=\"predicate\">", XmlText(edges[i].predicate),
                      "</data><data key=\"statement\">", XmlText(edges[i].statement_id),
                      "</data><data key=\"confidence\">", Number(fields.confidence),
                      "</data><data key=\"supporting\">", fields.supporting,
                      "</data><data key=\"refuting\">", fields.refuting, "</data></edge>\n");
      }
      out += "  </graph>\n</graphml>\n";
      break;
    }
  }
  return out;
}

}  // namespace claimgraph::traversal
