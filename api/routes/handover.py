"""预检码: an applicant's finished self-check gives a short code and its QR; a signed-in clerk redeems it
into a clerk case with the files, declared facts and the judged run already there (window.handover)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends

from api.case_schemas import HandoverIn, HandoverOut, TakenOverOut
from api.deps import APPLICANT, Principal, ServicesDep, SessionDep, Throttled, case_for, require
from api.errors import LoginRequired, NotAllowed, RateLimited
from api.models import Role
from window import CaseNotFound, cases, handover
from window.notices.qr import qr_data_uri

router = APIRouter(tags=["handover"])


@router.post(
    "/cases/{case_id}/handover",
    status_code=201,
    summary="申请人：为完成的自助预检生成预检码与二维码（到窗口出示，保存期内有效，用一次；再生成则旧码作废）",
)
def issue(case_id: str, session: SessionDep, principal: Throttled) -> HandoverOut:
    if principal.role != APPLICANT:
        raise NotAllowed("预检码由申请人在自助预检中生成")
    case = case_for(session, principal, case_id, write=True)
    cases.lock_case(session, case_id=case.id)
    code = handover.pretty(handover.issue(session, case=case))
    return HandoverOut(code=code, expires_at=case.expires_at, qr=qr_data_uri(code))


@router.post(
    "/handover",
    status_code=201,
    summary="收件人员：用预检码把申请人的自助预检转为窗口案件（文件、申报事实与预审结果一并转入，不重新读取）",
)
def redeem(
    body: HandoverIn,
    services: ServicesDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> TakenOverOut:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    limit = services.settings.handover_misses_per_hour
    with services.db.scope() as session:  # a miss is recorded (committed) even though the request fails
        if handover.misses(session, actor=principal.actor, within=timedelta(hours=1)) >= limit:
            raise RateLimited(f"一小时内输错预检码已达 {limit} 次，请稍后再试", retry_after=600)
        source = handover.find(session, code=body.code)
        if source is None:
            handover.record_miss(session, actor=principal.actor, role=principal.role)
        source_id = source.id if source is not None else None
    if source_id is None:
        raise CaseNotFound("预检码不正确，或这次自助预检已过保存期限、已转到窗口：请核对后重新输入")
    with services.db.scope() as session:
        cases.lock_case(session, case_id=source_id)
        locked = handover.find(session, code=body.code)
        if locked is None or locked.id != source_id:  # another clerk took it over at the same moment
            raise CaseNotFound("这次自助预检已转到窗口")
        case = handover.redeem(
            session, source=locked, user_id=principal.user_id, actor=principal.actor, role=principal.role
        )
        return TakenOverOut(case_id=case.id, item=case.item, applicant_name=case.applicant_name)
