-- The PostgreSQL side of the benchmark: tables equivalent to claimgraph's data, loaded with COPY
-- from the files bench/prepare_data.py writes (@DIR@ is replaced by their directory), then the
-- edges table, the indexes (both edge directions), VACUUM (so index-only scans can skip the
-- heap) and ANALYZE. Internal ids are bigint, external ids unique text: PostgreSQL's fastest
-- layout for joins.
CREATE TABLE entities (id bigint PRIMARY KEY, ext_id text NOT NULL, type text, name text,
                       description text, aliases jsonb, external_ids jsonb, attributes jsonb);
-- The version of each source current at the end of the load (answers read the latest).
CREATE TABLE sources (id bigint PRIMARY KEY, ext_id text NOT NULL, publisher_id bigint, url text,
                      title text, kind text, declared_published_at timestamptz,
                      first_seen_at timestamptz, retrieved_at timestamptz, content_hash text,
                      reliability smallint NOT NULL, language text);
-- derived_from links in their order on the source; type: claimgraph's DerivationType.
CREATE TABLE source_derivations (source_id bigint NOT NULL, ordinal int NOT NULL,
                                 derived_from_id bigint NOT NULL, type smallint NOT NULL,
                                 PRIMARY KEY (source_id, ordinal));
CREATE TABLE statements (id bigint PRIMARY KEY, subject_id bigint, predicate text,
                         object_id bigint, object_literal text);
-- claimant_id NULL: an unnamed claimant (some_value, its description in anonymous_claimant).
-- certainty: claimgraph's Certainty; probability_low/high: the estimative word's ICD 203 band.
-- basis_source_ext keeps the basis as named (an origin key even when no such source exists).
CREATE TABLE claims (id bigint PRIMARY KEY, ext_id text NOT NULL, statement_id bigint NOT NULL,
                     claimant_id bigint, anonymous_claimant text, on_behalf_of_id bigint,
                     source_id bigint, confidence double precision, stance smallint,
                     certainty smallint, estimative_word text, probability_low double precision,
                     probability_high double precision, act text, cue text,
                     relays_claim_id bigint, claimed_at timestamptz, basis_source_ext text,
                     basis_source_id bigint, basis_entity_ext text, basis_description text,
                     quote_text text, quote_start int, quote_end int);
-- kind: 1 retraction, 2 correction, 3 deprecation, 4 relays link (claimgraph's LifecycleKind); a
-- retraction or deprecation of a claim makes it inactive, a relays link makes the target claim
-- relay relays_claim_id.
CREATE TABLE lifecycle_events (id bigint PRIMARY KEY, ext_id text NOT NULL, kind smallint NOT NULL,
                               target_claim_id bigint, target_source_id bigint,
                               relays_claim_id bigint, actor_id bigint, occurred_at timestamptz,
                               reason text);
-- The statement's fused provenance score where claimgraph's scorer stored one on its edge
-- (PostgreSQL has no provenance scorer: the value is copied, see docs/benchmarks.md).
CREATE TABLE edge_scores (statement_id bigint PRIMARY KEY, score double precision NOT NULL);

COPY entities FROM '@DIR@/entities.tsv';
COPY sources FROM '@DIR@/sources.tsv';
COPY source_derivations FROM '@DIR@/source_derivations.tsv';
COPY statements FROM '@DIR@/statements.tsv';
COPY claims FROM '@DIR@/claims.tsv';
COPY lifecycle_events FROM '@DIR@/lifecycle_events.tsv';
COPY edge_scores FROM '@DIR@/edge_scores.tsv';

-- One row per statement with an entity object, carrying what claimgraph's edge aggregate
-- carries (server/engine/storage/edge_aggregate.h): active claims, of which supporting and
-- refuting; the best confidence of the supporting claims ever recorded; and the confidence
-- traversal filters on (the fused score when there is one, else that best confidence).
-- Traversal's default filter walks an edge with at least one active supporting claim.
CREATE TABLE edges AS
WITH inactive AS (
  SELECT DISTINCT target_claim_id AS id FROM lifecycle_events
  WHERE kind IN (1, 3) AND target_claim_id IS NOT NULL),
aggregates AS (
  SELECT c.statement_id,
         count(*) FILTER (WHERE i.id IS NULL) AS claims,
         count(*) FILTER (WHERE i.id IS NULL AND c.stance = 1) AS supporting,
         count(*) FILTER (WHERE i.id IS NULL AND c.stance = 2) AS refuting,
         coalesce(max(c.confidence) FILTER (WHERE c.stance = 1), 0) AS best_confidence
  FROM claims c LEFT JOIN inactive i ON i.id = c.id
  GROUP BY c.statement_id)
SELECT s.subject_id AS src, s.object_id AS dst, s.predicate, s.id AS statement_id, a.claims,
       a.supporting, a.refuting, a.best_confidence,
       coalesce(sc.score, a.best_confidence) AS confidence
FROM statements s
JOIN aggregates a ON a.statement_id = s.id
LEFT JOIN edge_scores sc ON sc.statement_id = s.id
WHERE s.object_id IS NOT NULL AND s.subject_id IS NOT NULL;

CREATE UNIQUE INDEX entities_ext_id ON entities (ext_id);
CREATE UNIQUE INDEX sources_ext_id ON sources (ext_id);
CREATE UNIQUE INDEX claims_ext_id ON claims (ext_id);
CREATE INDEX claims_statement ON claims (statement_id);
CREATE INDEX claims_relays ON claims (relays_claim_id);
CREATE INDEX claims_claimant ON claims (claimant_id);
CREATE INDEX claims_source ON claims (source_id);
CREATE INDEX lifecycle_events_claim ON lifecycle_events (target_claim_id);
CREATE INDEX source_derivations_earlier ON source_derivations (derived_from_id);
CREATE INDEX statements_subject ON statements (subject_id);
CREATE INDEX statements_object ON statements (object_id);
-- The walkable edges both ways (partial indexes: every graph query filters on supporting > 0).
CREATE INDEX edges_out ON edges (src, dst) WHERE supporting > 0;
CREATE INDEX edges_in ON edges (dst, src) WHERE supporting > 0;
VACUUM ANALYZE;
