"""What each mismatch check (NAME_MISMATCH / ID_MISMATCH) of a case compares a field with: its
counterparts, found in the declared facts, the declared shareholders or another material's field, and
put on the field's fact when the value differs (the pattern then fires on ``$neq``).
"""

from __future__ import annotations

import re
from typing import Any

from rules.casefacts import CaseFacts, FieldState, MaterialStatus
from rules.compiled import CompiledItem, Counterpart
from rules.spec import Material
from rules.values import list_value, looks_numeric, name_or_number

Json = dict[str, Any]
_TARGET_FIELD = re.compile(r"^(M\d+)「([^」]+)」$")
_PERSON_KEYS = {
    "shareholders.name": "name",
    "shareholders.id_number": "id_number",
    "shareholders.uscc": "uscc",
}


class Targets:
    """One case's counterparts, found once per check (per set when a target is in the same material)."""

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

    def attach(self, by_field: dict[str, Json], material: Material, i: int) -> None:
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
