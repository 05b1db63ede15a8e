"""Analysts' commands through the real command line: list, ack and dismiss flags; list figures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from factories import store_contradicting_claims

from prisonwatch import cli


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return store_contradicting_claims(
        tmp_path / "pw.duckdb", [(600, "more_than", "government", "más de 600"), (302, "exact", "foro_penal", "302")]
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_ack_and_dismiss(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "flags", "--db", str(db_path), "--type", "contradiction", "--format", "json")
    assert code == 0
    (flag,) = json.loads(out)
    assert flag["reason"] == "Government: más de 600 released; Foro Penal: 302 (both in one article, 2026-01-30)"
    code, out, _ = run(capsys, "flags", "--db", str(db_path), "--status", "open")
    assert code == 0 and flag["id"] in out and "Contradiction" in out and "Released" in out
    code, _, err = run(capsys, "flags", "ack", flag["id"], "--db", str(db_path))
    assert code == 2 and "--note is required" in err
    code, out, _ = run(capsys, "flags", "ack", flag["id"], "--note", "asked both", "--db", str(db_path))
    assert code == 0 and "acknowledged" in out
    code, out, _ = run(
        capsys, "flags", "dismiss", flag["id"], "--note", "different windows", "--db", str(db_path), "--format", "json"
    )
    assert json.loads(out)["status"] == "dismissed" and json.loads(out)["note"] == "different windows"
    code, out, _ = run(capsys, "flags", "--db", str(db_path), "--status", "dismissed", "--format", "json")
    assert [f["id"] for f in json.loads(out)] == [flag["id"]]
    code, _, err = run(capsys, "flags", "dismiss", "f_nope", "--note", "x", "--db", str(db_path))
    assert code == 1 and "f_nope" in err


def test_figures_as_csv_and_json(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "figures", "--metric", "released", "--db", str(db_path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [(r["source"], r["value_low"]) for r in rows] == [("government", "600"), ("foro_penal", "302")]
    code, out, _ = run(
        capsys, "figures", "--metric", "released", "--source", "foro_penal", "--db", str(db_path), "--format", "json"
    )
    assert [r["value_text"] for r in json.loads(out)] == ["302"]
    code, out, _ = run(capsys, "figures", "--metric", "arrested", "--db", str(db_path))
    assert code == 0 and "no arrested figures" in out


def test_flag_text_shows_both_sentences_and_links():
    from prisonwatch.cli.flags import flag_text

    side = {
        "metric": "released",
        "value_low": 900,
        "value_text": "900",
        "source": "government",
        "source_text": "Jorge Rodríguez",
        "as_of": "2026-02-01",
        "sentence": "Jorge Rodríguez said 900 prisoners had been released since January 3.",
        "article_title": "Venezuela says 900 freed",
        "article_url": "https://example.org/900",
    }
    other = {
        **side,
        "value_low": 344,
        "value_text": "344",
        "source": "foro_penal",
        "source_text": "Foro Penal",
        "sentence": "Foro Penal contabiliza 344 excarcelaciones.",
        "article_url": "https://example.org/344",
    }
    text = flag_text(
        {
            "id": "f_1",
            "type": "contradiction",
            "severity": "high",
            "status": "open",
            "note": "",
            "reason": "Government: 900 released; Foro Penal: 344",
            "new": side,
            "previous": [other],
            "corroborations": 2,
        }
    )
    assert "Jorge Rodríguez said 900" in text and "Foro Penal contabiliza 344" in text
    assert "<https://example.org/900>" in text and "<https://example.org/344>" in text
    assert "corroborated by 2" in text


def test_a_verdict_on_a_figure_held_for_review_takes_it_off_the_list(db_path: Path, capsys) -> None:
    from prisonwatch import store

    with store.open_store(db_path) as db:
        (figure_id,) = db.con.execute("SELECT id FROM figures ORDER BY id LIMIT 1").fetchone()
        db.con.execute("UPDATE figures SET confidence = 0.4 WHERE id = ?", [figure_id])
    code, out, _ = run(capsys, "figures", "--review", "--db", str(db_path), "--format", "json")
    assert code == 0 and [f["figure_id"] for f in json.loads(out)] == [figure_id]
    code, out, _ = run(capsys, "review", figure_id, "right", "--note", "checked the source", "--db", str(db_path))
    assert code == 0 and "right" in out
    code, out, _ = run(capsys, "figures", "--review", "--db", str(db_path), "--format", "json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "review", "nope", "wrong", "--db", str(db_path))
    assert code == 1 and "figures --review" in err


def test_flag_text_names_a_seed_article_as_the_seed_corpus() -> None:
    from prisonwatch.cli.flags import flag_text

    side = {"source": "government", "metric": "released", "value_low": 600, "value_text": "more than 600",
            "sentence": "More than 600 have been released.", "article_title": "Chavismo announces an amnesty",
            "article_url": "seed://001_40f95721a5dfc3b1.txt/", "outlet": "unknown (English translation)"}  # fmt: skip
    flag = {"type": "new_figure", "metric": "released", "severity": "low", "status": "open", "id": "f_1",
            "reason": "Government: more than 600 released", "new": side, "previous": []}  # fmt: skip
    text = flag_text(flag)
    assert "Chavismo announces an amnesty (Seed corpus)" in text and "seed://" not in text and "unknown" not in text
