"""电子证照库调取 for a clerk's case: a material its rule file marks ``licence:`` that is due and was not
uploaded is looked up; a licence found counts as submitted and is judged by the material's checks from
its catalogue fields (standards README 六: a fetched copy needs no seal or signature meant for a
photocopy, so none is assessed); one not found, revoked, or a source that does not answer leaves the
material missing, and the finding says why. A self-check never looks anything up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from core.files import atomic_write
from prereview.pipeline import PrereviewResult
from rules.casefacts import Evidence, FieldValue, MaterialEvidence, MaterialSet
from rules.codes import Code
from rules.live import RuleLibrary
from rules.spec import Material
from rules.verdict import Decision, Finding
from window import audit
from window.licences import LicenceSource, LicenceStatus, Lookup, LookupOutcome, file_digest
from window.models import Channel, LicenceFetch
from window.storage import BlobStore

__all__ = ["FETCHED", "Fetched", "LicenceFetcher", "record"]

FETCHED = "已通过电子证照库调取"
_WHY = {
    LookupOutcome.NOT_FOUND: "电子证照库中未查到该证照，请上传",
    LookupOutcome.UNAVAILABLE: "电子证照库暂时无法调取，请上传",
    "not_valid": "电子证照库中该证照已注销或作废，请上传有效证照",
}


class Fetched(BaseModel):
    """One look-up, as the run's outcome carries it to be stored and audited."""

    material: str
    licence_type: str
    outcome: str  # a LookupOutcome or "not_valid"
    licence: dict[str, Any] | None = None
    sha256: str | None = None
    media_type: str = ""
    reason: str = ""


@dataclass(frozen=True)
class LicenceFetcher:
    source: LicenceSource
    library: RuleLibrary
    store: BlobStore  # the licences' own store: a self-check's purge never touches it

    def complete(
        self, result: PrereviewResult, *, channel: str, case_id: str, requested_by: str
    ) -> tuple[PrereviewResult, list[Fetched]]:
        """The result with the fetched materials judged in, and every look-up made."""
        facts = result.facts
        if channel != Channel.CLERK.value or facts is None:
            return result, []
        item = self.library.loaded(facts.item, facts.review_date).item
        evaluator = self.library.evaluator_for(facts.item, facts.review_date)
        due, _ = evaluator.due(facts.item, facts.declared, facts.review_date)
        wanted = [m for m in item.materials if m.licence and m.id in due and m.id not in facts.materials]
        fetched: list[Fetched] = []
        found: dict[str, MaterialEvidence] = {}
        for material in wanted:
            assert material.licence is not None
            holder = str(facts.declared.get(material.licence.holder) or "").strip()
            if not holder:
                continue  # nothing to look up by: the material is asked for as before
            lookup = self.source.lookup(
                licence_type=material.licence.type,
                holder_code=holder,
                case_ref=case_id,
                requested_by=requested_by,
            )
            one = self._keep(material, lookup)
            fetched.append(one)
            if one.outcome == LookupOutcome.FOUND.value and lookup.entry is not None:
                found[material.id] = _evidence(material, lookup)
        if not fetched:
            return result, []
        if found:
            facts = facts.model_copy(
                update={
                    "materials": {**facts.materials, **found},
                    "absence_doubts": {k: v for k, v in facts.absence_doubts.items() if k not in found},
                }
            )
            decision = evaluator.evaluate(facts)
            update = {"facts": facts, "decision": decision, "engine_input": evaluator.engine_input(facts)}
            result = result.model_copy(update=update)
        told = {f.material: f.outcome for f in fetched}
        return result.model_copy(update={"decision": _told(result.decision, told)}), fetched

    def _keep(self, material: Material, lookup: Lookup) -> Fetched:
        assert material.licence is not None
        entry, file = lookup.entry, lookup.file
        outcome = lookup.outcome.value
        if entry is None or file is None:
            return Fetched(
                material=material.id,
                licence_type=material.licence.type,
                outcome=outcome,
                reason=lookup.reason,
            )
        if entry.status is LicenceStatus.REVOKED:
            outcome = "not_valid"
        sha = file_digest(file.content)
        if not self.store.exists(sha):
            tmp = self.store.tmp / f"fetched-{sha}"
            with atomic_write(tmp) as fh:
                fh.write(file.content)
            self.store.put(tmp, sha)
        return Fetched(
            material=material.id,
            licence_type=material.licence.type,
            outcome=outcome,
            licence=entry.model_dump(mode="json"),
            sha256=sha,
            media_type=file.media_type,
        )


def _evidence(material: Material, lookup: Lookup) -> MaterialEvidence:
    assert material.licence is not None and lookup.entry is not None
    entry = lookup.entry
    source = f"电子证照库：{entry.licence_type} {entry.number}"
    catalogue = entry.catalogue()
    fields = {
        name: FieldValue(
            value=catalogue[item], evidence=Evidence(file=source, text=f"{item}：{catalogue[item]}")
        )
        for name, item in material.licence.fields.items()
    }
    one = MaterialSet(label=FETCHED, fields=fields, evidence=(Evidence(file=source, text=FETCHED),))
    return MaterialEvidence(sets=(one,), files=(source,), note=f"{FETCHED}（证照编号 {entry.number}）")


def _told(decision: Decision, told: dict[str, str]) -> Decision:
    """Findings on a fetched material say so; a material still missing after a look-up says why."""

    def tell(f: Finding) -> Finding:
        outcome = told.get(f.material or "")
        if outcome is None:
            return f
        if outcome == LookupOutcome.FOUND.value:
            return f.model_copy(update={"message": f"{f.message}（{FETCHED}）"})
        if f.code is Code.MISSING:
            return f.model_copy(update={"message": f"{f.message}（{_WHY[outcome]}）"})
        return f

    return decision.model_copy(
        update={
            "findings": [tell(f) for f in decision.findings],
            "uncertain": [tell(f) for f in decision.uncertain],
        }
    )


def record(
    session: Session, *, case_id: str, run_id: int, requested_by: str, fetched: list[dict[str, Any]]
) -> None:
    """Store and audit a run's look-ups (who asked, for which case, which licence)."""
    for raw in fetched:
        one = Fetched.model_validate(raw)
        session.add(
            LicenceFetch(
                case_id=case_id,
                run_id=run_id,
                material=one.material,
                licence_type=one.licence_type,
                outcome=one.outcome,
                licence=one.licence,
                sha256=one.sha256,
                media_type=one.media_type,
                reason=one.reason,
                requested_by=requested_by,
            )
        )
        licence = one.licence or {}
        audit.record(
            session,
            actor=requested_by or "worker",
            role="clerk",
            action="licence.fetch",
            target=f"case:{case_id}",
            after={
                "material": one.material,
                "licence_type": one.licence_type,
                "outcome": one.outcome,
                "number": licence.get("number", ""),
                "holder_code": licence.get("holder_code", ""),
                "reason": one.reason,
            },
        )
    session.flush()
