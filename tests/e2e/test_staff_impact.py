"""A department's rule change seen through its impact before it goes live (#16), in Chromium against the
real service: HB-001's M7 容缺 period 10 → 7 working days typed into the editor, checked without being
saved, the scenarios that encode the old period shown as 预期 → 现在, the impact preview listing the
test's own clerk cases whose 补交期限 moves (with links to them); publishing refused while scenarios fail,
each scenario's new expectation accepted with a reason, then published (asked only after the checks
pass) and rolled back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from playwright.sync_api import expect

from rules.codes import Verdict
from rules.models import utcnow
from rules.scenarios import case_of, load_scenarios
from tests.e2e.conftest import Accounts, Live
from tests.fixtures.api_app import CORPUS, HB
from tests.fixtures.past_runs import add_past_run

SLOW = 120_000  # ms: validating, running the scenarios and replaying cases on a loaded machine


def _clerk_cases(live: Live) -> dict[str, bool]:
    """This test's own clerk cases of HB-001, each with a finished run storing the facts it judged: the
    scenario cases without M7 (容缺) and a few complete ones. Case id -> whether it has a 补交期限 (only M7
    missing, so 容缺受理)."""
    file = load_scenarios(CORPUS / "scenarios" / "HB-001.yaml")
    picked = [s for s in file.scenarios if s.name.startswith("只缺 M7")] + file.scenarios[:3]
    made: dict[str, bool] = {}
    with live.services.db.scope() as session:
        for scenario in picked:
            case_id = uuid4().hex
            facts = case_of(file, scenario).model_copy(update={"case_id": case_id})
            created = utcnow() - timedelta(days=10)  # not among today's cases of the clerk console
            add_past_run(session, facts, item="HB-001", department=HB, created=created)
            made[case_id] = scenario.expect.verdict is Verdict.TOLERANCE and "M7" not in facts.materials
    return made


def _status(page: Any, text: str) -> str:
    return str(page.wait_for_selector(f"#rule-status:has-text('{text}')", timeout=SLOW).inner_text())


def test_staff_sees_what_a_shorter_tolerance_period_changes_before_publishing(
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
    page.wait_for_selector("[data-testid=outline-materials]")
    # The seeded v1 says it is in effect from the start (another walk may have published since, so its
    # row in the versions table is looked at, not the header of whatever version is current now).
    seeded = page.inner_text("[data-testid=versions] tbody tr[data-version=v1]")
    assert "初始版本，自始有效" in seeded and "1970" not in seeded
    assert "1970" not in page.inner_text("#rule-workspace .card p.small")
    versions_before = page.locator("[data-testid=versions] tbody tr").count()
    page.click("#tab-yaml-view")  # this walk types into the YAML text (test_staff_form uses the form)
    expect(page.locator("[data-testid=rule-text]")).to_have_value(re.compile("code: HB-001"))
    original = page.input_value("[data-testid=rule-text]")
    assert original.count("tolerance_days: 10\n") == 1
    page.fill("[data-testid=rule-text]", original.replace("tolerance_days: 10\n", "tolerance_days: 7\n"))

    page.click("#validate")
    assert "未保存" in _status(page, "校验通过")
    page.click("#run-scenarios")
    _status(page, "个未通过")
    failing = page.locator("[data-testid=scenarios] tr[data-passed=false]")
    expect(failing).to_have_count(3)
    for text in failing.all_inner_texts():
        assert "补交期限：预期" in text and "→ 现在" in text, text
    shots("scenarios-expected-now")

    page.click("#impact")
    _status(page, "影响预览")
    table = page.wait_for_selector("[data-testid=impact]", timeout=SLOW)
    listed = {row.get_attribute("data-case") for row in table.query_selector_all("tr[data-case]")}
    # Other walks share the live server and leave their own cases: this walk's cases are judged by theirs.
    assert {cid for cid, deadline in cases.items() if deadline} <= listed
    assert not listed & {cid for cid, deadline in cases.items() if not deadline}
    row = table.query_selector("tr[data-case]")
    assert row is not None and "→" in row.inner_text() and "容缺受理" in row.inner_text()
    link = row.query_selector("a")
    assert link is not None and link.get_attribute("href") == f"/clerk#case={row.get_attribute('data-case')}"
    shots("impact-preview")

    # Nothing was saved by checking: still the same versions.
    assert page.locator("[data-testid=versions] tbody tr").count() == versions_before

    page.click("#publish")  # the scenarios still expect 10 days: refused before anything is asked
    _status(page, "不能发布")
    assert not dialogs
    shots("publish-refused")

    # The change is meant: each scenario's new expectation accepted, with the reason.
    for _ in range(3):
        row = page.locator("[data-testid=scenarios] tr[data-passed=false]").first
        name = row.get_attribute("data-scenario")
        row.locator("[data-testid=accept-reason]").fill("M7 容缺期限改为 7 个工作日")
        row.locator("[data-testid=accept]").click()
        _status(page, f"已接受「{name}」")
    expect(page.locator("[data-testid=scenarios] tr[data-passed=false]")).to_have_count(0)
    shots("scenarios-accepted")
    draft = _versions(live, "staff_hb")[0]
    assert draft["status"] == "draft"
    text = _version(live, "staff_hb", draft["id"])["scenarios_yaml"]
    assert text.count("# 已接受新结果（staff_hb，") == 3 and "M7 容缺期限改为 7 个工作日" in text

    page.click("#publish")
    _status(page, "已发布")
    assert (
        dialogs and "场景均已通过" in dialogs[-1] and f"近期 {len(listed)} 件案件的结果会改变" in dialogs[-1]
    )
    assert _m7_days(live) == 7
    shots("published")

    page.evaluate("document.querySelector('[data-testid=versions]').closest('details').open = true")
    page.click('[data-testid=versions] tr[data-version="v1"] [data-testid=rollback]')
    _status(page, "已回滚")
    assert _m7_days(live) == 10
    shots("rolled-back")


def _versions(live: Live, user: str) -> list[dict[str, Any]]:
    with live.http() as http:
        return list(http.get("/api/v1/rules/HB-001/versions", headers=_auth(live, user)).json())


def _version(live: Live, user: str, vid: int) -> dict[str, Any]:
    with live.http() as http:
        return dict(http.get(f"/api/v1/rules/HB-001/versions/{vid}", headers=_auth(live, user)).json())


def _auth(live: Live, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.tokens[user]}"}


def _m7_days(live: Live) -> int:
    with live.http() as http:
        item = http.get("/api/v1/items/HB-001").json()
    return int(next(m for m in item["materials"] if m["id"] == "M7")["tolerance_days"])
