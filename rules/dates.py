"""Reading dates and periods as README §2.2 writes them (incl. 汉字 numerals, month-only, 长期)."""

from __future__ import annotations

import re
from datetime import date

import cn2an

from rules.calendar import last_day_of_month

OPEN_ENDED = ("长期有效", "长期", "无固定期限", "至本事项办结之日止", "本事项办结之日", "办结之日止")
_CN_DIGITS = str.maketrans({"〇": "0", "○": "0", "零": "0", "O": "0"})
_YMD = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_YM = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*月?")
_Y = re.compile(r"(\d{4})\s*年?")
_LEAD = re.compile(r"^[^\d]*")
_TAIL = re.compile(r"(?<=[\d日月年])[^\d日月年]*$")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?")
_SEPARATORS = re.compile(r"\s*(?:至|到|—|–|~|～|-{1,2})\s*")


class DateValue(tuple[date, bool]):
    """(date, precise): precise is False for month-only or year-only dates."""


def _cn_to_arabic(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        year = m.group(1).translate(_CN_DIGITS)
        year = "".join(str(cn2an.cn2an(ch, "smart")) if not ch.isdigit() else ch for ch in year)
        month = str(cn2an.cn2an(m.group(2), "smart"))
        day = f"{cn2an.cn2an(m.group(3), 'smart')}日" if m.group(3) else ""
        return f"{year}年{month}月{day}"

    return _CN_DATE.sub(one, text)


def parse_date(text: str) -> date | None:
    """A single date; month-only → that month's last day, year-only → 31 December (README §2.2).

    Words around the date (检验有效期至…, …止) are dropped; what is left must be a date as a whole,
    so a half-legible ``2016.08.1?`` is not read as 1 August."""
    value = _cn_to_arabic(text.strip())
    value = _LEAD.sub("", value)
    value = _TAIL.sub("", value)
    for pattern in (_YMD, _COMPACT):
        m = pattern.fullmatch(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    m = _YM.fullmatch(value)
    if m and 1 <= int(m.group(2)) <= 12:
        return last_day_of_month(int(m.group(1)), int(m.group(2)))
    m = _Y.fullmatch(value)
    if m:
        return date(int(m.group(1)), 12, 31)
    return None


def is_open_ended(text: str) -> bool:
    return any(word in text for word in OPEN_ENDED)


def parse_period(text: str) -> tuple[date | None, date | None, bool] | None:
    """(start, end, open_ended) of a period like ``2016.08.15-2036.08.15`` or ``…至长期``; None if unreadable."""
    value = _cn_to_arabic(text.strip())
    if not value:
        return None
    parts = [p for p in _split_period(value) if p]
    if len(parts) == 1:
        if is_open_ended(parts[0]):
            return None, None, True
        end = parse_date(parts[0])
        return (None, end, False) if end else None
    start = parse_date(parts[0])
    tail = parts[-1]
    if is_open_ended(tail):
        return start, None, True
    end = parse_date(tail)
    if end is None:
        return None
    return start, end, False


def _split_period(value: str) -> list[str]:
    # '-' also separates the parts of one date: of all splits whose both sides read as dates, keep the
    # most balanced one (2020-01-01至2026-01-01 splits at 至, not after 2020).
    best: list[str] = [value]
    best_score = -1
    for m in _SEPARATORS.finditer(value):
        left, right = value[: m.start()], value[m.end() :]
        if (parse_date(left) is None and not is_open_ended(left)) or (
            parse_date(right) is None and not is_open_ended(right)
        ):
            continue
        score = min(_digits(left), _digits(right) if not is_open_ended(right) else 99)
        if score > best_score:
            best, best_score = [left, right], score
    return best


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)
