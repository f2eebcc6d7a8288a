"""Facts in, Decision out: phase 1 (declared facts) then phase 2 (materials) on durable-rules."""

from __future__ import annotations

from typing import Any

from rules.casefacts import CaseFacts, Evidence, FieldValue
from rules.codes import Code
from rules.compile import ActionSpec, CompiledItem, compile_item
from rules.doubt import with_doubt
from rules.engine import RuleHost
from rules.errors import UnknownItem
from rules.loader import LoadedItem
from rules.messages import message_for
from rules.prepare import case_fact, declared_fact, material_facts
from rules.spec import FactCatalog
from rules.verdict import Decision, Finding, decide, split_uncertain


class Evaluator:
    """Judges cases against a set of loaded items. Thread-safe: the engine serialises its calls."""

    def __init__(
        self, *, items: dict[str, LoadedItem], catalog: FactCatalog, host: RuleHost | None = None
    ) -> None:
        self._items = items
        self._catalog = catalog
        self._host = host or RuleHost()
        self._compiled: dict[str, CompiledItem] = {}
        for code, loaded in items.items():
            self._compile(code, loaded)

    def _compile(self, code: str, loaded: LoadedItem) -> None:
        compiled = compile_item(loaded.item, self._catalog)
        self._compiled[code] = compiled
        # Rulesets are named by content hash, so a changed file never reuses an old ruleset.
        self._host.register(self._name(loaded, 1), compiled.phase1)
        self._host.register(self._name(loaded, 2), compiled.phase2)

    @staticmethod
    def _name(loaded: LoadedItem, phase: int) -> str:
        return f"{loaded.item.code}.{loaded.rule_hash}.p{phase}"

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
        return self._phase1(code, declared_fact(declared, self._catalog, review), review)

    def _phase1(self, code: str, declared: dict[str, Any], review: Any) -> tuple[set[str], list[Finding]]:
        loaded = self.loaded(code)
        compiled = self._compiled[code]
        facts = [dict(declared), case_fact(review, compiled)]
        fired = self._host.evaluate(self._name(loaded, 1), facts) if compiled.phase1 else []
        due = {m.id for m in loaded.item.materials if m.when is None}
        findings: list[Finding] = []
        for name, matched in fired:
            action = compiled.actions[name]
            if action.kind == "due" and action.material:
                due.add(action.material)
            else:
                findings.append(self._finding(loaded, action, matched, {}))
        return due, findings

    def evaluate(self, case: CaseFacts) -> Decision:
        loaded = self.loaded(case.item)
        compiled = self._compiled[case.item]
        item = loaded.item
        declared = declared_fact(case.declared, self._catalog, case.review_date)
        due, findings = self._phase1(case.item, declared, case.review_date)
        facts, values = material_facts(item=item, compiled=compiled, due=due, case=case, declared=declared)
        facts += [declared, case_fact(case.review_date, compiled)]
        for name, matched in self._host.evaluate(self._name(loaded, 2), facts):
            findings.append(self._finding(loaded, compiled.actions[name], matched, values))
        findings = _unique(findings)
        tolerance = {m.id: m.tolerance_days for m in item.materials if m.id in due and m.tolerance_days}
        if any(f.code is Code.NOT_ELIGIBLE for f in findings):
            findings = [f for f in findings if f.code is Code.NOT_ELIGIBLE]  # README §5(1)
        findings, uncertain = split_uncertain(
            [with_doubt(f, case=case, item=item, values=values) for f in findings]
        )
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
            due_materials=[m.id for m in item.materials if m.id in due],
            tolerance=tolerance,
        )

    def _finding(
        self,
        loaded: LoadedItem,
        action: ActionSpec,
        matched: dict[str, dict[str, Any]],
        values: dict[tuple[str, int, str], FieldValue],
    ) -> Finding:
        assert action.code is not None
        subject = matched.get("x", {})
        index = subject.get("i") if isinstance(subject.get("i"), int) else None
        field = action.field or str(subject.get("p") or "")
        evidence: tuple[Evidence, ...] = ()
        if action.material and index is not None and field:
            value = values.get((action.material, index, field))
            if value is not None and value.evidence is not None:
                evidence = (value.evidence,)
        material = loaded.item.material(action.material) if action.material else None
        finding = Finding(
            code=action.code,
            material=action.material,
            condition=action.condition,
            field=field,
            set_index=index,
            rule=action.rule,
            evidence=evidence,
            tolerable=bool(material and material.tolerance_days),
        )
        return finding.model_copy(update={"message": message_for(finding, loaded.item, action)})


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.code, f.material, f.condition, f.field, f.set_index)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
