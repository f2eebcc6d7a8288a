"""What a finished run leaves: its decision (audited as the verdict) with the facts and the engine input
it was made from and the 电子证照 look-ups, or its error. ``window.runs`` executes a run and hands the
outcome here, in the unit of work that ends it."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from sqlmodel import Session

from rules.models import utcnow
from window import audit
from window.licence_fetch import record as record_fetches
from window.models import Run, RunStatus

__all__ = ["Outcome", "finish"]


class Outcome(NamedTuple):
    """What a run produced: its decision, the file reports and the facts it judged; or an error."""

    decision: dict[str, Any] | None = None
    reports: list[dict[str, Any]] | None = None
    facts: dict[str, Any] | None = None
    engine_input: dict[str, Any] | None = None  # the facts as the engine took them (rules.stored)
    error: str | None = None
    fetches: list[dict[str, Any]] | None = None  # 电子证照库 look-ups, stored and audited with the decision


def finish(session: Session, run_id: int, outcome: Outcome) -> str | None:
    """Store the outcome: the decision (audited as the verdict) with the facts it was made from, or the
    run failed with its error."""
    run = session.get(Run, run_id)
    if run is None:
        return None
    run.finished_at = utcnow()
    run.progress = None  # told while it ran; the result says the rest
    decision = outcome.decision
    if decision is None:
        run.status = RunStatus.FAILED.value
        run.error = outcome.error
    else:
        run.status = RunStatus.DONE.value
        run.decision = decision
        run.files = outcome.reports
        run.facts = outcome.facts
        stored = outcome.engine_input
        run.engine_key = str(stored["key"]) if stored else ""
        run.engine_input = json.dumps(stored, ensure_ascii=False) if stored else None
        run.verdict = str(decision["verdict"])
        run.rule_hash = str(decision["rule_hash"])
        run.error = None
        if outcome.fetches:
            record_fetches(
                session,
                case_id=run.case_id,
                run_id=run_id,
                requested_by=run.requested_by,
                fetched=outcome.fetches,
            )
        audit.record(
            session,
            actor="worker",
            role="system",
            action="verdict",
            target=f"case:{run.case_id}",
            after={
                "run": run.number,
                "verdict": run.verdict,
                "rule_hash": run.rule_hash,
                "review_date": run.review_date.isoformat(),
                "findings": _pairs(decision),
                "uncertain": _pairs(decision, "uncertain"),
            },
        )
    session.add(run)
    return run.status


def _pairs(decision: dict[str, Any], key: str = "findings") -> list[str]:
    return [f"{f.get('material') or f.get('condition')} {f.get('code')}" for f in decision.get(key, [])]
