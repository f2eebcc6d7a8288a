"""The hall's statistics (业务统计), each figure one SQL aggregate over the period's cases (SQLite and
PostgreSQL alike; nothing loads the cases themselves). A figure is a ``Table`` — columns and rows — that
the pages chart and export as CSV.

Days and weeks are the hall's (China Standard Time, UTC+8: the country has one zone). A period is
[since, until], both whole local days, on the case's arrival; ``department`` limits every figure to the
items of one department.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Date, Text, and_, case, func, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from rules.codes import CODE_LABELS, Code
from window.clock import RUNNING
from window.models import Case, CaseClock, Channel, ClerkDecision, Run, Settlement
from window.workdays import HALL_ZONE

__all__ = ["FIGURES", "Period", "Table", "figure"]

PASSED = ("ACCEPT", "TOLERANCE")


class Period(BaseModel):
    since: date
    until: date
    department: str | None = None
    today: date | None = None  # for the overdue figure; the day of the request by default

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.since, time(), HALL_ZONE).astimezone(UTC)
        end = datetime.combine(self.until + timedelta(days=1), time(), HALL_ZONE).astimezone(UTC)
        return start, end


class Table(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


def _in_period(stmt: Any, period: Period) -> Any:
    start, end = period.bounds()
    stmt = stmt.where(col(Case.created_at) >= start, col(Case.created_at) < end)
    if period.department is not None:
        stmt = stmt.where(col(Case.department) == period.department)
    return stmt


def _rows(session: Session, stmt: Any) -> list[list[Any]]:
    return [list(r) for r in session.execute(stmt).all()]


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
    stmt = _in_period(select(col(Case.item), func.count()).group_by(col(Case.item)), period)
    return Table(
        name="by_item",
        title="按事项",
        columns=["事项", "案件数"],
        rows=_rows(session, stmt.order_by(col(Case.item))),
    )


def by_department(session: Session, period: Period) -> Table:
    stmt = _in_period(select(col(Case.department), func.count()).group_by(col(Case.department)), period)
    rows = _rows(session, stmt.order_by(func.count().desc()))
    return Table(name="by_department", title="按部门", columns=["部门", "案件数"], rows=rows)


def by_channel(session: Session, period: Period) -> Table:
    stmt = _in_period(select(col(Case.channel), func.count()).group_by(col(Case.channel)), period)
    names = {Channel.CLERK.value: "窗口收件", Channel.APPLICANT.value: "自助预检"}
    rows = [[names.get(c, c), n] for c, n in _rows(session, stmt)]
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
    rows = [[labels.get(v, v), n] for v, n in _rows(session, _in_period(stmt, period))]
    return Table(name="by_verdict", title="收件结论", columns=["结论", "案件数"], rows=rows)


def _by_time(session: Session, period: Period, fmt: str) -> Table:
    bucket = _local(session, col(Case.created_at), fmt).label("bucket")
    stmt = _in_period(
        select(
            bucket,
            func.sum(case((col(Case.channel) == Channel.CLERK.value, 1), else_=0)),
            func.sum(case((col(Case.channel) == Channel.APPLICANT.value, 1), else_=0)),
        ).group_by(bucket),
        period,
    )
    rows = _rows(session, stmt.order_by(bucket))
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
        for item, n, p in _rows(session, _in_period(stmt, period).order_by(col(Case.item)))
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
        for item, s, r, w in _rows(session, _in_period(stmt, period).order_by(col(Case.item)))
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
        for item, n, avg, a, b, mx in _rows(session, _in_period(stmt, period).order_by(col(Case.item)))
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
    rows = _rows(session, _in_period(stmt, period).order_by(col(CaseClock.department)))
    return Table(
        name="overdue",
        title="承诺件时限",
        columns=["部门", "受理件", "办理中", "已超期", "超期办结", "已延期"],
        rows=rows,
    )


def _findings_sql(session: Session, key: str, *, period: Period, overridden: bool = False) -> str:
    """The findings (``key``: findings or uncertain) of each case's last decided run, counted per item,
    material or condition, and code."""
    if session.get_bind().dialect.name == "postgresql":
        array = f"r.decision->'{key}'"
        source = f"json_array_elements(CASE WHEN json_typeof({array}) = 'array' THEN {array} END) AS f"
        pick = "f->>'{0}'"
    else:
        source = f"json_each(r.decision, '$.{key}') AS f"
        pick = "json_extract(f.value, '$.{0}')"
    subject = f"COALESCE({pick.format('material')}, {pick.format('condition')})"
    where = ["c.created_at >= :start", "c.created_at < :end"]
    if period.department is not None:
        where.append("c.department = :department")
    if overridden:
        where.append("d.overridden = :yes")
    last = "SELECT case_id, MAX(id) AS last_id FROM clerk_decision GROUP BY case_id"
    return (
        f"SELECT c.item AS item, {subject} AS subject, {pick.format('code')} AS code, COUNT(*) AS n "
        f"FROM clerk_decision d JOIN ({last}) l ON l.last_id = d.id "
        f'JOIN run r ON r.id = d.run_id JOIN "case" c ON c.id = d.case_id, {source} '
        f"WHERE {' AND '.join(where)} GROUP BY c.item, {subject}, {pick.format('code')}"
    )


def _label(code: str) -> str:
    try:
        return CODE_LABELS[Code(code)]
    except ValueError:
        return code


def _params(period: Period) -> dict[str, Any]:
    start, end = period.bounds()
    params: dict[str, Any] = {"start": start, "end": end, "yes": True}
    if period.department is not None:
        params["department"] = period.department
    return params


def findings(session: Session, period: Period) -> Table:
    """The most frequent findings per material, on the runs the clerks decided on."""
    sql = (
        _findings_sql(session, "findings", period=period) + " ORDER BY n DESC, item, subject, code LIMIT 200"
    )
    rows = [
        [item, subject, _label(code), n]
        for item, subject, code, n in session.execute(text(sql), _params(period)).all()
    ]
    return Table(
        name="findings", title="高频问题（按材料）", columns=["事项", "材料或条件", "问题", "次数"], rows=rows
    )


def trust(session: Session, period: Period) -> Table:
    """Per review point (item, material or condition, code): how often the clerks confirmed, dismissed
    (请核对) or overrode (a decision other than the suggestion, on a run with this finding), with their
    reasons; the point most often overruled first."""
    settled = _in_period(
        select(
            col(Case.item),
            col(Settlement.subject),
            col(Settlement.code),
            func.sum(case((col(Settlement.action) == "confirm", 1), else_=0)),
            func.sum(case((col(Settlement.action) == "dismiss", 1), else_=0)),
        )
        .join(Case, col(Case.id) == col(Settlement.case_id))
        .group_by(col(Case.item), col(Settlement.subject), col(Settlement.code)),
        period,
    )
    points: dict[tuple[str, str, str], list[int]] = {}
    for item, subject, code, confirmed, dismissed in _rows(session, settled):
        points[(item, subject, code)] = [int(confirmed or 0), int(dismissed or 0), 0]
    sql = _findings_sql(session, "findings", period=period, overridden=True)
    for item, subject, code, n in session.execute(text(sql), _params(period)).all():
        points.setdefault((item, subject or "", code), [0, 0, 0])[2] += int(n)
    reasons = _reasons(session, period)
    ranked: list[tuple[float, int, str, str, str]] = []
    for (item, subject, code), (confirmed, dismissed, overridden) in points.items():
        total = confirmed + dismissed + overridden
        rate = round(100.0 * (dismissed + overridden) / total, 1) if total else 0.0
        ranked.append((-rate, -(dismissed + overridden), item, subject, code))
    rows: list[list[Any]] = []
    for _, _, item, subject, code in sorted(ranked):
        confirmed, dismissed, overridden = points[(item, subject, code)]
        total = confirmed + dismissed + overridden
        rate = round(100.0 * (dismissed + overridden) / total, 1) if total else 0.0
        said = "；".join(reasons.get((item, subject, code), [])[:3])
        rows.append([item, subject, _label(code), confirmed, dismissed, overridden, rate, said])
    return Table(
        name="trust",
        title="审查要点信任度（收件人员推翻情况）",
        columns=["事项", "材料或条件", "问题", "确认", "排除", "改变结论", "推翻率%", "理由"],
        rows=rows,
    )


def _reasons(session: Session, period: Period) -> dict[tuple[str, str, str], list[str]]:
    """The latest notes the clerks gave when they dismissed a point (at most 2,000 read)."""
    stmt = _in_period(
        select(col(Case.item), col(Settlement.subject), col(Settlement.code), col(Settlement.note))
        .join(Case, col(Case.id) == col(Settlement.case_id))
        .where(col(Settlement.action) == "dismiss", col(Settlement.note) != ""),
        period,
    ).order_by(col(Settlement.id).desc())
    out: dict[tuple[str, str, str], list[str]] = {}
    for item, subject, code, note in session.execute(stmt.limit(2000)).all():
        said = out.setdefault((item, subject, code), [])
        if note not in said:
            said.append(note)
    return out


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
