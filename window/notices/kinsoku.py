"""Chinese line breaking for the PDF (禁则, GB/T 15834 and common typesetting practice): no line starts
with closing punctuation (，。、；：？！）」》…) and none ends with opening punctuation (（「《“…); a run of
Latin letters and digits (M2, JT-001, 2026) is not split. A line that would break wrongly takes the
character before the punctuation down with it (追出), so nothing hangs into the margin or a table
border.

reportlab's own CJK wrapping knows only some of these marks (not ， ； ： ！ ？ 》 ” …), so paragraphs are
broken here and handed to reportlab with explicit line breaks (``Kinsoku``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

__all__ = ["CANNOT_END", "CANNOT_START", "Kinsoku", "break_lines"]

CANNOT_START = set("，。、；：？！）」』》〉】〕］｝”’…—％‰·,.;:?!)]}%")
CANNOT_END = set("（「『《〈【〔［｛“‘([{")
# a Latin word or number (with its inner dots, dashes, slashes), a dash or ellipsis pair, a space, else
# one character
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/_]*|——|……|\s|.")
_FUZZ = 1e-6


def _tokens(text: str, measure: Callable[[str], float], narrowest: float) -> list[str]:
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        # a word wider than a line is cut anywhere rather than overflow
        out.extend(tok if len(tok) > 1 and measure(tok) > narrowest else [tok])
    return out


def _breaks_badly(before: str, after: str) -> bool:
    return after[0] in CANNOT_START or before[-1] in CANNOT_END


def break_lines(text: str, widths: list[float], measure: Callable[[str], float]) -> list[str]:
    """``text`` in lines no wider than ``widths`` (the first line's, then the others'; the last repeats),
    measured by ``measure``; a newline is a forced break."""
    lines: list[str] = []
    for part in text.split("\n"):
        lines.extend(_paragraph(part, widths[len(lines) :] or widths[-1:], measure))
    return lines


def _paragraph(text: str, widths: list[float], measure: Callable[[str], float]) -> list[str]:
    def avail(n: int) -> float:
        return widths[min(n, len(widths) - 1)]

    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for tok in _tokens(text, measure, min(widths)):
        width = measure(tok)
        if not line or used + width <= avail(len(lines)) + _FUZZ:
            line.append(tok)
            used += width
            continue
        cut = len(line)  # tokens line[cut:] go down with tok
        while cut > 1 and _breaks_badly(line[cut - 1], line[cut] if cut < len(line) else tok):
            cut -= 1
        lines.append("".join(line[:cut]).rstrip())
        line = [*line[cut:], tok]
        while line and line[0].isspace():
            line.pop(0)
        used = sum(measure(t) for t in line)
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


class Kinsoku(Flowable):  # type: ignore[misc]
    """A paragraph of plain text broken by ``break_lines`` at the width it is given."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self._para: Paragraph | None = None
        self._laid_at: float | None = None

    def _laid(self, width: float) -> Paragraph:
        if self._para is None or self._laid_at != width:
            s = self.style
            inner = width - s.leftIndent - s.rightIndent
            widths = [inner - s.firstLineIndent - _FUZZ * 10, inner - _FUZZ * 10]

            def measure(t: str) -> float:
                return float(stringWidth(t, s.fontName, s.fontSize))

            lines = break_lines(self.text, widths, measure)
            self._para = Paragraph("<br/>".join(escape(line) for line in lines), s)
            self._laid_at = width
        return self._para

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self._laid(availWidth).wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        return list(self._laid(availWidth).split(availWidth, availHeight))

    def draw(self) -> None:
        assert self._para is not None
        self._para.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)
