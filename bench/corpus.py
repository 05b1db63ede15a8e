"""A generated news site for benchmarks: article pages in Spanish and English, and RSS feeds listing them.

Deterministic for a given seed. Each article is 300–2,000 words of news prose: context paragraphs
built from a grammar with many slots (so no two articles are near-duplicates), and paragraphs that
state prisoner figures with their attribution ('Foro Penal contabiliza…', 'according to the
government…'), hedges ('at least', 'más de') and dates; the values follow a slow trend with
source-specific bias and a few outliers, as real coverage does. About one article in seven is about
something else (oil, baseball, weather). Pages carry what real news pages carry around the story:
a navigation menu, scripts, JSON-LD, a related-articles box, a most-read list, a newsletter box and
a footer. Links use ``{{BASE_URL}}``, which ``prisonwatch.run.demo.serve_site`` replaces when serving.

    .venv/bin/python bench/corpus.py OUT_DIR [--articles 200] [--feeds 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import html
import json
import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

START = date(2026, 1, 3)  # the first releases of the period the project watches
SPAN_DAYS = 300
MIN_WORDS, MAX_WORDS = 300, 2000
IRRELEVANT_SHARE = 1 / 7

# ------------------------------------------------------------------ vocabulary
FIRST = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Carlos",
    "Rosa",
    "Jesús",
    "Carmen",
    "Pedro",
    "Yolanda",
    "Miguel",
    "Gabriela",
    "Rafael",
    "Daniela",
    "Andrés",
    "Marisol",
    "Javier",
    "Elena",
    "Héctor",
    "Lucía",
    "Ramón",
    "Patricia",
    "Óscar",
    "Verónica",
    "Fernando",
    "Isabel",
    "Ricardo",
    "Natalia",
    "Tomás",
    "Beatriz",
]
LAST = [
    "González",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Díaz",
    "Sánchez",
    "Romero",
    "Torres",
    "Rojas",
    "Medina",
    "Castillo",
    "Suárez",
    "Mendoza",
    "Guerrero",
    "Blanco",
    "Paredes",
    "Aponte",
    "Salazar",
    "Colmenares",
    "Briceño",
    "Villegas",
    "Urdaneta",
    "Márquez",
    "Quintero",
    "Figueroa",
    "Ochoa",
]
CITIES = [
    "Caracas",
    "Maracaibo",
    "Valencia",
    "Barquisimeto",
    "Maracay",
    "Ciudad Guayana",
    "Mérida",
    "San Cristóbal",
    "Barcelona",
    "Maturín",
    "Cumaná",
    "Puerto La Cruz",
    "Los Teques",
    "Guanare",
    "Coro",
    "Barinas",
]
PRISONS = [
    "El Rodeo I",
    "El Helicoide",
    "Tocorón",
    "Tocuyito",
    "Yare III",
    "Las Crisálidas",
    "Zona 7",
    "Boleíta",
    "Fuerte Tiuna",
    "La Tumba",
    "Rodeo II",
    "Uribana",
]
MONTHS_ES = [
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
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS_ES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

ES = {
    "subjects": [
        "Los familiares de los detenidos",
        "La defensa de {person}",
        "Varios diputados de la oposición",
        "El Ministerio Público",
        "Las organizaciones de derechos humanos",
        "Los abogados de la ONG",
        "Un grupo de madres de presos",
        "La Conferencia Episcopal",
        "Dirigentes sindicales de {city}",
        "Periodistas de {city}",
        "Vecinos de {city}",
        "Representantes diplomáticos en {city}",
        "{person}, hermana de un detenido,",
        "El abogado {person}",
        "La esposa de {person}",
        "Activistas estudiantiles",
        "Voceros del partido de gobierno",
        "Un portavoz de la cancillería",
    ],
    "verbs": [
        "denunciaron",
        "insistieron en",
        "reclamaron",
        "cuestionaron",
        "pidieron aclarar",
        "recordaron",
        "describieron",
        "documentaron",
        "criticaron",
        "lamentaron",
        "pusieron en duda",
        "volvieron a exigir",
        "explicaron",
        "detallaron",
    ],
    "objects": [
        "las condiciones de reclusión en {prison}",
        "la falta de acceso a abogados de confianza",
        "los retrasos en las audiencias preliminares de {city}",
        "el traslado de presos a {prison}",
        "la ausencia de una lista oficial de beneficiarios",
        "las restricciones a las visitas en {prison}",
        "la situación de salud de {person}",
        "el régimen de presentación cada {small} días",
        "la prohibición de declarar a la prensa",
        "los cargos de terrorismo e instigación al odio",
        "las demoras en las boletas de excarcelación",
        "el acceso a medicinas dentro de {prison}",
        "la incomunicación de {person} desde hace {small} semanas",
        "el costo de los traslados a {city}",
    ],
    "tails": [
        "durante una rueda de prensa en {city}",
        "el pasado {weekday}",
        "a través de las redes sociales",
        "frente a la sede del Palacio de Justicia",
        "en declaraciones a este medio",
        "según un comunicado del {day}",
        "tras una reunión de {small} horas",
        "antes de la audiencia prevista para el {day}",
        "mientras esperaban noticias frente a {prison}",
        "en una carta dirigida a la Defensoría del Pueblo",
        "en un video difundido el {weekday} por la noche",
        "ante la prensa internacional en {city}",
    ],
    "quotes": [
        "«No se trata de libertad plena», dijo {person}.",
        "«Seguimos esperando una respuesta», afirmó {person}.",
        "«Cada caso tiene nombre y apellido», recordó {person}.",
        "«Nadie nos ha explicado por qué sigue preso», contó {person}.",
        "«Las familias viven con miedo», señaló {person} en {city}.",
    ],
    "context": [
        "La medida se produce semanas después del inicio de las excarcelaciones en {month}.",
        "El proceso ha sido lento y opaco, según los abogados consultados por este medio.",
        "Muchos de los excarcelados deben presentarse ante un tribunal cada {small} días.",
        "Las autoridades no han publicado la lista completa de las personas beneficiadas.",
        "La mayoría de los casos se remonta a las protestas posteriores a las elecciones de julio de 2024.",
        "En {city}, las familias hicieron vigilia durante {small} noches frente a {prison}.",
        "La noticia fue recibida con cautela por los partidos de la oposición en {city}.",
        "Los detenidos extranjeros siguen sin acceso consular, según sus familias.",
    ],
}
EN = {
    "subjects": [
        "Relatives of the detainees",
        "Lawyers for {person}",
        "Several opposition lawmakers",
        "The attorney general's office",
        "Human rights organisations",
        "The group's legal team",
        "A group of prisoners' mothers",
        "The Catholic bishops' conference",
        "Union leaders in {city}",
        "Journalists in {city}",
        "Residents of {city}",
        "Diplomats posted in {city}",
        "{person}, whose brother is detained,",
        "Defence lawyer {person}",
        "The wife of {person}",
        "Student activists",
        "Spokespeople for the ruling party",
        "A foreign ministry spokesman",
    ],
    "verbs": [
        "denounced",
        "insisted on",
        "demanded answers about",
        "questioned",
        "asked for clarity on",
        "recalled",
        "described",
        "documented",
        "criticised",
        "lamented",
        "cast doubt on",
        "again called attention to",
        "explained",
        "detailed",
    ],
    "objects": [
        "conditions inside {prison}",
        "the lack of access to lawyers of their choosing",
        "delays in preliminary hearings in {city}",
        "the transfer of prisoners to {prison}",
        "the absence of an official list of beneficiaries",
        "restrictions on visits at {prison}",
        "the health of {person}",
        "the obligation to report to a court every {small} days",
        "the ban on speaking to the press",
        "terrorism and incitement-to-hatred charges",
        "delays in signing release orders",
        "access to medicine inside {prison}",
        "the isolation of {person} for the past {small} weeks",
        "the cost of travelling to {city}",
    ],
    "tails": [
        "at a press conference in {city}",
        "last {weekday}",
        "on social media",
        "outside the Palace of Justice",
        "in remarks to this outlet",
        "in a statement dated {day}",
        "after a meeting that lasted {small} hours",
        "ahead of a hearing set for {day}",
        "while waiting for news outside {prison}",
        "in a letter to the ombudsman's office",
        "in a video released on {weekday} night",
        "before the foreign press in {city}",
    ],
    "quotes": [
        "\u201cThis is not full freedom,\u201d {person} said.",
        "\u201cWe are still waiting for an answer,\u201d said {person}.",
        "\u201cEvery case has a name,\u201d {person} recalled.",
        "\u201cNobody has told us why he is still inside,\u201d {person} said.",
        "\u201cFamilies live in fear,\u201d {person} said in {city}.",
    ],
    "context": [
        "The move comes weeks after the releases began in {month}.",
        "The process has been slow and opaque, according to lawyers consulted for this story.",
        "Many of those released must report to a court every {small} days.",
        "The authorities have not published a full list of those who benefited.",
        "Most of the cases date back to the protests that followed the July 2024 election.",
        "In {city}, families kept a vigil for {small} nights outside {prison}.",
        "Opposition parties in {city} greeted the news with caution.",
        "Foreign detainees still have no consular access, their families say.",
    ],
}

# Figure statements: (template, metric, source). {n} is the value, {q} a hedge, {day} a date.
FIGURES_ES = [
    (
        "Foro Penal contabiliza {q}{n} presos políticos en Venezuela al {day}, según su último balance.",
        "still_detained",
        "foro_penal",
    ),
    (
        "De acuerdo con el gobierno, {q}{n} personas han sido excarceladas desde el inicio del proceso.",
        "released",
        "government",
    ),
    (
        "La ONG Justicia, Encuentro y Perdón registró {q}{n} excarcelaciones hasta el {day}.",
        "released",
        "jep",
    ),
    (
        "Alfredo Romero, director de Foro Penal, afirmó que {q}{n} personas siguen detenidas por razones políticas.",
        "still_detained",
        "foro_penal",
    ),
    (
        "El fiscal general Tarek William Saab anunció que {q}{n} personas se beneficiaron de la amnistía.",
        "amnesty_granted",
        "government",
    ),
    ("Según Provea, {q}{n} personas permanecen bajo medidas cautelares.", "under_court_measures", "provea"),
    ("Delcy Rodríguez aseguró el {weekday} que {q}{n} presos han sido liberados.", "released", "government"),
    (
        "El Clippve denunció que {q}{n} personas fueron detenidas en {city} durante la última semana.",
        "arrested",
        "clippve",
    ),
]
FIGURES_EN = [
    (
        "Foro Penal counts {q}{n} political prisoners in Venezuela as of {day}, according to its latest tally.",
        "still_detained",
        "foro_penal",
    ),
    (
        "According to the government, {q}{n} people have been released since the process began.",
        "released",
        "government",
    ),
    (
        "The rights group Justicia, Encuentro y Perdón recorded {q}{n} releases up to {day}.",
        "released",
        "jep",
    ),
    (
        "Alfredo Romero, director of Foro Penal, said {q}{n} people remain detained for political reasons.",
        "still_detained",
        "foro_penal",
    ),
    (
        "Attorney General Tarek William Saab announced that {q}{n} people had been granted amnesty.",
        "amnesty_granted",
        "government",
    ),
    (
        "According to Provea, {q}{n} people are under precautionary court measures.",
        "under_court_measures",
        "provea",
    ),
    ("Delcy Rodríguez said on {weekday} that {q}{n} prisoners had been freed.", "released", "government"),
    ("Clippve said {q}{n} people were arrested in {city} over the past week.", "arrested", "clippve"),
]
HEDGES_ES = ["", "", "", "al menos ", "más de ", "unos ", "casi "]
HEDGES_EN = ["", "", "", "at least ", "more than ", "about ", "nearly "]
BIAS = {"foro_penal": 1.0, "government": 1.12, "jep": 0.97, "provea": 1.03, "clippve": 0.95}

TITLES_ES = [
    "{n} presos políticos siguen tras las rejas, según {who}",
    "{who}: {n} excarcelaciones en {month}",
    "Familias de {prison} esperan noticias mientras {who} habla de {n} liberados",
    "{who} actualiza su balance: {n} personas detenidas",
    "Amnistía: {n} beneficiarios, dice {who}",
]
TITLES_EN = [
    "{n} political prisoners still behind bars, says {who}",
    "{who}: {n} releases in {month}",
    "Families outside {prison} wait as {who} reports {n} freed",
    "{who} updates its tally: {n} people detained",
    "Amnesty: {n} beneficiaries, {who} says",
]
WHO = ["Foro Penal", "el gobierno", "Provea", "JEP", "Clippve"]
WHO_EN = ["Foro Penal", "the government", "Provea", "JEP", "Clippve"]

OFF_TOPIC = {
    "es": {
        "titles": [
            "Exportaciones petroleras suben {n}% en {month}",
            "Los Leones ganan {n} a 3 en el Universitario",
            "Lluvias afectan {n} viviendas en {city}",
        ],
        "sentences": [
            "PDVSA despachó más crudo hacia Asia durante {month}, según datos de seguimiento de buques.",
            "El equipo anotó {small} carreras en la séptima entrada ante un estadio lleno en {city}.",
            "Protección Civil reportó daños en viviendas y vías de {city} tras las lluvias del {weekday}.",
            "Los analistas esperan que la producción se mantenga estable el resto del año.",
            "El mánager {person} destacó el trabajo del bullpen en la serie ante {city}.",
            "Las autoridades locales habilitaron {small} refugios temporales en {city}.",
            "El precio de la cesta venezolana cerró la semana con una leve subida.",
            "La temporada regular termina en {month} con {small} juegos pendientes.",
        ],
    },
    "en": {
        "titles": [
            "Oil exports rise {n}% in {month}",
            "Leones win {n}-3 in Caracas derby",
            "Rains damage {n} homes in {city}",
        ],
        "sentences": [
            "PDVSA shipped more crude to Asia in {month}, according to tanker-tracking data.",
            "The team scored {small} runs in the seventh inning before a full stadium in {city}.",
            "Civil protection reported damage to homes and roads in {city} after {weekday}'s rains.",
            "Analysts expect output to hold steady for the rest of the year.",
            "Manager {person} praised the bullpen after the series against {city}.",
            "Local authorities opened {small} temporary shelters in {city}.",
            "The price of the Venezuelan oil basket closed the week slightly higher.",
            "The regular season ends in {month} with {small} games left to play.",
        ],
    },
}
OUTLETS = [
    ("Noticias de Venezuela", "es"),
    ("Diario del Centro", "es"),
    ("El Observador Llanero", "es"),
    ("Crónica de Caracas", "es"),
    ("Venezuela Report", "en"),
    ("Andean Wire", "en"),
    ("Caribbean Times", "en"),
    ("Latin Desk", "en"),
]


@dataclass
class GeneratedArticle:
    """What the generator wrote for one article (the expectations a benchmark can check)."""

    slug: str
    path: str
    feed: str
    language: str
    relevant: bool
    words: int
    published: str
    title: str
    figures: list[dict]


# ------------------------------------------------------------------ text
class _Writer:
    def __init__(self, rng: random.Random, language: str, day: date) -> None:
        self.rng, self.language, self.day = rng, language, day
        self.pool = ES if language == "es" else EN

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def date_text(self, day: date) -> str:
        if self.language == "es":
            return f"{day.day} de {MONTHS_ES[day.month - 1]}"
        return f"{MONTHS_EN[day.month - 1]} {day.day}"

    def fill(self, template: str, **extra: object) -> str:
        rng = self.rng
        values = {
            "person": self.person(),
            "city": rng.choice(CITIES),
            "prison": rng.choice(PRISONS),
            "small": str(rng.randint(2, 45)),
            "weekday": rng.choice(WEEKDAYS_ES if self.language == "es" else WEEKDAYS_EN),
            "day": self.date_text(self.day - timedelta(days=rng.randint(0, 6))),
            "month": (MONTHS_ES if self.language == "es" else MONTHS_EN)[self.day.month - 1],
        }
        values.update({k: str(v) for k, v in extra.items()})
        return template.format(**values)

    def context_sentence(self) -> str:
        rng, pool = self.rng, self.pool
        if rng.random() < 0.25:
            return self.fill(rng.choice(pool["context"] + pool["quotes"]))
        parts = [rng.choice(pool["subjects"]), rng.choice(pool["verbs"]), rng.choice(pool["objects"])]
        if rng.random() < 0.7:
            parts.append(rng.choice(pool["tails"]))
        return self.fill(" ".join(parts) + ".")

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.context_sentence() for _ in range(sentences))

    def figure_sentence(self) -> tuple[str, dict]:
        rng = self.rng
        templates = FIGURES_ES if self.language == "es" else FIGURES_EN
        template, metric, source = rng.choice(templates)
        value = figure_value(metric, source, (self.day - START).days, rng)
        hedge = rng.choice(HEDGES_ES if self.language == "es" else HEDGES_EN)
        number = f"{value:,}".replace(",", "." if self.language == "es" else ",")
        sentence = self.fill(template, n=number, q=hedge)
        return sentence, {"metric": metric, "source": source, "value": value, "hedge": hedge.strip()}


def figure_value(metric: str, source: str, day_index: int, rng: random.Random) -> int:
    """A trend per metric, a bias per source, a little noise, and one outlier in 25."""
    base = {
        "released": 150 + 2.2 * day_index,
        "still_detained": 1000 - 1.2 * day_index,
        "amnesty_granted": 379 + 1.5 * day_index,
        "under_court_measures": 120 + 1.8 * day_index,
        "arrested": 15 + (day_index % 17),
    }[metric]
    value = base * BIAS.get(source, 1.0) * rng.uniform(0.98, 1.02)
    if rng.random() < 0.04:
        value *= rng.uniform(0.4, 2.2)
    return max(2, round(value))


def _words(text: str) -> int:
    return len(text.split())


def write_article_text(rng: random.Random, language: str, day: date, relevant: bool) -> tuple[str, list[str], list]:
    """(title, paragraphs, stated figures) of one article of 300–2,000 words."""
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    writer = _Writer(rng, language, day)
    month = (MONTHS_ES if language == "es" else MONTHS_EN)[day.month - 1]
    if not relevant:
        topic = OFF_TOPIC[language]
        title = writer.fill(rng.choice(topic["titles"]), n=rng.randint(3, 40))
        paragraphs: list[str] = []
        while sum(map(_words, paragraphs)) < target:
            paragraphs.append(" ".join(writer.fill(rng.choice(topic["sentences"])) for _ in range(rng.randint(3, 6))))
        return title, paragraphs, []
    figures: list[dict] = []
    lead, fig = writer.figure_sentence()
    figures.append(fig)
    who = rng.choice(WHO if language == "es" else WHO_EN)
    title = writer.fill(rng.choice(TITLES_ES if language == "es" else TITLES_EN), n=fig["value"], who=who, month=month)
    city = rng.choice(CITIES).upper()
    paragraphs = [f"{city}, Venezuela — {lead} {writer.context_sentence()}"]
    while sum(map(_words, paragraphs)) < target:
        if rng.random() < 0.22:
            sentence, fig = writer.figure_sentence()
            figures.append(fig)
            paragraphs.append(f"{writer.context_sentence()} {sentence} {writer.context_sentence()}")
        else:
            paragraphs.append(writer.paragraph(rng.randint(3, 6)))
    return title, paragraphs, figures


# ------------------------------------------------------------------ pages and feeds
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());"
    "(function(w,d){var s=d.createElement('script');s.async=true;s.src='/static/ads.js';"
    "d.head.appendChild(s);})(window,document);"
)


_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M12 2C6.48 2 2 6.48 '
    '2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z"/></svg>'
)


def _nav(rng: random.Random, language: str) -> str:
    """A mega-menu: sections, each with a dozen sub-sections, as large outlets publish on every page."""
    sections = (
        [
            "Inicio",
            "Política",
            "Economía",
            "Sucesos",
            "Deportes",
            "Regiones",
            "Mundo",
            "Opinión",
            "Tecnología",
            "Cultura",
            "Salud",
            "Especiales",
            "Multimedia",
            "Podcast",
            "Suscríbete",
        ]
        if language == "es"
        else [
            "Home",
            "Politics",
            "Economy",
            "Crime",
            "Sports",
            "Regions",
            "World",
            "Opinion",
            "Technology",
            "Culture",
            "Health",
            "Special reports",
            "Video",
            "Podcasts",
            "Subscribe",
        ]
    )
    menus = []
    for section in sections:
        slug = section.lower().replace(" ", "-")
        subs = "".join(
            f'<li class="menu-item"><a class="menu-link" href="/{slug}/{city.lower().replace(" ", "-")}">'
            f"<span>{city}</span></a></li>"
            for city in rng.sample(CITIES, 8)
        )
        menus.append(
            f'<li class="menu-item has-children"><a class="menu-link" href="/{slug}">{_ICON}<span>{section}</span></a>'
            f'<div class="submenu"><ul class="submenu-list">{subs}</ul></div></li>'
        )
    social = "".join(
        f'<a class="social" href="https://{n}.example/outlet">{_ICON}</a>'
        for n in ("facebook", "x", "instagram", "youtube", "telegram", "whatsapp")
    )
    return (
        '<header class="site-header"><div class="top-bar"><div class="container">'
        f'<span class="date">{"Edición Venezuela" if language == "es" else "Venezuela edition"}</span>{social}'
        '</div></div><div class="container"><div class="logo"><a href="/">LOGO</a></div>'
        f'<nav class="main-menu"><ul class="menu">{"".join(menus)}</ul></nav>'
        f'<form class="search"><input type="search" name="q"><button>{_ICON}</button></form></div></header>'
    )


def _state_blob(rng: random.Random) -> str:
    """The serialised page state front-end frameworks inline (tens of kilobytes on real pages)."""
    items = [
        {
            "id": rng.randint(10**6, 10**7),
            "slot": f"ad-{i}",
            "sizes": [[300, 250], [728, 90]],
            "targeting": {
                "section": rng.choice(["politica", "sucesos", "mundo"]),
                "pos": i,
                "kw": [rng.choice(LAST).lower() for _ in range(6)],
            },
        }
        for i in range(40)
    ]
    return json.dumps({"props": {"pageProps": {"ads": items, "experiments": {"paywall": False, "v": 3}}}})


def _link_list(rng: random.Random, language: str, heading: str, count: int) -> str:
    """Teaser cards (image, kicker, headline, time) linking to other stories."""
    topic = OFF_TOPIC[language]["titles"] + (TITLES_ES if language == "es" else TITLES_EN)
    writer = _Writer(rng, language, START + timedelta(days=rng.randint(0, SPAN_DAYS)))
    cards = []
    for _ in range(count):
        ref = rng.randint(10000, 99999)
        headline = html.escape(writer.fill(rng.choice(topic), n=rng.randint(2, 900), who=rng.choice(WHO_EN)))
        cards.append(
            f'<div class="card"><div class="card-media"><a href="/nota/{ref}"><picture>'
            f'<source srcset="/img/{ref}-640.webp" type="image/webp"><img src="/img/{ref}-640.jpg" alt="" '
            f'loading="lazy"></picture></a></div><div class="card-body"><span class="kicker">'
            f'{rng.choice(["Política", "Sucesos", "Mundo", "Economía"])}</span><h4 class="card-title">'
            f'<a href="/nota/{ref}">{headline}</a></h4><span class="time">{rng.randint(1, 23)} h</span></div></div>'
        )
    return f'<h3 class="block-title">{heading}</h3><div class="cards">{"".join(cards)}</div>'


def _comments(rng: random.Random, language: str, count: int) -> str:
    """Reader comments below the story (extraction leaves them out)."""
    writer = _Writer(rng, language, START)
    rows = "".join(
        f'<li class="comment"><div class="comment-author">{html.escape(writer.person())}</div>'
        f'<div class="comment-body"><p>{html.escape(writer.context_sentence())}</p></div>'
        f'<div class="comment-actions"><a href="#">{"Responder" if language == "es" else "Reply"}</a></div></li>'
        for _ in range(count)
    )
    heading = f"{count} {'comentarios' if language == 'es' else 'comments'}"
    return f'<section id="comments" class="comments"><h3>{heading}</h3><ol>{rows}</ol></section>'


def render_page(
    *,
    rng: random.Random,
    slug: str,
    title: str,
    paragraphs: list[str],
    language: str,
    outlet: str,
    day: date,
    author: str,
) -> str:
    """A news page as outlets publish them: the story inside much boilerplate."""
    es = language == "es"
    published = f"{day.isoformat()}T{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:00-04:00"
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    middle = len(paragraphs) // 2
    if middle > 2:  # an inline "read also" box inside the story, as many outlets do
        pieces = body.split("\n")
        pieces.insert(
            middle,
            f'<div class="read-also"><strong>{"Lee también" if es else "Read also"}</strong> '
            f'<a href="/nota/{rng.randint(10000, 99999)}">{html.escape(title[:60])}…</a></div>',
        )
        body = "\n".join(pieces)
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": outlet},
        },
        ensure_ascii=False,
    )
    footer_links = "".join(
        f'<a href="/p/{i}">{w}</a> '
        for i, w in enumerate(
            (
                [
                    "Quiénes somos",
                    "Contacto",
                    "Publicidad",
                    "Términos",
                    "Privacidad",
                    "Cookies",
                    "Trabaja con nosotros",
                ]
                if es
                else ["About us", "Contact", "Advertise", "Terms", "Privacy", "Cookies", "Careers"]
            )
            * 3
        )
    )
    cookies = "Usamos cookies para mejorar tu experiencia." if es else "We use cookies."
    newsletter = "Recibe nuestro boletín" if es else "Get our newsletter"
    rights = "Todos los derechos reservados." if es else "All rights reserved."
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<link rel="canonical" href="{{{{BASE_URL}}}}/articles/{slug}.html">
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{html.escape(author)}">
<link rel="stylesheet" href="/static/site.css">
<style>.site-header{{display:flex}}.read-also{{border-left:3px solid #c00;padding:4px}}.ad{{min-height:250px}}</style>
<script>{_SCRIPT}</script>
<script type="application/ld+json">{json_ld}</script>
<script id="__NEXT_DATA__" type="application/json">{_state_blob(rng)}</script>
</head>
<body>
<div class="cookie-banner">{cookies} <button>OK</button></div>
{_nav(rng, language)}
<div class="ad" id="ad-top"></div>
<main>
<article>
<p class="kicker">{"Derechos humanos" if es else "Human rights"}</p>
<h1>{html.escape(title)}</h1>
<p class="byline">{"Por" if es else "By"} {html.escape(author)} ·
<time datetime="{published}">{day.isoformat()}</time></p>
<figure><img src="/img/{slug}.jpg" alt=""><figcaption>{"Foto: archivo" if es else "Photo: file"}</figcaption></figure>
{body}
<div class="share"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">Telegram</a></div>
<p class="tags">{"Etiquetas" if es else "Tags"}: <a href="/tag/venezuela">Venezuela</a> <a href="/tag/ddhh">DDHH</a></p>
</article>
{_comments(rng, language, rng.randint(0, 12))}
<aside class="related">{_link_list(rng, language, "Te puede interesar" if es else "Related", 6)}</aside>
<aside class="most-read">{_link_list(rng, language, "Lo más leído" if es else "Most read", 10)}</aside>
<div class="newsletter"><h3>{newsletter}</h3><form><input type="email"><button>OK</button></form></div>
</main>
<div class="ad" id="ad-bottom"></div>
<footer><p>{footer_links}</p><p>© 2026 {html.escape(outlet)}. {rights}</p></footer>
<script src="/static/app.js"></script>
</body>
</html>
"""


def render_feed(name: str, language: str, items: list[tuple[GeneratedArticle, str]]) -> str:
    """RSS 2.0 listing the feed's articles, newest first, with a plain-text summary each."""
    rows = []
    for article, summary in sorted(items, key=lambda pair: pair[0].published, reverse=True):
        day = date.fromisoformat(article.published)
        pub = format_datetime(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))
        link = f"{{{{BASE_URL}}}}/{article.path}"
        rows.append(
            f"  <item>\n    <title>{html.escape(article.title)}</title>\n    <link>{link}</link>\n"
            f'    <guid isPermaLink="true">{link}</guid>\n    <pubDate>{pub}</pubDate>\n'
            f"    <description>{html.escape(summary)}</description>\n  </item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"  <title>{html.escape(name)}</title>\n  <link>{{{{BASE_URL}}}}/</link>\n"
        f"  <description>Generated feed {html.escape(name)}</description>\n  <language>{language}</language>\n"
        + "\n".join(rows)
        + "\n</channel>\n</rss>\n"
    )


def generate_site(out_dir: Path, *, articles: int = 200, feeds: int = 20, seed: int = 7) -> list[GeneratedArticle]:
    """Write ``articles`` pages under ``out_dir/articles`` and ``feeds`` RSS files under ``out_dir/feeds``.

    Feeds alternate Spanish and English; articles are dealt to feeds in turn. ``manifest.json`` lists
    every article with its language, relevance, word count and the figures its text states.
    """
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    (out_dir / "articles").mkdir(parents=True, exist_ok=True)
    (out_dir / "feeds").mkdir(parents=True, exist_ok=True)
    feed_names = [f"bench_{k:02d}" for k in range(feeds)]
    feed_langs = ["es" if k % 2 == 0 else "en" for k in range(feeds)]
    by_feed: dict[str, list[tuple[GeneratedArticle, str]]] = {name: [] for name in feed_names}
    generated: list[GeneratedArticle] = []
    for i in range(articles):
        k = i % feeds
        language = feed_langs[k]
        day = START + timedelta(days=rng.randint(0, SPAN_DAYS))
        relevant = rng.random() >= IRRELEVANT_SHARE
        title, paragraphs, figures = write_article_text(rng, language, day, relevant)
        slug = f"{day.isoformat()}-{language}-{i:05d}"
        outlet = rng.choice([o for o, lang in OUTLETS if lang == language])
        author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        page = render_page(
            rng=rng,
            slug=slug,
            title=title,
            paragraphs=paragraphs,
            language=language,
            outlet=outlet,
            day=day,
            author=author,
        )
        path = f"articles/{slug}.html"
        (out_dir / path).write_text(page, encoding="utf-8")
        article = GeneratedArticle(
            slug=slug,
            path=path,
            feed=feed_names[k],
            language=language,
            relevant=relevant,
            words=sum(map(_words, paragraphs)) + _words(title),
            published=day.isoformat(),
            title=title,
            figures=figures,
        )
        generated.append(article)
        summary = " ".join(paragraphs[0].split()[:40])
        by_feed[feed_names[k]].append((article, summary))
    for name, language in zip(feed_names, feed_langs, strict=True):
        (out_dir / "feeds" / f"{name}.xml").write_text(render_feed(name, language, by_feed[name]), encoding="utf-8")
    manifest = {
        "seed": seed,
        "feeds": [
            {"name": n, "path": f"feeds/{n}.xml", "language": lang}
            for n, lang in zip(feed_names, feed_langs, strict=True)
        ],
        "articles": [asdict(a) for a in generated],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return generated


def feed_configs(base_url: str, out_dir: Path) -> list[dict[str, str]]:
    """The ``feeds:`` entries of a configuration that polls the generated site served at ``base_url``."""
    manifest = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
    return [{"name": f["name"], "url": f"{base_url}/{f['path']}", "language": f["language"]} for f in manifest["feeds"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    made = generate_site(args.out_dir, articles=args.articles, feeds=args.feeds, seed=args.seed)
    words = sorted(a.words for a in made)
    print(
        f"{len(made)} articles ({sum(a.relevant for a in made)} relevant, "
        f"{sum(a.language == 'es' for a in made)} Spanish), words {words[0]}–{words[-1]}, "
        f"{sum(len(a.figures) for a in made)} stated figures, {args.feeds} feeds in {args.out_dir}"
    )


if __name__ == "__main__":
    main()
