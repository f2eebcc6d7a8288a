"""公民身份号码 and 统一社会信用代码: finding them in read text and checking them (README §9).

Whether a number is valid is decided by `rules.identity` (README §9 as the rules read it, on
python-stdnum's check digits); this module finds candidates in read text, repairs OCR look-alikes
and says why a number fails.

OCR confusions are repaired only where the format allows digits alone (an ID number's first 17
characters, a USCC's region code). A repaired number is then checked like any other: a number whose
checksum fails keeps failing, however it was read.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel
from stdnum.cn import ric

from core.text import halfwidth
from rules.identity import USCC_ALPHABET, id_birth_date, is_valid_id, is_valid_uscc, normalize_number

_TO_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "L": "1"}
)


class Problem(StrEnum):
    LENGTH = "length"  # not 18 characters (a 15-digit old number included)
    FORMAT = "format"  # a character that cannot stand where it stands
    DATE = "date"  # the birth date does not exist, is before 1900 or after the review date
    CHECKSUM = "checksum"


class NumberCheck(BaseModel):
    raw: str  # as read
    number: str  # normalised (and repaired, when `repaired`)
    valid: bool
    problem: Problem | None = None
    repaired: bool = False  # OCR look-alikes were turned into digits
    birth_date: date | None = None  # ID numbers: digits 7-14, when they form a date


def _repair(number: str, positions: range) -> str:
    chars = list(number)
    for i in positions:
        if i < len(chars):
            chars[i] = chars[i].translate(_TO_DIGIT)
    return "".join(chars)


def check_id_number(text: str, *, review_date: date | None = None, ocr: bool = False) -> NumberCheck:
    """GB 11643 check of a 公民身份号码 (README §9.1); `ocr` allows look-alike repair of the 17 digits."""
    number = normalize_number(text)
    fixed = _repair(number, range(17)) if ocr else number
    result = NumberCheck(raw=text, number=fixed, valid=False, repaired=fixed != number)
    if len(fixed) != 18:
        return result.model_copy(update={"problem": Problem.LENGTH})
    if not fixed[:17].isdigit() or fixed[17] not in "0123456789X":
        return result.model_copy(update={"problem": Problem.FORMAT})
    # Validity is the rules' (one reading of §9.1); here only why a number fails is added.
    birth = id_birth_date(fixed)
    if is_valid_id(fixed, on=review_date):
        return result.model_copy(update={"valid": True, "birth_date": birth})
    problem = Problem.CHECKSUM if fixed[17] != ric.calc_check_digit(fixed) else Problem.DATE
    return result.model_copy(update={"problem": problem, "birth_date": birth})


def check_uscc(text: str, *, ocr: bool = False) -> NumberCheck:
    """GB 32100 check of a 统一社会信用代码 (README §9.2); `ocr` repairs look-alikes in the region code
    only."""
    number = normalize_number(text)
    # digits 3-8 are the region code, always digits; elsewhere I/O/Z/S/V are errors, not look-alikes
    fixed = _repair(number, range(2, 8)) if ocr else number
    result = NumberCheck(raw=text, number=fixed, valid=False, repaired=fixed != number)
    if len(fixed) != 18:
        return result.model_copy(update={"problem": Problem.LENGTH})
    if any(ch not in USCC_ALPHABET for ch in fixed):
        return result.model_copy(update={"problem": Problem.FORMAT})
    if not is_valid_uscc(fixed):
        return result.model_copy(update={"problem": Problem.CHECKSUM})
    return result.model_copy(update={"valid": True})


# Candidates are found generously (letters where digits belong, spaces between groups) and then checked:
# finding must not decide validity.
_ID_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])((?:[0-9OolI|][\s]?){14}(?:[0-9OolI|]\s?){3}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])"
)
_USCC_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{2}[0-9OolI]{6}[0-9A-Za-z]{10})(?![0-9A-Za-z])")


def find_id_numbers(text: str, *, review_date: date | None = None, ocr: bool = False) -> list[NumberCheck]:
    """Every 公民身份号码-like run in `text` (18 characters, or an old 15-digit number), checked."""
    out = []
    for m in _ID_CANDIDATE.finditer(halfwidth(text)):
        raw = m.group(1)
        if sum(ch.isdigit() for ch in raw) < 14:  # mostly letters: a USCC or a code, not an ID number
            continue
        out.append(check_id_number(raw, review_date=review_date, ocr=ocr))
    return out


def find_usccs(text: str, *, ocr: bool = False) -> list[NumberCheck]:
    """Every 统一社会信用代码-like run in `text`, checked; runs that are valid ID numbers are left out."""
    out = []
    for m in _USCC_CANDIDATE.finditer(halfwidth(text)):
        raw = m.group(1)
        if raw[:17].isdigit() and check_id_number(raw).valid:
            continue
        out.append(check_uscc(raw, ocr=ocr))
    return out
