"""/docs in Chromium: Swagger UI renders every resource from the service's own files, under the strict
Content-Security-Policy, with no request leaving the service (a hall's closed network)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Live


def test_docs_render_offline_under_the_policy(page: Any, live: Live, shots: Any) -> None:
    outside: list[str] = []

    def only_here(route: Any) -> None:
        if route.request.url.startswith(live.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    response = page.goto("/docs")
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-tag-section", timeout=30_000)
    assert page.locator(".opblock-tag", has_text="cases").count() == 1
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/auth/token']")  # operations listed
    assert page.locator(".info .title").inner_text().startswith("一窗 yichuang")
    shots("docs")
    assert outside == []
