-- Every distinct value each source has stated per metric and scope kind, with the latest figure that
-- stated it: new_figure decisions read this small table instead of scanning every stored figure.

CREATE TABLE source_values (
    metric       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    scope_kind   VARCHAR NOT NULL,
    value_low    BIGINT NOT NULL,
    value_high   BIGINT NOT NULL,
    first_as_of  DATE NOT NULL,
    last_as_of   DATE NOT NULL,
    figure_id    VARCHAR NOT NULL,          -- the figure that stated it on last_as_of, and its details:
    article_id   VARCHAR NOT NULL,
    qualifier    VARCHAR NOT NULL,
    value_text   VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,
    PRIMARY KEY (metric, source, scope_kind, value_low, value_high)
);

INSERT INTO source_values
SELECT metric, source, scope_kind, value_low, value_high, min(as_of), max(as_of), arg_max(id, as_of),
       arg_max(article_id, as_of), arg_max(qualifier, as_of), arg_max(value_text, as_of), arg_max(scope, as_of)
FROM figures
WHERE NOT vague AND as_of IS NOT NULL AND source <> 'unattributed' AND scope_kind <> 'event'
GROUP BY ALL;
