"""The case clock: from 受理 (the printed notice) to the result in the applicant's hands.

The 承诺办结日 is the N-th working day after the 受理日 (standards README §2.4; 当场办结 items: the same
day; an item with several procedures takes the one its declared fact chooses). Pauses for the steps the
承诺时限 leaves out (the item's 计时暂停事由) add the working days they held; one extension, with a
reason and a 延期告知书, adds its days; a second one is refused. Every change is audited. The due date
is always made again from these parts (``recompute``), so a holiday schedule loaded later corrects it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from core.errors import BadInput
from rules.codes import Code, Verdict
from rules.live import RuleLibrary
from rules.models import utcnow
from rules.spec import Item
from window import audit, cases, outbox, settlements
from window.errors import StateConflict
from window.models import Case, CaseClock, ClockPause, Run
from window.workdays import WorkCalendar

__all__ = [
    "ClockView",
    "Stage",
    "advance",
    "at_stages",
    "clock_of",
    "extend",
    "pause",
    "pauses_of",
    "recompute",
    "refresh_provisional",
    "resume",
    "start",
    "transfer",
    "view",
]

STARTED = (Verdict.ACCEPT.value, Verdict.TOLERANCE.value)


class Stage(StrEnum):
    """Where an accepted case is, in order."""

    ACCEPTED = "accepted"  # 已受理
    TRANSFERRED = "transferred"  # 已转办 (按责转办 to the department)
    DONE = "done"  # 已办结
    RESULT_READY = "result_ready"  # 结果已出件
    NOTIFIED = "notified"  # 已通知申请人
    COLLECTED = "collected"  # 已领取


STAGE_LABELS = {
    Stage.ACCEPTED: "已受理",
    Stage.TRANSFERRED: "已转办",
    Stage.DONE: "已办结",
    Stage.RESULT_READY: "结果已出件",
    Stage.NOTIFIED: "已通知领取",
    Stage.COLLECTED: "已领取",
}
_ORDER = list(Stage)
RUNNING = (Stage.ACCEPTED.value, Stage.TRANSFERRED.value)  # the clock runs until 办结


class ClockView(BaseModel):
    """A clock as the pages show it, on ``today``."""

    state: str  # running | due_soon | overdue | paused | done
    days_left: int | None  # working days to the due date (negative: overdue); None once done or paused
    stage_label: str


def clock_of(session: Session, *, case_id: str) -> CaseClock | None:
    return session.get(CaseClock, case_id)


def at_stages(
    session: Session, *, stages: list[Stage], department: str | None, limit: int = 200
) -> list[CaseClock]:
    """Clocks at these stages (e.g. 办结 to 已通知领取: the results on their way out), oldest first."""
    stmt = select(CaseClock).where(col(CaseClock.stage).in_([s.value for s in stages]))
    if department is not None:
        stmt = stmt.where(CaseClock.department == department)
    return list(session.exec(stmt.order_by(col(CaseClock.due_on)).limit(limit)))


def pauses_of(session: Session, *, case_id: str) -> list[ClockPause]:
    stmt = select(ClockPause).where(ClockPause.case_id == case_id).order_by(col(ClockPause.id))
    return list(session.exec(stmt))


def start(
    session: Session,
    *,
    case: Case,
    library: RuleLibrary,
    calendar: WorkCalendar,
    actor: str,
    role: str,
) -> CaseClock | None:
    """Start the clock of a case decided 受理 or 容缺受理 (once; later calls return it). None for a case
    whose decision starts no clock (补正, 不予受理) or that has no decision."""
    clock = clock_of(session, case_id=case.id)
    if clock is not None:
        return clock
    decided = cases.decisions_of(session, case_id=case.id)
    if not decided or decided[-1].verdict not in STARTED:
        return None
    final = decided[-1]
    run = session.get(Run, final.run_id)
    if run is None or run.decision is None:
        return None
    decision = settlements.suggestion(run, settlements.rows_of(session, run_id=run.id)).decision
    accepted_on = run.review_date
    item = library.loaded(case.item, accepted_on).item
    procedure, days = _procedure(item, case.declared)
    clock = CaseClock(
        case_id=case.id,
        item=case.item,
        department=case.department,
        verdict=final.verdict,
        procedure=procedure,
        promise_days=days,
        accepted_on=accepted_on,
        due_on=accepted_on,
        started_by=actor,
    )
    if final.verdict == Verdict.TOLERANCE.value:
        allowed = _tolerance(item, decision.findings, decision.tolerance)
        clock.tolerance_materials = sorted(allowed)
        clock.tolerance_state = "pending"
        clock.tolerance_days = max(allowed.values(), default=0)
    recompute(clock, calendar)
    session.add(clock)
    session.flush()
    _audit(session, clock, actor=actor, role=role, action="clock.start", after=_state(clock))
    return clock


def _procedure(item: Item, declared: dict[str, Any]) -> tuple[str, int]:
    """The procedure the declared fact chooses, else the item's one 承诺工作日."""
    for p in item.basic.procedures:
        if p.fact in declared and declared[p.fact] == p.value:
            return p.name, p.days
    return "", item.basic.promise_days


def _tolerance(item: Item, findings: list[Any], tolerance: dict[str, int]) -> dict[str, int]:
    """The 容缺 materials still due and their 补交 days (the run's, or from its findings after an
    override)."""
    if tolerance:
        return dict(tolerance)
    due: dict[str, int] = {}
    for f in findings:
        if f.code is Code.MISSING and f.tolerable and f.material:
            due[f.material] = item.material(f.material).tolerance_days or 0
    return due


def recompute(clock: CaseClock, calendar: WorkCalendar) -> None:
    """The due date (承诺工作日 + finished pauses + the extension) and the 补交截止日, counted from the
    受理日; provisional where either crosses a year without the State Council's schedule."""
    counted = calendar.add(clock.accepted_on, clock.promise_days + clock.paused_days + clock.extension_days)
    clock.due_on = counted.day
    clock.provisional = counted.provisional
    clock.provisional_note = counted.note
    if clock.tolerance_days:
        deadline = calendar.add(clock.accepted_on, clock.tolerance_days)
        clock.tolerance_deadline = deadline.day
        if deadline.provisional and not clock.provisional:
            clock.provisional, clock.provisional_note = True, deadline.note


def pause(
    session: Session,
    *,
    clock: CaseClock,
    item: Item,
    reason: str,
    note: str,
    on: date,
    actor: str,
    role: str,
) -> ClockPause:
    """Stop the clock for one of the steps the item's 承诺时限 leaves out."""
    _running(clock)
    if clock.paused_since is not None:
        raise StateConflict(f"计时已于 {clock.paused_since:%Y年%m月%d日} 暂停，请先恢复计时")
    if reason not in item.basic.pauses:
        allowed = "、".join(item.basic.pauses)
        raise BadInput(
            f"{item.code} 的承诺时限不扣除“{reason}”的时间"
            + (f"（可暂停计时的环节：{allowed}）" if allowed else "（本事项没有可暂停计时的环节）")
        )
    if on < clock.accepted_on:
        raise BadInput("暂停日不能早于受理日")
    row = ClockPause(case_id=clock.case_id, reason=reason, note=note.strip(), started_on=on, started_by=actor)
    clock.paused_since = on
    session.add(row)
    session.add(clock)
    session.flush()
    after = {"reason": reason, "note": row.note, "since": on.isoformat()}
    _audit(session, clock, actor=actor, role=role, action="clock.pause", after=after)
    return row


def resume(
    session: Session, *, clock: CaseClock, calendar: WorkCalendar, on: date, actor: str, role: str
) -> ClockPause:
    """Restart the clock: the working days the pause held are added to the limit."""
    if clock.paused_since is None:
        raise StateConflict("计时没有暂停")
    if on < clock.paused_since:
        raise BadInput("恢复日不能早于暂停日")
    row = session.exec(
        select(ClockPause).where(ClockPause.case_id == clock.case_id, col(ClockPause.ended_on).is_(None))
    ).one()
    row.ended_on = on
    row.ended_by = actor
    row.working_days = calendar.between(row.started_on, on)
    before = _state(clock)
    clock.paused_days += row.working_days
    clock.paused_since = None
    recompute(clock, calendar)
    session.add(row)
    session.add(clock)
    session.flush()
    after = _state(clock) | {"reason": row.reason, "held": row.working_days}
    _audit(session, clock, actor=actor, role=role, action="clock.resume", before=before, after=after)
    return row


def extend(
    session: Session,
    *,
    clock: CaseClock,
    calendar: WorkCalendar,
    days: int,
    reason: str,
    on: date,
    actor: str,
    role: str,
    recipient: str = "",
) -> CaseClock:
    """The one extension a case may have (将乐 四(三)): a reason, a new date, a notice to the applicant."""
    if clock.extension_days:
        raise StateConflict(
            f"本案已于 {clock.extended_on:%Y年%m月%d日} 延期一次（{clock.extension_days} 个工作日，"
            f"理由：{clock.extension_reason}），承诺时限只能延期一次，不能再次延期"
        )
    _running(clock)
    if len(reason.strip()) < 4:
        raise BadInput("延期必须写明理由（至少 4 个字），理由将载入延期告知书")
    if not 1 <= days <= 30:
        raise BadInput("延长的期限为 1 至 30 个工作日")
    before = _state(clock)
    clock.extension_days = days
    clock.extension_reason = reason.strip()
    clock.extended_on = on
    recompute(clock, calendar)
    session.add(clock)
    session.flush()
    after = _state(clock) | {"reason": clock.extension_reason, "days": days}
    _audit(session, clock, actor=actor, role=role, action="clock.extend", before=before, after=after)
    outbox.enqueue(
        session,
        case_id=clock.case_id,
        kind="extension",
        recipient=recipient,
        subject="办理期限延长告知",
        body=f"您申请的事项（{clock.item}）办理期限延长 {days} 个工作日，新的承诺办结日为 "
        f"{clock.due_on:%Y年%m月%d日}。理由：{clock.extension_reason}。延期告知书可在窗口领取。",
    )
    return clock


def transfer(session: Session, *, clock: CaseClock, to: str, actor: str, role: str) -> CaseClock:
    """按责转办: the case goes to the department that decides it (who, when)."""
    if clock.stage != Stage.ACCEPTED.value:
        raise StateConflict(f"本案已{STAGE_LABELS[Stage(clock.stage)]}，不能再转办")
    clock.transferred_to = to.strip() or clock.department
    clock.transferred_by = actor
    clock.transferred_at = utcnow()
    clock.stage = Stage.TRANSFERRED.value
    session.add(clock)
    session.flush()
    _audit(
        session, clock, actor=actor, role=role, action="clock.transfer", after={"to": clock.transferred_to}
    )
    return clock


def advance(
    session: Session, *, clock: CaseClock, stage: Stage, actor: str, role: str, recipient: str = ""
) -> CaseClock:
    """The next stage after 转办: 办结 → 结果已出件 → 已通知领取 → 已领取, each in its turn."""
    now = _ORDER.index(Stage(clock.stage))
    if stage is Stage.TRANSFERRED or _ORDER.index(stage) != max(now + 1, _ORDER.index(Stage.DONE)):
        want = _ORDER[max(now + 1, _ORDER.index(Stage.DONE))]
        raise StateConflict(f"本案现为“{STAGE_LABELS[Stage(clock.stage)]}”，下一步是“{STAGE_LABELS[want]}”")
    if stage is Stage.DONE and clock.paused_since is not None:
        raise StateConflict("计时暂停中，请先恢复计时再办结")
    setattr(clock, f"{stage.value}_at", utcnow())
    before = {"stage": clock.stage}
    clock.stage = stage.value
    session.add(clock)
    session.flush()
    _audit(
        session, clock, actor=actor, role=role, action="clock.stage", before=before, after={"stage": stage}
    )
    if stage is Stage.RESULT_READY:
        outbox.enqueue(
            session,
            case_id=clock.case_id,
            kind="result_ready",
            recipient=recipient,
            subject="办理结果已出件",
            body=f"您申请的事项（{clock.item}）已办结，办理结果已出件，请凭受理通知书到综合窗口领取。",
        )
    return clock


def view(clock: CaseClock, *, today: date, calendar: WorkCalendar, within: int) -> ClockView:
    label = STAGE_LABELS[Stage(clock.stage)]
    if clock.stage not in RUNNING:
        return ClockView(state="done", days_left=None, stage_label=label)
    if clock.paused_since is not None:
        return ClockView(state="paused", days_left=None, stage_label=label)
    left = calendar.left(today, clock.due_on)
    state = "overdue" if left < 0 else "due_soon" if left <= within else "running"
    return ClockView(state=state, days_left=left, stage_label=label)


def refresh_provisional(session: Session, *, calendar: WorkCalendar) -> int:
    """Count the provisional due dates again (after an administrator loaded a year's schedule)."""
    rows = list(session.exec(select(CaseClock).where(col(CaseClock.provisional))))
    for clock in rows:
        recompute(clock, calendar)
        session.add(clock)
    session.flush()
    return len(rows)


def _running(clock: CaseClock) -> None:
    if clock.stage not in RUNNING:
        raise StateConflict(f"本案已{STAGE_LABELS[Stage(clock.stage)]}，计时已结束")


def _state(clock: CaseClock) -> dict[str, Any]:
    return {
        "due_on": clock.due_on.isoformat(),
        "provisional": clock.provisional,
        "paused_days": clock.paused_days,
        "extension_days": clock.extension_days,
        "procedure": clock.procedure,
    }


def _audit(
    session: Session,
    clock: CaseClock,
    *,
    actor: str,
    role: str,
    action: str,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        role=role,
        action=action,
        target=f"case:{clock.case_id}",
        before=before,
        after=after,
    )
