"""Names and numbers as the standards compare them (README §7.1, §9).

Validation uses python-stdnum; the extra rules of §9.1 that stdnum does not enforce (a birth date
not after the review date) are added here. This module is the one place that normalises names and
numbers: extraction and evaluation both call it.
"""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric, uscc

from core.text import halfwidth, strip_spaces


def normalize_name(text: str) -> str:
    """§7.1: drop all whitespace, full-width to half-width, （）≡(); otherwise compare letter by letter."""
    return strip_spaces(halfwidth(text))


def normalize_number(text: str) -> str:
    """§7.1: drop whitespace, full-width to half-width, letters upper-case (x→X, USCC letters)."""
    return strip_spaces(halfwidth(text)).upper()


def id_birth_date(number: str) -> date | None:
    """Birth date encoded in digits 7–14 of an 18-digit 公民身份号码, or None if it is not a real date."""
    return birth_date_of(normalize_number(number))


def birth_date_of(value: str) -> date | None:
    """``id_birth_date`` of a number already normalised (``normalize_number``): a new number is
    normalised once for its value, its checksum and its birth date."""
    if len(value) != 18 or not value[:17].isdigit():
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def is_valid_id(number: str, *, on: date | None = None) -> bool:
    """GB 11643-1999 as §9.1 reads it: 18 characters, real birth date 1900…``on``, check digit;
    the 地址码 is not checked against the table of counties."""
    return is_valid_id_of(normalize_number(number), on=on)


def is_valid_id_of(value: str, *, on: date | None = None) -> bool:
    """``is_valid_id`` of a number already normalised (``normalize_number``)."""
    if len(value) != 18 or not value[:17].isdigit():  # 15-digit numbers are invalid under §9.1
        return False
    # stdnum's validate() also looks the 地址码 up in its county table; §9.1 says not to, so
    # only its check-digit and birth-date parts are used.
    if value[-1] != ric.calc_check_digit(value):
        return False
    # digits 7–14 are the same normalised again: digits have no case and are folded already
    born = birth_date_of(value)
    if born is None or born.year < 1900:
        return False
    return not (on is not None and born > on)


# README §9.2: digits and upper-case letters except I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def is_valid_uscc(code: str) -> bool:
    """GB 32100-2015 as §9.2 reads it: 18 characters of the alphabet and the check character.

    stdnum's ``uscc.validate`` also wants digits in the first eight places; §9.2 does not check the
    registration-department, category and region codes one by one, so only its check character is used.
    """
    return is_valid_uscc_of(normalize_number(code))


def is_valid_uscc_of(value: str) -> bool:
    """``is_valid_uscc`` of a code already normalised (``normalize_number``)."""
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        return False
    return value[-1] == uscc.calc_check_digit(value)
