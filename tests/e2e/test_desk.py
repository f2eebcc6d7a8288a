"""The consultation desk with the real model: a term is answered with its 依据, a goal is routed to
its item (the 一件事 bundle first), a question whose answer differs by item is asked back with one
button per item and a button narrows the search to that item; the self-check's item search finds an
item by its common name."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Accounts, Live
from tests.fixtures.api_app import JT


def ask(page: Any, q: str) -> None:
    page.fill("#q", q)
    page.click("#go")
    # a search is milliseconds, but CI's two cores may be reading a case's pages beside it: the page's
    # answer is waited for longer than a click (20 s), so that a loaded machine fails no test
    page.wait_for_selector("#confidence", timeout=60_000)


def test_desk_terms_routing_and_asking_back(
    page: Any, live: Live, signed_in: Callable[[Any, str], Any], shots: Callable[..., Path]
) -> None:
    signed_in(page, "consult1")
    page.goto("/consult")
    page.wait_for_selector("#q")

    ask(page, "容缺到底是个什么意思")
    first = page.locator("article.hit").first
    assert first.get_attribute("data-target") == "term:容缺受理"
    assert page.get_attribute("#confidence", "data-confident") == "true"
    assert "术语解释" in first.locator(".source").inner_text()
    assert "依据：" in first.locator(".basis").inner_text()
    assert "容缺补交承诺书" in first.locator(".answer").inner_text()  # the whole definition
    shots("term-answer")

    ask(page, "想开个烧烤店，得办哪些证")
    first = page.locator("article.hit").first
    assert first.get_attribute("data-target") == "YJS-001#basic"
    assert "承诺时限" in first.locator(".answer").inner_text()
    assert "一件事" in page.inner_text("#confidence")
    assert "办理时限：全流程 3 个工作日" in page.inner_text("#route")
    assert page.locator("#route ul.prepare li").count() >= 3
    shots("routing")
    related = page.locator("article.hit")
    assert related.count() >= 2
    for i in range(1, related.count()):
        preview = related.nth(i).locator(".answer").inner_text().strip()
        assert "可能相关" in related.nth(i).inner_text()
        # a related entry shows whole rows: never cut after a sub-item mark or inside a "label：value"
        assert preview and not re.search(r"([①-⑳]|：)…?$", preview), preview
    shots("related-previews")

    ask(page, "营业场所的租房合同还没签，能不能先把材料收了")
    assert page.get_attribute("#confidence", "data-confident") == "false"
    buttons = page.locator("#clarify button.clarify-choice")
    assert buttons.count() >= 2
    items = [buttons.nth(i).get_attribute("data-item") for i in range(buttons.count())]
    shots("ask-back")
    page.wait_for_timeout(200)
    buttons.first.click()
    page.wait_for_function(f"document.querySelector('#item').value === '{items[0]}'")
    page.wait_for_selector(f'article.hit[data-target^="{items[0]}#"]')
    assert page.locator("#clarify").count() == 0
    assert page.locator("article.hit").first.get_attribute("data-target").startswith(items[0] + "#")
    shots("chose-item")


def test_self_check_item_search_by_common_name(
    page_for: Callable[..., Any], live: Live, shots: Callable[..., Path]
) -> None:
    page = page_for(390, 844, is_mobile=True, has_touch=True)
    page.goto("/self-check")
    page.fill("#item-q", "取水证")  # no item is named so: the finder knows the common name
    page.wait_for_selector('button.item-choice[data-code="SL-001"]')
    assert page.locator("button.item-choice").first.get_attribute("data-code") == "SL-001"
    page.fill("#item-q", "kaifandian")  # pinyin of a goal: the 一件事 bundle
    page.wait_for_selector('button.item-choice[data-code="YJS-001"]')
    shots("item-search-common-name")


def test_desk_refers_a_question_and_reads_the_answer(
    page: Any,
    live: Live,
    accounts: Accounts,
    signed_in: Callable[[Any, str], Any],
    shots: Callable[..., Path],
) -> None:
    signed_in(page, "consult1")
    page.goto("/consult")
    page.wait_for_selector("#q")
    ask(page, "货车换了新车牌，营运证上的号码要不要去改")
    page.wait_for_selector("#refer-box:not([hidden])")
    page.select_option("#refer-department", JT)
    page.fill("#refer-contact", "13900001111")
    page.check("#refer-consent")
    page.click("#refer-go")
    page.wait_for_selector("#refer-status.status-ok")
    assert "须在" in page.inner_text("#refer-status")
    item = page.locator("#referral-list li.referral").first
    assert "待答复" in item.inner_text() and JT in item.inner_text()
    shots("referred")

    referral_id = item.get_attribute("data-id")
    with httpx.Client(base_url=live.url, headers=accounts.headers("staff_jt")) as http:
        r = http.post(
            f"/api/v1/kb/referrals/{referral_id}/answer",
            json={"answer": "号牌变更后到交通运输窗口办理道路运输证变更，当场办结。", "item": "JT-001"},
        )
        assert r.status_code == 200, r.text
    page.click("#show-mine")
    page.wait_for_selector(f'#referral-list li[data-id="{referral_id}"][data-status="answered"]')
    answered = page.locator(f'#referral-list li[data-id="{referral_id}"]')
    assert "号牌变更后" in answered.inner_text() and "FAQ 草稿 JT-001#Q" in answered.inner_text()
    shots("answer-back")
