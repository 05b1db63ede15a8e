"""Word lists and compiled patterns behind figure extraction (Spanish and English).

Kept apart from :mod:`prisonwatch.figures` so the rules read as code and the vocabulary as data.
Everything here is compiled once at import time: extraction itself does no per-call setup.
"""

from __future__ import annotations

import re

from prisonwatch import figures_verbs as V

FLAGS = re.IGNORECASE | re.UNICODE

# ----------------------------------------------------------------------------- spelled-out numbers
EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ES_UNITS = {
    "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciséis": 16,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
    "veintiuna": 21, "veintiún": 21, "veintidós": 22, "veintidos": 22, "veintitrés": 23, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip
ES_TENS = {
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
ES_HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
    "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
    "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
    "novecientos": 900, "novecientas": 900,
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {**EN_UNITS, **EN_TENS, **ES_UNITS, **ES_TENS, **ES_HUNDREDS}
MULTIPLIERS = {"hundred": 100, "thousand": 1000, "mil": 1000}


def _alt(words: object) -> str:
    """A regex alternation, longest first so 'dieciséis' wins over 'diez'."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_EN_WORD = rf"(?:{_alt(EN_TENS)})-(?:{_alt(k for k in EN_UNITS if EN_UNITS[k] < 10)})|{_alt(EN_UNITS)}|{_alt(EN_TENS)}"
_ES_WORD = rf"{_alt(ES_UNITS)}|{_alt(ES_TENS)}|{_alt(ES_HUNDREDS)}"
EN_WORD_RUN = re.compile(
    rf"(?<![\w])(?=[\w])(?:a\s+)?(?:{_EN_WORD}|hundred|thousand)(?:(?:\s+and\s+|\s+|-)(?:{_EN_WORD}|hundred|thousand))*\b",
    FLAGS,
)
ES_WORD_RUN = re.compile(rf"(?<![\w])(?=[\w])(?:{_ES_WORD}|mil)(?:(?:\s+y\s+|\s+)(?:{_ES_WORD}|mil))*\b", FLAGS)

# Quantities that are phrases rather than numbers: (pattern, low, high, vague).
# Plural magnitudes ('hundreds') become the span they literally allow: 'hundreds' is 200-999.
QUANTITY_PHRASES: list[tuple[str, int, int, bool]] = [
    (r"a\s+dozen|una\s+docena", 12, 12, False),
    (r"half\s+a\s+dozen|media\s+docena", 6, 6, False),
    (r"two\s+dozen|dos\s+docenas", 24, 24, False),
    (r"three\s+dozen|tres\s+docenas", 36, 36, False),
    (r"four\s+dozen|cuatro\s+docenas", 48, 48, False),
    (r"five\s+dozen|cinco\s+docenas", 60, 60, False),
    (r"dozens|decenas|scores", 20, 99, True),
    (r"hundreds|cientos|centenares", 200, 999, True),
    (r"thousands|miles|millares", 2000, 9999, True),
    (r"un\s+centenar|a\s+hundred\s+or\s+so", 100, 100, True),
    (r"un\s+millar|a\s+thousand\s+or\s+so", 1000, 1000, True),
]
QUANTITY_RE = re.compile(
    r"(?<![\w])(?=[\w])(?:" + "|".join(f"(?P<q{i}>(?:{p})\\b)" for i, (p, *_r) in enumerate(QUANTITY_PHRASES)) + ")",
    FLAGS,
)

# Digits: '1,085', '1.085', '1 085' (thousands groups) or a plain run; never part of a decimal.
DIGITS_RE = re.compile(r"(?<![\w.,$€£])(\d{1,3}(?:(?:[.,]|\u00a0|\u202f| )\d{3}){1,3}|\d{1,9})(?![\w]|[.,]\d)")
MAX_COUNT = 10_000_000  # no count of people in this story is larger: bigger numbers are money, barrels, ids

# ----------------------------------------------------------------------------- hedges
HEDGES: list[tuple[str, str]] = [
    (r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|al\s+menos|por\s+lo\s+menos|"
     r"como\s+m[ií]nimo|no\s+menos\s+de", "at_least"),
    (r"just\s+over|slightly\s+more\s+than|a\s+little\s+over|just\s+above|poco\s+m[aá]s\s+de|algo\s+m[aá]s\s+de|"
     r"topped|tops|top|exceeded|exceeds|exceed|surpassed|surpasses|"
     r"more\s+than|over|upwards\s+of|in\s+excess\s+of|above|m[aá]s\s+de|superan?(?:\s+(?:los|las))?|"
     r"sobrepasan?(?:\s+(?:los|las))?", "more_than"),
    (r"nearly|almost|closer\s+to|close\s+to|just\s+under|just\s+shy\s+of|casi|cerca\s+de|poco\s+menos\s+de|"
     r"about|around|some|roughly|approximately|an\s+estimated|estimated|alrededor\s+de|unos|unas|"
     r"aproximadamente|en\s+torno\s+a|rondan?(?:\s+(?:los|las))?|de\s+unos|de\s+unas", "about"),
    (r"up\s+to|as\s+many\s+as|no\s+more\s+than|hasta|no\s+m[aá]s\s+de|como\s+m[aá]ximo", "at_most"),
    (r"fewer\s+than|less\s+than|under|menos\s+de|(?:fell|fallen|dropped|dipped|slipped|sank|declined)\s+(?:to\s+)?below|"
     r"(?:baj[oó]|bajado|descendi[oó]|descendido|cay[oó]|ca[ií]do)\s+(?:de|por\s+debajo\s+de)(?:\s+(?:los|las))?",
     "fewer_than"),
]  # fmt: skip
HEDGE_BEFORE_RE = re.compile(
    "(?:" + "|".join(f"(?P<h{i}>\\b(?:{p}))" for i, (p, _q) in enumerate(HEDGES)) + r")(?:\s+a(?=\s))?\s+$", FLAGS
)
HEDGE_AFTER_RE = re.compile(r"^\s+(?:or\s+more|o\s+m[aá]s|and\s+more|y\s+m[aá]s)\b|^-plus\b", FLAGS)
RANGE_OPEN_RE = re.compile(r"\b(?:between|entre|from|de)\s+$", FLAGS)
RANGE_JOIN_RE = re.compile(r"^\s*(?:and|y|to|a|-|–|—)\s*$", FLAGS)
RANGE_DASH_RE = re.compile(r"^\s*(?:-|–|—|to)\s*$", FLAGS)

# ----------------------------------------------------------------------------- what a number counts
# Heads that make a number a count of people. Prisoner heads carry a default metric.
PRISONER_HEADS = (
    r"political\s+prisoners|prisoners\s+of\s+conscience|prisoners|detainees|inmates|captives|hostages|"
    r"presos\s+y\s+presas\s+pol[ií]ticas|presos\s+pol[ií]ticos|presas\s+pol[ií]ticas|presos|presas|reclusos|"
    r"privad[oa]s\s+de\s+(?:su\s+)?libertad|detenid[oa]s|arrestad[oa]s|encarcelad[oa]s|internos|internas|reos"
)
FLOW_HEADS = (
    r"excarcelad[oa]s|excarcelaciones|liberad[oa]s|liberaciones|amnistiad[oa]s|indultad[oa]s|beneficiari[oa]s|beneficiaries|"
    r"releases|arrests|detentions|detenciones|arrestos|capturas|released|freed|arrested|(?<=those\s)detained|(?<=the\s)detained|amnestied|pardoned"
)
SPECIFIC_HEADS = (
    r"members\s+of\s+the\s+(?:military|armed\s+forces)|military\s+personnel|women|men|children|minors|teenagers|adolescents|students|journalists|soldiers|military\s+officers|"
    r"officers|foreigners|foreign\s+nationals|Americans|Colombians|union\s+leaders|trade\s+unionists|"
    r"mujeres|hombres|niñ[oa]s|menores(?:\s+de\s+edad)?|adolescentes|estudiantes|periodistas|militares|"
    r"extranjer[oa]s|estadounidenses|colombian[oa]s|sindicalistas|j[oó]venes|indígenas|abogad[oa]s"
)
GENERIC_HEADS = (
    r"people|persons|individuals|citizens|civilians|dissidents|opponents|activists|protesters|demonstrators|"
    r"opposition\s+(?:members|figures|leaders|activists|supporters)|leaders|Venezuelans|"
    r"personas|ciudadan[oa]s|civiles|disidentes|opositores|opositoras|activistas|manifestantes|dirigentes|"
    r"nationals|l[ií]deres|venezolan[oa]s|procesad[oa]s|imputad[oa]s|acusad[oa]s|defendants|accused|"
    r"(?:union|party|family|campaign|opposition|community|crew|staff)\s+members|members|suspects|sospechos[oa]s|miembros|integrantes|"
    r"colleagues|compa[ñn]er[oa]s|workers|employees|trabajador(?:es|as)|emplead[oa]s|obrer[oa]s|"
    r"of\s+them|of\s+whom|de\s+ell[oa]s|de\s+los\s+cuales|de\s+las\s+cuales|cases|casos"
)
HEAD_RE = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:(?:of|de)\s+)?(?:(?:the|los|las|those|these|estos|estas|its|their|sus)\s+)?"
    r"(?P<fill>(?:(?!(?:of|de)\b)[a-záéíóúñü’'.-]+\s+){0,2}?)"
    rf"(?:(?P<prisoner>{PRISONER_HEADS})|(?P<flow>{FLOW_HEADS})|(?P<specific>{SPECIFIC_HEADS})|(?P<generic>{GENERIC_HEADS}))\b",
    FLAGS,
)
# Words that, right after a number, mean it counts something other than people.
UNIT_WORDS = frozenset(
    [
        "years",
        "year",
        "months",
        "month",
        "days",
        "day",
        "weeks",
        "week",
        "hours",
        "hour",
        "minutes",
        "decades",
        "times",
        "percent",
        "cent",
        "dollars",
        "euros",
        "bolivars",
        "bolívares",
        "million",
        "millions",
        "billion",
        "kilometers",
        "km",
        "miles",
        "meters",
        "kilos",
        "tons",
        "barrels",
        "años",
        "año",
        "meses",
        "mes",
        "días",
        "día",
        "semanas",
        "semana",
        "horas",
        "hora",
        "minutos",
        "décadas",
        "veces",
        "ciento",
        "dólares",
        "millones",
        "millón",
        "kilómetros",
        "metros",
        "kilos",
        "toneladas",
        "barriles",
        "articles",
        "artículos",
        "pages",
        "páginas",
        "votes",
        "votos",
        "cells",
        "celdas",
        "prisons",
        "cárceles",
        "centers",
        "centros",
        "states",
        "estados",
        "pm",
        "am",
        "deaths",
        "dead",
        "killings",
        "murders",
        "injured",
        "wounded",
        "muertes",
        "muertos",
        "fallecidos",
        "heridos",
        "asesinatos",
        "homicidios",
    ]
)
MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
MONTH_NUMBER = {
    m: i % 12 + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ]
    )
}
MONTH_NUMBER["setiembre"] = 9
AFTER_REJECT_RE = re.compile(
    rf"^(?:\s*%|\s*(?:percent|per\s+cent|por\s+ciento)\b|-(?:[a-záéíóú]+)|\s*(?:de\s+)?(?:{MONTHS})\b|"
    r"(?:st|nd|rd|th|º|ª|°)\b|\s*(?:de\s+)?(?:d[oó]lares|dollars|euros|millones|million|billion|mil\s+millones)\b|"
    r"\s*(?:a\.\s?m\.|p\.\s?m\.|hrs?\b|h\b)|:\d)",
    FLAGS,
)
BEFORE_REJECT_RE = re.compile(
    rf"(?:[$€£]\s*|US\$\s*|Bs\.?\s*|\b(?:{MONTHS})\s+|"
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Ene|Abr|Ago|Dic)\.\s*|\b(?:art[ií]culos?|articles?|art\.|ley|law|decreto|decree|"
    r"zona|zone|number|n[uú]mero|nro\.|no\.|n\.º|page|p[aá]gina|celda|cell|pabell[oó]n|piso|floor|torre|tower|"
    r"calle|street|avenida|route|ruta|km|kil[oó]metro|edificio|sector|sala|room|channel|canal|rodeo|"
    r"resolution|resoluci[oó]n|paragraph|p[aá]rrafo|section|secci[oó]n|cap[ií]tulo|chapter|numeral)\s+|"
    r"\b(?:capacidad\s+(?:para|de)|capacity\s+(?:for|of)|built\s+for|designed\s+for|espacio\s+para|cupo\s+para|"
    r"room\s+for|dise[ñn]ad[oa]\s+para|construid[oa]\s+para)\s+|"
    r"\b(?:video|v[ií]deo|footage|photos?|fotos?|fotograf[ií]as?|im[aá]genes|images|pictures)\s+(?:de|of)\s+)$",
    FLAGS,
)
ANAPHORIC_BEFORE_RE = re.compile(r"\b(?:these|those|estos|estas|esos|esas|dichos|dichas|aquellos)\s+$", FLAGS)
# 'the twelve had been held': a bare number after 'the' restates a figure already given
ANAPHORIC_BARE_BEFORE_RE = re.compile(r"\b(?:the|los|las)\s+$", FLAGS)

# A bare number counts people only in a few constructions.
BARE_TOTAL_BEFORE_RE = re.compile(
    r"(?:\b(?:number|total|tally|count|figure|toll|balance|cifra|n[uú]mero|saldo|suma|conteo|registro|lista)\b"
    r"[^.;:!?]{0,50}?\b(?:to|at|is|was|of|reached|stands\s+at|stood\s+at|a|en|de|es\s+de|era\s+de|asciende\s+a|"
    r"llega\s+a|lleg[oó]\s+a|alcanza|alcanz[oó]|ubica\s+en|ubic[oó]\s+en|sube\s+a|subi[oó]\s+a|eleva\s+a|"
    r"elev[oó]\s+a)|\b(?:ascienden?|ascendi[oó]|ascendieron|suman?|sumaron|totalizan?|totalizaron|"
    r"alcanzan?|(?:rose|climbed|fell|dropped|declined|decreased|increased|grew|jumped|went\s+(?:up|down))\s+to|"
    r"(?:baj[oó]|descendi[oó]|disminuy[oó]|aument[oó]|creci[oó]|subi[oó])\s+a|reached|stands\s+at|stood\s+at|totals?|totaled|totalled|sum\s+to)|"
    r"\b(?:number|n[uú]mero|cifra|total|count|tally|balance)\s+(?:of|de)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:is|was|stands\s+at|es\s+de|era\s+de))\s+$|\b(?:number|n[uú]mero|cifra|total|count|tally|balance)\s+(?:of|de)\s+"
    r"(?:[\w-]+\s+){0,4}$",
    FLAGS,
)
BARE_ATTRIBUTED_AFTER_RE = re.compile(
    r"^\s*(?:\(\s*)?,?\s*(?:according\s+to|per|citing|seg[uú]n|de\s+acuerdo\s+(?:con|a))\b", FLAGS
)
BARE_VERB_AFTER_RE = re.compile(
    r"^\s+(?:[‘'“\"«][\w-]+[’'”\"»]\s+)?(?:more\s+|m[aá]s\s+|others?\s+|otr[oa]s\s+)?(?:were|have\s+been|had\s+been|are|remain|fueron|han\s+sido|"
    r"hab[ií]an\s+sido|siguen?|permanecen?|contin[uú]an?|salieron|quedaron|resultaron|recibieron|obtuvieron|"
    r"se\s+encuentran|have\s+(?:since|now|already)\s+been|had\s+(?:since|later)\s+been|walked|"
    r"detained|arrested|released|freed|pardoned|amnestied|excarcelad[oa]s|liberad[oa]s|detenid[oa]s|salieron|"
    r"abandonaron|(?-i:left\s+[A-Z])|still\s+(?:jailed|held|detained|imprisoned|in\s+(?:prison|jail)|behind\s+bars))\b",
    FLAGS,
)
YEAR_MIN, YEAR_MAX = 1900, 2100

# ----------------------------------------------------------------------------- metric cues
# Each cue: (pattern, metric). Strong cues are verbs or event nouns; the nearest one to the number wins.
METRIC_CUES: list[tuple[str, str]] = [
    # measures first: 'released with precautionary measures' is caught by the nearer release verb anyway
    (r"(?:judicial|precautionary|court|alternative|substitute|restrictive)\s+(?:measures|conditions|orders)|"
     r"medidas\s+(?:cautelares|sustitutivas|alternativas|de\s+coerci[oó]n|restrictivas)|r[eé]gimen\s+de\s+presentaci[oó]n|"
     r"house\s+arrest|arresto\s+domiciliario|casa\s+por\s+c[aá]rcel|prohibici[oó]n\s+de\s+(?:salida|declarar|hablar)|"
     r"travel\s+bans?|gag\s+orders?|banned\s+from\s+(?:leaving|speaking)|"
     r"report\s+(?:regularly\s+|periodically\s+)?to\s+(?:a\s+|the\s+)?(?:court|judge|tribunal)s?|"
     r"presentarse\s+(?:[\w-]+\s+){0,4}?ante\s+(?:los\s+|el\s+|un\s+)?(?:tribunal(?:es)?|juzgados?|juez)|"
     r"r[eé]gimen\s+de\s+presentaciones|presentaciones\s+peri[oó]dicas|subjected\s+to|sometid[oa]s\s+a|under\s+(?:court|judicial)\s+supervision|"
     r"procesos?\s+abiertos?|open\s+cases|bajo\s+medidas|subject\s+to\s+(?:court|judicial|precautionary|restrictions|"
     r"conditions)\S*", "under_court_measures"),
    (r"amnest\w*|amnist\w*|pardon\w*|indult\w*|clemency|clemencia|beneficiari[oa]s\s+de\s+(?:la\s+)?(?:ley|amnist)\w*|"
     r"beneficiaries\s+of\s+the\s+(?:law|amnesty)|benefici(?:ados|adas)\s+(?:por|con)\s+(?:la\s+)?(?:ley|amnist)\w*|"
     r"acogid[oa]s\s+a\s+la\s+ley|covered\s+by\s+the\s+(?:law|amnesty)|beneficiaries|beneficiari[oa]s",
     "amnesty_granted"),
    (r"excarcel\w*|liberad[oa]s?|(?:quedar(?:on|án|ían|á)?|quedado|qued[oó])\s+en\s+libertad|walk(?:ed|s)?\s+free|go\s+free|full\s+freedom|liberaci[oó]n(?:es)?|liberar(?:on|á|an)?|liber[oó]|libera\b|liberan\b|"
     r"pu(?:esto|esta|estos|estas)\s+en\s+libertad|sal(?:ieron|ió|en)\s+(?:de\s+(?:prisi[oó]n|la\s+c[aá]rcel|"
     r"las\s+c[aá]rceles|los\s+centros|\w+\s+\w+)|en\s+libertad)|libertad\s+plena|plena\s+libertad|"
     r"(?:recobr|recuper|obtuv|obten)\w*\s+(?:su\s+|la\s+)?libertad|releas\w*|freed|frees|set\s+free|"
     r"let\s+(?:out|go)|walked\s+(?:free|out)|left\s+(?:prison|jail)|out\s+of\s+(?:prison|jail)|discharged|"
     r"were\s+free|regained\s+(?:their\s+)?freedom|freedom\s+for|have\s+been\s+free", "released"),
    (r"remain\w*(?:\s+\w+)?\s+(?:behind\s+bars|in\s+(?:prison|jail|custody|detention)|detained|imprisoned|jailed|held)|"
     r"still\s+(?:be\s+)?(?:held|detained|behind\s+bars|in\s+(?:prison|jail|custody)|jailed|imprisoned|locked\s+up)|"
     r"behind\s+bars|in\s+custody|tras\s+las\s+rejas|(?:siguen?|permanecen?|contin[uú]an?|seguían|permanecían)\s+"
     r"(?:\w+\s+)?(?:detenid[oa]s?|pres[oa]s?|en\s+prisi[oó]n|en\s+la\s+c[aá]rcel|en\s+las\s+c[aá]rceles|"
     r"tras\s+las\s+rejas|encarcelad[oa]s?|privad[oa]s?|recluid[oa]s?|bajo\s+custodia)|imprisoned|encarcelad[oa]s|privad[oa]s\s+de\s+(?:su\s+)?libertad|"
     r"recluid[oa]s|held\s+(?:in|at|for|by|without)|are\s+held|being\s+held|jailed\s+for\s+political|"
     r"still\s+remain\w*|remain\w*\s+in\s+(?:\w+\s+)?(?:prisons?|jails?|cells|detention)|"
     r"political\s+prisoners\s+(?:remain|in\s+the\s+country|in\s+venezuela)|"
     r"presos\s+pol[ií]ticos\s+(?:en\s+(?:el\s+pa[ií]s|venezuela)|que\s+(?:siguen|permanecen|quedan))|"
     r"(?:n[uú]mero|cifra|total|number|count|tally|balance|lista)\s+(?:of|de)\s+(?:political\s+prisoners|presos\s+pol[ií]ticos)|"
     r"como\s+rehenes|as\s+hostages|held\s+hostage|"
     r"todav[ií]a\s+(?:hay|quedan)|a[uú]n\s+(?:hay|quedan)|quedan\s+(?:pres[oa]s|detenid[oa]s|en\s+prisi[oó]n)",
     "still_detained"),
    (r"(?:were|have\s+been|had\s+been|was)\s+(?:\w+\s+)?jailed|(?:fueron|han\s+sido)\s+encarcelad[oa]s|"
     r"arrest(?:ed|s|ing)?\b|detained|(?:hab[ií]an?|fueron|fue|han|ha|ser[aá]n|ser[ií]an)\s+(?:sido\s+)?detenid[oa]s?|detuv\w+|detenci[oó]n(?:es)?|arrestad[oa]s|arrestos?|apresad[oa]s|"
     r"aprehendid[oa]s|capturad[oa]s|rounded\s+up|taken\s+into\s+custody|detentions?|picked\s+up|"
     r"fueron\s+detenid[oa]s|han\s+sido\s+detenid[oa]s|nuevas\s+detenciones|"
     r"(?:ha|han|hab[ií]a|hab[ií]an|hemos)\s+(?:detenido|arrestado|capturado|aprehendido|apresado)", "arrested"),
]  # fmt: skip
# The generated lexicons (every conjugation of every verb per metric) extend the hand-written cues above.
_LEXICON_CUES = {
    "under_court_measures": (V.MEASURES_ES, V.MEASURES_EN),
    "amnesty_granted": (V.AMNESTY_ES, V.AMNESTY_EN),
    "released": (V.RELEASED_ES, V.RELEASED_EN),
    "still_detained": (V.STILL_DETAINED_ES, V.STILL_DETAINED_EN),
    "arrested": (V.ARRESTED_ES, V.ARRESTED_EN),
}
# A cue starts at a word start; the look-around lets the engine skip mid-word positions cheaply.
_WORD_START = r"(?<![\w])(?=[\w])"


def _cue_regex(lang: int) -> re.Pattern[str]:
    """All cues, each metric's hand-written patterns plus one language's generated lexicon."""
    groups = (f"(?P<m{i}>{p}|{_LEXICON_CUES[m][lang]})" for i, (p, m) in enumerate(METRIC_CUES))
    return re.compile(_WORD_START + "(?:" + "|".join(groups) + ")", FLAGS)


METRIC_CUE_RE = {"es": _cue_regex(0), "en": _cue_regex(1)}
# 'there are 800 political prisoners', 'hay 800 presos', '800 remain': only right next to the number.
STOCK_BEFORE_RE = re.compile(
    r"\b(?:there\s+(?:are|were|remain)|hay|hab[ií]a|quedan|siguen|permanecen|remain|still\s+holds?|"
    r"(?:contabiliza|registra|cuenta|documenta|reporta|contabilizan|registran)(?:ba|ban|ron)?(?:\s+con)?|"
    r"counts|has\s+(?:documented|recorded|registered|verified)|tiene\s+registrad[oa]s|"
    r"(?:number|total|cifra|n[uú]mero)\s+(?:of|de)\s+(?:political\s+prisoners|presos\s+pol[ií]ticos)\s+\w+(?:\s+\w+)?)"
    r"\s+(?:(?:still|aún|todavía|currently|actualmente|now|today|hoy)\s+)?$",
    FLAGS,
)
STOCK_AFTER_RE = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:remain|are\s+still|still\s+remain|siguen|permanecen|contin[uú]an|quedan)\b"
    r"(?!\s+(?:subject|under|on\s+(?:bail|parole)|sometid|bajo|con\s+medidas|required|obliged|ordered|barred|banned|"
    r"prohibited|forbidden|obligad))",
    FLAGS,
)
ARREST_CONTEXT_RE = re.compile(
    r"\b(?:after|following|during|in|since|tras|despu[eé]s\s+de|durante|en|desde)\s+(?:the\s+|las\s+|los\s+|la\s+)?"
    r"(?:\d{4}\s+)?(?:presidential\s+)?(?:protests?|elections?|election|protestas|elecciones|manifestaciones|comicios|"
    r"vote|votaci[oó]n|crackdown|represi[oó]n)|\bamong\s+(?:the|those)\s+(?:detained|arrested)|"
    r"\b(?:entre|figuran\s+entre)\s+(?:los|las)\s+(?:detenid|arrestad)|"
    r"\b(?:in|over)\s+(?:recent|the\s+(?:past|last)\s+\w+)\s+years|\ben\s+los\s+últimos\s+(?:\w+\s+)?años|"
    r"\b(?:since|desde)\s+\d{4}",
    FLAGS,
)

# ----------------------------------------------------------------------------- attribution
ACCORDING_RE = re.compile(
    r"\b(?:according\s+to|as\s+reported\s+by|as\s+counted\s+by|per|citing|seg[uú]n|de\s+acuerdo\s+(?:con|a)|"
    r"conforme\s+a|de\s+acuerdo\s+con\s+(?:cifras|datos|el\s+conteo)\s+de|seg[uú]n\s+(?:cifras|datos|el\s+conteo|"
    r"el\s+registro|el\s+balance|registros)\s+de(?:l)?)\s+(?P<target>[^,;:.()\u2013\u2014\"“”]{2,80})",
    FLAGS,
)
REPORT_VERBS = (
    r"said|says|say|reported|reports|report|estimated|estimates|estimate|confirmed|confirms|confirm|counted|counts|"
    r"count|verified|verifies|noted|notes|note|stated|states|announced|announces|announce|registered|registers|"
    r"documented|documents|recorded|records|put\s+the|puts\s+the|put|puts|tallied|told|claimed|claims|claim|"
    r"insisted|indicated|warned|denounced|added|explained|maintains|maintained|issued\s+a\s+statement|revealed|"
    r"calculated|calculates|published|listed|lists|acknowledged|admitted|tweeted|posted|wrote|"
    r"dijo|dice|dicen|informó|informa|informan|afirman|aseguran|sostienen|advierten|explican|calculan|señaló|señala|señalan|contabiliza|contabilizó|contabilizan|"
    r"registra|registró|registran|confirmó|confirma|confirman|indicó|indica|afirmó|afirma|aseguró|asegura|"
    r"denunció|denuncia|denuncian|estima|estimó|estiman|cifró|cifra|cifran|reportó|reporta|reportan|anunció|"
    r"anuncia|explicó|precisó|detalló|sostiene|sostuvo|verificó|verifica|documentó|documenta|advirtió|destacó|"
    r"confirmaron|informaron|denunciaron|señalaron|indicaron|aseguraron|estimaron|reportaron|afirmaron|"
    r"agregó|añadió|declaró|adelantó|adelanta|anticipó|recordó|recuerda|recalled|recalls|contabilizaba|"
    r"registraba|contaba|estimaba|cifraba|reportaba|señalaba|indicaba|publicó|difundió|emitió\s+un\s+comunicado|contó|calcula|calculó|reveló|manifestó|"
    r"reconoció|admitió|escribió|tuiteó|precisa|sumó|actualizó|ha\s+verificado|ha\s+documentado|ha\s+registrado|"
    r"has\s+verified|has\s+documented|has\s+registered|has\s+recorded|has\s+confirmed|have\s+confirmed|"
    r"have\s+verified|have\s+documented|ha\s+confirmado|han\s+confirmado|han\s+verificado|han\s+documentado|"
    # less common claim verbs
    r"tallies|tally|reckons|pegged|pegs|cited|cites|stressed|emphasi[sz]ed|argued|argues|testified|disclosed|"
    r"updated|logged|tracks|tracked|asserted|asserts|contends|alleged|alleges|observed|highlighted|showed|shows|show|"
    r"put\s+the\s+(?:number|figure|total|count)|puts\s+the\s+(?:number|figure|total|count)|told\s+reporters|"
    r"welcomed|welcomes|welcome|hailed|hails|lamented|laments|decried|decries|deplored|deplores|condemned|condemns|"
    r"denounces|denounce|criticized|criticised|celebrated|celebrates|"
    r"celebró|celebra|celebran|celebraron|lamenta|lamentan|lamentaron|deploró|condenó|condena|criticó|"
    r"subrayó|insistió|lamentó|alertó|expuso|puntualizó|aclaró|comentó|refirió|apuntó|aseveró|enfatizó|remarcó|"
    r"acotó|reiteró|divulgó|ofreció|elevó|contabilizaron|registraron|documentaron|verificaron|cifraron|"
    r"calcularon|constató|constataron|ha\s+contabilizado|han\s+contabilizado|has\s+counted|have\s+counted|"
    r"has\s+tallied|tiene\s+registrad[oa]s|lleva\s+contabilizad[oa]s|lleva\s+registrad[oa]s|muestran|muestra|"
    r"verificar|confirmar|documentar|contabilizar|verify|confirm|document|"
    r"expres(?:ó|aron|a|an)\s+(?:su\s+)?(?:preocupaci[oó]n|alarma|inquietud)|"
    r"expressed\s+(?:its\s+|their\s+|his\s+|her\s+)?(?:deep\s+)?(?:concern|alarm)|voiced\s+(?:its\s+)?concern|"
    r"released(?=\s+(?:[\w-]+\s+){0,2}(?:figures|data|report|statement|list|tally|count|census|numbers))"
)
REPORT_VERB_RE = re.compile(rf"{_WORD_START}(?:{REPORT_VERBS})\b", FLAGS)
POSSESSIVE_COUNT_RE = re.compile(
    r"^(?:'s|’s)\s+(?:latest\s+|own\s+|most\s+recent\s+|updated\s+)?(?:count|tally|figures?|data|records|list|"
    r"numbers|database|report|estimate|balance)\b",
    FLAGS,
)
COUNT_OF_RE = re.compile(
    r"\b(?:cifras?|datos|conteo|balance|registros?|lista|listado|informe|reporte|count|tally|figures?|data|"
    r"records|list|report|balance|estimate)\s+(?:de(?:l)?|of|from|by|provided\s+by|published\s+by|compiled\s+by|"
    r"released\s+by|issued\s+by|ofrecid[oa]s?\s+por|publicad[oa]s?\s+por|aportad[oa]s?\s+por|difundid[oa]s?\s+por|"
    r"presentad[oa]s?\s+por|provided\s+by)\s+$",
    FLAGS,
)
BY_AGENT_RE = re.compile(
    r"\b(?:provided|published|compiled|released|issued|given|announced|confirmed|verified|counted|claimed|cited|"
    r"reported|stated|disclosed|documented|recorded|registered|"
    r"registrad[oa]s?|contabilizad[oa]s?|documentad[oa]s?|reportad[oa]s?|"
    r"ofrecid[oa]s?|publicad[oa]s?|aportad[oa]s?|difundid[oa]s?|presentad[oa]s?|anunciad[oa]s?|"
    r"confirmad[oa]s?|verificad[oa]s?)\s+(?:by|por)\s+$",
    FLAGS,
)
COREFERENCE_RE = re.compile(
    r"\b(?:en\s+sus\s+registros|en\s+nuestros\s+registros|nuestras?\s+(?:bases?\s+de\s+datos|cifras|registros)|"
    r"in\s+(?:its|their|our)\s+(?:records|databases?|count|tally|registry|list)|our\s+(?:databases?|records|count)|"
    r"(?:seg[uú]n|according\s+to|de\s+acuerdo\s+con)\s+(?:su|sus|its|their|his|her|our|nuestro|nuestra)\b|"
    r"its\s+(?:count|tally|figures|records)|their\s+(?:count|tally|figures|records)|seg[uú]n\s+sus\s+(?:cifras|"
    r"registros|datos)|according\s+to\s+(?:its|their|our)\s+(?:count|tally|figures|records|data))",
    FLAGS,
)
QUOTE_OPEN = '“«"'
QUOTE_CLOSE = '”»"'
UNKNOWN_TRIM_RE = re.compile(r"^(?:the|la|el|los|las|a|an|un|una)\s+", FLAGS)

# ----------------------------------------------------------------------------- scope
WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|"
    r"domingo"
)
CLAUSE_BREAK_RE = re.compile(r"[;–—]|,\s+(?:but|pero|while|mientras|whereas|aunque|although|sin\s+embargo)\b", FLAGS)
PARENTHETICAL_RE = re.compile(r"\([^)]*\)")
CUMULATIVE_SCOPE_RE = re.compile(
    r"\b(?:(?:since|desde)\s+(?:the\s+|el\s+|la\s+|que\s+|los\s+|las\s+)?[^,;:.()]{2,45}|"
    r"so\s+far(?:\s+this\s+(?:year|month))?|en\s+lo\s+que\s+va\s+(?:de|del)\s+(?:año|mes)(?:\s+\d{4})?|"
    r"in\s+(?:this|that)\s+time|hasta\s+hoy|up\s+to\s+now|until\s+now|en\s+(?:este|ese)\s+(?:tiempo|lapso|per[ií]odo)|hasta\s+ahora|hasta\s+la\s+fecha|"
    r"to\s+date|thus\s+far|since\s+then|desde\s+entonces|in\s+total|en\s+total|a\s+la\s+fecha|"
    r"(?:in|over|during)\s+(?:the\s+)?(?:first|primer|primeras?)\s+(?:\w+\s+)?(?:weeks?|months?|days?)|"
    r"(?:in|over|during)\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:months?|weeks?|days?|years?)|"
    r"en\s+(?:el|los|las)\s+(?:último|últimos|últimas)\s+(?:\w+\s+)?(?:mes|meses|semanas|días|años)|"
    r"(?:after|following|tras|despu[eé]s\s+de)\s+(?:the\s+|las\s+|los\s+|la\s+)?(?:\d{4}\s+)?(?:presidential\s+)?"
    r"(?:elections?|protests?|elecciones|protestas|comicios|presidenciales)(?:\s+(?:of|de|del)\s+(?:\w+\s+)?\d{4})?"
    r"(?:\s+presidenciales)?(?:\s+de\s+\d{4})?|in\s+recent\s+(?:years|months|weeks)|en\s+los\s+últimos\s+años)",
    FLAGS,
)
EVENT_SCOPE_RE = re.compile(
    rf"\b(?:on\s+Christmas(?:\s+Day|\s+Eve)?|(?:el\s+)?d[ií]a\s+de\s+Navidad|en\s+Navidad|en\s+Nochebuena|"
    rf"on\s+New\s+Year'?s?\s+(?:Day|Eve)|(?:on|this|last)\s+(?:{WEEKDAYS})|(?:este|el\s+pasado|el)\s+(?:{WEEKDAYS})|"
    rf"today|yesterday|hoy|ayer|on\s+(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"on\s+\d{{1,2}}\s+(?:{MONTHS})(?:\s+\d{{4}})?|el\s+\d{{1,2}}\s+de\s+(?:{MONTHS})(?:\s+(?:de|del)\s+\d{{4}})?|"
    rf"(?:in|en)\s+(?:{MONTHS})(?:\s+(?:de\s+)?\d{{4}})?|"
    rf"(?:this|last|esta|la\s+pasada|la\s+última)\s+(?:week|semana)|en\s+una\s+sola\s+jornada|in\s+a\s+single\s+day|"
    rf"(?:la\s+)?(?:madrugada|noche|mañana|tarde)\s+del?\s+(?:pasado\s+)?(?:{WEEKDAYS})|esta\s+(?:madrugada|mañana|noche)|"
    rf"(?:this|last|over\s+the|on\s+the|(?:during|over)\s+the\s+past)\s+weekend|(?:este|el\s+pasado|el)\s+fin\s+de\s+semana|"
    rf"overnight|on\s+(?:Christmas|New\s+Year)|en\s+(?:A[ñn]o\s+Nuevo|Nochevieja))",
    FLAGS,
)
DATE_IN_SCOPE_RE = re.compile(
    rf"(?:(?P<m1>{MONTHS})\s+(?P<d1>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?|"
    rf"(?P<m3>{MONTHS})\s+(?:de\s+|of\s+)?(?P<y3>\d{{4}})|"
    rf"(?P<d2>\d{{1,2}})\s+(?:de\s+)?(?P<m2>{MONTHS})(?:\s+(?:de\s+|del\s+)?(?P<y2>\d{{4}}))?|"
    r"(?P<xmas>christmas|navidad))",
    FLAGS,
)

# ----------------------------------------------------------------------------- boilerplate
BOILERPLATE_LINE_RE = re.compile(
    r"^\s*(?:related|related\s+stories|read\s+more|read\s+also|also\s+read|see\s+also|more\s+information|"
    r"more\s+on\s+this|lee\s+tambi[eé]n|leer\s+m[aá]s|lea\s+tambi[eé]n|te\s+puede\s+interesar|"
    r"tambi[eé]n\s+te\s+puede\s+interesar|m[aá]s\s+informaci[oó]n|noticias\s+relacionadas|copy\s+link|"
    r"copiar\s+enlace|print|imprimir|share|compartir|follow\s+us|s[ií]guenos|subscribe|suscr[ií]bete|"
    r"sign\s+up|newsletter|advertisement|publicidad|anuncio|photo|foto|image|imagen|credit|cr[eé]dito|"
    r"skip\s+to|saltar\s+al|read\s+the\s+full|lea\s+la\s+nota|archived\s+in|locales|tags?|etiquetas|"
    r"cookies?|we\s+use\s+cookies|usamos\s+cookies|este\s+sitio\s+utiliza|this\s+(?:site|website)\s+uses|"
    r"accept|aceptar|menu|men[uú]|home|inicio|\(?(?:photo|foto)\b|watch|ver\s+video|video|listen|escuchar)\b",
    FLAGS,
)
DOMAIN_TAIL_RE = re.compile(r"\b[\w-]+\.(?:com|net|org|es|ve|co|info|news|bd)\s*$", FLAGS)
NAV_SEPARATORS_RE = re.compile(r"[|»·•]")

BARE_CLAIMED_AFTER_RE = re.compile(
    r"^\s+(?:claimed|reported|cited|announced|given|counted|registered|confirmed)\s+by\b|"
    r"^\s+(?:reportad[oa]s|anunciad[oa]s|informad[oa]s|registrad[oa]s)\s+por\b",
    FLAGS,
)
MORE_AFTER_RE = re.compile(r"^\s+(?:more|m[aá]s)\b(?!\s+(?:than|de)\b)", FLAGS)
ELLIPTIC_HEAD_RE = re.compile(r"^(?:of\s+them|of\s+whom|de\s+ell[oa]s|de\s+los\s+cuales|de\s+las\s+cuales)$", FLAGS)
IDENTITY_PARTICIPLE_RE = re.compile(
    r"^(?:detained|arrested|jailed|imprisoned|held|detenid|arrestad|encarcelad|apresad|recluid|privad|released|"
    r"freed|excarcelad|liberad)",
    FLAGS,
)
COUNT_ENTITY_RE = re.compile(r"\b(?:figures?|cifras?|balance|tally|count|data|datos|registro|conteo)\b", FLAGS)
COORDINATION_RE = re.compile(r"^\s*(?:,|and|y|e|&)\s*$", FLAGS)
REPORTED_BARE_BEFORE_RE = re.compile(
    r"\b(?:(?:ha\s+|han\s+|has\s+|have\s+)?(?:verificado|verified|contabilizado|counted|registrado|registered|"
    r"documentado|documented|confirmado|confirmed|contabiliza|registra|cuenta|counts)|"
    r"(?:podido|pudo|pudieron|been\s+able\s+to|could|can)\s+(?:solo\s+|only\s+)?(?:verificar|confirmar|documentar|"
    r"contabilizar|registrar|verify|confirm|document|count|register))\s+"
    r"(?:solo\s+|only\s+|apenas\s+|just\s+)?$",
    FLAGS,
)

# ----------------------------------------------------------------------------- second-round rules
# Hedges that are verbs ('ya superan las 1.500', 'rondan los 800'): the subject names what is counted.
VERB_HEDGE_RE = re.compile(
    r"(?:superan?|sobrepasan?|rondan?|exceeds?|exceeded|surpass(?:es|ed)?|tops?|topped)\b", FLAGS
)
# A comparison point: 'up from about 900', 'frente a los 700 de diciembre'; it counts what its neighbour counts.
COMPARED_BEFORE_RE = re.compile(
    r"(?:\b(?:up|down)\s+from|\bcompared\s+(?:with|to)|\bfrente\s+a(?:\s+(?:los|las))?|\bcontra\s+(?:los|las)|"
    r"\bto\s+[\d.,]+\s+from|\bcomparad[oa]s?\s+con(?:\s+(?:los|las))?|\brespecto\s+a(?:\s+(?:los|las))?|\bfrom\s+(?:a\s+)?"
    r"(?:previous|earlier)\s+(?:count|tally|figure)\s+of)\s+$",
    FLAGS,
)
# 'casos registrados' in an NGO's count are people held: 'de los 1.085 casos registrados'.
CASES_RECORDED_RE = re.compile(
    r"^\s+(?:registrad|documentad|verificad|contabilizad|recorded|registered|documented|verified|on\s+(?:its|the|their)"
    r"\s+list|en\s+(?:su|sus)\s+(?:lista|registros?))",
    FLAGS,
)
# Sub-counts of a total stated just before: 'entre ellas 41 militares', 'including five journalists'.
BREAKDOWN_BEFORE_RE = re.compile(
    r"\b(?:entre\s+(?:ell[oa]s|l[oa]s\s+cuales|quienes)|de\s+(?:ell[oa]s|l[oa]s\s+cuales)|among\s+(?:them|whom|those)|"
    r"of\s+(?:them|whom)|including|includes|included|incluid[oa]s|incluyendo|incluye|such\s+as|como\s+son|"
    r"in\s+particular|en\s+particular)\b[^.;:]{0,25}$",
    FLAGS,
)
BREAKDOWN_AFTER_RE = re.compile(r"^\s+(?:of\s+(?:them|whom)|de\s+(?:ell[oa]s|l[oa]s\s+cuales))\b", FLAGS)
# 'Of the 1,085 ...', 'de los 1.085 casos ...': a partitive total whose sub-counts follow.
PARTITIVE_BEFORE_RE = re.compile(
    r"\b(?:of|de|out\s+of|among|entre)\s+(?:the|los|las|those|these|estos|estas)\s+$", FLAGS
)
COORDINATED_RE = re.compile(r"^\s*(?:,|,?\s*and|,?\s*y|,?\s*e|,?\s*as\s+well\s+as|,?\s*plus|,?\s*m[aá]s)\s*$", FLAGS)
# What happened to people that is no count of the pipeline's metrics: a transfer, a hunger strike.
OTHER_PREDICATE_RE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:(?:had\s+been|have\s+been|were|was|fueron|han\s+sido|habían\s+sido)\s+)?"
    r"(?:moved|transferred|relocated|trasladad[oa]s|transferid[oa]s|llevad[oa]s|sent\s+to|enviad[oa]s|"
    r"went\s+on\s+(?:a\s+)?hunger\s+strike|(?:are|están|se\s+declararon)\s+en\s+huelga|on\s+hunger\s+strike|"
    r"en\s+huelga\s+de\s+hambre|iniciaron\s+una\s+huelga|testified|declararon\s+ante|visited|visitaron)\b",
    FLAGS,
)
# An organisation named earlier in the article: 'la organización', 'the group', 'la ONG' (not 'la ONG Foro Penal').
ORG_ANAPHOR_RE = re.compile(
    r"\b(?:[Ll]a\s+(?:organizaci[oó]n|ONG|agrupaci[oó]n|instituci[oó]n|entidad|asociaci[oó]n|coalici[oó]n)|"
    r"[Ee]l\s+(?:grupo|organismo|colectivo|observatorio|comit[eé])|[Tt]he\s+(?:organi[sz]ation|NGO|group|rights\s+group|"
    r"watchdog|monitor|coalition|association|observatory|committee))\b(?!\s+(?:[A-ZÁÉÍÓÚÑ]|de\s+(?:[A-ZÁÉÍÓÚÑ]|derechos)|of\s+[A-Z]))"
)
# 'sus registros', 'its count', 'their tally': the claimant named most recently.
POSSESSIVE_RECORDS_RE = re.compile(
    r"\b(?:sus?|its|their|nuestr[oa]s?|our)\s+(?:(?:own|latest|most\s+recent|updated|último|última|más\s+reciente|"
    r"propi[oa]s?)\s+)?(?:registros?|cifras?|datos|conteos?|balances?|listas?|listados?|bases?\s+de\s+datos|count|tally|"
    r"figures|records|data|list|database|numbers)\b",
    FLAGS,
)
# A stated cut-off day: 'al corte del 5 de enero', 'as of January 12', 'hasta el 3 de febrero'.
AS_OF_RE = re.compile(
    rf"\b(?:(?:al|con)\s+corte\s+(?:del|de|al|a)\s+|(?:as\s+of|as\s+at|through|until|up\s+to)\s+|"
    rf"hasta\s+(?:el\s+)?|actualizad[oa]s?\s+al\s+|al\s+)"
    rf"(?:(?:{MONTHS})\s+\d{{1,2}}(?!\d)(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?:de\s+)?(?:{MONTHS})"
    rf"(?:\s+(?:de\s+|del\s+)?\d{{4}})?)",
    FLAGS,
)
AMONG_TOTAL_RE = re.compile(r"\b(?:among|entre)\s+(?:the|los|las)\s+$", FLAGS)
# 'otros 23', 'a further 23', 'another 40': a continuation of the figure before it.
ELLIPTIC_BEFORE_RE = re.compile(r"\b(?:otr[oa]s|a\s+further|another|further|additional|other)\s+$", FLAGS)
# 'bajó de 1.085 a 903', 'fell from 1,085 to 903': the new value of a count just stated.
CHANGE_TO_BEFORE_RE = re.compile(r"\b(?:de|from)\s+[\d.,\s]+\s+(?:a|to|hasta)\s+$", FLAGS)
# 'casos de desaparición forzada', 'cases of torture': cases of something other than people held.
CASES_OF_OTHER_RE = re.compile(
    r"^\s+(?:de|of)\s+(?!(?:presos|presas|detenci|detenid|prisoners|political\s+prisoners|detention|detainees|"
    r"encarcel|privad|arbitrary\s+detention|arrest))",
    FLAGS,
)

# ----------------------------------------------------------------------------- third-round rules
# 'Rodríguez said on Sunday that 900 ...', 'Cabello dijo el lunes que ...': what precedes 'that/que' after a
# reporting verb is the speech act; its time phrases date the speech, not the figure.
REPORTING_CLAUSE_RE = re.compile(rf"{_WORD_START}(?:{REPORT_VERBS})\b[^.;:!?\d]{{0,60}}?\b(?:that|que)\s+", FLAGS)
# a time phrase glued to a reporting verb: 'Foro Penal said on Monday', 'informó este lunes', 'on Sunday said'
SPEECH_VERB_BEFORE_RE = re.compile(rf"\b(?:{REPORT_VERBS})\s+(?:[\w-]+\s+){{0,1}}$", FLAGS)
SPEECH_VERB_AFTER_RE = re.compile(rf"^\s+(?:{REPORT_VERBS})\b", FLAGS)
# a start phrase that names a time: the count runs from it ('since January 3', 'desde el 8 de enero')
START_PHRASE_RE = re.compile(
    rf"^(?:since|desde)\s+(?:the\s+|el\s+|la\s+|los\s+|las\s+|que\s+|principios\s+|inicios\s+|comienzos\s+|finales\s+|"
    rf"mediados\s+)?(?:de\s+|del\s+|of\s+)?(?:\d|{MONTHS}|{WEEKDAYS}|then|entonces|start|beginning|inicio|comienzo|"
    r"last|past|pasad|último|january|the\s+amnesty|la\s+amnist|the\s+law|la\s+ley|that|aquel|ese|esa)",
    FLAGS,
)
# 'pidió la liberación de', 'to demand freedom for', 'called for the release of': a demand, not an event
DEMAND_BEFORE_RE = re.compile(
    r"\b(?:pid(?:i[oó]|ieron|en|e|an)|piden|exig(?:i[oó]|ieron|en|e|ir)|reclam(?:[oó]|aron|an|a|ar)|"
    r"solicit(?:[oó]|aron|an|a|ar)|clam(?:[oó]|aron|an)\s+por|ped[ií]r|abog(?:[oó]|aron|an)\s+por|luchar?\s+por|"
    r"demand(?:ed|s|ing)?|call(?:ed|s|ing)?\s+for|urg(?:ed|es|ing)|press(?:ed|es|ing)?\s+for|seek(?:s|ing)?|sought|"
    r"campaign(?:ed|s|ing)?\s+for|pushed\s+for|appeal(?:ed|s)?\s+for|negotiat\w+|negoci\w+|prepar\w+|await\w+|"
    r"esperan?|aguardan?|promet\w+|promis\w+)\s+(?:to\s+)?(?:(?:the|la|el|su|sus|their|his|her|a|an|por|for|de|of)\s+)?"
    r"(?:boletas?\s+de\s+|orders?\s+(?:of|for)\s+)?"
    r"(?:immediate\s+|inmediata\s+|pronta\s+|prompt\s+|unconditional\s+|incondicional\s+)?$",
    FLAGS,
)
# 'Hundreds of people gathered ...': people at a protest, a vigil or a petition are no count of prisoners
GATHERING_AFTER_RE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:gathered|marched|rallied|protested|demonstrated|attended|signed|joined|took\s+part|"
    r"took\s+to\s+the\s+streets|held\s+a\s+vigil|turned\s+out|showed\s+up|se\s+concentraron|marcharon|protestaron|"
    r"participaron|asistieron|firmaron|se\s+reunieron|acudieron|se\s+manifestaron|se\s+congregaron|salieron\s+a\s+las\s+calles|"
    r"hicieron\s+una\s+vigilia|se\s+sumaron|taking\s+part|participating|participando|on\s+hunger\s+strike|"
    r"en\s+huelga\s+de\s+hambre|emigraron|migraron|murieron|died|fled|huyeron|voted|votaron|"
    r"(?:have\s+|had\s+|has\s+)?(?:applied|requested|filed|asked)|(?:han\s+|hab[ií]an\s+)?(?:solicitado|pedido)|"
    r"solicitaron|pidieron|were\s+killed|were\s+injured|were\s+wounded|fueron\s+asesinad[oa]s|resultaron\s+herid[oa]s)\b",
    FLAGS,
)
# 'elevó a 1.024 el número de presos políticos': the noun comes after 'el número de'
NUMBER_OF_AFTER_RE = re.compile(
    r"^\s+(?:el|la|the)\s+(?:n[uú]mero|cifra|total|cantidad|conteo|balance|lista|number|count|tally|total)\s+(?:de|of)\s+",
    FLAGS,
)
# 'De los 344 excarcelados, 290 tienen ...', 'Of the 344 people released, 290 are ...': a sub-count
PARTITIVE_SUBCOUNT_BEFORE_RE = re.compile(
    r"\b(?:of|de|out\s+of|among|entre)\s+(?:the|los|las|those|these|estos|estas)\s+(?:[a-z]+\s+){0,3}?[\d.,]+\s+"
    r"[^,;:.]{0,50}(?:,\s+|\s+(?:hay|hab[ií]a|figuran|est[aá]n|were|are|was)\s+)$",
    FLAGS,
)
# 'who number more than 900', 'which numbered about 1,000': 'number' as a verb counts the subject
NUMBER_VERB_BEFORE_RE = re.compile(
    r"(?:\b(?:who|which|they|that)\b[^.;:\d]{0,40}|\b[a-z]+s\s+(?:now\s+|still\s+)?)\bnumber(?:ed|s)?\s+$", FLAGS
)
FLOW_HEAD_METRICS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"excarcel|liber|releas|freed", FLAGS), "released"),
    (re.compile(r"amnisti|indult|amnest|pardon|beneficiar", FLAGS), "amnesty_granted"),
    (re.compile(r"arrest|detenci|detention|detained|captura", FLAGS), "arrested"),
]
# 'los presos políticos, que según su oficina superan los 900': the relative clause counts its antecedent
RELATIVE_PRISONER_SUBJECT_RE = re.compile(
    rf"\b(?:{PRISONER_HEADS})\s*,?\s+(?:que|quienes|los\s+cuales|who|which)\b[^.;:\d]{{0,60}}$", FLAGS
)
# A table as prose: 'Releases by state, according to Foro Penal: Zulia, 45; Lara, 30' or 'Zulia: 45; Lara: 30'.
TABLE_ITEM_RE = re.compile(r"(?:^|[:;]\s*)(?-i:[A-ZÁÉÍÓÚÑ])[\wáéíóúñ .'-]{1,30}?(?:,|:)\s*$", FLAGS)
TABLE_ITEM_AFTER_RE = re.compile(r"^\s*(?:;|\.|$|,?\s+(?:y|and)\s)", FLAGS)
# Another country's prisoners ('Nicaragua freed 222', '17 Venezuelans held in the United States') are not counted
# unless the sentence names Venezuela too.
FOREIGN_SUBJECT_RE = re.compile(
    r"(?:^\W*|\b(?:held|detained|imprisoned|jailed|prisoners|detenid[oa]s|pres[oa]s|recluid[oa]s|encarcelad[oa]s)\s+"
    r"(?:in|en)\s+(?:the\s+|los\s+)?)(?:Nicaragua|Cuba|Colombia|Belarus|Bielorrusia|Russia|Rusia|Ir[aá]n|"
    r"China|Ecuador|Per[uú]|Chile|Argentina|Bolivia|El\s+Salvador|Honduras|Guatemala|United\s+States|Estados\s+Unidos|"
    r"EE\.\s?UU\.|Spain|Espa[ñn]a|Panam[aá]|Brazil|Brasil|Mexico|M[eé]xico|Guant[aá]namo)\b"
)
VENEZUELA_RE = re.compile(r"\bVenezuela\b")
CONTRAST_BREAK_RE = re.compile(
    r",\s+(?:but|pero|while|mientras(?:\s+que)?|whereas|aunque|although|sin\s+embargo)\b", FLAGS
)
PRISON_POPULATION_RE = re.compile(
    r"\b(?:poblaci[oó]n\s+(?:penitenciaria|carcelaria|reclusa|penal)|prison\s+population|inmate\s+population)\b", FLAGS
)

# ----------------------------------------------------------------------------- fourth-round rules
# 'fell below 700', 'bajó de 700' are 'fewer than'; but 'bajó de 1.085 a 903' is the old value of a change
FELL_BELOW_RE = re.compile(r"(?:fell|fallen|dropped|dipped|slipped|sank|declined|baj|descend|ca[yií])", FLAGS)
CHANGE_TARGET_AFTER_RE = re.compile(r"^\s+(?:a|to|hasta)\s+(?:unos\s+|unas\s+|about\s+|some\s+)?\d", FLAGS)
# 'people who had gathered': a relative clause describing whom a cue before the number counts
RELATIVE_START_RE = re.compile(r"^\s*(?:who|that|which|que|quienes|los\s+cuales|las\s+cuales)\b", FLAGS)
# 'Three of the released prisoners', 'Tres de los excarcelados': a sub-count of a group named by its head
PARTITIVE_GROUP_RE = re.compile(
    r"^\s*(?:of|de)\s+(?:the|those|these|los|las|esos|esas|estos|estas)\b(?!\s+(?:[\d.,]+|them|whom|ell[oa]s|"
    r"cuales|\w+\s+[\d.,]+))",
    FLAGS,
)
# 'had been held in El Helicoide', 'habían estado recluidos': where people were, not a stock today
PLUPERFECT_BEFORE_RE = re.compile(
    r"\b(?:had\s+(?:been\s+)?|hab[ií]an?\s+(?:estado\s+|permanecido\s+|sido\s+)?)$", FLAGS
)
# 'Political prisoners in Venezuela now number 700', 'Los presos políticos ... son 700': the subject is a stock
PRISONER_SUBJECT_COPULA_RE = re.compile(
    rf"\b(?:{PRISONER_HEADS})\b[^.;:,\d]{{0,40}}?\b(?:number(?:ed|s)?|son|eran)\s+$", FLAGS
)
# 'Venezuela says 900 ...', 'Venezuela Says It Has Freed ...': the state speaks through its name
COUNTRY_SPEAKER_RE = re.compile(
    r"(?-i:\bVenezuela(?:'s\s+government|’s\s+government)?)(?=\s+(?:says|said|claims|claimed|announced|announces|"
    r"reports|reported|insists|dice|dijo|afirma|afirmó|asegura|aseguró|anunció|anuncia|informó|informa|sostiene)\b)",
    FLAGS,
)
# 'Foro Penal, a Venezuelan rights group,': a description of the name before it
APPOSITION_GAP_RE = re.compile(
    r"^\s*,\s+(?:a|an|the|one\s+of\s+the|una?|la|el|uno\s+de\s+los|una\s+de\s+las)\s+(?:[\w-]+\s+){0,4}$", FLAGS
)
# 'a claim', 'the count', 'la cifra': a reporting verb's spelling used as a noun
NOUN_DETERMINER_BEFORE_RE = re.compile(  # case-sensitive: 'The UN said' is no 'un' before a noun
    r"\b(?:[Aa]|[Aa]n|[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Uu]na?|[Ll]a|[Ee]l|[Ee]sa|[Ee]sta|[Ss]us?)\s+$"
)
# 'la cifra de presos de Foro Penal', 'the count by Provea': the noun still names whose count it is
COUNT_NOUN_OWNER_AFTER_RE = re.compile(r"^\s+(?:de|del|of|from|by)\b", FLAGS)
# '..., and says hundreds remain': a second verb of the sentence's subject
COORDINATED_VERB_BEFORE_RE = re.compile(r"(?:,\s*|\s)(?:and|y|e)\s+(?:also\s+|tambi[eé]n\s+)?$", FLAGS)
SUBJECT_LEAD_RE = re.compile(
    r"^[\s“\"«(]*(?:(?:in\s+a\s+statement|en\s+un\s+comunicado|on\s+\w+|el\s+\w+)\s*,\s*)?", FLAGS
)
# A clause about a noun: 'the 900 the government claims', 'a count Foro Penal disputes', 'una cifra que X cuestiona'
_CONTACT_NOUN = (
    r"(?:\d(?:[\d.,]*\d)?|figures?|count|claim|number|tally|total|estimate|one|releases|prisoners|detainees|arrests|"
    r"cifras?|conteo|n[uú]mero|dato|balance|total|excarcelaciones|presos|detenidos|liberaciones)"
)
CONTACT_BEFORE_RE = re.compile(rf"\b{_CONTACT_NOUN}\s+(?:that\s+|which\s+|que\s+)?$", FLAGS)
_CONTACT_VERBS = (
    r"claims|claimed|says|said|reports|reported|cites|cited|gives|gave|announced|disputes|disputed|rejects|rejected|"
    r"contests|contested|questions|questioned|denies|denied|doubts|dice|dijo|asegura|aseguró|afirma|afirmó|reporta|"
    r"reportó|da|dio|maneja|cita|ofrece|anunció|cuestiona|cuestionó|rechaza|rechazó|niega|negó|disputa|pone\s+en\s+duda"
)
CONTACT_VERB_AFTER_RE = re.compile(rf"^\s+(?:{_CONTACT_VERBS})\s*(?=[,.;:”\"»)]|$)", FLAGS)
CONTACT_VERB_BEFORE_RE = re.compile(rf"\b{_CONTACT_NOUN}\s+que\s+(?:{_CONTACT_VERBS})\s+$", FLAGS)
CONTACT_END_RE = re.compile(r"^\s*(?:[,.;:”\"»)]|$)")
CONTACT_GAP_RE = re.compile(rf"^\s+(?:that\s+|which\s+|que\s+)?(?:(?:{_CONTACT_VERBS})\s+)?$", FLAGS)
DISPUTE_VERB_RE = re.compile(
    r"disput|reject|contest|question|den(?:ies|ied)|doubt|cuestion|rechaz|niega|neg[oó]|pone\s+en\s+duda", FLAGS
)
# a bare number claimed by the clause after it: 'not the 900 the government claims', 'las 900 que dice el Gobierno'
CONTACT_CLAIM_AFTER_RE = re.compile(
    rf"^\s+(?:(?:that|which)\s+)?(?:the\s+)?[\w.]+(?:\s+[\w.,]+){{0,4}}?\s+(?:{_CONTACT_VERBS})\s*(?=[,.;:”\"»)]|$)|"
    rf"^\s+que\s+(?:(?:{_CONTACT_VERBS})\s+)(?:[\w.]+\s*){{1,5}}?(?=[,.;:”\"»)]|$)",
    FLAGS,
)
CITING_OWN_RE = re.compile(r"(?:citing|citando)\b|(?:per)\s+(?:its|their|his|her|su|sus)\b", FLAGS)
# 'of the 2,000 people detained after the vote': a partitive total named by its participle
GROUP_PARTICIPLE_RE = re.compile(
    r"^\s+((?:detained|arrested|jailed|imprisoned|held|detenid|arrestad|encarcelad|apresad|recluid|released|freed|"
    r"excarcelad|liberad)\w*)",
    FLAGS,
)
PARTICIPLE_METRICS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"detain|arrest|jail|impris|detenid|arrestad|encarcelad|apresad", FLAGS), "arrested"),
    (re.compile(r"releas|freed|excarcel|liberad", FLAGS), "released"),
    (re.compile(r"held|recluid", FLAGS), "still_detained"),
]
# 'There are also three teenagers ...', 'También hay tres adolescentes ...': more of the list the paragraph gave
ALSO_CONTINUATION_RE = re.compile(
    r"^\W*(?:there\s+(?:are|were)\s+also|also\s+among\s+them\s+(?:are|were)|tambi[eé]n\s+(?:hay|hab[ií]a)|"
    r"entre\s+ell[oa]s\s+tambi[eé]n\s+(?:hay|est[aá]n|figuran))\s+$",
    FLAGS,
)
HEADLINE_SPEAKER_RE = re.compile(r"^[\s“\"«]*$")
# 'said the government had freed 134': an entity followed by its own verb is the reported clause's subject
CLAUSE_SUBJECT_AFTER_RE = re.compile(
    r"^\s+(?:had|has|have|was|were|is|are|would|will|could|did|must|freed|released|arrested|detained|jailed|"
    r"holds|held|counts|counted)\b",
    FLAGS,
)
# 'releases', 'arrests': event nouns; '266 of the releases' is a part of that flow, not people drawn from a group
FLOW_EVENT_HEAD_RE = re.compile(
    r"^(?:releases|arrests|detentions|excarcelaciones|liberaciones|detenciones|arrestos|capturas)$", FLAGS
)

# ----------------------------------------------------------------------------- fifth-round rules
# Organisation names that contain a cue word: 'Amnesty International said 15 ...' grants no amnesty, and
# 'Committee for the Freedom of Political Prisoners' frees nobody. Cues inside these names are ignored.
ORG_NAME_RE = re.compile(
    r"\b(?:Amnesty\s+International|Amnist[ií]a\s+Internacional|Human\s+Rights\s+Watch|Foro\s+Penal|"
    r"Committee\s+for\s+the\s+(?:Freedom|Release)\s+of\s+Political\s+Prisoners|"
    r"Comit[eé]\s+por\s+la\s+Libertad\s+de\s+(?:los\s+)?Presos\s+Pol[ií]ticos|"
    r"(?:Venezuelan\s+)?(?:Prison\s+Observatory|Observatorio\s+Venezolano\s+de\s+Prisiones)|"
    r"Justicia,?\s+Encuentro\s+y\s+Perd[oó]n|Freedom\s+House|Liberty\s+(?:Fund|Bell)|Free\s+Venezuela|"
    r"Amnesty\s+Commission|Comisi[oó]n\s+de\s+Amnist[ií]a|Amnesty\s+Law\s+Commission|Voluntad\s+Popular|"
    r"Mesa\s+de\s+la\s+Unidad|Vente\s+Venezuela|Primero\s+Justicia|Hostage\s+(?:Affairs|Envoy))\b",
    FLAGS,
)
# 'the tally, released Monday', 'Foro Penal released a list of ...': 'released' as published, not as set free.
DOCUMENT_NOUNS = (
    r"tally|report|list|count|figures|data|statement|video|footage|document|dossier|census|database|study|survey|"
    r"findings|update|bulletin|recording|photos?|images?|letter|audio|names|numbers|details|estimates?|results|"
    r"informe|lista|listado|balance|cifras|datos|comunicado|reporte|documento|video|boletín|registro"
)
DOCUMENT_BEFORE_RE = re.compile(
    rf"\b(?:{DOCUMENT_NOUNS})\s*,?\s*(?:(?:which|that)\s+(?:was|were|it|they)\s+|(?:first\s+|publicly\s+|just\s+))?$",
    FLAGS,
)
DOCUMENT_AFTER_RE = re.compile(
    rf"^\s*(?:(?:a|an|the|its|their|his|her|new|fresh|latest|updated|revised|official|full|partial|on\s+\w+\s+a|"
    rf"\w+day\s+a|late\s+\w+\s+a)\s+){{0,3}}(?:[\w-]+\s+)?(?:{DOCUMENT_NOUNS})\b",
    FLAGS,
)
# 'freed under the amnesty', 'liberadas con la amnistía': the law is the means; the release verb names the flow.
MEANS_BEFORE_RE = re.compile(
    r"\b(?:under|with|through|by|via|thanks\s+to|as\s+part\s+of|con|bajo|por|mediante|gracias\s+a|"
    r"en\s+virtud\s+de|al\s+amparo\s+de|en\s+el\s+marco\s+de)\s+(?:the\s+|la\s+|el\s+|a\s+|an\s+|new\s+|nueva\s+)?"
    r"(?:(?:ley|law|decree|decreto)\s+(?:de\s+|of\s+)?)?$",
    FLAGS,
)
# A cue word used as a verb of organising or delaying: 'held a press conference', 'held talks'.
HELD_EVENT_AFTER_RE = re.compile(
    r"^\s*(?:a|an|the|its|their|his|her)?\s*(?:[\w-]+\s+)?(?:press\s+conference|news\s+conference|meeting|vigil|"
    r"march|rally|talks|hearing|elections?|ceremony|event|session|referendum|protest|mass|forum|dialogue)\b",
    FLAGS,
)
# 'still holding at least five', 'sigue reteniendo a 30': a stock told by its keeper
KEEPER_STOCK_BEFORE_RE = re.compile(
    r"\b(?:(?:is|are|was|were)\s+(?:still\s+)?holding|still\s+holding|continues\s+to\s+hold|"
    r"(?:sigue|siguen|contin[uú]a|contin[uú]an)\s+(?:reteniendo|manteniendo\s+(?:presos|detenidos))|"
    r"mantiene(?:n)?\s+(?:presos|detenidos|encarcelados|tras\s+las\s+rejas)|retiene(?:n)?)(?:\s+a)?\s+$",
    FLAGS,
)
# 'ya están libres', 'are now free': a state after release
FREE_NOW_RE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,5}?(?:(?:ya\s+)?(?:est[aá]n|estaban|se\s+encuentran)\s+(?:ya\s+)?(?:libres|en\s+libertad)|"
    r"(?:are|were)\s+(?:now\s+|already\s+)?(?:free|at\s+liberty)\b(?!\s+to))",
    FLAGS,
)
# 'calculan que son unos 1.100', 'estimate they are about 1,100': a bare count named by the clause's subject
COPULA_BARE_BEFORE_RE = re.compile(
    r"\b(?:que\s+(?:son|eran|ser[ií]an|ser[aá]n|suman|sumar[ií]an)|(?:that\s+)?(?:they|there)\s+(?:are|were|number)|"
    r"(?:the\s+)?(?:real|true|actual)\s+(?:number|figure|total)\s+(?:is|was)(?:\s+closer\s+to)?)\s+$",
    FLAGS,
)
# 'It names 212 people', 'En ella figuran 212 personas': the list named in the sentence before, so its author.
LIST_ANAPHOR_RE = re.compile(
    r"^\W*(?:(?:It|They|The\s+list|The\s+report|The\s+tally|The\s+document)\s+(?:names|lists|includes|contains|"
    r"counts|shows|records|identifies|documents|name|list|include|contain|show)|"
    r"(?:En\s+(?:ella|él|ese\s+(?:informe|documento|registro)|esa\s+lista|la\s+lista|el\s+informe)\s+"
    r"(?:figuran|aparecen|constan|se\s+incluyen|se\s+registran|se\s+cuentan|est[aá]n)|"
    r"(?:La\s+lista|El\s+informe|El\s+documento|El\s+registro|Esa\s+lista)\s+(?:incluye|recoge|contiene|enumera|"
    r"identifica|registra|nombra)))\b"
)
# crimes, charges and counts are no people: 'otros 12 delitos', 'five counts of terrorism'
_NON_PEOPLE_TEXT = (
    "crimes crime offences offenses offence offense charges charge counts delitos delito cargos cargo crímenes "
    "acusaciones imputaciones causas expedientes files lawsuits demandas denuncias complaints sentences condenas "
    "cities towns municipalities ciudades municipios parroquias estados provinces regions regiones protests "
    "protestas marches marchas events eventos hearings audiencias trials juicios raids allanamientos letters "
    "cartas signatures firmas documents documentos reports informes flights vuelos buses vehicles vehículos "
    "hunger laws leyes decrees decretos articles clauses cláusulas points puntos organizations organisations "
    "organizaciones ngos ong groups grupos parties partidos hospitals hospitales schools escuelas"
)
NON_PEOPLE_WORDS = frozenset(_NON_PEOPLE_TEXT.split())
# What prisoners did that is no count of them: a hunger strike, a protest, a riot.
PRISONER_ACTIVITY_AFTER_RE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,4}?(?:(?:began|started|launched|declared|joined|staged|announced|went\s+on|are\s+on|were\s+on|"
    r"have\s+been\s+on|remain\s+on)\s+(?:[\w-]+\s+){0,3}?(?:hunger\s+strike|strike|protest|riot|"
    r"mutiny|fast)|rioted|staged|(?:iniciaron|comenzaron|empezaron|declararon|anunciaron|mantienen|mantuvieron|"
    r"protagonizaron|se\s+sumaron\s+a)\s+(?:[\w-]+\s+){0,3}?(?:huelga|protesta|motín|ayuno)|"
    r"se\s+declararon\s+en\s+huelga|se\s+amotinaron|wrote|signed|escribieron|firmaron|sent\s+a\s+letter|"
    r"enviaron\s+una\s+carta)",
    FLAGS,
)
# 'died in custody', 'beaten in custody', 'murieron bajo custodia': where it happened, not a stock
DIED_BEFORE_RE = re.compile(
    r"\b(?:died|dies|dying|death|deaths|killed|murieron|muri[oó]|muerte|muertes|fallecieron|falleci[oó]|fallecid[oa]s?|"
    r"beaten|tortured|abused|injured|mistreated|golpead[oa]s|torturad[oa]s|maltratad[oa]s|herid[oa]s)"
    r"\s+(?:while\s+)?$",
    FLAGS,
)
# '15 of the people detained after the election had died': a count of deaths, whatever group it is drawn from
DEATH_PREDICATE_AFTER_RE = re.compile(
    r"^[^.;:,]{0,80}?\b(?:(?:had|have|has)\s+)?(?:died|murieron|fallecieron|(?:han|hab[ií]an)\s+(?:muerto|fallecido)|"
    r"were\s+killed|fueron\s+asesinad[oa]s)\b",
    FLAGS,
)
# 'the amnesty bill', 'la ley de amnistía': the law itself, not people granted it
AMNESTY_MODIFIER_AFTER_RE = re.compile(
    r"^\s+(?:bill|law|act|commission|committee|applications?|requests?|debate|proposal|legislation|process|"
    r"petitions?|hearings?|program(?:me)?)\b",
    FLAGS,
)
AMNESTY_LAW_BEFORE_RE = re.compile(
    r"\b(?:ley|proyecto|comisi[oó]n|solicitud(?:es)?|debate|propuesta|discusi[oó]n|tr[aá]mite|peticiones|"
    r"petici[oó]n|audiencias?)\s+(?:de\s+)?(?:la\s+)?$",
    FLAGS,
)
# 'would be freed', 'serán excarcelados', 'excarcelarán': a flow still to come is no event
FUTURE_BEFORE_RE = re.compile(
    r"\b(?:would|will|could|might|may|should|shall|(?:expected|due|set|scheduled|likely|going|about)\s+to)\s+"
    r"(?:soon\s+|also\s+|now\s+)?(?:be\s+|have\s+been\s+)?$|"
    r"\b(?:ser[aá]n|ser[ií]an|podr[ií]an\s+ser|pueden\s+ser|van\s+a\s+ser|iban\s+a\s+ser|deber[ií]an\s+ser|"
    r"ser[aá]|ser[ií]a)\s+$",
    FLAGS,
)
FUTURE_FORM_RE = re.compile(r"(?:ar|er|ir)(?:án?|ían?)$", FLAGS)
# the law named as the agent of a benefit still counts: 'La ley de amnistía ha beneficiado a 379 personas'
LAW_BENEFIT_RE = re.compile(r"benefi|applied\s+to|aplicad|acog|amparad|favorec|cubiert|covered", FLAGS)
# 'Foro Penal counts 18 people detained ...': a counting verb whose noun is named by the participle after it
COUNTING_VERB_RE = re.compile(r"count|registr|contabiliz|document|record|verif|report|tall|list", FLAGS)
# '33 inmates were hospitalized', '20 inmates escaped': a prisoner noun that is the subject of another verb
PRISONER_PREDICATE_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:(?:who|that|que|quienes)\s+)?(?:[\w-]+\s+){0,2}?(?:(?:were|was|have\s+been|had\s+been|has\s+been|"
    r"would\s+be|will\s+be|fueron|han\s+sido|hab[ií]an\s+sido|ser[aá]n|ser[ií]an)\s+(?P<participle>(?:escap|fled|fug|hospitali|injur|wound|kill|beaten|beat|tortur|interview|visit|evacuat|"
    r"vaccinat|treated|moved|transferr|relocat|trasladad|hospitalizad|herid|golpead|torturad|entrevistad|visitad|"
    r"evacuad|atendid|vacunad)[a-záéíóúñ]*)|"
    r"(?P<verb>(?:escap|fled|fug|hospitali|injur|wound|kill|beaten|beat|tortur|interview|visit|evacuat|vaccinat|"
    r"treated|moved|transferr|relocat|rioted|amotin|trasladad|hospitalizad|herid|golpead|torturad|entrevistad|"
    r"visitad|evacuad|atendid|vacunad)[a-záéíóúñ]*))\b",
    FLAGS,
)
COUNTING_PARTICIPLE_RE = re.compile(
    r"^(?:counted|registered|recorded|documented|verified|listed|identified|confirmed|registrad|contabilizad|"
    r"documentad|verificad|identificad|confirmad|reportad|censad)",
    FLAGS,
)
# 'junto con otros dos', 'along with two others': companions of one person, not a count
COMPANION_BEFORE_RE = re.compile(
    r"\b(?:junto\s+(?:con|a)|along\s+with|together\s+with|with)\s+(?:otr[oa]s|another)\s+$", FLAGS
)
