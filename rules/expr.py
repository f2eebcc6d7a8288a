"""The condition language of rule files, e.g. ``applicant_type in [enterprise, individual_business]``.

Grammar (staff write these in YAML; ``=``/``≠``/``≥``/``≤``/``∈``/``∉`` are accepted too)::

    expr  := term ("or" term)*
    term  := factor ("and" factor)*
    factor:= "not" factor | "(" expr ")" | cmp
    cmp   := ref op value | ref ("in" | "not in") "[" value ("," value)* "]" | ref "contains" value
    ref   := fact | Mn「field」 | Mn「field」.age | count(Mn)
    value := number | true | false | word | "quoted text"

A bare word on the right is a literal (an enum value), never another fact.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

Op = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "not contains"]
Scalar = bool | int | float | str

NEGATED: dict[str, Op] = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "in": "not in",
    "not in": "in",
    "contains": "not contains",
    "not contains": "contains",
}


class FactRef(BaseModel, frozen=True):
    kind: Literal["fact"] = "fact"
    name: str


class FieldRef(BaseModel, frozen=True):
    kind: Literal["field"] = "field"
    material: str
    field: str
    attr: Literal["value", "age"] = "value"


class CountRef(BaseModel, frozen=True):
    kind: Literal["count"] = "count"
    material: str


Ref = FactRef | FieldRef | CountRef


class Cmp(BaseModel, frozen=True):
    ref: Ref
    op: Op
    value: Scalar | tuple[Scalar, ...]

    def negate(self) -> Cmp:
        return Cmp(ref=self.ref, op=NEGATED[self.op], value=self.value)


class And(BaseModel, frozen=True):
    items: tuple[Expr, ...]


class Or(BaseModel, frozen=True):
    items: tuple[Expr, ...]


class Not(BaseModel, frozen=True):
    item: Expr


Expr = Cmp | And | Or | Not


class ExprError(ValueError):
    pass


_TOKEN = re.compile(
    r"\s*(?:(?P<field>(?P<m>M\d+)「(?P<f>[^」]+)」(?P<age>\.age)?)"
    r"|(?P<str>\"[^\"]*\"|'[^']*')"
    r"|(?P<num>-?\d+(?:\.\d+)?(?![\w]))"
    r"|(?P<op>==|!=|<=|>=|=|≠|≥|≤|<|>|∈|∉|\(|\)|\[|\]|,|，)"
    r"|(?P<word>[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff（）]*))"
)
_SYNONYMS = {"=": "==", "≠": "!=", "≥": ">=", "≤": "<=", "∈": "in", "∉": "not in", "，": ","}


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot read {text[pos : pos + 12]!r} at position {pos}")
        pos = m.end()
        kind = m.lastgroup or ""
        if m.group("field"):
            out.append(("field", m.group(0).strip()))
        elif kind == "str":
            out.append(("str", m.group(kind)[1:-1]))
        else:
            token = m.group(kind)
            out.append(("op" if kind == "op" else kind, _SYNONYMS.get(token, token)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, ahead: int = 0) -> tuple[str, str] | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExprError(f"expected {value or 'more'} in {self.text!r}")
        self.i += 1
        return tok

    def parse(self) -> Expr:
        expr = self.expr()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()[1]!r} in {self.text!r}")  # type: ignore[index]
        return expr

    def expr(self) -> Expr:
        items = [self.term()]
        while self.peek() == ("word", "or"):
            self.take()
            items.append(self.term())
        return items[0] if len(items) == 1 else Or(items=tuple(items))

    def term(self) -> Expr:
        items = [self.factor()]
        while self.peek() == ("word", "and"):
            self.take()
            items.append(self.factor())
        return items[0] if len(items) == 1 else And(items=tuple(items))

    def factor(self) -> Expr:
        tok = self.peek()
        if tok == ("word", "not") and self.peek(1) != ("word", "in"):
            self.take()
            return Not(item=self.factor())
        if tok == ("op", "("):
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        return self.cmp()

    def ref(self) -> Ref:
        kind, value = self.take()
        if kind == "field":
            m = re.match(r"(M\d+)「([^」]+)」(\.age)?", value)
            assert m is not None
            return FieldRef(material=m.group(1), field=m.group(2), attr="age" if m.group(3) else "value")
        if kind == "word" and value == "count":
            self.take("(")
            material = self.take()[1]
            self.take(")")
            if not re.fullmatch(r"M\d+", material):
                raise ExprError(f"count() takes a material ID, not {material!r}")
            return CountRef(material=material)
        if kind == "word" and value not in ("and", "or", "not", "in", "contains"):
            return FactRef(name=value)
        raise ExprError(f"expected a fact or a material field, got {value!r} in {self.text!r}")

    def cmp(self) -> Cmp:
        ref = self.ref()
        kind, op = self.take()
        if (kind, op) == ("word", "not"):
            self.take("in")
            op = "not in"
        if op in ("in", "not in"):
            self.take("[")
            values = [self.value()]
            while self.peek() == ("op", ","):
                self.take()
                values.append(self.value())
            self.take("]")
            return Cmp(ref=ref, op=op, value=tuple(values))
        if op not in ("==", "!=", "<", "<=", ">", ">=", "contains"):
            raise ExprError(f"unknown operator {op!r} in {self.text!r}")
        return Cmp(ref=ref, op=op, value=self.value())

    def value(self) -> Scalar:
        kind, value = self.take()
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind == "str":
            return value
        if kind == "word":
            return {"true": True, "false": False}.get(value, value)
        raise ExprError(f"expected a value, got {value!r} in {self.text!r}")


def parse(text: str) -> Expr:
    return _Parser(text).parse()


def refs(expr: Expr) -> list[Ref]:
    if isinstance(expr, Cmp):
        return [expr.ref]
    if isinstance(expr, Not):
        return refs(expr.item)
    return [r for item in expr.items for r in refs(item)]


def to_dnf(expr: Expr, *, negate: bool = False) -> list[list[Cmp]]:
    """Disjunctive normal form with negations pushed into the comparisons (De Morgan)."""
    if isinstance(expr, Cmp):
        return [[expr.negate() if negate else expr]]
    if isinstance(expr, Not):
        return to_dnf(expr.item, negate=not negate)
    parts = [to_dnf(item, negate=negate) for item in expr.items]
    conjunctive = isinstance(expr, And) != negate
    if not conjunctive:
        return [conj for part in parts for conj in part]
    result: list[list[Cmp]] = [[]]
    for part in parts:
        result = [left + right for left in result for right in part]
    return result
