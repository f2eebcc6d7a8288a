"""The web pages and their assets as the service serves them: every page, every file a page or script
refers to, nothing from another origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import web

PAGE_FILES = sorted(web.PAGES.glob("*.html"))
ASSET_FILES = sorted(p for p in web.STATIC.rglob("*") if p.is_file())
# src="/static/x", href="/static/x", import … from "/static/x", fetch("/static/x"), CSS url(/static/x)
STATIC_REF = re.compile(r"""["'(](/static/[^"')\s?#]+)""")
PAGE_LINK = re.compile(r"""href="(/[^"#?]*)""")
NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")  # XML names, never fetched
TYPES = {".js": "javascript", ".css": "text/css", ".json": "application/json", ".html": "text/html"}


def _references() -> set[str]:
    refs: set[str] = set()
    for path in [*PAGE_FILES, *ASSET_FILES]:
        if path.suffix in (".html", ".js", ".css"):
            refs |= set(STATIC_REF.findall(path.read_text(encoding="utf-8")))
    return refs


def test_every_page_is_served_as_html(client: TestClient) -> None:
    for path, name in web.ROUTES.items():
        r = client.get(path)
        if (web.PAGES / name).is_file():
            assert r.status_code == 200, path
            assert r.headers["content-type"].startswith("text/html") and "<html" in r.text
            assert r.headers["cache-control"] == "no-cache"
        else:
            assert r.status_code == 404 and r.json()["message"] == "页面还没有上线"


def test_a_missing_page_answers_404_in_chinese(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(web, "PAGES", tmp_path)
    r = client.get("/consult")
    assert r.status_code == 404 and r.json() == {"error": "not_found", "message": "页面还没有上线"}
    assert client.get("/static/no-such-file.js").status_code == 404


def test_every_referenced_asset_is_served_with_its_type(client: TestClient) -> None:
    refs = _references()
    assert {"/static/app.css", "/static/common.js", "/static/self-check.js", "/static/consult.js"} <= refs
    for ref in sorted(refs):
        r = client.get(ref)
        assert r.status_code == 200, f"{ref} is referenced but not served"
        suffix = Path(ref).suffix
        if suffix in TYPES:  # browsers refuse ES modules served under another type
            assert TYPES[suffix] in r.headers["content-type"], (ref, r.headers["content-type"])


def test_pages_link_only_to_pages_and_assets_of_this_service() -> None:
    served = set(web.ROUTES)
    for page in PAGE_FILES:
        for link in PAGE_LINK.findall(page.read_text(encoding="utf-8")):
            assert link in served or (web.STATIC / link.removeprefix("/static/")).is_file(), (page.name, link)


def test_nothing_comes_from_another_origin() -> None:
    """The halls' networks are often closed: no CDN, no web font, no absolute URL anywhere."""
    for path in [*PAGE_FILES, *ASSET_FILES]:
        text = path.read_text(encoding="utf-8", errors="replace")
        # a vendored library's licence banner (/*! … */) names its homepage: a comment, never fetched
        text = re.sub(r"/\*!.*?\*/", "", text, flags=re.S)
        found = [
            u
            for u in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)
            if not u.startswith(NAMESPACES)
        ]
        assert not found, f"{path.relative_to(web.HERE)} refers to {found}"


def test_the_landing_page_links_the_four_groups(client: TestClient) -> None:
    text = client.get("/").text
    for path in ("/self-check", "/consult", "/clerk", "/staff"):
        assert f'href="{path}"' in text
