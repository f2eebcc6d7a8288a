"""The consultation desk: signs in, asks the knowledge base (the real embedding model), reads the answer
with its source, filters by department, marks an answer helpful and sees it counted; a question the KB
cannot answer is said to have no reliable answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Accounts, Live
from tests.fixtures.api_app import JT

QUESTION = "营业执照忘带了能先受理吗"


def search(page: Any, q: str) -> None:
    page.fill("#q", q)
    page.click("#go")
    page.wait_for_selector("#confidence")


def test_consultation_desk(page: Any, live: Live, accounts: Accounts, shots: Callable[..., Path]) -> None:
    page.goto("/consult")
    page.wait_for_selector("#login-overlay form")
    shots("login")
    page.fill('#login-overlay input[name="username"]', "staff_jt")
    page.fill('#login-overlay input[name="password"]', accounts.password)
    page.click('#login-overlay button[type="submit"]')
    page.wait_for_selector("#login-overlay .status-error")
    assert "咨询台人员" in page.inner_text("#login-overlay .status")
    page.fill('#login-overlay input[name="username"]', "consult1")
    page.fill('#login-overlay input[name="password"]', accounts.password)
    page.click('#login-overlay button[type="submit"]')
    page.wait_for_selector("#login-overlay", state="detached")
    assert "consult1" in page.inner_text("#who")

    search(page, QUESTION)
    with httpx.Client(base_url=live.url) as http:
        expected = http.get("/api/v1/kb/search", params={"q": QUESTION, "k": 5}).json()
    cards = page.locator("article.hit")
    assert cards.count() == len(expected["hits"]) > 0
    top = expected["hits"][0]
    first = cards.first
    assert first.get_attribute("data-target") == top["target"]
    assert top["target"] in first.locator(".source").inner_text()
    assert top["department"] in first.locator(".source").inner_text()
    assert ("常见问题" if top["kind"] == "faq" else "办事指南") in first.locator(".source").inner_text()
    assert page.get_attribute("#confidence", "data-confident") == str(expected["confident"]).lower()
    shots("answer")

    first.locator("button.helpful").click()
    first.locator(".feedback .status-ok").wait_for()
    assert "已记录" in first.locator(".feedback .status").inner_text()
    with httpx.Client(base_url=live.url, headers=accounts.headers("consult1")) as http:
        counts = {r["target"]: r for r in http.get("/api/v1/kb/feedback/summary").json()}
    assert counts[top["target"]]["helpful"] >= 1
    assert f"有帮助 {counts[top['target']]['helpful']}" in first.locator(".feedback .status").inner_text()
    assert first.locator("button.helpful").is_disabled()
    shots("feedback-recorded")

    page.select_option("#department", JT)
    assert all(o.startswith("JT-") for o in page.locator("#item option").all_inner_texts()[1:])
    search(page, "需要带哪些材料")
    departments = page.locator("article.hit .department").all_inner_texts()
    assert departments and set(departments) == {JT}
    shots("filtered-by-department")

    page.select_option("#department", "")
    search(page, "明天会下雨吗，火锅哪家好吃")
    assert page.get_attribute("#confidence", "data-confident") == "false"
    assert "未找到可靠答案" in page.inner_text("#confidence")
    shots("no-reliable-answer")
