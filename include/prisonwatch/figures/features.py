"""Features of a number in its sentence, and of a claimant for that number, read off the language's lexicons.

Features are names, not words of a language: 'H:prisoner' (a prisoner noun heads the number), 'L:released'
(a release cue before it in its clause), 'acc' (the claimant follows 'según'/'according to'). Word features
(prefixes of the neighbouring words) add what the lexicons miss. The same names serve every language, so what
is learned on one transfers to the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prisonwatch.figures.claimants import Mention
from prisonwatch.figures.languages import CUE_CLASSES, LanguagePack
from prisonwatch.figures.numbers import Candidate
from prisonwatch.figures.text import TOKEN_RE, clause_bounds

__all__ = ["SentenceView", "number_features", "claimant_features", "context_features", "is_compared", "METRIC_CUES"]

METRIC_CUES = {"released": "released", "stock": "still_detained", "amnesty": "amnesty_granted",
               "arrested": "arrested", "measures": "under_court_measures"}  # fmt: skip
_QUOTES = '"'
_NOT_METRIC_CUES = (
    "pronoun",
    "dispute",
    "former",
    "negation",
    "tally",
    "comparison",
)  # read by their own features only
# read only right before the number: 'otros 17', 'another 17', not 'another monitoring group … 9,000'
_ADJACENT_CUES = ("again",)
# a relative clause, or a partitive that describes the set ('205 of those let out … remained'): the verb after it tells
_RELATIVE_RE = re.compile(
    r"(?<!\w)(?:que|quienes|who|that|which|whom|os quais|as quais|los cuales|las cuales|of those|among those)(?!\w)"
)
# 'no las 900 que dice el Gobierno', 'not the 900 the government claims': the number is someone else's claim
_NEGATED_RE = re.compile(r"(?<!\w)(?:no|not|nao|ni|nor)\s+(?:(?:l[oa]s|the|[oa]s|sus|their|seus|suas)\s+)?$")
_CONTRAST_RE = re.compile(
    r"(?<!\w)(?:pero|but|mas|porem|however|sin embargo|no entanto|mientras|while|whereas|enquanto|aunque|although"
    r"|embora|pese a|a pesar de|despite|in spite of|apesar de)(?!\w)"
)


@dataclass
class SentenceView:
    """One sentence, folded and tokenised, with its lexicon matches: computed once, read by every candidate."""

    text: str
    folded: str
    offset: int  # of the sentence in the article
    pack: LanguagePack
    index: int  # sentence number in the article
    paragraph: int
    tokens: list[tuple[int, int]] = field(default_factory=list)
    cues: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # lexicon matches of the whole article (class → spans), matched once and sliced per sentence
    article_cues: dict[str, list[tuple[int, int]]] | None = None

    def __post_init__(self) -> None:
        self.tokens = [(m.start(), m.end()) for m in TOKEN_RE.finditer(self.folded)]
        self.starts = [t[0] for t in self.tokens]
        self.cues = _SentenceCues(self.folded, self.pack)
        if self.article_cues is None:
            self.article_cues = article_cues(self.folded, self.pack)
            base = 0
        else:
            base = self.offset
        end = base + len(self.folded)
        for name, spans in self.article_cues.items():
            self.cues[name] = [(a - base, b - base) for a, b in spans if base <= a and b <= end]
        self.article_cues = None

    @property
    def according(self) -> list[tuple[int, int]]:
        return self.cues["according"]

    def token_at(self, position: int) -> int:
        """Index of the token that starts at or before a character position."""
        lo, hi = 0, len(self.starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] <= position:
                lo = mid + 1
            else:
                hi = mid
        return max(0, lo - 1)

    def word(self, index: int) -> str:
        if 0 <= index < len(self.tokens):
            a, b = self.tokens[index]
            return self.folded[a:b]
        return "<s>" if index < 0 else "</s>"


# The lexicon classes read in every sentence (the article's topic, the previous sentence's): matched once over the
# article. The others are read only where a number or a claimant is, and matched there when first asked for.
ARTICLE_CLASSES = (*METRIC_CUES, "breakdown", "other_event")


class _SentenceCues(dict):
    """A sentence's lexicon matches by class: the article-wide ones given, any other matched on first use."""

    def __init__(self, folded: str, pack: LanguagePack) -> None:
        super().__init__()
        self._folded, self._pack = folded, pack

    def __missing__(self, name: str) -> list[tuple[int, int]]:
        pattern = self._pack.according_re if name == "according" else self._pack.cue_res[name]
        spans = [(m.start(), m.end()) for m in pattern.finditer(self._folded)]
        self[name] = spans
        return spans

    def items(self) -> list[tuple[str, list[tuple[int, int]]]]:  # type: ignore[override]
        """Every lexicon class in registry order ('according' is read apart), matched now where it was not yet."""
        return [(name, self[name]) for name in CUE_CLASSES]


def article_cues(folded: str, pack: LanguagePack) -> dict[str, list[tuple[int, int]]]:
    """The matches of the classes every sentence reads (:data:`ARTICLE_CLASSES`) in a (folded) text."""
    return {name: [(m.start(), m.end()) for m in pack.cue_res[name].finditer(folded)] for name in ARTICLE_CLASSES}


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2" if n <= 3 else "4" if n <= 7 else "8" if n <= 15 else "far"


def _mag(v: int) -> str:
    return (
        "1"
        if v == 1
        else "<10"
        if v < 10
        else "<100"
        if v < 100
        else "<1000"
        if v < 1000
        else "<10k"
        if v < 10000
        else "big"
    )


def number_features(
    view: SentenceView, cand: Candidate, others: list[Candidate], lead: bool, context: dict[str, float] | None = None
) -> dict[str, float]:
    """What a classifier needs to decide whether this number counts people, and of which metric.

    ``context`` carries features of the article and of the previous sentence ('doc:amnesty', 'P:released').
    """
    f: dict[str, float] = {
        "bias": 1.0,
        f"q:{cand.qualifier}": 1.0,
        f"kind:{cand.kind}": 1.0,
        f"mag:{_mag(cand.value_high)}": 1.0,
    }
    if cand.weak:
        f["weak"] = 1.0
    if lead:
        f["lead"] = 1.0
    first, last = view.token_at(cand.number_start), view.token_at(max(cand.number_start, cand.number_end - 1))
    hedge_first = view.token_at(cand.start)
    for k in (1, 2, 3):  # the words before (past the sentence start, one marker only)
        if hedge_first - k >= -1:
            f[f"p{k}:{view.word(hedge_first - k)[:5]}"] = 1.0
    for k in (1, 2):
        if last + k <= len(view.tokens):
            f[f"n{k}:{view.word(last + k)[:5]}"] = 1.0
    f[f"n1p1:{view.word(hedge_first - 1)[:4]}|{view.word(last + 1)[:4]}"] = 1.0
    c_start, c_end = clause_bounds(view.text, cand.number_start)
    relative = _RELATIVE_RE.search(view.folded, cand.end, min(c_end, cand.end + 40))
    relative_at = relative.start() if relative else None
    relative_end = _relative_clause_end(view, relative_at) if relative_at is not None else None
    nearest: dict[str, tuple[int, str]] = {}
    modal_ends = [b for x in ("hypothetical", "demand") for _a, b in view.cues[x]]
    for cue_name, spans in view.cues.items():
        if cue_name in _NOT_METRIC_CUES:
            continue
        for a, b in spans:
            if a >= cand.start and b <= cand.end:
                continue  # inside the number phrase or its hedge ('mais de 200')
            # 'serán excarcelados', 'could be freed', 'pidió la liberación de': a cue under a modal is no event
            name = (
                f"{cue_name}~modal"
                if cue_name in METRIC_CUES and any(0 <= a - e <= 12 for e in modal_ends)
                else cue_name
            )
            same_clause = c_start <= a < c_end
            if b <= cand.start:
                dist = first - view.token_at(max(a, b - 1))
                side = "L" if same_clause and dist <= 8 else "LL"
                if side == "L" and _heads_other(view, a, cand, others):
                    side = "O"  # '302 excarcelaciones y … 711 presos': the cue is the earlier number's noun
                if cue_name in _ADJACENT_CUES and (dist > 2 or side != "L"):
                    continue
            elif cue_name in _ADJACENT_CUES:
                continue
            elif a >= cand.end:
                dist = view.token_at(a) - last
                if dist <= 3 and same_clause:
                    f[f"H:{name}"] = 1.0
                side = "R" if same_clause and dist <= 6 else "RR"
                if side == "R" and _heads_other(view, a, cand, others):
                    side = "O"  # '711 presos y 302 excarcelaciones': the later number's noun
                if relative_at is not None and a > relative_at and same_clause:
                    # 'N personas que estaban presas han salido': the relative clause describes, the verb after it tells
                    side = "Rrel" if a < relative_end else "Rmain"
            else:  # the cue spans the number: 'quedan unos 650 tras las rejas' reads as a cue before and after it
                dist, side = 0, "X"
                if same_clause:
                    f[f"L:{name}"] = f[f"H:{name}"] = 1.0
            f[f"{side}:{name}"] = 1.0
            f[f"S:{name}"] = 1.0
            if name in METRIC_CUES and same_clause and side != "O" and (name not in nearest or dist < nearest[name][0]):
                nearest[name] = (dist, side)
    if nearest:
        best = min(nearest.items(), key=lambda kv: kv[1][0])
        f[f"near:{best[0]}"] = 1.0
        f[f"near:{best[0]}:{_bucket(best[1][0])}"] = 1.0
        # conjunctions a linear scorer cannot form itself: the cue with what heads the number, and with an
        # amnesty in the sentence or the article ('liberados por la amnistía' counts amnesty beneficiaries)
        heads = [k[2:] for k in f if k.startswith("H:")] or ["none"]
        for head in heads:
            f[f"near:{best[0]}|H:{head}"] = 1.0
        if view.cues["amnesty"]:
            f[f"near:{best[0]}|S:amnesty"] = 1.0
        # 'personas que estaban sometidas a medidas cautelares': the cue names a state they have left
        cue_starts = [a for a, _ in view.cues[best[0]] if c_start <= a < c_end]
        if any(0 <= a - e <= 25 for a in cue_starts for _, e in view.cues["former"]):
            f[f"near:{best[0]}|former"] = 1.0
        # 'tampoco han salido los 43', 'have not been freed': a release denied tells who is still held
        if any(0 <= a - e <= 14 for a in cue_starts for _, e in view.cues["negation"]):
            f[f"near:{best[0]}|negated"] = 1.0
    # 'contabiliza 604 pessoas detidas', 'mantiene en su lista a 711 presos': a register's verb right before the number
    if any(0 <= first - view.token_at(max(a, b - 1)) <= 3 and c_start <= a for a, b in view.cues["tally"]):
        f["tally"] = 1.0
        for head in [k[2:] for k in f if k.startswith("H:")] or ["none"]:
            f[f"tally|H:{head}"] = 1.0
    # 'the number of people under court restrictions ... at nearly 9,000': the count noun names what is counted
    for noun_start, noun_end in view.cues["count_noun"]:
        if not c_start <= noun_start < cand.start:
            continue
        for name in METRIC_CUES:
            if any(noun_end <= a <= noun_end + 30 and b <= cand.start for a, b in view.cues[name]):
                f[f"numof:{name}"] = 1.0
    before = view.folded[max(0, cand.start - 12) : cand.start]
    if re.search(r"(?:de l[oa]s|of the|d[oa]s|among the|entre l[oa]s)\s+$", before):
        f["partitive_total"] = 1.0
    if re.match(
        r"\s+(?:de (?:ell[oa]s|l[oa]s)|of (?:them|whom|the)|del[ea]s|d[oa]s)\b", view.folded[cand.end : cand.end + 12]
    ):
        f["part_of"] = 1.0
    if view.text[: cand.start].count("(") > view.text[: cand.start].count(")"):
        f["paren"] = 1.0
    if view.folded[: cand.start].count(_QUOTES) % 2 == 1:
        f["quoted"] = 1.0
    ordered = sorted(others, key=lambda c: c.start)
    position = ordered.index(cand) if cand in ordered else 0
    f[f"nnum:{min(len(ordered), 4)}"] = 1.0
    f["pos:first" if position == 0 else "pos:later"] = 1.0
    for other in ordered:
        if other is cand:
            continue
        gap = view.folded[other.end : cand.start] if other.end <= cand.start else view.folded[cand.end : other.start]
        if len(gap) <= 6 and re.fullmatch(r"\s*(?:,|y|e|and|o|or)?\s*", gap):
            f["coord"] = 1.0
        if other.end <= cand.start and other.value_high > cand.value_high:
            f["after_larger"] = 1.0
            if ":" in view.text[other.end : cand.start]:
                f["split_after_colon"] = 1.0  # '568 presos políticos: 386 civiles y 182 militares'
    if re.match(r"\s+(?:en|in|em|no|na|at)\s+[A-Z]", view.text[cand.end : cand.end + 6]):
        f["n_place"] = 1.0
    f[f"lang:{view.pack.code}"] = 1.0
    if context:
        f.update(context)
    return f


def _heads_other(view: SentenceView, cue_start: int, cand: Candidate, others: list[Candidate]) -> bool:
    """A cue right after another number of the sentence ('302 excarcelaciones') names that number, not this one."""
    cue_token = view.token_at(cue_start)
    return any(
        other is not cand
        and other.end <= cue_start
        and (other.end <= cand.start or cand.end <= other.start)
        and 0 < cue_token - view.token_at(max(other.number_start, other.end - 1)) <= 3
        for other in others
    )


def _relative_clause_end(view: SentenceView, start: int) -> int:
    """Where a relative clause after a number ends: at its closing comma, else after its first metric cue."""
    comma = view.folded.find(",", start, start + 80)
    if comma > 0:
        return comma
    ends = sorted(b for name in METRIC_CUES for a, b in view.cues[name] if a > start)
    return ends[0] if ends else len(view.folded)


def is_compared(view: SentenceView, cand: Candidate) -> bool:
    """A comparison phrase ends right before the number ('muy por debajo de los 406', 'well below the 400')."""
    return any(0 <= cand.start - b <= 2 for _a, b in view.cues["comparison"])


def context_features(views: list[SentenceView], index: int) -> dict[str, float]:
    """Features of the whole article (which metrics it talks about) and of the sentence before this one."""
    f: dict[str, float] = {}
    for name in METRIC_CUES:
        total = sum(len(v.cues[name]) for v in views)
        if total >= 3:
            f[f"doc:{name}"] = 1.0
    if index > 0:
        previous = views[index - 1]
        for name in (*METRIC_CUES, "breakdown", "other_event"):
            if previous.cues[name]:
                f[f"P:{name}"] = 1.0
    return f


def claimant_features(view: SentenceView, cand: Candidate, mention: Mention | None, origin: str) -> dict[str, float]:
    """Features of one possible claimant of a number: where it stands and what links it to the number."""
    if mention is None:
        f = {"none": 1.0, f"none:{origin}": 1.0}
        if view.according:
            f["none:has_acc"] = 1.0
        if view.cues["report"]:
            f["none:has_report"] = 1.0
        return f
    f = {f"origin:{origin}": 1.0, f"kind:{mention.kind}": 1.0, f"src:{mention.source}": 1.0}
    if mention.named:
        f["named"] = 1.0
    if origin != "sentence":
        return f
    m_start, m_end = mention.start - view.offset, mention.end - view.offset
    c_start, c_end = clause_bounds(view.text, cand.number_start)
    n_tok, m_tok = view.token_at(cand.number_start), view.token_at(m_start)
    dist = abs(n_tok - m_tok)
    side = "before" if m_end <= cand.start else "after"
    f[f"side:{side}"] = 1.0
    f[f"dist:{_bucket(dist)}"] = 1.0
    f[f"{side}:{_bucket(dist)}"] = 1.0
    if c_start <= m_start < c_end:
        f["same_clause"] = 1.0
    if any(0 <= m_start - b <= 6 for a, b in view.according):
        f["acc"] = 1.0
        f[f"acc:{side}"] = 1.0
    report = view.cues["report"]
    if any(0 <= a - m_end <= 45 for a, b in report):
        f["rep_after"] = 1.0
        if side == "after" and dist <= 4 and any(0 <= a - m_end <= 12 for a, b in report):
            f["claims_this"] = 1.0  # 'not the 900 the government claims', '302, said Foro Penal'
    if any(0 <= m_start - b <= 12 for a, b in report):
        f["rep_before"] = 1.0
    if any(0 <= a - m_end <= 12 for a, b in view.cues["dispute"]):
        f["disputes"] = 1.0  # 'una cifra que Foro Penal cuestiona': the disputer is not the claimant
    # a number set against the subject's own ('no las 900', 'muy por debajo de las 410') is someone else's claim
    if is_compared(view, cand) or _NEGATED_RE.search(view.folded[max(0, cand.start - 14) : cand.start]):
        f[f"negated:{side}"] = 1.0
        if side == "after" and dist <= 5:
            f["negated:after:near"] = 1.0
    if any(0 <= m_start - b <= 8 for a, b in view.cues["count_noun"]) or re.match(
        r"'s\b", view.folded[m_end : m_end + 3]
    ):
        f["possessive"] = 1.0
    lo, hi = sorted((m_end, cand.start)) if side == "before" else sorted((cand.end, m_start))
    between = view.folded[lo:hi]
    if re.search(r"\d", between):
        f["num_between"] = 1.0
    if _CONTRAST_RE.search(between):
        f["contrast_between"] = 1.0
    if any(lo <= a and b <= hi for a, b in report):
        f["verb_between"] = 1.0
        if dist <= 6:
            f["verb_between:near"] = 1.0
    if any(lo <= a and b <= hi for a, b in view.according):
        f["acc_between"] = 1.0
    if view.folded[:m_start].count(_QUOTES) % 2 != view.folded[: cand.start].count(_QUOTES) % 2:
        f["quote_split"] = 1.0
    return f
