"""Verb and noun lexicons for each metric, in every form news prose uses (Spanish and English).

Rules written sentence by sentence miss the next conjugation; these lists are generated from stems and
endings instead, so 'excarcelaron', 'habían sido excarceladas', 'se excarceló a' and 'excarcelará' are all
covered once 'excarcel-' is. Each metric's forms are compiled into one prefix-tree regex (shared prefixes are
factored out), which keeps matching fast however long the lists grow. Everything is built once at import.

Passive and perfect constructions ('fueron excarceladas', 'han sido puestos en libertad', 'had been freed')
need no entry of their own: the participle alone is the cue, whatever auxiliary precedes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ----------------------------------------------------------------------------- Spanish conjugation
_AR_ENDINGS = (
    "ar", "o", "as", "a", "amos", "an", "é", "aste", "ó", "aron", "aba", "abas", "ábamos", "aban", "ará", "arán",
    "aría", "arían", "e", "es", "en", "emos", "ara", "aran", "ase", "asen", "ando", "ado", "ada", "ados", "adas",
    "arse", "arlos", "arlas", "arla", "arlo",
)  # fmt: skip
_ER_ENDINGS = (
    "er", "o", "es", "e", "emos", "en", "í", "iste", "ió", "ieron", "ía", "ían", "erá", "erán", "ería", "erían",
    "a", "an", "iera", "ieran", "iendo", "ido", "ida", "idos", "idas", "erse", "erlos", "erlas",
)  # fmt: skip
_IR_ENDINGS = (
    "ir", "o", "es", "e", "imos", "en", "í", "iste", "ió", "ieron", "ía", "ían", "irá", "irán", "iría", "irían",
    "a", "an", "iera", "ieran", "iendo", "ido", "ida", "idos", "idas", "irse",
)  # fmt: skip
_PARTICIPLE_ENDINGS = ("o", "a", "os", "as")


def es_ar(stem: str) -> list[str]:
    """Every form of a regular -ar verb news uses: 'excarcel' -> excarcelar, excarceló, excarceladas, ..."""
    forms = [stem + e for e in _AR_ENDINGS]
    if stem.endswith("c"):  # 'indicar' -> 'indiqué', 'indiquen'
        forms += [stem[:-1] + "qu" + e for e in ("é", "e", "en")]
    if stem.endswith("g"):  # 'otorgar' -> 'otorgué', 'otorguen'
        forms += [stem + "u" + e for e in ("é", "e", "en")]
    return forms


def es_er(stem: str) -> list[str]:
    return [stem + e for e in _ER_ENDINGS]


def es_ir(stem: str) -> list[str]:
    return [stem + e for e in _IR_ENDINGS]


def es_participle(stem: str) -> list[str]:
    """'puest' -> puesto, puesta, puestos, puestas."""
    return [stem + e for e in _PARTICIPLE_ENDINGS]


# Irregular verbs that carry a release, a stock or an arrest in a periphrasis.
ES_SALIR = [
    "salir", "sale", "salen", "salió", "salieron", "salía", "salían", "saldrá", "saldrán", "saldría", "saldrían",
    "salga", "salgan", "saliera", "salieran", "saliendo", "salido", "salimos",
]  # fmt: skip
ES_PONER = ["poner", "pone", "ponen", "puso", "pusieron", "pondrá", "pondrán", "ponía", "ponían", "poniendo"]
ES_PUESTO = es_participle("puest")
ES_OBTENER = [
    "obtener", "obtiene", "obtienen", "obtuvo", "obtuvieron", "obtendrá", "obtendrán", "obtenía", "obtenían",
    "obtenido", "obtenida", "obtenidos", "obtenidas", "obtengan", "obteniendo",
]  # fmt: skip
ES_SOLTAR = [
    "soltar", "suelta", "sueltan", "soltó", "soltaron", "soltará", "soltarán", "soltado", "soltada", "soltados",
    "soltadas", "suelto", "sueltos", "suelten",
]  # fmt: skip
ES_DETENER = [
    "detener", "detiene", "detienen", "detuvo", "detuvieron", "detendrá", "detendrán", "detenía", "detenían",
    "detenido", "detenida", "detenidos", "detenidas", "deteniendo", "detengan", "detuvimos",
]  # fmt: skip
ES_SEGUIR = ["sigue", "siguen", "seguía", "seguían", "seguirá", "seguirán", "siguió", "siguieron", "seguir", "sigan"]
ES_MANTENER = [
    "mantiene", "mantienen", "mantenía", "mantenían", "mantuvo", "mantuvieron", "mantendrá", "mantendrán",
    "mantenido", "mantenidos", "mantenidas", "mantener",
]  # fmt: skip
ES_PERMANECER = [
    "permanece", "permanecen", "permanecía", "permanecían", "permaneció", "permanecieron", "permanecerá",
    "permanecerán", "permanecer", "permanezcan",
]  # fmt: skip
ES_CONTINUAR = ["continúa", "continúan", "continuaba", "continuaban", "continuó", "continuaron", "continuar"]
ES_QUEDAR = es_ar("qued")
ES_RECLUIR = [
    "recluyó", "recluyeron", "recluye", "recluyen", "recluido", "recluida", "recluidos", "recluidas", "recluir",
]  # fmt: skip

# ----------------------------------------------------------------------------- English conjugation


def en_verb(
    base: str, past: str, participle: str | None = None, third: str | None = None, ing: str | None = None
) -> list[str]:
    """Every finite and non-finite form of an English verb: base, -s, -ing, past, participle."""
    third = third or (base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s")
    ing = ing or (base[:-1] + "ing" if base.endswith("e") and not base.endswith("ee") else base + "ing")
    return [base, third, ing, past, participle or past]


# ----------------------------------------------------------------------------- per metric
def _phrase(first: Iterable[str], rest: str) -> str:
    """'(salió|salieron|...) en libertad' as one pattern: a verb list, then fixed words."""
    return rf"(?:{trie_regex(first)})\s+{rest}"


def trie_regex(words: Iterable[str]) -> str:
    """One regex matching exactly ``words``, with shared prefixes factored out (fast on long lists)."""
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        children = sorted(c for c in node if c)
        if not children:
            return ""
        branches = [re.escape(c) + render(node[c]) for c in children]
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return f"(?:{render(trie)})(?![\\w])"


_PRISON_NOUNS_ES = (
    r"(?:el\s+|la\s+|los\s+|las\s+|sus\s+)?(?:centro|centros|c[aá]rcel|c[aá]rceles|prisi[oó]n|prisiones|penal|penales|"
    r"recinto|recintos|penitenciar[ií]a|internado|calabozos?|celdas?|sede|instalaciones|retenes?|reclusorio)"
)
_PRISON_NOUNS_EN = (
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:prison|prisons|jail|jails|detention\s+cent(?:er|re)s?|cells?|penitentiary|"
    r"custody)"
)
# a named prison ('left Tocorón', 'salieron de El Helicoide'): a capitalised word, whatever the flags
_PLACE = (
    r"(?!(?:Venezuela|Colombia|Caracas|Espa[ñn]a|Spain|Panam[aá]|Miami|Bogot[aá]|Estados|United|the\s+country)\b)"
    r"(?-i:(?:El\s+|La\s+|Los\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)"
)

RELEASED_ES = "|".join(
    [
        trie_regex(es_ar("excarcel") + es_ar("liber") + ES_SOLTAR + es_ar("desencarcel")),
        r"excarcelaci[oó]n(?:es)?|liberaci[oó]n(?:es)?|libertad\s+plena|plena\s+libertad|"
        r"(?:libertad|libertades)\s+(?:condicional(?:es)?|bajo\s+fianza)",
        _phrase(
            ES_SALIR,
            rf"(?:en\s+libertad|libres?|de\s+{_PRISON_NOUNS_ES}|del\s+{_PRISON_NOUNS_ES}|de\s+{_PLACE}|del\s+{_PLACE})",
        ),
        _phrase(ES_PONER + ES_PUESTO + es_ar("dej") + ES_QUEDAR + es_participle("dejad"), r"en\s+libertad"),
        _phrase(ES_QUEDAR, r"libres?"),
        _phrase(
            es_ir("recib")
            + ES_OBTENER
            + es_ar("recobr")
            + es_ar("recuper")
            + es_ir("consegu")
            + es_ar("gan")
            + ["consiguió", "consiguieron", "consigue", "consiguen"],
            r"(?:la\s+|su\s+)?(?:libertad|excarcelaci[oó]n|boleta\s+de\s+excarcelaci[oó]n)",
        ),
        _phrase(es_ar("abandon"), rf"(?:{_PRISON_NOUNS_ES}|{_PLACE})"),
        _phrase(es_ar("otorg") + es_er("conced"), r"(?:la\s+)?libertad"),
    ]
)
RELEASED_EN = "|".join(
    [
        trie_regex(
            en_verb("release", "released") + en_verb("free", "freed", ing="freeing") + ["releases", "discharged"]
        ),
        r"set\s+free|let\s+(?:out|go)|walk(?:ed|s|ing)?\s+(?:free|out(?:\s+of)?)|go(?:es)?\s+free|went\s+free|"
        r"(?:won|win|wins|winning|gained|secured|granted|given|regained|regain)\s+(?:their\s+|his\s+|her\s+)?"
        r"(?:release|freedom|liberty)|"
        r"(?:left|leave|leaves|leaving|exited|walked\s+out\s+of)\s+" + rf"(?:{_PRISON_NOUNS_EN}|{_PLACE})|"
        r"out\s+of\s+(?:prison|jail|custody)|were\s+free|have\s+been\s+free|freedom\s+for|full\s+freedom|"
        r"excarcerat\w*",
    ]
)
STILL_DETAINED_ES = "|".join(
    [
        _phrase(
            ES_SEGUIR + ES_PERMANECER + ES_CONTINUAR + es_ar("qued") + ES_MANTENER + ["hay", "había", "habrá"],
            r"(?:\w+\s+){0,2}?(?:detenid[oa]s?|pres[oa]s?|en\s+prisi[oó]n|en\s+(?:la|las)\s+c[aá]rcel(?:es)?|"
            r"tras\s+las\s+rejas|encarcelad[oa]s?|privad[oa]s?|recluid[oa]s?|bajo\s+custodia|en\s+(?:los\s+)?calabozos|"
            r"en\s+reclusi[oó]n|entre\s+rejas|cautiv[oa]s)",
        ),
        r"tras\s+las\s+rejas|entre\s+rejas|privad[oa]s\s+de\s+(?:su\s+)?libertad|"
        r"todav[ií]a\s+(?:hay|quedan)|a[uú]n\s+(?:hay|quedan)|como\s+rehenes",
    ]
)
STILL_DETAINED_EN = "|".join(
    [
        r"(?:remain|remains|remained|remaining|are\s+still|is\s+still|were\s+still|still|continue\s+to\s+be|"
        r"continued\s+to\s+be)\s+(?:\w+\s+)?(?:behind\s+bars|in\s+(?:prison|jail|custody|detention|cells)|detained|"
        r"imprisoned|jailed|incarcerated|held|locked\s+up|in\s+state\s+custody)",
        r"(?:are|is|were)\s+(?:being\s+)?held|being\s+held|languish(?:es|ed|ing)?|behind\s+bars|in\s+custody|"
        r"held\s+(?:in|at|for|by|without)|as\s+hostages|held\s+hostage|still\s+remain\w*",
    ]
)
ARRESTED_ES = "|".join(
    [
        trie_regex(
            es_ar("arrest")
            + es_er("aprehend")
            + es_ar("apres")
            + es_ar("captur")
            + [f for f in ES_DETENER if not f.startswith("detenid")]
        ),
        r"detenci[oó]n(?:es)?|arrestos?|capturas?|aprehensi[oó]n(?:es)?|redadas?|"
        r"entre\s+(?:los|las)\s+(?:detenid[oa]s|arrestad[oa]s|apresad[oa]s|capturad[oa]s)",
        r"(?:ha|han|hab[ií]a|hab[ií]an|hemos|fueron|han\s+sido|fue|ha\s+sido)\s+(?:detenid[oa]s?|encarcelad[oa]s?)",
    ]
)
ARRESTED_EN = "|".join(
    [
        trie_regex(
            en_verb("arrest", "arrested")
            + en_verb("apprehend", "apprehended")
            + en_verb("detain", "detained")
            + en_verb("capture", "captured")
            + ["detentions", "detention", "arrests", "roundup", "roundups", "crackdown"]
        ),
        r"round(?:ed|s|ing)?\s+up|taken\s+into\s+custody|(?:took|take|takes|taking)\s+(?:[\w,-]+\s+){0,5}?into\s+custody|"
        r"picked\s+up|seized\s+by|"
        r"(?:were|have\s+been|had\s+been|was)\s+(?:\w+\s+)?jailed|(?:has|have|had)\s+(?:\w+\s+)?(?:jailed|imprisoned)",
    ]
)
AMNESTY_ES = "|".join(
    [
        trie_regex(es_ar("amnisti") + es_ar("indult") + ["amnistía", "amnistías", "indulto", "indultos"]),
        r"beneficiari[oa]s|benefici(?:ad[oa]s|ó|aron|a|an|ar[aá]n?)\s+(?:por|con|de)\s+(?:la\s+)?(?:ley|amnist)\w*|"
        r"(?:se\s+)?benefici(?:aron|ó|an|a|ar[aá]n?|ar[ií]an?)\s+de\s+(?:la\s+)?(?:ley|amnist)\w*|"
        r"acogid[oa]s\s+a\s+la\s+ley|(?:se\s+)?acog(?:ieron|i[oó]|en|e|er[aá]n)\s+a\s+la\s+(?:ley|amnist[ií]a)|"
        r"clemencia|gracia\s+presidencial",
    ]
)
AMNESTY_EN = (
    r"amnest\w*|pardon\w*|clemency|beneficiaries\s+of\s+the\s+(?:law|amnesty)|beneficiaries|"
    r"benefit(?:ed|ted|s)?\s+from\s+the\s+(?:amnesty|law)|covered\s+by\s+the\s+(?:law|amnesty)|"
    r"(?:granted|given|received|receive|receives|won)\s+(?:an\s+)?amnesty"
)
MEASURES_ES = (
    r"medidas\s+(?:cautelares|sustitutivas|alternativas|de\s+coerci[oó]n|restrictivas|de\s+presentaci[oó]n)|"
    r"medida\s+(?:cautelar|sustitutiva|alternativa)|r[eé]gimen(?:es)?\s+de\s+presentaci[oó]n(?:es)?|"
    r"arresto\s+domiciliario|casa\s+por\s+c[aá]rcel|prohibici[oó]n\s+de\s+(?:salida|declarar|hablar|salir)|"
    r"presentarse\s+(?:[\w-]+\s+){0,4}?ante\s+(?:los\s+|el\s+|un\s+)?(?:tribunal(?:es)?|juzgados?|juez)|"
    r"comparecer\s+(?:[\w-]+\s+){0,3}?ante\s+(?:los\s+|el\s+|un\s+)?(?:tribunal(?:es)?|juzgados?|juez)|"
    r"presentaciones\s+peri[oó]dicas|sometid[oa]s\s+a|bajo\s+medidas|procesos?\s+abiertos?|libertad\s+condicionada"
)
MEASURES_EN = (
    r"(?:judicial|precautionary|court|alternative|substitute|restrictive)\s+(?:measures|conditions|orders)|"
    r"house\s+arrest|travel\s+bans?|gag\s+orders?|(?:banned|barred|prohibited|forbidden)\s+from\s+(?:leaving|speaking|talking)|"
    r"(?:must|have\s+to|has\s+to|required\s+to|ordered\s+to|obliged\s+to)?\s*report\s+(?:regularly\s+|periodically\s+|"
    r"weekly\s+|monthly\s+)?to\s+(?:a\s+|the\s+)?(?:court|judge|tribunal|authorities)s?|subjected\s+to|"
    r"(?:present\s+(?:themselves|himself|herself)|appear)\s+(?:regularly\s+|periodically\s+|weekly\s+|monthly\s+)?"
    r"(?:before|in\s+front\s+of)\s+(?:a\s+|the\s+)?(?:court|judge|tribunal)s?|"
    r"(?:court|judicial|legal)[- ](?:imposed\s+)?(?:restrictions|conditions)|"
    r"under\s+(?:court|judicial)\s+supervision|open\s+cases|subject\s+to\s+(?:court|judicial|precautionary|restrictions|"
    r"conditions)\S*"
)
