"""``prisonwatch mail-test`` sends a report of the stored flags through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from factories import store_contradicting_claims

from prisonwatch import cli


def test_mail_test_sends_the_stored_flags_and_marks_nothing_reported(tmp_path: Path, smtp, capsys) -> None:
    db = store_contradicting_claims(
        tmp_path / "pw.duckdb", [(600, "more_than", "government", "más de 600"), (302, "exact", "foro_penal", "302")]
    )
    assert cli.main(["mail-test", "--db", str(db), "--to", "desk@example.org"]) == 0
    assert "sent" in capsys.readouterr().out
    (mail,) = smtp.messages
    assert mail["To"] == "desk@example.org" and mail["Subject"].startswith("[prisonwatch] test: ")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "más de 600" in text and "302" in html
    assert cli.main(["flags", "--db", str(db), "--format", "json"]) == 0
    assert '"reported_at": null' in capsys.readouterr().out


def test_mail_test_says_why_when_the_server_refuses(tmp_path: Path, smtp, capsys) -> None:
    db = store_contradicting_claims(tmp_path / "pw.duckdb", [(600, "more_than", "government", "más de 600")])
    smtp.reject = True
    assert cli.main(["mail-test", "--db", str(db), "--to", "desk@example.org"]) == 1
    err = capsys.readouterr().err
    assert "delivery failed" in err and "Traceback" not in err
