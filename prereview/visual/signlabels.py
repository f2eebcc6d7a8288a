"""Where signatures belong on a page: signing labels (签字 / 签名 / 签章 / 法定代表人（签字）…), copy
certifications (此复印件与原件一致, signed under it), and the page's print size the labels are measured by.

OCR often merges the handwriting beside or under a label into the label's text box (a box 119 px tall
around print 30 px high). Character boxes estimated from such a box are too tall and too wide: they
cover part of the signature and inflate the label's ink per character. So on OCR pages a label larger
than the page's print is put back to that size. The print is the median of the page's lines that hold
no signing place: those are the ones OCR merges handwriting into, and on a sparse signature page they
are most of its lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from prereview.documents import Box, TextLine
from prereview.extract.layout import Char, Row, char_width, union
from prereview.visual.pixels import clip_box, flatten, ink_mask

# The keywords, and the readings OCR gives them on photos and under seal ink (签 as 鉴/笠/簽/答, 字 as
# 宇/孛/学); a bracket holding 字 or 名 alone is （签字） whose 签 a seal stamped over it hid
KEYWORD = re.compile(r"[签簽鉴笠答](?:字|宇|孛|学|名|章|署)|手签|(?<=[（(])[字宇名](?=[）)])")
# A copy certified by hand: "此复印件与原件一致", "与原件相符"; OCR garbles the middle of handwriting
CERTIFIED = re.compile(r"复.{0,6}(?:一致|相符)|原件.{0,2}(?:一致|相符)")
_MAX_LABEL = 24  # characters: longer phrases are sentences mentioning signatures
OPEN, CLOSE = "（([【", "）)]】"
# A signer's name printed between a label's bracket and its colon (股东（签字）张三：): a short run with no
# space, digit or punctuation that is no next label's name (日期：)
_SIGNER_NAME = re.compile(r"(?![^:：]*(?:日期|时间))[^\s\d:：，,。；;、/（）()【】\[\]]{1,8}[:：]")
_OVERSIZE = 1.1  # a label's box up to this much larger than the page's print is taken as it is


def _label_end(text: str, keyword_end: int, *, own_bracket: bool) -> int | None:
    """Where a signing label ends (past brackets, slashes and the colon), or None when the keyword
    only occurs in a sentence ("签署的有关文件", "双方签字（盖章）之日起", "签署日期")."""
    k = keyword_end
    while k < len(text):
        if text[k] in CLOSE + "/／、":
            k += 1
        elif text[k] in OPEN and any(text[j] in CLOSE for j in range(k + 1, min(k + 7, len(text)))):
            k = next(j for j in range(k + 1, len(text)) if text[j] in CLOSE) + 1
        else:
            break
    if own_bracket and (named := _SIGNER_NAME.match(text, k)):
        k = named.end() - 1  # "股东（签字）张三：": the signer's name printed into the label, then its colon
    if k < len(text) and text[k] in ":：":
        while k < len(text) and text[k] in ":：":
            k += 1
        return k
    # "（签字）" then handwriting the OCR glued on: a label even without a colon
    return k if k == len(text) or own_bracket else None


def _phrase_start(text: str, keyword_at: int) -> int:
    cut = max(text.rfind(p, 0, keyword_at) for p in "。；;，,:：")
    return cut + 1


def label_spans(row: Row) -> list[tuple[int, int]]:
    """(start, end) char spans of the signing labels in a row."""
    spans = []
    base = 0
    for seg in row.segments():
        spans += [(base + start, base + end) for start, end in text_spans("".join(c.ch for c in seg))]
        base += len(seg)
    return spans


def text_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in KEYWORD.finditer(text):
        start = _phrase_start(text, m.start())
        opened = any(ch in OPEN for ch in text[start : m.start()])
        # "负责人（签字W": a seal stamped over the closing bracket and colon, the scribble glued on
        unclosed = (
            m.start() > 0 and text[m.start() - 1] in OPEN and not any(c in CLOSE for c in text[m.end() :])
        )
        own = opened and (text[m.end() : m.end() + 1] in tuple(CLOSE) or unclosed)
        # （字） alone (its 签 hidden) is a label only as one: a role before it, a colon after it
        bare = len(m.group()) == 1
        end = _label_end(text, m.end(), own_bracket=own and not bare)
        if bare and (m.start() - 1 == start or (end is not None and text[end - 1] not in ":：")):
            end = None
        if end is not None and m.end() - start <= _MAX_LABEL:
            spans.append((start, end))
    return spans


class PrintSize(BaseModel):
    """The page's print: the median of its text lines, most of which are print."""

    pitch: float  # pixels per em (a CJK character's advance)
    height: float  # a text line's box height


def _pitch(line: TextLine) -> float:
    return line.box.width / max(sum(char_width(ch) for ch in line.text), 0.5)


def print_size(lines: Sequence[TextLine]) -> PrintSize | None:
    """Measured on the lines that hold no signing place where there are any: OCR merges the handwriting
    beside a signing label into its line, and on a sparse signature page those lines are the majority."""
    sized = [ln for ln in lines if sum(char_width(ch) for ch in ln.text.strip()) >= 4]
    plain = [ln for ln in sized if not text_spans(ln.text)]
    # a few lines are too few to say what is print, unless some hold no signing place: those are print
    # (a signing page of its own: one signing line, a date under it)
    if len(sized) < 3 and not plain:
        return None
    use = plain or sized
    return PrintSize(
        pitch=float(np.median([_pitch(ln) for ln in use])),
        height=float(np.median([ln.box.height for ln in use])),
    )


def print_box(rgb: np.ndarray, lines: Sequence[TextLine], chars: list[Char], size: PrintSize) -> Box:
    """The box of a label's printed characters: where its OCR box is larger than the page's print,
    the characters re-spaced at the page's pitch from their line's start and, in a too tall box, the
    page's line height centred on the band of ink the label's characters sit in."""
    raw = union([c.box for c in chars])
    wide = [_pitch(lines[c.line]) > _OVERSIZE * size.pitch for c in chars]
    tall = raw.height > _OVERSIZE * size.height
    if not any(wide) and not tall:
        return raw
    xs = []
    for c, too_wide in zip(chars, wide, strict=True):
        line = lines[c.line]
        k = size.pitch / _pitch(line) if too_wide else 1.0
        xs += [line.box.x0 + (c.box.x0 - line.box.x0) * k, line.box.x0 + (c.box.x1 - line.box.x0) * k]
    x0, x1 = min(xs), max(xs)
    if not tall:
        return Box(x0=x0, y0=raw.y0, x1=x1, y1=raw.y1)
    centre = _ink_band_centre(rgb, Box(x0=x0, y0=raw.y0, x1=x1, y1=raw.y1), size.height)
    return Box(x0=x0, y0=centre - size.height / 2, x1=x1, y1=centre + size.height / 2)


def _ink_band_centre(rgb: np.ndarray, box: Box, height: float) -> float:
    """Centre of the ink in the `height` tall window of `box` that holds the most of it (the print)."""
    x0, y0, x1, y1 = clip_box(box, rgb.shape)
    n = max(1, round(height))
    if x1 - x0 < 2 or y1 - y0 <= n:
        return box.cy
    rows = ink_mask(flatten(rgb[y0:y1, x0:x1])).sum(axis=1).astype(np.float64)
    best = int(np.argmax(np.convolve(rows, np.ones(n), "valid")))
    inked = np.flatnonzero(rows[best : best + n])
    return y0 + best + (float(inked[0] + inked[-1]) / 2 if inked.size else n / 2)
