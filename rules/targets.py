"""What each mismatch check (NAME_MISMATCH / ID_MISMATCH) of a case compares a field with: its
counterparts, found in the declared facts, the declared shareholders or another material's field, and
put on the field's fact when the value differs (the pattern then fires on ``$neq``).

How a check's targets are found depends only on the rules (``TargetCheck``, made once per compiled
item with the field's steps, rules.steps); what they hold is looked up once per case (``Targets``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from rules.casefacts import CaseFacts, FieldState, FieldValue, MaterialStatus
from rules.compiled import Counterpart
from rules.spec import Material
from rules.values import comparable, list_value, name_or_number

Json = dict[str, Any]
_TARGET_FIELD = re.compile(r"^(M\d+)「([^」]+)」$")
_PERSON_KEYS = {
    "shareholders.name": "name",
    "shareholders.id_number": "id_number",
    "shareholders.uscc": "uscc",
}
_OK = FieldState.OK


# Where a target is: a key of every declared shareholder, a field of another material's sets (or of
# the same set of this one), or a declared fact. Plain strings: an Enum member hashes in Python code.
Source = Literal["person", "field", "declared"]


@dataclass(frozen=True, slots=True)
class Target:
    """One entry of a check's ``equals``, parsed (slots, as ``TargetCheck``)."""

    text: str  # as the rule file writes it
    source: Source
    name: str  # the shareholder key, the material, or the declared fact
    field: str = ""  # a field's: the material's field
    same_set: bool = False  # a field of the check's own material: the same person's set
    numeric: bool = False  # a shareholder's: a number, not a name


@dataclass(frozen=True, slots=True)
class TargetCheck:
    """What one check compares its field with: any of ``targets`` (slots: read for every field it
    checks, and a slot is read faster than a named tuple's item, as rules.steps.Step)."""

    key: str  # the x-key the mismatch pattern tests
    targets: tuple[Target, ...]
    as_list: bool  # a list field (出资情况表所列股东): matches when it names exactly the persons found
    per_set: bool  # a target is in the same material, so the counterparts differ from set to set
    # Names what the counterparts are made of: checks alike (the same declared name compared on
    # several materials) look them up once per case
    group: str
    # The declared fact when it is the one target and not a list (most checks): its value, already
    # normalised, is the only counterpart, compared as it is rather than found and remembered
    declared: str = ""
    one: Target | None = None  # the one target, when not a list: its values are the counterparts


def target_check(key: str, counterpart: Counterpart, material: Material) -> TargetCheck:
    targets = tuple(_target(t, material.id) for t in counterpart.equals)
    spec = material.fields.get(counterpart.field)
    as_list = spec is not None and spec.type == "list"
    per_set = any(t.same_set for t in targets)
    group = "\n".join((*counterpart.equals, material.id if per_set else "", "list" if as_list else ""))
    only = targets[0] if len(targets) == 1 and not as_list else None
    declared = only.name if only is not None and only.source == "declared" else ""
    return TargetCheck(
        key=key, targets=targets, as_list=as_list, per_set=per_set, group=group, declared=declared, one=only
    )


def person_key(text: str) -> str | None:
    """The key of a declared person a target names (shareholders.id_number -> id_number); None when it
    names no declared person."""
    return _PERSON_KEYS.get(text)


def _target(text: str, mid: str) -> Target:
    if (key := person_key(text)) is not None:
        return Target(text, "person", key, numeric=key != "name")
    m = _TARGET_FIELD.match(text)
    if m:
        return Target(text, "field", m.group(1), m.group(2), same_set=m.group(1) == mid)
    return Target(text, "declared", text)


def differs_in_set(value: str, field: FieldValue | None) -> str | None:
    """``Targets.differs`` of a check whose one target is another field of the same set, given that
    field: the set being prepared has it at hand, without looking the set up through the case."""
    if field is None or field.state is not _OK:
        return None  # README §4.1(3): a comparison with an illegible or blank field is not judged
    other = comparable(field.value)
    return other if value != other else None


class Targets:
    """One case's counterparts, found once per check (per set when a target is in the same material)."""

    def __init__(self, *, case: CaseFacts, declared: Json) -> None:
        self.case = case
        self.declared = declared
        self._found: dict[str, list[str]] = {}  # a target not in the same material -> its values
        self._compared: dict[tuple[str, int], list[str]] = {}  # (check group, set or -1) -> candidates

    def differing(self, value: str, checks: tuple[TargetCheck, ...], i: int) -> list[tuple[str, str]]:
        """(x-key, counterpart) of each check that set ``i``'s read ``value`` differs from."""
        out: list[tuple[str, str]] = []
        for check in checks:
            # Only a value that differs gets its counterpart: the mismatch pattern needs the key
            # present (``$ex``), so a fact that agrees is one fewer for the engine (rules.watch).
            if check.declared:  # ``differs`` of a declared counterpart, without the call
                other = self.declared.get(check.declared)
                if isinstance(other, str) and value != other:
                    out.append((check.key, other))
            elif (other := self.differs(value, check, i)) is not None:
                out.append((check.key, other))
        return out

    def differs(self, value: str, check: TargetCheck, i: int) -> str | None:
        """The counterpart of one check that ``value`` differs from (``differing`` of one check)."""
        if check.declared:
            other = self.declared.get(check.declared)
            return other if isinstance(other, str) and value != other else None
        if check.one is not None:
            candidates = self._candidates(check.one, i)  # remembered by target: no group to join
        else:
            found = self._compared.get((check.group, i if check.per_set else -1))
            candidates = found if found is not None else self._compare(check, i)
        return candidates[0] if candidates and value not in candidates else None

    def _compare(self, check: TargetCheck, i: int) -> list[str]:
        candidates = [c for target in check.targets for c in self._candidates(target, i)]
        if check.as_list:
            candidates = [list_value("、".join(candidates))] if candidates else []
        self._compared[(check.group, i if check.per_set else -1)] = candidates
        return candidates

    def _candidates(self, target: Target, i: int) -> list[str]:
        # Only a target in the same material depends on the set: every set of a per-person material
        # otherwise compares with the same list. One in the same material is read once per set (by
        # the one check on it, most often): found, not remembered.
        if target.same_set:
            return self._find(target, i)
        found = self._found.get(target.text)
        if found is None:
            found = self._found[target.text] = self._find(target, i)
        return found

    def _find(self, target: Target, i: int) -> list[str]:
        if target.source == "declared":
            value = self.declared.get(target.name)
            return [str(value)] if isinstance(value, str) else []
        if target.source == "person":
            holders = self.case.declared.get("shareholders") or []
            key, numeric = target.name, target.numeric
            return [
                name_or_number(str(h[key]), numeric=numeric)
                for h in holders
                if isinstance(h, dict) and h.get(key)
            ]
        other = self.case.materials.get(target.name)
        if other is None or other.status is not MaterialStatus.PRESENT or not other.sets:
            return []
        # Same material: the same person/vehicle's set. Another material: any of its sets (persons).
        if target.same_set and i < len(other.sets):
            value = other.sets[i].fields.get(target.field)
            # README §4.1(3): a comparison with an illegible or blank field is not judged
            return [comparable(value.value)] if value is not None and value.state is _OK else []
        values = [one.fields.get(target.field) for one in other.sets]
        if any(v is not None and v.state is not _OK for v in values):
            return []  # README §4.1(3): a comparison with an illegible or blank field is not judged
        return [comparable(v.value) for v in values if v is not None and v.state is _OK]
