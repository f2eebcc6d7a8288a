"""Cases: create, upload, pre-review (queued, poll or wait), read the verdict, re-run after 补正, decide.

Applicants need no account: creating a case without one returns a case token, sent back as
``X-Case-Token`` on every later call for that case (any other case answers 404). Clerks handle every
case; consultation desk and department staff (their department's items) may read, with identity
and phone numbers masked; administrators do no business.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlmodel import col, select

from api.case_schemas import AnswerOut, CaseIn, CaseOut, CaseSummary, FileOut, RunOut
from api.decision_schemas import DecisionIn, DecisionOut, DecisionPreviewOut
from api.deps import (
    DbId,
    Principal,
    PrincipalDep,
    ServicesDep,
    SessionDep,
    Throttled,
    case_for,
    case_masker,
    require,
    sees_identity,
)
from api.errors import LoginRequired, NotAllowed, RateLimited
from api.models import Role
from api.services import Services
from api.uploads import Limits, case_limits, receive
from core.db import after_commit
from prereview.pipeline import PrereviewResult
from rules.verdict import Decision
from window import (
    Case,
    CaseFile,
    CaseNotFound,
    CaseStatus,
    Channel,
    Run,
    RunStatus,
    StateConflict,
    cases,
    decisions,
    kept,
    notices,
    settlements,
)
from window.decisions import Plan
from window.runs import in_progress_from, queue_run

router = APIRouter(prefix="/cases", tags=["cases"])

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    }
}


def _detail(session: SessionDep, case: Case, principal: Principal, token: str | None = None) -> CaseOut:
    latest = cases.latest_done(session, case_id=case.id)
    rows = settlements.rows_of(session, run_id=latest.id) if latest is not None else []
    return CaseOut.of(
        case,
        masker=case_masker(case, principal),
        files=cases.files_of(session, case_id=case.id),
        runs=cases.runs_of(session, case_id=case.id),
        decisions=cases.decisions_of(session, case_id=case.id),
        suggestion=settlements.suggestion(latest, rows) if latest is not None else None,
        settlements=rows,
        token=token,
    )


@router.post("", status_code=201, summary="新建案件（申请人自助预检无需账号；收件人员登录后办理）")
def create_case(body: CaseIn, session: SessionDep, services: ServicesDep, principal: Throttled) -> CaseOut:
    if principal.is_user and not principal.has(Role.CLERK):
        raise NotAllowed("只有综合窗口人员或申请人本人可以新建案件")
    channel = Channel.CLERK if principal.is_user else Channel.APPLICANT
    case, token = cases.create_case(
        session,
        library=services.library,
        hall=services.hall,
        item=body.item,
        declared=body.declared,
        review_date=body.review_date,
        channel=channel,
        created_by=principal.user_id,
        retention_hours=services.settings.applicant_retention_hours,
        max_declared_bytes=services.settings.max_declared_bytes,
    )
    return _detail(session, case, principal, token)


@router.get("", summary="案件列表（收件人员、咨询台、本部门工作人员）")
def list_cases(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Role.CLERK, Role.CONSULT, Role.STAFF))],
    item: str | None = Query(default=None, max_length=16),
    status: CaseStatus | None = None,
    q: str | None = Query(default=None, max_length=100, description="申请人名称、案件编号或案件号前缀"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> list[CaseSummary]:
    department = principal.department if principal.has(Role.STAFF) else None
    rows = cases.search_cases(
        session,
        department=department,
        item=item,
        status=status.value if status else None,
        q=q,
        limit=limit,
        offset=offset,
    )
    return [
        CaseSummary(
            id=c.id,
            number=c.number,
            item=c.item,
            channel=c.channel,
            status=c.status,
            applicant_name=case_masker(c, principal).applicant(c.applicant_name),
            created_at=c.created_at,
        )
        for c in rows
    ]


@router.get("/{case_id}", summary="案件详情：文件、每次预审（规则哈希、结论、问题与证据）、收件决定")
def get_case(case_id: str, session: SessionDep, principal: PrincipalDep) -> CaseOut:
    case = case_for(session, principal, case_id)
    return _detail(session, case, principal)


@router.post(
    "/{case_id}/files",
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    summary="上传文件（multipart 字段 files，可多个）；slot 为材料位（如 M3），不填为未分类",
)
async def upload(
    case_id: str,
    request: Request,
    services: ServicesDep,
    principal: Throttled,
    slot: str | None = Query(default=None, pattern=r"^M\d{1,3}$", description="材料位，如 M3"),
) -> list[FileOut]:
    settings = services.settings

    def limits() -> Limits:
        with services.db.scope() as session:
            case = case_for(session, principal, case_id, write=True)
            if case.status != CaseStatus.OPEN.value:
                raise StateConflict("案件已办结或材料已删除，不能再上传")
            used_bytes, used_files = cases.case_usage(session, case=case)
        return case_limits(settings, used_bytes=used_bytes, used_files=used_files)

    lim = await run_in_threadpool(limits)
    received, _fields = await receive(request, tmp_dir=services.store.tmp, limits=lim)

    def store() -> list[FileOut]:
        with services.db.scope() as session:
            cases.lock_case(session, case_id=case_id[:32])  # concurrent uploads to the case: one at a time
            case = case_for(session, principal, case_id, write=True)
            rows = cases.add_files(
                session,
                case=case,
                received=received,
                slot=slot,
                store=services.store,
                library=services.library,
                max_case_bytes=settings.max_case_bytes,
                max_case_files=settings.max_case_files,
            )
            return [FileOut.of(r) for r in rows]

    try:
        return await run_in_threadpool(store)
    finally:
        for r in received:
            r.tmp.unlink(missing_ok=True)


@router.delete("/{case_id}/files/{file_id}", summary="撤回一个文件（不再参加下一次预审；历史保留）")
def withdraw(case_id: str, file_id: DbId, session: SessionDep, principal: PrincipalDep) -> FileOut:
    case = case_for(session, principal, case_id, write=True)
    return FileOut.of(cases.withdraw_file(session, case=case, file_id=file_id))


@router.get(
    "/{case_id}/files/{file_id}/pages/{number}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "页面图像（JPEG）"}},
    summary="上传文件某一页的图像（摆正后的页面，证据框的坐标以它为准；收件人员与申请人本人）",
)
async def page_image(
    case_id: str,
    file_id: DbId,
    number: Annotated[int, Path(ge=1, le=10_000, description="页码（从 1 起）")],
    services: ServicesDep,
    principal: PrincipalDep,
) -> Response:
    def find() -> tuple[CaseFile, bool]:
        if not sees_identity(principal):  # a page shows identity numbers and names unmasked
            if not principal.is_user:
                raise LoginRequired("请先登录，或携带案件令牌（X-Case-Token）")
            raise NotAllowed("材料原件载有申请人的身份信息，只有综合窗口人员和申请人本人可以查看")
        with services.db.scope() as session:
            case = case_for(session, principal, case_id)
            row = session.get(CaseFile, file_id)
            if row is None or row.case_id != case.id or not services.store.exists(row.sha256):
                raise CaseNotFound("本案没有这个文件，或文件已删除")
            return row, kept(case.channel)

    row, keep = await run_in_threadpool(find)
    body = await run_in_threadpool(
        services.pages.page,
        path=services.store.path(row.sha256),
        sha256=row.sha256,
        name=row.name,
        number=number,
        keep=keep,
    )
    return Response(body, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


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
    run = cases.latest_done(session, case_id=case.id)
    if run is None or run.decision is None:
        raise StateConflict("本案还没有完成的预审")
    # the contract's form, as `yichuang check` writes it: the uncertain points apart, with reason and evidence
    contract = PrereviewResult(decision=Decision.model_validate(run.decision), files=[]).answer()
    findings = [
        {k: v for k, v in f.items() if k in ("material", "condition", "code")} for f in contract["findings"]
    ]
    uncertain = case_masker(case, principal).value("uncertain", contract["uncertain"])
    return AnswerOut(
        case_id=case.id,
        verdict=run.verdict or "",
        findings=findings,
        uncertain=uncertain,
        tolerance_deadline=run.decision.get("tolerance_deadline"),
    )


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
