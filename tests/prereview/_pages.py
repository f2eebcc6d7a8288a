"""Synthetic pages for recogniser, assembler and table tests: text lines placed by hand."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from prereview.documents import Box, Page, PageSource, TextLine
from rules.book import RuleBook
from rules.spec import Item, Material

H = 28.0  # line height in pixels
RULES = Path(__file__).resolve().parents[2] / "corpus" / "rules"


def line(text: str, x: float, y: float, *, h: float = H, score: float = 1.0) -> TextLine:
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text) * h
    return TextLine(text=text, box=Box(x0=x, y0=y, x1=x + width, y1=y + h), score=score)


def page(
    *lines: TextLine,
    width: float = 1654.0,
    height: float = 2339.0,
    index: int = 0,
    source: PageSource = PageSource.TEXT,
) -> Page:
    return Page(index=index, width=width, height=height, source=source, lines=list(lines))


def photo(*lines: TextLine, width: float = 1200.0, height: float = 1600.0) -> Page:
    """A page read by OCR: every line is a detector box."""
    return page(*lines, width=width, height=height, source=PageSource.OCR)


class ItemOf:
    """Just enough of an Item for the recogniser: its materials, by id."""

    def __init__(self, *materials: Material) -> None:
        self.materials = materials

    def material(self, mid: str) -> Material:
        return next(m for m in self.materials if m.id == mid)


@cache
def corpus_item(code: str) -> Item:
    """An item of the seed corpus, loaded once per test run."""
    return RuleBook.load(RULES).items[code].item
