"""Handwritten signatures next to signing labels (签字 / 签名 / 签章 / 法定代表人（签字）…) and under copy
certifications (此复印件与原件一致), where signing labels come from (see `signlabels`).

For each signing label the zone right of it (or below it, when the label ends a table cell) is
searched for ink that is neither seal-red nor a ruling line (underscores, cell borders) nor printed
text. Printed text is known exactly on text-layer pages (every text line is print). On OCR pages the
recogniser also reads handwriting, so a piece of text in the zone counts as print only when it looks
like the label's own print: same ink colour, same top and bottom. Handwriting differs in at least
one (ballpoint blue, bigger or smaller, off the line) in practice. Under a certification, where the
phrase itself is often handwritten, a piece is print when it is a line of the page's print height.

Ink amounts are measured against the label's own ink per character, which makes the threshold
independent of resolution, font size and stroke weight, and each image is flattened against its
local paper first, so shadows and colour casts do not count as ink.

An unsigned reading says why it may be wrong (`doubt`): ink too light for the ink threshold but
darker than the paper's own noise (a dry pen, a pencil, a blurred stroke), a little ink short of a
signature, or a label whose own print hardly reads as ink (a dark shadow, blur): the place cannot be
judged empty there.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from pydantic import BaseModel

from prereview.documents import Box, Mark, PageSource, TextLine
from prereview.extract.layout import Char, Row, build_rows, union
from prereview.visual.pixels import as_rgb, clip_box, faint_ink_mask, flatten, ink_mask, strip_rules
from prereview.visual.signlabels import CERTIFIED, CLOSE, OPEN, PrintSize, label_spans, print_box, print_size

MIN_FAINT = 0.15  # ink, in characters' worth, below which an empty-looking place is taken as empty
DARK_PAPER = 25  # grey level of the paper under which a place is too dark to judge
_CERTIFICATE_CHARS = 14  # a certification is a short line of its own, not a sentence that mentions copies


class SignatureReading(BaseModel):
    label: str  # the signing label as printed, "委托人（签字）"
    label_box: Box
    signed: bool
    mark: Mark | None = None  # kind="signature": the handwriting found
    printed: str = ""  # printed text where the signature belongs (a typed name is no signature)
    ink: float = 0.0  # handwriting found, in characters' worth of the label's print
    doubt: str = ""  # why an unsigned reading may be wrong, plain Chinese; "" when the place is clearly empty
    heading: bool = (
        False  # an unsigned caption over signing rows (全体股东签字（盖章）： then 股东（签字）：…)
    )


def _despeckle(ink: np.ndarray, min_area: float) -> np.ndarray:
    """`ink` without the dust and noise dots of scans (components smaller than `min_area`)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < min_area)
    return np.asarray(ink & ~np.isin(labels, small[small > 0]))


class _Crop:
    """Flattened pixels and ink of the neighbourhood of one label, in page coordinates."""

    def __init__(self, rgb: np.ndarray, area: Box, *, speck: float) -> None:
        self.x0, self.y0, x1, y1 = clip_box(area, rgb.shape)
        raw = rgb[self.y0 : y1, self.x0 : x1]
        self.flat = flatten(raw)
        self.ink = _despeckle(ink_mask(self.flat), speck)
        self.speck = speck
        # the paper's brightness before flattening: below ~25 grey levels flattening shows only noise
        self.paper = float(np.percentile(raw[::2, ::2].max(axis=2), 90)) if raw.size else 0.0

    def _local(self, box: Box) -> tuple[int, int, int, int]:
        shifted = Box(x0=box.x0 - self.x0, y0=box.y0 - self.y0, x1=box.x1 - self.x0, y1=box.y1 - self.y0)
        return clip_box(shifted, self.ink.shape)

    def ink_in(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = self._local(box)
        return np.asarray(self.ink[y0:y1, x0:x1])

    def colour(self, box: Box) -> np.ndarray | None:
        """Median (L, a, b) of the ink in `box`."""
        x0, y0, x1, y1 = self._local(box)
        mask = self.ink[y0:y1, x0:x1]
        if mask.sum() < 8:
            return None
        lab = cv2.cvtColor(self.flat[y0:y1, x0:x1], cv2.COLOR_RGB2LAB)[mask].astype(np.float32)
        return np.asarray(np.median(lab, axis=0))

    def axis_share(self, box: Box) -> float | None:
        """Share of strong edges running horizontally or vertically: print's strokes do (CJK type is
        built of 横 and 竖), handwriting's lean and curve."""
        x0, y0, x1, y1 = self._local(box)
        grey = cv2.cvtColor(self.flat[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
        if grey.size < 16:
            return None
        gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
        mag = np.hypot(gx, gy)
        strong = mag > 0.3 * float(mag.max() or 1.0)
        ang = np.degrees(np.arctan2(gy, gx)) % 90
        axis = strong & ((ang < 12) | (ang > 78))
        return float(mag[axis].sum() / max(float(mag[strong].sum()), 1e-6))

    def extent(self, x0: float, x1: float, label: Box) -> tuple[float, float] | None:
        """Top and bottom of the band of ink between x0 and x1 that holds the label's row centre
        (neighbouring rows are cut off at the blank gap between them)."""
        top = label.cy - label.height
        ink = self.ink_in(Box(x0=x0, y0=top, x1=x1, y1=label.cy + label.height))
        inked = ink.sum(axis=1) >= max(2, 0.02 * ink.shape[1])
        rows = np.flatnonzero(inked)
        if not rows.size:
            return None
        centre = int(rows[np.argmin(np.abs(rows - (label.cy - top)))])
        gap = max(2, int(0.08 * label.height))
        lo = hi = centre
        while lo > 0 and inked[max(0, lo - gap) : lo].any():
            lo -= 1
        while hi < len(inked) - 1 and inked[hi + 1 : hi + 1 + gap].any():
            hi += 1
        return top + lo, top + hi + 1


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


class _Reference(BaseModel, arbitrary_types_allowed=True):
    """How the label's print looks."""

    colour: np.ndarray | None
    extent: tuple[float, float] | None
    axis: float | None


def _printed_like(crop: _Crop, box: Box, label: Box, ref: _Reference) -> bool:
    """Whether OCR-read text at `box` is print like the label's:
    - the same ink colour: print is one colour (measured shifts below 1.5), ballpoint is not (2-35);
    - inside the label's top and bottom (brackets make those the line's extremes; handwriting overshoots);
    - as straight: axis-parallel edge share no lower than the label's by 0.1 (script leans and curves).
    """
    extent = crop.extent(box.x0, box.x1, label)
    if extent is None or ref.extent is None:
        return False
    tol = max(2.0, 0.12 * (ref.extent[1] - ref.extent[0]))
    if extent[0] < ref.extent[0] - tol or extent[1] > ref.extent[1] + tol:
        return False
    colour = crop.colour(box)
    if (
        ref.colour is not None
        and colour is not None
        and float(np.hypot(*(colour[1:] - ref.colour[1:]))) >= 4.0
    ):
        return False
    axis = crop.axis_share(box)
    return ref.axis is None or axis is None or axis >= ref.axis - 0.1


def _handwriting(
    crop: _Crop, zone: Box, drop: list[Box], h: float, *, faint: bool = False
) -> tuple[float, Box | None]:
    """Ink pixels and their box in `zone`, without rules, printed boxes and specks; with `faint`, the
    ink too light for `ink_mask` counted as well."""
    zx0, zy0, zx1, zy1 = crop._local(zone)
    if faint:
        light = faint_ink_mask(crop.flat[zy0:zy1, zx0:zx1])
        ink = _despeckle(light, crop.speck) | crop.ink[zy0:zy1, zx0:zx1]
    else:
        ink = crop.ink_in(zone).copy()
    pad = max(3.0, 0.25 * h) if faint else 2.0  # light ink includes print's blur and JPEG halo
    for b in drop:
        x0, y0, x1, y1 = crop._local(Box(x0=b.x0 - pad, y0=b.y0 - pad, x1=b.x1 + pad, y1=b.y1 + pad))
        ink[max(y0 - zy0, 0) : max(y1 - zy0, 0), max(x0 - zx0, 0) : max(x1 - zx0, 0)] = False
    if ink.size == 0:
        return 0.0, None
    ink = strip_rules(ink, min_len=max(int(2.5 * h), 8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = list(range(1, n))
    if not keep:
        return 0.0, None
    s = stats[keep]
    left, top = crop.x0 + zx0, crop.y0 + zy0
    box = Box(
        x0=left + float(s[:, cv2.CC_STAT_LEFT].min()),
        y0=top + float(s[:, cv2.CC_STAT_TOP].min()),
        x1=left + float((s[:, cv2.CC_STAT_LEFT] + s[:, cv2.CC_STAT_WIDTH]).max()),
        y1=top + float((s[:, cv2.CC_STAT_TOP] + s[:, cv2.CC_STAT_HEIGHT]).max()),
    )
    return float(s[:, cv2.CC_STAT_AREA].sum()), box


def _neighbours(rows: list[Row], r: int, span: tuple[int, int], zone: Box) -> list[tuple[bool, Box, str]]:
    """Text pieces in the zone: (on the label's row or under it, box, text); the label excluded."""
    out = []
    for other_r, other in enumerate(rows):
        if other.bottom < zone.y0 or other.top > zone.y1:
            continue
        k = 0
        for seg in other.segments():
            chars = [c for i, c in enumerate(seg, start=k) if other_r != r or not span[0] <= i < span[1]]
            k += len(seg)
            if not chars:
                continue
            box = union([c.box for c in chars])
            if box.x1 >= zone.x0 and box.x0 <= zone.x1 and box.y1 >= zone.y0 and box.y0 <= zone.y1:
                out.append((other_r == r, box, "".join(c.ch for c in chars)))
    return out


def _read(
    rgb: np.ndarray,
    rows: list[Row],
    r: int,
    span: tuple[int, int],
    *,
    label: Box,
    source: PageSource | None,
    min_ink: float,
    certificate: PrintSize | None = None,
) -> SignatureReading:
    """The signature by the label `rows[r].chars[span]` whose print is at `label`; with `certificate`
    (the page's print), the signature under a copy certification."""
    label_chars: list[Char] = rows[r].chars[span[0] : span[1]]
    raw = union([c.box for c in label_chars])
    h = max(label.height, 4.0)
    if certificate is not None:
        zone, below = Box(x0=label.x0 - h, y0=label.y0, x1=label.x1 + 4 * h, y1=label.y1 + 3 * h), True
    else:
        zone, below = _zone(rows[r], span[1], label, rgb.shape[1])
    if raw != label:  # what OCR merged into the label's box is searched too
        zone = union([zone, raw])
    pieces = _neighbours(rows, r, span, zone)
    if raw.x1 > label.x1 + 1:  # the rest of the label's estimated characters: print if like the label's
        pieces.append((True, Box(x0=label.x1, y0=raw.y0, x1=raw.x1, y1=raw.y1), ""))
    area = union([label, zone])
    grown = Box(x0=area.x0 - 2 * h, y0=area.y0 - 2 * h, x1=area.x1 + 2 * h, y1=area.y1 + 2 * h)
    crop = _Crop(rgb, grown, speck=max(4.0, 0.01 * h * h))
    drop, printed = _print_in(crop, pieces, label, source=source, below=below, certificate=certificate)
    pixels, ink_box = _handwriting(crop, zone, drop, h)
    letters = max(1, sum(1 for c in label_chars if c.ch not in OPEN + CLOSE + ":：/"))
    per_char = crop.ink_in(label).sum() / letters
    ink = pixels / max(per_char, 0.02 * h * h)
    text = "".join(c.ch for c in label_chars).rstrip(":：")
    if crop.paper < DARK_PAPER:  # too dark to tell a pen from noise, either way
        doubt = f"「{text}」一带光线过暗（纸面亮度 {crop.paper:.0f}/255），无法确认是否已签字"
        return SignatureReading(label=text, label_box=label, signed=False, ink=round(ink, 3), doubt=doubt)
    signed = ink >= min_ink and ink_box is not None and ink_box.width >= 0.6 * h
    mark = None
    if signed and ink_box is not None:
        mark = Mark(kind="signature", box=ink_box, label=text, score=round(min(1.0, ink / (3 * min_ink)), 3))
    doubt = (
        "" if signed else _doubt(crop, zone, drop, h, text=text, ink=ink, per_char=per_char, min_ink=min_ink)
    )
    return SignatureReading(
        label=text,
        label_box=label,
        signed=signed,
        mark=mark,
        printed="".join(printed),
        ink=round(ink, 3),
        doubt=doubt,
    )


def _print_in(
    crop: _Crop,
    pieces: list[tuple[bool, Box, str]],
    label: Box,
    *,
    source: PageSource | None,
    below: bool,
    certificate: PrintSize | None,
) -> tuple[list[Box], list[str]]:
    """The boxes in a signing zone that are print (the label's among them), and the text of those
    where the signature belongs (a typed name)."""
    reference = _Reference(
        colour=crop.colour(label), extent=crop.extent(label.x0, label.x1, label), axis=crop.axis_share(label)
    )
    drop, printed = [label], []
    for same_row, box, text in pieces:
        candidate = same_row or below
        if certificate is not None:
            is_print = source is PageSource.TEXT or _print_line(box, text, certificate.height)
        else:
            is_print = (
                source is PageSource.TEXT or not candidate or _printed_like(crop, box, label, reference)
            )
        if is_print:
            drop.append(box)
            if candidate and certificate is None:
                printed.append(text)
    return drop, printed


def _print_line(box: Box, text: str, print_height: float) -> bool:
    """A line of the page's print (under a certification, where the phrase itself may be handwriting):
    as tall as the print and longer than a name."""
    return len(text.strip()) >= 6 and box.height <= 1.3 * print_height


def _doubt(
    crop: _Crop,
    zone: Box,
    drop: list[Box],
    h: float,
    *,
    text: str,
    ink: float,
    per_char: float,
    min_ink: float,
) -> str:
    """Why an unsigned place may not be empty, or "" when it clearly is."""
    if per_char < 0.02 * h * h:  # the label's own print hardly reads as ink: so would a signature
        return f"「{text}」一带字迹几乎无法与纸面区分（阴影、过暗或模糊），无法确认是否已签字"
    if ink >= MIN_FAINT:
        return f"「{text}」处有少量笔迹（约 {ink:.1f} 个字的墨迹），不足以确认是签名"
    faint, _ = _handwriting(crop, zone, drop, h, faint=True)
    light = faint / max(per_char, 0.02 * h * h)
    if light >= max(MIN_FAINT, 0.5 * min_ink):
        return f"「{text}」处有浅淡笔迹（约 {light:.1f} 个字），可能是颜色很浅的签名，请核对"
    return ""


def find_signatures(
    image: np.ndarray, lines: Sequence[TextLine], *, source: PageSource | None = None, min_ink: float = 0.6
) -> list[SignatureReading]:
    """Every signing label and copy certification on the page, and whether handwriting stands by it.

    `lines` must be in the image's pixel coordinates; `source` says whether they come from a PDF text
    layer (then all of them are print) or from OCR (then handwriting may be among them).
    """
    rgb = as_rgb(image)
    rows = build_rows(lines)
    size = None if source is PageSource.TEXT else print_size(lines)  # a text layer's boxes are exact
    found = []
    for r, row in enumerate(rows):
        for span in label_spans(row):
            chars = row.chars[span[0] : span[1]]
            label = union([c.box for c in chars]) if size is None else print_box(rgb, lines, chars, size)
            found.append(_read(rgb, rows, r, span, label=label, source=source, min_ink=min_ink))
    readings = [_with_heading(reading, found) for reading in found]
    for r, span in _certifications(rows):
        # the phrase is often handwritten: its box is taken as read, not resized to the page's print
        label = union([c.box for c in rows[r].chars[span[0] : span[1]]])
        page_print = size or PrintSize(pitch=label.height, height=label.height)
        readings.append(
            _read(rgb, rows, r, span, label=label, source=source, min_ink=min_ink, certificate=page_print)
        )
    return readings


def _certifications(rows: list[Row]) -> list[tuple[int, tuple[int, int]]]:
    """(row, char span) of the short lines certifying a copy (此复印件与原件一致)."""
    out = []
    for r, row in enumerate(rows):
        start = 0
        for seg in row.segments():
            text = "".join(c.ch for c in seg)
            if len(text.strip()) <= _CERTIFICATE_CHARS and CERTIFIED.search(text):
                out.append((r, (start, start + len(seg))))
            start += len(seg)
    return out


def _with_heading(reading: SignatureReading, found: list[SignatureReading]) -> SignatureReading:
    box = reading.label_box
    below = [
        f
        for f in found
        if f is not reading
        and box.y1 < f.label_box.y0 < box.y1 + 4 * box.height
        and f.label_box.x0 >= box.x0 - 2 * box.height
    ]
    if reading.signed or not below:
        return reading
    return reading.model_copy(update={"heading": True})
