"""Facts in, Decision out: phase 1 (declared facts) then phase 2 (materials) on durable-rules."""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

from rules import idle
from rules.casefacts import CaseFacts, Evidence, FieldValue
from rules.codes import Code
from rules.compile import compile_item
from rules.compiled import ActionSpec, CompiledItem
from rules.declared import declared_fact, with_case
from rules.doubt import with_doubt
from rules.engine import RuleHost, encode, matched, payload
from rules.errors import UnknownItem
from rules.loader import LoadedItem
from rules.messages import message_for
from rules.prepare import FieldValues, Made, made_for
from rules.spec import FactCatalog, Item
from rules.stored import StoredCase, outline
from rules.stored import key as stored_key
from rules.stored import keys as stored_keys
from rules.values import joined
from rules.verdict import Decision, Finding, decide, split_uncertain


class Evaluator:
    """Judges cases against a set of loaded items. Thread-safe: the engine serialises its calls.

    With ``reuse_fired`` (a replay under a draft, rules.impact) a case whose facts were already put to
    the same ruleset — named by its content, so the same rules — takes the engine's answer from then
    instead of asking it again; the rest (messages, 容缺 periods, the verdict) is made anew."""

    def __init__(
        self,
        *,
        items: dict[str, LoadedItem],
        catalog: FactCatalog,
        host: RuleHost | None = None,
        reuse_fired: bool = False,
    ) -> None:
        self._reuse = reuse_fired
        self._items = items
        self._catalog = catalog
        self._host = host or RuleHost()
        self._compiled: dict[str, CompiledItem] = {}
        self._plans: dict[str, _Plan] = {}
        # A finding without its evidence depends only on the rule that fired, the field and the set:
        # made once (findings are frozen, so they are shared).
        self._findings: dict[tuple[Any, ...], Finding] = {}
        # (donor facts_key, own) -> what the donor's declared facts lack (declared_beyond), None when the
        # donor's facts do not cover these rules (CompiledItem.covers)
        self._covered: dict[tuple[str, str], frozenset[str] | None] = {}
        for code, loaded in items.items():
            self._compile(code, loaded)

    def _compile(self, code: str, loaded: LoadedItem) -> None:
        compiled = compile_item(loaded.item, self._catalog, rule_hash=loaded.rule_hash)
        self._compiled[code] = compiled
        self._plans[code] = _Plan.of(compiled, loaded.item)
        # Rulesets are named by their content hash: a changed rule never reuses an old ruleset, and
        # versions whose rules compile alike share one.
        self._host.register(_name(compiled, 1), compiled.phase1)
        self._host.register(_name(compiled, 2), compiled.phase2)

    def compiled(self, code: str) -> CompiledItem:
        self.loaded(code)
        return self._compiled[code]

    @property
    def items(self) -> dict[str, LoadedItem]:
        return self._items

    def loaded(self, code: str) -> LoadedItem:
        if code not in self._items:
            known = ", ".join(sorted(self._items))
            raise UnknownItem(f"没有事项 {code!r}（已加载：{known}）")
        return self._items[code]

    def due(self, code: str, declared: dict[str, Any], review: Any) -> tuple[set[str], list[Finding]]:
        """Which materials are due for these declared facts, and the findings phase 1 makes."""
        compiled = self.compiled(code)
        fact = declared_fact(declared, self._catalog, review)
        return self._phase1(code, payload(with_case(fact, 1, review, compiled)))

    def _fire(self, ruleset: str, payload: str, prepared: _Prepared | None) -> list[tuple[str, str]]:
        """What the engine answers to a payload: remembered by the host for every case that gives the
        same (RuleHost.remembered; a complete case's phase-2 facts are mostly its material facts and
        readings of fixed choices, which recur), and with the case (a replay under a draft, which may
        judge more cases than the host keeps)."""
        if prepared is None:
            return self._host.remembered(ruleset, payload)
        key = (ruleset, payload)
        fired = prepared.fired.get(key) if self._reuse else None
        if fired is None:
            fired = prepared.fired[key] = self._host.remembered(ruleset, payload)
        return fired

    def _phase1(
        self, code: str, payload: str, prepared: _Prepared | None = None
    ) -> tuple[set[str], list[Finding]]:
        loaded = self.loaded(code)
        compiled, plan = self._compiled[code], self._plans[code]
        fired = self._fire(plan.ruleset1, payload, prepared) if compiled.phase1 else []
        due = set(plan.always_due)
        findings: list[Finding] = []
        for name, message in fired:
            action = compiled.actions[name]
            if action.kind == "due" and action.material:
                due.add(action.material)
            else:
                findings.append(self._finding(loaded, action, message, {}))
        return due, findings

    def evaluate(self, case: CaseFacts, *, facts_of: Evaluator | None = None) -> Decision:
        """The case's decision. ``facts_of``: another evaluator whose prepared facts for the case serve
        here when its rules cover these (``CompiledItem.covers``; a replay judges the rules in effect
        first, then a draft that drops a check), so they are not prepared again."""
        loaded = self.loaded(case.item)
        compiled, plan = self._compiled[case.item], self._plans[case.item]
        item = loaded.item
        prepared = self._prepared(case, compiled, facts_of)
        due, findings = self._phase1(case.item, prepared.phase1, prepared)
        payload, values = prepared.phase2(case, item, due)
        actions = compiled.actions
        for name, message in self._fire(plan.ruleset2, payload, prepared):
            findings.append(self._finding(loaded, actions[name], message, values))
        judged = [with_doubt(f, case=case, item=item, values=values) for f in _unique(findings)]
        tolerance = {mid: days for mid, days in plan.tolerance if mid in due}
        if any(f.code is Code.NOT_ELIGIBLE and not f.doubt for f in judged):
            judged = [f for f in judged if f.code is Code.NOT_ELIGIBLE]  # README §5(1)
        # (a condition failed only on a doubtful count leaves the other findings standing: if the clerk
        # dismisses it, they are what the applicant must correct)
        findings, uncertain = split_uncertain(judged)
        verdict, deadline, days = decide(findings, tolerance=tolerance, review=case.review_date)
        return Decision(
            case_id=case.case_id,
            item=item.code,
            rule_hash=loaded.rule_hash,
            review_date=case.review_date,
            verdict=verdict,
            findings=findings,
            uncertain=uncertain,
            tolerance_deadline=deadline,
            tolerance_days=days,
            due_materials=[mid for mid in plan.order if mid in due],
            tolerance=tolerance,
        )

    def _prepared(self, case: CaseFacts, compiled: CompiledItem, other: Evaluator | None) -> _Prepared:
        """The case's prepared facts: ``other``'s when they cover this item's rules (asked once per
        pair) and the case declares nothing only these rules read, else facts of its own."""
        donor = other._compiled.get(compiled.code) if other is not None else None
        if donor is not None and donor.facts_key != compiled.facts_key:
            key = (donor.facts_key, compiled.facts_key)
            if key not in self._covered:
                self._covered[key] = donor.declared_beyond(compiled) if donor.covers(compiled) else None
            beyond = self._covered[key]
            if beyond is not None:
                prepared = _prepared_for(case, donor, self._catalog)
                if not beyond or beyond.isdisjoint(prepared.declared):
                    return prepared
        return _prepared_for(case, compiled, self._catalog)

    def stored_key(self, code: str) -> str:
        """What a record of ``engine_input`` made for this item's rules is stored under (rules.stored)."""
        return stored_key(self.compiled(code).facts_key, self._catalog)

    def stored_keys(self, code: str) -> tuple[str, ...]:
        """``stored_key``, and the keys of records of earlier versions that serve these rules as they are."""
        return stored_keys(self.compiled(code).facts_key, self._catalog)

    def engine_input(self, case: CaseFacts) -> dict[str, Any]:
        """The case's facts as the engine takes them under these rules (rules.stored), to be kept with
        the run that judged it: prepared once more only if the case was not just judged here."""
        compiled = self.compiled(case.item)
        item = self._items[case.item].item
        prepared = _prepared_for(case, compiled, self._catalog)
        due, _ = self._phase1(case.item, prepared.phase1, prepared)
        payload, _ = prepared.phase2(case, item, due)
        # Every material's facts: those of the due ones as just made (let go of once stored: they are
        # kept only for this), the others' made now.
        made, prepared.made = prepared.made, None
        own = made[1] if made is not None and made[0] == due else Made()
        others = {m.id for m in item.materials} - (due if own.texts else set())
        extra, _ = made_for(item=item, compiled=compiled, due=others, case=case, declared=prepared.declared)
        by_material: dict[str, list[str]] = {}
        for key, text in (*zip(own.keys, own.texts, strict=True), *zip(extra.keys, extra.texts, strict=True)):
            by_material.setdefault(key[1], []).append(text)
        facts = [f for m in item.materials for f in by_material.get(m.id, ())]
        return {
            "key": self.stored_key(case.item),
            "phase1": prepared.phase1,
            "declared": prepared.declared,
            "due": sorted(due),
            "phase2": payload,
            "materials": joined(facts),
            "case": outline(case),
        }

    def restore(self, case: StoredCase, record: dict[str, Any]) -> None:
        """Take ``case``'s prepared facts from its stored record (made under ``stored_key``)."""
        compiled = self.compiled(case.item)
        key = (id(case), compiled.facts_key)
        _prepared[key] = _Prepared.stored(case, compiled, self._items[case.item].item, record, key)

    def _finding(
        self,
        loaded: LoadedItem,
        action: ActionSpec,
        message: str,
        values: Mapping[tuple[str, int, str], FieldValue],
    ) -> Finding:
        assert action.code is not None
        # Only a check's subject (pattern "x") says which set and part: other messages are not read.
        subject = matched(message).get("x", {}) if '"x":' in message else {}
        index = subject.get("i") if isinstance(subject.get("i"), int) else None
        field = action.field or str(subject.get("p") or "")
        evidence: tuple[Evidence, ...] = ()
        if action.material and index is not None and field:
            value = values.get((action.material, index, field))
            if value is not None and value.evidence is not None:
                evidence = (value.evidence,)
        key = (loaded.rule_hash, action.rule, action.code, action.material, action.condition, field, index)
        finding = self._findings.get(key)
        if finding is None:
            if len(self._findings) > 4096:
                self._findings.clear()
            finding = self._findings[key] = _new_finding(loaded, action, field, index)
        return finding.model_copy(update={"evidence": evidence}) if evidence else finding


def _new_finding(loaded: LoadedItem, action: ActionSpec, field: str, index: int | None) -> Finding:
    assert action.code is not None
    material = loaded.item.material(action.material) if action.material else None
    finding = Finding(
        code=action.code,
        material=action.material,
        condition=action.condition,
        field=field,
        set_index=index,
        rule=action.rule,
        tolerable=bool(material and material.tolerance_days),
    )
    return finding.model_copy(update={"message": message_for(finding, loaded.item, action)})


class _Plan(NamedTuple):
    """What judging every case of one compiled item looks up, made once."""

    ruleset1: str
    ruleset2: str
    always_due: frozenset[str]  # materials due whatever the declared facts
    tolerance: tuple[tuple[str, int], ...]  # (material, 容缺 working days) of those that have one
    order: tuple[str, ...]  # the materials in the rule file's order

    @classmethod
    def of(cls, compiled: CompiledItem, item: Item) -> _Plan:
        return cls(
            ruleset1=_name(compiled, 1),
            ruleset2=_name(compiled, 2),
            always_due=frozenset(m.id for m in item.materials if m.when is None),
            tolerance=tuple((m.id, m.tolerance_days) for m in item.materials if m.tolerance_days),
            order=tuple(m.id for m in item.materials),
        )


def _name(compiled: CompiledItem, phase: int) -> str:
    return f"{compiled.code}.{compiled.digest1 if phase == 1 else compiled.digest2}.p{phase}"


class _Prepared:
    """A case's facts as the engine takes them for one compiled rule set, made once per case: judging
    a case again (under a draft that compiles alike, a scenario run, a replay) only runs the rules."""

    __slots__ = ("_phase2", "case", "compiled", "declared", "fired", "made", "materials", "phase1", "source")

    def __init__(
        self, case: CaseFacts, compiled: CompiledItem, catalog: FactCatalog, key: tuple[int, str]
    ) -> None:
        # Not a strong reference: the entry must not keep its case alive, and it goes with its case.
        self.case = weakref.ref(case, partial(_forget, key))
        self.compiled = compiled
        # What material facts are made from: the case, or for a case replayed from a stored record
        # (rules.stored) made for other rules, the whole case fetched.
        source = case.full() if isinstance(case, StoredCase) else case
        self.source = source if source is not case else None
        self.materials: str | None = None  # stored: every material's facts, idle ones kept
        # the due materials' facts last made, idle ones kept, until ``Evaluator.engine_input`` takes them
        self.made: tuple[frozenset[str], Made] | None = None
        self.declared = declared_fact(source.declared, catalog, case.review_date)
        self.phase1 = payload(with_case(self.declared, 1, case.review_date, compiled))
        self._phase2: dict[frozenset[str], tuple[str, FieldValues]] = {}
        # (ruleset, facts) -> what the engine answered: kept for evaluators that reuse it
        self.fired: dict[tuple[str, str], list[tuple[str, str]]] = {}

    @classmethod
    def stored(
        cls,
        case: StoredCase,
        compiled: CompiledItem,
        item: Item,
        record: dict[str, Any],
        key: tuple[int, str],
    ) -> _Prepared:
        self = cls.__new__(cls)
        self.case = weakref.ref(case, partial(_forget, key))
        self.compiled, self.source, self.made = compiled, None, None
        self.declared, self.phase1, self.materials = record["declared"], record["phase1"], record["materials"]
        due = frozenset(record["due"])
        self._phase2 = {due: (record["phase2"], FieldValues(case=case, item=item, due=set(due)))}
        self.fired = {}
        return self

    def phase2(self, case: CaseFacts, item: Item, due: set[str]) -> tuple[str, FieldValues]:
        key = frozenset(due)
        hit = self._phase2.get(key)
        if hit is None:
            compiled = self.compiled
            if self.materials is not None:  # every material's facts, stored: those of the due ones
                facts = [f for f in json.loads(self.materials) if f["m"] in due]
                if compiled.material_needs is not None:
                    facts = idle.without_idle(facts, compiled.material_needs)
                texts, keys = [encode(f) for f in facts], [idle.key_of(f) for f in facts]
                values = FieldValues(case=case, item=item, due=due)
            else:
                source = self.source or case
                made, values = made_for(
                    item=item, compiled=compiled, due=due, case=source, declared=self.declared
                )
                self.made = (key, made)
                texts, keys = made.lean(compiled)
            # the declared and the case fact, unless no rule can use them
            needs = compiled.single_needs
            gone = idle.singles_idle(keys, needs) if needs is not None else frozenset()
            tail = with_case(self.declared, 2, case.review_date, compiled, gone)
            hit = self._phase2[key] = (payload([*texts, *tail]), values)
        return hit


# (id of a live case, facts key) -> its prepared facts; an entry goes when its case is freed (before
# the id can be reused), by the callback of the entry's weak reference to the case — a tenth of what a
# ``weakref.finalize`` per case costs. Plain dict operations: the callback may run inside any other call.
_prepared: dict[tuple[int, str], _Prepared] = {}


def _forget(key: tuple[int, str], _gone: object) -> None:
    _prepared.pop(key, None)


def _prepared_for(case: CaseFacts, compiled: CompiledItem, catalog: FactCatalog) -> _Prepared:
    key = (id(case), compiled.facts_key)
    hit = _prepared.get(key)
    if hit is not None and hit.case() is case:
        return hit
    prepared = _prepared[key] = _Prepared(case, compiled, catalog, key)
    return prepared


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.code, f.material, f.condition, f.field, f.set_index)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
