"""Small value parsers: plate numbers, money amounts, printed checkbox marks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import cn2an
from pydantic import BaseModel

from core.text import halfwidth, strip_spaces
from rules.identity import normalize_number

# --- plate numbers (GA 36) ---------------------------------------------------------------------

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"(?P<p>[{PROVINCES}])\s*(?P<a>[A-HJ-NP-Z])\s*[·•.．]?\s*(?P<rest>[A-HJ-NP-Z0-9]{{5,6}})(?P<s>[挂学警领试超])?"
)


class Plate(BaseModel):
    number: str  # normalised: 赣QB0237, 赣QD12345
    new_energy: bool = False  # 8 characters: D/F first after the city letter (small) or last (large)


def find_plates(text: str) -> list[Plate]:
    out = []
    for m in _PLATE.finditer(normalize_number(text)):
        rest = m["rest"]
        if len(rest) == 6 and not (rest[0] in "DF" or rest[-1] in "DF"):
            rest = rest[:5]  # a 7-character plate followed by another letter or digit
        number = m["p"] + m["a"] + rest + (m["s"] or "")
        out.append(Plate(number=number, new_energy=len(rest) == 6))
    return out


def parse_plate(text: str) -> Plate | None:
    plates = find_plates(text)
    return plates[0] if plates else None


# --- amounts -----------------------------------------------------------------------------------

_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000), "": Decimal(1)}
_ARABIC_AMOUNT = re.compile(r"(?P<n>\d[\d,，]*(?:\.\d+)?)\s*(?P<u>亿|万|千)?\s*(?:元|圆)?")
_CN_AMOUNT = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億点元圆角分整]+")


class Amount(BaseModel):
    yuan: Decimal
    text: str


def parse_amount(text: str) -> Amount | None:
    """100万元, 500万元人民币, 1,000.00元, 壹佰万元整, 伍拾万 -> an amount in 元."""
    norm = halfwidth(text).replace(" ", "")
    m = _ARABIC_AMOUNT.search(norm)
    if m:
        try:
            value = Decimal(m["n"].replace(",", "").replace("，", "")) * _UNITS[m["u"] or ""]
        except InvalidOperation:
            return None
        return Amount(yuan=value, text=m.group(0))
    m = _CN_AMOUNT.search(norm)
    if not m or not re.search(r"[一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]", m.group(0)):
        return None
    words = m.group(0).replace("整", "").replace("圆", "元").replace("萬", "万").replace("億", "亿")
    scale = Decimal(1)
    if words.endswith("元") and not re.search(r"[角分]", words):
        words = words[:-1]
    if words.endswith("万") and "元" not in words:  # "伍拾万" reads as 50 in cn2an: the unit is the amount's
        words, scale = words[:-1], Decimal(10_000)
    try:
        value = Decimal(str(cn2an.cn2an(words, "smart"))) * scale
    except (ValueError, KeyError, InvalidOperation):
        return None
    return Amount(yuan=value, text=m.group(0))


# --- printed checkboxes ------------------------------------------------------------------------

CHECKED = "☑☒■▣✓✔√☒●◉"
UNCHECKED = "☐□○◯"


def checkbox_marks(text: str, options: list[str]) -> dict[str, bool | None]:
    """For each option word: True when a checked mark precedes it (or follows it in brackets: 是（√）),
    False for an empty box, None when no mark is printed next to it (a text layer or OCR may drop the
    glyph: ask `prereview.visual.checkbox_states` then)."""
    out: dict[str, bool | None] = {}
    flat = strip_spaces(halfwidth(text))
    marks = re.escape(CHECKED + UNCHECKED)
    for option in options:
        word = strip_spaces(halfwidth(option))
        i = flat.find(word)
        if i < 0:
            out[option] = None
            continue
        before = flat[i - 1] if i > 0 else ""
        after = re.match(rf"\(([{marks}]?)\)", flat[i + len(word) :])
        if before and before in CHECKED + UNCHECKED:
            out[option] = before in CHECKED
        elif after:
            out[option] = bool(after.group(1)) and after.group(1) in CHECKED
        else:
            out[option] = None
    return out
