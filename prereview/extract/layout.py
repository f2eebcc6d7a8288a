"""Positioned text as rows of characters, so labels can be found across OCR boxes and spaces.

Readers give whole lines with one box each; the position of a character inside a line is estimated
from character widths (a CJK character is one em, ASCII about half of one). That is precise enough
to cut a label off the value OCR glued to it ("委托人（签字）：莫超旭") and to look right of it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from prereview.documents import Box, Page, TextLine


def char_width(ch: str) -> float:
    if ch.isspace():
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def char_boxes(line: TextLine) -> list[Box]:
    """One estimated box per character of `line.text`."""
    widths = [char_width(ch) for ch in line.text]
    total = sum(widths) or 1.0
    scale = line.box.width / total
    boxes, x = [], line.box.x0
    for w in widths:
        boxes.append(Box(x0=x, y0=line.box.y0, x1=x + w * scale, y1=line.box.y1))
        x += w * scale
    return boxes


def union(boxes: Sequence[Box]) -> Box:
    return Box(
        x0=min(b.x0 for b in boxes),
        y0=min(b.y0 for b in boxes),
        x1=max(b.x1 for b in boxes),
        y1=max(b.y1 for b in boxes),
    )


@dataclass
class Char:
    ch: str
    box: Box
    line: int  # index of the source line in the page's line list
    score: float
    segment: int = 0  # chars of one segment are not separated by whitespace or a wide gap


@dataclass
class Row:
    chars: list[Char] = field(default_factory=list)  # non-space characters, left to right
    lines: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.box.y0 for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.box.y1 for c in self.chars)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def segments(self) -> list[list[Char]]:
        out: list[list[Char]] = []
        for c in self.chars:
            if out and out[-1][-1].segment == c.segment:
                out[-1].append(c)
            else:
                out.append([c])
        return out


def _same_row(a: Box, top: float, bottom: float) -> bool:
    overlap = min(a.y1, bottom) - max(a.y0, top)
    return overlap >= 0.5 * min(a.height, bottom - top)


_ROWS_KEPT = 64
_page_rows: dict[int, tuple[Sequence[TextLine], list[Row]]] = {}


def page_rows(page: Page) -> list[Row]:
    """`build_rows(page.lines)`, built once per page: every field looked up on a page needs its rows.
    Keyed by the lines list itself (checked by identity), for the last pages asked about."""
    key = id(page.lines)
    hit = _page_rows.get(key)
    if hit is not None and hit[0] is page.lines:
        return hit[1]
    rows = build_rows(page.lines)
    _page_rows[key] = (page.lines, rows)
    while len(_page_rows) > _ROWS_KEPT:
        _page_rows.pop(next(iter(_page_rows)))
    return rows


def build_rows(lines: Sequence[TextLine], *, gap_ems: float = 0.8) -> list[Row]:
    """Lines grouped into rows (half-height vertical overlap), each row's characters left to right.

    A new segment starts at whitespace, at a horizontal gap wider than `gap_ems` character heights
    between boxes, and between boxes of very different heights (a title beside a caption); narrower
    gaps between like boxes are OCR splitting one phrase (姓 名) and keep the segment.

    A box far taller than the page's lines (a seal or photo OCR read as a character) is a row of its
    own: joined to a row, it would stretch it over the lines below and chain them all into one.
    """
    groups: list[list[int]] = []
    spans: list[tuple[float, float]] = []
    tall = _tall_limit(lines)
    for i in sorted(range(len(lines)), key=lambda k: (lines[k].box.y0, lines[k].box.x0)):
        box = lines[i].box
        for g, (top, bottom) in enumerate(spans):
            if box.height <= tall and bottom - top <= tall and _same_row(box, top, bottom):
                groups[g].append(i)
                spans[g] = (min(top, box.y0), max(bottom, box.y1))
                break
        else:
            groups.append([i])
            spans.append((box.y0, box.y1))
    rows = []
    for g in sorted(range(len(groups)), key=lambda k: spans[k][0]):
        rows.append(_row(lines, sorted(groups[g], key=lambda k: lines[k].box.x0), gap_ems))
    return [r for r in rows if r.chars]


TALL_LINES = 2.5  # times the median line height: taller boxes are no text line


def _tall_limit(lines: Sequence[TextLine]) -> float:
    heights = sorted(ln.box.height for ln in lines)
    if len(heights) < 3:
        return float("inf")
    return TALL_LINES * heights[len(heights) // 2]


def _row(lines: Sequence[TextLine], order: list[int], gap_ems: float) -> Row:
    row = Row(lines=order)
    segment = 0
    last: Char | None = None
    for i in order:
        line = lines[i]
        pending_space = True
        for ch, box in zip(line.text, char_boxes(line), strict=True):
            if ch.isspace():
                pending_space = True
                continue
            if last is not None and pending_space:
                wide = box.x0 - last.box.x1 > gap_ems * max(box.height, 1.0)
                unlike = max(box.height, last.box.height) > 1.6 * max(min(box.height, last.box.height), 1.0)
                stacked = box.x0 < last.box.x1 - 0.3 * box.height  # two lines of one cell, side by side in x
                if last.line == i or wide or unlike or stacked:
                    segment += 1
            pending_space = False
            last = Char(ch=ch, box=box, line=i, score=line.score, segment=segment)
            row.chars.append(last)
    return row
