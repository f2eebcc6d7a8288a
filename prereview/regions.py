"""Several materials on one photo or scan (an ID card beside a business licence, two persons' cards on one
A4 scan, a form with a card copy below it): the page is cut into the regions each material fills before
the materials are recognised.

The text lines are cut recursively along wide empty bands (XY-cut): a band at least `GAP_LINES` line
heights and `GAP_SHARE` of the page's shorter side across, with `MIN_LINES` lines on each side; an
up-and-down band must not run between the label and the value of one row (a form's columns are aligned
row by row, two documents side by side are not). A cut is kept only where recognition says so: the
cells are recognised alone, and a cell is a document of its own when it shows a material's title, or
a part of a material with many of its cues (a card's face) — and that material (or that person, for one
form in several roles) differs from its neighbours'. Cells without such evidence join the nearest
document. A page that holds one document stays whole.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from prereview.documents import Box, Page, PageSource, TextLine
from prereview.extract.layout import union

GAP_LINES = 2.0  # an empty band between documents: at least this many line heights …
GAP_SHARE = 0.03  # … and this share of the page's shorter side
MIN_LINES = 3  # lines each side of a cut
ALIGNED_ROWS = 0.6  # share of lines with a partner on the same row across an up-and-down band: one form
ROW_SLACK = 0.2  # line heights two lines' middles may differ and still be one row
DEPTH = 3  # cuts nested at most this deep


@dataclass
class Cell:
    box: Box
    lines: list[TextLine]


Owner = tuple[str, str | None]  # (material id, person or vehicle read or None)


class Seen(NamedTuple):
    """What recognition says of a cell alone."""

    owner: Owner | None
    own: bool  # whether the cell shows its material on its own (a title, or a face with many cues)
    parts: frozenset[str] = frozenset()  # the material's parts printed in the cell (a card's face)


Judge = Callable[[Page], Seen]


def regions(page: Page, judge: Judge) -> list[Page]:
    """The page as one sub-page per material it holds (each with its `region`), or [page]."""
    if page.source != PageSource.OCR or len(page.lines) < 2 * MIN_LINES:
        return [page]
    cells = cut(page)
    if len(cells) < 2:
        return [page]
    groups = _group(cells, [judge(_sub(page, cell.lines, cell.box)) for cell in cells])
    if len(groups) < 2:
        return [page]
    return [
        _sub(page, [ln for c in group for ln in c.lines], union([c.box for c in group])) for group in groups
    ]


def cut(page: Page) -> list[Cell]:
    """The page's text cut along wide empty bands, in reading order (top to bottom, left to right)."""
    lines = page.lines
    height = statistics.median(ln.box.height for ln in lines)
    gap = max(GAP_LINES * height, GAP_SHARE * min(page.width, page.height))
    box = page.region or Box(x0=0, y0=0, x1=page.width, y1=page.height)
    return _cut(Cell(box=box, lines=list(lines)), gap=gap, depth=DEPTH)


def _cut(cell: Cell, *, gap: float, depth: int) -> list[Cell]:
    if depth == 0 or len(cell.lines) < 2 * MIN_LINES:
        return [cell]
    best: tuple[float, str, float] | None = None  # (width of the band, axis, where to cut)
    for axis in ("y", "x"):
        band = _widest_band(cell.lines, axis, gap)
        if band and (best is None or band[0] > best[0]):
            best = (band[0], axis, band[1])
    if best is None:
        return [cell]
    _, axis, at = best
    before = [ln for ln in cell.lines if _mid(ln.box, axis) < at]
    after = [ln for ln in cell.lines if _mid(ln.box, axis) >= at]
    b = cell.box
    first = Box(x0=b.x0, y0=b.y0, x1=b.x1, y1=at) if axis == "y" else Box(x0=b.x0, y0=b.y0, x1=at, y1=b.y1)
    second = Box(x0=b.x0, y0=at, x1=b.x1, y1=b.y1) if axis == "y" else Box(x0=at, y0=b.y0, x1=b.x1, y1=b.y1)
    return [
        *_cut(Cell(first, before), gap=gap, depth=depth - 1),
        *_cut(Cell(second, after), gap=gap, depth=depth - 1),
    ]


def _widest_band(lines: Sequence[TextLine], axis: str, gap: float) -> tuple[float, float] | None:
    """(width, middle) of the widest empty band across the lines along `axis` that may be cut."""
    spans = sorted((ln.box.y0, ln.box.y1) if axis == "y" else (ln.box.x0, ln.box.x1) for ln in lines)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= gap and (best is None or start - reach > best[0]):
            at = (start + reach) / 2
            before = [ln for ln in lines if _mid(ln.box, axis) < at]
            after = [ln for ln in lines if _mid(ln.box, axis) >= at]
            if (
                len(before) >= MIN_LINES
                and len(after) >= MIN_LINES
                and (axis == "y" or not _rows_meet(before, after))
            ):
                best = (start - reach, at)
        reach = max(reach, end)
    return best


def _rows_meet(left: Sequence[TextLine], right: Sequence[TextLine]) -> bool:
    """Whether the lines on both sides mostly have a partner on the same row across, printed the same
    size: one form's label and value columns. (A card beside a page of dense text finds partners for
    its few lines, but the page's lines mostly find none.)"""
    return _paired(left, right) >= ALIGNED_ROWS and _paired(right, left) >= ALIGNED_ROWS


def _paired(these: Sequence[TextLine], those: Sequence[TextLine]) -> float:
    def partner(a: TextLine, b: TextLine) -> bool:
        size = max(a.box.height, b.box.height)
        return abs(a.box.cy - b.box.cy) < ROW_SLACK * size and abs(a.box.height - b.box.height) < 0.3 * size

    return sum(1 for a in these if any(partner(a, b) for b in those)) / max(1, len(these))


def _mid(box: Box, axis: str) -> float:
    return box.cy if axis == "y" else box.cx


def _group(cells: Sequence[Cell], seen: Sequence[Seen]) -> list[list[Cell]]:
    """One group per material and person among the cells with a document of their own (two cells of one
    card or one document cut in two are one group); a face of the same form naming nobody (a card's back
    face) completes the nearest person of its form whose card lacks that face, else joins the nearest
    group of its form; a cell without a document of its own joins the nearest group."""
    groups: dict[Owner, list[Cell]] = {}
    parts: dict[Owner, set[str]] = {}
    named = set()
    for k, (cell, s) in enumerate(zip(cells, seen, strict=True)):
        if s.own and s.owner is not None and s.owner[1] is not None:
            groups.setdefault(s.owner, []).append(cell)
            parts.setdefault(s.owner, set()).update(s.parts)
            named.add(k)
    # a face of a person's form that names nobody, printed on its own or not (a back face shows too few
    # cues to stand alone): placed where its face is lacking, nearest pairs first
    faces = {
        k: (s.owner[0], s.parts)
        for k, s in enumerate(seen)
        if s.owner is not None and s.owner[1] is None and s.parts and any(o[0] == s.owner[0] for o in groups)
    }
    placed = named | _complete(cells, faces, groups, parts)
    for k, (cell, s) in enumerate(zip(cells, seen, strict=True)):
        if k in placed or not s.own or s.owner is None:
            continue
        placed.add(k)
        same = [o for o in groups if o[0] == s.owner[0]]
        if same:
            groups[min(same, key=lambda o: _gap(cell, groups[o]))].append(cell)
        else:
            groups.setdefault(s.owner, []).append(cell)
    if len(groups) < 2:
        return []
    for k, cell in enumerate(cells):
        if k not in placed:
            groups[min(groups, key=lambda o: _gap(cell, groups[o]))].append(cell)
    return list(groups.values())


def _complete(
    cells: Sequence[Cell],
    faces: dict[int, tuple[str, frozenset[str]]],
    groups: dict[Owner, list[Cell]],
    parts: dict[Owner, set[str]],
) -> set[int]:
    """Each face (cell index → its form and parts) joined to the nearest person's group of its form whose
    card lacks it: of two persons' cards laid out in a grid, each back face completes one card, even where
    it lies as near to the other person's front as to its own. Returns the faces placed (those no card
    lacks are not)."""
    placed: set[int] = set()
    while True:
        pairs = [
            (_gap(cells[k], groups[o]), k, o)
            for k, (form, shown) in faces.items()
            if k not in placed
            for o in groups
            if o[0] == form and shown - parts[o]
        ]
        if not pairs:
            return placed
        _, k, o = min(pairs, key=lambda t: t[0])
        groups[o].append(cells[k])
        parts[o].update(faces[k][1])
        placed.add(k)


def _gap(cell: Cell, group: Sequence[Cell]) -> float:
    """How far a cell's text lies from a group's (the cells themselves tile the page and touch)."""
    return min(
        _distance(union([ln.box for ln in cell.lines]), union([ln.box for ln in other.lines]))
        for other in group
    )


def _distance(a: Box, b: Box) -> float:
    dx = max(0.0, max(a.x0, b.x0) - min(a.x1, b.x1))
    dy = max(0.0, max(a.y0, b.y0) - min(a.y1, b.y1))
    return float((dx * dx + dy * dy) ** 0.5)


def _sub(page: Page, lines: list[TextLine], box: Box) -> Page:
    kept = {id(ln) for ln in lines}
    return page.model_copy(update={"lines": [ln for ln in page.lines if id(ln) in kept], "region": box})
