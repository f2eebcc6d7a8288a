"""Which phase-2 facts the compiled rules can match, so that rules.prepare makes only those.

A pattern fixes some properties of its fact by equality (``{"t": "f"}``, ``{"m": "M3"}``,
``{"f": "有效期限"}``, ``{"st": "ok"}``, ``{"has": False}``). A fact that differs from every pattern in
one such property cannot match any of them; the engine would parse it, find no rule for it and drop
it, so leaving it out changes nothing but the time it takes. Most facts of a complete case are such:
fields no check reads, parts that are there, sets that are sealed and signed.

A pattern may also compare a property with one of the case fact's (``{"$lt": {"end": {"c": "review"}}}``,
a period ended before the review date) or the declared fact's (``{"$lt": {"n": {"d": "driver_count"}}}``,
fewer sets than declared): each is one fact for the whole case, so such a comparison is asked of a fact
as it is made (``matches`` given them), and a period that has not ended is not asserted only for the
engine to join it with the case fact and find it in order.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

Key = tuple[str, str, str]  # (t, m, field-or-part), "" where a pattern leaves it open
# A pattern's other properties fixed by equality, ("$ex", name) for each property it needs present, and
# (operator, (name, "c" or "d", property)) for each comparison of one with the case or declared fact's.
Literals = tuple[tuple[str, str | bool | tuple[str, str, str]], ...]
# The facts of which a case has one, by type: the case fact ("c") and the declared fact ("d").
PerCase = dict[str, dict[str, Any]]
Watched = dict[Key, tuple[Literals, ...]]
# What a fact is checked against: when the patterns of a key fix nothing but ``st`` (most field
# facts), the states they ask for ("" for any), else the patterns' literals.
Plan = frozenset[str] | tuple[Literals, ...]
Wanted = dict[Key, Plan]

_ABSENT = object()
_SUB = {"f": "f", "p": "p", "pa": "p"}  # the property that tells facts of one type on one material apart


def watched(phase: dict[str, Any], materials: dict[str, tuple[list[str], tuple[str, ...]]]) -> Watched | None:
    """Patterns by the facts they can match; None if a pattern does not fix ``t`` (every fact counts).

    Every key a pattern names and every field and part of ``materials`` (id -> fields, parts) is
    entered with all the patterns that can match it, also those that leave the field or material open."""
    raw = _patterns(phase)
    if raw is None:
        return None
    keys = set(raw)
    for mid, (fields, parts) in materials.items():
        keys |= {("f", mid, f) for f in fields} | {(t, mid, p) for t in ("p", "pa") for p in parts}
        keys |= {("s", mid, ""), ("m", mid, "")}
    return {key: _open(raw, *key) for key in keys}


def states(w: Watched | None) -> dict[Key, frozenset[str]] | None:
    """The states ``st`` the patterns of each key ask for ("" where a pattern does not fix it)."""
    if w is None:
        return None
    return {key: frozenset(str(dict(lits).get("st", "")) for lits in pats) for key, pats in w.items()}


def asked(w: dict[Key, frozenset[str]], t: str, m: str, sub: str) -> frozenset[str]:
    found = w.get((t, m, sub))
    if found is None:  # a field or part the rule file does not list: only open patterns see it
        found = frozenset().union(*(w.get(k, ()) for k in ((t, m, ""), (t, "", sub), (t, "", ""))))
    return found


def wanted(w: Watched | None) -> Wanted | None:
    if w is None:
        return None
    out: Wanted = {}
    for key, pats in w.items():
        plain = all(k == "st" for lits in pats for k, _ in lits)
        out[key] = frozenset(str(dict(lits).get("st", "")) for lits in pats) if plain else pats
    return out


def wants(w: Wanted | None, fact: dict[str, Any], case: PerCase | None = None) -> bool:
    """Whether some pattern can match this fact. A pattern is ruled out by a str or bool that differs,
    or a property it tests for equality or presence that the fact lacks (every property is set before
    this is asked), or with ``case`` (``PerCase``) a comparison with one of them that fails; durable compares
    other types in its own way, so those facts are kept; so is a fact on a field or part the rule file
    does not list."""
    if w is None:
        return True
    t = fact["t"]
    sub = _SUB.get(t)
    pats = w.get((t, fact.get("m", ""), fact.get(sub, "") if sub else ""))
    if pats is None:
        return True
    if isinstance(pats, frozenset):
        return bool(pats) and ("" in pats or "st" not in fact or fact["st"] in pats)
    return matches(pats, fact, case)


def matches(pats: tuple[Literals, ...], fact: dict[str, Any], case: PerCase | None = None) -> bool:
    """Whether some pattern of one key of ``Wanted`` (as literals) can match this fact (``wants``).
    A comparison with the case or declared fact holds unless ``case`` has that fact and it fails."""
    for lits in pats:
        for k, v in lits:
            if k == "$ex":
                if v not in fact:
                    break
                continue
            if k in _CASE_OPS:
                if case is not None and not _compared(k, v, fact, case):  # type: ignore[arg-type]
                    break
                continue
            got = fact.get(k, _ABSENT)  # an equality on a property the fact lacks does not hold
            if got is _ABSENT or (got != v and type(got) is type(v)):
                break
        else:
            return True
    return False


def compares(pats: tuple[Literals, ...]) -> bool:
    """Whether some of these patterns compares a property with the case or declared fact's."""
    return any(k in _CASE_OPS for lits in pats for k, _ in lits)


def compared_with(pats: tuple[Literals, ...]) -> frozenset[str]:
    """Which of the case ("c") and the declared fact ("d") these patterns compare a property with."""
    return frozenset(v[1] for lits in pats for k, v in lits if k in _CASE_OPS and isinstance(v, tuple))


_CASE_OPS = {"$lt": int.__lt__, "$lte": int.__le__, "$gt": int.__gt__, "$gte": int.__ge__}


def _compared(op: str, names: tuple[str, str, str], fact: dict[str, Any], case: PerCase) -> bool:
    """Whether the fact's property compares with the case or declared fact's as durable would compare
    them: a property missing on either side fails; values other than integers are left to the engine."""
    other = case.get(names[1])
    if other is None:
        return True
    mine, theirs = fact.get(names[0], _ABSENT), other.get(names[2], _ABSENT)
    if mine is _ABSENT or theirs is _ABSENT:
        return False
    if type(mine) is not int or type(theirs) is not int:
        return True
    return bool(_CASE_OPS[op](mine, theirs))


def _open(raw: Watched, t: str, m: str, sub: str) -> tuple[Literals, ...]:
    keys = dict.fromkeys([(t, m, sub), (t, m, ""), (t, "", sub), (t, "", "")])
    return tuple(dict.fromkeys(chain.from_iterable(raw.get(k, ()) for k in keys)))


def _patterns(phase: dict[str, Any]) -> Watched | None:
    out: Watched = {}
    for rule in phase.values():
        # the rule's names for the case and the declared fact: comparisons with them are literals too
        single = {
            n: t for p in rule["all"] for n, b in p.items() if (t := _fixed(_terms(b)).get("t")) in _SINGLE
        }
        for pattern in rule["all"]:
            for body in pattern.values():
                terms = _terms(body)
                fixed = _fixed(terms)
                key = _key(fixed)
                if key is None:
                    return None
                t, m, s = key
                sub = _SUB.get(t, "")
                present = {
                    ("$ex", name)
                    for term in terms
                    if len(term) == 1 and isinstance(term.get("$ex"), dict)
                    for name in term["$ex"]
                }
                compared = _with_case(terms, single) if single else set()
                lits = tuple(
                    sorted(
                        {(k, v) for k, v in fixed.items() if k not in ("t", "m", sub)} | present | compared
                    )
                )
                pats = out.get((t, m, s), ())
                if lits not in pats:
                    out[(t, m, s)] = (*pats, lits)
    return out


_SINGLE = ("c", "d")  # the types of fact of which a case has one


def _with_case(terms: list[Any], single: dict[str, Any]) -> set[tuple[str, tuple[str, str, str]]]:
    """The terms that compare one property with one of the case or declared fact's (``single``: the
    rule's pattern names for them, and their types)."""
    out: set[tuple[str, tuple[str, str, str]]] = set()
    for term in terms:
        if len(term) != 1:
            continue
        op, operand = next(iter(term.items()))
        if op in _CASE_OPS and isinstance(operand, dict) and len(operand) == 1:
            name, other = next(iter(operand.items()))
            if isinstance(other, dict) and len(other) == 1:
                ((pattern, key),) = other.items()
                if pattern in single and isinstance(key, str):
                    out.add((op, (name, single[pattern], key)))
    return out


def pattern_key(body: dict[str, Any]) -> tuple[Key, str] | None:
    """The key of the facts a pattern can match and the state ``st`` it fixes ("" for none); None
    when it does not fix ``t`` (or fixes a property of the key to other than a string)."""
    fixed = _fixed(_terms(body))
    key = _key(fixed)
    return None if key is None else (key, str(fixed.get("st", "")))


def _terms(body: dict[str, Any]) -> list[Any]:
    return body["$and"] if "$and" in body else [body] if len(body) == 1 else []


def _fixed(terms: list[Any]) -> dict[str, str | bool]:
    """The properties the terms fix by equality to a string or bool."""
    return {
        k: v
        for term in terms
        if len(term) == 1
        for k, v in term.items()
        if not k.startswith("$") and isinstance(v, str | bool)
    }


def _key(fixed: dict[str, str | bool]) -> Key | None:
    t, m = fixed.get("t"), fixed.get("m", "")
    sub = _SUB.get(t, "") if isinstance(t, str) else ""
    s = fixed.get(sub, "") if sub else ""
    if not isinstance(t, str) or not isinstance(m, str) or not isinstance(s, str):
        return None
    return (t, m, s)
