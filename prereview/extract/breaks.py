"""A value parted from its caption by the end of a column or a page: a form that prints each value on the
line under its caption (退水地点： / 厂区污水处理站…) can end a page on a caption, and its value then
opens the next page — on a photo of two pages side by side, the top of the right-hand column.

Only for a caption with a colon that has nothing right of it and nothing under it in its column; the
line that opens the next column or page is its value unless it is a caption itself (the next field's,
alone or with its value after a colon): a field truly left blank at a page's end is followed by the
next caption, and stays blank."""

from __future__ import annotations

from collections.abc import Sequence

from prereview.documents import Box, Page
from prereview.extract import cells
from prereview.extract.layout import Char, Row, page_rows, text_of

COLUMN_EMS = 10.0  # caption heights right of a caption's end that still count as its column
GAP_EMS = 1.0  # the next column starts this many caption heights right of the caption's column


def value_after_break(
    pages: Sequence[Page], pos: int, rows: list[Row], r: int, label: Box, stop: set[str]
) -> tuple[int, list[Char]]:
    """(position of the page, value) for the caption at `label` in row `r` of page `pos`; (pos, [])
    when the caption is not at the end of its column or what follows is no value."""
    h = label.height
    under = (c for row in rows[r + 1 :] for c in row.chars)
    if any(c.box.x1 > label.x0 and c.box.x0 < label.x1 + COLUMN_EMS * h for c in under):
        return pos, []
    segs = [seg for row in rows for seg in row.segments()]
    column = [seg for seg in segs if abs(seg[0].box.x0 - label.x0) < 2 * h]
    edge = max((c.box.x1 for seg in column for c in seg), default=label.x1)
    beside = [seg for seg in segs if seg[0].box.x0 > edge + GAP_EMS * h]
    if beside:
        top = min(beside, key=lambda seg: (seg[0].box.y0, seg[0].box.x0))
        return pos, _value(top, stop)
    if r == len(rows) - 1 and pos + 1 < len(pages):
        following = page_rows(pages[pos + 1])
        if following:
            return pos + 1, _value(following[0].segments()[0], stop)
    return pos, []


def _value(seg: list[Char], stop: set[str]) -> list[Char]:
    text = text_of(seg)
    return [] if cells.is_label(text, stop) or any(c in text for c in ":：") else seg
