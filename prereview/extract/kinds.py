"""What a value of a field's kind looks like (a number, a date, a name): where a value of that kind
ends on its row, and whether a text can be one at all."""

from __future__ import annotations

import re

from prereview.extract.layout import Char, folded, text_of

__all__ = ["NUMBER_KINDS", "NUMBER_LENGTH", "fit_kind", "fits_kind", "fits_text", "is_alnum"]

NUMBER_KINDS = ("id_number", "uscc")
NUMBER_LENGTH = 18  # a 公民身份号码 and a 统一社会信用代码 alike
_ALNUM = re.compile(r"^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+$")
_DATE_KINDS = ("date", "month", "period")
# Values that are one short thing (a name, a number, a date): OCR may run them into the next caption
_SHORT_KINDS = ("name", "date", "month", "period", "number", "plate", *NUMBER_KINDS)


def fit_kind(value: list[Char], kind: str, stop: set[str]) -> list[Char]:
    """A value cut where its type says it ends: an 18-character number at the first character outside
    its alphabet (or at a gap after its 18th), a short value at the next caption OCR ran it into
    (91361100MA35XK2L7Q经济类型有限责任公司, 安和市顺达物流有限公司法定代表人张三), a name or a list
    of names at a full stop."""
    if kind in NUMBER_KINDS:
        return _number_run(value)
    if kind in ("name", "list"):
        value = _sentence(value)
    if kind == "name":
        value = _without_boxes(value)
    if kind in _SHORT_KINDS:
        return _cut_at_caption(value, stop)
    return value


def _sentence(value: list[Char]) -> list[Char]:
    """A name or list of names up to its sentence's end: a charter writes its captions in sentences
    (公司名称：××有限公司。公司住所：…; 股东：甲、乙。), and no name holds a full stop."""
    end = next((k for k, c in enumerate(value) if c.ch == "。"), len(value))
    return value[:end] if end > 0 else value


# Check-box glyphs and ticks: a form's boxes (☑有限责任公司, √设立), which no name holds; OCR reads a
# box or a tick beside a name into it (法定代表人：☑董志)
_BOXES = "□■☐☑☒√✓✔✗✘"
# Dots: a name's separator dot stands between its parts (a transliterated name's ·), never at its ends,
# where a dot read is a speck of the scan or a list's bullet
_DOTS = "·•・‧∙"


def _without_boxes(value: list[Char]) -> list[Char]:
    """A name without the check-box glyphs and dots OCR read at its ends."""
    start, end = 0, len(value)
    while start < end and value[start].ch in _BOXES + _DOTS:
        start += 1
    while end > start and value[end - 1].ch in _BOXES + _DOTS:
        end -= 1
    return value[start:end]


def fits_kind(value: list[Char], kind: str) -> bool:
    return fits_text(text_of(value), kind)


def fits_text(text: str, kind: str) -> bool:
    """Whether `text` can be a value of this kind at all: a number needs a run of its characters, a date
    or period a digit (or 长期), a name a Chinese character and more than a date; anything else only
    needs to be there."""
    if kind in NUMBER_KINDS:
        return sum(1 for ch in text if is_alnum(ch)) >= NUMBER_LENGTH // 3
    if kind in _DATE_KINDS:
        return re.search(r"[0-9０-９]|长期", text) is not None
    if kind == "name":
        return _HAN.search(text) is not None and _DATE_ONLY.match(text) is None
    return bool(text)


# A name (a person's or a unit's) is written in Chinese characters: a run of Latin letters in a name's
# place is a signature's scribble read as text (申请人（签字）：MWW), a date the next column's
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DATE_ONLY = re.compile(r"^[0-9０-９\s年月日号./\-－—至起止]+$")


def _number_run(value: list[Char]) -> list[Char]:
    """The value's leading run of letters and digits, the number's characters."""
    run = 0
    while run < len(value) and is_alnum(value[run].ch):
        run += 1
    if run == 0:
        return value  # not a number at all (无, 见附件): the checks say so, not a cut to nothing
    if run > NUMBER_LENGTH and value[NUMBER_LENGTH].segment != value[NUMBER_LENGTH - 1].segment:
        run = NUMBER_LENGTH  # the next field's digits after a gap (a telephone number)
    return value[:run]


def _cut_at_caption(value: list[Char], stop: set[str]) -> list[Char]:
    """Cut before a known caption inside the value: one of three or more characters (two-character ones
    such as 名称, 单位, 日期 occur inside names), or a shorter one followed by a colon."""
    text = folded(text_of(value))
    for at in range(1, len(text)):
        for s in stop:
            if text.startswith(s, at) and (len(s) >= 3 or text[at + len(s) : at + len(s) + 1] == ":"):
                return value[:at]
    return value


def is_alnum(text: str) -> bool:
    """Only letters and digits (full-width too): the characters of an ID number or a credit code."""
    return _ALNUM.match(text) is not None
