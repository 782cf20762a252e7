-- The PostgreSQL side of the benchmark: tables equivalent to claimgraph's data, loaded with COPY
-- from the files bench/prepare_data.py writes (@DIR@ is replaced by their directory), then the
-- indexes (both edge directions), VACUUM (so index-only scans can skip the heap) and ANALYZE.
-- Internal ids are bigint, external ids unique text: PostgreSQL's fastest layout for joins.
CREATE TABLE entities (id bigint PRIMARY KEY, ext_id text NOT NULL, type text, name text,
                       description text);
CREATE TABLE sources (id bigint PRIMARY KEY, ext_id text NOT NULL, publisher_id bigint, url text);
CREATE TABLE statements (id bigint PRIMARY KEY, subject_id bigint, predicate text,
                         object_id bigint, object_literal text);
CREATE TABLE claims (id bigint PRIMARY KEY, ext_id text NOT NULL, statement_id bigint NOT NULL,
                     claimant_id bigint, on_behalf_of_id bigint, source_id bigint,
                     confidence double precision, stance smallint, relays_claim_id bigint,
                     claimed_at timestamptz);
-- One row per statement with an entity object; confidence: the best supporting claim's.
CREATE TABLE edges (src bigint NOT NULL, dst bigint NOT NULL, predicate text NOT NULL,
                    statement_id bigint NOT NULL, confidence double precision NOT NULL);

COPY entities FROM '@DIR@/entities.tsv';
COPY sources FROM '@DIR@/sources.tsv';
COPY statements FROM '@DIR@/statements.tsv';
COPY claims FROM '@DIR@/claims.tsv';
COPY edges FROM '@DIR@/edges.tsv';

CREATE UNIQUE INDEX entities_ext_id ON entities (ext_id);
CREATE UNIQUE INDEX sources_ext_id ON sources (ext_id);
CREATE UNIQUE INDEX claims_ext_id ON claims (ext_id);
CREATE INDEX claims_statement ON claims (statement_id);
CREATE INDEX claims_relays ON claims (relays_claim_id);
CREATE INDEX claims_claimant ON claims (claimant_id);
CREATE INDEX claims_source ON claims (source_id);
CREATE INDEX statements_subject ON statements (subject_id);
CREATE INDEX statements_object ON statements (object_id);
CREATE INDEX edges_out ON edges (src, dst);
CREATE INDEX edges_in ON edges (dst, src);
VACUUM ANALYZE;
