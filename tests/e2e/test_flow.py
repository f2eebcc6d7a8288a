"""The clerk's and the applicant's flow in Chromium against the real service (issue #14):

- a clerk at a desk screen (1440×900) watches the run's real progress, sees verdict, findings and the
  decision beside the materials, is refused a 容缺受理 the notice cannot print, records a 补正 whose
  notice lists the defects the clerk chose (one added by hand), corrects it before printing, prints it,
  and then cannot change it any more;
- an applicant on a phone (390×844) runs a self-check, sees for each defect what was read, from which
  file and page and the part of the page it was read from, and which file was recognised as which
  material; gets a 预检码 with its QR; the clerk turns the code into a clerk case with the files and the
  verdict already there.

Every screen is also checked with axe-core (no serious or critical violation).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Accounts, Live
from tests.e2e.test_clerk import FORM, RUN_TIMEOUT
from tests.e2e.test_self_check import answer
from tests.fixtures.api_app import JT_DECLARED
from tests.fixtures.reading_files import text_pdf

DESK = (1440, 900)


def _clerk_case(live: Live, accounts: Accounts, declared: dict[str, Any]) -> str:
    with live.http() as http:
        r = http.post(
            "/api/v1/cases",
            headers=accounts.headers("clerk1"),
            json={"item": "JT-001", "declared": declared, "review_date": "2026-02-12"},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def test_clerk_refused_decision_chosen_list_correction_and_print(
    page_for: Callable[..., Any],
    live: Live,
    accounts: Accounts,
    signed_in: Callable[..., Any],
    shots: Callable[..., Path],
    axe: Callable[[Any], list[str]],
    tmp_path: Path,
) -> None:
    case_id = _clerk_case(live, accounts, {**JT_DECLARED, "applicant_name": "安和市宏远货运有限公司"})
    form = text_pdf(tmp_path / "申请表.pdf", [FORM, ["附页：车辆清单", "重型厢式货车 2 辆"]])
    page = signed_in(page_for(*DESK), "clerk1")
    page.goto(f"/clerk#case={case_id}")
    page.wait_for_selector("[data-testid=pile]")
    page.set_input_files("[data-testid=upload-pile]", str(form))
    expect(page.locator("[data-testid=pile] [data-file-id]")).to_have_count(1)
    page.click("#run-button")
    # real progress: the run's own stage and pages, announced politely
    status = page.locator("[data-testid=run-status]")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("第 1 次预审")
    page.wait_for_selector("[data-testid=verdict]", timeout=RUN_TIMEOUT)
    expect(page.locator("[data-testid=verdict] .verdict")).to_have_attribute("data-verdict", "CORRECTION")
    # the desk screen: verdict and decision beside the materials, nothing scrolls sideways
    materials = page.locator(".case-materials").bounding_box()
    work = page.locator(".case-work").bounding_box()
    assert materials and work and work["x"] > materials["x"] + materials["width"] - 1
    assert work["y"] < DESK[1] and page.locator("#decision-verdict").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert "materials[" not in page.inner_text("#case-view")  # no rule addresses, only words
    shots("desk", full_page=False)
    assert axe(page) == []

    # by keyboard: the evidence dialog keeps the focus and gives it back; J walks the findings
    opener = page.locator("[data-testid=show-evidence]").first
    opener.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=evidence-viewer][data-loaded]", timeout=RUN_TIMEOUT)
    inside = "document.querySelector('[data-testid=evidence-viewer]').contains(document.activeElement)"
    for key in ["Tab"] * 7 + ["Shift+Tab"] * 7:
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    shots("evidence", full_page=False)
    page.keyboard.press("Escape")
    assert opener.evaluate("b => b === document.activeElement")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.matches('.finding, .point')")

    # refused: a 容缺受理 with no 容缺 material the notice could list
    page.select_option("#decision-verdict", "TOLERANCE")
    picker = page.locator("[data-testid=listed-picker]")
    expect(picker).to_be_visible()
    for box in picker.locator("input[type=checkbox]").all():
        box.uncheck()
    page.fill("#decision-reason", "申请人承诺补交营业执照")
    page.click("#decide-button")
    expect(page.locator("#decision-status")).to_contain_text("没有缺少的容缺材料")
    expect(page.locator("[data-testid=decision-confirm]")).to_be_hidden()
    shots("refused", full_page=False)

    # 补正 with the list the clerk chooses: one found defect left out, one the pre-review could not see added
    page.select_option("#decision-verdict", "CORRECTION")
    page.fill("#decision-reason", "")
    m7 = picker.locator('input[data-subject="M7"][data-code="MISSING"]')
    expect(m7).to_be_checked()  # pre-filled from the findings
    m7.uncheck()
    adder = picker.locator(".add-listed")
    adder.locator("select").first.select_option("M1")
    adder.locator("select").nth(1).select_option("NOT_SIGNED")
    adder.locator("input").fill("申请表第 2 页负责人未签字")
    page.click("[data-testid=add-listed]")
    page.fill("#decision-reason", "车辆承诺书已当场补交，申请表另缺签字")
    page.click("#decide-button")
    confirm = page.locator("[data-testid=decision-confirm]")
    expect(confirm).to_contain_text("将要打印：补正材料一次性告知书")
    expect(confirm).to_contain_text("申请表第 2 页负责人未签字")
    assert "M7" not in confirm.inner_text()
    assert confirm.evaluate("e => e === document.activeElement")  # the focus moves to what to confirm
    shots("confirm", full_page=False)
    assert axe(page) == []
    page.click("#confirm-decision")
    expect(page.locator("[data-testid=decision-record]")).to_contain_text("补正")

    # corrected before printing: M7 goes back onto the list
    page.click("#correct-decision")
    expect(m7).not_to_be_checked()
    m7.check()
    page.click("#decide-button")
    expect(confirm).to_contain_text("更正已作出的决定")
    expect(confirm).to_contain_text("M7")
    page.click("#confirm-decision")
    expect(page.locator("#correct-decision")).to_be_visible()  # the case shown again, corrected
    expect(page.locator("[data-testid=decision-final]")).to_contain_text("打印前可以更正")
    shots("corrected", full_page=False)
    with live.http() as http:
        events = http.get(
            "/api/v1/admin/audit", params={"target": f"case:{case_id}"}, headers=accounts.headers("admin1")
        ).json()
    assert [e["action"] for e in events][:2] == ["decision.correct", "decision"]

    # printed: the notice lists exactly the chosen rows, and the decision is final
    with page.expect_popup() as popup:
        page.click("#print-notice")
    notice = popup.value
    notice.wait_for_selector("text=补正材料一次性告知书")
    text = notice.inner_text("body")
    assert "申请表第 2 页负责人未签字" in text and "M7" in text and "仅供参考" not in text
    assert "materials[" not in text
    shots("notice", of=notice)
    expect(page.locator("[data-testid=decision-final]")).to_contain_text("决定不能再更改")
    assert page.locator("#correct-decision").count() == 0
    shots("final", of=page, full_page=False)


def test_applicant_evidence_on_a_phone_and_handover_by_code(
    page_for: Callable[..., Any],
    live: Live,
    signed_in: Callable[..., Any],
    shots: Callable[..., Path],
    axe: Callable[[Any], list[str]],
    tmp_path: Path,
) -> None:
    declared = {**JT_DECLARED, "legal_rep_name": "邹俊哲"}  # the form says 邹军哲
    form = text_pdf(tmp_path / "申请表.pdf", [FORM])
    phone = page_for(390, 844, is_mobile=True, has_touch=True)
    phone.goto("/self-check")
    phone.fill("#item-q", "货物运输")
    phone.click('button.item-choice[data-code="JT-001"]')
    phone.wait_for_selector("#step-questions:not([hidden])")
    assert "可以先空着" not in phone.inner_text("#step-questions")
    # an unanswered question is marked where it is, not at the top of the page
    phone.click("#show-checklist")
    error = phone.locator(".question .field-error").first
    expect(error).to_be_visible()
    assert phone.locator("[aria-invalid=true]").count() > 0
    shots("unanswered", of=phone, full_page=False)
    answer(phone, declared)
    phone.click("#show-checklist")
    phone.click("#start-case")
    phone.set_input_files('[data-slot="M1"] input.pick', str(form))
    expect(phone.locator('[data-slot="M1"] [data-testid=slot-status]')).to_contain_text("已上传")
    phone.click("#run")
    phone.wait_for_selector("#step-result:not([hidden])", timeout=RUN_TIMEOUT)

    # the evidence of their own case: the value read, the file and page, the part of the page
    mismatch = phone.locator('#findings li[data-code="NAME_MISMATCH"]')
    expect(mismatch).to_contain_text("读到：")
    expect(mismatch).to_contain_text("申请表.pdf 第 1 页")
    mismatch.locator("[data-testid=show-crop]").first.click()
    crop = mismatch.locator("[data-testid=evidence-crop]")
    expect(crop).to_be_visible(timeout=RUN_TIMEOUT)
    width = crop.evaluate("c => c.getBoundingClientRect().width")
    assert 0 < width <= 390
    for item in phone.locator("#findings li").all():  # no sentence says the same thing twice
        lines = [line for line in item.inner_text().splitlines() if line.strip()]
        assert len(lines) == len(set(lines)), lines
    recognised = phone.locator("[data-testid=recognised-list]")
    expect(recognised).to_contain_text("申请表.pdf")
    expect(recognised).to_contain_text("识别为：M1 道路货物运输经营申请表")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mismatch.scroll_into_view_if_needed()
    shots("evidence", of=phone, full_page=False)
    shots("result", of=phone)
    assert axe(phone) == []

    # the 预检码 and its QR, to show at the window
    phone.click("#handover-button")
    code = phone.locator("[data-testid=handover-code]").inner_text().strip()
    assert len(code) == 9 and code[4] == "-"
    assert phone.locator("#handover-out img.qr").evaluate("i => i.complete && i.naturalWidth > 0")
    phone.locator("#handover-card").scroll_into_view_if_needed()
    shots("handover-code", of=phone, full_page=False)
    assert axe(phone) == []

    # at the window: the code, typed as heard, becomes a clerk case with everything already there
    desk = signed_in(page_for(*DESK), "clerk1")
    desk.goto("/clerk")
    desk.fill("#handover-code", "AAAA-AAAA")
    desk.click("#handover-button")
    expect(desk.locator("#handover-status")).to_contain_text("预检码不正确")
    assert desk.get_attribute("#handover-code", "aria-invalid") == "true"
    desk.fill("#handover-code", code.lower().replace("-", " "))
    desk.click("#handover-button")
    desk.wait_for_selector("[data-testid=case-header]")
    expect(desk.locator("[data-testid=case-header]")).to_contain_text("由预检码转入")
    desk.wait_for_selector("[data-testid=verdict]")
    assert desk.get_attribute("[data-testid=verdict] .verdict", "data-verdict") == "CORRECTION"
    expect(desk.locator("[data-slot=M1] [data-file-id]")).to_have_count(1)  # the file, in its slot
    assert desk.locator("#decision-verdict").is_enabled()  # decide at once: nothing read again
    shots("taken-over", of=desk, full_page=False)
    assert axe(desk) == []
