// Exporter: the database (or the subgraph around some entities) as import records, as of a
// system time, in an order that imports cleanly into an empty database and that depends only on
// the exported state, so export -> import -> export reproduces the output byte for byte.
//
// Order: entities (by id); sources (by id, see below); assessments and lifecycle events of
// sources; then statement by statement (by id): its claims in recorded order (a relayed claim
// always precedes its relays), the events and assessments of each of those claims, and those of
// the statement.
//
// Sources may derive from sources with a larger id, and derivation may be circular (a later
// update of a source can point at a source derived from it). So sources come in two passes: the
// first emits every source, without the links to sources of larger id when it has any; the
// second emits the full record of just those sources, which then updates them. Import therefore
// sees each link's target before the link.
//
// Records carry no server-set fields: recorded_at / recorded_by (they describe this database's
// writes, and an import sets its own), a claim's status, lifecycle, probability band and its
// statement's id and recorded_at are left out; the statement is inline. An export is a snapshot:
// earlier versions of entities and sources are not included.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/read_view.h"

namespace claimgraph::exchange {

struct ExportOptions {
  // Empty: everything. Else the given entities, the statements they are subject or object of,
  // those statements' claims, assessments and lifecycle events, and every entity, source and
  // claim these refer to (publishers, derivation ancestors, claimants, principals, bases,
  // assessors, actors), so the output imports cleanly. The subgraph's ids are held in memory.
  std::vector<std::string> subgraph_entities;
};

// Called once per record, in export order. A non-OK return stops the export with that status.
using RecordVisitor = std::function<absl::Status(const v1::ImportRecord& record)>;

// Exports what `view` sees (its snapshot, as of its time). NotFound when a subgraph entity does
// not exist at that time.
absl::Status ExportRecords(const ReadView& view, const ExportOptions& options,
                           const RecordVisitor& visit);

}  // namespace claimgraph::exchange
