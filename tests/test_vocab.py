"""The registry: adding a claimant source is one entry and its names, seen through extraction, the store, the flags
and the report's labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonwatch import report, store, vocab
from prisonwatch.collect.articles import article_from_text
from prisonwatch.config import DEFAULT_CONFIG_PATH, ConfigError, load_settings
from prisonwatch.figures.analysis import analyse_article

ARTICLE = (
    "Las excarcelaciones de presos políticos en Venezuela avanzan a cuentagotas, denuncian sus familias.\n\n"
    "Venezuela sigue con 733 presos políticos en sus cárceles, según el Centro de Justicia y Paz (Cepaz). "
    "La organización pidió al Gobierno venezolano la liberación de todos los detenidos por razones políticas."
)


@pytest.fixture()
def with_cepaz(tmp_path: Path):
    config = tmp_path / "config.yaml"
    bundled = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    with_names = bundled.replace(
        "  organisations:\n", "  organisations:\n    Centro de Justicia y Paz: cepaz\n    Cepaz: cepaz\n", 1
    )
    config.write_text(with_names + "\nsources:\n  cepaz: Cepaz\n", encoding="utf-8")
    before = dict(vocab.SOURCE_LABELS), list(vocab.SOURCES)
    settings = load_settings(config)
    settings.store.db_path = str(tmp_path / "pw.duckdb")
    yield settings
    vocab.SOURCE_LABELS.clear()
    vocab.SOURCE_LABELS.update(before[0])
    vocab.SOURCES[:] = before[1]


def test_a_source_added_in_the_settings_is_extracted_stored_flagged_and_labelled(with_cepaz) -> None:
    settings = with_cepaz
    article = article_from_text(ARTICLE, url="https://example.org/informe-presos", origin="feed")
    article.published = "2026-02-02"
    figures = analyse_article(article, settings)
    assert [(f.metric, f.value_low, f.source) for f in figures] == [("still_detained", 733, "cepaz")]
    with store.open_store(settings.db_path, settings=settings) as db:
        db.ingest_batch("r1", polls=[], articles=[(article, figures)], errors=[], settings=settings)
        (flag,) = db.flags()
        data = db.report_data()
    assert flag["type"] == "new_figure" and flag["reason"].startswith("Cepaz: 733 still detained")
    html = report.render_html(data)
    assert "Cepaz" in html and "cepaz" not in html.replace("Cepaz", "")


def test_a_source_key_must_be_a_plain_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  Bad Key: Somebody\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sources.Bad Key"):
        load_settings(config)
