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
from rules.values import encode, id_ok, name_or_number, normalised, uscc_ok

Json = dict[str, Any]


def case_fact(review: date, compiled: CompiledItem) -> Json:
    """The case fact (the caller must not change it): the same for every case reviewed on one day under
    rules with the same windows, so made once for them (month arithmetic on every window otherwise)."""
    return _case(review, compiled)[0]


def with_case(
    declared: Json, phase: int, review: date, compiled: CompiledItem, leave: frozenset[str] = frozenset()
) -> list[str]:
    """The texts of the declared fact, with only the properties some pattern of a ``phase`` names (the
    others cannot match), and of the case fact: what each phase asserts besides the material facts,
    less those ``leave`` names ("d", "c": rules.idle.singles_idle), which are not encoded.
    A property the phase tests only for presence (``CompiledItem.present1`` / ``present2``: most often
    a declared name or number) is asserted as ``1``: its value cannot change what fires, and cases
    alike but for names and numbers then give the phase the same text (rules.evaluate remembers the
    engine's answer to it). The case fact's text is made once, with the fact."""
    out = []
    if "d" not in leave:
        names, present = (
            (compiled.declared1, compiled.present1) if phase == 1 else (compiled.declared2, compiled.present2)
        )
        out.append(encode({k: (1 if k in present else v) for k, v in declared.items() if k in names}))
    if "c" not in leave:
        out.append(_case(review, compiled)[1])
    return out


def _case(review: date, compiled: CompiledItem) -> tuple[Json, str]:
    key = (review, compiled.facts_base)
    hit = _case_facts.get(key) if compiled.facts_base else None
    if hit is None:
        fact: Json = {"t": "c", "review": review.toordinal()}
        for name, (days, months) in compiled.windows.items():
            fact[name] = window_start(review, days=days, months=months).toordinal()
        hit = (fact, encode(fact))
        if compiled.facts_base:
            if len(_case_facts) >= 4096:
                _case_facts.clear()
            _case_facts[key] = hit
    return hit


# (review date, CompiledItem.facts_base, which digests the windows among the rest) -> the case fact and
# its text
_case_facts: dict[tuple[date, str], tuple[Json, str]] = {}


def declared_fact(declared: dict[str, Any], catalog: FactCatalog, review: date) -> Json:
    """Normalised declared facts; an empty or ill-typed value is left out (README: 按事实缺失处理)."""
    fact: Json = {"t": "d"}
    plan = _plan(catalog)
    for name, raw in declared.items():
        put = plan.get(name)
        if put is None or raw is None:
            continue
        how, spec = put
        # The commonest values put here rather than by a call (``_put_bool``, ``_put_enum``, ``_put_name``
        # of a text): a case declares some fifteen, and a call cost as much as the rest of the loop
        if how is _put_bool:
            if raw is True or raw is False:
                fact[name] = raw
        elif how is _put_enum:
            if raw in spec.values:
                fact[name] = raw
        elif how is _put_name and type(raw) is str:
            if raw.strip():
                fact[name] = normalised(raw, False)
        else:
            how(fact, name, raw, spec, review)
    if not fact.keys().isdisjoint(_DERIVED_FROM):
        fact.update(_derived(declared, fact))
    return fact


_Put = Callable[[Json, str, Any, FactSpec, date], None]
# Types as tuples: ``int | float`` in an isinstance call builds the union on every call (5x the check)
_NUMBER, _TEXT = (int, float), (str, int)


def _plan(catalog: FactCatalog) -> dict[str, tuple[_Put, FactSpec]]:
    """Per declared fact of the catalogue, how its value is put on the fact: chosen once per catalogue
    (a case declares some twenty values, each otherwise looked up by its type)."""
    hit = _plans.get(id(catalog))
    if hit is None or hit[0] is not catalog:
        by_name = {name: (_PUT.get(spec.type, _put_text), spec) for name, spec in catalog.facts.items()}
        if len(_plans) >= 64:
            _plans.clear()
        # kept with its plan, so that its id is not reused while it is in this table
        hit = _plans[id(catalog)] = (catalog, by_name)
    return hit[1]


_plans: dict[int, tuple[FactCatalog, dict[str, tuple[_Put, FactSpec]]]] = {}


def _put_bool(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if isinstance(raw, bool):
        fact[name] = raw


def _put_count(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if isinstance(raw, bool) or not isinstance(raw, _NUMBER) or raw < 0:
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


def _text(raw: Any) -> str:
    """A declared text as it reads ("" when it is empty or not text)."""
    if type(raw) is str:  # most: checked first, without the union
        return raw if raw.strip() else ""
    if not isinstance(raw, _TEXT):
        return ""
    text = str(raw)
    return text if text.strip() else ""


def _put_text(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    """Other text (a date, a string): as it reads, stripped."""
    if text := _text(raw):
        fact[name] = text.strip()


def _put_name(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if text := _text(raw):
        fact[name] = normalised(text, False)


def _put_id(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    """An ID number, normalised, with its checksum on the review date."""
    if text := _text(raw):
        fact[name] = value = normalised(text, True)
        fact[f"{name}__ok"] = id_ok(value, review)


def _put_uscc(fact: Json, name: str, raw: Any, spec: FactSpec, review: date) -> None:
    if text := _text(raw):
        fact[name] = value = normalised(text, True)
        fact[f"{name}__ok"] = uscc_ok(value)


_PUT: dict[str, _Put] = {
    "bool": _put_bool,
    "integer": _put_count,
    "number": _put_count,
    "enum": _put_enum,
    "enum_list": _put_enum_list,
    "shareholders": _put_shareholders,
    "name": _put_name,
    "id_number": _put_id,
    "uscc": _put_uscc,
}
# What ``_derived`` makes its facts from: a case that declares none of them has none.
_DERIVED_FROM = frozenset({"existing_vehicle_count", "annual_water_volume", "shareholders"})


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
