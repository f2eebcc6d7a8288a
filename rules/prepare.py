"""Turn a CaseFacts into durable-rules facts: normalise, parse dates, validate numbers, resolve targets.

This is plumbing, not judgement: it computes values (a date's ordinal, a normalised name, whether a
number passes its checksum, the counterpart a name is compared with) and the compiled rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rules import idle, watch
from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.compiled import CompiledItem
from rules.spec import FieldSpec, Item, Material
from rules.steps import Step, Steps, step_of, steps_of
from rules.targets import Targets
from rules.values import Props, encode, reading_at, reading_text

Json = dict[str, Any]


def material_facts(
    *,
    item: Item,
    compiled: CompiledItem,
    due: set[str],
    case: CaseFacts,
    declared: Json,
    keep_idle: bool = False,
    texts: dict[int, str] | None = None,
) -> tuple[list[Json], FieldValues]:
    """Facts for every due material, and the field values behind them (for evidence).

    Only facts some phase-2 pattern can match are made: the others would cost the engine time and
    could not change what fires. ``keep_idle``: material facts no rule can use for this case are kept
    (rules.idle leaves them out of a subset of these materials' facts as it would of their own).
    ``texts``: the JSON of the facts made of a reading alone, by the id of the fact (``encoded``)."""
    facts: list[Json] = []
    prep = _Prep(case=case, declared=declared, compiled=compiled, texts=texts)
    found, field_steps = case.materials, compiled.field_steps
    for material in item.materials:
        mid = material.id
        if mid not in due:
            continue
        evidence = found.get(mid)
        if evidence is None:
            _material_fact(facts, texts, mid, "missing", 0)
            continue
        status, sets = evidence.status, evidence.sets
        state = "ok" if status is _PRESENT else _MATERIAL_STATE[status]
        _material_fact(facts, texts, mid, state, len(sets))
        if state != "ok":
            continue
        steps = field_steps.get(mid) or steps_of(compiled, material)
        set_facts = prep.set_facts
        for i, one in enumerate(sets):
            set_facts(facts, material, steps, i, one)
        if steps.across:
            assessed = [one.parts for one in sets if one.parts is not None]
            for part, when_has, when_not in steps.across if assessed else ():
                has = any(part in p for p in assessed)
                if when_has if has else when_not:
                    facts.append({"t": "pa", "m": mid, "p": part, "has": has})
    if compiled.material_needs is not None and not keep_idle:
        facts = idle.without_idle(facts, compiled.material_needs)
    return facts, FieldValues(case=case, item=item, due=due)


def _material_fact(out: list[Json], texts: dict[int, str] | None, mid: str, state: str, n: int) -> None:
    """Append a material's fact; its text (``encoded``) is the same for every case with that state and
    number of sets, so encoded once for them."""
    fact: Json = {"t": "m", "m": mid, "st": state, "n": n}
    out.append(fact)
    if texts is not None:
        key = (mid, state, n)
        text = _material_texts.get(key)
        if text is None:
            if len(_material_texts) >= 4096:
                _material_texts.clear()
            text = _material_texts[key] = encode(fact)
        texts[id(fact)] = text


_material_texts: dict[tuple[str, str, int], str] = {}
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

    def __init__(
        self, *, case: CaseFacts, declared: Json, compiled: CompiledItem, texts: dict[int, str] | None = None
    ) -> None:
        self.compiled = compiled
        self.texts = texts
        self.review = case.review_date
        self.targets = Targets(case=case, declared=declared)

    def set_facts(self, out: list[Json], material: Material, steps: Steps, i: int, one: MaterialSet) -> None:
        """Append set ``i``'s facts to ``out``: its parts', its marks', then its fields' in their order."""
        mid, parts = material.id, one.parts
        # A set with every part makes no part fact when each is kept only if missing (most): one subset test
        if (
            parts is not None
            and steps.parts
            and not (steps.missing_only and steps.part_names.issubset(parts))
        ):
            for part, when_has, when_not in steps.parts:
                has = part in parts
                if when_has if has else when_not:
                    out.append({"t": "p", "m": mid, "i": i, "p": part, "has": has})
        if steps.any_marks:
            sealed, signed = one.sealed, one.signed
            if steps.marks[(sealed, signed)]:
                marks: Json = {"t": "s", "m": mid, "i": i}
                if sealed is not None:
                    marks["sealed"] = sealed
                if signed is not None:
                    marks["signed"] = signed
                out.append(marks)
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
                out.append({"t": "f", "m": mid, "i": i, "f": name, "st": state.value})
                continue
            on = review if step.dated else None
            props = reading_at(step.kind, value.value, on)
            if "st" not in props:
                alone = step.alone
                if alone is not False:  # its fact is its reading alone: kept or not by the reading
                    if alone is True or alone in props:
                        self.alone(out, step, mid, i, name, props, value.value, on)
                    continue
                check = step.mismatch
                if check is not None:
                    if check.declared:  # Targets.differs of a declared counterpart, without the call
                        other = declared.get(check.declared)
                        if not isinstance(other, str) or props["v"] == other:
                            continue
                    elif (other := targets.differs(props["v"], check, i)) is None:
                        continue
                    out.append({"t": "f", "m": mid, "i": i, "f": name, "st": "ok", **props, check.key: other})
                    continue
                # The patterns look only at the reading's properties (an ID number's checksum) or at a
                # counterpart it differs from: asked of the reading when it differs from none (``read_fact``
                # the long way), and the fact not built when none can match it
                if (
                    step.on_reading
                    and not step.contains
                    and (not step.checks or not targets.differing(props["v"], step.checks, i))
                ):
                    if watch.matches(step.when_ok, props):  # type: ignore[arg-type]
                        self.alone(out, step, mid, i, name, props, value.value, on)
                    continue
            if self.read_fact(out, step, mid, i, name, props) and self.texts is not None:
                self.texts[id(out[-1])] = (
                    f"{step.head}{i}{step.tail}{reading_text(step.kind, value.value, on)}"
                )

    def alone(
        self, out: list[Json], step: Step, mid: str, i: int, name: str, props: Props, text: str, on: Any
    ) -> None:
        """Append a read field's fact of its reading alone; its text is the step's head and tail around
        the reading's, encoded for an earlier case (or set) with that value (``encoded``)."""
        fact: Json = {"t": "f", "m": mid, "i": i, "f": name, "st": "ok", **props}
        out.append(fact)
        if self.texts is not None:
            self.texts[id(fact)] = f"{step.head}{i}{step.tail}{reading_text(step.kind, text, on)}"

    def read_fact(self, out: list[Json], step: Step, mid: str, i: int, name: str, props: Props) -> bool:
        """Append a read field's fact (its reading ``props``, contains-checks, differing counterparts)
        when some pattern can match it; whether one was appended with no property but the legible
        reading's."""
        wanted = step.when_illegible if "st" in props else step.when_ok
        if wanted is False:
            return False  # the fact would be dropped below, whatever its other properties
        value = props["v"]
        has = [(key, literal in value) for key, literal in step.contains] if step.contains else _NONE
        differ = self.targets.differing(value, step.checks, i) if step.checks else _NONE
        if isinstance(wanted, str):
            if wanted not in props and all(k != wanted for k, _ in (*has, *differ)):
                return False  # most often a mismatch check's subject that agrees: not built to be dropped
        elif isinstance(wanted, tuple) and step.on_reading and "st" not in props and not (has or differ):
            # The patterns look only at the reading's properties (an ID number's checksum): asked of
            # the reading, and the fact not built when none can match it (most such readings)
            if not watch.matches(wanted, props):
                return False
            wanted = True
        fact: Json = {"t": "f", "m": mid, "i": i, "f": name, "st": "ok", **props}
        for key, one in (*has, *differ):
            fact[key] = one
        if not isinstance(wanted, tuple) or watch.matches(wanted, fact):
            out.append(fact)
            # An illegible reading's state replaces "ok" in the fact: joined from texts, "st" would be twice
            return not has and not differ and "st" not in props
        return False


def encoded(facts: list[Json], texts: dict[int, str]) -> list[str]:
    """``encode`` of each fact, the text of a fact made of a reading alone or of a material's fact taken
    from ``texts`` (``material_facts``): the same JSON, but the reading encoded once for every case
    with that value."""
    return [texts.get(id(f)) or encode(f) for f in facts]


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
