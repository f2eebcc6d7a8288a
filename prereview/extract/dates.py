"""Dates, validity periods and ages as printed on Chinese materials (standards README §2.2, §2.5).

A date precise only to the month stands for the month's last day, one precise only to the year for
31 December: every rule that uses such a date ("检验有效期至2025年06月") reads it as an end.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

import cn2an
from pydantic import BaseModel

from prereview.extract.normalize import to_halfwidth
from rules import calendar as rules_calendar


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class ParsedDate(BaseModel):
    value: date  # month/year-only dates resolved to the period's last day
    precision: Precision
    text: str  # the matched text as printed
    start: int = 0  # character span of the match in the searched text
    end: int = 0


class Period(BaseModel):
    """A validity period; `open_end` when its end is 长期 / 无固定期限 / 至本事项办结之日止."""

    start: ParsedDate | None = None
    end: ParsedDate | None = None
    open_end: bool = False
    text: str = ""

    @property
    def end_date(self) -> date | None:
        return None if self.open_end or self.end is None else self.end.value


# OCR reads 0 as O/o/D and 1 as l/I/| inside dates: a date's digits can only be digits
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "Z": "2", "S": "5"})
_CN_DIGITS = "〇零一二两三四五六七八九十廿"
_D = r"[0-9OolIDZS|]"  # a digit as OCR may have read it
_SP = r"\s*"

_CN_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGITS}]{{4}}){_SP}年{_SP}(?:(?P<m>[{_CN_DIGITS}]{{1,3}}){_SP}月"
    rf"(?:{_SP}(?P<d>[{_CN_DIGITS}]{{1,3}}){_SP}[日号])?)?"
)
_YMD_CJK = re.compile(
    rf"(?<![0-9])(?P<y>(?:19|20)\d{{2}}){_SP}年{_SP}(?:(?P<m>{_D}{{1,2}}){_SP}月"
    rf"(?:{_SP}(?P<d>{_D}{{1,2}}){_SP}[日号]?)?)?"
)
_YMD_SEP = re.compile(
    rf"(?<![0-9])(?P<y>(?:19|20){_D}{{2}}){_SP}(?P<s>[.\-/．－／]){_SP}(?P<m>{_D}{{1,2}})"
    rf"(?:{_SP}(?P=s){_SP}(?P<d>{_D}{{1,2}}))?(?![0-9])"
)
_YMD_COMPACT = re.compile(r"(?<![0-9])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![0-9])")

_OPEN_END = re.compile(r"长期(?:有效)?|无固定期限|永久|办结之日|办结为止|不约定期限")
_RANGE_SEP = re.compile(r"^\s*(?:[-—–~～至到]|起至|止至|—+)\s*")


def _cn_int(text: str) -> int:
    text = text.replace("廿", "二十")
    if len(text) == 4 and "十" not in text:  # a year written digit by digit: 二〇二五
        return int("".join(str(cn2an.cn2an(ch, "smart")) for ch in text))
    return int(cn2an.cn2an(text, "smart"))


def _make(y: int, m: int | None, d: int | None) -> tuple[date, Precision] | None:
    if not 1900 <= y <= 2199:
        return None
    try:
        if m is None:
            return date(y, 12, 31), Precision.YEAR
        if d is None:
            return date(y, m, calendar.monthrange(y, m)[1]), Precision.MONTH
        return date(y, m, d), Precision.DAY
    except (ValueError, calendar.IllegalMonthError):
        return None


def _num(text: str | None) -> int | None:
    return None if text is None else int(text.translate(_DIGIT_FIX))


def find_dates(text: str) -> list[ParsedDate]:
    """Every date in `text`, in order of appearance; impossible dates (2月30日) are skipped."""
    norm = to_halfwidth(text)
    found: list[ParsedDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_CN_DATE, _YMD_CJK, _YMD_SEP, _YMD_COMPACT):
        for m in pattern.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                parts = (
                    (
                        _cn_int(m["y"]),
                        _cn_int(m["m"]) if m["m"] else None,
                        _cn_int(m["d"]) if m["d"] else None,
                    )
                    if pattern is _CN_DATE
                    else (int(m["y"].translate(_DIGIT_FIX)), _num(m["m"]), _num(m["d"]))
                )
            except (ValueError, KeyError):
                continue
            made = _make(*parts)
            if made is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(
                ParsedDate(
                    value=made[0],
                    precision=made[1],
                    text=text[m.start() : m.end()],
                    start=m.start(),
                    end=m.end(),
                )
            )
    return sorted(found, key=lambda d: d.start)


def parse_date(text: str) -> ParsedDate | None:
    """The first date in `text` (2025年3月1日, 2025.03.01, 2025-03-01, 2025/3/1, 20250301, 二〇二五年三月一日)."""
    dates = find_dates(text)
    return dates[0] if dates else None


def parse_period(text: str) -> Period | None:
    """A validity period: 2016.08.15-2036.08.15, 2016年8月15日至2036年8月15日, 2021.04.20-长期, 长期.

    None when `text` holds neither a date nor an open-end phrase.
    """
    dates = find_dates(text)
    opener = _OPEN_END.search(text)
    if not dates:
        return Period(open_end=True, text=text.strip()) if opener else None
    start = dates[0]
    end = None
    for candidate in dates[1:]:
        if (
            _RANGE_SEP.match(to_halfwidth(text[start.end : candidate.start]))
            or "至" in text[start.end : candidate.start]
        ):
            end = candidate
            break
    open_end = (
        opener is not None and opener.start() >= start.end and (end is None or opener.start() < end.start)
    )
    if end is None and not open_end and len(dates) == 1 and re.search(r"^\s*(?:至|到|止|有效期至)", text):
        return Period(end=start, text=text.strip())  # "至2027年2月25日": an end without a start
    return Period(start=start, end=None if open_end else end, open_end=open_end, text=text.strip())


# 周岁 (README §2.5) is the rules' computation; re-exported for extraction callers.
age_on = rules_calendar.age_on
