"""Render a Notice: HTML from its kind's Jinja2 template, and the A4 PDF from that same HTML.

The templates are the one layout source. The PDF walks the rendered page's ``<main>`` and prints each
block with the matching reportlab style (WenQuanYi Micro Hei embedded, lines broken by ``kinsoku``; a
cell's PNG data-URI image, such as a sample's QR code, embedded as it is), so
what the PDF says is what the page says; a block the walk does not know fails loudly.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from core.errors import Unavailable
from window.notices.content import Notice
from window.notices.kinsoku import Kinsoku
from window.notices.qr import qr_data_uri

__all__ = ["html", "pdf", "style_hashes"]

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT = "WenQuanYiMicroHei"
_font_lock = threading.Lock()


def _cn_date(value: date | None, empty: str = "") -> str:
    return f"{value:%Y年%m月%d日}" if value else empty


_env = Environment(
    loader=PackageLoader("window.notices", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
_env.filters["cn_date"] = _cn_date
_env.filters["qr"] = qr_data_uri


def style_hashes() -> list[str]:
    """CSP sources for the template's <style> blocks: a notice opened in the service's own pages (which
    inherit their strict policy) or served as HTML keeps its print layout, and no other inline style runs."""
    assert _env.loader is not None
    source = _env.loader.get_source(_env, "notice.html")[0]
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


def html(notice: Notice) -> str:
    return _env.get_template(f"kinds/{notice.template}").render(n=notice)


def _main(page: str) -> ET.Element:
    """The page's <main> (the templates keep it well-formed XML; autoescape writes &#34; and &#39;)."""
    found = re.search(r"<main>.*</main>", page, flags=re.S)
    if found is None:
        raise ValueError("notice template without <main>")
    return ET.fromstring(found.group(0))


def _text(el: ET.Element) -> str:
    return (el.text or "") + "".join(
        ("\x00" if child.tag == "br" else _text(child)) + (child.tail or "") for child in el
    )


def _inline(el: ET.Element) -> str:
    """An element's text as printed: <br/> a line break; the template's own line breaks dropped (Chinese
    takes no space between lines)."""
    return re.sub(r"\s*\n\s*", "", _text(el)).strip().replace("\x00", "\n")


def _font() -> str:
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            if not FONT_PATH.exists():
                raise Unavailable("PDF 文书需要文泉驿微米黑字体（apt-get install fonts-wqy-microhei）")
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("plain", fontName=font, fontSize=11.5, leading=19)
    return {
        "plain": base,
        "body": ParagraphStyle("body", parent=base, firstLineIndent=23),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4
        ),
        "number": ParagraphStyle(
            "number",
            parent=base,
            fontSize=10.5,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#444444"),
            spaceAfter=10,
        ),
        "h2": ParagraphStyle("h2", parent=base, fontSize=15, leading=22, alignment=TA_CENTER, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "draft": ParagraphStyle(
            "draft",
            parent=base,
            alignment=TA_CENTER,
            textColor=colors.red,
            borderColor=colors.red,
            borderWidth=1,
            borderPadding=4,
            spaceAfter=10,
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8, leading=11, textColor=colors.grey),
    }


def _table(el: ET.Element, s: dict[str, ParagraphStyle]) -> Table:
    rows = [[_cell(cell, s) for cell in tr] for tr in el.iter("tr")]
    widths = [float(w) * mm for w in el.get("data-widths", "").split(",")]
    if any(len(row) != len(widths) for row in rows):
        raise ValueError("a notice table needs data-widths (mm) for each of its columns")
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _cell(el: ET.Element, s: dict[str, ParagraphStyle]) -> Flowable | list[Flowable]:
    """A table cell: its text, then its images (a sample's QR code)."""
    images: list[Flowable] = [_image(img) for img in el.iter("img")]
    text = _inline(el)
    if not images:
        return Kinsoku(text, s["cell"])
    return [Kinsoku(text, s["cell"]), *images] if text else images


_PNG_URI = "data:image/png;base64,"


def _image(el: ET.Element) -> Image:
    """An <img> of the page: a PNG data URI (the page needs no other file), as large as the page shows it
    (CSS pixels: 0.75 pt each)."""
    src = el.get("src", "")
    if not src.startswith(_PNG_URI) or not el.get("width") or not el.get("height"):
        raise ValueError("a notice image needs a PNG data: URI, a width and a height")
    data = io.BytesIO(base64.b64decode(src.removeprefix(_PNG_URI)))
    return Image(data, width=float(el.get("width", "")) * 0.75, height=float(el.get("height", "")) * 0.75)


_STYLE_OF = {("h1", ""): "title", ("h2", ""): "h2", ("div", "draft"): "draft", ("footer", "meta"): "meta"}
_GAP_BEFORE = {"sign": 24, "commitment": 24, "receipt": 18, "meta": 18}


def _block(el: ET.Element, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The flowables of one block of the page: a paragraph, a table, or a group kept on one page."""
    cls = el.get("class", "")
    gap: list[Flowable] = [Spacer(1, _GAP_BEFORE[cls])] if cls in _GAP_BEFORE else []
    if el.tag == "p":
        return [Kinsoku(_inline(el), s[cls or "plain"])]
    if (el.tag, cls) in _STYLE_OF:
        return [*gap, Kinsoku(_inline(el), s[_STYLE_OF[el.tag, cls]])]
    if el.tag == "table":
        return [Spacer(1, 6), _table(el, s), Spacer(1, 6)]
    if el.tag in ("div", "section"):
        return [*gap, KeepTogether([f for child in el for f in _block(child, s)])]
    raise ValueError(f"the PDF cannot print <{el.tag} class={cls!r}>: add it to window.notices.render")


def pdf(notice: Notice) -> bytes:
    """The notice as A4 PDF, printed from its HTML."""
    s = _styles(_font())
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{notice.title} {notice.item_name}",
        author=notice.authority,
        subject=notice.case_number,
    )
    doc.build([f for el in _main(html(notice)) for f in _block(el, s)])
    return buf.getvalue()
