"""Matching inside the ingest transaction: the reads matching needs, its decisions applied as flag writes."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from prisonwatch.config import FlagSettings
from prisonwatch.matching import match
from prisonwatch.store import reads as storereads
from prisonwatch.store.base import _FLAG_COLUMNS, _SOURCE_VALUE_COLUMNS, CANDIDATES_PER_SOURCE, _marks
from prisonwatch.store.schema import SQL_DIR


class FlagWrites:
    """Runs the pure matching decisions over a batch; writes the flags, corroborations and source values they imply."""

    # ---- matching
    def _match(
        self,
        run_id: str,
        articles: list[dict[str, Any]],
        plan: dict[str, Any],
        cfg: FlagSettings,
    ) -> None:
        """Candidates read for the batch, decisions in Python (match.decide); nothing written yet."""
        started = time.perf_counter()
        try:
            self._match_figures(articles, plan, cfg)
        finally:
            self.last_match_ms = round((time.perf_counter() - started) * 1000, 2)
            self.last_phases["match"] = self.last_match_ms

    def _match_figures(self, articles: list[dict[str, Any]], plan: dict[str, Any], cfg: FlagSettings) -> None:
        usable = [
            f
            for f in plan["figures"]
            if not f["vague"] and f["as_of"] is not None and f.get("confidence", 1.0) >= cfg.min_confidence
        ]
        if not usable:
            return
        seq = {a["id"]: i for i, a in enumerate(articles)}
        claims = {
            f["id"]: match.Claim.from_dict({**f, "figure_id": f["id"], "position": f["start_pos"]}) for f in usable
        }
        flags_state = [match.FlagState.from_dict(r) for r in self._known_flags]
        stored = storereads.figure_candidates(
            self.con, list(claims.values()), cfg.tolerance, cfg.window_days, CANDIDATES_PER_SOURCE, cfg.min_confidence
        )
        candidates: dict[str, dict[tuple[Any, ...], match.Claim]] = {}
        for nid, claim in claims.items():  # one stored figure per distinct claim, the nearest in date
            for cand in stored.get(nid, []):
                key = cand.claim_key
                held = candidates.setdefault(nid, {}).get(key)
                near = abs((cand.as_of - claim.as_of).days)  # type: ignore[operator]
                if held is None or (near, cand.figure_id) < (abs((held.as_of - claim.as_of).days), held.figure_id):  # type: ignore[operator]
                    candidates[nid][key] = cand
        history = storereads.source_histories(self.con, list(claims.values()))

        actions: list[dict[str, Any]] = []
        for art in articles:
            own = [claims[f["id"]] for f in usable if f["article_id"] == art["id"]]
            if not own:
                continue
            earlier = [c for c in claims.values() if seq[c.article_id] < seq[art["id"]]]
            cands = [c for claim in own for c in candidates.get(claim.figure_id, {}).values()]
            cands += [
                c
                for c in earlier
                if any(
                    c.metric == claim.metric
                    and c.scope_kind == claim.scope_kind
                    and abs((c.as_of - claim.as_of).days) <= cfg.window_days
                    for claim in own
                )
            ]  # type: ignore[operator]
            own_history = {c.figure_id: self._with_batch_history(c, history[c.figure_id], earlier) for c in own}
            actions += match.decide(
                own,
                list({c.figure_id: c for c in cands}.values()),
                own_history,
                flags_state,
                cfg,
                near_duplicate=bool(art["near_duplicate_of"]),
                flows=self._flows(own, own_history, earlier, cfg),
            )
        plan["actions"] = actions
        held = {a["figure_id"]: a["reason"] for a in actions if a["action"] == "hold"}
        for f in plan["figures"]:  # held for review: written with its reason, and no value of its source
            if f["id"] in held:
                f["review_reason"] = held[f["id"]]
        plan["values"] = self._source_value_rows([c for fid, c in claims.items() if fid not in held])
        plan["held_values"] = {
            (c.metric, c.source, c.scope_kind, c.value_low, c.value_high): history[fid]["held"]
            for fid, c in claims.items()
            if history[fid]["held"]
        }

    def _flows(
        self, own: list[match.Claim], history: dict[str, dict[str, Any]], earlier: list[match.Claim], cfg: FlagSettings
    ) -> dict[str, dict[str, list[match.Claim]]]:
        """Release and arrest counts around each new stock's previous value: stored ones and this batch's earlier."""
        stocks = [(c, history[c.figure_id]["previous"]) for c in own if c.metric == "still_detained"]
        stocks = [(c, p) for c, p in stocks if p is not None]
        if not stocks:
            return {}
        flows = storereads.source_flows(self.con, stocks, cfg.min_confidence)
        for claim, _previous in stocks:
            mine = flows.setdefault(claim.figure_id, {"released": [], "arrested": []})
            for c in earlier:
                if c.source == claim.source and c.metric in mine and c.as_of <= claim.as_of:  # type: ignore[operator]
                    mine[c.metric].append(c)
        return flows

    @staticmethod
    def _with_batch_history(claim: match.Claim, stored: dict[str, Any], earlier: list[match.Claim]) -> dict[str, Any]:
        """Add what the source stated in earlier articles of this same batch to its stored history."""
        seen, previous = stored["seen"], stored["previous"]
        for c in earlier:
            if (c.metric, c.source, c.scope_kind) != (claim.metric, claim.source, claim.scope_kind):
                continue
            if (c.value_low, c.value_high) == (claim.value_low, claim.value_high):
                seen = True
            elif c.as_of <= claim.as_of and (previous is None or c.as_of >= previous.as_of):  # type: ignore[operator]
                previous = c
        return {"seen": seen, "previous": previous}

    def rebuild_source_values(self) -> int:
        """Recompute ``source_values`` from every stored figure (after a bulk load outside ingest_batch):
        one version per value."""
        sql = (SQL_DIR / "0003_source_values.sql").read_text(encoding="utf-8")
        backfill = sql[sql.index("INSERT INTO source_values") :]
        self.con.execute("DELETE FROM source_values")
        self.con.execute(backfill)
        return self.con.execute("SELECT count(*) FROM source_values").fetchall()[0][0]

    @staticmethod
    def _source_value_rows(claims: list[match.Claim]) -> list[dict[str, Any]]:
        """Each value a named source stated (stocks and cumulative counts), latest figure wins."""
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for c in claims:
            if c.source == "unattributed" or c.scope_kind == "event":
                continue
            key = (c.metric, c.source, c.scope_kind, c.value_low, c.value_high)
            row = latest.get(key)
            if row is None:
                latest[key] = row = {"first_as_of": c.as_of, "last_as_of": c.as_of, "claim": c}
            row["first_as_of"] = min(row["first_as_of"], c.as_of)
            if c.as_of >= row["last_as_of"]:
                row["last_as_of"], row["claim"] = c.as_of, c
        return [
            {
                "metric": k[0],
                "source": k[1],
                "scope_kind": k[2],
                "value_low": k[3],
                "value_high": k[4],
                "first_as_of": r["first_as_of"],
                "last_as_of": r["last_as_of"],
                "figure_id": r["claim"].figure_id,
                "article_id": r["claim"].article_id,
                "qualifier": r["claim"].qualifier,
                "value_text": r["claim"].value_text,
                "scope": r["claim"].scope,
            }
            for k, r in latest.items()
        ]

    def _write_source_values(self, rows: list[dict[str, Any]], held: dict[tuple[Any, ...], tuple[date, date]]) -> None:
        """Values in one insert: ``source_values`` is append-only, so a value stated again adds a version
        row (``v_source_values`` folds them) instead of an update (3–7 ms each). ``held`` (first and last
        as-of of the stored values, read with the batch's history) tells which versions would change
        nothing: stated again within the dates already held, they are left out."""
        changed = []
        for r in rows:
            stored = held.get(tuple(r[c] for c in _SOURCE_VALUE_COLUMNS[:5]))
            if stored is None or r["last_as_of"] >= stored[1] or r["first_as_of"] < stored[0]:
                changed.append(r)
        self._append("source_values", changed, _SOURCE_VALUE_COLUMNS)

    def _apply_actions(self, run_id: str, actions: list[dict[str, Any]], now: str) -> None:
        """Write the flag decisions: new flags in one insert, changes to stored flags in one update,
        evidence in one insert. A flag raised and then moved or extended in the same batch is stored as
        it ends up."""
        actions = [a for a in actions if a["action"] != "hold"]  # written with the figures (_match_figures)
        raised: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}  # stored flags: new values, moved?, corroborating articles
        evidence: list[dict[str, Any]] = []
        for act in actions:
            fid = act["flag_id"]
            if act["action"] == "raise":
                raised[fid] = {
                    "id": fid,
                    "dedupe_key": act["dedupe_key"],
                    "type": act["type"],
                    "metric": act["metric"],
                    "scope_kind": act["scope_kind"],
                    "source_a": act["source_a"],
                    "source_b": act["source_b"],
                    "anchor_as_of": act["anchor_as_of"],
                    "signature": act["signature"],
                    "severity": act["severity"],
                    "status": "open",
                    "note": "",
                    "reason": act["reason"],
                    "new_figure_id": act["new_figure_id"],
                    "corroborations": 0,
                    "created_at": now,
                    "updated_at": now,
                    "changed_at": now,
                    "reported_at": None,
                    "report_id": None,
                    "run_id": run_id,
                }
            elif act["action"] in ("move", "extend"):
                target = raised.get(fid) or changed.setdefault(fid, {"id": fid, "moved": False, "articles": set()})
                target["signature"] = act["signature"]
                if act["action"] == "move":
                    target.update(
                        severity=act["severity"],
                        reason=act["reason"],
                        new_figure_id=act["new_figure_id"],
                        status="open",
                        moved=True,
                    )
            if act["action"] in ("raise", "move", "extend"):
                evidence.append(
                    {
                        "flag_id": fid,
                        "figure_id": act["new_figure_id"],
                        "role": "new",
                        "added_at": now,
                        "run_id": run_id,
                    }
                )
                evidence += [
                    {"flag_id": fid, "figure_id": p, "role": "previous", "added_at": now, "run_id": run_id}
                    for p in act["previous_figure_ids"]
                ]
            else:
                evidence.append(
                    {
                        "flag_id": fid,
                        "figure_id": act["figure_id"],
                        "role": "corroboration",
                        "added_at": now,
                        "run_id": run_id,
                    }
                )
        first_role: dict[tuple[str, str], dict[str, Any]] = {}
        for e in evidence:  # a figure keeps the first role it was given (new before corroboration)
            first_role.setdefault((e["flag_id"], e["figure_id"]), e)
        # A new or corroborating figure is the batch's own, and a flag raised now holds nothing yet: only
        # the earlier figures a stored flag gains when it moves or extends may be held already.
        maybe_held = [k for k, e in first_role.items() if e["role"] == "previous" and k[0] not in raised]
        held: set[tuple[str, str]] = set()
        if maybe_held:
            held = {
                (r[0], r[1])
                for r in self.con.execute(
                    "SELECT flag_id, figure_id FROM flag_evidence "
                    f"WHERE flag_id IN ({_marks(maybe_held)}) AND figure_id IN ({_marks(maybe_held)})",
                    [k[0] for k in maybe_held] + [k[1] for k in maybe_held],
                ).fetchall()
            }
        unique = [e for k, e in first_role.items() if k not in held]
        article_of = {f["id"]: f["article_id"] for f in self._batch_figures}
        for e in unique:
            if e["role"] != "corroboration":
                continue
            target = raised.get(e["flag_id"]) or changed.setdefault(
                e["flag_id"], {"id": e["flag_id"], "moved": False, "articles": set()}
            )
            target.setdefault("articles", set()).add(article_of.get(e["figure_id"], e["figure_id"]))
        for row in raised.values():
            row["corroborations"] = len(row.pop("articles", ()))
            row.pop("moved", None)
        self._tally["corroborated"] = [
            {"flag_id": f} for f in sorted({e["flag_id"] for e in unique if e["role"] == "corroboration"})
        ]
        self._append("flags", list(raised.values()), _FLAG_COLUMNS)
        # Most stored flags only gain corroborations: a plain update by id (~1 ms) does for them; a flag
        # whose values moved or grew takes the full update (a join, ~3 ms).
        corroborated: dict[int, list[str]] = {}
        for c in list(changed.values()):
            if not c["moved"] and c.get("signature") is None:
                del changed[c["id"]]
                if c.get("articles"):
                    corroborated.setdefault(len(c["articles"]), []).append(c["id"])
        for count, ids in sorted(corroborated.items()):
            self.con.execute(
                f"UPDATE flags SET corroborations = corroborations + ? WHERE id IN ({_marks(ids)})", [count, *ids]
            )
        if changed:
            row_sql = "(" + ", ".join(["CAST(? AS VARCHAR)"] * 6 + ["CAST(? AS BOOLEAN)", "CAST(? AS INTEGER)"]) + ")"
            params: list[Any] = []
            for c in changed.values():
                params += [
                    c["id"],
                    c.get("signature"),
                    c.get("severity"),
                    c.get("reason"),
                    c.get("new_figure_id"),
                    now,
                    c["moved"],
                    len(c.get("articles", ())),
                ]
            self.con.execute(
                f"""
                UPDATE flags SET signature = coalesce(u.signature, flags.signature),
                       severity = coalesce(u.severity, flags.severity), reason = coalesce(u.reason, flags.reason),
                       new_figure_id = coalesce(u.new_figure_id, flags.new_figure_id),
                       status = CASE WHEN u.moved THEN 'open' ELSE flags.status END,
                       updated_at = CASE WHEN u.moved THEN u.now ELSE flags.updated_at END,
                       changed_at = CASE WHEN u.moved THEN u.now ELSE flags.changed_at END,
                       corroborations = flags.corroborations + u.articles
                FROM (VALUES {", ".join([row_sql] * len(changed))})
                     AS u(id, signature, severity, reason, new_figure_id, now, moved, articles)
                WHERE flags.id = u.id
                """,
                params,
            )
        self._append("flag_evidence", unique, ("flag_id", "figure_id", "role", "added_at", "run_id"))
