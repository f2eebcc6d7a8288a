"""Rows of a numbered table (序号 | 姓名 | 身份证号码 | …): one row per person on staff lists,
contribution tables and insurance certificates."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Mapping, Sequence

from prereview.approx import strip_punctuation
from prereview.documents import Page, PageSource, TextLine
from prereview.extract.cells import label_like
from prereview.extract.layout import GAP_EMS, OCR_BOXES, Char, Row, char_boxes, rows_of, text_of

INDEX_LABELS = ("序号", "序")
OCR_WRAP = 0.75  # a line whose middle is closer than this many padded OCR box heights wraps the one above
_INDEX = re.compile(r"^\d{1,3}$")


def read_table(page: Page, fields: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """Cells of every numbered row under a header that names at least two of ``fields``.

    ``fields`` maps a field name to the labels that head its column. Returns [] when the page
    has no such table."""
    header = _header(page.lines, fields)
    if header is None:
        return []
    y_header, columns = header
    index_x = next((x for name, x in columns if name == "#"), None)
    if index_x is None:
        return []
    body = sorted((ln for ln in page.lines if ln.box.y0 > y_header), key=lambda ln: (ln.box.y0, ln.box.x0))
    numbered = [
        ln for ln in body if _INDEX.match(ln.text.strip()) and abs(ln.box.x0 - index_x) < 3 * ln.box.height
    ]
    # a row starts a little above its number's centre: OCR boxes of one row differ in top and height
    starts = [ln.box.cy - 0.6 * ln.box.height for ln in numbered]
    if len(starts) >= 2 and numbered[0].text.strip() == "2":
        # the first row's 1 went unread (a faint digit on a photo): its row is the cells one spacing above 2
        top = 2 * starts[0] - starts[1]
        if any(top <= ln.box.cy < starts[0] for ln in body):
            starts.insert(0, top)
    rows = []
    for k, top in enumerate(starts):
        bottom = starts[k + 1] if k + 1 < len(starts) else top + _pitch(starts)
        band = [ln for ln in body if top <= ln.box.cy < bottom]
        if k + 1 == len(starts):
            band = _until_gap(band)
        rows.append(_cells(band, columns, text_layer=page.source is not PageSource.OCR))
    return rows


def _pitch(starts: list[float]) -> float:
    """How far the last row may reach: as far as the rows above are apart (the largest spacing, a row
    with a wrapped cell included), so a line printed below the table (机构（盖章）, 以上信息来源…) stays
    out of it however small the gap; a table of one row has no spacing and ends at a gap alone."""
    steps = [b - a for a, b in itertools.pairwise(starts)]
    return max(steps) if steps else float("inf")


def _header(
    lines: Sequence[TextLine], fields: Mapping[str, Sequence[str]]
) -> tuple[float, list[tuple[str, float]]] | None:
    """(top of the header row, its columns as (field or "#" or "?", left edge)), for the row naming most
    fields."""

    def named(cells: list[tuple[str, float]]) -> int:
        return sum(1 for name, _ in cells if name not in ("#", "?"))

    def numbered(cells: list[tuple[str, float]]) -> bool:
        return any(name == "#" for name, _ in cells)

    rows = [
        (
            min(ln.box.y0 for ln in row),
            [cell for ln in row for cell in _header_cells(ln, fields)],
        )
        for row in _rows(lines)
    ]
    # a header names two asked-for columns, or one beside a 序号 column (序号 | 姓名 | 个人编号 | 参保险种)
    best = max(rows, key=lambda r: (named(r[1]), numbered(r[1])), default=None)
    if best is None or named(best[1]) < (1 if numbered(best[1]) else 2):
        return None
    return best[0], sorted(best[1], key=lambda c: c[1])


def _rows(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Lines in rows by vertical overlap with the row's first line. OCR boxes of one row differ in
    height and top (a 序号 cell whose two characters stand one above the other is twice as high),
    so rows are not cut at fixed heights; comparing with the first line only keeps a tall cell from
    chaining the rows above and below into one."""
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box.y0, ln.box.x0)):
        for row in rows:
            first = row[0].box
            overlap = min(ln.box.y1, first.y1) - max(ln.box.y0, first.y0)
            if overlap >= 0.5 * min(ln.box.height, first.height):
                row.append(ln)
                break
        else:
            rows.append([ln])
    return rows


def _header_cells(ln: TextLine, fields: Mapping[str, Sequence[str]]) -> list[tuple[str, float]]:
    """A header line's cells as (field or "#" or "?", left edge). A text layer may give a whole header
    row's cells as one line parted by spaces (序号 姓名 | 学历 岗位): split when every piece names a
    column by itself; a cell whose characters OCR spaced apart (姓  名) stays whole."""
    pieces = [(m.group(), m.start()) for m in re.finditer(r"\S+", ln.text)]
    if len(pieces) > 1:
        names = [_column_name(strip_punctuation(text), fields) for text, _ in pieces]
        if "?" not in names:
            boxes = char_boxes(ln)
            return [(name, boxes[start].x0) for name, (_, start) in zip(names, pieces, strict=True)]
    return [(_column_name(strip_punctuation(ln.text), fields), ln.box.x0)]


def _column_name(text: str, fields: Mapping[str, Sequence[str]]) -> str:
    if text in INDEX_LABELS:
        return "#"
    for name, labels in fields.items():
        if any(
            strip_punctuation(label) == text or (len(text) > 1 and text.startswith(strip_punctuation(label)))
            for label in labels
        ):
            return name
    return "?"  # a column the rules do not ask about: still a boundary between cells


def _until_gap(band: list[TextLine]) -> list[TextLine]:
    """The last row ends where the text below it stops looking like part of it (a wide gap)."""
    if not band:
        return band
    kept = [band[0]]
    for ln in band[1:]:
        if ln.box.y0 - max(k.box.y1 for k in kept) > 1.5 * ln.box.height:
            break
        kept.append(ln)
    return kept


def _cells(band: list[TextLine], columns: list[tuple[str, float]], *, text_layer: bool) -> dict[str, str]:
    edges = [x for _, x in columns]
    order = {id(ln): r for r, row in enumerate(_rows(band)) for ln in row}
    cells: dict[str, list[tuple[int, float, str]]] = {}
    for ln in band:
        chars = [(ch, box) for ch, box in zip(ln.text, char_boxes(ln), strict=True) if not ch.isspace()]
        cols = [
            max((i for i, x in enumerate(edges) if box.cx >= x - 0.3 * box.height), default=0)
            for _, box in chars
        ]
        for k in range(1, len(cols)):
            # an OCR box overhangs its cell by its padding: characters past an edge by less than a
            # character height (the last digits of an ID number), or one character alone, stay in the
            # column their run of text started in
            if cols[k] == cols[k - 1] or _space_before(ln.text, k):
                continue
            if cols[k:].count(cols[k]) < 2 or ln.box.x1 - edges[cols[k]] < ln.box.height:
                cols[k] = cols[k - 1]
        if text_layer:
            cols = _whole_runs(ln.text, cols)
        for (ch, box), col in zip(chars, cols, strict=True):
            cells.setdefault(columns[col][0], []).append((order[id(ln)], box.x0, ch))
    return {
        name: "".join(ch for _, _, ch in sorted(chars))
        for name, chars in cells.items()
        if name not in ("#", "?")
    }


def _whole_runs(text: str, cols: list[int]) -> list[int]:
    """A text layer's line joins cells with spaces (宋刚敏 360102…): each run between spaces is one
    cell's, in the column most of its characters fall in. The characters' boxes are estimated from the
    line's width (digits narrower than they print), so a run's first characters may seem to stand in
    the cell to its left."""
    out: list[int] = []
    for run in text.split():
        own = cols[len(out) : len(out) + len(run)]
        out += [max(own, key=lambda c: (own.count(c), c))] * len(own)
    return out


def _space_before(text: str, k: int) -> bool:
    """Whether whitespace separates the k-th non-space character of `text` from the one before it."""
    seen = -1
    for i, ch in enumerate(text):
        if not ch.isspace():
            seen += 1
            if seen == k:
                return i > 0 and text[i - 1].isspace()
    return False


def read_column(
    page: Page, labels: Sequence[str], *, captions: Collection[str] | None = None
) -> list[str] | None:
    """`read_column_scored` without the scores."""
    found = read_column_scored(page, labels, captions=captions)
    return None if found is None else [text for text, _ in found]


def read_column_scored(
    page: Page, labels: Sequence[str], *, captions: Collection[str] | None = None
) -> list[tuple[str, float]] | None:
    """The entries of a table column headed by one of ``labels`` (股东姓名或名称 | 出资额 | …), top to
    bottom, "" for a row whose cell in the column is blank; None when no table header on the page
    carries the label. With ``captions``, only a header row whose every cell is one of them counts (a
    form's row of caption-value pairs is no header).

    A header row has three or more cells; a header cell may wrap onto a second line (股东（发起人）名称 /
    或姓名), which is the row right under it with no padding. The column spans from its header to the
    next header cell; the table ends at the first gap clearly wider than the rows' own spacing."""
    wanted = [strip_punctuation(label) for label in labels if strip_punctuation(label)]
    known = None if captions is None else {strip_punctuation(c) for c in captions} | set(INDEX_LABELS)
    if page.source is not PageSource.OCR:
        return _column_in(rows_of(page.lines, gap_ems=GAP_EMS), wanted, page.width, ocr=False, known=known)
    # Padded OCR boxes of neighbouring cells come closer than the gap that parts phrases: each box is
    # a cell of its own, as the detector split them; a header cell split in two (姓  名) is read whole
    # on the second pass.
    for gap_ems in (OCR_BOXES, GAP_EMS):
        rows = rows_of(page.lines, gap_ems=gap_ems)
        found = _column_in(rows, wanted, page.width, ocr=True, known=known)
        if found is not None:
            return found
    return None


def _column_in(
    rows: list[Row], wanted: Sequence[str], width: float, *, ocr: bool, known: set[str] | None
) -> list[tuple[str, float]] | None:
    for exact in (True, False):  # 证件号码 itself before 证件类型, the start of 证件类型及号码
        for r, row in enumerate(rows):
            segs = row.segments()
            if len(segs) < 3 or (
                known is not None and any(strip_punctuation(text_of(s)) not in known for s in segs)
            ):
                continue
            k = next(
                (
                    k
                    for k, seg in enumerate(segs)
                    if _heads(strip_punctuation(text_of(seg)), wanted, exact=exact)
                ),
                None,
            )
            if k is None:
                continue
            h = row.height
            x0 = segs[k][0].box.x0
            # the neighbours across the page, not in the row's order: a header cell's wrapped second
            # line (股东名称 / 姓名) stands under its first, left of the next cell
            before = max((s[-1].box.x1 for s in segs if s[-1].box.x1 <= x0 + 0.3 * h), default=None)
            after = min(
                (s[0].box.x0 for s in segs if s[0].box.x0 > segs[k][-1].box.x1 - 0.3 * h), default=None
            )
            left = (before + x0) / 2 if before is not None else 0.0
            right = after - 0.2 * h if after is not None else width
            return _column_entries(rows[r:], left, right, ocr=ocr)
    return None


def _heads(text: str, wanted: Sequence[str], *, exact: bool) -> bool:
    if exact:
        return text in wanted
    return any(len(text) >= 4 and (w.startswith(text) or text.startswith(w)) for w in wanted)


def _inside(row: Row, left: float, right: float, h: float) -> list[Char]:
    """The row's characters in the column: whole segments by where they start (a neighbour cell's text
    OCR joined to this one stays out), and the characters inside the column of a segment that started
    in the cell to its left and runs well into this one (OCR read 统一社会信用 and the code as one box)."""
    out: list[Char] = []
    for seg in row.segments():
        middle = (seg[0].box.x0 + seg[-1].box.x1) / 2
        if left <= seg[0].box.x0 + 0.3 * h < right + 0.3 * h and middle < right + 0.3 * h:
            out += seg  # (a short cell of the next column, set a little left of its header, stays out)
        elif seg[0].box.x0 < left and seg[-1].box.x1 > left + 2 * h:
            out += [c for c in seg if left + 0.3 * h <= c.box.x0 and c.box.cx < right]
    return out


def _wrapped(prev: Row, row: Row, *, ocr: bool) -> bool:
    """Whether `row` is the second line of `prev`'s cells rather than a row of its own. A text layer's
    boxes are the glyphs: a wrapped line follows within half a line. OCR boxes are padded, rows of a
    table touch or overlap, so the distance between the lines' middles decides: a wrapped line comes at
    the line spacing, well under one padded box height, table rows a box height or more apart."""
    if ocr:
        return _distance(prev, row, ocr=True) < OCR_WRAP * max(prev.height, row.height)
    return _distance(prev, row, ocr=False) < 0.5 * prev.height


def _distance(prev: Row, row: Row, *, ocr: bool) -> float:
    """How far `row` is below `prev`: the gap between them, between their middles for padded OCR boxes."""
    return (row.top + row.bottom - prev.top - prev.bottom) / 2 if ocr else row.top - prev.bottom


def _across(seg: list[Char], left: float, right: float, h: float) -> bool:
    """Whether a segment runs across the column: from inside it far past its right edge, or from left of
    it past its right edge (a cell of the table's own would end at its column's edge)."""
    x0, x1 = seg[0].box.x0, seg[-1].box.x1
    return (left <= x0 < right and x1 > right + 3 * h) or (x0 < left - h and x1 > right + h)


def _under_header(row: Row, starts: list[float], h: float) -> bool:
    """Whether most of the header's columns have a cell of `row` starting under their header cell."""
    under = sum(1 for x in starts if any(abs(seg[0].box.x0 - x) < h for seg in row.segments()))
    return under >= max(3, math.ceil(0.6 * len(starts)))


def _column_entries(rows: Sequence[Row], left: float, right: float, *, ocr: bool) -> list[tuple[str, float]]:
    """The column's entries in the rows under the header ``rows[0]``, each with the lowest score of its
    characters (1.0 for a blank cell)."""
    h = rows[0].height
    last = rows[0]
    k = 1
    # the header's wrapped second line: captions only (a first row of tight OCR rows has its numbers)
    while (
        k < len(rows)
        and _wrapped(last, rows[k], ocr=ocr)
        and all(label_like(text_of(s)) for s in rows[k].segments())
    ):
        last = rows[k]
        k += 1
    entries: list[tuple[str, float]] = []
    pitch: float | None = None
    starts = [seg[0].box.x0 for seg in rows[0].segments()]
    for row in rows[k:]:
        gap = _distance(last, row, ocr=ocr)
        # the next section: farther below than the rows are apart (middles of OCR rows: a smaller factor),
        # unless the row's cells stand under the header's (a row of wrapped cells is taller than the first)
        far = gap > ((1.3 if ocr else 1.6) * pitch if pitch is not None else 2.5 * h)
        if far and not _wrapped(last, row, ocr=ocr) and (gap > 4 * h or not _under_header(row, starts, h)):
            break
        inside = _inside(row, left, right, h)
        if any(_across(seg, left, right, h) for seg in row.segments()):
            break  # a paragraph or a form's value running across the columns: below the table
        wrapped = _wrapped(last, row, ocr=ocr)
        last = row
        if not inside:
            if not wrapped and len(row.segments()) >= 2:
                pitch = gap if pitch is None else pitch
                entries.append(("", 1.0))  # the row has its other cells: this one is blank
            continue
        text, score = text_of(inside), min(c.score for c in inside)
        if entries and wrapped:
            entries[-1] = (entries[-1][0] + text, min(entries[-1][1], score))  # the cell's wrapped line
            continue
        pitch = gap if pitch is None else pitch
        entries.append((text, score))
    return entries
