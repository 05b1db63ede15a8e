"""Reports on disk: one folder per report, its formats written together, the list and the index of them."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from prisonwatch.report import charts as charts_module

if TYPE_CHECKING:
    pass

from prisonwatch.report.render import _template, md_escape, render_html, render_markdown, report_document
from prisonwatch.report.view import REPORT_KINDS, ReportKind, _metric_label, format_when, resolve_labels

_REPORT_DIR_RE = re.compile(r"^\d{8}T\d{6}Z_(run|digest)(-\d+)?$")


# ------------------------------------------------------------------------------------------ writing
def _new_report_id(out_dir: Path, kind: str, now: datetime) -> str:
    base = f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}_{kind}"
    report_id, n = base, 1
    while (out_dir / report_id).exists():
        n += 1
        report_id = f"{base}-{n}"
    return report_id


def write_report(
    data: dict[str, Any],
    out_dir: Path,
    *,
    kind: ReportKind = "run",
    report_id: str | None = None,
    since: str | None = None,
    labels: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write ``<out_dir>/<report_id>/report.{html,md,json}`` and ``charts/*.png``, then refresh the index.

    The folder is assembled under a temporary name and renamed into place, so the index never lists a
    half-written report. Returns report_id, kind, headline, flag_ids and the paths written.
    """
    if kind not in REPORT_KINDS:
        raise ValueError(f"kind must be one of {REPORT_KINDS}, got {kind!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report_id = report_id or _new_report_id(out_dir, kind, now or datetime.now(UTC))
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", report_id) or report_id.startswith("."):
        raise ValueError(f"report_id may hold only letters, digits, '.', '_' and '-': {report_id!r}")
    final_dir = out_dir / report_id
    if final_dir.exists():
        raise FileExistsError(f"report folder already exists: {final_dir}")
    labels = resolve_labels(labels)
    tmp_dir = out_dir / f".tmp-{report_id}-{os.getpid()}"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    try:
        pngs = charts_module.timeline_charts(
            data.get("timeline") or [], metric_labels=labels["metrics"], source_labels=labels["sources"]
        )
        chart_paths = charts_module.write_charts(pngs, tmp_dir / "charts")
        chart_files = {m: f"charts/{p.name}" for m, p in chart_paths.items()}
        (tmp_dir / "report.html").write_text(
            render_html(data, kind=kind, labels=labels, since=since),
            encoding="utf-8",
        )
        markdown = render_markdown(data, kind=kind, labels=labels, since=since)
        if chart_files:
            markdown += "\n## " + md_escape(labels["timeline"]) + "\n\n"
            markdown += "".join(
                f"![{md_escape(_metric_label(m, labels))}]({quote(path)})\n\n" for m, path in chart_files.items()
            )
        (tmp_dir / "report.md").write_text(markdown, encoding="utf-8")
        document = report_document(data, report_id=report_id, kind=kind, since=since, chart_files=chart_files)
        (tmp_dir / "report.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
        os.rename(tmp_dir, final_dir)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    index_path = write_index(out_dir, labels=labels)
    return {
        "report_id": report_id,
        "kind": kind,
        "headline": document["headline"],
        "flag_ids": document["flag_ids"],
        "dir": str(final_dir),
        "html": str(final_dir / "report.html"),
        "markdown": str(final_dir / "report.md"),
        "json": str(final_dir / "report.json"),
        "charts": {m: str(final_dir / path) for m, path in chart_files.items()},
        "index": str(index_path),
    }


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def list_reports(out_dir: Path) -> list[dict[str, Any]]:
    """Reports under ``out_dir``, newest first, with their headline and delivery status."""
    entries = []
    for child in Path(out_dir).iterdir() if Path(out_dir).is_dir() else []:
        if not child.is_dir() or not _REPORT_DIR_RE.match(child.name):
            continue
        document = _read_json(child / "report.json")
        if document is None:
            continue
        delivery = _read_json(child / "delivery.json") or {}
        entries.append(
            {
                "report_id": child.name,
                "kind": document.get("kind", ""),
                "headline": document.get("headline", ""),
                "generated_at": format_when(document.get("generated_at")),
                "flags": len(document.get("flag_ids") or []),
                "delivery": delivery.get("status", ""),
                "channels": ", ".join(delivery.get("channels") or []),
            }
        )
    entries.sort(key=lambda e: e["report_id"], reverse=True)
    return entries


def write_index(out_dir: Path, *, labels: dict[str, Any] | None = None) -> Path:
    """Regenerate ``<out_dir>/index.html`` listing every report, newest first (replaced atomically)."""
    out_dir = Path(out_dir)
    index_html = _template("index.html.j2", "html").render(labels=resolve_labels(labels), reports=list_reports(out_dir))
    tmp = out_dir / f".index.html.{os.getpid()}.tmp"
    tmp.write_text(index_html, encoding="utf-8")
    os.replace(tmp, out_dir / "index.html")
    return out_dir / "index.html"
