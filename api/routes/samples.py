"""Material samples (材料样本): public for the rule version in effect (the self-check, the 补正 notice's
short link /s/ITEM/Mn); a department's staff upload and annotate their drafts' samples, which are
published with the draft."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import DbId, Principal, PrincipalDep, ServicesDep, SessionDep, require
from api.models import Role
from api.uploads import Limits, receive
from core.errors import Forbidden, NotFound
from rules import service as rule_service
from rules.models import RuleVersion, VersionStatus
from window import audit
from window import samples as window_samples
from window.models import MaterialSample

router = APIRouter(tags=["samples"])
Staff = Annotated[Principal, Depends(require(Role.STAFF))]
MaterialId = Annotated[str, Path(pattern=r"^M\d{1,3}$", description="材料，如 M3")]
ItemCode = Annotated[str, Path(pattern=r"^[A-Z]{2,4}-\d{3}$", description="事项编码")]


class SampleOut(BaseModel):
    item: str
    material: str
    material_name: str = ""
    version_id: int
    version: str  # the rule version's label the sample is shown with
    name: str
    pages: list[str]  # page image URLs
    notes: list[dict[str, Any]]
    link: str  # the short public link


class NotesIn(BaseModel):
    notes: list[window_samples.SampleNote] = Field(max_length=40)


def _out(row: MaterialSample, *, version: RuleVersion, material_name: str) -> SampleOut:
    assert version.id is not None
    base = f"/api/v1/samples/{row.item_code}/{row.material}/pages"
    return SampleOut(
        item=row.item_code,
        material=row.material,
        material_name=material_name,
        version_id=version.id,
        version=version.label,
        name=row.name,
        pages=[f"{base}/{i + 1}?version_id={version.id}" for i in range(len(row.pages))],
        notes=row.notes,
        link=f"/s/{row.item_code}/{row.material}",
    )


def _names(services: Any, item: str) -> dict[str, str]:
    try:
        loaded = services.library.loaded(item, datetime.now(UTC).date())
    except Exception:
        return {}
    return {m.id: m.name for m in loaded.item.materials}


@router.get("/samples/{item}", summary="事项现行收件标准的全部材料样本（公开）")
def public_samples(item: ItemCode, session: SessionDep, services: ServicesDep) -> list[SampleOut]:
    version, rows = window_samples.in_effect(session, item=item, on=datetime.now(UTC).date())
    names = _names(services, item)
    return [_out(rows[m], version=version, material_name=names.get(m, "")) for m in sorted(rows, key=_order)]


@router.get("/samples/{item}/{material}", summary="一份材料的样本（公开）")
def public_sample(
    item: ItemCode, material: MaterialId, session: SessionDep, services: ServicesDep
) -> SampleOut:
    version, rows = window_samples.in_effect(session, item=item, on=datetime.now(UTC).date())
    if material not in rows:
        raise NotFound(f"{item} {material} 还没有材料样本")
    return _out(rows[material], version=version, material_name=_names(services, item).get(material, ""))


@router.get(
    "/samples/{item}/{material}/pages/{number}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}}, "description": "样本页面图像"}},
    summary="样本某一页的图像（已发布版本公开；草稿仅本部门工作人员）",
)
def sample_page(
    item: ItemCode,
    material: MaterialId,
    number: Annotated[int, Path(ge=1, le=window_samples.MAX_PAGES)],
    version_id: int,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Response:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    if version.status == VersionStatus.DRAFT.value and not (
        principal.has(Role.STAFF) and principal.department == version.department
    ):
        raise NotFound("没有这份样本")
    row = window_samples.for_material(session, version=version, material=material)
    if row is None or number > len(row.pages):
        raise NotFound("没有这份样本或这一页")
    page = row.pages[number - 1]
    try:
        body = services.sample_store.path(str(page["sha256"])).read_bytes()
    except (FileNotFoundError, ValueError):
        raise NotFound("样本文件已不在存储中，请部门重新上传") from None
    cache = "public, max-age=86400" if version.status != VersionStatus.DRAFT.value else "private, no-cache"
    return Response(body, media_type=str(page["media_type"]), headers={"Cache-Control": cache})


@router.get("/rules/{item}/versions/{version_id}/samples", summary="某一版本的材料样本（工作人员）")
def version_samples(
    item: ItemCode,
    version_id: DbId,
    session: SessionDep,
    services: ServicesDep,
    _: Annotated[Principal, Depends(require(Role.STAFF, Role.CLERK, Role.CONSULT))],
) -> list[SampleOut]:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    rows = window_samples.of_version(session, version=version)
    names = _names(services, item)
    return [_out(rows[m], version=version, material_name=names.get(m, "")) for m in sorted(rows, key=_order)]


def _draft_item(session: SessionDep, services: ServicesDep, version: RuleVersion) -> Any:
    return rule_service.validate(session, version=version, context=services.context).item


@router.put(
    "/rules/{item}/versions/{version_id}/samples/{material}",
    summary="上传草稿中一份材料的样本（图片或 PDF；只能是本部门的事项）",
)
async def upload_sample(
    item: ItemCode,
    version_id: DbId,
    material: MaterialId,
    request: Request,
    services: ServicesDep,
    staff: Staff,
) -> SampleOut:
    if not staff.department:
        raise Forbidden("本账号没有绑定部门")
    settings = services.settings
    store = services.sample_store
    limits = Limits(
        max_file_bytes=settings.max_file_bytes,
        case_bytes_left=settings.max_file_bytes,
        files_left=1,
        max_pixels=settings.max_pixels,
    )
    received, _fields = await receive(request, tmp_dir=store.tmp, limits=limits)

    def save() -> SampleOut:
        with services.db.scope() as session:
            version = rule_service.get_version(session, item=item, version_id=version_id)
            loaded = _draft_item(session, services, version)
            row = window_samples.put(
                session,
                version=version,
                item=loaded,
                material=material,
                received=received[0],
                store=store,
                by=staff.actor,
                department=staff.department or "",
            )
            audit.record(
                session,
                actor=staff.actor,
                role=staff.role,
                action="sample.upload",
                target=f"rule:{item}",
                after={"version": version.label, "material": material, "sha256": row.sha256},
            )
            return _out(row, version=version, material_name=loaded.material(material).name)

    try:
        return await run_in_threadpool(save)
    finally:
        for r in received:
            r.tmp.unlink(missing_ok=True)


@router.put(
    "/rules/{item}/versions/{version_id}/samples/{material}/notes",
    summary="标注草稿中一份材料的样本（框 + 说明 + 关联的审查要点）",
)
def annotate_sample(
    item: ItemCode,
    version_id: DbId,
    material: MaterialId,
    body: NotesIn,
    session: SessionDep,
    services: ServicesDep,
    staff: Staff,
) -> SampleOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    loaded = _draft_item(session, services, version)
    row = window_samples.annotate(
        session,
        version=version,
        item=loaded,
        material=material,
        notes=body.notes,
        by=staff.actor,
        department=staff.department or "",
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="sample.annotate",
        target=f"rule:{item}",
        after={"version": version.label, "material": material, "notes": len(body.notes)},
    )
    return _out(row, version=version, material_name=loaded.material(material).name)


def _order(material: str) -> int:
    return int(material[1:])
