-- Articles rewritten for the reads every run makes (docs/sql-views.md, "How the store keeps matching fast"):
-- * the MinHash signature becomes a fixed-size UINTEGER[128] array: a window of ~3,000 signatures reads in
--   ~4 ms instead of ~12 ms as a UBIGINT list (the values are 32-bit);
-- * rows are copied in publication order, so a window of days reads only the row groups it overlaps;
-- * content_hash gets an index: the exact-copy check no longer scans every stored hash (~16 ms at 250,000).
-- DuckDB cannot change a column's type under indexes and views, so the table is copied and the views
-- that read it are dropped and recreated as 0002 defined them.

DROP VIEW v_open_flags;
DROP VIEW v_latest_figures;
DROP VIEW v_figures;

CREATE TABLE articles_v4 (
    id                         VARCHAR PRIMARY KEY,
    canonical_url              VARCHAR NOT NULL UNIQUE,
    url                        VARCHAR NOT NULL,
    content_hash               VARCHAR NOT NULL,
    title                      VARCHAR NOT NULL DEFAULT '',
    outlet                     VARCHAR NOT NULL DEFAULT '',
    feed                       VARCHAR NOT NULL DEFAULT '',
    published                  VARCHAR,
    published_date             DATE,
    fetched_at                 VARCHAR,
    language                   VARCHAR NOT NULL DEFAULT '',
    relevant                   BOOLEAN NOT NULL DEFAULT TRUE,
    relevance_reason           VARCHAR NOT NULL DEFAULT '',
    text                       VARCHAR NOT NULL DEFAULT '',
    text_source                VARCHAR NOT NULL DEFAULT 'page',
    origin                     VARCHAR NOT NULL DEFAULT 'feed',
    first_run_id               VARCHAR NOT NULL,
    stored_at                  VARCHAR NOT NULL,
    near_duplicate_of          VARCHAR,
    near_duplicate_similarity  DOUBLE,
    signature                  UINTEGER[128],       -- word-shingle MinHash signature (was minhash UBIGINT[])
    title_words                VARCHAR[],
    title_numbers              VARCHAR NOT NULL DEFAULT ''
);

INSERT INTO articles_v4
SELECT id, canonical_url, url, content_hash, title, outlet, feed, published, published_date, fetched_at, language,
       relevant, relevance_reason, text, text_source, origin, first_run_id, stored_at, near_duplicate_of,
       near_duplicate_similarity, CASE WHEN len(minhash) = 128 THEN minhash::UINTEGER[128] END, title_words,
       title_numbers
FROM articles
ORDER BY published_date NULLS FIRST, stored_at, id;

DROP TABLE articles;
ALTER TABLE articles_v4 RENAME TO articles;
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE VIEW v_figures AS
SELECT f.*, a.canonical_url AS article_url, a.title AS article_title, a.outlet, a.language,
       a.published, a.origin, a.near_duplicate_of IS NOT NULL AS from_near_duplicate
FROM figures f JOIN articles a ON a.id = f.article_id;

CREATE VIEW v_latest_figures AS
SELECT * FROM v_figures
WHERE NOT vague AND as_of IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY metric, source ORDER BY as_of DESC, stored_at DESC, id DESC) = 1;

CREATE VIEW v_open_flags AS
SELECT fl.id AS flag_id, fl.type, fl.metric, fl.severity, fl.status, fl.reason, fl.note, fl.corroborations,
       fl.created_at, fl.updated_at, e.role, v.id AS figure_id, v.source, v.value_low, v.value_high,
       v.qualifier, v.value_text, v.as_of, v.sentence, v.article_url, v.article_title, v.outlet
FROM flags fl
JOIN flag_evidence e ON e.flag_id = fl.id
JOIN v_figures v ON v.id = e.figure_id
WHERE fl.status = 'open';
