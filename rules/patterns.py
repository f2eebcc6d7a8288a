"""Conditions as durable-rules patterns: a rule file's expressions (rules.expr) turned into the
pattern of each fact a comparison looks at, grouped per fact. rules.compile assembles rules from them.

Fact shapes are listed in rules.compile.
"""

from __future__ import annotations

from typing import Any

from rules.expr import Cmp, CountRef, Expr, FactRef, Scalar, to_dnf
from rules.spec import FactCatalog

Json = dict[str, Any]
_OPS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
MAX_CONJUNCTS = 64


class PatternMaker:
    """Patterns for comparisons; a ``contains`` on a field becomes a has-key that rules.prepare sets."""

    def __init__(self, catalog: FactCatalog) -> None:
        self.catalog = catalog
        self.contains: dict[str, tuple[str, str, str]] = {}  # has-key -> (material, field, literal)

    def cmp(self, c: Cmp) -> tuple[str, Json]:
        """(pattern key, predicate) for one comparison."""
        ref = c.ref
        if isinstance(ref, FactRef):
            spec = self.catalog.get(ref.name)
            if spec is not None and spec.type == "enum_list" and c.op in ("contains", "not contains"):
                return "d", {"$and": [{"$ex": {ref.name: 1}}, {f"{ref.name}__{c.value}": c.op == "contains"}]}
            return "d", {"$and": [{"$ex": {ref.name: 1}}, _predicate(ref.name, c.op, c.value)]}
        if isinstance(ref, CountRef):
            return f"m:{ref.material}", _predicate("n", c.op, c.value)
        if c.op in ("contains", "not contains"):
            key = f"has{len(self.contains)}"
            self.contains[key] = (ref.material, ref.field, str(c.value))
            return f"f:{ref.material}:{ref.field}", {key: c.op == "contains"}
        prop = "age" if ref.attr == "age" else "v"
        return f"f:{ref.material}:{ref.field}", {
            "$and": [{"$ex": {prop: 1}}, _predicate(prop, c.op, c.value)]
        }

    def patterns(self, conj: list[Cmp], *, same_set_as: str | None = None) -> list[Json]:
        """Patterns for one conjunct, grouped by the fact each comparison looks at."""
        groups: dict[str, list[Json]] = {}
        for c in conj:
            key, pred = self.cmp(c)
            groups.setdefault(key, []).append(pred)
        out: list[Json] = []
        for n, (key, preds) in enumerate(groups.items()):
            if key == "d":
                out.append({"d": {"$and": [{"t": "d"}, *preds]}})
            elif key.startswith("m:"):
                out.append({f"q{n}": {"$and": [{"t": "m"}, {"m": key[2:]}, {"st": "ok"}, *preds]}})
            else:
                _, mid, field = key.split(":", 2)
                base: list[Json] = [{"t": "f"}, {"m": mid}, {"f": field}, {"st": "ok"}]
                if same_set_as and mid == same_set_as:
                    base.append({"i": {"x": "i"}})  # the same person/vehicle as the subject
                out.append({f"q{n}": {"$and": [*base, *preds]}})
        return out

    def dnf(self, expr: Expr | None, *, negate: bool = False) -> list[list[Cmp]]:
        if expr is None:
            return [[]]
        conjuncts = to_dnf(expr, negate=negate)
        if len(conjuncts) > MAX_CONJUNCTS:
            raise ValueError(f"condition too complex ({len(conjuncts)} alternatives)")
        return conjuncts


def _predicate(prop: str, op: str, value: Scalar | tuple[Scalar, ...]) -> Json:
    if op in ("in", "not in"):
        values = value if isinstance(value, tuple) else (value,)
        if op == "in":
            return {"$or": [{prop: v} for v in values]}
        return {"$and": [{"$neq": {prop: v}} for v in values]}
    durable_op = _OPS[op]
    return {prop: value} if durable_op is None else {durable_op: {prop: value}}
