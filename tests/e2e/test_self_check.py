"""An applicant on a phone: finds the item, answers the questions, reads the checklist, uploads the sample
case's application form (a text PDF, read by the real Prereviewer), runs the pre-review, reads every
defect in plain words, opens the printable notice and downloads the PDF."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Live
from tests.fixtures.samples import public_case


def answer(page: Any, declared: dict[str, Any]) -> None:
    """Fill the questionnaire the way a person would: radios, checkboxes, selects and text fields."""
    for fact, value in declared.items():
        name = f"fact-{fact}"
        if isinstance(value, bool):
            page.check(f'input[name="{name}"][value="{"true" if value else "false"}"]')
        elif isinstance(value, list):
            for v in value:
                page.check(f'input[name="{name}"][value="{v}"]')
        elif page.locator(f'input[type="radio"][name="{name}"]').count():
            page.check(f'input[name="{name}"][value="{value}"]')
        elif page.locator(f'select[name="{name}"]').count():
            page.select_option(f'select[name="{name}"]', str(value))
        else:
            page.fill(f'[name="{name}"]', str(value))


def test_applicant_self_check_on_a_phone(
    page_for: Callable[..., Any], live: Live, shots: Callable[..., Path], tmp_path: Path
) -> None:
    sample = public_case("JT-P01")
    case = json.loads((sample / "case.json").read_text(encoding="utf-8"))
    form_pdf = tmp_path / "申请表.pdf"
    shutil.copy(sample / "files" / "file_01.pdf", form_pdf)  # the sample's M1, a text PDF
    page = page_for(390, 844, is_mobile=True, has_touch=True)

    page.goto("/self-check")
    page.fill("#item-q", "货物运输")
    page.wait_for_selector('button.item-choice[data-code="JT-001"]')
    assert page.locator("button.item-choice").count() == 1
    shots("choose-item")
    page.click('button.item-choice[data-code="JT-001"]')

    page.wait_for_selector("#step-questions:not([hidden])")
    assert page.is_hidden('[data-fact="agent_name"]')  # asked only when by agent
    page.check('input[name="fact-by_agent"][value="true"]')
    assert page.is_visible('[data-fact="agent_name"]')
    answer(page, case["declared"])
    assert page.is_hidden('[data-fact="agent_name"]')
    shots("questions")

    page.click("#show-checklist")
    page.wait_for_selector("#step-checklist:not([hidden])")
    rows = page.locator("#checklist-table tbody tr")
    due = rows.evaluate_all("rs => rs.map(r => r.dataset.material)")
    with httpx.Client(base_url=live.url) as http:
        expected = http.post("/api/v1/items/JT-001/checklist", json={"declared": case["declared"]}).json()
    assert due == [e["material"] for e in expected["entries"] if e["due"] != "no"]
    assert "M4" not in due and "M1" in due  # no agent: no power of attorney
    assert "可容缺" in page.locator('#checklist-table tr[data-material="M2"]').inner_text()
    shots("checklist")

    page.click("#start-case")
    page.wait_for_selector("#step-upload:not([hidden])")
    fake = {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 512}
    page.set_input_files('[data-slot="M2"] input.pick', files=[fake])  # a program renamed .pdf
    refused = page.locator(
        '[data-slot="M2"] [data-testid=slot-status].status-error'
    )  # next to the upload, not at the top
    refused.wait_for()
    assert "上传失败" in refused.inner_text() and page.locator('[data-slot="M2"] .files li').count() == 0
    shots("refused-upload")
    page.set_input_files('[data-slot="M1"] input.pick', str(form_pdf))
    page.wait_for_selector('[data-slot="M1"] .files li')
    assert "申请表.pdf" in page.inner_text('[data-slot="M1"] .files')
    shots("uploaded")

    page.click("#run")
    page.wait_for_selector("#step-result:not([hidden])", timeout=180_000)
    stored = json.loads(page.evaluate("sessionStorage.getItem('yichuang.self-check')"))
    with httpx.Client(base_url=live.url) as http:
        verdict = http.get(
            f"/api/v1/cases/{stored['caseId']}/answer", headers={"X-Case-Token": stored["token"]}
        ).json()
    assert page.get_attribute("#verdict .verdict", "data-verdict") == verdict["verdict"]
    shown = page.locator("#findings li").evaluate_all("ls => ls.map(l => l.dataset.code)")
    assert sorted(shown) == sorted(f["code"] for f in verdict["findings"])
    missing = [f["material"] for f in verdict["findings"] if f["code"] == "MISSING"]
    assert missing and all(m in page.inner_text("#findings") for m in missing)
    assert "没有提交" in page.inner_text("#findings")  # the plain-words explanation, not just the code
    shots("verdict")

    with page.expect_popup() as popup:
        page.click("#print-notice")
    notice = popup.value
    notice.wait_for_selector("h1")  # the tab opens at once; the notice is written into it when fetched
    assert "仅供参考" in notice.inner_text("body")
    shots("notice", of=notice)

    with page.expect_download() as download:
        page.click("#download-notice")
    pdf = tmp_path / "notice.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.emulate_media(media="print")
    assert page.is_hidden(".site-header") and page.is_hidden("#print-notice")
    shots("printed-page")
