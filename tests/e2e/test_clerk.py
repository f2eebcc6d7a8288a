"""The clerk console (/clerk) in Chromium against the real service: a new case with its declared facts,
an upload to a material slot and a scanned pile without slots, the pre-review run watched to its verdict,
a finding's evidence shown on the page image, an override that needs a reason, the printed notice; the
list of today's cases and the search; a 一件事 bundle case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Accounts, Live
from tests.e2e.test_self_check import answer
from tests.fixtures.api_app import JT_DECLARED
from tests.fixtures.reading_files import text_pdf

RUN_TIMEOUT = 180_000  # ms: the real pre-review on a loaded 2-core machine
FORM = [
    "安和市交通运输局",
    "道路货物运输经营申请表",
    "申请人名称 安和市宏远货运有限公司",
    "统一社会信用代码 9136110129PE803C31 负责人 邹军哲",
    "通信地址 安和市东湖区人民路359号",
    "邮政编码 341124 联系电话 18749396628",
    "申请经营范围： 道路普通货运",
    "拟投入车辆数量 2辆 车辆类型 重型厢式货车",
    "驾驶人员数量 1人",
    "申请人（盖章）：安和市宏远货运有限公司",
    "负责人（签字）：",
    "日期：2026年1月31日",
]
RULES = [
    [
        "安和市宏远货运有限公司",
        "安全生产管理制度",
        "发布日期：2025年8月6日",
        "第一章 安全生产责任制",
        "第一条 公司主要负责人对本单位安全生产工作全面负责。",
    ],
    [
        "第二章 安全生产操作规程",
        "第五条 驾驶员出车前应检查车辆安全技术状况。",
        "单位（盖章）：安和市宏远货运有限公司",
    ],
]


@pytest.fixture
def uploads(tmp_path: Path) -> dict[str, Path]:
    """The application form (text PDF, its 负责人 differs from the declared one) and a two-page pile."""
    return {
        "form": text_pdf(tmp_path / "申请表.pdf", [FORM]),
        "pile": text_pdf(tmp_path / "制度汇编.pdf", RULES),
    }


def _new_case(page: Any, item: str, declared: dict[str, Any], review_date: str) -> None:
    """The clerk types the application form's facts into the questionnaire, as at the window."""
    page.goto("/clerk#new")
    page.select_option("#item-select", item)
    page.wait_for_selector("#facts-form [data-fact]")
    answer(page, declared)
    page.fill("#review-date", review_date)


def test_clerk_case_from_upload_to_printed_notice(
    page: Any, live: Live, signed_in: Callable[..., Any], shots: Callable[..., Path], uploads: dict[str, Path]
) -> None:
    signed_in(page, "clerk1")
    declared = {
        **JT_DECLARED,
        "applicant_name": "安和市宏远货运有限公司",
        "uscc": "9136110129PE803C31",
        "legal_rep_name": "邹俊哲",
    }
    _new_case(page, "JT-001", declared, "2026-02-12")
    assert page.locator('#facts-form [data-fact="applicant_type"]').is_visible()
    shots("new-case")
    page.click("#create-case")
    page.wait_for_selector("[data-testid=case-header]")
    case_id = page.get_attribute("[data-testid=case-id]", "data-case-id")
    assert case_id and page.url.endswith(f"#case={case_id}")
    shown = page.inner_text("[data-testid=case-id]")  # the hall's case number, short enough to read out
    assert shown.endswith("号") and case_id not in shown
    # M4 授权委托书 is due only by agent: the declared facts say not
    assert "not-due" in (page.get_attribute("[data-slot=M4]", "class") or "")
    shots("case-created")

    # one drop zone for the whole pile: recognition puts each file in its slot
    page.set_input_files("[data-testid=upload-pile]", [str(uploads["form"]), str(uploads["pile"])])
    expect(page.locator("[data-testid=pile] [data-file-id]")).to_have_count(2)
    shots("uploaded")

    page.click("#run-button")
    expect(page.locator("[data-testid=run-status]")).to_contain_text("第 1 次预审")
    page.wait_for_selector("[data-testid=verdict]", timeout=RUN_TIMEOUT)
    assert "申请表.pdf" in page.inner_text("[data-slot=M1] .recognised")  # recognised into its slot
    assert page.get_attribute("[data-testid=verdict] .verdict", "data-verdict") == "CORRECTION"
    codes = {
        (f.get_attribute("data-material"), f.get_attribute("data-code"))
        for f in page.query_selector_all(".finding")
    }
    assert {("M1", "NAME_MISMATCH"), ("M2", "MISSING"), ("M3", "MISSING")} <= codes
    assert ("M9", "MISSING") not in codes  # the pile's pages were recognised as M9
    reports = page.inner_text("[data-testid=file-reports]")
    assert "制度汇编.pdf" in reports and "M9 安全生产管理制度文本" in reports
    shots("verdict")

    # the evidence: the page as read, the 负责人 value boxed
    page.click('.finding[data-code="NAME_MISMATCH"] [data-testid=show-evidence]')
    page.wait_for_selector("[data-testid=evidence-viewer][data-loaded]", timeout=RUN_TIMEOUT)
    image = page.locator("[data-testid=evidence-image]").bounding_box()
    box = page.locator("[data-testid=evidence-box]").bounding_box()
    assert image and box and box["width"] > 10 and box["height"] > 5
    assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"]
    assert image["y"] <= box["y"] and box["y"] + box["height"] <= image["y"] + image["height"]
    assert box["y"] < image["y"] + image["height"] / 3  # the 负责人 line is near the top of the form
    shots("evidence", of=page)
    page.keyboard.press("Escape")
    assert page.locator("[data-testid=evidence-viewer]").count() == 0

    # an override needs a reason
    page.select_option("#decision-verdict", "REJECT")
    page.click("#decide-button")
    assert "理由" in page.inner_text("#decision-status")
    shots("override-needs-reason")
    page.fill("#decision-reason", "申请人住所不在本机关管辖范围，经核实营业执照住所在外县")
    page.fill("#decision-refer", "住所所在县（市）交通运输主管部门")
    page.click("#decide-button")
    expect(page.locator("[data-testid=decision-confirm]")).to_contain_text("将要打印：不予受理决定书")
    page.click("#confirm-decision")
    record = page.wait_for_selector("[data-testid=decision-record]").inner_text()
    assert "不予受理" in record and "改变了预审建议" in record
    shots("decided")

    with page.expect_popup() as popup_info:
        page.click("#print-notice")
    notice = popup_info.value
    notice.wait_for_selector("text=不予受理决定书")
    text = notice.inner_text("body")
    assert (
        "安和市宏远货运有限公司" in text
        and "住所所在县（市）交通运输主管部门" in text
        and "仅供参考" not in text
    )
    shots("printed-notice", of=notice)
    with (
        page.expect_response(lambda r: "/notice" in r.url and "format=pdf" in r.url) as pdf_info,
        page.expect_popup(),
    ):
        page.click("#notice-pdf")
    assert pdf_info.value.status == 200 and pdf_info.value.header_value("content-type") == "application/pdf"


def test_clerk_lists_and_searches_todays_cases(
    page: Any, live: Live, accounts: Accounts, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    with live.http() as http:
        for name in ("安和市青山物流有限公司", "安和市绿水餐饮管理有限公司"):
            r = http.post(
                "/api/v1/cases",
                headers=accounts.headers("clerk1"),
                json={"item": "JT-001", "declared": {**JT_DECLARED, "applicant_name": name}},
            )
            assert r.status_code == 201, r.text
    signed_in(page, "clerk1")
    page.goto("/clerk")
    page.wait_for_selector("#case-list li button:has-text('安和市青山物流有限公司')")
    assert page.locator("#case-list li button:has-text('安和市绿水餐饮管理有限公司')").count() == 1
    shots("today")
    page.fill("#case-q", "青山")
    expect(page.locator("#case-list li")).to_have_count(1)
    assert "安和市青山物流有限公司" in page.inner_text("#case-list")
    shots("search")
    page.click("#case-list li button")
    page.wait_for_selector("[data-testid=case-header]:has-text('安和市青山物流有限公司')")
    assert page.locator("#run-button").is_disabled()  # nothing uploaded yet
    page.fill("#case-q", "")
    page.select_option("#case-status", "decided")
    expect(page.locator("#case-list")).not_to_contain_text("安和市青山物流有限公司")
    assert page.locator("#case-list li").count() < 3


def test_clerk_opens_a_bundle_case(
    page: Any, live: Live, signed_in: Callable[..., Any], shots: Callable[..., Path]
) -> None:
    signed_in(page, "clerk1")
    page.goto("/clerk#new")
    page.wait_for_selector(
        "#item-select optgroup[label='“一件事”'] option[value='YJS-001']", state="attached"
    )
    _new_case(
        page,
        "YJS-001",
        {"applicant_type": "enterprise", "applicant_name": "安和市味道餐饮有限公司", "by_agent": False},
        "2026-03-02",
    )
    shots("bundle-facts")
    page.click("#create-case")
    header = page.wait_for_selector("[data-testid=case-header]").inner_text()
    assert "YJS-001（一件事）" in header and "安和市味道餐饮有限公司" in header
    assert page.locator("[data-slot=M1]").count() == 1
    shots("bundle-case")


def test_the_new_case_form_shows_only_the_chosen_items_questions_once_loaded(
    page: Any, live: Live, signed_in: Callable[..., Any]
) -> None:
    """Answers typed while the chosen item's questions load would go into the previous item's questions
    (replaced a moment later), and a slower earlier load would put its item's questions under the item
    now chosen: the form stays hidden until the last chosen item's questions have come."""
    signed_in(page, "clerk1")
    jt = [q["fact"] for q in page.request.get(f"{live.url}/api/v1/items/JT-001/questions").json()]
    held: list[Any] = []
    page.route("**/api/v1/items/*/questions*", lambda route: held.append(route))
    page.goto("/clerk#new")
    expect(page.locator("#item-select option")).not_to_have_count(0)
    page.select_option("#item-select", "JT-001")
    expect(page.locator("#facts-form")).to_be_hidden()
    page.click("#create-case")
    expect(page.locator("#new-case-status")).to_contain_text("还没有加载好")
    for _ in range(200):
        if any("JT-001" in r.request.url for r in held):
            break
        page.wait_for_timeout(50)
    jt_route = next(r for r in held if "JT-001" in r.request.url)
    jt_route.continue_()
    expect(page.locator("#facts-form")).to_be_visible()
    for other in [r for r in held if r is not jt_route]:  # the first item's questions come last
        other.continue_()
    page.wait_for_timeout(500)
    first = page.eval_on_selector("#item-select", "s => s.options[0].value")
    theirs = {q["fact"] for q in page.request.get(f"{live.url}/api/v1/items/{first}/questions").json()}
    jt_only = next(f for f in jt if f not in theirs)
    expect(page.locator(f'#facts-form [data-fact="{jt_only}"]')).to_have_count(1)
    assert page.eval_on_selector("#item-select", "s => s.value") == "JT-001"
