"""New cases unlike the scenarios (bench/rules.py's "unlike" column): each scenario case written again
with other names, numbers and dates, deterministically (the k-th rewrite of a case is always the same),
so that no memory of a reading, a set or an engine answer made for another case can serve it.

Within one case a value is rewritten alike wherever it is (declared and read), so what agreed still
agrees and what differed still differs: names have every Chinese character moved by the same step in
the CJK block (a one-to-one map), ID numbers their sequence digits (the check digit made again when
the number was valid), credit codes their organisation digits (likewise), plates their digits, and every
date written as a day (and the review date) is moved by the same number of days, so a period still
ends before or after the review date as it did, as nearly as whole days allow.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from stdnum.cn import uscc as _uscc

from rules.casefacts import CaseFacts
from rules.identity import is_valid_id, is_valid_uscc
from rules.spec import FactCatalog, Item

_CJK_FIRST, _CJK_SIZE = 0x4E00, 0x9FA5 - 0x4E00 + 1
_DAY = re.compile(r"(\d{4})(年|\.|-|/)(\d{1,2})(月|\.|-|/)(\d{1,2})(日?)")
_LIST_SPLIT = re.compile(r"([、,，;；/\n]+)")  # as rules.values splits a list, separators kept
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class Rewrite:
    """The k-th rewrite: how names, numbers and dates change in it."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.step = 1 + (k * 7919) % (_CJK_SIZE - 1)  # never 0: every character moves
        self.days = 1 + k % 23

    def name(self, text: str) -> str:
        return "".join(
            chr(_CJK_FIRST + (ord(c) - _CJK_FIRST + self.step) % _CJK_SIZE)
            if _CJK_FIRST <= ord(c) < _CJK_FIRST + _CJK_SIZE
            else c
            for c in text
        )

    def digits(self, text: str, positions: range) -> str:
        shift = 1 + self.k % 9
        chars = list(text)
        for p in positions:
            if p < len(chars) and chars[p].isdigit():
                chars[p] = str((int(chars[p]) + shift) % 10)
        return "".join(chars)

    def id_number(self, text: str) -> str:
        plain = text.strip().upper()
        if len(plain) != 18 or not plain[:17].isdigit():
            return self.digits(text, range(len(text) - 4, len(text) - 1))
        new = self.digits(plain, range(14, 16))  # the sequence, not the sex digit
        if is_valid_id(plain):
            total = sum(int(d) * w for d, w in zip(new[:17], _ID_WEIGHTS, strict=True))
            new = new[:17] + "10X98765432"[total % 11]
        return new

    def uscc(self, text: str) -> str:
        plain = text.strip().upper()
        if len(plain) != 18:
            return self.digits(text, range(len(text) - 4, len(text) - 1))
        new = self.digits(plain, range(8, 16))
        return new[:17] + _uscc.calc_check_digit(new[:17]) if is_valid_uscc(plain) else new

    def listed(self, part: str) -> str:
        if sum(map(str.isdigit, part)) < 6:
            return self.name(part)
        return self.id_number(part) if part.strip()[:17].isdigit() else self.uscc(part)

    def plate(self, text: str) -> str:
        return self.digits(text, range(len(text)))

    def dates(self, text: str) -> str:
        return _DAY.sub(self._day, text)

    def _day(self, m: re.Match[str]) -> str:
        try:
            day = date(int(m[1]), int(m[3]), int(m[5])) + timedelta(days=self.days)
        except ValueError:
            return m[0]
        month = f"{day.month:02d}" if len(m[3]) == 2 else str(day.month)
        dom = f"{day.day:02d}" if len(m[5]) == 2 else str(day.day)
        return f"{day.year}{m[2]}{month}{m[4]}{dom}{m[6]}"

    def of_type(self, kind: str, text: str) -> str:
        if kind == "name":
            return self.name(text)
        if kind == "list":  # names and numbers, each rewritten as what it looks like
            return "".join(self.listed(p) for p in _LIST_SPLIT.split(text))
        if kind == "id_number":
            return self.id_number(text)
        if kind == "uscc":
            return self.uscc(text)
        if kind == "plate":
            return self.plate(text)
        if kind in ("date", "period", "month", "string"):
            return self.dates(text)
        return text


_PERSON = {"name": "name", "id_number": "id_number", "uscc": "uscc"}


def unlike(case: CaseFacts, k: int, *, item: Item, catalog: FactCatalog) -> CaseFacts:
    """The k-th rewrite of ``case`` (its id suffixed with ``~k``)."""
    return CaseFacts.model_validate(unlike_data(case, k, item=item, catalog=catalog))


def unlike_data(case: Any, k: int, *, item: Any, catalog: Any) -> dict[str, Any]:
    """``unlike`` as the data of a case (bench/rules_ab.py validates it with each tree's own model)."""
    r = Rewrite(k)
    data = case.model_dump(mode="json")
    data["case_id"] = f"{case.case_id}~{k}"
    data["review_date"] = (case.review_date + timedelta(days=r.days)).isoformat()
    declared: dict[str, Any] = data["declared"]
    for name, value in declared.items():
        spec = catalog.facts.get(name)
        if spec is None:
            continue
        if isinstance(value, str):
            declared[name] = r.of_type(spec.type, value)
        elif spec.type == "shareholders" and isinstance(value, list):
            for holder in value:
                for key, kind in _PERSON.items():
                    if isinstance(holder, dict) and isinstance(holder.get(key), str):
                        holder[key] = r.of_type(kind, holder[key])
    for mid, evidence in data["materials"].items():
        specs = item.material(mid).fields if any(m.id == mid for m in item.materials) else {}
        for one in evidence["sets"]:
            one["label"] = r.plate(r.name(one["label"]))
            for name, value in one["fields"].items():
                spec = specs.get(name)
                if spec is not None and value["value"]:
                    value["value"] = r.of_type(spec.type, value["value"])
    return data
