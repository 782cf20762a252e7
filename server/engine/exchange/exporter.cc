// Exporter: full and subgraph exports as import records.
#include "engine/exchange/exporter.h"

#include <map>
#include <set>

#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"
#include "engine/strings.h"
#include "engine/validation.h"

namespace claimgraph::exchange {
namespace {

using keys::IdKind;
using keys::TargetKind;
using storage::Family;

// Visits (external id, internal id) pairs in external id order.
using IdVisitor = std::function<absl::Status(std::string_view external, uint64_t internal)>;
using IdLister = std::function<absl::Status(const IdVisitor& visit)>;

// Every id of a kind, from the dictionary (whose forward keys sort by external id).
IdLister DictionaryLister(const ReadView& view, IdKind kind) {
  return [&view, kind](const IdVisitor& visit) -> absl::Status {
    absl::Status failure;
    CG_RETURN_IF_ERROR(
        view.ForEachExternalId(kind, [&](std::string_view external, uint64_t internal) {
          failure = visit(external, internal);
          return failure.ok();
        }));
    return failure;
  };
}

IdLister MapLister(const std::map<std::string, uint64_t>& ids) {
  return [&ids](const IdVisitor& visit) -> absl::Status {
    for (const auto& [external, internal] : ids) CG_RETURN_IF_ERROR(visit(external, internal));
    return absl::OkStatus();
  };
}

template <typename T>
void ClearRecorded(T* record) {
  record->clear_recorded_at();
  record->clear_recorded_by();
}

// The import form of a stored claim: output fields cleared, canonical statement inline.
v1::Claim ImportFormOf(v1::Claim claim) {
  ClearRecorded(&claim);
  claim.clear_status();
  claim.clear_lifecycle();
  claim.clear_probability_low();
  claim.clear_probability_high();
  v1::Statement* statement = claim.mutable_statement();
  statement->clear_id();
  statement->clear_recorded_at();
  return claim;
}

class Exporter {
 public:
  Exporter(const ReadView& view, const RecordVisitor& visit) : view_(view), visit_(visit) {}

  absl::Status Entities(const IdLister& entities) {
    return entities([&](std::string_view, uint64_t internal) -> absl::Status {
      CG_ASSIGN_OR_RETURN(auto entity, view_.EntityByInternalId(internal));
      if (!entity) return absl::OkStatus();
      ClearRecorded(&*entity);
      v1::ImportRecord record;
      *record.mutable_entity() = *std::move(entity);
      return visit_(record);
    });
  }

  absl::Status Sources(const IdLister& sources) {
    // Pass 1: links to sources of larger id are held back; pass 2 emits those sources whole.
    for (int pass = 1; pass <= 2; ++pass) {
      CG_RETURN_IF_ERROR(sources([&](std::string_view external, uint64_t internal) -> absl::Status {
        CG_ASSIGN_OR_RETURN(auto source, view_.SourceByInternalId(internal));
        if (!source) return absl::OkStatus();
        ClearRecorded(&*source);
        v1::Source earlier_links_only = *source;
        earlier_links_only.clear_derived_from();
        for (const auto& link : source->derived_from()) {
          if (link.source_id() < external) *earlier_links_only.add_derived_from() = link;
        }
        bool held_back = earlier_links_only.derived_from_size() != source->derived_from_size();
        if (pass == 2 && !held_back) return absl::OkStatus();
        v1::ImportRecord record;
        *record.mutable_source() = pass == 1 ? std::move(earlier_links_only) : *std::move(source);
        return visit_(record);
      }));
    }
    return sources([&](std::string_view, uint64_t internal) {
      return TargetRecords(TargetKind::kSource, internal);
    });
  }

  absl::Status Statements(const IdLister& statements) {
    return statements([&](std::string_view, uint64_t internal) -> absl::Status {
      CG_ASSIGN_OR_RETURN(auto statement, view_.StatementByInternalId(internal));
      if (!statement) return absl::OkStatus();
      std::vector<uint64_t> claims;
      CG_RETURN_IF_ERROR(view_.ForEachClaimOfStatement(internal, [&](uint64_t claim) {
        claims.push_back(claim);
        return true;
      }));
      std::vector<uint64_t> visible;
      for (uint64_t claim_id : claims) {
        CG_ASSIGN_OR_RETURN(auto claim, view_.ClaimByInternalId(claim_id));
        if (!claim) continue;
        visible.push_back(claim_id);
        v1::ImportRecord record;
        *record.mutable_claim() = ImportFormOf(*std::move(claim));
        CG_RETURN_IF_ERROR(visit_(record));
      }
      for (uint64_t claim_id : visible) {
        CG_RETURN_IF_ERROR(TargetRecords(TargetKind::kClaim, claim_id));
      }
      return TargetRecords(TargetKind::kStatement, internal);
    });
  }

 private:
  // Lifecycle events, then assessments, of one target, in recorded order.
  absl::Status TargetRecords(TargetKind kind, uint64_t target) {
    CG_ASSIGN_OR_RETURN(auto events, view_.LifecycleEvents(kind, target));
    for (auto& event : events) {
      ClearRecorded(&event);
      v1::ImportRecord record;
      *record.mutable_lifecycle_event() = std::move(event);
      CG_RETURN_IF_ERROR(visit_(record));
    }
    CG_ASSIGN_OR_RETURN(auto assessments, view_.Assessments(kind, target));
    for (auto& assessment : assessments) {
      ClearRecorded(&assessment);
      v1::ImportRecord record;
      *record.mutable_assessment() = std::move(assessment);
      CG_RETURN_IF_ERROR(visit_(record));
    }
    return absl::OkStatus();
  }

  const ReadView& view_;
  const RecordVisitor& visit_;
};

// The ids a subgraph export covers, by external id.
struct Subgraph {
  std::map<std::string, uint64_t> entities, sources, statements;
};

class SubgraphCollector {
 public:
  SubgraphCollector(const ReadView& view, Subgraph* out) : view_(view), out_(*out) {}

  absl::Status Collect(const std::vector<std::string>& roots) {
    std::set<uint64_t> statements;
    for (const auto& id : roots) {
      CG_RETURN_IF_ERROR(view_.GetEntity(id).status());
      CG_ASSIGN_OR_RETURN(auto internal, view_.Resolve(IdKind::kEntity, id));
      out_.entities.emplace(id, *internal);
      for (char direction : {keys::kOutEdge, keys::kInEdge}) {
        CG_RETURN_IF_ERROR(view_.ForEachEdge(direction, *internal, std::nullopt,
                                             [&](const keys::EdgeKey& edge, const auto&) {
                                               statements.insert(edge.statement);
                                               return true;
                                             }));
      }
    }
    for (uint64_t statement_id : statements) {
      CG_ASSIGN_OR_RETURN(auto statement, view_.StatementByInternalId(statement_id));
      if (!statement) continue;
      out_.statements.emplace(statement->id(), statement_id);
      CG_RETURN_IF_ERROR(AddStatementReferences(*statement));
      std::vector<uint64_t> claims;
      CG_RETURN_IF_ERROR(view_.ForEachClaimOfStatement(statement_id, [&](uint64_t claim) {
        claims.push_back(claim);
        return true;
      }));
      for (uint64_t claim_id : claims) {
        CG_ASSIGN_OR_RETURN(auto claim, view_.ClaimByInternalId(claim_id));
        if (!claim) continue;
        CG_RETURN_IF_ERROR(AddClaimReferences(*claim));
        CG_RETURN_IF_ERROR(AddTargetReferences(TargetKind::kClaim, claim_id));
      }
      CG_RETURN_IF_ERROR(AddTargetReferences(TargetKind::kStatement, statement_id));
    }
    // Sources pull in their derivation ancestors, publishers, and their own events' actors.
    std::vector<std::string> pending;
    for (const auto& [id, internal] : out_.sources) pending.push_back(id);
    std::set<std::string> expanded;
    while (!pending.empty()) {
      std::string id = std::move(pending.back());
      pending.pop_back();
      if (!expanded.insert(id).second) continue;
      uint64_t internal = out_.sources.at(id);
      CG_ASSIGN_OR_RETURN(auto source, view_.SourceByInternalId(internal));
      if (!source) continue;
      CG_RETURN_IF_ERROR(AddEntity(source->publisher_id()));
      for (const auto& link : source->derived_from()) {
        CG_RETURN_IF_ERROR(AddSource(link.source_id()));
        if (!expanded.count(link.source_id())) pending.push_back(link.source_id());
      }
      CG_RETURN_IF_ERROR(AddTargetReferences(TargetKind::kSource, internal));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Add(IdKind kind, std::string_view id, std::map<std::string, uint64_t>* into) {
    if (id.empty() || into->count(std::string(id))) return absl::OkStatus();
    CG_ASSIGN_OR_RETURN(auto internal, view_.Resolve(kind, id));
    if (!internal)
      return absl::DataLossError(StrCat("reference to unknown id ", validation::Quote(id)));
    into->emplace(std::string(id), *internal);
    return absl::OkStatus();
  }
  absl::Status AddEntity(std::string_view id) { return Add(IdKind::kEntity, id, &out_.entities); }
  absl::Status AddSource(std::string_view id) { return Add(IdKind::kSource, id, &out_.sources); }

  absl::Status AddStatementReferences(const v1::Statement& statement) {
    CG_RETURN_IF_ERROR(AddEntity(statement.subject_id()));
    if (statement.object().kind_case() == v1::Value::kEntityId) {
      CG_RETURN_IF_ERROR(AddEntity(statement.object().entity_id()));
    }
    for (const auto& qualifier : statement.qualifiers()) {
      if (qualifier.value().kind_case() == v1::Value::kEntityId) {
        CG_RETURN_IF_ERROR(AddEntity(qualifier.value().entity_id()));
      }
    }
    return absl::OkStatus();
  }

  absl::Status AddClaimReferences(const v1::Claim& claim) {
    if (claim.claimant().kind_case() == v1::Agent::kEntityId) {
      CG_RETURN_IF_ERROR(AddEntity(claim.claimant().entity_id()));
    }
    CG_RETURN_IF_ERROR(AddEntity(claim.on_behalf_of_id()));
    CG_RETURN_IF_ERROR(AddEntity(claim.basis().entity_id()));
    CG_RETURN_IF_ERROR(AddSource(claim.basis().source_id()));
    return AddSource(claim.source_id());
  }

  absl::Status AddTargetReferences(TargetKind kind, uint64_t target) {
    CG_ASSIGN_OR_RETURN(auto events, view_.LifecycleEvents(kind, target));
    for (const auto& event : events) CG_RETURN_IF_ERROR(AddEntity(event.actor_id()));
    CG_ASSIGN_OR_RETURN(auto assessments, view_.Assessments(kind, target));
    for (const auto& assessment : assessments) {
      CG_RETURN_IF_ERROR(AddEntity(assessment.assessor_id()));
    }
    return absl::OkStatus();
  }

  const ReadView& view_;
  Subgraph& out_;
};

}  // namespace

absl::Status ExportRecords(const ReadView& view, const ExportOptions& options,
                           const RecordVisitor& visit) {
  Exporter exporter(view, visit);
  if (options.subgraph_entities.empty()) {
    CG_RETURN_IF_ERROR(exporter.Entities(DictionaryLister(view, IdKind::kEntity)));
    CG_RETURN_IF_ERROR(exporter.Sources(DictionaryLister(view, IdKind::kSource)));
    return exporter.Statements(DictionaryLister(view, IdKind::kStatement));
  }
  Subgraph subgraph;
  CG_RETURN_IF_ERROR(SubgraphCollector(view, &subgraph).Collect(options.subgraph_entities));
  CG_RETURN_IF_ERROR(exporter.Entities(MapLister(subgraph.entities)));
  CG_RETURN_IF_ERROR(exporter.Sources(MapLister(subgraph.sources)));
  return exporter.Statements(MapLister(subgraph.statements));
}

}  // namespace claimgraph::exchange
