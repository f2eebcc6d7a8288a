"""Checkbox states next to option words (☑ 道路普通货运 ☐ 大型物件运输).

The printed mark decides when the text has it (a PDF text layer gives ☑/☐, OCR often reads them).
OCR also drops them, so without a mark the image left of the option word is looked at: a small
square outline there is a checkbox, and ink inside it (a tick, a cross, a fill) checks it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np

from core.text import strip_spaces
from prereview.documents import Box, TextLine
from prereview.extract.layout import Row, build_rows
from prereview.extract.values import CHECKED, UNCHECKED
from prereview.visual.pixels import as_rgb, clip_box, flatten, ink_mask


def _locate(rows: list[Row], option: str) -> list[tuple[Row, int]]:
    word = strip_spaces(option)
    return [(row, m.start()) for row in rows for m in re.finditer(re.escape(word), row.text)]


def _box_state(ink: np.ndarray, h: float) -> bool | None:
    """The left-most square outline in a window left of an option word: filled or not; None without one.
    (Left-most: when OCR dropped the box glyph, the word's estimated position shifts onto the box, and
    the window then also holds the word's first glyph, which may be boxy itself: 国, 回.)"""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    for i in sorted(range(1, n), key=lambda k: stats[k, cv2.CC_STAT_LEFT]):
        x, y, w, hh = (int(v) for v in stats[i, :4])
        if not (0.45 * h <= w <= 1.4 * h and 0.45 * h <= hh <= 1.4 * h and 0.7 <= w / max(hh, 1) <= 1.4):
            continue
        sub = ink[y : y + hh, x : x + w]
        t = max(1, round(0.12 * min(w, hh)))
        border = np.concatenate([sub[:t].ravel(), sub[-t:].ravel(), sub[:, :t].ravel(), sub[:, -t:].ravel()])
        if border.mean() < 0.55:
            continue  # no outline: a glyph, not a box
        inner = sub[2 * t : hh - 2 * t, 2 * t : w - 2 * t]
        fill = float(inner.mean()) if inner.size else 0.0
        return True if fill >= 0.08 else False if fill <= 0.03 else None
    return None


def _state_at(rgb: np.ndarray, row: Row, i: int) -> bool | None:
    first = row.chars[i].box
    h = max(row.height, 4.0)
    x0 = first.x0 - 2.2 * h
    prev = row.chars[i - 1] if i > 0 else None
    if prev is not None and prev.ch not in "□☐:：;；,，、.。" and prev.segment == row.chars[i].segment:
        # the previous option's glyphs are no checkbox (estimated positions may be a glyph off)
        x0 = max(x0, min(prev.box.x1 - 0.5 * h, first.x0 - 0.2 * h))
    window = Box(x0=x0, y0=row.top - 0.35 * h, x1=first.x0 + 1.3 * h, y1=row.bottom + 0.35 * h)
    bx0, by0, bx1, by1 = clip_box(window, rgb.shape)
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return None
    return _box_state(ink_mask(flatten(rgb[by0:by1, bx0:bx1]), dark=170), first.height)


def checkbox_states(
    image: np.ndarray | None, lines: Sequence[TextLine], options: Sequence[str]
) -> dict[str, bool | None]:
    """For each option word: True (checked), False (empty box), None (no checkbox found by it).

    `lines` must be in the image's pixel coordinates; without an image only printed marks count.
    """
    rows = build_rows(lines)
    rgb = as_rgb(image) if image is not None else None
    out: dict[str, bool | None] = {}
    for option in options:
        state: bool | None = None
        spots = _locate(rows, option)
        for row, i in spots:  # a printed mark by any occurrence decides
            before = row.chars[i - 1].ch if i > 0 else ""
            if before and before in CHECKED + UNCHECKED:
                state = before in CHECKED
                break
        else:
            for row, i in spots:
                state = _state_at(rgb, row, i) if rgb is not None else None
                if state is not None:
                    break
        out[option] = state
    return out
