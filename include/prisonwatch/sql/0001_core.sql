-- Core tables: articles, figures, flags and their evidence, feed health, runs, errors, deliveries.
-- Timestamps are ISO 8601 text (UTC) so every row is JSON-able as read; as_of is a DATE for range scans.

CREATE TABLE articles (
    id                VARCHAR PRIMARY KEY,          -- 'a_' + hash of the canonical URL
    canonical_url     VARCHAR NOT NULL UNIQUE,
    url               VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    title             VARCHAR NOT NULL DEFAULT '',
    outlet            VARCHAR NOT NULL DEFAULT '',
    feed              VARCHAR NOT NULL DEFAULT '',
    published         VARCHAR,                      -- as the article states it (date or date-time)
    published_date    DATE,                         -- the date part, for windows
    fetched_at        VARCHAR,
    language          VARCHAR NOT NULL DEFAULT '',
    relevant          BOOLEAN NOT NULL DEFAULT TRUE,
    relevance_reason  VARCHAR NOT NULL DEFAULT '',
    text              VARCHAR NOT NULL DEFAULT '',
    text_source       VARCHAR NOT NULL DEFAULT 'page',
    origin            VARCHAR NOT NULL DEFAULT 'feed',  -- seed | feed
    first_run_id      VARCHAR NOT NULL,
    stored_at         VARCHAR NOT NULL
);

CREATE TABLE figures (
    id           VARCHAR PRIMARY KEY,               -- 'fig_' + hash of (article id, offsets, metric)
    article_id   VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    value_low    BIGINT NOT NULL,
    value_high   BIGINT NOT NULL,
    qualifier    VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_text  VARCHAR NOT NULL DEFAULT '',
    scope        VARCHAR NOT NULL DEFAULT '',
    scope_kind   VARCHAR NOT NULL,
    sentence     VARCHAR NOT NULL DEFAULT '',
    start_pos    INTEGER NOT NULL,
    end_pos      INTEGER NOT NULL,
    as_of        DATE,
    vague        BOOLEAN NOT NULL DEFAULT FALSE,
    value_text   VARCHAR NOT NULL DEFAULT '',
    run_id       VARCHAR NOT NULL,
    stored_at    VARCHAR NOT NULL
);

CREATE TABLE flags (
    id              VARCHAR PRIMARY KEY,            -- 'f_' + hash of the dedupe key
    dedupe_key      VARCHAR NOT NULL UNIQUE,
    type            VARCHAR NOT NULL,               -- new_figure | contradiction
    metric          VARCHAR NOT NULL,
    scope_kind      VARCHAR NOT NULL,
    source_a        VARCHAR NOT NULL,
    source_b        VARCHAR NOT NULL,
    anchor_as_of    DATE,                           -- date of the figure that raised the flag
    signature       VARCHAR NOT NULL,               -- the values in disagreement; a change re-opens the flag
    severity        VARCHAR NOT NULL,
    status          VARCHAR NOT NULL DEFAULT 'open',
    note            VARCHAR NOT NULL DEFAULT '',
    reason          VARCHAR NOT NULL,
    new_figure_id   VARCHAR NOT NULL,
    corroborations  INTEGER NOT NULL DEFAULT 0,
    created_at      VARCHAR NOT NULL,
    updated_at      VARCHAR NOT NULL,
    changed_at      VARCHAR NOT NULL,               -- raised, or its values moved: needs reporting again
    reported_at     VARCHAR,
    report_id       VARCHAR,
    run_id          VARCHAR NOT NULL
);

CREATE TABLE flag_evidence (
    flag_id    VARCHAR NOT NULL,
    figure_id  VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,                    -- new | previous | corroboration
    added_at   VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    PRIMARY KEY (flag_id, figure_id)
);

CREATE TABLE feed_state (
    name                  VARCHAR PRIMARY KEY,
    url                   VARCHAR NOT NULL DEFAULT '',
    etag                  VARCHAR,
    last_modified         VARCHAR,
    last_success          VARCHAR,
    last_error            VARCHAR,
    last_error_at         VARCHAR,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_run_id           VARCHAR                   -- a re-run of the same run does not count twice
);

CREATE TABLE runs (
    run_id                   VARCHAR PRIMARY KEY,
    started_at               VARCHAR NOT NULL,
    finished_at              VARCHAR NOT NULL,
    feeds_ok                 INTEGER NOT NULL DEFAULT 0,
    feeds_not_modified       INTEGER NOT NULL DEFAULT 0,
    feeds_failed             INTEGER NOT NULL DEFAULT 0,
    articles_new             INTEGER NOT NULL DEFAULT 0,
    articles_duplicate       INTEGER NOT NULL DEFAULT 0,
    articles_near_duplicate  INTEGER NOT NULL DEFAULT 0,
    articles_irrelevant      INTEGER NOT NULL DEFAULT 0,
    articles_failed          INTEGER NOT NULL DEFAULT 0,
    figures_new              INTEGER NOT NULL DEFAULT 0,
    flags_new                INTEGER NOT NULL DEFAULT 0,
    flags_corroborated       INTEGER NOT NULL DEFAULT 0,
    errors                   INTEGER NOT NULL DEFAULT 0,
    store_ms                 DOUBLE NOT NULL DEFAULT 0,
    summary                  VARCHAR NOT NULL DEFAULT '{}'  -- the full summary dict as JSON
);

CREATE TABLE fetch_errors (
    id           VARCHAR PRIMARY KEY,               -- hash of (run, url, stage, error class, attempt)
    url          VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    error_class  VARCHAR NOT NULL,
    message      VARCHAR NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 1,
    feed         VARCHAR NOT NULL DEFAULT '',
    error_at     VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL
);

CREATE TABLE run_articles (                     -- what each run did with each article (summaries replay exactly)
    run_id         VARCHAR NOT NULL,
    canonical_url  VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    outcome        VARCHAR NOT NULL,                -- new | duplicate | near_duplicate | irrelevant
    figures        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, canonical_url)
);

CREATE TABLE report_deliveries (
    report_id  VARCHAR NOT NULL,
    channel    VARCHAR NOT NULL,
    flag_ids   VARCHAR[] NOT NULL,
    delivered_at VARCHAR NOT NULL,
    status     VARCHAR NOT NULL DEFAULT 'sent',
    PRIMARY KEY (report_id, channel)
);
