"""The PDF prints what the HTML page says, for every kind of notice, draft and official; its lines
obey the Chinese line-breaking rules (禁则); the page reads on a phone."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pdfplumber
import pytest

from rules.codes import Verdict
from tests.window.notices.conftest import Judged, first_of_each_verdict, notice_of
from window import Hall
from window.notices import SampleLink, html, pdf
from window.notices.kinsoku import CANNOT_END, CANNOT_START


def _html_text(page: str) -> str:
    main = re.search(r"<main>.*</main>", page, flags=re.S)
    assert main is not None
    return "".join(ET.fromstring(main.group(0)).itertext())


def _chars(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def _pdf_pages(data: bytes) -> list[list[dict[str, object]]]:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert all((round(p.width), round(p.height)) == (595, 842) for p in doc.pages)  # A4
        return [list(p.chars) for p in doc.pages]


@pytest.mark.parametrize("draft", [False, True], ids=["official", "draft"])
@pytest.mark.parametrize("verdict", list(Verdict))
def test_pdf_text_is_the_html_text(
    judged: list[Judged], notice_hall: Hall, verdict: Verdict, draft: bool
) -> None:
    """Every kind, for one scenario of each item with that verdict: the same characters, as many times."""
    cases = [j for j in first_of_each_verdict(judged) if j.decision.verdict is verdict]
    assert cases
    for j in cases:
        notice = notice_of(j, notice_hall, draft=draft)
        want = _chars(_html_text(html(notice)))
        got = _chars("".join(str(c["text"]) for page in _pdf_pages(pdf(notice)) for c in page))
        assert got == want, f"{j.name}: PDF lacks {want - got}, has more {got - want}"


@pytest.mark.parametrize("verdict", [Verdict.CORRECTION, Verdict.TOLERANCE])
def test_sample_links_print_with_their_qr_codes(
    judged: list[Judged], notice_hall: Hall, verdict: Verdict
) -> None:
    """The page's sample links and QR codes are in the PDF: the same text, one image per link."""
    j = next(j for j in first_of_each_verdict(judged) if j.decision.verdict is verdict)
    links = [
        SampleLink(material=f"{m.id} {m.name}", url=f"https://zwfw.example.cn/s/{j.item.code}/{m.id}")
        for m in j.item.materials[:2]
    ]
    notice = notice_of(j, notice_hall).model_copy(update={"samples": links})
    page = html(notice)
    assert page.count('class="qr"') == len(links) and links[0].url in page
    with pdfplumber.open(io.BytesIO(pdf(notice))) as doc:
        assert sum(len(p.images) for p in doc.pages) == len(links)
        got = _chars("".join(str(c["text"]) for p in doc.pages for c in p.chars))
    assert got == _chars(_html_text(page))


def _printed_lines(chars: list[dict[str, object]]) -> list[str]:
    """The page's lines as printed: characters on one baseline, split where a gap wider than a character
    (a table's column border, the space before a right-aligned line) parts them."""
    rows: dict[int, list[dict[str, object]]] = {}
    for c in chars:
        rows.setdefault(round(float(c["top"])), []).append(c)  # type: ignore[arg-type]
    lines = []
    for row in rows.values():
        row.sort(key=lambda c: float(c["x0"]))  # type: ignore[arg-type]
        line = ""
        for prev, c in zip([None, *row], row, strict=False):
            gap = float(c["x0"]) - float(prev["x1"]) if prev else 0.0  # type: ignore[arg-type]
            if prev and gap > 1.2 * float(c["size"]):  # type: ignore[arg-type]
                lines.append(line)
                line = ""
            line += str(c["text"])
        lines.append(line)
    return [line for line in lines if line.strip()]


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    judged: list[Judged], notice_hall: Hall
) -> None:
    bad = []
    for j in first_of_each_verdict(judged, per_item=2):
        for page in _pdf_pages(pdf(notice_of(j, notice_hall))):
            lines = [line.strip() for line in _printed_lines(page)]
            bad += [
                f"{j.name}: {line}" for line in lines if line[0] in CANNOT_START or line[-1] in CANNOT_END
            ]
    assert not bad, "\n".join(bad)


def test_fonts_are_embedded(judged: list[Judged], notice_hall: Hall) -> None:
    data = pdf(notice_of(judged[0], notice_hall))
    assert b"/FontFile2" in data and b"WenQuanYi" in data
