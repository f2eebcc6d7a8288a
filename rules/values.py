"""What one field's text reads as for the rules: its comparable value and, by the field's type, whether
the number is valid, the date's ordinal, the age it gives on the review date, a period's ends.

These are pure functions of (type, text, review date), and the same readings recur: one person's ID
number on the card, the form and the mandate; the dates of a batch of cases. They are remembered (a
bounded cache), so that a case judged for the first time mostly looks its values up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import orjson

from rules.calendar import age_on
from rules.dates import parse_date, parse_period
from rules.identity import birth_date_of, is_valid_id_of, is_valid_uscc_of, normalize_name, normalize_number

Props = dict[str, Any]
_UNREADABLE = "unreadable"  # FieldState.UNREADABLE: README §2.2, a date that does not parse
# Types whose reading depends on the review date (a birth date after it, an age on it).
_DATED = frozenset({"id_number", "date", "month"})
# Types whose value is read as a number (``normalised(text, True)``); the others but a list as a name.
NUMERIC = frozenset({"id_number", "uscc", "plate"})


def reading(kind: str, text: str, review: date) -> Props:
    """The properties a read field's fact takes from its text, in the order the fact lists them
    (``st`` only when the text makes the field illegible). The caller must not change the dict."""
    return read(kind, text, review if kind in _DATED else None)[0]


def reading_at(kind: str, text: str, review: date | None) -> Props:
    """``reading`` with ``review`` None for a type whose reading does not depend on the date (one
    cache entry for every review date); rules.steps knows which fields those are. Not remembered
    itself: ``read`` remembers it with its text (a new value was a miss in two tables)."""
    props: Props = {}
    if kind in NUMERIC:
        props["v"] = normalised(text, True)
    elif kind == "list":
        props["v"] = list_value(text)
    else:
        props["v"] = normalised(text, False)
    if kind == "id_number":
        assert review is not None
        props["ok"] = id_ok(text, review)
        born = birth_date_of(props["v"]) if props["ok"] else None  # ``v`` is the number normalised
        if born:
            props["age"] = age_on(born, review)
    elif kind == "uscc":
        props["ok"] = uscc_ok(text)
    elif kind in ("date", "month"):
        assert review is not None
        day = parse_date(text)
        if day is None:
            props["st"] = _UNREADABLE
        else:
            props["d"] = props["end"] = day.toordinal()
            props["age"] = age_on(day, review)
    elif kind == "period":
        _period(props, text)
    return props


@lru_cache(maxsize=1 << 16)
def read(kind: str, text: str, review: date | None) -> tuple[Props, str]:
    """``reading_at``'s properties, and the same as JSON without the opening brace (a fact's text ends
    with them): one look-up for both, as a read field's fact needs both; remembered."""
    props = reading_at(kind, text, review)
    return props, encode(props)[1:]


def encode(obj: Any) -> str:
    """The engine's facts as JSON (rules.engine takes it from here): compact, characters as they are
    (what ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` gives for these flat facts of
    strings, integers, booleans and lists, at a sixth of its cost: a case's declared fact took 10 µs).
    Defined here because a payload is joined from the texts of readings (``read``), which must
    be encoded alike. What orjson refuses (an integer beyond 64 bits) the standard encoder writes."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # orjson.JSONEncodeError
        return _plain(obj)


_plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def payload(texts: list[str]) -> str:
    """The engine's payload of facts already encoded (``encode``), each given its position as its
    ``id``. A fact without one is named by the engine from its whole content, which costs it about a
    fifth of a case's matching; the facts of one payload are told apart by their position (they are
    asserted and retracted together, and no two are alike), and no pattern reads ``id``."""
    return "[" + ",".join([f'{{"id":{k},{text[1:]}' for k, text in enumerate(texts)]) + "]"


def joined(texts: list[str]) -> str:
    """A JSON list of facts already encoded (``encode``): what ``encode`` makes of the list of them."""
    return "[" + ",".join(texts) + "]"


def _period(props: Props, text: str) -> None:
    period = parse_period(text)
    if period is None:
        props["st"] = _UNREADABLE
        return
    start, end, open_ended = period
    if end is not None:
        props["end"] = end.toordinal()
    if start is not None:
        props["d"] = start.toordinal()
    props["noend"] = open_ended


def name_or_number(text: str, *, numeric: bool) -> str:
    """``normalize_number`` or ``normalize_name`` of ``text``, remembered."""
    return normalised(text, numeric)


@lru_cache(maxsize=1 << 16)
def normalised(text: str, numeric: bool) -> str:
    """``name_or_number`` with the flag given by position: a cache keyed by keyword costs twice as much,
    and the declared facts of every case ask it for some ten values."""
    return normalize_number(text) if numeric else normalize_name(text)


@lru_cache(maxsize=1 << 14)
def comparable(text: str) -> str:
    """A value read on another material as a mismatch check compares it: a number if it looks like one."""
    return name_or_number(text, numeric=looks_numeric(text))


@lru_cache(maxsize=1 << 14)
def id_ok(text: str, review: date) -> bool:
    """``is_valid_id`` on the review date, remembered (the same numbers recur: applicant, agent); the
    number normalised as its value is (``normalised``: looked up, as its reading has just made it)."""
    return is_valid_id_of(normalised(text, True), on=review)


@lru_cache(maxsize=1 << 14)
def uscc_ok(text: str) -> bool:
    """``is_valid_uscc``, remembered (the code normalised as ``id_ok`` has it)."""
    return is_valid_uscc_of(normalised(text, True))


_LIST_SPLIT = re.compile(r"[、,，;；/\n]+")


@lru_cache(maxsize=1 << 14)
def list_value(text: str) -> str:
    """A list of names or numbers as one comparable value: normalised, de-duplicated, sorted."""
    return _list_value(text, normalize_name, normalize_number)


def _list_value(text: str, name: Callable[[str], str], number: Callable[[str], str]) -> str:
    names = {number(p) if looks_numeric(p) else name(p) for p in _LIST_SPLIT.split(text)}
    return "|".join(sorted(n for n in names if n))


def clear() -> None:
    """Forget every remembered reading (tests compare with readings made afresh)."""
    for cached in (read, normalised, comparable, list_value, id_ok, uscc_ok):
        cached.cache_clear()


def looks_numeric(text: str) -> bool:
    return sum(map(str.isdigit, text)) >= 6
