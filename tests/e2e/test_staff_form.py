"""A department's staff member changes a rule through the form, not the YAML (#16), in Chromium against the
real service and the test's own cases: HB-001's M7 容缺 period 10 → 7 working days set in the form (the
rule file changes in that one line, comments kept), the scenarios that encode the old period shown as
预期 → 现在 and accepted, the impact preview, publish, roll back; then mistakes: a number the rules do
not allow typed into the form, and a broken YAML text, each reported in Chinese naming the material, with
line and column, and a click that shows the line in the YAML text."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Accounts, Live
from tests.e2e.test_staff_impact import SLOW, _clerk_cases, _m7_days, _status

M7_NAME = "主要污染物排放总量指标来源说明"


def _text(page: Any) -> str:
    return str(page.input_value("[data-testid=rule-text]"))


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _selected_line(page: Any) -> int:
    """The 1-based line the YAML text's caret (selection start) is on."""
    return int(
        page.evaluate(
            "(() => { const a = document.querySelector('[data-testid=rule-text]');"
            " return a.value.slice(0, a.selectionStart).split('\\n').length; })()"
        )
    )


def _m7(page: Any) -> Any:
    m7 = page.locator("[data-testid=rule-form] details[data-material=M7]")
    if m7.get_attribute("open") is None:
        m7.locator("summary").click()
    return m7


def _set_days(page: Any, days: str) -> None:
    box = _m7(page).locator("[data-testid=tolerance-days]")
    box.fill(days)
    box.press("Enter")


def test_staff_changes_the_tolerance_period_in_the_form(
    page: Any, live: Live, accounts: Accounts, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    accounts.token("staff_hb")
    cases = _clerk_cases(live)
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    signed_in(page, "staff_hb")
    page.goto("/staff")
    page.click("[data-item=HB-001]")
    facts = page.wait_for_selector("[data-testid=required-facts]", timeout=SLOW).inner_text()
    assert "申请人类型" in facts and "applicant_type" not in facts  # the outline's facts by their 栏目
    m7 = page.wait_for_selector("[data-testid=rule-form] details[data-material=M7]", timeout=SLOW)
    assert "容缺 10 个工作日" in m7.inner_text()
    m7.query_selector("summary").click()  # its 审查要点 and condition in words, the YAML on hover
    checks = m7.query_selector("ol.checks")
    said = checks.inner_text() if checks else ""
    assert "NAME_MISMATCH" not in said and "须与 申请人名称 一致" in said and "即：" in m7.inner_text(), said
    original = _text(page)

    # A 审查要点 picked from the catalogue, shown in words, then removed again: the text is as it was.
    m7 = _m7(page)
    m7.locator("[data-testid=check-code]").select_option("FIELD_EMPTY")
    m7.locator("input[data-ask=fields]").fill("污染物种类、指标来源")
    m7.locator("[data-testid=add-check]").click()
    added = page.locator("[data-material=M7] ol.checks li").last
    expect(added).to_contain_text("必填项空白 污染物种类、指标来源")
    assert "- FIELD_EMPTY: [污染物种类, 指标来源]" in _text(page)
    shots("form-check-added")
    added.locator("[data-testid=remove-check]").click()
    expect(page.locator("[data-material=M7] ol.checks li")).to_have_count(6)
    # The status line may still read as it did after the last edit: the text itself is waited for.
    expect(page.locator("[data-testid=rule-text]")).to_have_value(original, timeout=SLOW)
    _status(page, "校验通过")

    _set_days(page, "7")
    expect(page.locator("[data-testid=rule-text]")).not_to_have_value(original, timeout=SLOW)
    _status(page, "已写入规则文件（未保存）；校验通过")
    changed = _changed_lines(original, _text(page))
    assert changed == ["-    tolerance_days: 10", "+    tolerance_days: 7"], changed
    assert [ln for ln in _text(page).splitlines() if ln.lstrip().startswith("#")] == [
        ln for ln in original.splitlines() if ln.lstrip().startswith("#")
    ]
    shots("form-m7-seven-days")

    page.click("#run-scenarios")
    _status(page, "个未通过")
    failing = page.locator("[data-testid=scenarios] tr[data-passed=false]")
    expect(failing).to_have_count(3)
    for text in failing.all_inner_texts():
        assert "补交期限：预期" in text and "→ 现在" in text, text
    for _ in range(3):
        row = page.locator("[data-testid=scenarios] tr[data-passed=false]").first
        name = row.get_attribute("data-scenario")
        row.locator("[data-testid=accept-reason]").fill("M7 容缺期限改为 7 个工作日")
        row.locator("[data-testid=accept]").click()
        _status(page, f"已接受「{name}」")
    expect(page.locator("[data-testid=scenarios] tr[data-passed=false]")).to_have_count(0)
    shots("form-scenarios-accepted")

    page.click("#impact")
    _status(page, "影响预览")
    table = page.wait_for_selector("[data-testid=impact]", timeout=SLOW)
    listed = {row.get_attribute("data-case") for row in table.query_selector_all("tr[data-case]")}
    assert {cid for cid, deadline in cases.items() if deadline} <= listed
    assert not listed & {cid for cid, deadline in cases.items() if not deadline}
    shots("form-impact")

    page.click("#publish")
    _status(page, "已发布")
    assert dialogs and "场景均已通过" in dialogs[-1]
    assert _m7_days(live) == 7
    outline_m7 = page.locator("[data-testid=outline-materials] [data-material=M7]")
    expect(outline_m7).to_contain_text("容缺 7 个工作日")
    shots("form-published")

    page.evaluate("document.querySelector('[data-testid=versions]').closest('details').open = true")
    page.click('[data-testid=versions] tr[data-version="v1"] [data-testid=rollback]')
    _status(page, "已回滚")
    assert _m7_days(live) == 10


def test_mistakes_are_reported_in_chinese_on_their_line(
    page: Any, live: Live, accounts: Accounts, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    accounts.token("staff_hb")
    page.on("dialog", lambda dialog: dialog.accept())
    signed_in(page, "staff_hb")
    page.goto("/staff")
    page.click("[data-item=HB-001]")
    page.wait_for_selector("[data-testid=rule-form] details[data-material=M7]", timeout=SLOW)

    _set_days(page, "0")  # the form lets it through; the rules allow 1 to 60 working days
    _status(page, "校验发现 1 个问题")
    problem = page.locator("[data-testid=problems] li").first
    expect(problem).to_contain_text(f"材料 M7《{M7_NAME}》的 容缺天数 应不小于 1")
    line = int(problem.get_attribute("data-line") or 0)
    assert _text(page).splitlines()[line - 1].strip() == "tolerance_days: 0"
    shots("form-problem")
    problem.locator("[data-testid=goto-line]").click()
    expect(page.locator("[data-testid=rule-text]")).to_be_visible()
    assert _selected_line(page) == line
    shots("yaml-jumped-to-problem")

    broken = _text(page).replace("tolerance_days: 0", "tolerance_days: 7").replace("\nname:", "\n name:", 1)
    page.fill("[data-testid=rule-text]", broken)
    page.click("#validate")
    _status(page, "校验发现 1 个问题")
    problem = page.locator("[data-testid=problems] li").first
    expect(problem).to_contain_text("YAML 格式错误")
    expect(problem.locator("[data-testid=goto-line]")).to_have_text("第 5 行第 6 列")
    assert "mapping" not in problem.inner_text() and "line" not in problem.inner_text()
    # The text is scrolled to the problem (not left at the end where it was typed), the line marked.
    expect(page.locator(".editor .gutter .bad")).to_have_text("5")
    assert page.evaluate("document.querySelector('[data-testid=rule-text]').scrollTop") < 100
    shots("yaml-syntax-error")
    problem.locator("[data-testid=goto-line]").click()
    assert _selected_line(page) == 5

    page.click("#tab-form-view")  # the form cannot read a broken file and says so
    expect(page.locator("[data-testid=form-unreadable]")).to_contain_text("YAML 格式错误")
    # Nothing of this was saved: the version in effect still allows 10 days.
    assert _m7_days(live) == 10
