-- The PostgreSQL side of the benchmark, last step (after bench/pg_schema.sql and
-- `pg_bench --score-statements`): the edges table, its indexes, VACUUM (so index-only scans can
-- skip the heap) and ANALYZE.
-- One row per statement with an entity object, carrying what claimgraph's edge aggregate
-- carries (server/engine/storage/edge_aggregate.h): active claims, of which supporting and
-- refuting; the best confidence of the supporting claims ever recorded; and the confidence
-- traversal filters on (the fused score PostgreSQL computed).
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
       coalesce(sc.score, 0) AS confidence
FROM statements s
JOIN aggregates a ON a.statement_id = s.id
LEFT JOIN edge_scores sc ON sc.statement_id = s.id
WHERE s.object_id IS NOT NULL AND s.subject_id IS NOT NULL;

-- The walkable edges both ways (partial indexes: every graph query filters on supporting > 0).
CREATE INDEX edges_out ON edges (src, dst) WHERE supporting > 0;
CREATE INDEX edges_in ON edges (dst, src) WHERE supporting > 0;
VACUUM ANALYZE;
