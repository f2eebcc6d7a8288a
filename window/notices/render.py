"""Render a Notice: HTML from the Jinja2 template, A4 PDF with the WenQuanYi Micro Hei font embedded."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import Environment, PackageLoader, select_autoescape
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.errors import Unavailable
from window.notices.content import Notice
from window.notices.qr import qr_png, qr_svg_data_uri

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT = "WenQuanYiMicroHei"
_env = Environment(
    loader=PackageLoader("window.notices", "templates"), autoescape=select_autoescape(["html"])
)
_font_lock = threading.Lock()


def style_hashes() -> list[str]:
    """CSP sources for the template's <style> blocks: a notice opened in the service's own pages (which
    inherit their strict policy) or served as HTML keeps its print layout, and no other inline style runs."""
    assert _env.loader is not None
    source = _env.loader.get_source(_env, "notice.html")[0]
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


def html(notice: Notice) -> str:
    return _env.get_template("notice.html").render(n=notice, qr=qr_svg_data_uri)


def _font() -> str:
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            if not FONT_PATH.exists():
                raise Unavailable("PDF 文书需要文泉驿微米黑字体（apt-get install fonts-wqy-microhei）")
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", firstLineIndent=23
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=20,
            leading=28,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=4,
        ),
        "number": ParagraphStyle(
            "number",
            parent=base,
            fontSize=10.5,
            alignment=TA_CENTER,
            firstLineIndent=0,
            textColor=colors.HexColor("#444444"),
            spaceAfter=10,
        ),
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13, firstLineIndent=0),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "draft": ParagraphStyle(
            "draft",
            parent=base,
            alignment=TA_CENTER,
            firstLineIndent=0,
            textColor=colors.red,
            borderColor=colors.red,
            borderWidth=1,
            borderPadding=4,
            spaceAfter=10,
        ),
        "meta": ParagraphStyle(
            "meta", parent=base, fontSize=8, leading=11, firstLineIndent=0, textColor=colors.grey
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=15, leading=22, alignment=TA_CENTER, firstLineIndent=0
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(
    header: list[str], rows: list[list[str]], widths: list[float], s: dict[str, ParagraphStyle]
) -> Table:
    data = [[_p(h, s["cell"]) for h in header]] + [[_p(c, s["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
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


def _samples_table(notice: Notice, s: dict[str, ParagraphStyle]) -> Table:
    """材料样本: each material's sample page as a short link and its QR code (generated here, offline)."""
    rows: list[list[object]] = [
        [_p(h, s["cell"]) for h in ("材料样本（扫码或打开链接查看正确样例）", "二维码")]
    ]
    for link in notice.samples:
        image = Image(io.BytesIO(qr_png(link.url)), width=22 * mm, height=22 * mm)
        rows.append([_p(f"{link.material}\n{link.url}", s["cell"]), image])
    table = Table(rows, colWidths=[140 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def pdf(notice: Notice) -> bytes:
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
        subject=notice.case_id,
    )
    story: list[object] = []
    if notice.draft:
        story.append(_p("申请人自助预检结果，仅供参考，不作为正式文书", s["draft"]))
    story += [
        _p(notice.title, s["title"]),
        _p(notice.number, s["number"]),
        _p(f"{notice.applicant}：", s["plain"]),
        Spacer(1, 4),
        _p(notice.opening, s["body"]),
    ]
    if notice.defects:
        rows = [
            [
                str(i),
                d.material + ("（可容缺）" if d.tolerable else ""),
                d.problem,
                d.detail,
                d.requirement,
                d.basis,
            ]
            for i, d in enumerate(notice.defects, 1)
        ]
        story += [
            Spacer(1, 6),
            _table(
                ["序号", "材料", "问题", "具体说明", "补正要求", "依据"], rows, [10, 32, 17, 42, 28, 37], s
            ),
        ]
    if notice.missing:
        rows = [[str(i), d.material, d.detail] for i, d in enumerate(notice.missing, 1)]
        story += [Spacer(1, 6), _table(["序号", "所缺容缺材料", "说明"], rows, [12, 60, 94], s)]
    if notice.conditions:
        rows = [[c.condition, c.reason, c.legal_basis] for c in notice.conditions]
        story += [Spacer(1, 6), _table(["不满足的受理条件", "理由", "法律依据"], rows, [55, 61, 50], s)]
    if notice.samples:
        story += [Spacer(1, 6), _samples_table(notice, s)]
    story.append(Spacer(1, 6))
    story += [_p(text, s["body"]) for text in notice.paragraphs]
    if notice.remedy:
        story.append(_p(notice.remedy, s["body"]))
    story.append(Spacer(1, 24))
    story.append(
        KeepTogether([_p(notice.seal_note, s["right"]), _p(f"{notice.issued_on:%Y年%m月%d日}", s["right"])])
    )
    if notice.commitment:
        story += [
            Spacer(1, 24),
            KeepTogether(
                [
                    _p("容缺补交承诺书", s["h2"]),
                    Spacer(1, 6),
                    _p(notice.commitment, s["body"]),
                    Spacer(1, 18),
                    _p("承诺人（签字或盖章）：____________　　日期：____年__月__日", s["right"]),
                ]
            ),
        ]
    story += [
        Spacer(1, 18),
        _p(
            f"事项：{notice.item_code} {notice.item_name}　受理窗口：{notice.window}　"
            f"案件号：{notice.case_id}　规则版本哈希：{notice.rule_hash}",
            s["meta"],
        ),
    ]
    doc.build(story)
    return buf.getvalue()
