-- Near-duplicate links between articles, and the documented views (docs/sql-views.md).

ALTER TABLE articles ADD COLUMN near_duplicate_of VARCHAR;          -- id of the earlier article it rewrites
ALTER TABLE articles ADD COLUMN near_duplicate_similarity DOUBLE;
ALTER TABLE articles ADD COLUMN minhash UBIGINT[];                  -- word-shingle MinHash signature
ALTER TABLE articles ADD COLUMN title_words VARCHAR[];              -- distinct headline words, folded
ALTER TABLE articles ADD COLUMN title_numbers VARCHAR NOT NULL DEFAULT ''; -- the numbers in the headline

-- Figures with the article they come from: the base of every other view.
CREATE OR REPLACE VIEW v_figures AS
SELECT f.*, a.canonical_url AS article_url, a.title AS article_title, a.outlet, a.language,
       a.published, a.origin, a.near_duplicate_of IS NOT NULL AS from_near_duplicate
FROM figures f JOIN articles a ON a.id = f.article_id;

-- Latest value per metric and source (vague figures left out; ties broken by the later-stored figure).
CREATE OR REPLACE VIEW v_latest_figures AS
SELECT * FROM v_figures
WHERE NOT vague AND as_of IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY metric, source ORDER BY as_of DESC, stored_at DESC, id DESC) = 1;

-- Metric timeline: one row per metric, source, date and value, with how many articles stated it.
CREATE OR REPLACE VIEW v_metric_timeline AS
SELECT metric, source, scope_kind, as_of, value_low, value_high, qualifier,
       count(DISTINCT article_id) AS articles, min(id) AS first_figure_id
FROM figures
WHERE NOT vague AND as_of IS NOT NULL
GROUP BY ALL;

-- Open flags with each piece of evidence (one row per flag and figure).
CREATE OR REPLACE VIEW v_open_flags AS
SELECT fl.id AS flag_id, fl.type, fl.metric, fl.severity, fl.status, fl.reason, fl.note, fl.corroborations,
       fl.created_at, fl.updated_at, e.role, v.id AS figure_id, v.source, v.value_low, v.value_high,
       v.qualifier, v.value_text, v.as_of, v.sentence, v.article_url, v.article_title, v.outlet
FROM flags fl
JOIN flag_evidence e ON e.flag_id = fl.id
JOIN v_figures v ON v.id = e.figure_id
WHERE fl.status = 'open';

-- Feed health: failures in a row, last success and last error.
CREATE OR REPLACE VIEW v_feed_health AS
SELECT name, url, last_success, last_error, last_error_at, consecutive_failures,
       consecutive_failures = 0 AS polled_ok_last_time
FROM feed_state;
