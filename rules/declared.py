"""The declared fact and the case fact as the engine takes them: declared values normalised and typed
(an empty or ill-typed one left out), numbers' checksums, derived counts; the review date and the
start of each STALE window as ordinals.
"""

from __future__ import annotations

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
    for name, raw in declared.items():
        spec = catalog.facts.get(name)
        if spec is None or raw is None:
            continue
        value = _typed(raw, spec)
        if value is None:
            continue
        if spec.type == "enum_list":
            for option in spec.values:
                fact[f"{name}__{option}"] = option in value
            fact[name] = len(value)
        elif spec.type == "shareholders":
            fact[name] = len(value)
        else:
            fact[name] = value
        if spec.type == "id_number":
            fact[f"{name}__ok"] = id_ok(str(value), review)
        elif spec.type == "uscc":
            fact[f"{name}__ok"] = uscc_ok(str(value))
    fact.update(_derived(declared, fact))
    return fact


def _typed(raw: Any, spec: FactSpec) -> Any:
    kind = spec.type
    if kind == "bool":
        return raw if isinstance(raw, bool) else None
    if kind in ("integer", "number"):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
            return None
        return raw if kind == "number" or float(raw).is_integer() else None
    if kind == "enum":
        return raw if raw in spec.values else None
    if kind == "enum_list":
        if not isinstance(raw, list) or not raw or any(v not in spec.values for v in raw):
            return None
        return raw
    if kind == "shareholders":
        return raw if isinstance(raw, list) and all(isinstance(s, dict) for s in raw) else None
    if not isinstance(raw, str | int) or not str(raw).strip():
        return None
    text = str(raw)
    if kind == "name":
        return name_or_number(text, numeric=False)
    if kind in ("id_number", "uscc"):
        return name_or_number(text, numeric=True)
    return text.strip()


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
