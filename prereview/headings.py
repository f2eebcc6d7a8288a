"""A page's heading: the line that says what the page is (常住人口登记卡), set apart by its size at the
top of the text. A page recognised only by field labels it shares with a material, under a heading of
its own that none of the item's words explains, is another kind of document (a household register page
is not an ID card's portrait face because both print 姓名 and 民族)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from core.text import strip_spaces
from prereview.approx import ORGANISATION, near_in, strip_punctuation
from prereview.documents import Page, PageSource, TextLine
from rules.spec import Material

HEADING_ZONE = 0.25  # share of the text's height, from its top, where a heading stands
HEADING_SIZE = 1.25  # times the page's median line height
HEADING_CHARS = (4, 24)  # CJK characters in a heading
# OCR confidence below which a line is no heading: a column of letter-spaced labels (姓 名 / 性 别 / 民 族)
# read across as one word (会验单位) is a guess, not the title of another kind of document
HEADING_READ = 0.8


def _cjk(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def headings(page: Page) -> list[TextLine]:
    """Lines set larger than the text at the top of it, in CJK words and without a colon, read surely,
    running across the page (a heading of several characters is wider than tall)."""
    lines = page.lines
    if len(lines) < 2:
        return []
    median = statistics.median(ln.box.height for ln in lines)
    top, bottom = min(ln.box.y0 for ln in lines), max(ln.box.y1 for ln in lines)
    out = []
    for ln in lines:
        words = strip_punctuation(ln.text)
        cjk = _cjk(words)
        if (
            ln.box.y0 <= top + HEADING_ZONE * (bottom - top)
            and ln.box.height >= HEADING_SIZE * median
            and HEADING_CHARS[0] <= cjk <= HEADING_CHARS[1]
            and cjk >= 0.8 * len(words)
            and not any(c in ln.text for c in ":：")
            and ln.score >= HEADING_READ
            and ln.box.width > ln.box.height  # a column read downwards (a card's spaced labels) is none
        ):
            out.append(ln)
    return out


def foreign_heading(page: Page, known: Sequence[str], titles: Sequence[str], own: Sequence[str]) -> str:
    """The heading of another kind of document: a heading holding none of the `known` words of the
    material the page was taken for, sharing no two characters in a row with its `own` titles (房屋租赁协议
    is a variant of 房屋租赁合同), near none of the item's `titles`, and no unit's name; else ""."""
    ocr = page.source == PageSource.OCR
    pairs = {title[k : k + 2] for title in own for k in range(len(title) - 1)}
    for line in headings(page):
        words = strip_punctuation(line.text)
        if ORGANISATION.search(words) or any(w in words for w in known if len(w) >= 2):
            continue
        if any(words[k : k + 2] in pairs for k in range(len(words) - 1)):
            continue
        if any(t in words or (ocr and near_in(t, words)) for t in titles):
            continue
        return line.text.strip()
    return ""


TITLE_LINE = 32  # characters: a longer line is running text, not a title
_JOINING = "和及与、"  # words that join the names of two documents in one title (章程和管理制度)


def names_several(text: str, titles: Sequence[str]) -> bool:
    """Whether a title-like line (short, no colon) names one of `titles` joined to another document's
    name: ××公司章程和管理制度, 管理制度及章程. Such a title says what the file should hold, not that each
    document it names is there: a chapter the file lacks is still named by it."""
    words = strip_spaces(text)
    if len(strip_punctuation(words)) > TITLE_LINE or any(c in words for c in ":："):
        return False
    for title in titles:
        at = words.find(title) if title else -1
        while at >= 0:
            before, after = words[:at], words[at + len(title) :]
            if (after[:1] in _JOINING and _cjk(after[1:]) >= 2) or (
                before[-1:] in _JOINING and _cjk(before[:-1]) >= 2
            ):
                return True
            at = words.find(title, at + 1)
    return False


def without_joint_titles(
    page: Page, text: str, loose: str | None, material: Material
) -> tuple[str, str | None]:
    """`text` (the page's text, punctuation stripped) and its `loose` twin (the same length, known words
    blanked) without the lines that name several documents, one of them `material`
    (`names_several`): what the material's parts are looked for in."""
    titles = [strip_punctuation(t) for t in (*material.recognition.titles, material.name)]
    for line in page.lines:
        if not names_several(line.text, titles):
            continue
        words = strip_punctuation(line.text)
        at = text.find(words)
        if at < 0 or not words:
            continue
        text = text[:at] + text[at + len(words) :]
        if loose is not None:
            loose = loose[:at] + loose[at + len(words) :]
    return text, loose
