"""The department-staff page (/staff) in Chromium against the real service: their own items only, the
rules in readable form, a rule edit with a validation error shown on its line, then a valid draft tested,
diffed, published and rolled back; their FAQs (create, publish, retire), the unanswered questions,
hit testing with one question and with pasted JSONL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Accounts, Live

DEV_QUERIES = Path(__file__).resolve().parents[1] / "fixtures" / "kb_dev_queries.jsonl"
SLOW = 120_000  # ms: validating, running the scenarios and publishing on a loaded machine


def _item(live: Live, code: str) -> dict[str, Any]:
    with live.http() as http:
        return dict(http.get(f"/api/v1/items/{code}").json())


def _status(page: Any, text: str) -> str:
    return str(page.wait_for_selector(f"#rule-status:has-text('{text}')", timeout=SLOW).inner_text())


def test_staff_edits_validates_publishes_and_rolls_back(
    page: Any, live: Live, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    signed_in(page, "staff_jt")
    page.goto("/staff")
    page.wait_for_selector("[data-item=JT-001]")
    assert [b.get_attribute("data-item") for b in page.query_selector_all("#item-list button")] == ["JT-001"]
    page.click("[data-item=JT-001]")
    page.wait_for_selector("[data-testid=outline-materials]")
    m2 = page.inner_text('[data-testid=outline-materials] [data-material="M2"] summary')
    assert "必要" in m2 and "容缺 3 个工作日" in m2
    assert "条件必要" in page.inner_text('[data-testid=outline-materials] [data-material="M4"] summary')
    page.click('[data-material="M3"] summary')
    assert "人像面、国徽面" in page.inner_text('[data-material="M3"] [data-code="PAGES_MISSING"]')
    shots("rules-readable")
    page.click("#tab-yaml-view")  # this walk edits the YAML text (test_staff_form uses the form)
    expect(page.locator("[data-testid=rule-text]")).to_have_value(re.compile("code: JT-001"))

    original = page.input_value("[data-testid=rule-text]")
    broken = original.replace("- EXPIRED: 有效期限", "- EXPIRED: 没有这个字段", 1).replace(
        "承诺工作日: 5", "承诺工作日: 4", 1
    )
    page.fill("[data-testid=rule-text]", broken)
    page.click("#validate")
    problem = page.wait_for_selector("[data-testid=problems] li[data-line]", timeout=SLOW)
    line = int(problem.get_attribute("data-line") or 0)
    assert broken.split("\n")[line - 1].strip() == "- EXPIRED: 没有这个字段"
    assert "没有这个字段" in problem.inner_text()
    assert page.inner_text(".editor .gutter .bad") == str(line)
    assert "第 " in problem.inner_text() and " 列" in problem.inner_text()  # line and column
    problem.query_selector("button").click()  # selects the line in the editor, from the problem's column
    selected = page.evaluate(
        "(() => { const t = document.querySelector('[data-testid=rule-text]');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected.strip() == "EXPIRED: 没有这个字段"
    shots("validation-error")

    page.fill("[data-testid=rule-text]", broken.replace("- EXPIRED: 没有这个字段", "- EXPIRED: 有效期限", 1))
    page.click("#validate")
    _status(page, "校验通过")
    assert page.locator("[data-testid=problems] li").count() == 0
    page.click("#run-scenarios")
    assert ", 0 个未通过" in _status(page, "场景").replace("，", ", ")
    page.click("#show-diff")
    diff = page.wait_for_selector("[data-testid=diff]", timeout=SLOW).inner_text()
    assert "-  承诺工作日: 5" in diff and "+  承诺工作日: 4" in diff
    shots("diff")

    page.click("#publish")
    _status(page, "已发布")
    assert _item(live, "JT-001")["basic"]["承诺工作日"] == 4
    page.wait_for_selector("[data-testid=outline] dd:text-is('4')")
    shots("published")

    page.evaluate("document.querySelector('[data-testid=versions]').closest('details').open = true")
    page.click('[data-testid=versions] tr[data-version="v1"] [data-testid=rollback]')
    _status(page, "已回滚")
    item = _item(live, "JT-001")
    assert item["basic"]["承诺工作日"] == 5 and item["version"] != "v1"
    shots("rolled-back")

    page.goto("/staff#item=HB-001")  # another department's item
    page.wait_for_selector("#rule-workspace .status-error:has-text('不是本部门的事项')")


def _dev_queries(prefix: str, n: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if any(t.startswith(prefix) for t in r["targets"])][:n]


def test_staff_faqs_unanswered_and_hit_testing(
    page: Any, live: Live, accounts: Accounts, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    with live.http() as http:  # a question nobody can answer, asked about the department's item
        http.get("/api/v1/kb/search", params={"q": "货车车厢里能不能养蜜蜂顺便运输", "item": "JT-001"})
    signed_in(page, "staff_jt")
    page.goto("/staff#tab=faqs")
    page.wait_for_selector("[data-testid=faq-list] tr[data-target^='JT-001#']")
    assert page.locator("[data-testid=faq-list] tr[data-target^='HB-001#']").count() == 0
    page.click("#faq-new")
    page.fill("#faq-form [name=question]", "道路运输证遗失了怎么补办")
    page.fill("#faq-form [name=answer]", "携带营业执照和经办人身份证到交通运输专窗申请补发，当场办结。")
    page.fill("#faq-form [name=alternatives]", "运输证丢了\n道路运输证补领")
    page.click("#faq-save")  # a draft (the whole draft / hit test / publish walk: test_staff_kb.py)
    row = page.wait_for_selector("[data-testid=faq-list] tr:has-text('道路运输证遗失了怎么补办')")
    target = row.get_attribute("data-target")
    assert row.get_attribute("data-status") == "draft"
    sel = f'[data-testid=faq-list] tr[data-target="{target}"]'
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#faq-publish")
    page.wait_for_selector(f'{sel}[data-status="published"]', timeout=SLOW)
    shots("faq-published")
    page.click(f"{sel} [data-action=retire]")
    page.wait_for_selector(f'{sel}[data-status="retired"]')
    shots("faq-retired")

    page.click("#tab-unanswered")
    question = page.wait_for_selector("[data-testid=unanswered] li:has-text('养蜜蜂')")
    question.query_selector("button:text-is('写一条常见问题')").click()
    page.wait_for_selector("#panel-faqs:not([hidden]) #faq-form:not([hidden])")
    assert page.input_value("#faq-form [name=question]") == "货车车厢里能不能养蜜蜂顺便运输"
    shots("faq-from-question")
    page.click("#tab-unanswered")
    shots("unanswered")
    page.click("[data-testid=unanswered] li:has-text('养蜜蜂') button:text-is('不属于知识库')")
    expect(page.locator("[data-testid=unanswered]")).not_to_contain_text("养蜜蜂")

    page.click("#tab-hits")
    one = _dev_queries("JT-001", 1)[0]
    page.fill("#hit-query", one["query"])
    page.fill("#hit-targets", ", ".join(one["targets"]))
    page.click("#hit-one")
    page.wait_for_selector("[data-testid=hit-outcomes] tbody tr", timeout=SLOW)
    assert page.locator("[data-testid=hit-outcomes] tbody tr").count() == 1
    cases = _dev_queries("JT-001", 8)
    pasted = "\n".join(json.dumps(c, ensure_ascii=False) for c in cases)
    page.fill("#hit-jsonl", pasted + "\n{这一行不是 JSON")
    page.click("#hit-many")
    assert f"第 {len(cases) + 1} 行不是合法的 JSON" in page.inner_text("#hit-status")
    page.fill("#hit-jsonl", pasted)
    page.click("#hit-many")
    expect(page.locator("[data-testid=hit-outcomes] tbody tr")).to_have_count(len(cases), timeout=SLOW)
    recall = page.inner_text("[data-metric=recall_at_k] strong")
    with live.http() as http:  # the page shows what the API measures
        report = http.post(
            "/api/v1/kb/hit-test", params={"k": 10}, json=cases, headers=accounts.headers("staff_jt")
        ).json()
    assert recall == f"{100 * report['recall_at_k']:.1f}%"
    misses = sum(1 for o in report["outcomes"] if not o["ok"])
    assert page.locator("[data-testid=hit-outcomes] tr[data-ok=false]").count() == misses
    shots("hit-test")
