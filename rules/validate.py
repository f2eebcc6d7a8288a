"""Cross-reference checks on a parsed Item: every fact, material, field and part a rule names must exist."""

from __future__ import annotations

import re

from rules.codes import Code
from rules.expr import Cmp, CountRef, Expr, FactRef, FieldRef, Not, refs
from rules.spec import FactCatalog, Item, Material

Problem = tuple[str, str]
PERSON_TARGETS = ("shareholders.name", "shareholders.id_number", "shareholders.uscc")
_TARGET_FIELD = re.compile(r"^(M\d+)「([^」]+)」$")
_FIELD_TYPES: dict[Code, tuple[str, ...]] = {
    Code.INVALID_ID: ("id_number",),
    Code.INVALID_USCC: ("uscc",),
    Code.EXPIRED: ("period", "date", "month"),
    Code.STALE: ("date", "month"),
}


def problems_of(item: Item, catalog: FactCatalog) -> list[Problem]:
    out: list[Problem] = []
    out += _duplicates("conditions", [c.id for c in item.conditions])
    out += _duplicates("materials", [m.id for m in item.materials])
    materials = {m.id: m for m in item.materials}
    if item.carrier not in materials:
        out.append(("carrier", f"material {item.carrier} is not in this file"))
    for i, req in enumerate(item.required_facts):
        if catalog.get(req.fact) is None:
            out.append((f"required_facts[{i}]", f"申报事实「{req.fact}」不存在（facts.yaml 中没有）"))
        out += _expr_problems(req.when, f"required_facts[{i}].when", catalog, materials)
        out += _expr_problems(req.must, f"required_facts[{i}].must", catalog, materials)
    for i, cond in enumerate(item.conditions):
        out += _expr_problems(cond.require, f"conditions[{i}].require", catalog, materials)
        out += _expr_problems(cond.when, f"conditions[{i}].when", catalog, materials)
    for i, material in enumerate(item.materials):
        out += _material_problems(material, f"materials[{i}]", catalog, materials)
    conditions = {c.id for c in item.conditions}
    for i, rej in enumerate(item.rejections):
        if rej.condition not in conditions:
            out.append((f"rejections[{i}].condition", f"本文件没有受理条件 {rej.condition}"))
    for i, shared in enumerate(item.shared):
        if shared.material not in materials:
            out.append((f"shared[{i}].material", f"本文件没有材料 {shared.material}"))
    return out


def _duplicates(where: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for i, value in enumerate(ids):
        if value in seen:
            out.append((f"{where}[{i}].id", f"编号 {value} 重复"))
        seen.add(value)
    return out


def _material_problems(
    material: Material, where: str, catalog: FactCatalog, materials: dict[str, Material]
) -> list[Problem]:
    out = _expr_problems(material.when, f"{where}.when", catalog, materials)
    for name, spec in material.fields.items():
        if spec.part and spec.part not in material.parts:
            out.append(
                (
                    f"{where}.fields.{name}.part",
                    f"{material.id} 没有组成部分「{spec.part}」，请先在 parts 中写明",
                )
            )
    out += _licence_problems(material, where, catalog)
    for j, check in enumerate(material.checks):
        at = f"{where}.checks[{j}]"
        out += _expr_problems(check.when, f"{at}.when", catalog, materials)
        named = [*check.fields, *([check.field] if check.field else [])]
        for field in named:
            if field not in material.fields:
                out.append((at, f"{material.id} 没有字段「{field}」，请先在 fields 中写明"))
        wanted = _FIELD_TYPES.get(check.code)
        if wanted and check.field in material.fields and material.fields[check.field].type not in wanted:
            kind = material.fields[check.field].type
            out.append(
                (
                    at,
                    f"{check.code.value} 要求字段类型为 {'/'.join(wanted)}，字段「{check.field}」是 {kind}",
                )
            )
        for part in check.parts:
            if material.parts and part not in material.parts:
                out.append((at, f"{material.id} 没有组成部分「{part}」，请先在 parts 中写明"))
        if check.count_at_least:
            counted = re.fullmatch(r"count\((M\d+)\)", check.count_at_least)
            if counted and counted.group(1) not in materials:
                out.append((f"{at}.count_at_least", f"本文件没有材料 {counted.group(1)}"))
            elif not counted and catalog.get(check.count_at_least) is None:
                out.append(
                    (f"{at}.count_at_least", f"「{check.count_at_least}」不是申报事实，也不是 count(Mn)")
                )
        for target in check.equals:
            out += _target_problems(target, f"{at}.equals", catalog, materials)
    return out


def _licence_problems(material: Material, where: str, catalog: FactCatalog) -> list[Problem]:
    """A material fetched from the 电子证照 library: its holder is a declared identifying number, the
    fields it fills are the material's own."""
    source = material.licence
    if source is None:
        return []
    out: list[Problem] = []
    spec = catalog.get(source.holder)
    if spec is None:
        out.append((f"{where}.licence.holder", f"申报事实「{source.holder}」不存在（facts.yaml 中没有）"))
    elif spec.type not in ("uscc", "id_number", "string"):
        out.append(
            (f"{where}.licence.holder", f"申报事实「{source.holder}」是 {spec.type}，不是持证主体代码")
        )
    for name in source.fields:
        if name not in material.fields:
            out.append(
                (f"{where}.licence.fields.{name}", f"{material.id} 没有字段「{name}」，请先在 fields 中写明")
            )
    if material.per:
        out.append((f"{where}.licence", f"{material.id} 按{material.per}每套提交，不能用一份电子证照代替"))
    return out


def _target_problems(
    target: str, where: str, catalog: FactCatalog, materials: dict[str, Material]
) -> list[Problem]:
    if target in PERSON_TARGETS:
        return []
    m = _TARGET_FIELD.match(target)
    if m:
        other = materials.get(m.group(1))
        if other is None:
            return [(where, f"本文件没有材料 {m.group(1)}")]
        if m.group(2) not in other.fields:
            return [(where, f"{m.group(1)} 没有字段「{m.group(2)}」")]
        return []
    spec = catalog.get(target)
    if spec is None:
        return [(where, f"「{target}」不是申报事实，也不是 Mn「字段」或 {'、'.join(PERSON_TARGETS)}")]
    if spec.type not in ("name", "id_number", "uscc", "string"):
        return [(where, f"申报事实「{target}」是 {spec.type}，不是可比对的名称或号码")]
    return []


def _expr_problems(
    expr: Expr | None, where: str, catalog: FactCatalog, materials: dict[str, Material]
) -> list[Problem]:
    if expr is None:
        return []
    out: list[Problem] = []
    for ref in refs(expr):
        if isinstance(ref, FactRef):
            if catalog.get(ref.name) is None:
                out.append((where, f"申报事实「{ref.name}」不存在（facts.yaml 中没有）"))
        elif ref.material not in materials:
            out.append((where, f"本文件没有材料 {ref.material}"))
        elif isinstance(ref, FieldRef) and ref.field not in materials[ref.material].fields:
            out.append((where, f"{ref.material} 没有字段「{ref.field}」"))
    out += _literal_problems(expr, where, catalog)
    return out


def _literal_problems(expr: Expr, where: str, catalog: FactCatalog) -> list[Problem]:
    if isinstance(expr, Not):
        return _literal_problems(expr.item, where, catalog)
    if not isinstance(expr, Cmp):
        return [p for item in expr.items for p in _literal_problems(item, where, catalog)]
    if isinstance(expr.ref, CountRef | FieldRef):
        return []
    spec = catalog.get(expr.ref.name)
    if spec is None:
        return []
    values = expr.value if isinstance(expr.value, tuple) else (expr.value,)
    if spec.type in ("enum", "enum_list"):
        bad = [v for v in values if v not in spec.values]
        if bad:
            return [(where, f"「{bad[0]}」不是 {expr.ref.name} 的取值（可用：{'、'.join(spec.values)}）")]
    if spec.type == "bool" and any(not isinstance(v, bool) for v in values):
        return [(where, f"{expr.ref.name} 只能是 true 或 false")]
    if spec.type in ("integer", "number") and any(
        isinstance(v, bool) or not isinstance(v, int | float) for v in values
    ):
        return [(where, f"{expr.ref.name} 应为数字")]
    return []
