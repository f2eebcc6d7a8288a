"""Positioned text as rows of characters, so labels can be found across OCR boxes and spaces.

Readers give whole lines with one box each; the position of a character inside a line is estimated
from character widths (a CJK character is one em, ASCII about half of one). That is precise enough
to cut a label off the value OCR glued to it ("委托人（签字）：莫超旭") and to look right of it.
"""

from __future__ import annotations

import itertools
import math
import statistics
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from cachetools import LRUCache

from core.text import halfwidth, strip_spaces
from prereview.documents import Box, Page, PageSource, TextLine


def folded(text: str) -> str:
    """Half-width and without whitespace: how captions and values on a row are matched (one character
    for one, so offsets found in it index the row's characters)."""
    return strip_spaces(halfwidth(text))


def text_of(chars: Sequence[Char]) -> str:
    return "".join(c.ch for c in chars)


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


# the rows of the lines asked about last, by the identity of their list and the gap that parts segments:
# an entry holds the list, so no other list can take its id while the entry is kept
_rows: LRUCache[tuple[int, float], tuple[Sequence[TextLine], list[Row]]] = LRUCache(maxsize=128)
_rows_lock = threading.Lock()  # runs read their pages in threads of their own


def page_rows(page: Page) -> list[Row]:
    """`build_rows(page.lines)`, built once per page: every field looked up on a page needs its rows."""
    return rows_of(page.lines, gap_ems=OCR_BOXES if page.source is PageSource.OCR else GAP_EMS)


def rows_of(lines: Sequence[TextLine], *, gap_ems: float) -> list[Row]:
    """`build_rows(lines, gap_ems=gap_ems)`, built once per list of lines and gap (a table's columns are
    looked up field after field on the same page). The rows are shared: never change them."""
    key = (id(lines), gap_ems)
    with _rows_lock:
        hit = _rows.get(key)
    if hit is not None and hit[0] is lines:
        return hit[1]
    rows = build_rows(lines, gap_ems=gap_ems)
    with _rows_lock:
        _rows[key] = (lines, rows)
    return rows


GAP_EMS = 0.8  # a gap between boxes this many character heights wide parts phrases
# OCR pages: every detector box is a segment of its own. The detector parts text at grid lines and
# column gaps, and its padded boxes of neighbouring cells touch or overlap (2505-361102-21-03-629 |
# 建设性质), so no gap width tells a cell boundary from a phrase; a label split over two boxes (姓 | 名)
# is still found, labels are looked up across segments.
OCR_BOXES = -math.inf


def build_rows(lines: Sequence[TextLine], *, gap_ems: float = GAP_EMS) -> list[Row]:
    """Lines grouped into rows (half-height vertical overlap), each row's characters left to right.

    A new segment starts at whitespace, at a horizontal gap wider than `gap_ems` character heights
    between boxes, and between boxes of very different heights (a title beside a caption); narrower
    gaps between like boxes are OCR splitting one phrase (姓 名) and keep the segment.

    A box far taller than the page's lines (a seal or photo OCR read as a character) is a row of its
    own: joined to a row, it would stretch it over the lines below and chain them all into one.
    """
    tall = _tall_limit(lines)
    boxes = [ln.box for ln in lines]
    groups = _group(boxes, tall, slope=0.0)
    slope = _slope(boxes, groups)
    if abs(slope) > MIN_SLOPE:
        groups = _group(boxes, tall, slope=slope)
    rows = []
    for g in sorted(groups, key=lambda members: min(boxes[k].y0 for k in members)):
        rows.append(_row(lines, sorted(g, key=lambda k: boxes[k].x0), gap_ems))
    return [r for r in rows if r.chars]


MIN_SLOPE = 0.01  # a residual tilt of the lines (rise over run) below this is straight enough
MAX_SLOPE = 0.15


def _group(boxes: list[Box], tall: float, *, slope: float) -> list[list[int]]:
    """Line indices in rows, top to bottom: each line joins the row it overlaps best (see `_overlap`).
    A line that overlaps a row only weakly, through a line far across the page, is placed after the
    others: on a photo a header's right-hand cells, tilted up, meet the far end of the line above
    before their own row's left cells are taken (立之日起… | 出资方式 over 股东姓名或名称 | 认缴出资额)."""
    groups: list[list[int]] = []
    deferred: list[int] = []
    for i in sorted(range(len(boxes)), key=lambda k: (boxes[k].y0, boxes[k].x0)):
        best, best_overlap = _best_group(i, boxes, groups, tall, slope=slope)
        members = [boxes[k] for k in groups[best]] if best is not None else []
        if (
            best is not None
            and best_overlap < STRONG_OVERLAP
            and _gap(boxes[i], members) > FAR_EMS * boxes[i].height
        ):
            deferred.append(i)
        elif best is None:
            groups.append([i])
        else:
            groups[best].append(i)
    for i in deferred:
        best, _ = _best_group(i, boxes, groups, tall, slope=slope)
        if best is None:
            groups.append([i])
        else:
            groups[best].append(i)
    return groups


STRONG_OVERLAP = 0.75  # a line overlapping a row this well belongs to it however far its neighbour
FAR_EMS = 4.0  # a row's nearest line this many line heights away across the page is far


def _best_group(
    i: int, boxes: list[Box], groups: list[list[int]], tall: float, *, slope: float
) -> tuple[int | None, float]:
    best, best_overlap = None, 0.0
    for g, members in enumerate(groups):
        overlap = _overlap(boxes[i], [boxes[k] for k in members], tall, slope=slope)
        if overlap > best_overlap:
            best, best_overlap = g, overlap
    return best, best_overlap


def _gap(box: Box, members: list[Box]) -> float:
    """How far across the page the row's nearest line stands from `box`."""
    return min((max(m.x0 - box.x1, box.x0 - m.x1, 0.0) for m in members), default=0.0)


def _overlap(box: Box, members: list[Box], tall: float, *, slope: float) -> float:
    """How well `box` sits on a row: its vertical overlap, as a share of the lower height, with the row's
    member nearest to it across the page, that member moved along the lines' tilt to stand above or
    below it; 0 when under half. Compared with the neighbour rather than the whole row, a row stays one
    line of print on a tilted photo, where the right column's text stands higher than the left
    column's caption and the caption of the row below overlaps the row's far end."""
    if box.height > tall:
        return 0.0
    near = min(members, key=lambda m: (max(m.x0 - box.x1, box.x0 - m.x1, 0.0), abs(m.cy - box.cy)))
    if near.height > tall:
        return 0.0
    # side by side, the neighbour is moved along the tilt; one above the other, the lines are compared
    # as they stand (a wrapped cell's two lines do not become one row)
    apart = near.x1 <= box.x0 or box.x1 <= near.x0
    shift = slope * (box.cx - near.cx) if apart else 0.0
    overlap = min(box.y1, near.y1 + shift) - max(box.y0, near.y0 + shift)
    share = overlap / max(min(box.height, near.height), 1e-6)
    return share if share >= 0.5 else 0.0


def _slope(boxes: list[Box], groups: list[list[int]]) -> float:
    """The page's residual tilt: the median rise over run between neighbouring boxes of like height in
    a row (a photo's perspective leaves a few degrees after deskewing); 0 when too few pairs say so."""
    slopes = []
    for members in groups:
        row = sorted((boxes[k] for k in members), key=lambda b: b.x0)
        for a, b in itertools.pairwise(row):
            run = b.cx - a.cx
            alike = max(a.height, b.height) < 1.5 * min(a.height, b.height)
            if alike and b.x0 >= a.x1 - 0.5 * a.height and run > 2 * max(a.height, b.height):
                slopes.append((b.cy - a.cy) / run)
    if len(slopes) < 3:
        return 0.0
    return max(-MAX_SLOPE, min(MAX_SLOPE, statistics.median(slopes)))


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
