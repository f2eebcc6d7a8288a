"""Material facts that no rule can use for a case, left out before the engine sees them.

A material's fact (``{t:"m", m, st, n}``) is in every rule on that material: the check rules join it
with the fact they check, count rules with the other material's, a condition on a count with the
declared facts. A rule fires only when each of its patterns has a fact of its kind (type, material,
field or part: rules.watch's keys). When, for every rule with a pattern on a material's fact, some
other pattern has no fact of its kind among the case's, none of those rules can fire, and the material
fact would only cost the engine time (about a third of a complete case's facts are such: a material
that is there and whose checked fields are all in order). Keys are compared, not values, so a fact is
left out only when it cannot change what fires.
"""

from __future__ import annotations

from typing import Any

from rules.watch import Key, pattern_key

# (material, state) -> per rule with a pattern on that material fact, the keys of its other patterns
Needs = dict[tuple[str, str], tuple[frozenset[Key], ...]]

_SUB = {"f": "f", "p": "p", "pa": "p"}
# Facts asserted with every case's material facts (rules.evaluate): the declared and the case fact.
_ALWAYS = frozenset({("d", "", ""), ("c", "", "")})


def needs(phase: dict[str, Any]) -> Needs | None:
    """For each material fact's kind (material, state: "" where a pattern leaves the state open), the
    keys each rule with a pattern on it needs besides; None when a pattern's key cannot be told (then
    every material fact is kept)."""
    out: dict[tuple[str, str], set[frozenset[Key]]] = {}
    for rule in phase.values():
        found = [pattern_key(body) for pattern in rule["all"] for body in pattern.values()]
        known = [k for k in found if k is not None]
        if len(known) < len(found):
            return None
        keys = [key for key, _ in known]
        for n, (key, st) in enumerate(known):
            if key[0] == "m":
                if not key[1]:
                    return None  # a pattern on any material's fact
                out.setdefault((key[1], st), set()).add(frozenset(keys[:n] + keys[n + 1 :]))
    return {kind: tuple(sorted(sets, key=sorted)) for kind, sets in out.items()}


def without_idle(facts: list[dict[str, Any]], wanted: Needs) -> list[dict[str, Any]]:
    """``facts`` less the material facts no rule can use (in the same order)."""
    exact: set[Key] = set()  # the facts' own keys, fewer than the facts (every set of a material alike)
    add = exact.add
    for fact in facts:
        t = fact["t"]
        sub = _SUB.get(t)
        add((t, fact.get("m", ""), fact.get(sub, "") if sub else ""))
    present = set(_ALWAYS)
    for t, m, sub in exact:
        present.update(((t, m, sub), (t, m, ""), (t, "", sub), (t, "", "")))
    return [f for f in facts if f["t"] != "m" or _usable(f, wanted, present)]


def _usable(fact: dict[str, Any], wanted: Needs, present: set[Key]) -> bool:
    """Whether some rule that can match this material fact has a fact of each of its other kinds."""
    m, st = fact["m"], fact["st"]
    rules = (*wanted.get((m, st), ()), *wanted.get((m, ""), ()))
    return any(keys <= present for keys in rules)
