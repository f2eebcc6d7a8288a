"""Uncertain points (请核对) and how the clerk settles them.

A run's decision keeps the defects the pre-review is not sure of apart (``Decision.uncertain``); its
verdict is made from the sure findings only. At the window the clerk settles every point of the latest
finished run — confirm (it becomes a finding) or dismiss — one step each, changeable until the decision
is recorded, each one stored per review point (material or condition + code) and audited. The suggestion
a decision is measured against is the run's decision settled so (``Decision.settled``); a new run
starts with all of its points open.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, select

from rules.codes import CODE_LABELS, Code
from rules.models import utcnow
from rules.verdict import Decision
from window import audit
from window.errors import CaseNotFound, StateConflict
from window.masking import CaseMasker
from window.models import Case, CaseStatus, Channel, Run, Settlement

Point = tuple[str, str]  # (material or condition, code): a review point


class Action(StrEnum):
    CONFIRM = "confirm"  # 确认为问题: it becomes a finding
    DISMISS = "dismiss"  # 不是问题


class Suggestion(BaseModel):
    """One finished run's suggestion with its uncertain points settled as they are now: the confirmed
    ones are findings, the open ones count as dismissed (the verdict is that of the findings alone)."""

    run: int
    decision: Decision
    points: list[Point]  # the run's uncertain points, in the run's order
    confirmed: list[Point]
    dismissed: list[Point]

    @property
    def open(self) -> int:
        return len(self.points) - len(self.confirmed) - len(self.dismissed)


def points_of(decision: Decision) -> list[Point]:
    return list(dict.fromkeys(f.key for f in decision.uncertain))


def rows_of(session: Session, *, run_id: int | None) -> list[Settlement]:
    stmt = select(Settlement).where(Settlement.run_id == (run_id or 0)).order_by(col(Settlement.id))
    return list(session.exec(stmt))


def suggestion(run: Run, rows: list[Settlement]) -> Suggestion:
    """``run`` must be finished (its decision stored)."""
    decision = Decision.model_validate(run.decision)
    points = points_of(decision)
    actions = {(r.subject, r.code): r.action for r in rows}
    confirmed = [p for p in points if actions.get(p) == Action.CONFIRM.value]
    dismissed = [p for p in points if actions.get(p) == Action.DISMISS.value]
    # a run without uncertain points keeps its stored verdict: one stored before the 容缺 days were kept
    # in the decision would otherwise be judged again without them
    settled = decision.settled(set(confirmed)) if points else decision
    return Suggestion(
        run=run.number, decision=settled, points=points, confirmed=confirmed, dismissed=dismissed
    )


def settle(
    session: Session,
    *,
    case: Case,
    run: Run | None,
    point: Point,
    action: Action,
    note: str,
    seen_run: int | None,
    user_id: int,
    actor: str,
    role: str,
) -> Settlement:
    """Confirm or dismiss one uncertain point of ``run``, the case's latest finished run. The caller holds
    ``lock_case``: a decision recorded at the same moment sees this settlement or refuses it."""
    run = _settling(case, run, point=point, seen_run=seen_run)
    subject, code = point
    row = session.exec(
        select(Settlement).where(
            Settlement.run_id == run.id, Settlement.subject == subject, Settlement.code == code
        )
    ).first()
    note = note.strip()
    if row is not None and row.action == action.value and row.note == note:
        return row  # the same step again: nothing changed, nothing to record
    before = {"action": row.action, "note": row.note} if row is not None else None
    if row is None:
        row = Settlement(
            case_id=case.id,
            run_id=run.id or 0,
            subject=subject,
            code=code,
            action=action.value,
            settled_by=user_id,
        )
    row.action, row.note, row.settled_by, row.settled_at = action.value, note, user_id, utcnow()
    session.add(row)
    session.flush()
    now = suggestion(run, rows_of(session, run_id=run.id))
    names = CaseMasker(declared=case.declared, applicant_name=case.applicant_name).names
    audit.record(
        session,
        actor=actor,
        role=role,
        action="settle",
        target=f"case:{case.id}",
        before=before,
        after={
            "run": run.number,
            "point": f"{subject} {code}",
            "action": action.value,
            "note": note,
            "suggested": now.decision.verdict.value,
            "open": now.open,
        },
        names=names,
    )
    return row


def _settling(case: Case, run: Run | None, *, point: Point, seen_run: int | None) -> Run:
    """``run`` if ``point`` of it may be settled now (the case open, the run the one the clerk saw)."""
    _check_open(case)
    if run is None or run.decision is None:
        raise StateConflict("本案还没有完成的预审，没有需要核对的问题")
    if seen_run is not None and seen_run != run.number:
        raise StateConflict(f"第 {run.number} 次预审已经完成，请刷新页面后核对最新一次预审的结果")
    if point not in points_of(Decision.model_validate(run.decision)):
        label = f"{point[0]} {CODE_LABELS[Code(point[1])]}"
        raise CaseNotFound(f"第 {run.number} 次预审没有待核对的问题「{label}」")
    return run


def _check_open(case: Case) -> None:
    if case.channel == Channel.APPLICANT.value:
        raise StateConflict("申请人自助预检的案件不在窗口核对；请为申请人新建案件")
    if case.status == CaseStatus.DECIDED.value:
        raise StateConflict("本案已作出收件决定，核对结果不能再更改")
    if case.status != CaseStatus.OPEN.value:
        raise StateConflict("案件材料已删除，不能再核对")


def ready_to_decide(run: Run, rows: list[Settlement]) -> Suggestion:
    """The settled suggestion a decision is measured against; refused while any point is open."""
    settled = suggestion(run, rows)
    if settled.open:
        raise StateConflict(
            f"还有 {settled.open} 个待核对的问题没有确认或排除：请在“请核对”中逐一核对后再作收件决定"
        )
    return settled
