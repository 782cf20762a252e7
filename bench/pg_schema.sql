-- The PostgreSQL side of the benchmark, first step: tables holding what claimgraph stores, loaded
-- with COPY from the files bench/prepare_data.py writes (@DIR@ is replaced by their directory),
-- then their indexes. bench/run.sh runs it in two configurations: the default durable one, and
-- a tuned bulk load (wal_level = minimal, maintenance_work_mem = 1GB), where the whole file is
-- one transaction and @FREEZE@ becomes WITH (FREEZE) (the tables are created in it). Then
-- `pg_bench --score-statements` computes the fused scores and bench/pg_edges.sql builds the edges.
-- Internal ids are bigint, external ids unique text: PostgreSQL's fastest layout for joins.
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
CREATE TABLE assessments (id bigint PRIMARY KEY, ext_id text NOT NULL, assessor_id bigint,
                          target_claim_id bigint, target_statement_id bigint,
                          target_source_id bigint, verdict_text text, verdict text,
                          media_category text, explanation text, assessed_at timestamptz);
-- Each statement's fused provenance score, as claimgraph's scorer stores it on the statement's
-- edges: computed by `pg_bench --score-statements` from these tables after the COPY.
CREATE TABLE edge_scores (statement_id bigint PRIMARY KEY, score double precision NOT NULL);

COPY entities FROM '@DIR@/entities.tsv'@FREEZE@;
COPY sources FROM '@DIR@/sources.tsv'@FREEZE@;
COPY source_derivations FROM '@DIR@/source_derivations.tsv'@FREEZE@;
COPY statements FROM '@DIR@/statements.tsv'@FREEZE@;
COPY claims FROM '@DIR@/claims.tsv'@FREEZE@;
COPY lifecycle_events FROM '@DIR@/lifecycle_events.tsv'@FREEZE@;
COPY assessments FROM '@DIR@/assessments.tsv'@FREEZE@;

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

-- Statistics before anything queries the new tables: the scoring pass plans its statement-order
-- scan from them (without them the planner guesses a few rows and picks nested loops).
ANALYZE;
