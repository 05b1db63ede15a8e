-- Each figure carries the probability, from the shipped scorer, that its metric and value are right, the
-- probability that its claimant is right, and the evidence spans the decision rests on (JSON: number,
-- metric_cue, claimant → [start, end, text] in the article text). Figures stored before have neither: they
-- read as 1.0 and '{}'.
ALTER TABLE figures ADD COLUMN confidence DOUBLE DEFAULT 1.0;
ALTER TABLE figures ADD COLUMN source_confidence DOUBLE DEFAULT 1.0;
ALTER TABLE figures ADD COLUMN evidence VARCHAR DEFAULT '{}';
