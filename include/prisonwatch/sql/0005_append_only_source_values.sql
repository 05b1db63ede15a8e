-- source_values becomes append-only: a value stated again adds a version row (its dates and the figure
-- that stated it) instead of updating the stored one, and has no primary key to maintain; an ingest then
-- writes it with one INSERT. v_source_values folds the versions into one row per value: the widest dates,
-- and the details of the version stated last (ties go to the later-written version).

CREATE TABLE source_value_versions (
    metric       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    scope_kind   VARCHAR NOT NULL,
    value_low    BIGINT NOT NULL,
    value_high   BIGINT NOT NULL,
    first_as_of  DATE NOT NULL,
    last_as_of   DATE NOT NULL,
    figure_id    VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    qualifier    VARCHAR NOT NULL,
    value_text   VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL
);

INSERT INTO source_value_versions SELECT * FROM source_values ORDER BY metric, source, scope_kind, last_as_of;

DROP TABLE source_values;

ALTER TABLE source_value_versions RENAME TO source_values;

CREATE VIEW v_source_values AS
SELECT metric, source, scope_kind, value_low, value_high, min(first_as_of) AS first_as_of,
       max(last_as_of) AS last_as_of,
       arg_max(figure_id, struct_pack(d := last_as_of, r := rowid)) AS figure_id,
       arg_max(article_id, struct_pack(d := last_as_of, r := rowid)) AS article_id,
       arg_max(qualifier, struct_pack(d := last_as_of, r := rowid)) AS qualifier,
       arg_max(value_text, struct_pack(d := last_as_of, r := rowid)) AS value_text,
       arg_max(scope, struct_pack(d := last_as_of, r := rowid)) AS scope
FROM source_values
GROUP BY metric, source, scope_kind, value_low, value_high;
