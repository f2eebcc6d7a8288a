"""Security headers on every answer (pages, assets, API, errors, /docs, notices) and a policy the pages
can live with: no inline script anywhere, the notice's one <style> block admitted by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from api import web
from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, People

V1 = "/api/v1"


def _directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().split(" ", 1)[1] for d in policy.split(";") if d.strip()}


def _assert_secured(r: object, path: str) -> dict[str, str]:
    headers = r.headers  # type: ignore[attr-defined]
    assert headers["x-frame-options"] == "DENY", path
    assert headers["x-content-type-options"] == "nosniff", path
    policy = _directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", path
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'", path
    assert "unsafe-inline" not in headers["content-security-policy"], path
    assert "unsafe-eval" not in headers["content-security-policy"], path
    return policy


def test_every_kind_of_answer_carries_the_headers(client: TestClient, people: People) -> None:
    paths = [
        *web.ROUTES,
        "/docs",
        "/docs/assets/init.js",
        "/docs/swagger-ui/swagger-ui.css",
        "/openapi.json",
        "/static/common.js",
        "/healthz",
        "/static/no-such-file.js",
        f"{V1}/items",
        f"{V1}/auth/me",
        f"{V1}/cases/nope",
    ]
    for path in paths:
        _assert_secured(client.get(path), path)
    r = client.get(f"{V1}/items/JT-001")
    assert r.headers["cache-control"] == "no-store"  # personal data never sits in a cache
    assert client.get("/static/common.js").headers.get("cache-control") != "no-store"


def test_pages_hold_no_inline_script_or_style() -> None:
    for page in [*web.PAGES.glob("*.html"), web.DOCS / "index.html"]:
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (page.name, tag)
        assert all(not body.strip() for body in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S)), (
            page.name
        )
        assert not re.search(r"\son[a-z]+\s*=", text), page.name  # no onclick= and the like
        assert not re.search(r"\sstyle\s*=", text) and "<style" not in text, page.name


def test_docs_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    refs = re.findall(r"""(?:src|href)="([^"]+)\"""", page.text)
    assert set(refs) == {
        "/docs/swagger-ui/swagger-ui.css",
        "/docs/swagger-ui/swagger-ui-bundle.js",
        "/docs/assets/init.js",
    }
    for ref in refs:
        r = client.get(ref)
        assert r.status_code == 200 and len(r.content) > 100, ref
        assert ("javascript" if ref.endswith(".js") else "text/css") in r.headers["content-type"]
    assert "SwaggerUIBundle" in client.get("/docs/swagger-ui/swagger-ui-bundle.js").text
    assert '"/openapi.json"' in client.get("/docs/assets/init.js").text
    assert not re.search(r"https?://", page.text + client.get("/docs/assets/init.js").text)
    assert client.get("/redoc").status_code == 404  # ReDoc only came from a CDN
    assert client.get("/openapi.json").json()["paths"]


def test_the_notice_style_is_admitted_by_its_hash(client: TestClient, people: People) -> None:
    case = new_case(client, people.clerk, declared=JT_DECLARED)
    for slot in ALL_JT:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    run(client, case["id"], people.clerk)
    r = client.get(f"{V1}/cases/{case['id']}/notice", params={"format": "html"}, headers=people.clerk)
    assert r.status_code == 200
    policy = _assert_secured(r, "notice")
    blocks = re.findall(r"<style>(.*?)</style>", r.text, flags=re.S)
    assert len(blocks) == 1 and " style=" not in r.text
    digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy["style-src"].split()
