"""The questions an applicant answers before seeing the checklist: the item's declared facts, those that
decide which materials are due (and which conditions hold) first, each with when it is asked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rules.expr import Expr, FactRef, refs, to_dnf
from rules.spec import FactCatalog, Item


class AskWhen(BaseModel):
    """``fact op value``: one comparison of an all-of group; the question is asked when any group holds."""

    fact: str
    op: str
    value: bool | int | float | str | list[bool | int | float | str]


class Question(BaseModel):
    fact: str
    label: str
    ask: str = Field(description="the question as put to the applicant (declared-facts.md 含义)")
    type: str
    values: list[str] = Field(default_factory=list)
    value_labels: dict[str, str] = Field(default_factory=dict, description="enterprise → 企业")
    decides: list[str] = Field(default_factory=list, description="materials whose being due depends on it")
    conditions: list[str] = Field(default_factory=list, description="acceptance conditions that test it")
    ask_when: list[list[AskWhen]] = Field(default_factory=list, description="empty: always asked")
    group: Literal["materials", "conditions", "details"]


def _declared(name: str, catalog: FactCatalog) -> tuple[str, ...]:
    base = name.split("__", 1)[0]  # enum_list options and id checks: freight_categories__x, uscc__ok
    derived = catalog.derived.get(base)
    return derived.from_facts if derived else (base,)


def _facts(expr: Expr | None, catalog: FactCatalog) -> set[str]:
    if expr is None:
        return set()
    return {fact for ref in refs(expr) if isinstance(ref, FactRef) for fact in _declared(ref.name, catalog)}


def _ask_when(expr: Expr | None) -> list[list[AskWhen]]:
    if expr is None:
        return []
    groups = []
    for conj in to_dnf(expr):
        group = []
        for cmp in conj:
            if not isinstance(cmp.ref, FactRef):
                continue
            value = list(cmp.value) if isinstance(cmp.value, tuple) else cmp.value
            group.append(AskWhen(fact=cmp.ref.name, op=cmp.op, value=value))
        groups.append(group)
    return groups


def questions(item: Item, catalog: FactCatalog) -> list[Question]:
    """Every required fact of ``item`` the applicant declares (not the system-checked ones), in the
    order: facts deciding materials, facts deciding conditions only, then the details to compare with."""
    deciding: dict[str, list[str]] = {}
    for m in item.materials:
        for fact in _facts(m.when, catalog):
            deciding.setdefault(fact, []).append(m.id)
    testing: dict[str, list[str]] = {}
    for c in item.conditions:
        for fact in _facts(c.require, catalog) | _facts(c.when, catalog):
            testing.setdefault(fact, []).append(c.id)
    out = []
    for req in item.required_facts:
        spec = catalog.get(req.fact)
        if spec is None or spec.system_checked:
            continue
        decides, tests = deciding.get(req.fact, []), testing.get(req.fact, [])
        group: Literal["materials", "conditions", "details"] = (
            "materials" if decides else "conditions" if tests else "details"
        )
        out.append(
            Question(
                fact=req.fact,
                label=spec.label,
                ask=spec.ask_for.get(item.code, spec.question),
                type=spec.type,
                values=list(spec.values),
                value_labels=spec.value_labels,
                decides=decides,
                conditions=tests,
                ask_when=_ask_when(req.when),
                group=group,
            )
        )
    order = {"materials": 0, "conditions": 1, "details": 2}
    return sorted(out, key=lambda q: order[q.group])  # stable: the rule file's order within a group
