"""A rule file as department staff read it: 受理条件, 申请材料 (必要 / 条件必要 / 容缺) and every
审查要点 in words, from the parsed item (so inherited common materials and a bundle's ``same_as``
checks show as they take effect)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, Field

from rules.codes import CODE_LABELS, Code
from rules.expr import Expr
from rules.spec import Check, FactCatalog, Item, Material
from rules.wording import describe

_UNITS = {"d": "天", "m": "个月", "y": "年"}


class CheckLine(BaseModel):
    code: str
    label: str
    text: str = Field(description="要点的内容（字段、应一致的对象、期限……）")
    when: str = Field(default="", description="仅当此条件成立时审查")
    note: str = ""


class MaterialOutline(BaseModel):
    id: str
    name: str
    form: str
    source: str
    necessity: str = Field(description="required（必要）| conditional（条件必要）")
    when: str = ""
    necessity_note: str = ""
    tolerance_days: int | None = None
    per: str = ""
    common: str | None = None
    maps_to: str = ""
    same_as: str = ""
    parts: list[str] = Field(default_factory=list)
    checks: list[CheckLine] = Field(default_factory=list)


class RequiredFactLine(BaseModel):
    """A fact the applicant must declare, as staff know it: the application form's 栏目 and the question
    put to the applicant (the key is what rule expressions write)."""

    fact: str
    label: str
    ask: str = ""
    when: str = ""


def _required(fact: str, *, catalog: FactCatalog, when: str) -> RequiredFactLine:
    spec = catalog.get(fact)
    label = spec.label if spec is not None else fact
    ask = spec.ask if spec is not None and spec.ask and spec.ask != label else ""
    return RequiredFactLine(fact=fact, label=label, ask=ask, when=when)


class ConditionOutline(BaseModel):
    id: str
    text: str
    require: str
    when: str = ""
    basis: str = ""
    on_fail: str = ""
    legal_basis: str = ""
    refer_to: str = ""


class RuleOutline(BaseModel):
    code: str
    name: str
    department: str
    bundle: bool
    basic: dict[str, Any]
    required_facts: list[RequiredFactLine]
    conditions: list[ConditionOutline]
    manual_checks: list[str]
    materials: list[MaterialOutline]
    material_notes: list[str]
    shared: list[dict[str, str]]
    rejections: list[dict[str, str]]
    fact_labels: dict[str, str] = Field(description="申报事实名 → 中文栏目名（读条件表达式用）")


def outline(item: Item, *, catalog: FactCatalog) -> RuleOutline:
    names = {m.id: m.name for m in item.materials}

    def words(expr: Expr) -> str:
        return describe(expr, catalog=catalog, materials=names)

    fact_labels = {name: spec.label for name, spec in {**catalog.facts, **catalog.derived}.items()}
    required = [
        _required(f.fact, catalog=catalog, when=words(f.when) if f.when else "") for f in item.required_facts
    ]
    return RuleOutline(
        code=item.code,
        name=item.name,
        department=item.department,
        bundle=item.bundle,
        basic={k: v for k, v in item.basic.model_dump(by_alias=True).items() if v not in ("", None)},
        required_facts=required,
        conditions=[
            ConditionOutline(
                id=c.id,
                text=c.text,
                require=words(c.require),
                when=words(c.when) if c.when else "",
                basis=c.basis,
                on_fail=c.on_fail,
                legal_basis=c.legal_basis,
                refer_to=c.refer_to,
            )
            for c in item.conditions
        ],
        manual_checks=list(item.manual_checks),
        materials=[_material(m, words, facts=fact_labels) for m in item.materials],
        material_notes=list(item.material_notes),
        shared=[s.model_dump() for s in item.shared],
        rejections=[r.model_dump() for r in item.rejections],
        fact_labels=fact_labels,
    )


def _material(m: Material, words: Callable[[Expr], str], *, facts: Mapping[str, str]) -> MaterialOutline:
    return MaterialOutline(
        id=m.id,
        name=m.name,
        form=m.form,
        source=m.source,
        necessity="required" if m.when is None else "conditional",
        when=words(m.when) if m.when else "",
        necessity_note=m.necessity_note,
        tolerance_days=m.tolerance_days,
        per=m.per,
        common=m.common,
        maps_to=m.maps_to,
        same_as=m.same_as,
        parts=list(m.parts),
        checks=[check_line(c, words, facts=facts) for c in m.checks],
    )


def check_line(
    check: Check, words: Callable[[Expr], str], *, facts: Mapping[str, str] | None = None
) -> CheckLine:
    """One 审查要点 in words; ``facts`` (fact name → 栏目) names the declared facts it compares with."""
    return CheckLine(
        code=check.code.value,
        label=CODE_LABELS[check.code],
        text=_what(check, facts or {}),
        when=words(check.when) if check.when else "",
        note=check.note,
    )


def _what(c: Check, facts: Mapping[str, str]) -> str:
    if c.code is Code.PAGES_MISSING:
        text = "、".join(c.parts)
        if c.across_sets:
            return f"{text}（各部分至少一份即可）"
        if c.count_at_least:
            return f"{text}；份数不少于 {c.count_at_least}" if text else f"份数不少于 {c.count_at_least}"
        return f"{text}（每一份都须齐全）"
    if c.code is Code.STALE:
        return f"{c.field}：须在 {c.within[:-1]} {_UNITS.get(c.within[-1:], '')}内"
    if c.code in (Code.NAME_MISMATCH, Code.ID_MISMATCH):
        return f"{c.field} 须与 {' 或 '.join(facts.get(e, e) for e in c.equals)} 一致"
    return c.accept or "、".join(c.fields) or c.field or c.who
