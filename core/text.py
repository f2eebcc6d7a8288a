"""Full-width to half-width: the one character fold that comparing names and numbers (`rules.identity`),
reading dates (`rules.dates`), reading fields (`prereview.extract`) and searching (`kb.text`) share.

Each character becomes its NFKC compatibility form when that form is a single character: full-width
letters, digits and punctuation (Ａ１（：) and the ideographic space become ASCII, ① becomes 1, a Kangxi
radical a text layer holds (⼈) the ideograph. Forms of several characters (㎡ → m2, … → ...) are left
alone, so the text keeps its length: field reading finds labels in the folded text and cuts the
characters of the original at the same offsets.
"""

from __future__ import annotations

import re
import unicodedata
from unicodedata import is_normalized

_SPACE = re.compile(r"\s+")  # str patterns: the ideographic space and other Unicode spaces too


class _FoldTable(dict[int, str]):
    """`str.translate`'s table, each character's fold worked out the first time the character is met
    (a table of all of Unicode would cost a second at import)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        form = unicodedata.normalize("NFKC", char)
        self[code] = fold = form if len(form) == 1 else char
        return fold


_FOLD = _FoldTable()


def halfwidth(text: str) -> str:
    """`text` with every character in its one-character compatibility form; as long as `text`."""
    # Text already in NFKC (most: ASCII and the common ideographs) has no character to fold: a
    # character whose own NFKC form differs never stands in NFKC text (tests/core checks every one).
    # Asked in C, without the table's per-character lookup, which took most of reading a new name.
    if is_normalized("NFKC", text):
        return text
    return text.translate(_FOLD)


def strip_spaces(text: str) -> str:
    """`text` without any whitespace (ideographic and no-break spaces included)."""
    # Every whitespace character but the ASCII space is unprintable (a separator or a control):
    # text without them is returned as it is, without a regex pass (tests/core checks every one).
    if text.isprintable() and " " not in text:
        return text
    return _SPACE.sub("", text)
