"""The case clock after 受理: its state, pauses, the one extension and its 延期告知书, the transfer to the
department and the result's way to the applicant; 容缺 补交 and the department's decision on it.

Clerks and the case's department work the clock; the consultation desk reads it. The clock starts when
the official 受理 or 容缺受理 notice is printed (``GET …/notice``), or explicitly (``POST …/clock``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlmodel import Session

from api.clock_schemas import (
    ClockOut,
    ExtendIn,
    OutcomeIn,
    PauseIn,
    PauseOut,
    ResumeIn,
    StageIn,
    SupplementDecisionIn,
    SupplementOut,
    TransferIn,
)
from api.deps import DbId, Principal, PrincipalDep, ServicesDep, SessionDep, Throttled, case_for, require
from api.errors import NotAllowed
from api.models import Role
from api.routes.notices import Format, check_reader, notice_response
from api.services import Services
from api.uploads import Limits, case_limits, receive, stored
from core.db import after_commit
from window import Case, CaseClock, StateConflict, cases, clock, notices, tolerance
from window.workdays import calendar_of, hall_today

router = APIRouter(prefix="/cases", tags=["clock"])

Worker = Annotated[Principal, Depends(require(Role.CLERK, Role.STAFF))]
Staff = Annotated[Principal, Depends(require(Role.STAFF))]


def _case(session: Session, principal: Principal, case_id: str) -> Case:
    """The case, for a clerk or the staff of its own department."""
    case = case_for(session, principal, case_id)
    if principal.has(Role.CONSULT):
        raise NotAllowed("咨询台人员只能查看案件")
    return case


def _clock(session: Session, case: Case) -> CaseClock:
    row = clock.clock_of(session, case_id=case.id)
    if row is None:
        raise StateConflict("本案尚未受理计时（受理或容缺受理的通知书打印后开始计时）")
    return row


def clock_out(session: Session, row: CaseClock, services: Services) -> ClockOut:
    calendar = calendar_of(session)
    shown = clock.view(
        row, today=hall_today(), calendar=calendar, within=services.settings.reminder_within_days
    )
    supplements = [
        SupplementOut.of(s, tolerance.precheck(session, supplement=s))
        for s in tolerance.supplements_of(session, case_id=row.case_id)
    ]
    pauses = [PauseOut.of(p) for p in clock.pauses_of(session, case_id=row.case_id)]
    return ClockOut.of(row, view=shown, pauses=pauses, supplements=supplements)


def _recipient(case: Case) -> str:
    return str(case.declared.get("contact_phone") or case.declared.get("phone") or "")


@router.get("/{case_id}/clock", summary="承诺件计时：承诺办结日、暂停、延期、转办、出件、容缺补交")
def read(case_id: str, session: SessionDep, services: ServicesDep, principal: PrincipalDep) -> ClockOut:
    case = case_for(session, principal, case_id)
    return clock_out(session, _clock(session, case), services)


@router.post("/{case_id}/clock", status_code=201, summary="受理登记：开始计时（已开始的返回原计时）")
def start(
    case_id: str,
    session: SessionDep,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> ClockOut:
    case = case_for(session, principal, case_id, write=True)
    row = clock.start(
        session,
        case=case,
        library=services.library,
        calendar=calendar_of(session),
        actor=principal.actor,
        role=principal.role,
    )
    if row is None:
        raise StateConflict("只有作出受理或容缺受理决定的案件才开始计时")
    return clock_out(session, row, services)


@router.post("/{case_id}/clock/pause", summary="暂停计时（专家评审、现场查勘、听证、公示等不计时限的环节）")
def pause(
    case_id: str, body: PauseIn, session: SessionDep, services: ServicesDep, principal: Worker
) -> ClockOut:
    case = _case(session, principal, case_id)
    row = _clock(session, case)
    item = services.library.loaded(case.item, row.accepted_on).item
    clock.pause(
        session,
        clock=row,
        item=item,
        reason=body.reason,
        note=body.note,
        on=body.on or hall_today(),
        actor=principal.actor,
        role=principal.role,
    )
    return clock_out(session, row, services)


@router.post("/{case_id}/clock/resume", summary="恢复计时：暂停的工作日顺延")
def resume(
    case_id: str, body: ResumeIn, session: SessionDep, services: ServicesDep, principal: Worker
) -> ClockOut:
    row = _clock(session, _case(session, principal, case_id))
    clock.resume(
        session,
        clock=row,
        calendar=calendar_of(session),
        on=body.on or hall_today(),
        actor=principal.actor,
        role=principal.role,
    )
    return clock_out(session, row, services)


@router.post("/{case_id}/clock/extension", summary="延期（只能一次，须写明理由）：出具延期告知书")
def extend(
    case_id: str, body: ExtendIn, session: SessionDep, services: ServicesDep, principal: Worker
) -> ClockOut:
    case = _case(session, principal, case_id)
    row = _clock(session, case)
    clock.extend(
        session,
        clock=row,
        calendar=calendar_of(session),
        days=body.days or services.settings.extension_days,
        reason=body.reason,
        on=hall_today(),
        actor=principal.actor,
        role=principal.role,
        recipient=_recipient(case),
    )
    return clock_out(session, row, services)


@router.get(
    "/{case_id}/clock/extension/notice",
    response_class=Response,
    summary="延长办理期限告知书（PDF 或 HTML）",
)
async def extension_notice(
    case_id: str,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    format: Format = Format.PDF,
) -> Response:
    case = case_for(session, principal, case_id)
    check_reader(principal)
    row = _clock(session, case)
    item = services.library.loaded(case.item, row.accepted_on).item
    run = notices.noticed_run(session, case=case, number=None)
    if run is None:
        raise StateConflict("本案还没有完成的预审，不能出具文书")
    content = notices.build_extension_notice(
        case=case,
        clock=row,
        item=item,
        calendar=calendar_of(session),
        hall=services.hall,
        number=notices.notice_number(session, case=case, run=run, kind=notices.EXTENSION, hall=services.hall),
        rule_hash=run.rule_hash,
    )
    return await notice_response(content, format=format, filename=f"{case.id[:8]}-extension.pdf")


@router.post("/{case_id}/clock/transfer", summary="按责转办：交承办部门（谁、何时）")
def transfer(
    case_id: str,
    body: TransferIn,
    session: SessionDep,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> ClockOut:
    row = _clock(session, case_for(session, principal, case_id, write=True))
    clock.transfer(session, clock=row, to=body.to, actor=principal.actor, role=principal.role)
    return clock_out(session, row, services)


@router.post("/{case_id}/clock/stage", summary="办结、结果出件、通知领取、已领取（依次）")
def stage(
    case_id: str, body: StageIn, session: SessionDep, services: ServicesDep, principal: Worker
) -> ClockOut:
    case = _case(session, principal, case_id)
    row = _clock(session, case)
    clock.advance(
        session,
        clock=row,
        stage=body.stage,
        actor=principal.actor,
        role=principal.role,
        recipient=_recipient(case),
    )
    return clock_out(session, row, services)


@router.post(
    "/{case_id}/supplements",
    status_code=201,
    summary="容缺补交（multipart 字段 files）：按该材料的审查要点预审后交部门认定",
)
async def supplement(
    case_id: str,
    request: Request,
    services: ServicesDep,
    principal: Throttled,
    material: str = Query(pattern=r"^M\d{1,3}$", description="补交的容缺材料，如 M7"),
) -> ClockOut:
    settings = services.settings
    if principal.is_user and not principal.has(Role.CLERK):
        raise NotAllowed("容缺材料由申请人或综合窗口人员补交")

    def limits() -> Limits:
        with services.db.scope() as session:
            used_bytes, used_files = cases.case_usage(session, case=case_for(session, principal, case_id))
        return case_limits(settings, used_bytes=used_bytes, used_files=used_files)

    lim = await run_in_threadpool(limits)
    received, _fields = await receive(request, tmp_dir=services.store.tmp, limits=lim)

    def store() -> ClockOut:
        with services.db.scope() as session:
            cases.lock_case(session, case_id=case_id[:32])
            case = case_for(session, principal, case_id)
            row = _clock(session, case)
            _sup, run = tolerance.submit(
                session,
                case=case,
                clock=row,
                material=material,
                received=received,
                store=services.store,
                actor=principal.actor,
                client_address=principal.address,
            )
            run_id = run.id or 0
            after_commit(session, lambda: services.dispatcher.submit(run_id))
            return clock_out(session, row, services)

    return await stored(received, store)


@router.post(
    "/{case_id}/supplements/{supplement_id}/decision", summary="部门认定一次容缺补交：认可或不予认可"
)
def decide_supplement(
    case_id: str,
    supplement_id: DbId,
    body: SupplementDecisionIn,
    session: SessionDep,
    services: ServicesDep,
    principal: Staff,
) -> ClockOut:
    row = _clock(session, _case(session, principal, case_id))
    tolerance.decide(
        session,
        clock=row,
        supplement_id=supplement_id,
        accept=body.accept,
        note=body.note,
        actor=principal.actor,
        role=principal.role,
    )
    return clock_out(session, row, services)


@router.post("/{case_id}/clock/tolerance-outcome", summary="部门对逾期或不合格补交的处理结果（窗口记录）")
def tolerance_outcome(
    case_id: str, body: OutcomeIn, session: SessionDep, services: ServicesDep, principal: Staff
) -> ClockOut:
    row = _clock(session, _case(session, principal, case_id))
    tolerance.conclude(session, clock=row, outcome=body.outcome, actor=principal.actor, role=principal.role)
    return clock_out(session, row, services)
