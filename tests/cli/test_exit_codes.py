"""Every command meets ordinary bad input with one line on stderr, no traceback, the documented exit code, and
nothing written or lost: 0 ok, 1 error, 2 usage, 3 ran but every feed failed, 4 database locked."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from factories import store_contradicting_claims

from prisonwatch import cli, store


@dataclass(frozen=True)
class Case:
    name: str
    argv: Callable[[Path], list[str]]  # from the test's folder
    code: int
    says: str  # a phrase the one-line error must contain
    prepare: Callable[[Path], None] = lambda tmp: None


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda tmp: (tmp / name).write_bytes(data)


def _db(tmp: Path) -> None:
    store_contradicting_claims(tmp / "pw.duckdb", [(600, "more_than", "government", "más de 600")])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CASES = [
    # extract
    Case("extract a missing file", lambda t: ["extract", str(t / "nope.html")], 2, "no such file"),
    Case("extract an empty file", lambda t: ["extract", str(t / "empty.html")], 1, "is empty",
         _write("empty.html", b"")),
    Case("extract a binary .txt", lambda t: ["extract", str(t / "bin.txt")], 1, "binary",
         _write("bin.txt", bytes(range(256)) * 40)),
    Case("extract a binary page", lambda t: ["extract", str(t / "bin.html")], 1, "no article",
         _write("bin.html", bytes(range(256)) * 40)),
    Case("extract a page without an article", lambda t: ["extract", str(t / "nav.html")], 1, "no article",
         _write("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")),
    # readers on a missing database
    Case("status without a database", lambda t: ["status", "--db", str(t / "none.duckdb")], 1, "no database"),
    Case("flags without a database", lambda t: ["flags", "--db", str(t / "none.duckdb")], 1, "no database"),
    Case("figures without a database", lambda t: ["figures", "--metric", "released", "--db", str(t / "none.duckdb")],
         1, "no database"),
    Case("report without a database", lambda t: ["report", "--db", str(t / "none.duckdb")], 1, "no database"),
    Case("mail-test without a database", lambda t: ["mail-test", "--to", "a@example.org", "--db",
                                                    str(t / "none.duckdb")], 1, "no database"),
    # run on a bad database path
    Case("run on a database under a file", lambda t: ["run", "--db", str(t / "file.txt" / "pw.duckdb"), "--feed",
                                                      "http://127.0.0.1:9/feed.xml"], 1, "file.txt",
         _write("file.txt", b"not a folder")),
    Case("run on a file that is not a database", lambda t: ["run", "--db", str(t / "notes.duckdb"), "--feed",
                                                            "http://127.0.0.1:9/feed.xml"], 1, "not a prisonwatch",
         _write("notes.duckdb", b"these are my notes, not a database\n" * 200)),
    # report output
    Case("report into a missing folder", lambda t: ["report", "--db", str(t / "pw.duckdb"), "--out",
                                                    str(t / "missing" / "r.html")], 1, "no folder", _db),
    Case("report with a bad date", lambda t: ["report", "--db", str(t / "pw.duckdb"), "--since", "yesterday"], 2,
         "not an ISO date", _db),
    # analysts' commands
    Case("ack without a note", lambda t: ["flags", "ack", "f1", "--db", str(t / "pw.duckdb")], 2, "--note", _db),
    Case("ack an unknown flag", lambda t: ["flags", "ack", "nope", "--note", "x", "--db", str(t / "pw.duckdb")], 1,
         "lists the flag IDs", _db),
    Case("figures without a metric", lambda t: ["figures", "--db", str(t / "pw.duckdb")], 2, "--metric", _db),
    Case("mail-test without a recipient", lambda t: ["mail-test", "--db", str(t / "pw.duckdb")], 2, "recipient", _db),
    # configuration
    Case("a bad configuration", lambda t: ["--config", str(t / "bad.yaml"), "status"], 2, "fetch.read_timeout",
         _write("bad.yaml", b"fetch: {read_timeout: soon}\n")),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_one_line_and_its_exit_code(case: Case, tmp_path: Path, capsys) -> None:
    case.prepare(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code = cli.main(case.argv(tmp_path))
    out, err = capsys.readouterr()
    assert code == case.code, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and case.says in lines[0], err
    for path, data in before.items():  # nothing overwritten
        if path.suffix != ".wal" and path.name != "pw.duckdb":
            assert path.read_bytes() == data
    assert not (tmp_path / "missing").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(cli.CliError):
        cli.main(["--debug", "extract", str(tmp_path / "empty.html")])


def test_run_exits_3_when_every_feed_failed(tmp_path: Path, capsys) -> None:
    port = _closed_port()
    (tmp_path / "quick.yaml").write_text("fetch: {retries: 0}\n", encoding="utf-8")
    argv = [
        "--config",
        str(tmp_path / "quick.yaml"),
        "run",
        "--db",
        str(tmp_path / "pw.duckdb"),
        "--no-report",
        "--allow-host",
        "127.0.0.1",
    ]
    argv += ["--feed", f"http://127.0.0.1:{port}/a.xml", "--feed", f"http://127.0.0.1:{port}/b.xml"]
    assert cli.main(argv) == cli.EXIT_ALL_FEEDS_FAILED
    out = capsys.readouterr().out
    assert "every feed failed" in out and "baseline" in out
    assert cli.main(["status", "--db", str(tmp_path / "pw.duckdb")]) == 0
    assert "every feed failed in the last run" in capsys.readouterr().out


def test_run_exits_4_while_another_process_holds_the_database(tmp_path: Path, capsys, monkeypatch) -> None:
    db = tmp_path / "pw.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        real_open = store.open_store
        monkeypatch.setattr(store, "open_store", lambda path, **kw: real_open(path, **{**kw, "attempts": 1}))
        code = cli.main(["run", "--db", str(db), "--feed", "http://127.0.0.1:9/feed.xml", "--no-report"])
        err = capsys.readouterr().err
        assert code == cli.EXIT_LOCKED and "in use by another process" in err and "Traceback" not in err
    finally:
        holder.communicate("")


def test_status_names_the_report_of_its_own_database(tmp_path: Path, capsys) -> None:
    _db(tmp_path)  # a database with a run and flags, from which no report was written
    assert cli.main(["status", "--db", str(tmp_path / "pw.duckdb")]) == 0
    assert "no report written from this database yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["flags", "ack", "--help"], "Acknowledge a flag"),
        (["flags", "dismiss", "--help"], "Dismiss a flag"),
        (["extract", "--help"], "the article's address"),
        (["mail-test", "--help"], "smtp-connection"),
        (["--help"], "Exit codes"),
    ],
)
def test_help_of_each_command_says_what_it_does(argv: list[str], phrase: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    assert phrase in " ".join(capsys.readouterr().out.split())


def test_unknown_command_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["frobnicate"])
    assert exit_info.value.code == 2


def test_a_page_of_one_repeated_letter_has_no_language(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("a" * 5_000_000, encoding="utf-8")
    assert cli.main(["extract", str(tmp_path / "a.txt")]) == 0
    assert '"language": "und"' in capsys.readouterr().out
