"""Extract the counts of people an article states: candidates → features → shipped scorers → figures.

The flow for one article: split into paragraphs and sentences; find claimant mentions across the whole article
(so 'la organización' can refer back); in each sentence propose number candidates (rules); describe each with
features; the metric classifier decides whether it is a count of people and of what, with a probability; the
claimant ranker picks who states it among the claimants of its sentence, the speaker carried from earlier
sentences, or nobody. Restatements of one claim are merged. Vague quantities are returned apart, never as
figures.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from prisonwatch.config import LexiconSettings, load_settings
from prisonwatch.figures.boilerplate import is_boilerplate
from prisonwatch.figures.claimants import Mention, article_mentions
from prisonwatch.figures.features import (
    METRIC_CUES,
    SentenceView,
    article_cues,
    claimant_features,
    context_features,
    is_compared,
    number_features,
)
from prisonwatch.figures.languages import LanguagePack, pack_for_text
from prisonwatch.figures.model import NONE, FigureModels, load_models
from prisonwatch.figures.numbers import Candidate, number_candidates, vague_mentions
from prisonwatch.figures.scope import figure_scope
from prisonwatch.figures.text import clause_bounds, fold, split_paragraphs, split_sentences
from prisonwatch.models import Figure
from prisonwatch.vocab import ORG_SOURCES

__all__ = ["extract_figures", "analyse_text", "NumberCase", "ClaimantOption"]


@dataclass
class ClaimantOption:
    mention: Mention | None
    origin: str  # sentence | quote | carried | none
    features: dict[str, float]


@dataclass
class NumberCase:
    """One number candidate in its sentence, described for the scorers."""

    view: SentenceView
    candidate: Candidate
    features: dict[str, float]
    options: list[ClaimantOption] = field(default_factory=list)

    @property
    def article_start(self) -> int:
        return self.view.offset + self.candidate.start

    @property
    def article_end(self) -> int:
        return self.view.offset + self.candidate.end


def analyse_text(
    text: str, language: str | None, lexicon: LexiconSettings | None = None
) -> tuple[list[NumberCase], LanguagePack]:
    """Every number candidate of an article with its features and claimant options (no decision yet)."""
    folded = fold(text)
    pack = pack_for_text(language, folded)
    lex = lexicon if lexicon is not None else _configured_lexicon()
    mentions = article_mentions(text, folded, pack, lex.people, lex.organisations)
    views: list[SentenceView] = []
    paragraphs = split_paragraphs(text)
    cues = article_cues(folded, pack)
    names = [(m.start, m.end) for m in mentions if m.kind in ("org", "person")]
    for name in METRIC_CUES:  # 'Amnistía Internacional', 'Foro Penal' hold no metric cue
        cues[name] = [(a, b) for a, b in cues[name] if not any(x < b and a < y for x, y in names)]
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        if is_boilerplate(folded[p_start:p_end]):
            continue  # 'Lee también: …', a caption, a share bar
        for s_start, s_end in split_sentences(text[p_start:p_end]):
            offset = p_start + s_start
            sentence = text[offset : p_start + s_end]
            views.append(
                SentenceView(
                    sentence,
                    folded[offset : offset + len(sentence)],
                    offset,
                    pack,
                    len(views),
                    p_index,
                    article_cues=cues,
                )
            )
    cases: list[NumberCase] = []
    starts = [v.offset for v in views]
    previous_speaker: Mention | None = None
    for index, view in enumerate(views):
        offset, sentence = view.offset, view.text
        if index == 0 or views[index - 1].paragraph != view.paragraph:
            previous_speaker = None
        in_sentence = [m for m in mentions if offset <= m.start and m.end <= offset + len(sentence)]
        candidates = [
            c for c in number_candidates(sentence, view.folded, pack)
            if (not c.weak or _weak_is_count(view, c)) and not _counts_things(view, c)
        ]  # fmt: skip
        context = context_features(views, index)
        for cand in candidates:
            case = NumberCase(view, cand, number_features(view, cand, candidates, index == 0, context))
            unknown_according = _according_to_nobody_known(view, cand, in_sentence)
            for m in in_sentence:
                case.options.append(ClaimantOption(m, "sentence", claimant_features(view, cand, m, "sentence")))
            closer = _quote_closer(folded, paragraphs[view.paragraph], view.offset + cand.number_start, mentions)
            if closer is not None:
                case.options.append(ClaimantOption(closer, "quote", claimant_features(view, cand, closer, "quote")))
            if previous_speaker is not None:  # the speaker of the paragraph's earlier sentences
                features = claimant_features(view, cand, previous_speaker, "carried")
                back = index - _sentence_of(starts, previous_speaker.start)
                features[f"carried:back:{min(back, 4)}"] = 1.0
                if in_sentence:
                    features["carried:sentence_names_one"] = 1.0
                if unknown_according:
                    features["carried:according_unknown"] = 1.0
                if any(a <= 2 for a, _ in view.cues["pronoun"]):
                    features["carried:pronoun_subject"] = 1.0  # 'It names 212 people', 'En ella figuran…'
                if view.cues["report"] and not in_sentence:
                    features["carried:subjectless_report"] = 1.0  # '…, agregó.', '…, he added.': the same speaker
                case.options.append(ClaimantOption(previous_speaker, "carried", features))
            origin = "quoted" if closer is not None else "no_mention" if not in_sentence else "mentions"
            none_features = claimant_features(view, cand, None, origin)
            if unknown_according:
                none_features["none:according_unknown"] = 1.0  # 'according to different sources'
            case.options.append(ClaimantOption(None, "none", none_features))
            cases.append(case)
        if in_sentence:
            speakers = [m for m in in_sentence if _speaks(view, m)]
            previous_speaker = speakers[-1] if speakers else in_sentence[-1]
    return cases, pack


@lru_cache(maxsize=1)
def _configured_lexicon() -> LexiconSettings:
    """The configured claimant names, read once per process when a caller passes none."""
    return load_settings().lexicon


def _sentence_of(starts: list[int], position: int) -> int:
    """Index of the sentence (by its start offset) that holds an article offset."""
    return max(0, bisect_right(starts, position) - 1)


def _according_to_nobody_known(view: SentenceView, cand: Candidate, in_sentence: list[Mention]) -> bool:
    """An 'according to' / 'según' of the number's clause followed by no claimant the lexicon knows."""
    start, end = clause_bounds(view.text, cand.number_start)
    for _a, b in view.according:
        if start <= b <= end and not any(0 <= m.start - view.offset - b <= 12 for m in in_sentence):
            return True
    return False


def _quote_closer(folded: str, paragraph: tuple[int, int], position: int, mentions: list[Mention]) -> Mention | None:
    """The speaker named where a quote that holds ``position`` closes ('“… Many are sick,” said Alfredo Romero')."""
    p_start, p_end = paragraph
    if folded.count('"', p_start, position) % 2 == 0:
        return None  # not inside a quote
    close = folded.find('"', position, p_end)
    if close < 0:
        return None
    after = [m for m in mentions if close < m.start <= close + 60 and m.end <= p_end]
    return after[0] if after else None


def _counts_things(view: SentenceView, cand: Candidate) -> bool:
    """'48 horas', 'veinte minutos', 'dos camiones', '12 años': a unit that is not people right after the number;
    'supera en 42 personas', 'rose by 40': a difference between two counts, not a count."""
    after = view.folded[cand.end : cand.end + 24].lstrip()
    m = view.pack.cue_res["not_people"].match(after)
    if m and after[: m.start()].strip() == "":
        return True
    before = view.folded[max(0, cand.start - 40) : cand.start].rstrip()
    return any(d.end() == len(before) for d in view.pack.cue_res["difference"].finditer(before))


def _weak_is_count(view: SentenceView, cand: Candidate) -> bool:
    """'un', 'one', 'uma' count people only right before a people word ('one teenager', 'un preso')."""
    after = view.folded[cand.end : cand.end + 30]
    people = ("prisoner", "people", "breakdown")
    return any(view.pack.cue_res[c].match(after.lstrip()) for c in people)


def _speaks(view: SentenceView, mention: Mention) -> bool:
    start, end = mention.start - view.offset, mention.end - view.offset
    return any(0 <= a - end <= 45 or 0 <= start - b <= 12 for a, b in view.cues["report"]) or any(
        0 <= start - b <= 6 for a, b in view.according
    )


def extract_figures(
    text: str,
    language: str | None = None,
    published: str | date | None = None,
    lexicon: LexiconSettings | None = None,
    models: FigureModels | None = None,
) -> list[Figure]:
    """The figures of an article, each with its confidence and evidence spans."""
    models = models or load_models()
    cases, pack = analyse_text(text, language, lexicon)
    published_iso = published.isoformat() if isinstance(published, date) else (published or None)
    figures: list[Figure] = []
    seen: dict[tuple[str, int, int], int] = {}  # (metric, low, high) → index of its first figure
    lead = lead_block(text)
    body_values = {(c.candidate.value_low, c.candidate.value_high) for c in cases if c.view.paragraph not in lead}
    for case in cases:
        if case.view.paragraph in lead and (case.candidate.value_low, case.candidate.value_high) in body_values:
            continue  # a headline or a dek that the body states again: the body's sentence tells it in full
        probs = models.metric.probabilities(case.features)
        metric = max((m for m in probs if m != NONE), key=lambda m: probs[m])
        confidence = models.calibrated(probs[metric])
        compared = _compared_with(case, figures)
        if compared is not None:
            # 'verificó 84, muy por debajo de los 406 anunciados': the number set beside a figure counts the same
            metric, confidence = compared.metric, compared.confidence * COMPARED_DISCOUNT
        elif probs.get(NONE, 0.0) >= 1.0 - models.threshold or probs[metric] < probs.get(NONE, 0.0):
            continue
        if _points_back(case, figures):
            continue  # 'these 379 prisoners': the figure already stated
        source, source_conf, mention = choose_claimant(case, models)
        figure = _figure(case, metric, confidence, source, source_conf, mention, published_iso)
        key = (metric, case.candidate.value_low, case.candidate.value_high)
        first = figures[seen[key]] if key in seen else None
        if first is not None and _same_claimant(first.source, source):
            # a restatement of one claim is one figure, at its first statement, with the claimant once named
            if _specificity(first.source) < _specificity(source):
                first.source, first.source_text, first.source_confidence = source, figure.source_text, source_conf
                first.evidence["claimant"] = figure.evidence.get("claimant")
            continue
        seen.setdefault(key, len(figures))
        figures.append(figure)
    _share_contrast_scope(figures)
    return figures


COMPARED_DISCOUNT = 0.95  # a figure read off a comparison is a little less sure than the one it is compared with


def _compared_with(case: NumberCase, figures: list[Figure]) -> Figure | None:
    """The figure of the same sentence that this number is set beside ('muy por debajo de los 406', 'far below the
    400 officials cited', 'longe dos 900'), when a comparison phrase ends right before it."""
    view, cand = case.view, case.candidate
    if not is_compared(view, cand):
        return None
    same = [f for f in figures if f.sentence == view.text and f.value_low != cand.value_low]
    return same[-1] if same else None


LEAD_LINES = 8  # a headline, a dek, a kicker and a few summary bullets at most


def lead_block(text: str) -> set[int]:
    """The lines a page puts above the body: a headline, a dek ('ONGs somam 258 libertações; governo fala em 626'),
    summary bullets ('- 41 freed overnight'). They are the first lines that end without a sentence's final mark or
    are list items; the first sentence-ended paragraph that is no list item starts the body."""
    lead: set[int] = set()
    for index, (start, end) in enumerate(split_paragraphs(text)[:LEAD_LINES]):
        line = text[start:end]
        if re.search(r"[.!?…»”\"')]\s*$", line) and not re.match(r"\s*[-•*·–]\s", line):
            break
        lead.add(index)
    return lead


def _specificity(source: str) -> int:
    return 0 if source == "unattributed" else 1 if source == "ngo" else 2


def _same_claimant(a: str, b: str) -> bool:
    """Two mentions of one claim: the same source, or one of them names nobody ('unattributed') or only 'NGOs'
    where the other names an NGO ('la ONG' restating Foro Penal's count)."""
    if a == b or "unattributed" in (a, b):
        return True
    return "ngo" in (a, b) and {a, b} <= ORG_SOURCES


def _share_contrast_scope(figures: list[Figure]) -> None:
    """'más de 600 según el Gobierno – 302 según las ONG': an elliptic contrast counts what its first half counts.

    A flow of one sentence with no scope of its own takes the cumulative scope of a figure of the same metric
    in that sentence.
    """
    by_sentence: dict[tuple[str, str], Figure] = {}
    for f in figures:
        if f.scope_kind == "cumulative":
            by_sentence.setdefault((f.sentence, f.metric), f)
    for f in figures:
        anchor = by_sentence.get((f.sentence, f.metric))
        if anchor is not None and f.scope_kind == "event" and not f.scope:
            f.scope, f.scope_kind = anchor.scope, anchor.scope_kind


def choose_claimant(case: NumberCase, models: FigureModels) -> tuple[str, float, Mention | None]:
    """(source, its probability among the options, the mention) for one number."""
    scored = [(models.claimant.logits(o.features)[0], o) for o in case.options]
    top = max(s for s, _ in scored)
    weights = [math.exp(s - top) for s, _ in scored]
    total = sum(weights)
    best_index = max(range(len(scored)), key=lambda i: scored[i][0])
    option = scored[best_index][1]
    by_source: dict[str, float] = {}
    for w, (_, o) in zip(weights, scored, strict=True):
        key = o.mention.source if o.mention else "unattributed"
        by_source[key] = by_source.get(key, 0.0) + w / total
    source = option.mention.source if option.mention else "unattributed"
    return source, by_source[source], option.mention


def _points_back(case: NumberCase, figures: list[Figure]) -> bool:
    view, cand = case.view, case.candidate
    before = view.folded[max(0, cand.start - 14) : cand.start]
    demonstrative = view.pack.cue_res["demonstrative"]
    ends_with = any(m.end() == len(before.rstrip()) for m in demonstrative.finditer(before.rstrip()))
    return ends_with and any((f.value_low, f.value_high) == (cand.value_low, cand.value_high) for f in figures)


def unnamed_claimant(view: SentenceView, cand: Candidate) -> str:
    """The words after 'according to' / 'según' when they name nobody the lexicon knows ('the press union')."""
    for a, b in view.according:
        m = re.match(r"\s*((?:the |la |el |los |las |o |a |os |as )?[^,;.()\d]{3,60}?)(?=[,;.()]|$)", view.text[b:])
        if m and abs(a - cand.start) < 160:
            return re.sub(r"^(?:the|la|el|los|las|o|a|os|as)\s+", "", m.group(1).strip(), flags=re.IGNORECASE)
    return ""


def _figure(
    case: NumberCase,
    metric: str,
    confidence: float,
    source: str,
    source_conf: float,
    mention: Mention | None,
    published: str | None,
) -> Figure:
    view, cand = case.view, case.candidate
    cue = _metric_cue(view, cand, metric)
    published_day = _parse_day(published)
    scope, scope_kind, as_of = figure_scope(view, cand, metric, published_day)
    evidence = {"number": [case.article_start, case.article_end, cand.value_text]}
    if cue:
        evidence["metric_cue"] = [view.offset + cue[0], view.offset + cue[1], view.text[cue[0] : cue[1]]]
    if mention is not None:
        evidence["claimant"] = [mention.start, mention.end, mention.text]
    return Figure(
        metric=metric,
        value_low=cand.value_low,
        value_high=cand.value_high,
        qualifier=cand.qualifier,
        source=source,
        source_text=mention.text if mention else unnamed_claimant(view, cand),
        scope=scope,
        scope_kind=scope_kind,
        sentence=view.text,
        start=case.article_start,
        end=case.article_end,
        as_of=as_of or (published or "")[:10] or None,
        vague=False,
        value_text=cand.value_text,
        confidence=round(confidence, 4),
        source_confidence=round(source_conf, 4),
        evidence=evidence,
    )


def _metric_cue(view: SentenceView, cand: Candidate, metric: str) -> tuple[int, int] | None:
    classes = [c for c, m in METRIC_CUES.items() if m == metric]
    spans = [s for c in classes for s in view.cues[c] if not (cand.number_start <= s[0] < cand.number_end)]
    if not spans:
        return None
    return min(spans, key=lambda s: abs(s[0] - cand.number_start))


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None


def vague_quantities(text: str, language: str | None = None) -> list[str]:
    """The vague quantities of an article ('cientos de presos', 'hundreds'): reported apart, never flagged."""
    folded = fold(text)
    pack = pack_for_text(language, folded)
    return [text[a : min(len(text), b + 30)].split(".")[0] for a, b in vague_mentions(folded, pack)]
