"""Turn a CaseFacts into durable-rules facts: normalise, parse dates, validate numbers, resolve targets.

This is plumbing, not judgement: it computes values (a date's ordinal, a normalised name, whether a
number passes its checksum, the counterpart a name is compared with) and the compiled rules decide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from rules import idle, watch
from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.compiled import CompiledItem
from rules.declared import case_fact
from rules.spec import FieldSpec, Item, Material
from rules.steps import Step, Steps, step_of, steps_of
from rules.targets import TargetCheck, Targets, differs_in_set
from rules.values import Props, encode, normalised, read
from rules.watch import Key

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
    """Facts for every due material, and the field values behind them (for evidence): ``made_for``'s
    facts as dicts. ``keep_idle``: material facts no rule can use for this case are kept (rules.idle
    leaves them out of a subset of these materials' facts as it would of their own)."""
    made, values = made_for(item=item, compiled=compiled, due=due, case=case, declared=declared)
    texts = made.texts if keep_idle else made.lean(compiled)[0]
    return [decoded(text) for text in texts], values


def made_for(
    *, item: Item, compiled: CompiledItem, due: set[str], case: CaseFacts, declared: Json
) -> tuple[Made, FieldValues]:
    """Facts for every due material, encoded, and the field values behind them (for evidence).

    Only facts some phase-2 pattern can match are made: the others would cost the engine time and
    could not change what fires."""
    made = Made()
    prep = _Prep(case=case, declared=declared, compiled=compiled)
    found, field_steps, set_facts = case.materials, compiled.field_steps, prep.set_facts
    for material in item.materials:
        mid = material.id
        if mid not in due:
            continue
        evidence = found.get(mid)
        if evidence is None:
            made.material(mid, "missing", 0)
            continue
        status, sets = evidence.status, evidence.sets
        if status is not _PRESENT:
            made.material(mid, _MATERIAL_STATE[status], len(sets))
            continue
        steps = field_steps.get(mid) or steps_of(compiled, material)
        counted = steps.counted  # its fact is wanted only if its count compares as a pattern asks
        if counted is None or watch.matches(
            counted, {"t": "m", "m": mid, "st": "ok", "n": len(sets)}, prep.case
        ):
            made.material(mid, "ok", len(sets))
        for i, one in enumerate(sets):
            set_facts(made, material, steps, i, one)
        if steps.across:
            assessed = [one.parts for one in sets if one.parts is not None]
            for part, when_has, when_not in steps.across if assessed else ():
                has = any(part in p for p in assessed)
                if when_has if has else when_not:
                    made.add(("pa", mid, part), {"t": "pa", "m": mid, "p": part, "has": has})
    return made, FieldValues(case=case, item=item, due=due)


class Made:
    """The facts made for a case's due materials as the engine takes them: each one's JSON (``encode``;
    a fact of a reading alone joined from the reading's text, encoded once for every case with that
    value), its key (rules.watch: what rules.idle reads of it) and where the material facts are.
    Texts rather than dicts: the engine takes text, and most facts need never be built."""

    __slots__ = ("keys", "materials", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.keys: list[Key] = []
        self.materials: list[tuple[int, str, str]] = []  # (position, material, state) of material facts

    def add(self, key: Key, fact: Json) -> None:
        self.texts.append(encode(fact))
        self.keys.append(key)

    def material(self, mid: str, state: str, n: int) -> None:
        """Append a material's fact: its text is the same for every case with that state and number of
        sets, so encoded once for them."""
        found = _material_texts.get((mid, state, n))
        if found is None:
            if len(_material_texts) >= 4096:
                _material_texts.clear()
            fact = {"t": "m", "m": mid, "st": state, "n": n}
            found = _material_texts[(mid, state, n)] = (encode(fact), ("m", mid, ""))
        self.materials.append((len(self.texts), mid, state))
        self.texts.append(found[0])
        self.keys.append(found[1])

    def lean(self, compiled: CompiledItem) -> tuple[list[str], list[Key]]:
        """The texts less the material facts no rule can use (rules.idle), and their keys."""
        needs = compiled.material_needs
        if needs is None:
            return self.texts, self.keys
        gone = idle.idle_at(self.keys, self.materials, needs)
        if not gone:
            return self.texts, self.keys
        kept = [k for k in range(len(self.texts)) if k not in gone]
        return [self.texts[k] for k in kept], [self.keys[k] for k in kept]


def decoded(text: str) -> Json:
    """A fact's dict from its text (``encode`` the other way; orjson where it can)."""
    try:
        fact: Json = orjson.loads(text)
    except orjson.JSONDecodeError:
        fact = json.loads(text)
    return fact


_material_texts: dict[tuple[str, str, int], tuple[str, Key]] = {}
_PRESENT = MaterialStatus.PRESENT
_MATERIAL_STATE = {
    MaterialStatus.PRESENT: "ok",
    MaterialStatus.UNREADABLE: "unreadable",
    MaterialStatus.WRONG: "wrong",
}
# Field states compared by identity: a StrEnum member hashes in Python code, a lookup per field costs.
_OK, _EMPTY = FieldState.OK, FieldState.EMPTY
_NO_SPEC = FieldSpec()
_NONE: tuple[tuple[str, Any], ...] = ()  # shared: never changed


class _Prep:
    """Facts of one case's material sets. A field's reading comes from rules.values (remembered: the
    same names and numbers recur across a case's materials), what the rules ask of it from its step
    (rules.steps), and the counterparts a mismatch check compares with are found once per case."""

    def __init__(self, *, case: CaseFacts, declared: Json, compiled: CompiledItem) -> None:
        self.compiled = compiled
        self.review = case.review_date
        self.targets = Targets(case=case, declared=declared)
        # what a pattern comparing a fact with the case or declared fact compares it with (rules.watch)
        self.case: watch.PerCase = {"c": case_fact(case.review_date, compiled), "d": declared}

    def set_facts(self, made: Made, material: Material, steps: Steps, i: int, one: MaterialSet) -> None:
        """Append set ``i``'s facts: its parts', its marks', then its fields' in their order (one call
        per set: every set of every new case comes through here)."""
        mid, parts = material.id, one.parts
        texts, keys = made.texts, made.keys
        # A set with every part makes no part fact when each is kept only if missing (most): one subset test
        if (
            parts is not None
            and steps.parts
            and not (steps.missing_only and steps.part_names.issubset(parts))
        ):
            for part, when_has, when_not in steps.parts:
                has = part in parts
                if when_has if has else when_not:
                    made.add(("p", mid, part), {"t": "p", "m": mid, "i": i, "p": part, "has": has})
        if steps.any_marks:
            sealed, signed = one.sealed, one.signed
            if steps.marks[(sealed, signed)]:
                marks: Json = {"t": "s", "m": mid, "i": i}
                if sealed is not None:
                    marks["sealed"] = sealed
                if signed is not None:
                    marks["signed"] = signed
                made.add(("s", mid, ""), marks)
        fields, review, targets = steps.fields, self.review, self.targets
        declared = targets.declared
        for name, value in one.fields.items():
            step = fields.get(name)
            if step is None:  # a field the rule file does not list, first seen
                step = step_of(steps, self.compiled, material, name)
            state = value.state
            if state is _OK:  # most fields: only those whose reading a rule looks at are read
                if not step.read:
                    continue
            elif not (step.empty if state is _EMPTY else step.unreadable):
                continue
            if step.part and parts is not None and step.part not in parts:
                continue  # README §4.1(3): a check on a missing face is skipped
            if state is not _OK:
                made.add(step.key, {"t": "f", "m": mid, "i": i, "f": name, "st": state.value})
                continue
            check, compared = step.mismatch, step.compared_as
            if compared is not None and check is not None:
                # Its value compared first: the rest of its reading (an ID number's checksum, birth
                # date and age), which only a fact that differs carries, is read only then (most agree).
                v = normalised(value.value, compared)
                if check.declared:  # the commonest: ``counterpart`` without the call
                    other = declared.get(check.declared)
                    if not isinstance(other, str) or v == other:
                        continue
                elif (other := self.counterpart(check, v, one, i)) is None:
                    continue
            props, body = read(step.kind, value.value, review if step.dated else None)
            if "st" not in props:
                alone = step.alone
                if alone is not False:  # its fact is its reading alone: kept or not by the reading
                    if alone is True or alone in props:
                        texts.append(f"{step.head}{i}{step.tail}{body}")
                        keys.append(step.key)
                    continue
                if check is not None:
                    if compared is None and (other := self.counterpart(check, props["v"], one, i)) is None:
                        continue
                    fact = {"t": "f", "m": mid, "i": i, "f": name, "st": "ok", **props, check.key: other}
                    made.add(step.key, fact)
                    continue
                # The patterns look only at the reading's properties (an ID number's checksum) or at a
                # counterpart it differs from: asked of the reading when it differs from none (``read_fact``
                # the long way), and the fact not built when none can match it
                if step.by_reading and (not step.checks or not targets.differing(props["v"], step.checks, i)):
                    seen = step.seen  # ``on_reading``'s memory of a reading, looked up here when it is plain
                    hit = seen.get(body) if seen is not None and not step.by_day else None
                    if hit is None:
                        hit = self.on_reading(step, props, body)
                    if hit:
                        texts.append(f"{step.head}{i}{step.tail}{body}")
                        keys.append(step.key)
                    continue
            self.read_fact(made, step, mid, i, name, props, body)

    def counterpart(self, check: TargetCheck, value: str, one: MaterialSet, i: int) -> str | None:
        """What set ``i``'s read ``value`` differs from under a field's one mismatch check, or None."""
        if check.declared:  # Targets.differs of a declared counterpart, without the call
            other = self.targets.declared.get(check.declared)
            return other if isinstance(other, str) and value != other else None
        if (target := check.one) is not None and target.same_set:  # this set's field, at hand
            return differs_in_set(value, one.fields.get(target.field))
        return self.targets.differs(value, check, i)

    def on_reading(self, step: Step, props: Props, body: str) -> bool:
        """Whether ``step.when_ok``'s literals (of the reading's properties only) match this reading:
        when they compare nothing with the declared fact, remembered per reading (``Step.seen``; its
        text ``body`` names it) and, if they compare with the case fact, per review date too, as the
        same readings recur (a date, an ID number's checksum, a batch of cases reviewed on one day)."""
        seen = step.seen
        if seen is None:
            return watch.matches(step.when_ok, props, self.case)  # type: ignore[arg-type]
        key = (body, self.review) if step.by_day else body
        hit = seen.get(key)
        if hit is None:
            if len(seen) >= 4096:
                seen.clear()
            hit = seen[key] = watch.matches(step.when_ok, props, self.case)  # type: ignore[arg-type]
        return hit

    def read_fact(self, made: Made, step: Step, mid: str, i: int, name: str, props: Props, body: str) -> None:
        """Append a read field's fact (its reading ``props``, contains-checks, differing counterparts)
        when some pattern can match it; one with no property but the reading's is joined from the
        reading's text."""
        wanted = step.when_illegible if "st" in props else step.when_ok
        if wanted is False:
            return  # the fact would be dropped below, whatever its other properties
        value = props["v"]
        has = [(key, literal in value) for key, literal in step.contains] if step.contains else _NONE
        differ = self.targets.differing(value, step.checks, i) if step.checks else _NONE
        if isinstance(wanted, str):
            if wanted not in props and all(k != wanted for k, _ in (*has, *differ)):
                return  # most often a mismatch check's subject that agrees: not built to be dropped
        elif isinstance(wanted, tuple) and step.on_reading and "st" not in props and not (has or differ):
            # The patterns look only at the reading's properties (an ID number's checksum): asked of
            # the reading, and the fact not built when none can match it (most such readings)
            if not watch.matches(wanted, props, self.case):
                return
            wanted = True
        fact: Json = {"t": "f", "m": mid, "i": i, "f": name, "st": "ok", **props}
        for key, one in (*has, *differ):
            fact[key] = one
        if not isinstance(wanted, tuple) or watch.matches(wanted, fact, self.case):
            if has or differ or "st" in props:  # an illegible reading's state replaces "ok": encoded whole
                made.add(step.key, fact)
            else:
                made.texts.append(f"{step.head}{i}{step.tail}{body}")
                made.keys.append(step.key)


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
