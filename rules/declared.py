"""The declared fact and the case fact as the engine takes them: declared values normalised and typed
(an empty or ill-typed one left out), numbers' checksums, derived counts; the review date and the
start of each STALE window as ordinals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rules.calendar import window_start
from rules.compiled import CompiledItem
from rules.spec import FactCatalog, FactSpec
from rules.values import id_ok, name_or_number, uscc_ok

Json = dict[str, Any]


def case_fact(review: date, compiled: CompiledItem) -> Json:
    """The case fact (the caller must not change it): the same for every case reviewed on one day under
    rules with the same windows, so made once for them (month arithmetic on every window otherwise)."""
    key = (review, compiled.facts_base)
    fact = _case_facts.get(key) if compiled.facts_base else None
    if fact is None:
        fact = {"t": "c", "review": review.toordinal()}
        for name, (days, months) in compiled.windows.items():
            fact[name] = window_start(review, days=days, months=months).toordinal()
        if compiled.facts_base:
            if len(_case_facts) >= 4096:
                _case_facts.clear()
            _case_facts[key] = fact
    return fact


# (review date, CompiledItem.facts_base, which digests the windows among the rest) -> the case fact
_case_facts: dict[tuple[date, str], Json] = {}


def declared_fact(declared: dict[str, Any], catalog: FactCatalog, review: date) -> Json:
    """Normalised declared facts; an empty or ill-typed value is left out (README: 按事实缺失处理)."""
    fact: Json = {"t": "d"}
    specs = catalog.facts
    for name, raw in declared.items():
        spec = specs.get(name)
        if spec is not None and raw is not None:
            # One call by type rather than a chain of comparisons: a case declares some twenty values.
            _PUT.get(spec.type, _put_text)(fact, name, raw, spec, review)
    fact.update(_derived(declared, fact))
    return fact


def _put_bool(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if isinstance(raw, bool):
        fact[name] = raw


def _put_count(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        return
    if spec.type == "number" or float(raw).is_integer():
        fact[name] = raw


def _put_enum(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if raw in spec.values:
        fact[name] = raw


def _put_enum_list(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if not isinstance(raw, list) or not raw or any(v not in spec.values for v in raw):
        return
    for option in spec.values:
        fact[f"{name}__{option}"] = option in raw
    fact[name] = len(raw)


def _put_shareholders(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if isinstance(raw, list) and all(isinstance(s, dict) for s in raw):
        fact[name] = len(raw)


def _put_text(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    """A name, a number with its checksum, or other text (a date, a string): as it reads, normalised."""
    if not isinstance(raw, str | int) or not str(raw).strip():
        return
    text, kind = str(raw), spec.type
    if kind == "name":
        fact[name] = name_or_number(text, numeric=False)
    elif kind == "id_number":
        fact[name] = value = name_or_number(text, numeric=True)
        fact[f"{name}__ok"] = id_ok(value, review)
    elif kind == "uscc":
        fact[name] = value = name_or_number(text, numeric=True)
        fact[f"{name}__ok"] = uscc_ok(value)
    else:
        fact[name] = text.strip()


_Put = Callable[[Json, str, Any, FactSpec, date], None]
_PUT: dict[str, _Put] = {
    "bool": _put_bool,
    "integer": _put_count,
    "number": _put_count,
    "enum": _put_enum,
    "enum_list": _put_enum_list,
    "shareholders": _put_shareholders,
}


def _derived(declared: dict[str, Any], fact: Json) -> Json:
    out: Json = {}
    if "existing_vehicle_count" in fact and "planned_vehicle_count" in fact:
        out["vehicle_count"] = fact["existing_vehicle_count"] + fact["planned_vehicle_count"]
    if "annual_water_volume" in fact and "annual_groundwater_volume" in fact:
        if fact["annual_groundwater_volume"] > fact["annual_water_volume"]:
            # declared-facts.md: groundwater larger than the total is treated as a missing fact
            del fact["annual_groundwater_volume"]
        else:
            out["annual_surface_water_volume"] = (
                fact["annual_water_volume"] - fact["annual_groundwater_volume"]
            )
    holders = declared.get("shareholders")
    if "shareholders" in fact and isinstance(holders, list):
        rep = name_or_number(str(declared.get("legal_rep_id") or ""), numeric=True)
        out["shareholder_count"] = len(holders)
        out["corporate_shareholder_count"] = sum(h.get("shareholder_type") == "corporate" for h in holders)
        out["other_natural_shareholder_count"] = sum(
            h.get("shareholder_type") == "natural_person"
            and name_or_number(str(h.get("id_number") or ""), numeric=True) != rep
            for h in holders
        )
    return out
