"""The compiled form of an Item, as rules.compile makes it and rules.prepare and rules.evaluate read it:
two durable-rules rulesets (JSON form, named actions), what each action reports, and the lookups that
let preparing a case's facts make only those some pattern can match without searching the rules.

Fact shapes are listed in rules.compile.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rules import watch
from rules.codes import Code

if TYPE_CHECKING:
    from rules.steps import Steps

Json = dict[str, Any]


class ActionSpec(BaseModel):
    """What one compiled rule reports when it fires."""

    model_config = ConfigDict(frozen=True)
    kind: Literal["finding", "due", "fact_missing"]
    code: Code | None = None
    material: str | None = None
    condition: str | None = None
    fact: str = ""
    field: str = ""
    rule: str = ""  # where in the rule file it comes from, e.g. "materials[M3].checks[4]"
    note: str = ""


class Counterpart(BaseModel):
    """A *_MISMATCH check's field and what it is compared with (any one of ``equals``)."""

    model_config = ConfigDict(frozen=True)
    material: str
    field: str
    equals: tuple[str, ...]


class CompiledItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    phase1: Json
    phase2: Json
    # Content hashes of the two rulesets: versions whose rules compile alike (a draft that only changes
    # a 容缺 period or a name) share their engine rulesets and the facts prepared for them.
    digest1: str = ""
    digest2: str = ""
    facts_key: str = ""  # what preparing a case's facts depends on: phase 2, its lookups, the fields' types
    facts_base: str = ""  # the same without the rulesets: the lookups and the fields' types
    # The declared facts each phase's patterns name: the others are not asserted (they cannot match).
    declared1: frozenset[str] = frozenset()
    declared2: frozenset[str] = frozenset()
    # Of those, the ones each phase tests only for presence: asserted with a placeholder (rules.declared),
    # so that cases alike but for names and numbers give a phase the same facts.
    present1: frozenset[str] = frozenset()
    present2: frozenset[str] = frozenset()
    actions: dict[str, ActionSpec]
    windows: dict[str, tuple[int, int]] = Field(default_factory=dict)  # key -> (days, months)
    counterparts: dict[str, Counterpart] = Field(default_factory=dict)  # x-key -> what to compare with
    contains: dict[str, tuple[str, str, str]] = Field(default_factory=dict)  # has-key -> (m, f, literal)
    # Lookups for rules.prepare, derived from the fields above so that preparing a case does not search.
    # Which phase-2 facts some pattern can match (rules/watch.py); None: every fact may be matched.
    watched_states: dict[watch.Key, frozenset[str]] | None = None
    wanted: watch.Wanted | None = None
    contains_at: dict[tuple[str, str], tuple[tuple[str, str], ...]] = Field(default_factory=dict)  # (m, f) ->
    # ((has-key, normalised literal), …)
    counterparts_of: dict[str, tuple[tuple[str, Counterpart], ...]] = Field(
        default_factory=dict
    )  # m -> x-keys
    # Per material, per rule on its fact, the keys of the rule's other patterns (rules.idle); None: keep
    # every material fact.
    material_needs: dict[tuple[str, str], tuple[frozenset[watch.Key], ...]] | None = None
    # The same for the declared and the case fact (rules.idle.single_needs); None: always assert both.
    single_needs: dict[tuple[str, str], tuple[frozenset[watch.Key], ...]] | None = None

    def asks(self, t: str, m: str, sub: str = "") -> frozenset[str]:
        """The states ``st`` in which some phase-2 pattern can match a fact of type ``t`` on material
        ``m`` (field/part ``sub``); "" stands for any state, nothing for a fact no rule looks at."""
        if self.watched_states is None:
            return _ANY_STATE
        return watch.asked(self.watched_states, t, m, sub)

    def wants(self, fact: Json, case: Json | None = None) -> bool:
        """Whether some phase-2 pattern can match this fact (with ``case``, the case fact: compared
        with it as the patterns compare)."""
        return watch.wants(self.wanted, fact, case)

    def covers(self, other: CompiledItem) -> bool:
        """Whether the facts prepared for this item serve ``other`` as they are: the same lookups and
        fields, and every fact ``other`` would make is made here too (``other``'s patterns are some of
        these, as in a draft that drops a check). The extra facts are ones no pattern of ``other`` can
        match (rules.watch): its engine drops them, so what fires is the same. The declared fact is
        the one exception, checked per case: see ``declared_beyond``."""
        if not self.facts_base or self.facts_base != other.facts_base:
            return False
        if self.watched_states is None or self.wanted is None:
            return True  # every fact is made here
        if other.watched_states is None or other.wanted is None:
            return False
        mine_asked = self.watched_states
        for key, asked in other.watched_states.items():
            mine = mine_asked.get(key)
            if mine is None or not ("" in mine or asked <= mine):
                return False
        if not all(_within(pats, self.wanted.get(key)) for key, pats in other.wanted.items()):
            return False
        # A material fact left out here (no rule of these could use it) must be one no rule of
        # ``other`` can use either: each of its rules on a material fact needs what one of these needs;
        # so must the declared or case fact left out here (rules.idle.singles_idle).
        return _needs_cover(self.material_needs, other.material_needs) and _needs_cover(
            self.single_needs, other.single_needs
        )

    def declared_beyond(self, other: CompiledItem) -> frozenset[str]:
        """Names ``other``'s patterns may read of the declared fact that these do not (rule names and
        other strings among them, which no declared fact has): a case whose declared fact has one
        of them needs its own facts."""
        # and names given a placeholder here whose value ``other`` reads
        return (
            (other.declared1 - self.declared1)
            | (other.declared2 - self.declared2)
            | ((self.present1 - other.present1) & other.declared1)
            | ((self.present2 - other.present2) & other.declared2)
        )

    @cached_property
    def field_steps(self) -> dict[str, Steps]:
        """Per material: what preparing its facts needs of these rules, worked out once (rules.steps)."""
        return {}

    @cached_property
    def _flat_wants(self) -> dict[tuple[Any, ...], bool]:
        return {}

    def wants_part(self, t: str, m: str, part: str, has: bool) -> bool:
        """``wants`` of a part fact (``t`` "p" or "pa"; the set index, which no pattern fixes, aside):
        remembered, as it depends only on these."""
        key = (t, m, part, has)
        hit = self._flat_wants.get(key)
        if hit is None:
            fact: Json = (
                {"t": t, "m": m, "i": 0, "p": part, "has": has}
                if t == "p"
                else {"t": t, "m": m, "p": part, "has": has}
            )
            hit = self._flat_wants[key] = self.wants(fact)
        return hit

    def wants_marks(self, marks: Json) -> bool:
        """``wants`` of a set's marks fact (``sealed`` / ``signed`` when assessed), remembered."""
        key = ("s", marks["m"], marks.get("sealed"), marks.get("signed"))
        hit = self._flat_wants.get(key)
        if hit is None:
            hit = self._flat_wants[key] = self.wants(marks)
        return hit


_ANY_STATE = frozenset({""})


Needs = dict[tuple[str, str], tuple[frozenset[watch.Key], ...]]


def _needs_cover(mine: Needs | None, theirs: Needs | None) -> bool:
    """Whether what ``theirs`` leaves out is left out by ``mine`` too (None: nothing is left out)."""
    if mine is None:
        return True
    if theirs is None:
        return False
    return all(set(needs) <= set(mine.get(key, ())) for key, needs in theirs.items())


def _within(
    theirs: frozenset[str] | tuple[watch.Literals, ...],
    mine: frozenset[str] | tuple[watch.Literals, ...] | None,
) -> bool:
    """Whether every fact wanted by ``theirs`` is wanted by ``mine`` (one key of ``wanted``)."""
    if mine is None:
        return False
    if isinstance(mine, frozenset):
        return isinstance(theirs, frozenset) and ("" in mine or theirs <= mine)
    if isinstance(theirs, frozenset):  # patterns that fix only the state, as literals
        theirs = tuple(((("st", st),) if st else ()) for st in theirs)
    return set(theirs) <= set(mine)
