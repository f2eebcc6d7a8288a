"""Material samples through the pages: department staff upload a sample on a draft, draw a box, write its
note tied to a review point, and publish; the public sample page shows it; an applicant on a phone sees
the sample beside a finding with the note of that review point highlighted, and the 补正 notice prints
the sample's short link with a QR code."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw, ImageFont

from tests.e2e.conftest import Live
from tests.e2e.test_clerk import _new_case
from tests.e2e.test_self_check import answer
from tests.fixtures.api_app import JT_DECLARED

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def until(page: Any, script: str, timeout_s: float = 20.0) -> None:
    """Poll ``script`` (page.evaluate) until it is true: wait_for_function evaluates a string, which the
    pages' Content-Security-Policy (no unsafe-eval) refuses."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"never true: {script}"
        page.wait_for_timeout(100)


def commitment_sample() -> bytes:
    """A department's own picture of a correct 拟投入运输车辆承诺书, marked 样本."""
    image = Image.new("RGB", (600, 840), "white")
    draw = ImageDraw.Draw(image)
    draw.text((150, 60), "拟投入运输车辆承诺书", font=ImageFont.truetype(FONT, 30), fill="black")
    for i, line in enumerate(
        ["车辆数量：2 辆", "车辆类型：重型厢式货车", "技术性能：一级", "投入时间：2026年06月"]
    ):
        draw.text((60, 160 + i * 44), line, font=ImageFont.truetype(FONT, 20), fill="black")
    draw.ellipse((380, 560, 520, 700), outline="red", width=4)
    draw.text((200, 380), "样本", font=ImageFont.truetype(FONT, 120), fill=(230, 160, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_staff_upload_annotate_publish(
    page_for: Callable[..., Any],
    live: Live,
    signed_in: Callable[..., Any],
    shots: Callable[..., Path],
    tmp_path: Path,
) -> None:
    page = page_for(1280, 1000)
    page.on("dialog", lambda dialog: dialog.accept())
    picture = tmp_path / "承诺书样本.png"
    picture.write_bytes(commitment_sample())
    signed_in(page, "staff_jt")
    page.goto("/staff#tab=samples")
    page.wait_for_selector("#sample-item")
    page.select_option("#sample-item", "JT-001")
    page.wait_for_selector("#sample-new-draft")
    page.click("#sample-new-draft")
    page.wait_for_selector("#sample-materials [data-material=M7]")
    page.click("#sample-materials [data-material=M7]")
    page.set_input_files("#sample-file", str(picture))
    page.click("#sample-upload")
    page.wait_for_selector("#samples-status:has-text('样本已上传')")
    # the uploaded picture (600 px wide; the seed sample it replaces is 620) without the seed's notes
    until(
        page,
        "(() => { const i = document.querySelector('.sample-draw img');"
        " return !!i && i.naturalWidth === 600 && !document.querySelector('.sample-notes li'); })()",
    )
    frame = page.locator(".sample-draw[data-page='1']")
    frame.evaluate("f => f.scrollIntoView({block: 'end'})")
    box = frame.bounding_box()
    assert box is not None
    # drag around the seal circle (380..520 x 560..700 of 600x840)
    page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.65)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.88, box["y"] + box["height"] * 0.85, steps=5)
    page.mouse.up()
    page.fill("#sample-note", "此处加盖申请人公章")
    page.select_option("#sample-code", "NOT_SEALED")
    page.click("#sample-add")
    page.wait_for_selector(".sample-draw .sample-box")
    page.click("#sample-save")
    page.wait_for_selector("#samples-status:has-text('已保存 1 条标注')")
    shots("annotated")

    page.click("#sample-publish")
    page.wait_for_selector("#samples-status:has-text('已发布')", timeout=120_000)
    shots("published")
    with httpx.Client(base_url=live.url) as http:
        public = http.get("/api/v1/samples/JT-001/M7").json()
    assert public["name"] == "承诺书样本.png"
    assert public["notes"] == [
        {"page": 1, "box": public["notes"][0]["box"], "note": "此处加盖申请人公章", "code": "NOT_SEALED"}
    ]
    x0, y0, x1, y1 = public["notes"][0]["box"]
    assert 0.55 < x0 < 0.7 and 0.8 < x1 < 0.95 and 0.6 < y0 < 0.7 and 0.8 < y1 < 0.9

    page.goto("/s/JT-001/M7?code=NOT_SEALED")
    page.wait_for_selector("[data-testid=sample-full] .sample-box.hl")
    until(page, "document.querySelector('[data-testid=sample-full] img').naturalWidth > 0")
    assert "此处加盖申请人公章" in page.inner_text("[data-testid=sample-notes] li.hl")
    shots("public-page")


def application_form(path: Path) -> None:
    """A filled-in JT-001 application form with neither the applicant's seal nor the signature."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("WQY", 20)
    c.drawString(170, 780, "道路货物运输经营申请表")
    c.setFont("WQY", 12)
    rows = [
        ("申请人名称", "安和市宏远货运有限公司"),
        ("统一社会信用代码", "9136110129PE803C31"),
        ("负责人", "邹军哲"),
        ("通信地址", "安和市长青区工业大道 8 号"),
        ("联系电话", "0791-86660000"),
        ("申请经营范围", "☑ 道路普通货运"),
        ("拟投入车辆数量", "2"),
        ("车辆类型", "重型厢式货车"),
        ("驾驶人员数量", "1"),
    ]
    for i, (label, value) in enumerate(rows):
        y = 720 - i * 30
        c.rect(60, y - 8, 475, 30)
        c.drawString(70, y + 2, label)
        c.drawString(220, y + 2, value)
    c.drawString(70, 380, "负责人（签字）：")
    c.drawString(360, 380, "申请人（盖章）：")
    c.drawString(380, 330, "2026 年 02 月 10 日")
    c.save()


def test_applicant_sees_sample_and_the_highlighted_note(
    page_for: Callable[..., Any], live: Live, shots: Callable[..., Path], tmp_path: Path
) -> None:
    form = tmp_path / "申请表.pdf"
    application_form(form)
    page = page_for(390, 844, is_mobile=True, has_touch=True)
    page.goto("/self-check")
    page.fill("#item-q", "货物运输")
    page.click('button.item-choice[data-code="JT-001"]')
    page.wait_for_selector("#step-questions:not([hidden])")
    answer(page, JT_DECLARED)  # every question answered: an unanswered one keeps the checklist back
    page.click("#show-checklist")
    page.wait_for_selector("#step-checklist:not([hidden])")
    m2 = page.locator('#checklist-table tr[data-material="M2"]')
    assert "可由窗口通过电子证照库调取" in m2.inner_text()
    page.wait_for_selector('#checklist-table tr[data-material="M1"] [data-testid=sample-link]')
    shots("checklist")

    page.click("#start-case")
    page.wait_for_selector("#step-upload:not([hidden])")
    page.set_input_files('[data-slot="M1"] input.pick', str(form))
    page.wait_for_selector('[data-slot="M1"] .files li')
    page.click("#run")
    page.wait_for_selector("#step-result:not([hidden])", timeout=180_000)
    item = page.locator('#findings li[data-code="NOT_SEALED"]').first
    item.wait_for()
    item.locator(".sample-box.hl").first.wait_for()
    assert "此处加盖申请人公章" in item.locator("[data-testid=sample-hint]").inner_text()
    until(
        page,
        "[...document.querySelectorAll('#findings .sample img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )
    item.scroll_into_view_if_needed()
    shots("finding-with-sample", full_page=False)
    shots("result")

    with page.expect_popup() as popup:
        page.click("#print-notice")
    notice = popup.value
    notice.wait_for_load_state()
    notice.wait_for_selector("table.samples img.qr")
    links = notice.locator("table.samples a").all_inner_texts()
    assert f"{live.url}/s/JT-001/M1" in links
    shots("notice-with-qr", of=notice)


def test_clerk_sees_the_sample_next_to_the_evidence(
    page: Any, signed_in: Callable[..., Any], shots: Callable[..., Path], tmp_path: Path
) -> None:
    form = tmp_path / "申请表.pdf"
    application_form(form)
    signed_in(page, "clerk1")
    _new_case(page, "JT-001", JT_DECLARED, "2026-02-12")
    page.click("#create-case")
    page.wait_for_selector("[data-testid=case-header]")
    page.set_input_files("[data-testid=upload-pile]", str(form))  # one drop zone: recognition sorts
    page.wait_for_selector("[data-testid=pile] [data-file-id]")
    page.click("#run-button")
    page.wait_for_selector("[data-testid=verdict]", timeout=180_000)
    sealed = page.locator('.finding[data-code="NOT_SEALED"][data-material="M1"]')
    sealed.wait_for()
    group = page.locator("[data-testid=findings] > div", has=sealed)
    figure = group.locator("[data-testid=sample]")
    figure.wait_for()
    until(
        page,
        "[...document.querySelectorAll('[data-testid=findings] .sample img')].every(i => i.naturalWidth > 0)",
    )
    missing = page.locator("[data-testid=findings] > div", has=page.locator('.finding[data-material="M3"]'))
    assert missing.locator("[data-testid=sample] summary").inner_text() == "查看 居民身份证（负责人） 的样本"
    # to the top of the work column: its lower part is under the sticky decision panel
    figure.evaluate("e => e.scrollIntoView({block: 'start'})")
    shots("clerk-finding-with-sample", full_page=False)  # the case-work column scrolls on its own
