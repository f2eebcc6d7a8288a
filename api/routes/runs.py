"""Pre-review runs of a case: queue one (and wait for it a while, or poll), list them, read one, and the
latest finished verdict in the scored form. Access as for the case itself (see ``api.routes.cases``)."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from sqlmodel import col, select

from api.case_schemas import AnswerOut, RunOut
from api.deps import (
    DbId,
    Principal,
    PrincipalDep,
    ServicesDep,
    SessionDep,
    Throttled,
    case_for,
    case_masker,
)
from api.errors import RateLimited
from api.services import Services
from core.db import after_commit
from prereview.pipeline import PrereviewResult
from rules.verdict import Decision
from window import CaseStatus, Run, RunStatus, StateConflict, cases
from window.runs import in_progress_from, queue_run

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post(
    "/{case_id}/runs",
    status_code=202,
    summary="提交预审（后台执行）；wait 秒内完成则直接返回结论，否则返回排队状态供轮询",
)
async def start_run(
    case_id: str,
    services: ServicesDep,
    principal: Throttled,
    wait: float = Query(default=0, ge=0, le=120, description="最多等待的秒数"),
) -> RunOut:
    def create() -> int:
        with services.db.scope() as session:
            case = case_for(session, principal, case_id, write=True)
            if case.status != CaseStatus.OPEN.value:
                raise StateConflict("案件已办结或材料已删除，不能再预审")
            busy = session.exec(
                select(Run.number).where(
                    Run.case_id == case.id,
                    col(Run.status).in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
                )
            ).first()
            if busy is not None:
                raise StateConflict(f"第 {busy} 次预审还在进行中")
            _address_cap(session, principal, services.settings.max_active_runs_per_address)
            address = principal.address
            run = queue_run(session, case=case, requested_by=principal.actor, client_address=address)
            run_id = run.id or 0
            after_commit(session, lambda: services.dispatcher.submit(run_id))
            return run.number

    number = await run_in_threadpool(create)
    return await _wait(services, principal, case_id, number, min(wait, services.settings.run_wait_max_s))


def _address_cap(session: SessionDep, principal: Principal, cap: int) -> None:
    """A coarse guard only (a hall's self-service kiosks share one address): runs without an account in
    progress at once from one address. The fair reading queue and each case's reading budget are what
    keep one case from holding the readers."""
    if principal.is_user or cap <= 0:
        return
    if in_progress_from(session, client_address=principal.address) >= cap:
        raise RateLimited(f"本地址同时进行中的预审已有 {cap} 个，请等其中一个完成后再提交", retry_after=30)


@router.get("/{case_id}/runs", summary="全部预审记录（每次的规则哈希与结论）")
def list_runs(case_id: str, session: SessionDep, principal: PrincipalDep) -> list[RunOut]:
    case = case_for(session, principal, case_id)
    return [RunOut.of(r, case_masker(case, principal)) for r in cases.runs_of(session, case_id=case.id)]


@router.get("/{case_id}/runs/{number}", summary="一次预审：状态与结论（wait 秒内等它完成）")
async def get_run(
    case_id: str,
    number: DbId,
    services: ServicesDep,
    principal: PrincipalDep,
    wait: float = Query(default=0, ge=0, le=120),
) -> RunOut:
    return await _wait(services, principal, case_id, number, min(wait, services.settings.run_wait_max_s))


async def _wait(services: Services, principal: Principal, case_id: str, number: int, wait: float) -> RunOut:
    deadline = time.monotonic() + wait

    def load() -> RunOut:
        with services.db.scope() as session:
            case = case_for(session, principal, case_id)
            run = cases.run_of(session, case_id=case.id, number=number)
            return RunOut.of(run, case_masker(case, principal))

    while True:
        out = await run_in_threadpool(load)
        if out.status in (RunStatus.DONE.value, RunStatus.FAILED.value) or time.monotonic() >= deadline:
            return out
        await asyncio.sleep(0.2)


@router.get("/{case_id}/answer", summary="最近一次完成的预审结论（评分格式：结论、问题、容缺期限）")
def answer(case_id: str, session: SessionDep, principal: PrincipalDep) -> AnswerOut:
    case = case_for(session, principal, case_id)
    run = cases.latest_judged(session, case_id=case.id)
    decision = Decision.model_validate(run.decision)
    # the contract's form, as `yichuang check` writes it: the uncertain points apart, with reason and evidence
    contract = PrereviewResult(decision=decision, files=[]).answer()
    findings = [
        {k: v for k, v in f.items() if k in ("material", "condition", "code")} for f in contract["findings"]
    ]
    uncertain = case_masker(case, principal).value("uncertain", contract["uncertain"])
    return AnswerOut(
        case_id=case.id,
        verdict=run.verdict or "",
        findings=findings,
        uncertain=uncertain,
        tolerance_deadline=decision.tolerance_deadline,
    )
