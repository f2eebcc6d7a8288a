"""Persons written in one line of prose, each name followed by its number: a form's 股东（发起人）、出资情况
filled in as 张三（身份证号码360121…）货币出资；安和市某某有限公司（9136…）货币出资, rather than as a table of
名称 and 证件号码 columns. The names and numbers are taken only when every number of the text has its
name right before it: a list with one person lost is no list of the persons."""

from __future__ import annotations

import re

from core.text import halfwidth
from prereview.extract.fields import plausible_names
from prereview.extract.kinds import NUMBER_LENGTH
from prereview.extract.numbers import Problem, check_id_number, check_uscc

__all__ = ["name_number_pairs"]

# A run of letters and digits that may be a number (OCR may put a space inside it): ten digits or more
_RUN = re.compile(r"[0-9A-Za-z](?:\s?[0-9A-Za-z])*")
_MIN_DIGITS = 10
# Between a name and its number: an opening bracket, the number's caption (身份证号码, 统一社会信用代码,
# 证件号码) and its colon, each optional
_BEFORE_NUMBER = re.compile(
    r"[(\[]?\s*(?:[\u4e00-\u9fff]{0,10}(?:号码|代码|证号|编号|号|身份证|执照)\s*[:]?)?\s*$"
)
# What separates one person's entry from the next, or a caption from the list
_SEPARATOR = re.compile(r"[;,、。:]")


def name_number_pairs(text: str, *, captions: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, number) of each person or unit in `text`, in order; [] unless every run of ten digits or
    more is one whole 公民身份号码 or 统一社会信用代码 (their shape; python-stdnum's check digits are the
    rules' to judge) with a person's or a unit's name right before it, and no entry between two of them
    or after the last is left without a number. A caption in `captions` glued before the first name
    (股东张三) is no part of it."""
    text = halfwidth(text)
    runs = [m for m in _RUN.finditer(text) if sum(ch.isdigit() for ch in m.group()) >= _MIN_DIGITS]
    out: list[tuple[str, str]] = []
    end = 0
    for k, run in enumerate(runs):
        number = re.sub(r"\s", "", run.group())
        if not _number_shaped(number):
            return []
        name = _name_before(text[end : run.start()], first=k == 0, captions=captions)
        if not name:
            return []
        out.append((name, number))
        end = run.end()
    # after the last number its entry's own words (货币出资), and no further entry without a number
    if out and any(piece.strip() for piece in _SEPARATOR.split(text[end:])[1:]):
        return []
    return out


def _number_shaped(number: str) -> bool:
    if len(number) != NUMBER_LENGTH:
        return False
    shaped = (None, Problem.CHECKSUM, Problem.DATE)
    return check_id_number(number).problem in shaped or check_uscc(number).problem in shaped


def _name_before(between: str, *, first: bool, captions: tuple[str, ...]) -> str:
    """The name that `between` (the text since the previous number) ends with; "" when there is none, or
    when a further entry stands between the previous number's own words and this name."""
    head = between[: _BEFORE_NUMBER.search(between).start()]  # type: ignore[union-attr]
    pieces = _SEPARATOR.split(head)
    # after a number: its closing bracket and words of its entry (货币出资), then the next entry's name
    if not first and len(pieces) > 2:
        return ""
    name = re.sub(r"\s", "", pieces[-1])
    if first:
        for caption in sorted(captions, key=len, reverse=True):
            if name.startswith(caption) and _plausible(name[len(caption) :]):
                name = name[len(caption) :]
                break
    elif len(pieces) == 1:
        # right after the previous number's closing bracket, or else where the name starts is unknown
        name = name[1:] if name.startswith(")") else ""
    return name if _plausible(name) else ""


def _plausible(name: str) -> bool:
    """A person's or a unit's name, and no list of them."""
    return not _SEPARATOR.search(name) and plausible_names(name)
