"""电子证照: administrators import licences into the local library; a case's look-ups are listed with
the case, the licence's catalogue fields and file only to roles that may see identity."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlmodel import col, select

from api.deps import DbId, Principal, PrincipalDep, ServicesDep, SessionDep, case_for, require, sees_identity
from api.errors import NotAllowed
from api.models import Role
from api.uploads import Limits, receive
from core.errors import NotFound
from prereview.sniff import Kind
from window import audit
from window.errors import UploadRefused
from window.licences import CatalogueEntry, import_licence
from window.models import Licence, LicenceFetch

router = APIRouter(tags=["licences"])
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


class LicenceOut(BaseModel):
    id: int
    licence_type: str
    number: str
    holder: str
    holder_code: str
    issuer: str
    issued_on: date | None
    valid_from: date | None
    valid_until: date | None
    status: str
    file_name: str


class FetchOut(BaseModel):
    id: int
    run_id: int
    material: str
    licence_type: str
    outcome: str  # found | not_found | unavailable | not_valid
    licence: dict[str, Any] | None = None  # only for roles that may see identity
    has_file: bool = False
    reason: str = ""
    at: str


@router.post("/licences", status_code=201, summary="导入一份电子证照（文件 + 目录信息；系统管理员）")
async def import_one(request: Request, services: ServicesDep, admin: Admin) -> LicenceOut:
    settings = services.settings
    store = services.licence_store
    limits = Limits(
        max_file_bytes=settings.max_file_bytes,
        case_bytes_left=settings.max_file_bytes,
        files_left=1,
        max_pixels=settings.max_pixels,
    )
    received, fields = await receive(request, tmp_dir=store.tmp, limits=limits)
    try:
        file = received[0]
        if file.kind not in (Kind.PDF, Kind.JPEG, Kind.PNG):
            raise UploadRefused(
                f"{file.name}：证照文件须为 PDF、JPEG 或 PNG", reason="unsupported", status=415
            )
        try:
            entry = CatalogueEntry.model_validate({k: v for k, v in fields.items() if v != ""})
        except ValidationError as exc:
            wrong = "、".join(str(e["loc"][0]) for e in exc.errors())
            raise UploadRefused(
                f"证照目录信息不完整或格式不对：{wrong}", reason="bad_fields", status=422
            ) from None

        def save() -> LicenceOut:
            with services.db.scope() as session:
                row = import_licence(
                    session,
                    entry=entry,
                    tmp=file.tmp,
                    sha256=file.sha256,
                    name=file.name,
                    media_type=file.media_type,
                    store=store,
                    by=admin.actor,
                )
                audit.record(
                    session,
                    actor=admin.actor,
                    role=admin.role,
                    action="licence.import",
                    target=f"licence:{row.licence_type}",
                    after={"number": row.number, "holder_code": row.holder_code, "status": row.status},
                )
                return LicenceOut.model_validate(row, from_attributes=True)

        return await run_in_threadpool(save)
    finally:
        for r in received:
            r.tmp.unlink(missing_ok=True)


@router.get("/licences", summary="本地电子证照库（系统管理员）")
def list_licences(session: SessionDep, _: Admin, holder_code: str = "", limit: int = 100) -> list[LicenceOut]:
    stmt = select(Licence).order_by(col(Licence.id).desc()).limit(max(1, min(limit, 500)))
    if holder_code:
        stmt = stmt.where(Licence.holder_code == holder_code.strip().upper())
    return [LicenceOut.model_validate(r, from_attributes=True) for r in session.exec(stmt)]


@router.get("/cases/{case_id}/licences", summary="本案的电子证照库调取记录")
def case_fetches(case_id: str, session: SessionDep, principal: PrincipalDep) -> list[FetchOut]:
    case = case_for(session, principal, case_id)
    stmt = select(LicenceFetch).where(LicenceFetch.case_id == case.id).order_by(col(LicenceFetch.id))
    full = sees_identity(principal)
    return [
        FetchOut(
            id=r.id or 0,
            run_id=r.run_id,
            material=r.material,
            licence_type=r.licence_type,
            outcome=r.outcome,
            licence=r.licence if full else None,
            has_file=bool(r.sha256) and full,
            reason=r.reason,
            at=r.at.isoformat(),
        )
        for r in session.exec(stmt)
    ]


@router.get(
    "/cases/{case_id}/licences/{fetch_id}/file",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}},
            "description": "证照文件",
        }
    },
    summary="调取到的证照文件（仅可查看身份信息的角色）",
)
def fetched_file(
    case_id: str, fetch_id: DbId, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> Response:
    case = case_for(session, principal, case_id)
    if not sees_identity(principal):
        raise NotAllowed("证照文件载有身份信息，只有综合窗口人员可以查看")
    row = session.get(LicenceFetch, fetch_id)
    if row is None or row.case_id != case.id or not row.sha256:
        raise NotFound("本案没有这份调取的证照")
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role,
        action="licence.view",
        target=f"case:{case.id}",
        after={"fetch": fetch_id, "material": row.material},
    )
    body = services.licence_store.path(row.sha256).read_bytes()
    return Response(
        body, media_type=row.media_type or "application/pdf", headers={"Cache-Control": "private, no-store"}
    )
