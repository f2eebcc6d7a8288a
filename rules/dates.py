"""Reading dates and periods as README §2.2 writes them (incl. 汉字 numerals, month-only, 长期).

The one date reader of the project: rule facts and extracted fields both go through it. Values come
from text layers and from OCR, so full-width digits are folded and, inside a date's digit positions
only, OCR's look-alikes are read as the digits they stand for (``2025.O3.0l`` → 2025-03-01).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import cn2an

from core.text import halfwidth
from rules.calendar import last_day_of_month

OPEN_ENDED = (
    "长期有效",
    "长期",
    "无固定期限",
    "永久",
    "不约定期限",
    "至本事项办结之日止",
    "本事项办结之日",
    "办结之日止",
    "办结为止",
)

# OCR reads 0 as O/o/D and 1 as l/I/| inside dates; a date's digits can only be digits.
_LOOKALIKE = "OolIDZS|"
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "Z": "2", "S": "5"})
_D = rf"[0-9{re.escape(_LOOKALIKE)}]"
_YMD = re.compile(rf"(\d{{4}})\s*[年.\-/]\s*({_D}{{1,2}})\s*[月.\-/]\s*({_D}{{1,2}})\s*[日号]?")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_YM = re.compile(rf"(\d{{4}})\s*[年.\-/]\s*({_D}{{1,2}})\s*月?")
_Y = re.compile(r"(\d{4})\s*年?")
_LEAD = re.compile(r"^[^\d]*")
# What follows the date (…止, …起, 有效) is dropped, but never a digit, a look-alike that may be one,
# or a mark for an illegible glyph: the date must end where its last digit is.
_KEEP = rf"\d{re.escape(_LOOKALIKE)}日号月年?*#□■_"
_TAIL = re.compile(rf"(?<=[{_KEEP}])[^{_KEEP}]*$")
_KEEP_CHARS = frozenset(f"{_LOOKALIKE}日号月年?*#□■_")  # _KEEP but the digits
_CN_NUM = "〇○零一二两三四五六七八九十廿"
_CN_DATE = re.compile(
    rf"([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月(?:\s*([{_CN_NUM}]{{1,3}})\s*[日号])?"
)
_SEPARATORS = re.compile(r"\s*(?:起至|至|到|—+|–|~|～|-{1,2})\s*")
_YEARS = range(1900, 2200)


def _cn_int(text: str) -> int:
    text = text.replace("廿", "二十").replace("○", "〇")
    if len(text) == 4 and "十" not in text:  # a year written digit by digit: 二〇二五
        return int("".join(str(cn2an.cn2an(ch, "smart")) for ch in text))
    return int(cn2an.cn2an(text, "smart"))


def _cn_to_arabic(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        try:
            day = f"{_cn_int(m.group(3))}日" if m.group(3) else ""
            return f"{_cn_int(m.group(1))}年{_cn_int(m.group(2))}月{day}"
        except ValueError:
            return m.group(0)

    return _CN_DATE.sub(one, text) if "年" in text else text  # every 汉字 date has a 年


def _clean(text: str) -> str:
    return _cn_to_arabic(halfwidth(text).strip())  # ２０２５．０３ is 2025.03


def _digits(text: str) -> int:
    return int(text.translate(_DIGIT_FIX))


def _date(year: int, month: int, day: int | None) -> date | None:
    if year not in _YEARS or not 1 <= month <= 12:
        return None
    if day is None:
        return last_day_of_month(year, month)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """A single date; month-only → that month's last day, year-only → 31 December (README §2.2).

    Words around the date (检验有效期至…, …止) are dropped; what is left must be a date as a whole,
    so a half-legible ``2016.08.1?`` is not read as 1 August."""
    value = _clean(text)
    # Both are no-ops on a value that starts with a digit and ends with a digit or a kept mark (the
    # usual case), and the two regex passes were a third of the time of reading a date.
    if not value[:1].isdecimal():  # \d is a Unicode decimal digit, as isdecimal() reads it
        value = _LEAD.sub("", value)
    if not (value[-1:].isdecimal() or value[-1:] in _KEEP_CHARS):
        value = _TAIL.sub("", value)
    m = _YMD.fullmatch(value) or _COMPACT.fullmatch(value)
    if m:
        return _date(int(m.group(1)), _digits(m.group(2)), _digits(m.group(3)))
    m = _YM.fullmatch(value)
    if m:
        return _date(int(m.group(1)), _digits(m.group(2)), None)
    m = _Y.fullmatch(value)
    if m and int(m.group(1)) in _YEARS:
        return date(int(m.group(1)), 12, 31)
    return None


def is_open_ended(text: str) -> bool:
    return any(word in text for word in OPEN_ENDED)


def parse_period(text: str) -> tuple[date | None, date | None, bool] | None:
    """(start, end, open_ended) of a period like ``2016.08.15-2036.08.15`` or ``…至长期``; None if unreadable.

    A lone date reads as the end (``至2027年2月25日``, ``有效期至2025年06月``)."""
    value = _clean(text)
    if not value:
        return None
    read = _Reader()  # choosing the split reads the halves that are then read again
    parts = [p for p in _split_period(value, read) if p]
    if len(parts) == 1:
        if is_open_ended(parts[0]):
            return None, None, True
        end = read(parts[0])
        return (None, end, False) if end else None
    start = read(parts[0])
    tail = parts[-1]
    if is_open_ended(tail):
        return start, None, True
    end = read(tail)
    if end is None:
        return None
    return start, end, False


class _Reader(dict[str, date | None]):
    """parse_date, remembered for the pieces of one period."""

    def __call__(self, text: str) -> date | None:
        if text not in self:
            self[text] = parse_date(text)
        return self[text]


def _split_period(value: str, read: Callable[[str], date | None] = parse_date) -> list[str]:
    # '-' also separates the parts of one date: of all splits whose both sides read as dates, keep the
    # most balanced one (2020-01-01至2026-01-01 splits at 至, not after 2020).
    best: list[str] = [value]
    best_score = -1
    for m in _SEPARATORS.finditer(value):
        left, right = value[: m.start()], value[m.end() :]
        if (read(left) is None and not is_open_ended(left)) or (
            read(right) is None and not is_open_ended(right)
        ):
            continue
        score = min(_digit_count(left), _digit_count(right) if not is_open_ended(right) else 99)
        if score > best_score:
            best, best_score = [left, right], score
    if best_score < 0:
        return _split_glued(value, read) or best
    return best


def _split_glued(value: str, read: Callable[[str], date | None]) -> list[str] | None:
    # OCR drops a small 至 squeezed between two dates (2018-11-222028-11-22): split where a year starts
    # and both sides are whole dates of the same shape.
    for m in re.finditer(r"(?<=[\d日号])(?=(?:19|20)\d{2}\D)", value):
        left, right = value[: m.start()], value[m.start() :]
        if _YMD.fullmatch(left) and _YMD.fullmatch(right) and read(left) and read(right):
            return [left, right]
    return None


def _digit_count(text: str) -> int:
    return sum(map(str.isdigit, text))
