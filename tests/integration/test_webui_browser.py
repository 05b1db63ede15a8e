"""The Flags view in a real Airflow api-server, used through headless Chromium as an analyst would.

A fresh Airflow home (SQLite metadata database, simple auth manager with one admin) and a DuckDB file
loaded with the seed corpus; the api-server loads the repository's plugins folder. The analyst logs in,
opens Flags from Airflow's navigation, acknowledges a contradiction with a note, and the test reads the
decision back from DuckDB. Screenshots and the api-server log are kept under
``test-output/webui-browser/``. Chromium is Debian's (/usr/bin/chromium); no browser is downloaded.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from layout_checks import check_layout

from prisonwatch import store
from prisonwatch.config import load_settings
from prisonwatch.run import seed

pytestmark = [pytest.mark.integration, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output" / "webui-browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
STARTUP_SECONDS = 120
NOTE = "Checked with both outlets: the counts cover different periods"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); the browser test needs it")


@dataclass
class ApiServer:
    base_url: str
    airflow_home: Path
    db_path: Path
    password: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the api-server's own process group (it was started in a new session), then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    require_chromium()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    root = tmp_path_factory.mktemp("webui-browser")
    home, dags = root / "airflow_home", root / "dags"
    home.mkdir()
    dags.mkdir()
    db_path = root / "data" / "prisonwatch.duckdb"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__API__BASE_URL": base_url,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
        "PRISONWATCH_HOME": str(root),
        "PRISONWATCH_CONFIG": str(REPO / "include" / "config" / "prisonwatch.yaml"),
        "PRISONWATCH_DB": str(db_path),
    }
    settings = load_settings(env=env)
    with store.open_store(settings.db_path, settings=settings) as db:
        seed.load_seed_corpus(db, settings)
    airflow = str(Path(sys.executable).parent / "airflow")
    migrated = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    log_path = OUTPUT / "api-server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [airflow, "api-server", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the api-server exited with {proc.returncode}:\n{log_tail(log_path)}")
            try:
                if httpx.get(f"{base_url}/api/v2/version", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the api-server did not answer in {STARTUP_SECONDS} s:\n{log_tail(log_path)}")
            time.sleep(0.5)
        passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text(encoding="utf-8"))
        yield ApiServer(base_url=base_url, airflow_home=home, db_path=db_path, password=passwords["admin"])
    finally:
        stop(proc)


def test_the_view_needs_an_airflow_token(api_server: ApiServer) -> None:
    with httpx.Client(base_url=api_server.base_url, timeout=30) as client:
        anonymous = client.get("/prisonwatch/")
        assert anonymous.status_code == 401
        token = client.post("/auth/token", json={"username": "admin", "password": api_server.password})
        assert token.status_code in (200, 201), token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        page = client.get("/prisonwatch/", headers=headers)
        assert page.status_code == 200 and "<h1>Flags</h1>" in page.text
        plugins = client.get("/api/v2/plugins", headers=headers).json()["plugins"]
        views = [v for p in plugins for v in p.get("external_views") or []]
        assert any(v["name"] == "Flags" and v["destination"] == "nav" for v in views)


def test_analyst_acknowledges_a_flag_from_the_airflow_nav(api_server: ApiServer) -> None:
    from playwright.sync_api import sync_playwright

    base = api_server.base_url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(base + "/")
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill(api_server.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/")
            assert "_token" in {c["name"] for c in page.context.cookies()}

            page.locator("a[href$='/plugin/prisonwatch-flags']").click()
            page.wait_for_url("**/plugin/prisonwatch-flags**")
            frame = page.frame_locator("iframe[title='Flags']")
            frame.get_by_role("heading", name="Flags", level=1).wait_for()
            page.screenshot(path=str(OUTPUT / "01-flags-in-airflow.png"))

            card = frame.locator("article.flag.contradiction").first
            flag_id = card.get_attribute("id")
            assert flag_id
            card.locator("summary").click()
            card.get_by_label("Note").fill(NOTE)
            card.screenshot(path=str(OUTPUT / "02-decision-form.png"))
            card.get_by_role("button", name="Acknowledge").click()
            frame.get_by_text("Saved: the flag is acknowledged.").wait_for()
            page.screenshot(path=str(OUTPUT / "03-acknowledged.png"))

            frame.get_by_role("link", name=f"Open flag {flag_id}").click()
            frame.get_by_role("heading", name="Decision").wait_for()
            assert "acknowledged" in frame.locator("article.flag").first.inner_text()
            page.screenshot(path=str(OUTPUT / "04-flag-detail.png"))

            frame.get_by_role("link", name="Figures board").click()
            frame.get_by_role("heading", name="Timelines").wait_for()
            frame.locator("svg.chart-svg.wide").first.wait_for()
            page.screenshot(path=str(OUTPUT / "05-board.png"))
            frame.get_by_role("link", name="Feed health").click()
            frame.get_by_role("heading", name="Feed health", level=1).wait_for()
            page.screenshot(path=str(OUTPUT / "06-feeds.png"))

            # Whole pages, outside the frame (the login cookie is sent: same origin).
            direct = browser.new_page(viewport={"width": 1100, "height": 900})
            direct.context.add_cookies(page.context.cookies())
            direct.goto(f"{base}/prisonwatch/flags/{flag_id}")
            direct.get_by_role("heading", name="Decision").wait_for()
            direct.screenshot(path=str(OUTPUT / "08-flag-detail-page.png"), full_page=True)
            direct.goto(f"{base}/prisonwatch/board")
            direct.locator("svg.chart-svg.wide").last.wait_for()
            direct.screenshot(path=str(OUTPUT / "09-board-page.png"), full_page=True)

            # The view at phone width.
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{base}/prisonwatch/?status=all")
            phone.get_by_role("heading", name="Flags", level=1).wait_for()
            check_layout(phone, expect_charts=False)
            phone.screenshot(path=str(OUTPUT / "07-phone.png"))
            for name in ("board", "feeds", "review"):
                phone.goto(f"{base}/prisonwatch/{name}")
                phone.locator("h1").wait_for()
                check_layout(phone, expect_charts=name == "board")
                phone.screenshot(path=str(OUTPUT / f"07-phone-{name}.png"), full_page=True)
            check_layout(direct)  # the board at desktop width: its charts too
        finally:
            browser.close()

    with store.open_store(api_server.db_path, read_only=True) as db:
        flag = db.flag(flag_id)
    assert flag["status"] == "acknowledged"
    assert flag["note"] == f"{NOTE} [admin]"
