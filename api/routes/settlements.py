"""Settling the uncertain points (请核对) of a case's latest finished run, and reading how they were settled.

Clerks settle (confirm: the point becomes a finding and the suggestion is made again; dismiss), one step
per point, changeable until the decision is recorded. Everyone who may read the case reads the
settlements — department staff and the consultation desk with the clerk's notes masked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.decision_schemas import SettleIn, SettlementOut, SettlementsOut, SuggestionOut
from api.deps import Principal, PrincipalDep, SessionDep, case_for, case_masker, require
from api.errors import LoginRequired
from api.models import Role
from rules.codes import Code
from window import Case, Run, cases, settlements

router = APIRouter(prefix="/cases", tags=["cases"])

Subject = Annotated[str, Path(pattern=r"^[MC]\d{1,3}$", description="材料（如 M3）或受理条件（如 C2）")]


def _out(session: SessionDep, case: Case, run: Run, principal: Principal) -> SettlementsOut:
    rows = settlements.rows_of(session, run_id=run.id)
    masker = case_masker(case, principal)
    return SettlementsOut(
        run=run.number,
        settlements=[SettlementOut.of(r, run=run.number, masker=masker) for r in rows],
        suggestion=SuggestionOut.of(settlements.suggestion(run, rows)),
    )


@router.get("/{case_id}/settlements", summary="最近一次完成的预审：请核对的点的核对结果，与核对后的预审建议")
def read(case_id: str, session: SessionDep, principal: PrincipalDep) -> SettlementsOut:
    case = case_for(session, principal, case_id)
    return _out(session, case, cases.latest_judged(session, case_id=case.id), principal)


@router.put(
    "/{case_id}/settlements/{subject}/{code}",
    summary="核对一个请核对的点：确认为问题（计入结论）或不是问题；作出收件决定前可以改（仅收件人员）",
)
def settle(
    case_id: str,
    subject: Subject,
    code: Code,
    body: SettleIn,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK))],
) -> SettlementsOut:
    # one writer: a decision recorded at the same moment sees this settlement or refuses it
    cases.lock_case(session, case_id=case_id[:32])
    case = case_for(session, principal, case_id, write=True)
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    run = cases.latest_done(session, case_id=case.id)
    settlements.settle(
        session,
        case=case,
        run=run,
        point=(subject, code.value),
        action=body.action,
        note=body.note,
        seen_run=body.run,
        user_id=principal.user_id,
        actor=principal.actor,
        role=principal.role,
    )
    assert run is not None  # settle refuses a case without a finished run
    return _out(session, case, run, principal)
