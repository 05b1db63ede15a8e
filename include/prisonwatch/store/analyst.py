"""What analysts and the report read and decide: flags, the review list, verdicts, report data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from prisonwatch.models import FLAG_STATUSES
from prisonwatch.store import reads as storereads
from prisonwatch.store.base import (
    _EVIDENCE_SQL,
    _REVIEW_SQL,
    _RUN_COUNTS,
    REVIEW_SHOWN,
    REVIEW_VERDICTS,
    TIMELINE_DAYS,
    _evidence,
)
from prisonwatch.store.schema import _now


class AnalystReads:
    """Reads for the CLI, the Flags view and the report, and the analysts' decisions on flags and figures."""

    def last_run(self, include_seed: bool = False) -> dict[str, Any] | None:
        """The newest monitoring run's summary, with the feeds that failed in it."""
        row = self.con.execute(
            "SELECT run_id, started_at, finished_at, summary FROM runs "
            + ("" if include_seed else "WHERE run_id <> 'seed-corpus' ")
            + "ORDER BY finished_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        run_id, started_at, finished_at, summary = row
        out = json.loads(summary) if summary else {}
        out.update(run_id=run_id, started_at=started_at, finished_at=finished_at)
        out["failed_feeds"] = [
            {"name": feed, "url": url, "error_class": cls, "error": message}
            for feed, url, cls, message in self.con.execute(
                "SELECT feed, url, error_class, message FROM fetch_errors WHERE run_id = ? AND stage = 'feed' "
                "ORDER BY feed",
                [run_id],
            ).fetchall()
        ]
        return out

    def last_report_id(self) -> str | None:
        """The newest report written from this database (its folder name under ``report.out_dir``)."""
        row = self.con.execute("SELECT report_id FROM report_deliveries ORDER BY delivered_at DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # -------------------------------------------------------------- flags for analysts
    def _flag_dicts(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        flags = self._rows(
            "SELECT id, type, metric, severity, status, note, reason, created_at, updated_at, corroborations, "
            f"new_figure_id, reported_at, report_id FROM flags WHERE {where} ORDER BY created_at, id",
            params,
        )
        if not flags:
            return []
        evidence: dict[str, list[dict[str, Any]]] = {}
        for r in self._rows(
            _EVIDENCE_SQL + " WHERE e.flag_id IN (SELECT unnest(?)) ORDER BY v.as_of, v.id", [[f["id"] for f in flags]]
        ):
            evidence.setdefault(r["flag_id"], []).append(r)
        out = []
        for f in flags:
            items = evidence.get(f["id"], [])
            new_id = f.pop("new_figure_id")
            new = next((_evidence(r) for r in items if r["figure_id"] == new_id), None)
            f["new"] = new
            f["previous"] = [
                _evidence(r) for r in items if r["role"] in ("previous", "new") and r["figure_id"] != new_id
            ]
            f["corroborated_by"] = [_evidence(r) for r in items if r["role"] == "corroboration"]
            out.append(f)
        return out

    def flags(
        self, status: str | None = None, metric: str | None = None, flag_type: str | None = None
    ) -> list[dict[str, Any]]:
        """Flags with their evidence, oldest first, filtered by status, metric and type."""
        where, params = ["TRUE"], []
        for col, value in (("status", status), ("metric", metric), ("type", flag_type)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        return self._flag_dicts(" AND ".join(where), params)

    def flag(self, flag_id: str) -> dict[str, Any]:
        found = self._flag_dicts("id = ?", [flag_id])
        if not found:
            raise KeyError(f"no flag with id {flag_id!r}")
        return found[0]

    def review_count(self) -> int:
        """How many figures are held for review (the Flags view's heading)."""
        sql = f"SELECT count(*) FROM figures WHERE {storereads.held_for_review_sql('?')}"
        return int(self.con.execute(sql, [self.flag_settings.min_confidence]).fetchone()[0])

    def set_figure_verdict(self, figure_id: str, verdict: str, note: str = "") -> dict[str, Any]:
        """An analyst says a figure held for review is right (it joins later matching) or wrong (it never does)."""
        if verdict not in REVIEW_VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r} (one of {', '.join(REVIEW_VERDICTS)})")
        if not self.con.execute("SELECT 1 FROM figures WHERE id = ?", [figure_id]).fetchone():
            raise KeyError(f"no figure with id {figure_id!r}")
        self.con.execute(
            "UPDATE figures SET review_verdict = ?, review_note = ?, reviewed_at = ? WHERE id = ?",
            [verdict, note, _now(), figure_id],
        )
        (row,) = self._rows(
            "SELECT id AS figure_id, metric, value_low, value_high, value_text, source, review_verdict, review_note, "
            "reviewed_at FROM figures WHERE id = ?",
            [figure_id],
        )
        return row

    def set_flag_status(self, flag_id: str, status: str, note: str) -> dict[str, Any]:
        """An analyst acknowledges, dismisses or re-opens a flag, with a note saying why."""
        if status not in FLAG_STATUSES:
            raise ValueError(f"unknown flag status {status!r} (one of {', '.join(FLAG_STATUSES)})")
        self.flag(flag_id)
        self.con.execute(
            "UPDATE flags SET status = ?, note = ?, updated_at = ? WHERE id = ?", [status, note, _now(), flag_id]
        )
        return self.flag(flag_id)

    def unreported_flag_ids(self) -> list[str]:
        """Open flags raised, or whose values moved, since they were last reported."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT id FROM flags WHERE status = 'open' AND (reported_at IS NULL OR changed_at > reported_at) "
                "ORDER BY created_at, id"
            ).fetchall()
        ]

    def mark_reported(self, flag_ids: list[str], report_id: str, channel: str) -> None:
        """Record a delivery; the flags leave the unreported list (idempotent per report and channel)."""
        now = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            if flag_ids:
                self.con.execute(
                    "UPDATE flags SET reported_at = ?, report_id = ? WHERE id IN (SELECT unnest(?))",
                    [now, report_id, list(flag_ids)],
                )
            self._append(
                "report_deliveries",
                [
                    {
                        "report_id": report_id,
                        "channel": channel,
                        "flag_ids": list(flag_ids),
                        "delivered_at": now,
                        "status": "sent",
                    }
                ],
                ("report_id", "channel", "flag_ids", "delivered_at", "status"),
                "ON CONFLICT DO NOTHING",
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    # -------------------------------------------------------------- report data
    def report_data(self, flag_ids: list[str] | None = None, since: str | None = None) -> dict[str, Any]:
        """Everything a report shows, as one JSON-able dict (the ReportData shape)."""
        if flag_ids is not None:
            flags = self._flag_dicts("id IN (SELECT unnest(?))", [list(flag_ids)])
        elif since:
            flags = self._flag_dicts("changed_at >= ? OR updated_at >= ?", [since, since])
        else:
            flags = self._flag_dicts("status = 'open'", [])
        run = self._rows(
            "SELECT run_id, started_at, finished_at, "
            + ", ".join(_RUN_COUNTS)
            + " FROM runs ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        )
        timeline = self._timeline(flags, since)
        threshold = self.flag_settings.unhealthy_after_failures
        feeds = self._rows(
            "SELECT name, url, last_success, last_error, last_error_at, consecutive_failures "
            "FROM feed_state ORDER BY name"
        )
        for f in feeds:
            f["healthy"] = f["consecutive_failures"] < threshold
        last_run = run[0]["run_id"] if run else None
        errors = self._rows(
            "SELECT url, stage, error_class, message, feed, error_at AS at FROM fetch_errors "
            + ("WHERE error_at >= ? " if since else "WHERE run_id = ? ")
            + "ORDER BY error_at, url",
            [since] if since else [last_run],
        )
        counts = self.con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM figures), "
            "(SELECT count(*) FROM flags WHERE status = 'open'), "
            f"(SELECT count(*) FROM figures WHERE {storereads.held_for_review_sql('?')})",
            [self.flag_settings.min_confidence],
        ).fetchall()[0]
        review = self._rows(
            _REVIEW_SQL + ("AND v.stored_at >= ? " if since else "") + "ORDER BY v.stored_at DESC, v.id LIMIT ?",
            [self.flag_settings.min_confidence, *([since] if since else []), REVIEW_SHOWN],
        )
        return {
            "generated_at": _now(),
            "run": run[0] if run else None,
            "flags": flags,
            "review": [_evidence(r) for r in review],
            "board": self._board(),
            "timeline": timeline,
            "feeds": feeds,
            "errors": errors,
            "counts": {
                "articles_total": counts[0],
                "figures_total": counts[1],
                "flags_open": counts[2],
                "figures_for_review": counts[3],
            },
        }

    def _timeline(self, flags: list[dict[str, Any]], since: str | None) -> list[dict[str, Any]]:
        """The chart points: from ``since`` when given, else the last TIMELINE_DAYS before the newest
        stored date, reaching back far enough to show every figure the report's flags cite."""
        if since:
            start: date | None = date.fromisoformat(since[:10])
        else:
            newest = self.con.execute(
                "SELECT max(as_of) FROM figures WHERE NOT vague AND as_of IS NOT NULL"
            ).fetchone()[0]
            start = newest - timedelta(days=TIMELINE_DAYS) if newest else None
            cited = [
                date.fromisoformat(str(e["as_of"])[:10])
                for f in flags
                for e in [f.get("new"), *f.get("previous", [])]
                if e and e.get("as_of")
            ]
            if start and cited:
                start = min(start, *cited)
        return self._rows(
            "SELECT metric, source, as_of, value_low, value_high, qualifier FROM v_metric_timeline "
            "WHERE as_of >= ? ORDER BY metric, source, as_of, value_low",
            [start or date.min],
        )

    def _board(self) -> list[dict[str, Any]]:
        """Latest value per metric and source, with the value before it and the direction of change."""
        rows = self._rows("""
            WITH latest AS (SELECT * FROM v_latest_figures),
            prev AS (
                SELECT f.metric, f.source, f.value_low, f.value_high, f.qualifier, f.value_text, f.as_of FROM figures f
                JOIN latest l ON l.metric = f.metric AND l.source = f.source AND f.as_of < l.as_of
                WHERE NOT f.vague
                QUALIFY row_number() OVER (PARTITION BY f.metric, f.source ORDER BY f.as_of DESC, f.id DESC) = 1)
            SELECT l.metric, l.source, l.value_low, l.value_high, l.qualifier, l.value_text, l.as_of,
                   l.article_url, p.value_low AS previous_value_low, p.value_high AS previous_value_high,
                   p.qualifier AS previous_qualifier, p.value_text AS previous_value_text, p.as_of AS previous_as_of
            FROM latest l LEFT JOIN prev p ON p.metric = l.metric AND p.source = l.source
            ORDER BY l.metric, l.source""")
        for r in rows:
            if r["previous_value_low"] is None:
                r["trend"] = "new"
            else:
                now_mid = (r["value_low"] + r["value_high"]) / 2
                before = (r["previous_value_low"] + r["previous_value_high"]) / 2
                r["trend"] = "up" if now_mid > before else "down" if now_mid < before else "flat"
        return rows
