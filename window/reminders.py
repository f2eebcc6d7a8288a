"""Reminders for the hall and the departments (平桥 第二十条): cases due within N working days, cases
overdue, and 容缺 cases whose 补交截止日 has passed without the department's outcome."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from window.clock import RUNNING, ClockView, view
from window.models import Case, CaseClock
from window.workdays import WorkCalendar

__all__ = ["Reminder", "reminders"]


class Reminder(BaseModel):
    case_id: str
    item: str
    department: str
    applicant: str
    due_on: date
    provisional: bool
    kind: str  # due_soon | overdue | tolerance_lapsed
    days_left: int | None
    stage_label: str
    tolerance_deadline: date | None = None
    extended: bool = False
    stage: str = ""


def reminders(
    session: Session,
    *,
    department: str | None,
    today: date,
    within: int,
    calendar: WorkCalendar,
    limit: int = 500,
) -> list[Reminder]:
    """Overdue first, then by due date; the database picks the candidates (due by the horizon, or 补交
    deadline passed), the calendar says how many working days are left."""
    horizon = calendar.add(today, within).day
    running = (
        col(CaseClock.stage).in_(RUNNING),
        col(CaseClock.paused_since).is_(None),
        col(CaseClock.due_on) <= horizon,
    )
    lapsed = (
        col(CaseClock.tolerance_state).in_(["pending", "submitted"]),
        col(CaseClock.tolerance_deadline) < today,
    )
    out: list[Reminder] = []
    for where, kind in ((running, ""), (lapsed, "tolerance_lapsed")):
        stmt = (
            select(CaseClock, Case.applicant_name).join(Case, col(Case.id) == CaseClock.case_id).where(*where)
        )
        if department is not None:
            stmt = stmt.where(CaseClock.department == department)
        for clock, applicant in session.exec(stmt.order_by(col(CaseClock.due_on)).limit(limit)).all():
            shown: ClockView = view(clock, today=today, calendar=calendar, within=within)
            out.append(
                Reminder(
                    case_id=clock.case_id,
                    item=clock.item,
                    department=clock.department,
                    applicant=applicant,
                    due_on=clock.due_on,
                    provisional=clock.provisional,
                    kind=kind or shown.state,
                    days_left=shown.days_left,
                    stage_label=shown.stage_label,
                    tolerance_deadline=clock.tolerance_deadline,
                    extended=clock.extension_days > 0,
                    stage=clock.stage,
                )
            )
    order = {"overdue": 0, "tolerance_lapsed": 1, "due_soon": 2}
    return sorted(out, key=lambda r: (order.get(r.kind, 3), r.due_on))
