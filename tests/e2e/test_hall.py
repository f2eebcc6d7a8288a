"""The dashboard (/hall) in Chromium against the real service: the reminders list (overdue and near due),
the one extension with its 延长办理期限告知书, and the statistics' charts over a seeded history; staff see
their own department, an administrator filters by department."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete
from sqlmodel import col, select

from rules.codes import Code, Verdict
from rules.verdict import Finding
from tests.e2e.conftest import Live
from tests.fixtures.api_app import JT_DECLARED
from tests.fixtures.hall_history import seed_history
from tests.fixtures.reading_files import text_pdf
from tests.window.test_clock import decided
from window import Case, clock
from window.workdays import calendar_of, hall_today

NAMES = {"overdue": "安和市顺达货运有限公司", "soon": "安和市通利物流有限公司"}


@pytest.fixture(scope="module", autouse=True)
def _leaves_no_cases(live: Live) -> Iterator[None]:
    """The server is shared by every browser test: the cases made here (the seeded history too) go when
    the module is done, so that the clerk's and the staff's lists elsewhere see only their own."""
    with live.services.db.scope() as session:
        before = set(session.exec(select(Case.id)).all())
    yield
    with live.services.db.scope() as session:
        session.execute(delete(Case).where(col(Case.id).not_in(before)))


@pytest.fixture(scope="module")
def hall(live: Live) -> dict[str, str]:
    """Two accepted JT-001 cases (one overdue, one due within three working days) and 600 earlier cases."""
    today = hall_today()
    with live.services.db.scope() as session:
        seed_history(session, cases=600, start=today - timedelta(days=28), days=28, seed=99)
        calendar = calendar_of(session)
        soon_on = today
        while calendar.left(today, calendar.add(soon_on, 5).day) > 2:
            soon_on -= timedelta(days=1)
        ids = {}
        for name, on in (("overdue", today - timedelta(days=30)), ("soon", soon_on)):
            case = decided(session, item="JT-001", on=on)
            case.applicant_name = NAMES[name]
            row = clock.start(
                session,
                case=case,
                library=live.services.library,
                calendar=calendar,
                actor="clerk1",
                role="clerk",
            )
            assert row is not None
            ids[name] = case.id
    return ids


def test_reminders_extension_and_its_notice(
    page: Any,
    page_for: Callable[..., Any],
    signed_in: Callable[..., Any],
    live: Live,
    hall: dict[str, str],
    shots: Callable[..., Any],
) -> None:
    signed_in(page, "staff_jt")
    page.goto("/hall")
    table = page.get_by_test_id("reminders")
    overdue = table.locator(f"tr[data-case='{hall['overdue']}']")
    soon = table.locator(f"tr[data-case='{hall['soon']}']")
    expect(overdue).to_contain_text("已超期")
    expect(soon).to_contain_text("临近到期")
    expect(table.locator("tbody tr").first).to_have_attribute("data-case", hall["overdue"])  # overdue first
    expect(overdue).not_to_contain_text(NAMES["overdue"])  # staff read names masked
    shots("reminders")
    overdue.get_by_test_id("extend").click()
    overdue.get_by_label("延期理由").fill("需组织专家现场核查车辆")
    overdue.get_by_label("延长工作日数").fill("10")
    overdue.get_by_role("button", name="确认延期").click()
    expect(overdue).to_contain_text("已延期")
    expect(overdue).to_contain_text(
        "延期告知书由综合窗口打印"
    )  # it names the applicant: the window prints it
    shots("extended")
    clerk = page_for()
    signed_in(clerk, "clerk1")
    clerk.goto("/hall")
    row = clerk.get_by_test_id("reminders").locator(f"tr[data-case='{hall['overdue']}']")
    expect(row).to_contain_text(NAMES["overdue"])
    with clerk.expect_popup() as popup:
        row.get_by_test_id("extension-notice").click()
    notice = popup.value
    notice.wait_for_load_state()
    expect(notice.locator("body")).to_contain_text("延长办理期限告知书")
    expect(notice.locator("body")).to_contain_text("需组织专家现场核查车辆")
    expect(notice.locator("body")).to_contain_text("延长 10 个工作日")
    shots("extension-notice", of=notice)
    # the department finishes the case; the window hands the result out
    staff_row = page.get_by_test_id("reminders").locator(f"tr[data-case='{hall['soon']}']")
    staff_row.locator("[data-next=done]").click()
    clerk.reload()
    outgoing = clerk.get_by_test_id("outgoing").locator(f"tr[data-case='{hall['soon']}']")
    expect(outgoing).to_contain_text("已办结")
    outgoing.locator("[data-next=result_ready]").click()
    expect(clerk.get_by_test_id("outgoing").locator(f"tr[data-case='{hall['soon']}']")).to_contain_text(
        "结果已出件"
    )
    shots("outgoing", of=clerk)
    # a second extension is refused by the service with its reason
    with live.http() as http:
        token = page.evaluate("JSON.parse(sessionStorage.getItem('yichuang.session')).token")
        r = http.post(
            f"/api/v1/cases/{hall['overdue']}/clock/extension",
            json={"reason": "再次延期", "days": 3},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 409 and "不能再次延期" in r.json()["message"]


def test_charts_for_the_admin_with_department_filter(
    page: Any, signed_in: Callable[..., Any], hall: dict[str, str], shots: Callable[..., Any]
) -> None:
    signed_in(page, "admin1")
    page.goto("/hall")
    figures = page.get_by_test_id("figures")
    expect(figures.locator("canvas")).to_have_count(6)
    expect(figures.locator("[data-figure=trust] table tbody tr").first).to_be_visible()
    expect(figures.locator("[data-figure=findings]")).to_contain_text("次数")
    expect(page.locator("#page-status")).to_contain_text("统计期间")
    shots("charts")
    page.locator("#department").select_option("安和市水利局")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#page-status")).to_contain_text("安和市水利局")
    departments = page.get_by_test_id("reminders").locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert departments and set(departments) == {"安和市水利局"}
    with page.expect_download() as download:
        figures.locator("[data-figure=by_item]").get_by_role("button", name="导出 CSV").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "事项,案件数" and [line.split(",")[0] for line in text[1:]] == ["SL-001"]
    shots("charts-one-department")


def test_tolerance_supplement_prechecked_and_decided_by_the_department(
    page: Any,
    page_for: Callable[..., Any],
    signed_in: Callable[..., Any],
    live: Live,
    tmp_path: Path,
    shots: Callable[..., Any],
) -> None:
    """A 容缺 case missing M2: the clerk takes the 补交 at the window, the real pre-review reads it against
    M2's review points, and the department sees what it found and decides."""
    missing = Finding(code=Code.MISSING, material="M2", tolerable=True)
    with live.services.db.scope() as session:
        case = decided(
            session,
            item="JT-001",
            on=hall_today(),
            verdict=Verdict.TOLERANCE,
            declared=JT_DECLARED,
            findings=[missing],
            tolerance={"M2": 3},
        )
        case.applicant_name = JT_DECLARED["applicant_name"]
        clock.start(
            session,
            case=case,
            library=live.services.library,
            calendar=calendar_of(session),
            actor="clerk1",
            role="clerk",
        )
        case_id = case.id
    licence = text_pdf(
        tmp_path / "营业执照.pdf",
        [
            [
                "营业执照",
                f"名称：{JT_DECLARED['applicant_name']}",
                f"统一社会信用代码：{JT_DECLARED['uscc']}",
                "营业期限：长期",
            ]
        ],
    )
    signed_in(page, "clerk1")
    page.goto("/hall")
    mine = page.get_by_test_id("tolerance").locator(f"[data-case='{case_id}']")
    expect(mine).to_contain_text("待补交")
    mine.get_by_label("补交文件").set_input_files(str(licence))
    mine.get_by_role("button", name="补交并预审").click()
    expect(mine).to_contain_text("已补交，待部门认定", timeout=120_000)
    staff = page_for()
    signed_in(staff, "staff_jt")
    staff.goto("/hall")
    theirs = staff.get_by_test_id("tolerance").locator(f"[data-case='{case_id}']")
    # the section asks again while the pre-check runs
    expect(theirs.locator(".supplement")).to_contain_text(re.compile("预审通过|预审发现"), timeout=180_000)
    shots("precheck-for-the-department", of=staff)
    theirs.get_by_label("认定意见").fill("复印件须加盖公章")
    theirs.get_by_role("button", name="不予认可").click()
    expect(theirs).to_contain_text("部门不予认可：复印件须加盖公章")
    expect(theirs).to_contain_text("待补交")  # the applicant may still bring it before the deadline
    shots("refused")
