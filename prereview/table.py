"""Rows of a numbered table (序号 | 姓名 | 身份证号码 | …): one row per person on staff lists,
contribution tables and insurance certificates."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from prereview.documents import Page, TextLine
from prereview.extract._cells import text_of
from prereview.extract.layout import Row, build_rows, char_boxes
from prereview.recognise import compact

INDEX_LABELS = ("序号", "序")
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
    starts = [ln.box.y0 for ln in body if _INDEX.match(ln.text.strip()) and abs(ln.box.x0 - index_x) < 3 * ln.box.height]
    rows = []
    for k, top in enumerate(starts):
        bottom = starts[k + 1] if k + 1 < len(starts) else float("inf")
        band = [ln for ln in body if top - 2 <= ln.box.y0 < bottom - 2]
        if k + 1 == len(starts):
            band = _until_gap(band)
        rows.append(_cells(band, columns))
    return rows


def _header(lines: Sequence[TextLine], fields: Mapping[str, Sequence[str]]) -> tuple[float, list[tuple[str, float]]] | None:
    """(top of the header row, its columns as (field or "#" or "?", left edge)), for the row naming most fields."""
    by_row: dict[int, list[tuple[str, float]]] = {}
    for ln in lines:
        key = round(ln.box.y0 / max(ln.box.height, 1.0))
        by_row.setdefault(key, []).append((_column_name(compact(ln.text), fields), ln.box.x0))
    def named(cells: list[tuple[str, float]]) -> int:
        return sum(1 for name, _ in cells if name not in ("#", "?"))

    def numbered(cells: list[tuple[str, float]]) -> bool:
        return any(name == "#" for name, _ in cells)

    # a header names two asked-for columns, or one beside a 序号 column (序号 | 姓名 | 个人编号 | 参保险种)
    best = max(by_row.items(), key=lambda kv: (named(kv[1]), numbered(kv[1])), default=None)
    if best is None or named(best[1]) < (1 if numbered(best[1]) else 2):
        return None
    y = min(ln.box.y0 for ln in lines if round(ln.box.y0 / max(ln.box.height, 1.0)) == best[0])
    return y, sorted(best[1], key=lambda c: c[1])


def _column_name(text: str, fields: Mapping[str, Sequence[str]]) -> str:
    if text in INDEX_LABELS:
        return "#"
    for name, labels in fields.items():
        if any(compact(label) == text or (len(text) > 1 and text.startswith(compact(label))) for label in labels):
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


def _cells(band: list[TextLine], columns: list[tuple[str, float]]) -> dict[str, str]:
    edges = [x for _, x in columns]
    cells: dict[str, list[tuple[float, float, str]]] = {}
    for ln in band:
        for ch, box in zip(ln.text, char_boxes(ln), strict=True):
            if ch.isspace():
                continue
            col = max((i for i, x in enumerate(edges) if box.cx >= x - 0.3 * box.height), default=0)
            cells.setdefault(columns[col][0], []).append((box.y0, box.x0, ch))
    return {name: "".join(ch for _, _, ch in sorted(chars, key=lambda t: (round(t[0] / 4), t[1])))
            for name, chars in cells.items() if name not in ("#", "?")}  # fmt: skip


def read_column(page: Page, labels: Sequence[str]) -> list[str] | None:
    """The entries of a table column headed by one of ``labels`` (股东姓名或名称 | 出资额 | …), top to
    bottom; None when no table header on the page carries the label.

    A header row has three or more cells; a header cell may wrap onto a second line (股东（发起人）名称 /
    或姓名), which is the row right under it with no padding. The column spans from its header to the
    next header cell; the table ends at the first gap clearly wider than the rows' own spacing."""
    wanted = [compact(label) for label in labels if compact(label)]
    rows = build_rows(page.lines)
    for exact in (True, False):  # 证件号码 itself before 证件类型, the start of 证件类型及号码
        for r, row in enumerate(rows):
            segs = row.segments()
            if len(segs) < 3:
                continue
            k = next((k for k, seg in enumerate(segs) if _heads(compact(text_of(seg)), wanted, exact=exact)), None)
            if k is None:
                continue
            h = row.height
            left = (segs[k - 1][-1].box.x1 + segs[k][0].box.x0) / 2 if k else 0.0
            right = segs[k + 1][0].box.x0 - 0.2 * h if k + 1 < len(segs) else page.width
            return _column_entries(rows[r + 1 :], row.bottom, h, left, right)
    return None


def _heads(text: str, wanted: Sequence[str], *, exact: bool) -> bool:
    if exact:
        return text in wanted
    return any(len(text) >= 4 and (w.startswith(text) or text.startswith(w)) for w in wanted)


def _column_entries(below: Sequence[Row], bottom: float, h: float, left: float, right: float) -> list[str]:
    k = 0
    while k < len(below) and below[k].top - bottom < 0.5 * h:  # the header's wrapped second line
        bottom = below[k].bottom
        k += 1
    entries: list[str] = []
    pitch: float | None = None
    for row in below[k:]:
        gap = row.top - bottom
        if gap > (1.6 * pitch if pitch is not None else 2.5 * h) and gap > 0.5 * h:
            break
        # whole segments by where they start: a neighbour cell's text OCR joined to this one stays out
        inside = [c for seg in row.segments() if left <= seg[0].box.x0 + 0.3 * h < right + 0.3 * h for c in seg]
        if any(left <= seg[0].box.x0 < right and seg[-1].box.x1 > right + 3 * h for seg in row.segments()):
            break  # a paragraph running across the columns: below the table
        bottom = row.bottom
        if not inside:
            continue
        text = text_of(inside)
        if entries and gap < 0.5 * h:
            entries[-1] += text  # the cell's wrapped second line
            continue
        pitch = gap if pitch is None else pitch
        entries.append(text)
    return entries
