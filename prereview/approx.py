"""Words found in OCR text with a few characters misread: 公司登圮备桉申请书 is 公司登记备案申请书.

OCR of a photographed title misreads, drops or adds characters in proportion to its length, so a word
is allowed one edit per `CHARS_PER_EDIT` characters. Short words must match exactly: with one edit a
four-character title would be found in noise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NOISE = re.compile(r"[\s\u3000:：·•.,，、()（）《》\"“”'‘’\[\]【】_\-—]+")


def strip_punctuation(text: str) -> str:
    """Text without spaces and punctuation: what is compared with cues and titles."""
    return _NOISE.sub("", text)


# how a unit's name ends: a heading that reads like this names who issued a page, not what the page is
ORGANISATION = re.compile(
    r"(公司|集团|企业|厂|中心|合作社|事务所|研究院|研究所|学校|医院|局|委员会|协会|商行|店)$"
)

FUZZY_MIN = 6  # characters: shorter words are matched exactly
CHARS_PER_EDIT = 4  # one misread character allowed per this many characters of the word


def edit_budget(word: str) -> int:
    """How many character edits a word read by OCR may carry and still be that word."""
    return 0 if len(word) < FUZZY_MIN else len(word) // CHARS_PER_EDIT


def edits_in(word: str, text: str) -> int:
    """The fewest character edits (substitution, insertion, deletion) that make `word` appear in `text`:
    0 when it is there as it is. Myers' bit-vector algorithm, in the form that lets the match start
    anywhere in the text: one pass over the text for any length of word."""
    m = len(word)
    if m == 0:
        return 0
    peq: dict[str, int] = {}
    for i, ch in enumerate(word):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = mask, 0, m
    best = m
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        best = min(best, score)
    return best


def distance(a: str, b: str) -> int:
    """Character edits (substitution, insertion, deletion) from `a` to `b`."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def near_in(word: str, text: str) -> bool:
    """Whether OCR text holds `word` within the word's edit budget (经营场所平面布间图 for
    经营场所平面布局图)."""
    budget = edit_budget(word)
    return budget > 0 and edits_in(word, text) <= budget


def without_known(text: str, known: Sequence[str]) -> str:
    """`text` with every known word printed in it blanked out (words of `FUZZY_MIN` characters or more,
    longest first). A near match must not be explained by another word printed as it is: 安全生产管理制度
    is that title, not 安全生产责任制度 misread."""
    for word in sorted((w for w in known if len(w) >= FUZZY_MIN), key=len, reverse=True):
        if word in text:
            text = text.replace(word, _BLANK * len(word))
    return text


_BLANK = "\x00"  # matches no character of a word
