-- An analyst's verdict on a figure held for review (its confidence below flags.min_confidence): 'right' lets
-- it take part in later matching like any confident figure, 'wrong' keeps it out for good; the note says why.
-- Figures nobody has reviewed have NULL.
ALTER TABLE figures ADD COLUMN review_verdict VARCHAR DEFAULT NULL;
ALTER TABLE figures ADD COLUMN review_note VARCHAR DEFAULT NULL;
ALTER TABLE figures ADD COLUMN reviewed_at VARCHAR DEFAULT NULL;
-- Why a figure was held for review although its confidence passed: a change far beyond anything its source
-- reported in between ('9 still held' a week after '800'), stated by one less than sure sentence.
ALTER TABLE figures ADD COLUMN review_reason VARCHAR DEFAULT NULL;
