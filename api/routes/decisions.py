"""The clerk's decision on a case: previewed with the notice it will print, then recorded (and corrected
until the official notice is printed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.decision_schemas import DecisionIn, DecisionOut, DecisionPreviewOut
from api.deps import (
    Principal,
    ServicesDep,
    SessionDep,
    case_for,
    require,
)
from api.errors import LoginRequired
from api.models import Role
from api.services import Services
from window import cases, decisions, notices
from window.decisions import Plan

router = APIRouter(prefix="/cases", tags=["cases"])


def _plan(
    session: SessionDep, services: Services, principal: Principal, case_id: str, body: DecisionIn
) -> Plan:
    case = case_for(session, principal, case_id, write=True)
    return decisions.plan(
        session,
        case=case,
        library=services.library,
        verdict=body.verdict,
        reason=body.reason,
        refer_to=body.refer_to,
        listed=body.listed,
    )


@router.post(
    "/{case_id}/decision/preview",
    summary="核对一个收件决定而不记录：能否作出、理由，以及将要打印的文书（确认前的预览）",
)
def preview_decision(
    case_id: str,
    body: DecisionIn,
    session: SessionDep,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> DecisionPreviewOut:
    plan = _plan(session, services, principal, case_id, body)
    case = case_for(session, principal, case_id)
    notice = notices.compose(
        session, case=case, library=services.library, hall=services.hall, kind=None, run=None, plan=plan
    )
    return DecisionPreviewOut.of(plan, notice)


@router.post(
    "/{case_id}/decision",
    status_code=201,
    summary=(
        "收件决定（请核对的点须先全部核对；改变预审建议须写明理由；文书无法表达的结论被拒绝）；"
        "文书打印前可以再次提交以更正"
    ),
)
def decide(
    case_id: str,
    body: DecisionIn,
    session: SessionDep,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> DecisionOut:
    cases.lock_case(session, case_id=case_id[:32])  # a settlement changed at the same moment waits for this
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    plan = _plan(session, services, principal, case_id, body)
    case = case_for(session, principal, case_id, write=True)
    row = decisions.decide(
        session, case=case, chosen=plan, user_id=principal.user_id, actor=principal.actor, role=principal.role
    )
    return DecisionOut.of(row)
