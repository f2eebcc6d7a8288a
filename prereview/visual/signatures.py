"""Handwritten signatures next to signing labels (签字 / 签名 / 签章 / 法定代表人（签字）…).

For each signing label the zone right of it (or below it, when the label ends a table cell) is
searched for ink that is neither seal-red nor a ruling line (underscores, cell borders) nor printed
text. Printed text is known exactly on text-layer pages (every text line is print). On OCR pages the
recogniser also reads handwriting, so a line in the zone counts as print only when it looks like the
label's own print: same ink colour, same glyph height, on the same baseline. Handwriting differs
in at least one: ballpoint blue, bigger or smaller, off the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np
from pydantic import BaseModel

from prereview.documents import Box, Mark, PageSource, TextLine
from prereview.extract.layout import Char, Row, build_rows, union
from prereview.visual._image import as_rgb, clip_box, flatten, ink_mask, strip_rules

_KEYWORD = re.compile(r"签字|签名|签章|签署|手签")
_MAX_LABEL = 24  # characters: longer phrases are sentences mentioning signatures
_OPEN, _CLOSE = "（([【", "）)]】"


class SignatureReading(BaseModel):
    label: str  # the signing label as printed, "委托人（签字）"
    label_box: Box
    signed: bool
    mark: Mark | None = None  # kind="signature": the handwriting found
    printed: str = ""  # printed text found where the signature belongs (a typed name is no signature)
    ink: float = 0.0  # handwriting area in squared label heights


def _label_end(text: str, keyword_end: int, *, own_bracket: bool) -> int | None:
    """Where a signing label ends (past brackets, slashes and the colon), or None when the keyword
    only occurs in a sentence ("签署的有关文件", "双方签字（盖章）之日起", "签署日期")."""
    k = keyword_end
    while k < len(text):
        if text[k] in _CLOSE + "/／、":
            k += 1
        elif text[k] in _OPEN and any(text[j] in _CLOSE for j in range(k + 1, min(k + 7, len(text)))):
            k = next(j for j in range(k + 1, len(text)) if text[j] in _CLOSE) + 1
        else:
            break
    if k < len(text) and text[k] in ":：":
        while k < len(text) and text[k] in ":：":
            k += 1
        return k
    # "（签字）" then handwriting the OCR glued on: a label even without a colon
    return k if k == len(text) or own_bracket else None


def _label_spans(row: Row) -> list[tuple[int, int]]:
    """(start, end) char spans of the signing labels in a row."""
    spans = []
    for seg in row.segments():
        text = "".join(c.ch for c in seg)
        for m in _KEYWORD.finditer(text):
            start = _phrase_start(text, m.start())
            own = any(ch in _OPEN for ch in text[start : m.start()]) and m.end() < len(text) and text[m.end()] in _CLOSE
            end = _label_end(text, m.end(), own_bracket=own)
            if end is not None and m.end() - start <= _MAX_LABEL:
                base = row.chars.index(seg[0])
                spans.append((base + start, base + end))
    return spans


def _phrase_start(text: str, keyword_at: int) -> int:
    """Where the label begins: after the last sentence punctuation before the keyword."""
    cut = max(text.rfind(p, 0, keyword_at) for p in "。；;，,:：")
    return cut + 1 if cut >= 0 else 0


def _lab(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    if mask.sum() < 8:
        return None
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).reshape(-1, 3)[mask.reshape(-1)].astype(np.float32)
    return np.asarray(np.median(lab, axis=0))


class _Page:
    """The flattened image, its ink and what the label's own print looks like."""

    def __init__(self, image: np.ndarray, lines: Sequence[TextLine], source: PageSource | None) -> None:
        self.rgb = as_rgb(image)
        self.flat = flatten(self.rgb)
        self.ink = ink_mask(self.flat)
        self.lines = lines
        self.source = source

    def ink_in(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = clip_box(box, self.ink.shape)
        return np.asarray(self.ink[y0:y1, x0:x1])

    def colour(self, box: Box) -> np.ndarray | None:
        x0, y0, x1, y1 = clip_box(box, self.ink.shape)
        return _lab(self.flat[y0:y1, x0:x1], self.ink[y0:y1, x0:x1])


def _zone(row: Row, end: int, label: Box, width: float) -> tuple[Box, bool]:
    """Where the signature goes: right of the label up to the next printed label, else below it."""
    h = max(label.height, 4.0)
    limit = min(label.x1 + 10 * h, width)
    for c in row.chars[end:]:
        if c.ch in ":：" and c.box.x0 > label.x1 + 2 * h:  # the next "标签：" on the row
            limit = min(limit, c.box.x0 - 4 * h)
            break
    if limit - label.x1 >= 2.5 * h:
        return Box(x0=label.x1 + 0.15 * h, y0=label.cy - 1.1 * h, x1=limit, y1=label.cy + 1.1 * h), False
    return Box(x0=label.x0 - h, y0=label.y1 + 0.1 * h, x1=label.x1 + h, y1=label.y1 + 2.6 * h), True


def _extent(page: _Page, x0: float, x1: float, label: Box) -> tuple[float, float] | None:
    """Top and bottom of the ink between x0 and x1 around the label's row."""
    h = label.height
    y0 = label.cy - 1.0 * h
    ink = page.ink_in(Box(x0=x0, y0=y0, x1=x1, y1=label.cy + 1.0 * h))
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    return (y0 + rows[0], y0 + rows[-1] + 1) if rows.size else None


def _printed_like(page: _Page, chars: list[Char], label: Box, label_ink: tuple[np.ndarray | None, tuple[float, float] | None]) -> bool:
    """Whether OCR-read characters in the zone are print: the label's ink colour, top and bottom."""
    box = union([c.box for c in chars])
    colour, extent = page.colour(box), _extent(page, box.x0, box.x1, label)
    label_colour, label_extent = label_ink
    if extent is None or label_extent is None:
        return False
    h = label.height
    aligned = abs(extent[0] - label_extent[0]) < 0.2 * h and abs(extent[1] - label_extent[1]) < 0.2 * h
    if label_colour is None or colour is None:
        return aligned
    shift = float(np.hypot(colour[1] - label_colour[1], colour[2] - label_colour[2]))
    return aligned and shift < 9.0


def _handwriting(page: _Page, zone: Box, drop: list[Box], h: float) -> tuple[float, Box | None]:
    """Area (in h²) and box of ink in `zone` after removing rules, printed boxes and specks."""
    x0, y0, x1, y1 = clip_box(zone, page.ink.shape)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0.0, None
    ink = page.ink[y0:y1, x0:x1].copy()
    for b in drop:
        bx0, by0, bx1, by1 = clip_box(Box(x0=b.x0 - 2, y0=b.y0 - 2, x1=b.x1 + 2, y1=b.y1 + 2), page.ink.shape)
        ink[max(by0 - y0, 0) : max(by1 - y0, 0), max(bx0 - x0, 0) : max(bx1 - x0, 0)] = False
    ink = strip_rules(ink, min_len=max(int(2.5 * h), 8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= max(4.0, 0.012 * h * h)]
    if not keep:
        return 0.0, None
    area = float(sum(stats[i, cv2.CC_STAT_AREA] for i in keep))
    xs = [stats[i, cv2.CC_STAT_LEFT] for i in keep]
    ys = [stats[i, cv2.CC_STAT_TOP] for i in keep]
    xe = [stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in keep]
    ye = [stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in keep]
    box = Box(x0=x0 + min(xs), y0=y0 + min(ys), x1=x0 + max(xe), y1=y0 + max(ye))
    return area / (h * h), box


def _read(page: _Page, rows: list[Row], r: int, span: tuple[int, int], *, min_ink: float) -> SignatureReading:
    row = rows[r]
    label_chars = row.chars[span[0] : span[1]]
    label = union([c.box for c in label_chars])
    h = max(label.height, 4.0)
    zone, below = _zone(row, span[1], label, page.rgb.shape[1])
    label_ink = (page.colour(label), _extent(page, label.x0, label.x1, label))
    drop: list[Box] = []
    printed: list[str] = []
    for other_r, other in enumerate(rows):
        for seg in other.segments():
            chars = [c for c in seg if not (other_r == r and span[0] <= row.chars.index(c) < span[1])]
            if not chars:
                continue
            box = union([c.box for c in chars])
            if box.x1 < zone.x0 or box.x0 > zone.x1 or box.y1 < zone.y0 or box.y0 > zone.y1:
                continue
            candidate = other_r == r or below
            if page.source is PageSource.TEXT or not candidate or _printed_like(page, chars, label, label_ink):
                drop.append(box)
                if candidate:
                    printed.append("".join(c.ch for c in chars))
    drop.append(label)
    ink, box = _handwriting(page, zone, drop, h)
    signed = ink >= min_ink and box is not None and box.width >= 0.6 * h
    text = "".join(c.ch for c in label_chars).rstrip(":：")
    mark = Mark(kind="signature", box=box, label=text, score=round(min(1.0, ink / (4 * min_ink)), 3)) if signed and box else None
    return SignatureReading(label=text, label_box=label, signed=signed, mark=mark, printed="".join(printed), ink=round(ink, 3))


def find_signatures(
    image: np.ndarray, lines: Sequence[TextLine], *, source: PageSource | None = None, min_ink: float = 0.35
) -> list[SignatureReading]:
    """Every signing label on the page and whether handwriting stands by it.

    `lines` must be in the image's pixel coordinates; `source` says whether they come from a PDF text
    layer (then all of them are print) or from OCR (then handwriting may be among them).
    """
    page = _Page(image, lines, source)
    rows = build_rows(lines)
    return [_read(page, rows, r, span, min_ink=min_ink) for r, row in enumerate(rows) for span in _label_spans(row)]
