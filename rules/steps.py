"""What preparing a material's facts needs to know of the rules, worked out once per compiled item and
material (``steps_of``) so that preparing a case only reads its values.

For each field: whether some phase-2 pattern can match its fact in each state (blank, illegible, read),
and when that depends on more than the state, the patterns' other literals (rules.watch) with the
state already settled; its type, part, contains-checks and the mismatch checks that compare it
(rules.targets). For the set: which part facts and which marks facts some pattern can match. Each
answer is the one ``CompiledItem.asks`` and ``CompiledItem.wants`` give for the fact, asked in advance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rules import watch
from rules.compiled import CompiledItem
from rules.spec import FieldSpec, Material
from rules.targets import TargetCheck, target_check
from rules.values import NUMERIC, encode

# A read field's fact is kept: always (True), never (False), when it has this property (a str: most
# often a mismatch's x-key, set only when the value differs), or when one of these literals' patterns
# can match it (watch.matches).
Wanted = bool | str | tuple[watch.Literals, ...]

_NO_SPEC = FieldSpec()
_OK, _EMPTY, _ILLEGIBLE = "ok", "empty", "unreadable"
_DATES = frozenset({"date", "month", "period"})  # types whose reading may make the field illegible
_DATED = frozenset({"id_number", "date", "month"})  # types whose reading depends on the review date


@dataclass(frozen=True, slots=True)
class Step:
    """One field of one material (slots: a field is read from it a few times per set, and a slot is
    read faster than a named tuple's item)."""

    kind: str  # the field's type
    dated: bool  # its reading depends on the review date (rules.values)
    part: str  # the face/page that carries it
    read: bool  # a value read is looked at (in some state its reading may give)
    when_ok: Wanted  # its fact, read and legible
    when_illegible: Wanted  # its fact, read but illegible (a date that does not parse)
    empty: bool  # its fact is kept when it is blank
    unreadable: bool  # its fact is kept when nothing could be read
    contains: tuple[tuple[str, str], ...]  # (has-key, normalised literal)
    checks: tuple[TargetCheck, ...]  # the mismatch checks whose subject it is
    # The one check when a legible reading's fact is wanted only for it (most fields read: a name or
    # number compared with the declared one): the fact is made only when the value differs
    mismatch: TargetCheck | None = None
    # A legible reading's fact as JSON before and after its set index (rules.prepare joins these with
    # the reading's own text rather than encoding the fact)
    head: str = ""
    tail: str = ""
    # ``when_ok``'s literals (a tuple) name only properties of the reading or of its checks, none the
    # fact has whatever it reads (type, material, set, field, state): they can be asked of the reading
    on_reading: bool = False
    by_reading: bool = False  # ``on_reading`` with no contains-check: decided by the reading alone
    # A legible reading's fact when it is the reading alone (no contains- or mismatch check on it):
    # kept always (True) or when the reading has this property (a str, most often a period's end);
    # False for the others
    alone: bool | str = False
    key: watch.Key = ("", "", "")  # its fact's (rules.watch; what rules.idle reads of a fact)
    # ``on_reading`` literals that compare nothing with the declared fact: whether they match a reading
    # depends on the reading alone, or on it and the case fact (``by_day``: an end before the review
    # date), remembered by its text (and the review date) in rules.prepare; None for the others
    seen: dict[Any, bool] | None = None
    by_day: bool = False
    # With ``mismatch``, for a type whose reading is always legible and whose value is ``normalised(text,
    # compared_as)`` (not a list, not a date): the value is compared first, and the rest of the reading
    # (an ID number's checksum and age) read only when it differs; None for the others
    compared_as: bool | None = None


UNASKED = Step("", False, "", False, False, False, False, False, (), ())  # no pattern looks at it


@dataclass(frozen=True, slots=True)
class Steps:
    """One material (slots, as ``Step``: read for every set)."""

    # By field name: those the rule file lists, and others as a case brings them (open patterns may see them)
    fields: dict[str, Step]
    parts: tuple[tuple[str, bool, bool], ...]  # (part, kept when there, kept when not) of a set's part facts
    across: tuple[tuple[str, bool, bool], ...]  # the same for the material's "pa" facts (any set)
    marks: dict[tuple[bool | None, bool | None], bool]  # (sealed, signed) -> marks fact kept
    any_marks: bool = True  # some marks fact is kept
    # Every part fact is kept only when its part is missing (``parts``): a set with all of
    # ``part_names`` makes none
    missing_only: bool = False
    part_names: frozenset[str] = frozenset()
    # The patterns on the material's fact when one compares it with the case or declared fact (a count
    # check: fewer sets than declared): its fact, present, is made only when one of them can match it
    counted: tuple[watch.Literals, ...] | None = None


def steps_of(compiled: CompiledItem, material: Material) -> Steps:
    """The material's steps, made once per compiled item (kept in ``CompiledItem.field_steps``)."""
    found = compiled.field_steps.get(material.id)
    if found is None:
        found = compiled.field_steps[material.id] = _steps(compiled, material)
    return found


def step_of(steps: Steps, compiled: CompiledItem, material: Material, name: str) -> Step:
    found = steps.fields.get(name)
    if found is None:
        found = steps.fields[name] = _step(compiled, material, name)
    return found


def _steps(compiled: CompiledItem, material: Material) -> Steps:
    mid = material.id
    marks = {
        (sealed, signed): compiled.wants_marks(_marks(mid, sealed, signed))
        for sealed in (None, True, False)
        for signed in (None, True, False)
    }
    fields = {name: _step(compiled, material, name) for name in material.fields}
    parts = _parts(compiled, "p", material)
    return Steps(
        fields=fields,
        parts=parts,
        across=_parts(compiled, "pa", material),
        marks=marks,
        any_marks=any(marks.values()),
        missing_only=all(not when_has for _, when_has, _ in parts),
        part_names=frozenset(part for part, _, _ in parts),
        counted=_counted(compiled, mid),
    )


def _counted(compiled: CompiledItem, mid: str) -> tuple[watch.Literals, ...] | None:
    pats = compiled.wanted.get(("m", mid, "")) if compiled.wanted is not None else None
    return pats if isinstance(pats, tuple) and watch.compares(pats) else None


def _parts(compiled: CompiledItem, t: str, material: Material) -> tuple[tuple[str, bool, bool], ...]:
    """Only the parts whose fact some pattern can match, there or not, in the rule file's order."""
    found = (_part(compiled, t, material.id, part) for part in material.parts)
    return tuple(one for one in found if one[1] or one[2])


def _part(compiled: CompiledItem, t: str, mid: str, part: str) -> tuple[str, bool, bool]:
    return (part, compiled.wants_part(t, mid, part, True), compiled.wants_part(t, mid, part, False))


def _marks(mid: str, sealed: bool | None, signed: bool | None) -> dict[str, object]:
    marks: dict[str, object] = {"t": "s", "m": mid, "i": 0}
    if sealed is not None:
        marks["sealed"] = sealed
    if signed is not None:
        marks["signed"] = signed
    return marks


def _step(compiled: CompiledItem, material: Material, name: str) -> Step:
    mid = material.id
    asked = compiled.asks("f", mid, name)
    if not asked:
        return UNASKED
    spec = material.fields.get(name, _NO_SPEC)
    pats = compiled.wanted.get(("f", mid, name)) if compiled.wanted is not None else None
    any_state = "" in asked
    step = Step(
        kind=spec.type,
        dated=spec.type in _DATED,
        part=spec.part,
        read=any_state or _OK in asked or (_ILLEGIBLE in asked and spec.type in _DATES),
        when_ok=_wanted(pats, _OK),
        when_illegible=_wanted(pats, _ILLEGIBLE),
        empty=(any_state or _EMPTY in asked) and _blank_wanted(pats, mid, name, _EMPTY),
        unreadable=(any_state or _ILLEGIBLE in asked) and _blank_wanted(pats, mid, name, _ILLEGIBLE),
        contains=compiled.contains_at.get((mid, name), ()),
        checks=tuple(
            target_check(key, counterpart, material)
            for key, counterpart in compiled.counterparts_of.get(mid, ())
            if counterpart.field == name
        ),
    )
    only = step.checks[0] if len(step.checks) == 1 and not step.contains else None
    head = encode({"t": "f", "m": mid})[:-1] + ',"i":'
    tail = encode({"f": name, "st": _OK})[1:-1]
    plain = not step.contains and not step.checks and (step.when_ok is True or isinstance(step.when_ok, str))
    alone = step.when_ok if plain and not isinstance(step.when_ok, tuple) else False
    on_reading = _on_reading(step.when_ok)
    compared = watch.compared_with(step.when_ok) if isinstance(step.when_ok, tuple) else frozenset()
    step = replace(
        step,
        head=head,
        tail=f",{tail},",
        on_reading=on_reading,
        by_reading=on_reading and not step.contains,
        alone=alone,
        key=("f", mid, name),
        seen={} if on_reading and "d" not in compared else None,
        by_day="c" in compared,
    )
    if only is None or step.when_ok != only.key:
        return step
    plain = spec.type not in _DATES and spec.type != "list"
    return replace(step, mismatch=only, compared_as=spec.type in NUMERIC if plain else None)


def _wanted(pats: watch.Plan | None, st: str) -> Wanted:
    """Whether a read fact in state ``st`` is wanted, or the literals that decide it beside ``st``.

    Unlisted fields (``pats`` None) are always wanted, as ``watch.wants`` has it."""
    if pats is None:
        return True
    if isinstance(pats, frozenset):
        return bool(pats) and ("" in pats or st in pats)
    rest: list[watch.Literals] = []
    for lits in pats:
        # A state literal of another string rules the pattern out (watch.matches); else it holds.
        if any(k == "st" and isinstance(v, str) and v != st for k, v in lits):
            continue
        others = tuple((k, v) for k, v in lits if k != "st")
        if not others:
            return True
        rest.append(others)
    if len(rest) == 1 and len(rest[0]) == 1 and rest[0][0][0] == "$ex":
        # One property that must be there: a property every field fact has makes it always wanted.
        name = str(rest[0][0][1])
        return True if name in ("t", "m", "i", "f", "st", "v") else name
    return tuple(rest) if rest else False


_FIXED = frozenset({"t", "m", "i", "f", "st"})  # what every field fact has, whatever it reads


def _on_reading(wanted: Wanted) -> bool:
    if not isinstance(wanted, tuple):
        return False
    return all(k not in _FIXED and (k != "$ex" or v not in _FIXED) for lits in wanted for k, v in lits)


def _blank_wanted(
    pats: frozenset[str] | tuple[watch.Literals, ...] | None, mid: str, name: str, st: str
) -> bool:
    """Whether the fact of a field not read (nothing but its state) is wanted: asked of the fact itself."""
    if pats is None:
        return True
    if isinstance(pats, frozenset):
        return bool(pats) and ("" in pats or st in pats)
    return watch.matches(pats, {"t": "f", "m": mid, "i": 0, "f": name, "st": st})
