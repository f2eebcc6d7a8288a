"""Which block of a form a caption belongs to, when the form repeats it.

A form may ask the same thing of two parties: 统一社会信用代码 once for the 建设单位 and once for the
编制单位. Each occurrence belongs to the block whose heading caption (建设单位（盖章）, 编制单位：) is the
nearest above it on its page; an occurrence with no block heading above it belongs to none and goes to
the party whose block holds no occurrence of its own (a form that prints one party's number first).
"""

from __future__ import annotations

from collections.abc import Sequence

from prereview.documents import Box, Page
from prereview.extract.layout import folded, page_rows, text_of


def block_of(page: Page, label: Box, blocks: Sequence[str]) -> str | None:
    """The block of `blocks` whose heading caption stands nearest above the `label` box, if any."""
    top = label.y0
    best: tuple[float, str] | None = None
    for row in page_rows(page):
        if row.top >= top - 0.3 * row.height:
            break
        for seg in row.segments():
            block = _heading(folded(text_of(seg)), blocks)
            if block is not None and (best is None or row.top >= best[0]):
                best = (row.top, block)
    return best[1] if best else None


def _heading(text: str, blocks: Sequence[str]) -> str | None:
    """The block `text` heads: the block word alone, with a bracketed note or a colon (建设单位（盖章）：),
    not a phrase that merely starts with it (编制单位和编制人员情况表)."""
    for block in blocks:
        rest = text[len(block) :] if text.startswith(block) else None
        if rest is not None and (not rest or rest[0] in "(（:："):
            return block
    return None
