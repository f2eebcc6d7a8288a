"""Rule expressions and rule-file prose in words people read: facts by their Chinese names, enum values by
theirs, ``by_agent = true`` as 是否委托代理人办理：是. The guide (rules/guide.py) and the staff outline
use it."""

from __future__ import annotations

import re

from rules.codes import CODE_LABELS, Code
from rules.expr import And, Cmp, CountRef, Expr, FactRef, Not, Or, Scalar
from rules.spec import FactCatalog, FactSpec

# How a comparison reads in a sentence: 申请人类型为企业或个体工商户, 专职工作人员人数不少于 3.
_OPS = {
    "==": "为",
    "!=": "不为",
    "<": "少于",
    "<=": "不超过",
    ">": "超过",
    ">=": "不少于",
    "in": "为",
    "not in": "不为",
    "contains": "含",
    "not contains": "不含",
}
_IDENT = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"
_PROSE_CMP = re.compile(rf"\b({_IDENT})\s*(=|≠|!=)\s*({_IDENT})\b")
_PROSE_IN = re.compile(rf"\b({_IDENT})\s*∈\s*\{{([a-z0-9_,\s]+)\}}")
_PROSE_WORD = re.compile(rf"\b{_IDENT}\b")
_PROSE_CODE = re.compile(r"\b(" + "|".join(c.value for c in Code) + r")\b")  # 不判 EXPIRED


def describe(expr: Expr, *, catalog: FactCatalog, materials: dict[str, str] | None = None) -> str:
    """An expression in words people read: facts by their Chinese names, enum values by theirs,
    ``materials`` (M-id → name) naming the material a field is read from."""
    if isinstance(expr, Cmp):
        return _comparison(expr, catalog, materials or {})
    if isinstance(expr, Not):
        return f"并非（{describe(expr.item, catalog=catalog, materials=materials)}）"
    joiner = " 且 " if isinstance(expr, And) else " 或 "
    parts = []
    for sub in expr.items:
        text = describe(sub, catalog=catalog, materials=materials)
        # an and inside an or (and the reverse) is bracketed: people don't know precedence rules
        parts.append(f"（{text}）" if isinstance(sub, And | Or) and type(sub) is not type(expr) else text)
    return joiner.join(parts)


def _comparison(cmp: Cmp, catalog: FactCatalog, materials: dict[str, str]) -> str:
    ref = cmp.ref
    spec: FactSpec | None = None
    if isinstance(ref, FactRef):
        spec = catalog.get(ref.name.split("__", 1)[0])
        if (
            spec is not None
            and spec.type == "bool"
            and cmp.op in ("==", "!=")
            and isinstance(cmp.value, bool)
        ):
            return f"{spec.question}：{'是' if cmp.value == (cmp.op == '==') else '否'}"
        subject = spec.subject if spec else ref.name
    elif isinstance(ref, CountRef):
        subject = f"{_material_name(ref.material, materials)}份数"
    else:
        subject = f"{_material_name(ref.material, materials)}「{ref.field}」" + (
            "所示年龄" if ref.attr == "age" else ""
        )
    values = cmp.value if isinstance(cmp.value, tuple) else (cmp.value,)
    words = [_value(v, spec) for v in values]
    value = ("或" if cmp.op == "in" else "、").join(words)
    unit = " 周岁" if not isinstance(ref, FactRef | CountRef) and ref.attr == "age" else ""
    if spec is not None and spec.unit:
        unit = f" {spec.unit}"
    spaced = " " if isinstance(cmp.value, int | float) and not isinstance(cmp.value, bool) else ""
    return f"{subject}{_OPS[cmp.op]}{spaced}{value}{unit}"


def _material_name(material: str, materials: dict[str, str]) -> str:
    return f"{material} {materials[material]}" if material in materials else material


def _value(value: Scalar, spec: FactSpec | None) -> str:
    if spec is not None:
        return spec.value_label(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def humanise(text: str, *, catalog: FactCatalog) -> str:
    """Prose copied from the standards names facts and values the way rules do (``by_commitment = false``,
    ``location_area ∈ {urban_district, cross_county}``, 不判 EXPIRED); this puts them in words. Unknown words
    stay."""

    def compare(m: re.Match[str]) -> str:
        name, op, value = m.groups()
        spec = catalog.get(name)
        negated = op != "="
        if spec is not None and spec.type == "bool" and value in ("true", "false"):
            return f"{spec.question}：{'是' if (value == 'true') != negated else '否'}"
        subject = spec.subject if spec else catalog.terms.get(name)
        if subject is None:
            return m.group(0)
        return f"{subject}{'不为' if negated else '为'}{_word(value, spec, catalog)}"

    def member(m: re.Match[str]) -> str:
        spec = catalog.get(m.group(1))
        if spec is None:
            return m.group(0)
        values = [_word(v.strip(), spec, catalog) for v in m.group(2).split(",") if v.strip()]
        return f"{spec.subject}为{'或'.join(values)}"

    text = _PROSE_IN.sub(member, _PROSE_CMP.sub(compare, text))
    text = _PROSE_CODE.sub(lambda m: f"「{CODE_LABELS[Code(m.group(1))]}」", text)
    for term, words in catalog.terms.items():
        if not re.fullmatch(_IDENT, term):  # file names and the like: plain replacement
            text = text.replace(term, words)
    return _PROSE_WORD.sub(lambda m: _word(m.group(0), None, catalog), text)


def _word(word: str, spec: FactSpec | None, catalog: FactCatalog) -> str:
    if spec is not None and word in spec.value_labels:
        return spec.value_labels[word]
    known = catalog.get(word)
    if known is not None:
        return known.subject
    if word in catalog.terms:
        return catalog.terms[word]
    named = {spec.value_labels[word] for spec in catalog.facts.values() if word in spec.value_labels}
    return named.pop() if len(named) == 1 else word
