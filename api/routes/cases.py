"""Cases: create, list, read, upload and withdraw files, page images. Their pre-review runs are in
``api.routes.runs``, the clerk's decision in ``api.routes.decisions``.

Applicants need no account: creating a case without one returns a case token, sent back as
``X-Case-Token`` on every later call for that case (any other case answers 404). Clerks handle every
case; consultation desk and department staff (their department's items) may read, with identity
and phone numbers masked; administrators do no business.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.case_schemas import CaseIn, CaseOut, CaseSummary, FileOut
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
from api.errors import LoginRequired, NotAllowed
from api.models import Role
from api.uploads import Limits, case_limits, receive, stored
from window import (
    Case,
    CaseFile,
    CaseNotFound,
    CaseStatus,
    Channel,
    StateConflict,
    cases,
    kept,
    settlements,
)

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

    return await stored(received, store)


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
