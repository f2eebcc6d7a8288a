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


def single_needs(phase: dict[str, Any]) -> Needs | None:
    """For the declared and the case fact, asserted with every case's material facts, per rule with a
    pattern on it the keys of its other patterns (keyed ("d", "") and ("c", "")); None when a pattern's
    key cannot be told (then both are always asserted)."""
    out: dict[tuple[str, str], set[frozenset[Key]]] = {}
    for rule in phase.values():
        found = [pattern_key(body) for pattern in rule["all"] for body in pattern.values()]
        keys = [k for k, _ in (one for one in found if one is not None)]
        if len(keys) < len(found):
            return None
        for n, key in enumerate(keys):
            if key in _ALWAYS:
                out.setdefault((key[0], ""), set()).add(frozenset(keys[:n] + keys[n + 1 :]))
    return {kind: tuple(sorted(sets, key=sorted)) for kind, sets in out.items()}


def singles_idle(keys: list[Key], needs: Needs) -> frozenset[str]:
    """Which of the declared ("d") and the case fact ("c") no rule can use beside facts with these
    ``keys`` (the material facts asserted, idle ones left out): for every rule with a pattern on it,
    some other pattern has no fact of its kind. Asserted, it would only be joined with facts in vain.
    Remembered by the keys, as ``idle_at``."""
    seen = _plan(needs)[3]
    memo = tuple(keys)
    hit = seen.get(memo)
    if hit is None:
        if len(seen) >= 4096:
            seen.clear()
        hit = seen[memo] = _singles_idle(keys, needs)
    return hit


def _singles_idle(keys: list[Key], needs: Needs) -> frozenset[str]:
    present = set(keys)
    if not _exact_only(needs):
        for t, m, sub in list(present):
            present.update(((t, m, ""), (t, "", sub), (t, "", "")))
    present |= _ALWAYS
    return frozenset(t for t in ("d", "c") if not any(needed <= present for needed in needs.get((t, ""), ())))


def without_idle(facts: list[dict[str, Any]], wanted: Needs) -> list[dict[str, Any]]:
    """``facts`` less the material facts no rule can use (in the same order)."""
    keys = [key_of(f) for f in facts]
    materials = [(k, f["m"], f["st"]) for k, f in enumerate(facts) if f["t"] == "m"]
    idle = idle_at(keys, materials, wanted)
    return [f for k, f in enumerate(facts) if k not in idle] if idle else facts


def key_of(fact: dict[str, Any]) -> Key:
    """A fact's own key (rules.watch): its type, material, and field or part."""
    t = fact["t"]
    return (t, fact.get("m", ""), fact.get(_SUB.get(t, _NO_SUB), ""))


def idle_at(keys: list[Key], materials: list[tuple[int, str, str]], wanted: Needs) -> frozenset[int]:
    """The positions of the material facts no rule can use, of facts with these ``keys`` (``key_of``)
    among which ``materials`` are the material facts: (position, material, state)."""
    # Remembered by the keys and material facts: cases of one shape (the same materials in the same
    # states, the same kinds of field facts: most complete cases) leave out the same positions.
    plan = _plan(wanted)
    seen = plan[3]
    memo = (tuple(keys), tuple(materials))
    hit = seen.get(memo)
    if hit is None:
        if len(seen) >= 4096:
            seen.clear()
        hit = seen[memo] = frozenset(_idle_at(keys, materials, wanted, plan[2]))
    return hit


def _idle_at(
    keys: list[Key], materials: list[tuple[int, str, str]], wanted: Needs, by_kind: Needs
) -> set[int]:
    # The facts' own keys (fewer than the facts: every set of a material alike); a fact is also of the
    # kinds that leave its material or field open, which only some rules name (``_exact_only``).
    present = set(keys)
    if not _exact_only(wanted):
        for t, m, sub in list(present):
            present.update(((t, m, ""), (t, "", sub), (t, "", "")))
    present |= _ALWAYS
    idle: set[int] = set()
    for k, m, st in materials:
        rules = by_kind.get((m, st))
        if rules is None:  # a state no rule names: those that leave it open
            rules = wanted.get((m, ""), ())
        # Whether some rule that can match this material fact has a fact of each of its other kinds
        for needed in rules:
            if needed <= present:
                break
        else:
            idle.add(k)
    return idle


def _exact_only(wanted: Needs) -> bool:
    """Whether every key the rules need names a material and, for a fact type with fields or parts, one
    of them (or is a fact always asserted): such a key is present only as some fact's own key."""
    return _plan(wanted)[1]


def _plan(wanted: Needs) -> tuple[Needs, bool, Needs, dict[Any, Any]]:
    """``wanted``, ``_exact_only`` of it, by material and state the rules' needs for that state and
    for any (``wanted`` merged): worked out once per ``wanted``; and answers remembered for it."""
    hit = _plans.get(id(wanted))
    if hit is None or hit[0] is not wanted:
        keys = {key for rules in wanted.values() for one in rules for key in one}
        simple = all(k in _ALWAYS or (k[1] != "" and (k[2] != "" or k[0] not in _SUB)) for k in keys)
        by_kind = {(m, st): (*wanted.get((m, st), ()), *wanted.get((m, ""), ())) for m, st in wanted if st}
        if len(_plans) >= 1024:
            _plans.clear()
        # kept with its answer, so that its id is not reused
        hit = _plans[id(wanted)] = (wanted, simple, by_kind, {})
    return hit


_NO_SUB = "\0"  # a property no fact has: the sub-key of a fact type without fields or parts
_plans: dict[int, tuple[Needs, bool, Needs, dict[Any, Any]]] = {}
