"""Uncertain points (请核对) in Chromium against the real service: the clerk settles two points of a case —
one confirmed, one dismissed (by keyboard) — watches the suggested verdict made again, decides once every
point is settled and prints a 补正 notice listing the confirmed point; an applicant on a phone sees the
points as "请确认" items apart from the defects.

How the runs get uncertain points: the files are uploaded through the pages and read by the service's
real Prereviewer (OCR, recognition, extraction), and the real rules judge them; today's reading marks
almost nothing as doubtful, so the test executes the run through the service layer (``window.runs.execute``,
as a worker does) with the Prereviewer's evaluator wrapped by ``DoubtingEvaluator``, which marks every
reading of the named materials doubtful — with a reason, exactly as prereview's confidence marks will
(``FieldValue.doubt``, ``MaterialSet.doubts``, ``CaseFacts.absence_doubts``) — before the real rules
split the findings into sure findings and uncertain points. The evidence (file, page, text, box) is the
real reading's.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from rules.casefacts import CaseFacts, MaterialSet
from rules.verdict import Decision
from tests.e2e.conftest import Live
from tests.e2e.test_clerk import FORM, _new_case
from tests.e2e.test_self_check import answer
from tests.fixtures.api_app import JT_DECLARED
from tests.fixtures.reading_files import text_pdf
from tests.fixtures.samples import public_case
from window import Case
from window.runs import execute, queue_run

RUN_TIMEOUT = 180_000  # ms


class DoubtingEvaluator:
    """The real evaluator, judging the case after every reading of ``doubts``' materials was marked doubtful
    (field readings, seal, signature and parts; a material not found: its absence) with the given reason."""

    def __init__(self, inner: Any, doubts: dict[str, str]) -> None:
        self.inner = inner
        self.doubts = doubts

    def loaded(self, code: str) -> Any:
        return self.inner.loaded(code)

    def evaluate(self, case: CaseFacts) -> Decision:
        return self.inner.evaluate(self._doubted(case))

    def engine_input(self, case: CaseFacts) -> dict[str, Any]:
        return self.inner.engine_input(self._doubted(case))

    def _doubted(self, case: CaseFacts) -> CaseFacts:
        materials = dict(case.materials)
        for mid, reason in self.doubts.items():
            if mid in materials:
                sets = tuple(_doubtful(s, reason) for s in materials[mid].sets)
                materials[mid] = materials[mid].model_copy(update={"sets": sets, "doubt": reason})
        absent = {m: r for m, r in self.doubts.items() if m not in materials}
        return case.model_copy(
            update={"materials": materials, "absence_doubts": {**case.absence_doubts, **absent}}
        )


def _doubtful(one: MaterialSet, reason: str) -> MaterialSet:
    fields = {k: v.model_copy(update={"doubt": reason}) for k, v in one.fields.items()}
    return one.model_copy(
        update={"fields": fields, "doubts": {"sealed": reason, "signed": reason, "parts": reason}}
    )


def doubtful_run(live: Live, case_id: str, doubts: dict[str, str]) -> None:
    """A run of the case's files executed as a worker would, by the real Prereviewer (its OCR pool and
    fair queue shared) whose evaluator is wrapped by DoubtingEvaluator."""
    services = live.services
    reader = copy.copy(services.prereviewer)
    reader.evaluator = DoubtingEvaluator(services.prereviewer.evaluator, doubts)  # type: ignore[union-attr]
    with services.db.scope() as session:
        case = session.get(Case, case_id)
        assert case is not None
        run_id = queue_run(session, case=case, requested_by="e2e").id
    assert run_id is not None
    assert reader is not None
    status = execute(run_id, db=services.db, prereviewer=reader, store=services.store, pages=services.pages)
    assert status == "done"


def test_clerk_settles_two_points_and_decides(
    page: Any, live: Live, signed_in: Callable[..., Any], shots: Callable[..., Path], tmp_path: Path
) -> None:
    rs = public_case(
        "RS-P02"
    )  # RS-001, five scanned and text PDFs without slots: M2 expired, M6 (容缺) missing
    case = json.loads((rs / "case.json").read_text(encoding="utf-8"))
    files = [Path(shutil.copy(rs / f["path"], tmp_path)) for f in case["files"]]
    signed_in(page, "clerk1")
    _new_case(page, "RS-001", case["declared"], case["review_date"])
    page.click("#create-case")
    page.wait_for_selector("[data-testid=case-header]")
    case_id = page.get_attribute("[data-testid=case-id]", "data-case-id")
    page.set_input_files("[data-testid=upload-pile]", [str(f) for f in files])
    expect(page.locator("[data-testid=pile] [data-file-id]")).to_have_count(len(files))

    doubtful_run(
        live,
        case_id,
        {"M2": "营业执照“营业期限”一栏有反光，结束年份看不清", "M6": "有一页可能就是这份材料，但未能认定"},
    )
    page.reload()
    page.wait_for_selector("[data-testid=settle]", timeout=RUN_TIMEOUT)
    verdict = page.locator("[data-testid=verdict] .verdict")
    expect(verdict).to_have_attribute("data-verdict", "ACCEPT")  # the sure findings alone
    points = page.locator("[data-testid=settle] .point")
    expect(points).to_have_count(2)
    expired = page.locator('.point[data-subject="M2"][data-code="EXPIRED"]')
    missing = page.locator('.point[data-subject="M6"][data-code="MISSING"]')
    assert "结束年份看不清" in expired.inner_text() and "未能认定" in missing.inner_text()
    expect(page.locator("[data-testid=decision-blocked]")).to_contain_text("还有 2 处请核对未核对")
    assert page.locator("#decide-button").is_disabled()
    shots("to-settle")

    # what was read, where: the evidence viewer on the M2 page, the date boxed
    expired.locator("[data-testid=show-evidence]").first.click()
    page.wait_for_selector("[data-testid=evidence-viewer][data-loaded]", timeout=RUN_TIMEOUT)
    assert page.locator("[data-testid=evidence-box]").is_visible()
    shots("evidence", full_page=False)
    page.keyboard.press("Escape")

    expired.locator(".settle-confirm").click()
    expect(verdict).to_have_attribute("data-verdict", "CORRECTION")
    expect(expired).to_have_attribute("data-state", "confirm")
    assert expired.locator(".settle-confirm").get_attribute("aria-pressed") == "true"
    expect(page.locator("[data-testid=suggestion-status]")).to_contain_text("还有 1 处")
    assert "（暂定）" in page.inner_text("[data-testid=verdict] h2")
    expect(page.locator("[data-testid=confirmed-points]")).to_contain_text("M2 营业执照（申请人） · 已过期")
    assert page.locator("#decide-button").is_disabled()
    shots("one-confirmed")

    missing.locator(".note").fill("原件齐全，社保缴费证明在第 2 份扫描件中")
    missing.locator(".settle-dismiss").focus()
    page.keyboard.press("Enter")  # one step, by keyboard
    expect(missing).to_have_attribute("data-state", "dismiss")
    expect(page.locator("[data-testid=suggestion-status]")).to_contain_text("由「受理」改为「补正」")
    expect(page.locator("[data-testid=decision-blocked]")).to_be_hidden()
    assert (
        page.locator("#decide-button").is_enabled() and page.input_value("#decision-verdict") == "CORRECTION"
    )
    assert missing.locator(".settle-dismiss").evaluate("b => b === document.activeElement")
    shots("both-settled")

    page.click("#decide-button")
    page.click("#confirm-decision")
    record = page.wait_for_selector("[data-testid=decision-record]").inner_text()
    assert "补正" in record and "与预审建议一致" in record
    assert page.locator(".point .settle-confirm").first.is_disabled()  # settled for good once decided
    shots("decided")
    with page.expect_popup() as popup:
        page.click("#print-notice")
    notice = popup.value
    notice.wait_for_selector("text=补正材料一次性告知书")
    text = notice.inner_text("body")
    assert "M2 营业执照（申请人）" in text and "已过期" in text
    assert "材料缺失" not in text  # the dismissed M6 point is no defect
    shots("notice", of=notice)


def test_applicant_sees_points_to_make_sure_of_on_a_phone(
    page_for: Callable[..., Any], live: Live, shots: Callable[..., Path], tmp_path: Path
) -> None:
    declared = {**JT_DECLARED, "legal_rep_name": "邹俊哲"}  # the form says 邹军哲
    form = text_pdf(tmp_path / "申请表.pdf", [FORM])
    page = page_for(390, 844, is_mobile=True, has_touch=True)
    page.goto("/self-check")
    page.fill("#item-q", "货物运输")
    page.click('button.item-choice[data-code="JT-001"]')
    page.wait_for_selector("#step-questions:not([hidden])")
    answer(page, declared)
    page.click("#show-checklist")
    page.click("#start-case")
    page.set_input_files('[data-slot="M1"] input.pick', str(form))
    page.wait_for_selector('[data-slot="M1"] .files li')
    stored = json.loads(page.evaluate("sessionStorage.getItem('yichuang.self-check')"))

    doubtful_run(live, stored["caseId"], {"M1": "这份申请表的版式与常见的不同，读到的内容未能逐项确认"})
    page.reload()
    page.click("#resume-go")
    page.wait_for_selector("#step-result:not([hidden])", timeout=RUN_TIMEOUT)
    items = page.locator("#to-confirm-list li")
    expect(items.first).to_be_visible()
    texts = items.all_inner_texts()
    assert any(
        "请确认：M1 道路货物运输经营申请表上的「负责人」清晰可辨、与您填写的信息一致" in t for t in texts
    )
    assert all("未能逐项确认" in t and "涉及：申请表.pdf" in t for t in texts)  # why, and which file
    assert any("申请表.pdf 第 1 页" in t for t in texts if "「负责人」" in t)
    shown = set(items.evaluate_all("ls => ls.map(l => l.dataset.code)"))
    defects = set(page.locator("#findings li").evaluate_all("ls => ls.map(l => l.dataset.code)"))
    assert "NAME_MISMATCH" in shown and "NAME_MISMATCH" not in defects and "MISSING" in defects
    assert page.locator("#defects #to-confirm-list").count() == 0  # a card of its own, not among the defects
    border = page.locator("#to-confirm").evaluate("e => getComputedStyle(e).borderLeftColor")
    assert border == "rgb(140, 149, 159)"  # neutral grey, not the red of a defect
    page.locator("#to-confirm").scroll_into_view_if_needed()
    shots("to-confirm")
