"""Every page passes the accessibility check (axe-core, vendored: api/web/vendor/axe-core) with no
serious or critical violation — signed out as an applicant sees them, signed in as each group works,
on a desk screen and on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PAGES = [
    ("/", None, "h1"),
    ("/self-check", None, "#item-list li"),
    ("/consult", "consult1", "#who button"),
    ("/clerk", "clerk1", "#who button"),
    ("/staff", "staff_jt", "#who button"),
]


@pytest.mark.parametrize(("path", "user", "ready"), PAGES)
def test_page_has_no_serious_accessibility_violation(
    page_for: Callable[..., Any],
    signed_in: Callable[..., Any],
    axe: Callable[[Any], list[str]],
    path: str,
    user: str | None,
    ready: str,
) -> None:
    for width, height in ((1440, 900), (390, 844)):
        page = page_for(width, height)
        if user:
            signed_in(page, user)
        page.goto(path)
        page.wait_for_selector(ready)
        assert axe(page) == [], f"{path} at {width}x{height}"


def test_login_dialog_has_no_serious_accessibility_violation(
    page: Any, axe: Callable[[Any], list[str]]
) -> None:
    page.goto("/clerk")
    page.wait_for_selector("input[type=password]")
    assert axe(page) == []


def test_the_first_tab_offers_the_skip_link(page: Any) -> None:
    page.goto("/self-check")
    page.wait_for_selector("#item-list li")
    page.keyboard.press("Tab")
    link = page.locator(".skip-link")
    assert link.evaluate("a => a === document.activeElement") and link.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#app"
