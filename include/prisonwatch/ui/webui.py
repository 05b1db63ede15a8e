"""The Flags view inside the Airflow UI: a small FastAPI app the api-server mounts (see plugins/).

Pages: open flags (contradictions first) with both sides' sentences, filters, a flag's detail with its
corroborations and a form to acknowledge, dismiss or re-open it; the figures board with timeline charts;
feed health. Every route needs a logged-in Airflow user (Airflow does not protect plugin routes): the
token comes from the ``Authorization: Bearer`` header or the UI's ``_token`` cookie, checked by Airflow's
own ``get_user``.

DuckDB admits one process at a time and DAG tasks must never fail because of this view, so the view
holds the database for milliseconds: it opens it per request with a short retry, reads or writes, and
closes it before rendering. A busy database gives a "retry in a moment" page; a decision made while it
is busy is queued durably (``webui_queue``) and applied as soon as the database is free.

HTML is rendered with autoescape on and a Content-Security-Policy without scripts: article titles and
sentences are untrusted text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jinja2
from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from prisonwatch import report, store
from prisonwatch.config import ConfigError, Settings, load_settings
from prisonwatch.models import FLAG_STATUSES, FLAG_TYPES, METRICS, SOURCES
from prisonwatch.report import charts
from prisonwatch.ui import webui_queue

log = logging.getLogger(__name__)

URL_PREFIX = "/prisonwatch"
NAV_NAME = "Flags"
NAV_URL_ROUTE = "prisonwatch-flags"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "webui"

# Short retries: a DAG task's own open_store waits ~8 s in total, so the view must let go quickly.
READ_ATTEMPTS = 3
WRITE_ATTEMPTS = 3
BACKOFF_SECONDS = 0.1
# Requests of one api-server process take turns on the database (DuckDB refuses a second, differently
# configured connection in the same process); a request waits at most this long for its turn.
PROCESS_TURN_SECONDS = 3.0
RETRY_AFTER_SECONDS = 5
MAX_NOTE_CHARS = 1000

ACTIONS = {"acknowledge": "acknowledged", "dismiss": "dismissed", "reopen": "open"}
STATUS_FILTERS = (*FLAG_STATUSES, "all")
FILTER_KEYS = ("status", "type", "metric", "source")
_FLAG_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
_REVIEW_DONE = {
    "right": "Saved: the figure is right; it takes part in matching from the next run.",
    "wrong": "Saved: the figure is wrong; it will never raise or answer a flag.",
}
_FIGURE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
_DONE_MESSAGES = {
    "acknowledged": "Saved: the flag is acknowledged.",
    "dismissed": "Saved: the flag is dismissed.",
    "open": "Saved: the flag is open again.",
}

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)

_process_turn = threading.Lock()


class StoreBusy(RuntimeError):
    """The database stayed locked by another process (a DAG task) through the short retry."""


class NoDatabase(RuntimeError):
    """The configured database file does not exist yet (seed or run the pipeline first)."""


# ------------------------------------------------------------------------------------------ auth
async def airflow_user(request: Request) -> Any:
    """The logged-in Airflow user, via Airflow's own ``get_user`` (Bearer header wins, else the
    ``_token`` cookie the UI sets at login); 401 without a token, 403 with an invalid one.

    Airflow is imported here, not at module import, so plugin discovery in other components stays cheap.
    """
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user

    credentials = await bearer_scheme(request)
    return await get_user(request=request, _oauth_token=None, bearer_credentials=credentials)


def user_name(user: Any) -> str:
    """A printable name for whatever user object the auth manager returns."""
    for attr in ("get_name", "get_id"):
        method = getattr(user, attr, None)
        if callable(method):
            try:
                value = method()
            except Exception:  # an auth manager's user without a name: fall through
                continue
            if value:
                return str(value)
    return str(getattr(user, "username", "") or "unknown")


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def same_origin(request: Request, public_base_url: str = "") -> bool:
    """Whether a form POST comes from a page of this server (the CSRF check).

    A request that carries its token in the Authorization header cannot be forged by another site.
    Otherwise the browser's Origin (or Referer) must name this host, or the configured public base URL.
    """
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return True
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return False
    origin = request.headers.get("origin") or ""
    if not origin or origin == "null":
        origin = request.headers.get("referer") or ""
    source = _host_of(origin)
    if not source:
        return False
    allowed = {request.headers.get("host", "").lower(), _host_of(public_base_url)} - {""}
    return source in allowed


def _public_base_url() -> str:
    """Airflow's ``[api] base_url`` when Airflow is configured (behind a proxy the Host may differ)."""
    try:
        from airflow.configuration import conf

        return conf.get("api", "base_url", fallback="") or ""
    except Exception:  # outside Airflow (tests, the CLI)
        return ""


def nav_href() -> str:
    """Where the UI's nav entry points: the app's prefix under Airflow's base path."""
    path = urlsplit(_public_base_url()).path.rstrip("/")
    return f"{path}{URL_PREFIX}/"


# ------------------------------------------------------------------------------------------ store access
@contextmanager
def _turn() -> Iterator[None]:
    if not _process_turn.acquire(timeout=PROCESS_TURN_SECONDS):
        raise StoreBusy("other requests of this server are using the database")
    try:
        yield
    finally:
        _process_turn.release()


def read_store(settings: Settings, read: Callable[[store.Store], Any], *, attempts: int = READ_ATTEMPTS) -> Any:
    """Run ``read`` on a short-lived read-only connection; StoreBusy when a task holds the database."""
    path = settings.db_path
    if not path.exists():
        raise NoDatabase(str(path))
    with _turn():
        try:
            db = store.open_store(
                path, read_only=True, settings=settings, attempts=attempts, backoff_seconds=BACKOFF_SECONDS
            )
        except store.StoreLockedError as exc:
            raise StoreBusy(str(exc)) from exc
        with db:
            return read(db)


def decide(
    settings: Settings, flag_id: str, status: str, note: str, *, user: str, attempts: int = WRITE_ATTEMPTS
) -> dict[str, Any]:
    """Store an analyst's decision now, or queue it durably when the database stays busy.

    Returns ``{"outcome": "applied", "flag": {...}}`` or ``{"outcome": "queued", "decision": {...}}``.
    Raises KeyError for an unknown flag (when that can be checked), NoDatabase, webui_queue.QueueError.
    Pending queued decisions are applied first, so decisions keep the order they were made in.
    """
    path = settings.db_path
    if not path.exists():
        raise NoDatabase(str(path))
    try:
        with _turn():
            db = store.open_store(path, settings=settings, attempts=attempts, backoff_seconds=BACKOFF_SECONDS)
            with db:
                applied = webui_queue.apply_pending(db)
                if applied.get("applied") or applied.get("superseded"):
                    log.info("applied queued decisions before %s: %s", flag_id, applied)
                flag = db.set_flag_status(flag_id, status, note)
    except (store.StoreLockedError, StoreBusy):
        decision = webui_queue.enqueue(path, flag_id, status, note, user=user)
        return {"outcome": "queued", "decision": decision.to_dict()}
    log.info("flag %s set to %s by %s", flag_id, status, user)
    return {"outcome": "applied", "flag": flag}


# ------------------------------------------------------------------------------------------ views
def _labels() -> dict[str, Any]:
    return report.resolve_labels()


def queued(settings: Settings, flag_id: str | None = None, *, state: str | None = "pending") -> list[Any]:
    """Queued decisions for a page; a broken queue file is logged and shown as none, never an error page."""
    try:
        return webui_queue.decisions(settings.db_path, state=state, flag_id=flag_id)
    except Exception:
        log.exception("the decision queue beside %s cannot be read", settings.db_path)
        return []


def review_cards(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures held for review as the report shows evidence, newest first, each with its id and metric label."""
    labels = _labels()
    cards = []
    for row in sorted(rows, key=lambda r: str(r.get("as_of") or ""), reverse=True):
        card = report.evidence_view(row, labels)
        card["figure_id"] = str(row.get("figure_id"))
        card["metric"] = labels["metrics"].get(str(row.get("metric")), str(row.get("metric")))
        cards.append(card)
    return cards


def flag_matches_source(flag: dict[str, Any], source: str) -> bool:
    """A flag concerns a source when its new figure or an earlier one is that source's."""
    sides = [flag.get("new") or {}, *(flag.get("previous") or [])]
    return any(side.get("source") == source for side in sides)


def flag_list_view(flags: list[dict[str, Any]], filters: dict[str, str]) -> dict[str, Any]:
    """The list page: flags filtered by source (the store filters the rest), contradictions first."""
    if filters.get("source"):
        flags = [f for f in flags if flag_matches_source(f, filters["source"])]
    view = report.build_view({"flags": flags})
    by_id = {str(f.get("id")): f for f in flags}
    for card in (*view["contradictions"], *view["arithmetic"], *view["new_figures"]):
        card["updated_at"] = report.format_when(by_id[card["id"]].get("updated_at"))
    return {
        "contradictions": view["contradictions"],
        "arithmetic": view["arithmetic"],
        "new_figures": view["new_figures"],
        "total": len(flags),
    }


def flag_detail_view(flag: dict[str, Any]) -> dict[str, Any]:
    """One flag with its corroborating figures, in the report's words."""
    labels = _labels()
    view = report.build_view({"flags": [flag]})
    card = (view["contradictions"] or view["new_figures"])[0]
    card["updated_at"] = report.format_when(flag.get("updated_at"))
    card["reported_at"] = report.format_when(flag.get("reported_at"))
    card["corroborated_by"] = [report.evidence_view(e, labels) for e in flag.get("corroborated_by") or []]
    return card


_chart_cache: dict[str, list[dict[str, str]]] = {}
_CHART_CACHE_SIZE = 4


def chart_images(timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One timeline chart per metric as inline SVG, wide and narrow (the page shows one by its width); the last
    few results are kept (drawing takes time)."""
    key = hashlib.sha1(json.dumps(timeline, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    if key not in _chart_cache:
        labels = _labels()
        svgs = charts.timeline_svgs(timeline, metric_labels=labels["metrics"], source_labels=labels["sources"])
        if len(_chart_cache) >= _CHART_CACHE_SIZE:
            _chart_cache.pop(next(iter(_chart_cache)))
        _chart_cache[key] = [
            {
                "metric": m,
                "label": labels["metrics"].get(m, m),
                "wide": Markup(svg["wide"]),  # noqa: S704 - drawn here by matplotlib, which escapes its text
                "narrow": Markup(svg["narrow"]),  # noqa: S704
            }
            for m, svg in svgs.items()
        ]
    return _chart_cache[key]


def feed_rows(settings: Settings, feeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every configured or stored feed with its health, worst first; a feed never polled says so."""
    stored = {str(f.get("name")): f for f in feeds}
    names = [f.name for f in settings.feeds] + [n for n in stored if n not in {f.name for f in settings.feeds}]
    enabled = {f.name: f.enabled for f in settings.feeds}
    threshold = settings.flags.unhealthy_after_failures
    rows = []
    for name in names:
        state = stored.get(name) or {}
        failures = int(state.get("consecutive_failures") or 0)
        url = state.get("url") or next((f.url for f in settings.feeds if f.name == name), "")
        rows.append(
            {
                "name": name,
                "url": str(url or ""),
                "enabled": enabled.get(name, False),
                "configured": name in enabled,
                "polled": bool(state),
                "failures": failures,
                "healthy": failures < threshold,
                "failing": failures > 0,
                "last_success": report.format_when(state.get("last_success")),
                "last_error": str(state.get("last_error") or ""),
                "last_error_at": report.format_when(state.get("last_error_at")),
            }
        )
    rows.sort(key=lambda r: (-r["failures"], not r["polled"], r["name"]))
    return rows


def clean_filters(params: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The list filters from a query string: known values only (default: open flags); unknown ones named."""
    allowed = {"status": STATUS_FILTERS, "type": FLAG_TYPES, "metric": METRICS, "source": SOURCES}
    filters = {"status": "open", "type": "", "metric": "", "source": ""}
    problems = []
    for key, values in allowed.items():
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if value in values:
            filters[key] = value
        else:
            problems.append(f"unknown {key} {value!r}; showing all")
    return filters, problems


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["count"] = report.format_count
    env.filters["when"] = report.format_when
    return env


# ------------------------------------------------------------------------------------------ the app
def create_app(settings_provider: Callable[[], Settings] | None = None) -> FastAPI:
    """The Flags app. ``settings_provider`` defaults to ``load_settings`` (PRISONWATCH_CONFIG / _DB),
    read on every request so a changed configuration needs no api-server restart."""
    provide_settings = settings_provider or load_settings
    env = _environment()
    labels = _labels()
    # No /docs or /openapi.json: they would not be behind the login.
    app = FastAPI(
        title="prisonwatch flags",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(airflow_user)],
    )

    def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        base = str(request.scope.get("root_path", "")).rstrip("/")
        html = env.get_template(template).render(
            base=base,
            airflow_home=str(request.scope.get("app_root_path", "")).rstrip("/") + "/",
            labels=labels,
            page=template.split(".")[0],
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def message(
        request: Request, status_code: int, title: str, text: str, *, retry: bool = False, **extra: Any
    ) -> HTMLResponse:
        response = render(request, "message.html.j2", status_code, title=title, text=text, retry=retry, **extra)
        if retry:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def settings_or_error(request: Request) -> Settings | HTMLResponse:
        try:
            return provide_settings()
        except ConfigError as exc:
            log.error("prisonwatch configuration: %s", exc)
            return message(request, 500, "Configuration error", f"The prisonwatch configuration is invalid: {exc}")

    def store_trouble(request: Request, exc: Exception) -> HTMLResponse:
        if isinstance(exc, StoreBusy):
            return message(
                request,
                503,
                "Store busy",
                "The database is in use by a pipeline task. Retry in a moment; this page reloads by itself.",
                retry=True,
            )
        if isinstance(exc, NoDatabase):
            return message(
                request,
                503,
                "No database yet",
                f"The database {exc} does not exist yet. Load the seed corpus (the prisonwatch_seed DAG) "
                "or run the monitoring DAG once.",
            )
        log.error("prisonwatch store: %s", exc)
        return message(request, 503, "Store unavailable", f"The database cannot be read: {exc}", retry=True)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        # same-origin, not no-referrer: with no-referrer a browser sends 'Origin: null' on form posts.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401:
            return message(
                request,
                401,
                "Log in to Airflow",
                "The Flags view needs an Airflow login. Log in to Airflow, then open Flags from its menu.",
                login=True,
            )
        if exc.status_code == 403:
            return message(
                request,
                403,
                "Not allowed",
                str(exc.detail or "Your login is not valid any more."),
                login=True,
            )
        return message(request, exc.status_code, "Not found" if exc.status_code == 404 else "Error", str(exc.detail))

    @app.get("/", response_class=HTMLResponse)
    def flag_list(request: Request) -> Response:
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        filters, problems = clean_filters(dict(request.query_params))
        status = None if filters["status"] == "all" else filters["status"]
        try:
            flags, counts, notice = read_store(settings, lambda db: _flags_and_counts(db, status, filters))
        except Exception as exc:
            return store_trouble(request, exc)
        done = request.query_params.get("done", "")
        return render(
            request,
            "flags.html.j2",
            filters=filters,
            problems=problems,
            choices={"status": STATUS_FILTERS, "type": FLAG_TYPES, "metric": METRICS, "source": SOURCES},
            view=flag_list_view(flags, filters),
            counts=counts,
            notice=notice,
            query=urlencode({k: v for k, v in filters.items() if v}),
            done=_DONE_MESSAGES.get(done, ""),
            done_flag=request.query_params.get("flag", "") if done in _DONE_MESSAGES else "",
            pending=queued(settings),
        )

    @app.get("/flags/{flag_id}", response_class=HTMLResponse)
    def flag_detail(request: Request, flag_id: str) -> Response:
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        if not _FLAG_ID.match(flag_id):
            return message(request, 404, "Not found", "There is no such flag.")
        try:
            flag = read_store(settings, lambda db: db.flag(flag_id))
        except KeyError:
            return message(request, 404, "Not found", f"There is no flag {flag_id}.")
        except Exception as exc:
            return store_trouble(request, exc)
        done = request.query_params.get("done", "")
        return render(
            request,
            "flag.html.j2",
            f=flag_detail_view(flag),
            done=_DONE_MESSAGES.get(done, ""),
            pending=queued(settings, flag_id),
            history=queued(settings, flag_id, state=None),
            query=_return_query(request.query_params.get("return", "")),
        )

    @app.post("/flags/{flag_id}/decision", response_class=HTMLResponse)
    def flag_decision(
        request: Request,
        flag_id: str,
        user: Annotated[Any, Depends(airflow_user)],
        action: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
        return_to: Annotated[str, Form()] = "detail",
        return_query: Annotated[str, Form()] = "",
    ) -> Response:
        if not same_origin(request, _public_base_url()):
            return message(request, 403, "Not allowed", "The form was not sent from this site's own page.")
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        status = ACTIONS.get(action)
        if status is None or not _FLAG_ID.match(flag_id):
            return message(request, 400, "Unknown action", "Choose acknowledge, dismiss or re-open.")
        note = " ".join(note.split())
        if status != "open" and not note:
            return message(request, 400, "A note is needed", "Say why in the note, then send the form again.")
        if len(note) > MAX_NOTE_CHARS:
            return message(request, 400, "Note too long", f"Keep the note under {MAX_NOTE_CHARS} characters.")
        name = user_name(user)
        stored_note = f"{note} [{name}]" if note else f"[{name}]"
        try:
            result = decide(settings, flag_id, status, stored_note, user=name)
        except KeyError:
            return message(request, 404, "Not found", f"There is no flag {flag_id}.")
        except webui_queue.QueueError as exc:
            log.error("%s", exc)
            return message(
                request,
                503,
                "Not saved",
                "The database is busy and the decision could not be queued either. "
                "Nothing was saved; send the form again in a moment.",
                retry=False,
            )
        except Exception as exc:
            return store_trouble(request, exc)
        base = str(request.scope.get("root_path", "")).rstrip("/")
        query = _return_query(return_query)
        if result["outcome"] == "queued":
            return render(
                request,
                "queued.html.j2",
                202,
                decision=result["decision"],
                flag_id=flag_id,
                query=query,
            )
        if return_to == "list":
            target = f"{base}/?{query + '&' if query else ''}{urlencode({'done': status, 'flag': flag_id})}"
            target += f"#{flag_id}"
        else:
            target = f"{base}/flags/{flag_id}?{urlencode({'done': status, 'return': query})}"
        return RedirectResponse(target, status_code=303)

    def overview(request: Request) -> tuple[Settings, dict[str, Any], dict[str, Any]] | Response:
        """The store-wide report data (no flags) and its view, or the page that says why not."""
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        try:
            data = read_store(settings, lambda db: db.report_data(flag_ids=[]))
        except Exception as exc:
            return store_trouble(request, exc)
        return settings, data, report.build_view(data)

    @app.get("/board", response_class=HTMLResponse)
    def board(request: Request) -> Response:
        found = overview(request)
        if isinstance(found, Response):
            return found
        settings, data, view = found
        return render(
            request,
            "board.html.j2",
            board=view["board"],
            charts=chart_images(data.get("timeline") or []),
            generated_at=view["generated_at"],
        )

    @app.get("/feeds", response_class=HTMLResponse)
    def feeds(request: Request) -> Response:
        found = overview(request)
        if isinstance(found, Response):
            return found
        settings, data, view = found
        rows = feed_rows(settings, data.get("feeds") or [])
        return render(
            request,
            "feeds.html.j2",
            feeds=rows,
            unhealthy=sum(1 for r in rows if not r["healthy"]),
            failing=sum(1 for r in rows if r["failing"]),
            never_polled=sum(1 for r in rows if not r["polled"]),
            errors=view["errors"],
            run=view["run"],
            threshold=settings.flags.unhealthy_after_failures,
            pending=queued(settings),
        )

    @app.get("/review", response_class=HTMLResponse)
    def review_list(request: Request) -> Response:
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        floor = settings.flags.min_confidence
        try:
            rows = read_store(settings, lambda db: db.figures(below_confidence=floor))
        except Exception as exc:
            return store_trouble(request, exc)
        done = request.query_params.get("done", "")
        return render(request, "review.html.j2", figures=review_cards(rows), done=_REVIEW_DONE.get(done, ""))

    @app.post("/review/{figure_id}", response_class=HTMLResponse)
    def review_verdict(
        request: Request,
        figure_id: str,
        user: Annotated[Any, Depends(airflow_user)],
        verdict: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
    ) -> Response:
        if not same_origin(request, _public_base_url()):
            return message(request, 403, "Not allowed", "The form was not sent from this site's own page.")
        settings = settings_or_error(request)
        if isinstance(settings, HTMLResponse):
            return settings
        if verdict not in store.REVIEW_VERDICTS or not _FIGURE_ID.match(figure_id):
            return message(request, 400, "Unknown verdict", "Choose 'This is right' or 'This is wrong'.")
        note = " ".join(note.split())[:MAX_NOTE_CHARS]
        stored_note = f"{note} [{user_name(user)}]" if note else f"[{user_name(user)}]"
        try:
            with _turn():
                db = store.open_store(
                    settings.db_path, settings=settings, attempts=WRITE_ATTEMPTS, backoff_seconds=BACKOFF_SECONDS
                )
                with db:
                    db.set_figure_verdict(figure_id, verdict, stored_note)
        except KeyError:
            return message(request, 404, "Not found", f"There is no figure {figure_id}.")
        except (store.StoreLockedError, StoreBusy):
            return message(
                request, 503, "Not saved", "A pipeline task holds the database. Nothing was saved; send the "
                "verdict again in a minute.", retry=True,
            )  # fmt: skip
        except Exception as exc:
            return store_trouble(request, exc)
        log.info("figure %s reviewed as %s by %s", figure_id, verdict, user_name(user))
        base = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(f"{base}/review?done={verdict}", status_code=303)

    @app.get("/icon.svg")
    def icon() -> Response:
        return Response((TEMPLATES_DIR / "flag-icon.svg").read_bytes(), media_type="image/svg+xml")

    return app


def _flags_and_counts(db: store.Store, status: str | None, filters: dict[str, str]) -> tuple[list, dict[str, int], str]:
    """The flags a list page shows, how many are open per type and held for review (for its heading), and the
    warning to show when the last run read nothing."""
    open_flags = db.flags(status="open")
    counts = {
        "open": len(open_flags),
        **{t: sum(1 for f in open_flags if f.get("type") == t) for t in FLAG_TYPES},
        "review": db.review_count(),
    }
    notice = report.run_notice(db.last_run(), _labels())
    if status == "open":
        flags = [
            f
            for f in open_flags
            if (not filters["metric"] or f.get("metric") == filters["metric"])
            and (not filters["type"] or f.get("type") == filters["type"])
        ]
    else:
        flags = db.flags(status=status, metric=filters["metric"] or None, flag_type=filters["type"] or None)
    return flags, counts, notice


def _return_query(raw: str) -> str:
    """A list page's filters carried through a form: known keys and values only (never a free URL)."""
    parsed = {k: v[0] for k, v in parse_qs(raw or "", keep_blank_values=False).items() if k in FILTER_KEYS and v}
    filters, _ = clean_filters(parsed)
    return urlencode({k: v for k, v in filters.items() if v and (k in parsed)})
