"""容缺受理 after the counter: the applicant's 补交 of a missing material, pre-checked by a run against that
material's review points and shown to the department, who decides (standards README 三: a late or failing
补交 is the department's call); the window records the outcome."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from core.errors import BadInput
from rules.models import utcnow
from window import audit, cases, runs
from window.errors import CaseNotFound, StateConflict
from window.models import Case, CaseClock, CaseFile, Run, RunStatus, Supplement
from window.storage import BlobStore, Received

__all__ = ["Precheck", "conclude", "decide", "open_cases", "precheck", "submit", "supplements_of"]


class Precheck(BaseModel):
    """What the pre-review found on the 补交 material: ``done`` once its run finished; ``findings`` those
    about this material only (empty: it meets the review points)."""

    done: bool
    failed: bool = False
    findings: list[dict[str, Any]] = []
    uncertain: list[dict[str, Any]] = []


def open_cases(session: Session, *, department: str | None, limit: int = 200) -> list[CaseClock]:
    """容缺 cases whose 补交 is not settled yet (waiting for it, or for the department's decision), the
    earliest deadline first."""
    stmt = select(CaseClock).where(col(CaseClock.tolerance_state).in_(["pending", "submitted"]))
    if department is not None:
        stmt = stmt.where(CaseClock.department == department)
    return list(session.exec(stmt.order_by(col(CaseClock.tolerance_deadline)).limit(limit)))


def supplements_of(session: Session, *, case_id: str) -> list[Supplement]:
    stmt = select(Supplement).where(Supplement.case_id == case_id).order_by(col(Supplement.id))
    return list(session.exec(stmt))


def submit(
    session: Session,
    *,
    case: Case,
    clock: CaseClock,
    material: str,
    received: list[Received],
    store: BlobStore,
    actor: str,
    client_address: str = "",
) -> tuple[Supplement, Run]:
    """Store the 补交 files in the material's slot (the earlier ones of that slot withdrawn) and queue a
    run of the case's files; the caller dispatches the run after the commit."""
    if clock.tolerance_state not in ("pending", "submitted"):
        raise StateConflict("本案没有待补交的容缺材料")
    if material not in clock.tolerance_materials:
        due = "、".join(clock.tolerance_materials)
        raise BadInput(f"{material} 不是本案待补交的容缺材料（待补交：{due}）")
    if not received:
        raise BadInput("请选择要补交的文件")
    for old in session.exec(select(CaseFile).where(CaseFile.case_id == case.id, CaseFile.slot == material)):
        old.active = False
        session.add(old)
    rows = cases.store_files(session, case=case, received=received, slot=material, store=store)
    run = runs.queue_run(session, case=case, requested_by=actor, client_address=client_address)
    supplement = Supplement(
        case_id=case.id,
        material=material,
        file_ids=[r.id for r in rows if r.id is not None],
        run_id=run.id,
        submitted_by=actor,
    )
    clock.tolerance_state = "submitted"
    session.add(supplement)
    session.add(clock)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role="applicant" if actor == "applicant" else "",
        action="tolerance.submit",
        target=f"case:{case.id}",
        after={"material": material, "files": supplement.file_ids, "run": run.number},
    )
    return supplement, run


def precheck(session: Session, *, supplement: Supplement) -> Precheck:
    run = session.get(Run, supplement.run_id) if supplement.run_id else None
    if run is None or run.status in (RunStatus.QUEUED.value, RunStatus.RUNNING.value):
        return Precheck(done=False)
    if run.status == RunStatus.FAILED.value or run.decision is None:
        return Precheck(done=True, failed=True)
    mine = [f for f in run.decision.get("findings", []) if f.get("material") == supplement.material]
    doubts = [f for f in run.decision.get("uncertain", []) if f.get("material") == supplement.material]
    return Precheck(done=True, findings=mine, uncertain=doubts)


def decide(
    session: Session,
    *,
    clock: CaseClock,
    supplement_id: int,
    accept: bool,
    note: str,
    actor: str,
    role: str,
) -> Supplement:
    """The department accepts or refuses one 补交; once every due material is accepted the 容缺 is met."""
    row = session.get(Supplement, supplement_id)
    if row is None or row.case_id != clock.case_id:
        raise CaseNotFound("本案没有这次补交")
    if row.decision:
        raise StateConflict("这次补交已经处理过")
    if not accept and len(note.strip()) < 4:
        raise BadInput("不予认可补交材料时必须写明理由（至少 4 个字）")
    row.decision = "accepted" if accept else "refused"
    row.note, row.decided_by, row.decided_at = note.strip(), actor, utcnow()
    session.add(row)
    accepted = {
        s.material for s in supplements_of(session, case_id=clock.case_id) if s.decision == "accepted"
    }
    if accept:
        accepted.add(row.material)
    if set(clock.tolerance_materials) <= accepted:
        clock.tolerance_state = "met"
        clock.tolerance_outcome = "容缺材料已全部补交并经部门认可"
    elif not accept:
        clock.tolerance_state = "pending"
    session.add(clock)
    session.flush()
    after = {
        "material": row.material,
        "decision": row.decision,
        "note": row.note,
        "state": clock.tolerance_state,
    }
    audit.record(
        session,
        actor=actor,
        role=role,
        action="tolerance.decide",
        target=f"case:{clock.case_id}",
        after=after,
    )
    return row


def conclude(session: Session, *, clock: CaseClock, outcome: str, actor: str, role: str) -> CaseClock:
    """The department's outcome of a 容缺 that was not met (终止办理, 不予许可 …), as it tells the window."""
    if clock.tolerance_state in ("", "met", "failed"):
        raise StateConflict("本案没有待处理的容缺补交")
    if len(outcome.strip()) < 4:
        raise BadInput("请写明处理结果（至少 4 个字），如：逾期未补交，终止办理")
    clock.tolerance_state = "failed"
    clock.tolerance_outcome = outcome.strip()
    session.add(clock)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="tolerance.conclude",
        target=f"case:{clock.case_id}",
        after={"outcome": clock.tolerance_outcome},
    )
    return clock
