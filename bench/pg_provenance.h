// PostgreSQL's side of the provenance workloads: the same trace and corroboration answers
// claimgraph gives (docs/provenance.md), computed by client code over the rows a few queries
// fetch (a recursive CTE for the relay chain or the statement's claims, one for the derivation
// closure of their documents). Fetching and computing are both inside the timed call.
#pragma once

#include <libpq-fe.h>

#include <string>

#include "answers.h"

namespace claimgraph::bench {

// Prepares the statements the functions below run, on `connection`; false with `error` set.
bool PrepareProvenance(PGconn* connection, std::string* error);

// The internal id of claim `claim_id` (the targets name claims), or of its statement; 0 when
// unknown. Untimed set-up, as load_generator resolves statements with GetClaim.
int64_t ResolveClaim(PGconn* connection, const std::string& claim_id, bool statement,
                     std::string* error);

bool TraceClaim(PGconn* connection, int64_t claim, TraceAnswer* answer, std::string* error);
bool Corroborate(PGconn* connection, int64_t statement, CorroborationAnswer* answer,
                 std::string* error);

// What claimgraph's statement scorer stores on each edge (docs/provenance.md 3.5), for every
// statement with a claim: its fused P (0 when no active claim supports or refutes it), computed
// as Corroborate computes it, over every claim (read from `reader` in statement order) and every
// source (read once), and written into edge_scores from `writer` (emptied first; with `freeze`,
// COPY FREEZE). `statements`: how many were scored.
bool ScoreStatements(PGconn* reader, PGconn* writer, bool freeze, int64_t* statements,
                     std::string* error);

}  // namespace claimgraph::bench
