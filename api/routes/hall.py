"""The hall's daily view: reminders (near due, overdue, 容缺 past its deadline), the statistics with CSV
export, the State Council's holiday schedule an administrator loads, and the notification outbox."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlalchemy import delete
from sqlmodel import col, select

from api.clock_schemas import (
    HolidayIn,
    HolidaysIn,
    HolidaysOut,
    NotificationOut,
    StageRow,
    StatsOut,
    ToleranceCaseOut,
)
from api.deps import DbId, Principal, ServicesDep, SessionDep, require
from api.errors import NotAllowed
from api.models import Role
from api.routes.clock import clock_out
from core.errors import BadInput, NotFound
from core.privacy import mask_name
from window import Case, HolidayDay, audit, clock, outbox, stats, tolerance
from window.reminders import Reminder, reminders
from window.workdays import calendar_of, hall_today

router = APIRouter(tags=["hall"])

Hall = Annotated[Principal, Depends(require(Role.CLERK, Role.STAFF, Role.ADMIN))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


def _department(principal: Principal, asked: str | None) -> str | None:
    """Staff see their own department only; clerks and administrators any (or all)."""
    if principal.has(Role.STAFF):
        if asked and asked != principal.department:
            raise NotAllowed("部门工作人员只能查看本部门的数据")
        return principal.department or ""
    return asked or None


@router.get("/reminders", summary="催办提醒：临近承诺办结日、已超期、容缺补交逾期的案件")
def list_reminders(
    session: SessionDep,
    services: ServicesDep,
    principal: Hall,
    department: Annotated[str | None, Query(max_length=100)] = None,
    within: Annotated[
        int | None, Query(ge=0, le=30, description="几个工作日内到期（默认按系统设置）")
    ] = None,
) -> list[Reminder]:
    rows = reminders(
        session,
        department=_department(principal, department),
        today=hall_today(),
        within=services.settings.reminder_within_days if within is None else within,
        calendar=calendar_of(session),
    )
    if not principal.has(Role.CLERK):
        rows = [r.model_copy(update={"applicant": mask_name(r.applicant)}) for r in rows]
    return rows


@router.get("/tolerance", summary="容缺受理待补交、待部门认定的案件（补交截止日早的在前）")
def open_tolerance(
    session: SessionDep,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK, Role.STAFF))],
    department: Annotated[str | None, Query(max_length=100)] = None,
) -> list[ToleranceCaseOut]:
    out = []
    for row in tolerance.open_cases(session, department=_department(principal, department)):
        case = session.get(Case, row.case_id)
        applicant = case.applicant_name if case else ""
        shown = applicant if principal.has(Role.CLERK) else mask_name(applicant)
        out.append(ToleranceCaseOut(clock=clock_out(session, row, services), applicant=shown))
    return out


@router.get("/clocks", summary="某些环节的承诺件（如已办结待出件、已出件待通知、已通知待领取）")
def clocks_at(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK, Role.STAFF))],
    stage: Annotated[list[clock.Stage], Query(description="环节，可多个")],
    department: Annotated[str | None, Query(max_length=100)] = None,
) -> list[StageRow]:
    rows = clock.at_stages(session, stages=stage, department=_department(principal, department))
    names = {
        c.id: c.applicant_name
        for c in session.exec(select(Case).where(col(Case.id).in_([r.case_id for r in rows])))
    }
    out = []
    for row in rows:
        name = names.get(row.case_id, "")
        shown = name if principal.has(Role.CLERK) else mask_name(name)
        out.append(
            StageRow(
                case_id=row.case_id,
                item=row.item,
                department=row.department,
                applicant=shown,
                due_on=row.due_on,
                stage=row.stage,
                stage_label=clock.STAGE_LABELS[clock.Stage(row.stage)],
            )
        )
    return out


Figure = Annotated[str, Query(pattern="^(" + "|".join(stats.FIGURES) + ")$")]


def _period(
    principal: Principal, since: date | None, until: date | None, department: str | None
) -> stats.Period:
    end = until or hall_today()
    start = since or end - timedelta(days=29)
    if start > end:
        raise BadInput("起始日期不能晚于截止日期")
    if (end - start).days > 3660:
        raise BadInput("统计期间最长十年")
    return stats.Period(since=start, until=end, department=_department(principal, department))


@router.get("/stats", summary="业务统计：全部图表的数据（期间、部门筛选）")
def all_figures(
    session: SessionDep,
    principal: Hall,
    since: date | None = None,
    until: date | None = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
) -> StatsOut:
    period = _period(principal, since, until, department)
    figures = [stats.figure(session, name=name, period=period).model_dump() for name in stats.FIGURES]
    return StatsOut(since=period.since, until=period.until, department=period.department, figures=figures)


@router.get("/stats/{name}.csv", response_class=Response, summary="一项统计导出为 CSV（Excel 可直接打开）")
def figure_csv(
    name: str,
    session: SessionDep,
    principal: Hall,
    since: date | None = None,
    until: date | None = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if name not in stats.FIGURES:
        raise NotFound(f"没有这项统计：{name}")
    period = _period(principal, since, until, department)
    table = stats.figure(session, name=name, period=period)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerows(stats.csv_lines(table))
    filename = f"{name}-{period.since}-{period.until}.csv"
    return Response(
        "\ufeff" + buf.getvalue(),  # the BOM makes Excel read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/holidays/{year}", summary="某年的节假日安排（内置数据或管理员载入）")
def read_holidays(
    year: Annotated[int, Path(ge=2000, le=2100)], session: SessionDep, principal: Hall
) -> HolidaysOut:
    rows = session.exec(
        select(HolidayDay).where(
            col(HolidayDay.day) >= date(year, 1, 1), col(HolidayDay.day) <= date(year, 12, 31)
        )
    )
    days = [HolidayIn(day=r.day, workday=r.workday, name=r.name) for r in rows]
    return HolidaysOut(year=year, known=calendar_of(session).known(year), days=days)


@router.put("/holidays/{year}", summary="载入国务院办公厅公布的某年节假日安排（放假日与调休上班日）")
def load_holidays(
    year: Annotated[int, Path(ge=2000, le=2100)], body: HolidaysIn, session: SessionDep, principal: Admin
) -> HolidaysOut:
    if body.year != year or any(d.day.year != year for d in body.days):
        raise BadInput(f"所列日期须都在 {year} 年内")
    session.execute(
        delete(HolidayDay).where(
            col(HolidayDay.day) >= date(year, 1, 1), col(HolidayDay.day) <= date(year, 12, 31)
        )
    )
    for d in body.days:
        session.add(HolidayDay(day=d.day, workday=d.workday, name=d.name, loaded_by=principal.actor))
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role,
        action="holidays.load",
        target=f"holidays:{year}",
        after={"days": len(body.days)},
    )
    recomputed = clock.refresh_provisional(session, calendar=calendar_of(session))
    return HolidaysOut(year=year, known=True, days=body.days, recomputed=recomputed)


@router.get("/notifications", summary="通知发件箱：待运营方渠道（短信、邮件）发送的消息")
def list_notifications(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK, Role.ADMIN))],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationOut]:
    return [NotificationOut.of(r) for r in outbox.pending(session, limit=limit)]


@router.post("/notifications/{notification_id}/sent", summary="运营方已通过自己的渠道发出")
def notification_sent(
    notification_id: DbId,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK, Role.ADMIN))],
) -> NotificationOut:
    return NotificationOut.of(outbox.mark_sent(session, notification_id=notification_id))
