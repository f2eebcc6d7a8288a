"""Turn a CaseFacts into durable-rules facts: normalise, parse dates, validate numbers, resolve targets.

This is plumbing, not judgement: it computes values (a date's ordinal, a normalised name, whether a
number passes its checksum, the counterpart a name is compared with) and the compiled rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from rules import idle, watch
from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.compiled import CompiledItem, FieldPlan
from rules.spec import FieldSpec, Item, Material
from rules.targets import Targets
from rules.values import reading

Json = dict[str, Any]


def material_facts(
    *,
    item: Item,
    compiled: CompiledItem,
    due: set[str],
    case: CaseFacts,
    declared: Json,
    keep_idle: bool = False,
) -> tuple[list[Json], FieldValues]:
    """Facts for every due material, and the field values behind them (for evidence).

    Only facts some phase-2 pattern can match are made: the others would cost the engine time and
    could not change what fires. ``keep_idle``: material facts no rule can use for this case are kept
    (rules.idle leaves them out of a subset of these materials' facts as it would of their own)."""
    facts: list[Json] = []
    prep = _Prep(case=case, declared=declared, compiled=compiled)
    for material in item.materials:
        if material.id not in due:
            continue
        evidence = case.materials.get(material.id)
        if evidence is None:
            facts.append({"t": "m", "m": material.id, "st": "missing", "n": 0})
            continue
        state = _MATERIAL_STATE[evidence.status]
        facts.append({"t": "m", "m": material.id, "st": state, "n": len(evidence.sets)})
        if state != "ok":
            continue
        for i, one in enumerate(evidence.sets):
            facts.extend(prep.set_facts(material, i, one))
        assessed = [one.parts for one in evidence.sets if one.parts is not None]
        if assessed:
            for part in material.parts:
                has = any(part in p for p in assessed)
                if compiled.wants_part("pa", material.id, part, has):
                    facts.append({"t": "pa", "m": material.id, "p": part, "has": has})
    if compiled.material_needs is not None and not keep_idle:
        facts = idle.without_idle(facts, compiled.material_needs)
    return facts, FieldValues(case=case, item=item, due=due)


_MATERIAL_STATE = {
    MaterialStatus.PRESENT: "ok",
    MaterialStatus.UNREADABLE: "unreadable",
    MaterialStatus.WRONG: "wrong",
}
_STATE = {s: s.value for s in FieldState}  # the plain string, without the enum's attribute lookup per field
_NO_SPEC = FieldSpec()
_OK, _ILLEGIBLE = FieldState.OK.value, FieldState.UNREADABLE.value
_DATES = frozenset({"date", "month", "period"})  # types whose reading may make the field illegible
_NO_PLANS: dict[str, FieldPlan] = {}
_NO_NAMES: frozenset[str] = frozenset()


class _Step(NamedTuple):
    """What preparing one field of one material needs, looked up once per compiled item (the spec,
    the states asked of it, the plan, the contains-checks on it) rather than for every field read."""

    kind: str  # the field's type
    part: str  # the face/page that carries it
    asked: frozenset[str]
    any_state: bool  # some pattern looks at it in any state
    may_be_illegible: bool  # a pattern asks for it illegible and its reading can make it so
    # The states in which the field's fact is wanted when its patterns fix nothing else (FieldPlan);
    # None when other properties decide too
    plain: frozenset[str] | None
    # Otherwise the patterns' literals for the field (rules.watch), None when the rule file does not
    # list the field (``CompiledItem.wants`` looks for patterns that leave it open)
    lits: tuple[watch.Literals, ...] | None
    contains: tuple[tuple[str, str], ...]


_UNASKED = _Step("", "", frozenset(), False, False, None, None, ())


def _plain_wanted(plain: frozenset[str], st: str) -> bool:
    """Whether a fact in state ``st`` is wanted by patterns that fix nothing but its state (``FieldPlan``)."""
    return bool(plain) and ("" in plain or st in plain)


def _literals(compiled: CompiledItem, mid: str, name: str) -> tuple[watch.Literals, ...] | None:
    wanted = compiled.wanted.get(("f", mid, name)) if compiled.wanted is not None else None
    return wanted if isinstance(wanted, tuple) else None


def _step(compiled: CompiledItem, material: Material, name: str) -> _Step:
    if name in compiled.unasked.get(material.id, _NO_NAMES):
        return _UNASKED
    spec = material.fields.get(name, _NO_SPEC)
    plan = compiled.field_plans.get(material.id, _NO_PLANS).get(name)
    asked = plan.asked if plan is not None else compiled.asks("f", material.id, name)
    return _Step(
        kind=spec.type,
        part=spec.part,
        asked=asked,
        any_state="" in asked,
        may_be_illegible=_ILLEGIBLE in asked and spec.type in _DATES,
        plain=plan.plain if plan is not None else None,
        lits=_literals(compiled, material.id, name) if plan is not None and plan.plain is None else None,
        contains=compiled.contains_at.get((material.id, name), ()),
    )


class _Prep:
    """Facts of one case's material sets. A field's reading comes from rules.values (remembered: the
    same names and numbers recur across a case's materials), and the counterparts a mismatch check
    compares with are found once per case."""

    def __init__(self, *, case: CaseFacts, declared: Json, compiled: CompiledItem) -> None:
        self.case = case
        self.compiled = compiled
        self.targets = Targets(case=case, declared=declared, compiled=compiled)

    def set_facts(self, material: Material, i: int, one: MaterialSet) -> list[Json]:
        mid, compiled, parts = material.id, self.compiled, one.parts
        out: list[Json] = []
        if parts is not None:
            for part in material.parts:
                has = part in parts
                if compiled.wants_part("p", mid, part, has):
                    out.append({"t": "p", "m": mid, "i": i, "p": part, "has": has})
        marks: Json = {"t": "s", "m": mid, "i": i}
        if one.sealed is not None:
            marks["sealed"] = one.sealed
        if one.signed is not None:
            marks["signed"] = one.signed
        if compiled.wants_marks(marks):
            out.append(marks)
        steps = compiled.field_steps.get(mid)
        if steps is None:
            steps = compiled.field_steps[mid] = {}
        review = self.case.review_date
        by_field: dict[str, Json] = {}
        for name, value in one.fields.items():
            step = steps.get(name)
            if step is None:
                step = steps[name] = _step(compiled, material, name)
            if step is _UNASKED:
                continue  # a field no pattern looks at, in any state
            part = step.part
            if part and parts is not None and part not in parts:
                continue  # README §4.1(3): a check on a missing face is skipped
            st = _STATE[value.state]
            if st == _OK:
                if not (step.any_state or _OK in step.asked or step.may_be_illegible):
                    continue
                props = reading(step.kind, value.value, review)
                if step.plain is not None and not _plain_wanted(step.plain, props.get("st", _OK)):
                    continue  # the fact would be dropped below, whatever its other properties
                fact: Json = {"t": "f", "m": mid, "i": i, "f": name, "st": st, **props}
                for key, literal in step.contains:
                    fact[key] = literal in fact["v"]
            else:
                # Most fields are only looked at in one state (blank, illegible, or read): skip the others.
                if not (step.any_state or st in step.asked):
                    continue
                fact = {"t": "f", "m": mid, "i": i, "f": name, "st": st}
            by_field[name] = fact
        if by_field and compiled.counterparts_of.get(mid):
            self.targets.attach(by_field, material, i)
        for name, fact in by_field.items():
            step = steps[name]
            if step.plain is not None:
                wanted = _plain_wanted(step.plain, fact["st"])
            elif step.lits is not None:
                wanted = watch.matches(step.lits, fact)
            else:
                wanted = compiled.wants(fact)
            if wanted:
                out.append(fact)
        return out


class FieldValues(Mapping[tuple[str, int, str], FieldValue]):
    """The field values behind a case's material facts, by (material, set index, field): what a
    finding's evidence and doubt are read from. Looked up in the case when asked (a few per case)
    rather than gathered for every field: those of due materials that are present, not on a part
    that is missing (README §4.1(3))."""

    def __init__(self, *, case: CaseFacts, item: Item, due: set[str]) -> None:
        # The case's materials, not the case: evaluate keeps these beside a weak reference to the case.
        self._materials: dict[str, MaterialEvidence] = case.materials
        self._item = item
        self._due = due

    def __getitem__(self, key: tuple[str, int, str]) -> FieldValue:
        mid, i, name = key
        evidence = self._materials.get(mid) if mid in self._due else None
        if (
            evidence is None
            or evidence.status is not MaterialStatus.PRESENT
            or not 0 <= i < len(evidence.sets)
        ):
            raise KeyError(key)
        one = evidence.sets[i]
        value = one.fields.get(name)
        if value is None:
            raise KeyError(key)
        part = self._item.material(mid).fields.get(name, _NO_SPEC).part
        if part and one.parts is not None and part not in one.parts:
            raise KeyError(key)  # README §4.1(3): not read on a face that is missing
        return value

    def __iter__(self) -> Iterator[tuple[str, int, str]]:
        for mid in sorted(self._due):
            evidence = self._materials.get(mid)
            if evidence is not None and evidence.status is MaterialStatus.PRESENT:
                for i, one in enumerate(evidence.sets):
                    yield from ((mid, i, name) for name in one.fields if (mid, i, name) in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def present(evidence: MaterialEvidence | None) -> bool:
    return evidence is not None and evidence.status is MaterialStatus.PRESENT
