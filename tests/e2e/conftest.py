"""Browser tests: Debian's Chromium (driven by Playwright, never `playwright install`) against one real
uvicorn server per session on a free loopback port.

- ``live``: the whole service as ``yichuang serve`` builds it, on SQLite in a temp directory: the real
  Prereviewer (text PDFs are read without OCR), the real knowledge base with the configured embedder.
- ``accounts``: one user per role, real password logins (``accounts.token(username)``).
- ``browser`` (session) and ``page`` (a fresh context per test, 1280x900; ``page_for(w, h)`` makes another,
  e.g. phone width); uncaught script errors and Content-Security-Policy refusals on any of them fail the test.
- ``signed_in(page, username)``: the page starts signed in (token in its sessionStorage).
- ``shots("step")``: a full-page screenshot of the test's latest page (``of=`` another) under
  $YICHUANG_E2E_ARTIFACTS (default build/e2e-artifacts), one folder per test.

Every test here is marked ``e2e``; all of them skip when /usr/bin/chromium is absent (`make system-deps`
installs it).
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.models import Role
from api.security import create_user
from api.services import Services
from tests.fixtures.api_app import HB, JT, make_settings
from tests.fixtures.samples import missing

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("YICHUANG_E2E_ARTIFACTS") or ROOT / "build" / "e2e-artifacts")
# Playwright gives every launch a fresh temporary profile (its user-data-dir); these keep Chromium from
# reaching out to the network or doing background work the tests do not need.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HALL = "安和市政务服务中心"  # Settings.hall_department's default, which make_settings keeps
KB_CACHE = ROOT / "build" / "e2e-cache" / "kb-index"
PASSWORD = "e2e-pass-2026"
USERS = [
    ("admin1", Role.ADMIN, None),
    ("clerk1", Role.CLERK, None),
    ("staff_jt", Role.STAFF, JT),
    ("staff_hb", Role.STAFF, HB),
    ("consult1", Role.CONSULT, None),
    ("staff_hall", Role.STAFF, HALL),  # the hall's own department: it maintains the terms
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists() and os.environ.get("CI") != "true":  # on CI, `live` fails instead
                item.add_marker(skip)


# ------------------------------------------------------------------------------------------ server


@dataclass
class Live:
    url: str
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    tmp = tmp_path_factory.mktemp("e2e")
    # Embedding the shipped FAQs and guides is most of the start-up: the index is kept under build/ so
    # that later runs on the same checkout only embed what changed (the KB checks each entry's hash).
    settings = make_settings(
        tmp / "data",
        database_url=f"sqlite:///{tmp / 'e2e.db'}",
        workers=1,
        run_threads=1,
        kb_index_dir=KB_CACHE,
        embedding_threads=2,
        max_file_bytes=30 * 1024 * 1024,
        max_case_bytes=200 * 1024 * 1024,
    )
    app = create_app(settings=settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # the lifespan embeds the shipped FAQs and guides once
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    yield Live(url=f"http://127.0.0.1:{port}", services=app.state.services)
    server.should_exit = True
    thread.join(timeout=30)


@dataclass
class Accounts:
    live: Live
    password: str = PASSWORD
    departments: dict[str, str | None] = field(default_factory=dict)

    def token(self, username: str) -> str:
        """A bearer token from a real login (one per user and session)."""
        if username not in self.live.tokens:
            with self.live.http() as http:
                r = http.post("/api/v1/auth/token", data={"username": username, "password": self.password})
                r.raise_for_status()
                self.live.tokens[username] = r.json()["access_token"]
        return self.live.tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}


@pytest.fixture(scope="session")
def accounts(live: Live) -> Accounts:
    with live.services.db.scope() as session:
        for username, role, department in USERS:
            create_user(
                session,
                username=username,
                password=PASSWORD,
                role=role,
                department=department,
                display_name=username,
            )
    return Accounts(live=live, departments={u: d for u, _, d in USERS})


# ----------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser(live: Live) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def _pages() -> list[Any]:
    return []


@pytest.fixture
def page_for(browser: Any, live: Live, _pages: list[Any]) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    errors: list[str] = []

    def make(width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = browser.new_context(
            base_url=live.url,
            viewport={"width": width, "height": height},
            locale="zh-CN",
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # the strict Content-Security-Policy (api.headers) must not block anything the pages do
        page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
        _pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"uncaught script errors or CSP refusals on the page: {errors}"


@pytest.fixture
def page(page_for: Callable[..., Any]) -> Any:
    return page_for()


@pytest.fixture
def signed_in(accounts: Accounts) -> Callable[[Any, str], Any]:
    """Start ``page`` signed in as ``username`` (what common.js keeps after a login), once per tab."""

    def sign(page: Any, username: str) -> Any:
        user = next(u for u in USERS if u[0] == username)
        stored = {
            "token": accounts.token(username),
            "role": user[1].value,
            "department": user[2],
            "username": username,
        }
        page.add_init_script(
            "if (!sessionStorage.getItem('yichuang.e2e')) {"
            f"sessionStorage.setItem('yichuang.session', {json.dumps(json.dumps(stored))});"
            "sessionStorage.setItem('yichuang.e2e', '1'); }"
        )
        return page

    return sign


@pytest.fixture
def shots(request: pytest.FixtureRequest, _pages: list[Any]) -> Callable[..., Path]:
    """``shots("step")`` saves the test's latest page (or ``of=another_page``) as NN-step.png;
    ``full_page=False``
    only what the window shows (a dialog fixed over the page, as the person sees it)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def shot(step: str, of: Any = None, full_page: bool = True) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        (of or _pages[-1]).screenshot(path=str(path), full_page=full_page)
        return path

    return shot


# ----------------------------------------------------------------------------------- accessibility

AXE = ROOT / "api" / "web" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str) -> Callable[..., list[str]]:
    """``axe(page)``: the serious and critical accessibility violations of what the page shows now (the
    vendored axe-core, evaluated in the page — not served to it), as readable lines; [] when none."""

    def check(page: Any) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        found = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
            }"""
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found if v["impact"] in SERIOUS
        ]

    return check
