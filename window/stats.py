"""The hall's statistics (业务统计), each figure one SQL aggregate over the period's cases (SQLite and
PostgreSQL alike; nothing loads the cases themselves). A figure is a ``Table`` — columns and rows — that
the pages chart and export as CSV.

Days and weeks are the hall's (China Standard Time, UTC+8: the country has one zone). A period is
[since, until], both whole local days, on the case's arrival; ``department`` limits every figure to the
items of one department.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Date, Text, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from window.clock import RUNNING
from window.models import Case, CaseClock, Channel, ClerkDecision, Run
from window.stats_base import Period, Table, fetch_rows, in_period
from window.stats_points import findings, trust
from window.workdays import HALL_ZONE

__all__ = ["FIGURES", "Period", "Table", "figure"]

PASSED = ("ACCEPT", "TOLERANCE")


def _local(session: Session, column: Any, fmt: str) -> ColumnElement[str]:
    """A local-time bucket of a timestamp: ``fmt`` "day" (the date) or "week" (the date of its Monday),
    the same text on both databases."""
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone("Asia/Shanghai", column)
        return func.to_char(local if fmt == "day" else func.date_trunc("week", local), "YYYY-MM-DD")
    local = func.datetime(column, "+8 hours")
    if fmt == "day":
        return func.date(local)
    # %w counts from Sunday: the Monday is (weekday + 6) % 7 days back
    return func.date(local, "-" + func.cast((func.strftime("%w", local) + 6) % 7, Text) + " days")


def _date_of(session: Session, column: Any) -> ColumnElement[Any]:
    """The local day of a timestamp, comparable with a date column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(func.datetime(column, "+8 hours"))


def _minutes(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 60.0
    return (func.julianday(later) - func.julianday(earlier)) * 1440.0


def _last_decisions() -> Any:
    """Each case's latest decision (id)."""
    return (
        select(col(ClerkDecision.case_id), func.max(col(ClerkDecision.id)).label("last_id"))
        .group_by(col(ClerkDecision.case_id))
        .subquery()
    )


def _first_decisions() -> Any:
    return (
        select(col(ClerkDecision.case_id), func.min(col(ClerkDecision.id)).label("first_id"))
        .group_by(col(ClerkDecision.case_id))
        .subquery()
    )


def by_item(session: Session, period: Period) -> Table:
    stmt = in_period(select(col(Case.item), func.count()).group_by(col(Case.item)), period)
    return Table(
        name="by_item",
        title="按事项",
        columns=["事项", "案件数"],
        rows=fetch_rows(session, stmt.order_by(col(Case.item))),
    )


def by_department(session: Session, period: Period) -> Table:
    stmt = in_period(select(col(Case.department), func.count()).group_by(col(Case.department)), period)
    rows = fetch_rows(session, stmt.order_by(func.count().desc()))
    return Table(name="by_department", title="按部门", columns=["部门", "案件数"], rows=rows)


def by_channel(session: Session, period: Period) -> Table:
    stmt = in_period(select(col(Case.channel), func.count()).group_by(col(Case.channel)), period)
    names = {Channel.CLERK.value: "窗口收件", Channel.APPLICANT.value: "自助预检"}
    rows = [[names.get(c, c), n] for c, n in fetch_rows(session, stmt)]
    return Table(name="by_channel", title="按渠道", columns=["渠道", "案件数"], rows=rows)


def by_verdict(session: Session, period: Period) -> Table:
    last = _last_decisions()
    stmt = (
        select(col(ClerkDecision.verdict), func.count())
        .join(last, last.c.last_id == col(ClerkDecision.id))
        .join(Case, col(Case.id) == col(ClerkDecision.case_id))
        .group_by(col(ClerkDecision.verdict))
    )
    labels = {"ACCEPT": "受理", "CORRECTION": "补正", "TOLERANCE": "容缺受理", "REJECT": "不予受理"}
    rows = [[labels.get(v, v), n] for v, n in fetch_rows(session, in_period(stmt, period))]
    return Table(name="by_verdict", title="收件结论", columns=["结论", "案件数"], rows=rows)


def _by_time(session: Session, period: Period, fmt: str) -> Table:
    bucket = _local(session, col(Case.created_at), fmt).label("bucket")
    stmt = in_period(
        select(
            bucket,
            func.sum(case((col(Case.channel) == Channel.CLERK.value, 1), else_=0)),
            func.sum(case((col(Case.channel) == Channel.APPLICANT.value, 1), else_=0)),
        ).group_by(bucket),
        period,
    )
    rows = fetch_rows(session, stmt.order_by(bucket))
    title, head = ("按日", "日期") if fmt == "day" else ("按周", "周（自周一）")
    return Table(name=f"by_{fmt}", title=title, columns=[head, "窗口收件", "自助预检"], rows=rows)


def by_day(session: Session, period: Period) -> Table:
    return _by_time(session, period, "day")


def by_week(session: Session, period: Period) -> Table:
    return _by_time(session, period, "week")


def first_pass(session: Session, period: Period) -> Table:
    """一次通过率: of the window's decided cases, those whose first decision was 受理 or 容缺受理."""
    first = _first_decisions()
    passed = func.sum(case((col(ClerkDecision.verdict).in_(PASSED), 1), else_=0))
    stmt = (
        select(col(Case.item), func.count(), passed)
        .join(first, first.c.case_id == col(Case.id))
        .join(ClerkDecision, col(ClerkDecision.id) == first.c.first_id)
        .where(col(Case.channel) == Channel.CLERK.value)
        .group_by(col(Case.item))
    )
    rows = [
        [item, n, p, round(100.0 * (p or 0) / n, 1) if n else 0.0]
        for item, n, p in fetch_rows(session, in_period(stmt, period).order_by(col(Case.item)))
    ]
    return Table(
        name="first_pass", title="一次通过率", columns=["事项", "决定数", "一次通过", "通过率%"], rows=rows
    )


def conversion(session: Session, period: Period) -> Table:
    """自助预检 → 窗口: per item, self-checks (and those the pre-review found ready, 受理/容缺), window
    cases, and window cases per 100 self-checks (no case links the two: the applicant stays anonymous)."""
    ready = select(col(Run.case_id)).where(col(Run.verdict).in_(PASSED)).group_by(col(Run.case_id)).subquery()
    is_self = col(Case.channel) == Channel.APPLICANT.value
    stmt = (
        select(
            col(Case.item),
            func.sum(case((is_self, 1), else_=0)),
            func.sum(case((and_(is_self, ready.c.case_id.is_not(None)), 1), else_=0)),
            func.sum(case((col(Case.channel) == Channel.CLERK.value, 1), else_=0)),
        )
        .outerjoin(ready, ready.c.case_id == col(Case.id))
        .group_by(col(Case.item))
    )
    rows = [
        [item, s, r, w, round(100.0 * w / s, 1) if s else None]
        for item, s, r, w in fetch_rows(session, in_period(stmt, period).order_by(col(Case.item)))
    ]
    return Table(
        name="conversion",
        title="自助预检转窗口",
        columns=["事项", "自助预检", "预检可受理", "窗口收件", "每百次预检对应窗口收件"],
        rows=rows,
    )


def time_to_decision(session: Session, period: Period) -> Table:
    """Minutes from the case's arrival to the clerk's first decision, per item."""
    first = _first_decisions()
    minutes = _minutes(session, col(ClerkDecision.decided_at), col(Case.created_at))
    stmt = (
        select(
            col(Case.item),
            func.count(),
            func.avg(minutes),
            func.sum(case((minutes <= 15, 1), else_=0)),
            func.sum(case((minutes <= 30, 1), else_=0)),
            func.max(minutes),
        )
        .join(first, first.c.case_id == col(Case.id))
        .join(ClerkDecision, col(ClerkDecision.id) == first.c.first_id)
        .where(col(Case.channel) == Channel.CLERK.value)
        .group_by(col(Case.item))
    )
    rows = [
        [item, n, round(float(avg or 0), 1), a, b, round(float(mx or 0), 1)]
        for item, n, avg, a, b, mx in fetch_rows(session, in_period(stmt, period).order_by(col(Case.item)))
    ]
    return Table(
        name="time_to_decision",
        title="到窗口至作出收件决定（分钟）",
        columns=["事项", "案件数", "平均", "15 分钟内", "30 分钟内", "最长"],
        rows=rows,
    )


def overdue(session: Session, period: Period) -> Table:
    """Per department: accepted cases, running now, overdue now, finished after the due date, extended."""
    today = period.today or datetime.now(HALL_ZONE).date()
    running = col(CaseClock.stage).in_(RUNNING)
    late_now = and_(running, col(CaseClock.due_on) < today)
    done_late = and_(
        col(CaseClock.done_at).is_not(None), _date_of(session, col(CaseClock.done_at)) > col(CaseClock.due_on)
    )
    stmt = (
        select(
            col(CaseClock.department),
            func.count(),
            func.sum(case((running, 1), else_=0)),
            func.sum(case((late_now, 1), else_=0)),
            func.sum(case((done_late, 1), else_=0)),
            func.sum(case((col(CaseClock.extension_days) > 0, 1), else_=0)),
        )
        .join(Case, col(Case.id) == col(CaseClock.case_id))
        .group_by(col(CaseClock.department))
    )
    rows = fetch_rows(session, in_period(stmt, period).order_by(col(CaseClock.department)))
    return Table(
        name="overdue",
        title="承诺件时限",
        columns=["部门", "受理件", "办理中", "已超期", "超期办结", "已延期"],
        rows=rows,
    )


FIGURES: dict[str, Callable[[Session, Period], Table]] = {
    "by_item": by_item,
    "by_department": by_department,
    "by_channel": by_channel,
    "by_verdict": by_verdict,
    "by_day": by_day,
    "by_week": by_week,
    "first_pass": first_pass,
    "findings": findings,
    "conversion": conversion,
    "time_to_decision": time_to_decision,
    "overdue": overdue,
    "trust": trust,
}


def figure(session: Session, *, name: str, period: Period) -> Table:
    return FIGURES[name](session, period)


def csv_lines(table: Table) -> Sequence[list[Any]]:
    return [table.columns, *table.rows]
