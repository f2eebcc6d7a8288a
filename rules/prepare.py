"""Turn a CaseFacts into durable-rules facts: normalise, parse dates, validate numbers, resolve targets.

This is plumbing, not judgement: it computes values (a date's ordinal, a normalised name, whether a
number passes its checksum, the counterpart a name is compared with) and the compiled rules decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, NamedTuple

from rules import idle, watch
from rules.calendar import window_start
from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.compiled import CompiledItem, Counterpart, FieldPlan
from rules.spec import FactCatalog, FactSpec, FieldSpec, Item, Material
from rules.values import id_ok, list_value, looks_numeric, name_or_number, reading, uscc_ok

Json = dict[str, Any]
_TARGET_FIELD = re.compile(r"^(M\d+)「([^」]+)」$")
_PERSON_KEYS = {
    "shareholders.name": "name",
    "shareholders.id_number": "id_number",
    "shareholders.uscc": "uscc",
}


def case_fact(review: date, compiled: CompiledItem) -> Json:
    fact: Json = {"t": "c", "review": review.toordinal()}
    for key, (days, months) in compiled.windows.items():
        fact[key] = window_start(review, days=days, months=months).toordinal()
    return fact


def declared_fact(declared: dict[str, Any], catalog: FactCatalog, review: date) -> Json:
    """Normalised declared facts; an empty or ill-typed value is left out (README: 按事实缺失处理)."""
    fact: Json = {"t": "d"}
    for name, raw in declared.items():
        spec = catalog.facts.get(name)
        if spec is None or raw is None:
            continue
        value = _typed(raw, spec)
        if value is None:
            continue
        if spec.type == "enum_list":
            for option in spec.values:
                fact[f"{name}__{option}"] = option in value
            fact[name] = len(value)
        elif spec.type == "shareholders":
            fact[name] = len(value)
        else:
            fact[name] = value
        if spec.type == "id_number":
            fact[f"{name}__ok"] = id_ok(str(value), review)
        elif spec.type == "uscc":
            fact[f"{name}__ok"] = uscc_ok(str(value))
    fact.update(_derived(declared, fact))
    return fact


def _typed(raw: Any, spec: FactSpec) -> Any:
    kind = spec.type
    if kind == "bool":
        return raw if isinstance(raw, bool) else None
    if kind in ("integer", "number"):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
            return None
        return raw if kind == "number" or float(raw).is_integer() else None
    if kind == "enum":
        return raw if raw in spec.values else None
    if kind == "enum_list":
        if not isinstance(raw, list) or not raw or any(v not in spec.values for v in raw):
            return None
        return raw
    if kind == "shareholders":
        return raw if isinstance(raw, list) and all(isinstance(s, dict) for s in raw) else None
    if not isinstance(raw, str | int) or not str(raw).strip():
        return None
    text = str(raw)
    if kind == "name":
        return name_or_number(text, numeric=False)
    if kind in ("id_number", "uscc"):
        return name_or_number(text, numeric=True)
    return text.strip()


def _derived(declared: dict[str, Any], fact: Json) -> Json:
    out: Json = {}
    if "existing_vehicle_count" in fact and "planned_vehicle_count" in fact:
        out["vehicle_count"] = fact["existing_vehicle_count"] + fact["planned_vehicle_count"]
    if "annual_water_volume" in fact and "annual_groundwater_volume" in fact:
        if fact["annual_groundwater_volume"] > fact["annual_water_volume"]:
            # declared-facts.md: groundwater larger than the total is treated as a missing fact
            del fact["annual_groundwater_volume"]
        else:
            out["annual_surface_water_volume"] = (
                fact["annual_water_volume"] - fact["annual_groundwater_volume"]
            )
    holders = declared.get("shareholders")
    if "shareholders" in fact and isinstance(holders, list):
        rep = name_or_number(str(declared.get("legal_rep_id") or ""), numeric=True)
        out["shareholder_count"] = len(holders)
        out["corporate_shareholder_count"] = sum(h.get("shareholder_type") == "corporate" for h in holders)
        out["other_natural_shareholder_count"] = sum(
            h.get("shareholder_type") == "natural_person"
            and name_or_number(str(h.get("id_number") or ""), numeric=True) != rep
            for h in holders
        )
    return out


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
        self.declared = declared
        self.compiled = compiled
        self._candidates: dict[tuple[str, int], list[str]] = {}
        self._compared: dict[tuple[str, int], list[str]] = {}  # (x-key, set or -1) -> candidates

    def name(self, text: str) -> str:
        return name_or_number(text, numeric=False)

    def number(self, text: str) -> str:
        return name_or_number(text, numeric=True)

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
            self.attach_targets(by_field, material, i)
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

    def attach_targets(self, by_field: dict[str, Json], material: Material, i: int) -> None:
        """Put on each field fact the counterpart (x-key) each mismatch check compares it with."""
        for key, counterpart in self.compiled.counterparts_of.get(material.id, ()):
            subject = by_field.get(counterpart.field)
            if subject is None or "v" not in subject:
                continue
            candidates = self._compared.get((key, -1))
            if candidates is None:
                candidates = self._compared.get((key, i))
                if candidates is None:
                    candidates = self.compared_with(key, counterpart, material, i)
            if candidates and subject["v"] not in candidates:
                # Only a value that differs gets its counterpart: the mismatch pattern needs the key
                # present (``$ex``), so a fact that agrees is one fewer for the engine (rules.watch).
                subject[key] = candidates[0]

    def compared_with(self, key: str, counterpart: Counterpart, material: Material, i: int) -> list[str]:
        """What check ``key`` compares set ``i``'s field with (any one of them), remembered for the case:
        for every set at once unless a target is in the same material (the same person's set)."""
        mid = material.id
        candidates = [c for t in counterpart.equals for c in self.candidates(t, mid, i)]
        if material.fields[counterpart.field].type == "list":
            # A list field (出资情况表所列股东) matches when it names exactly the declared persons.
            candidates = [list_value("、".join(candidates))] if candidates else []
        per_set = any(t.startswith(f"{mid}「") for t in counterpart.equals)
        self._compared[(key, i if per_set else -1)] = candidates
        return candidates

    def candidates(self, target: str, mid: str, i: int) -> list[str]:
        # Only a target in the same material depends on the set: every set of a per-person material
        # otherwise compares with the same list.
        key = (target, i if target.startswith(f"{mid}「") else -1)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = self._find_candidates(target, mid, i)
        return found

    def _find_candidates(self, target: str, mid: str, i: int) -> list[str]:
        if target in _PERSON_KEYS:
            key = _PERSON_KEYS[target]
            holders = self.case.declared.get("shareholders") or []
            norm = self.name if key == "name" else self.number
            return [norm(str(h[key])) for h in holders if isinstance(h, dict) and h.get(key)]
        m = _TARGET_FIELD.match(target)
        if m:
            other = self.case.materials.get(m.group(1))
            if other is None or other.status is not MaterialStatus.PRESENT or not other.sets:
                return []
            # Same material: the same person/vehicle's set. Another material: any of its sets (persons).
            sets = [other.sets[i]] if m.group(1) == mid and i < len(other.sets) else list(other.sets)
            values = [one.fields.get(m.group(2)) for one in sets]
            if any(v is not None and v.state is not FieldState.OK for v in values):
                return []  # README §4.1(3): a comparison with an illegible or blank field is not judged
            return [
                self.number(v.value) if looks_numeric(v.value) else self.name(v.value)
                for v in values
                if v is not None and v.state is FieldState.OK
            ]
        value = self.declared.get(target)
        return [str(value)] if isinstance(value, str) else []


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
