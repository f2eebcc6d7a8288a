"""Items: list and search, the rules in effect, the applicant's checklist. Public (no account)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import ServicesDep, SessionDep, Throttled
from rules import service as rule_service
from rules.checklist import Checklist, checklist
from rules.models import RuleVersion, utcnow
from rules.questions import Question, questions

router = APIRouter(prefix="/items", tags=["items"])


class ItemSummary(BaseModel):
    code: str
    name: str
    department: str
    bundle: bool
    window: str
    promise_days: int
    version: str = Field(description="规则版本（版本号）")
    version_id: int
    rule_hash: str
    effective_from: date | None


class ItemDetail(ItemSummary):
    basic: dict[str, Any]
    conditions: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    yaml_text: str


class ChecklistIn(BaseModel):
    declared: dict[str, Any] = Field(default_factory=dict, description="申报事实")
    on: date | None = Field(default=None, description="审查日（默认今天）")


def _summary(services: ServicesDep, version: RuleVersion, on: date) -> dict[str, Any]:
    loaded = services.library.loaded(version.item_code, on)
    item = loaded.item
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department,
        "bundle": item.bundle,
        "window": item.basic.window,
        "promise_days": item.basic.promise_days,
        "version": version.label,
        "version_id": version.id or 0,
        "rule_hash": loaded.rule_hash,
        "effective_from": version.effective_from,
    }


@router.get("", summary="事项列表与检索")
def list_items(
    session: SessionDep,
    services: ServicesDep,
    _: Throttled,
    q: str | None = Query(default=None, max_length=100, description="按编码、名称、部门检索"),
    on: date | None = None,
) -> list[ItemSummary]:
    day = on or utcnow().date()
    out = []
    for version in rule_service.all_in_effect(session, on=day).values():
        summary = ItemSummary(**_summary(services, version, day))
        text = f"{summary.code} {summary.name} {summary.department} {summary.window}"
        if q and q.strip().lower() not in text.lower():
            continue
        out.append(summary)
    return sorted(out, key=lambda s: s.code)


@router.get("/{code}", summary="事项现行规则")
def get_item(
    code: str, session: SessionDep, services: ServicesDep, _: Throttled, on: date | None = None
) -> ItemDetail:
    day = on or utcnow().date()
    version = rule_service.in_effect(session, item=code, on=day)
    item = services.library.loaded(code, day).item
    basic = item.basic.model_dump(by_alias=True)
    conditions = [
        {"id": c.id, "text": c.text, "basis": c.basis, "legal_basis": c.legal_basis, "refer_to": c.refer_to}
        for c in item.conditions
    ]
    materials = [
        {
            "id": m.id,
            "name": m.name,
            "form": m.form,
            "source": m.source,
            "necessity": m.necessity,
            "tolerance_days": m.tolerance_days,
            "per": m.per,
        }
        for m in item.materials
    ]
    return ItemDetail(
        **_summary(services, version, day),
        basic=basic,
        conditions=conditions,
        materials=materials,
        yaml_text=version.yaml_text,
    )


@router.get("/{code}/questions", summary="申请人要回答的问题：决定应交材料、受理条件的申报事实在前")
def get_questions(code: str, services: ServicesDep, _: Throttled, on: date | None = None) -> list[Question]:
    day = on or utcnow().date()
    return questions(services.library.loaded(code, day).item, services.library.context.catalog)


@router.get("/{code}/checklist", summary="申请材料清单（未申报事实：条件必要的材料为“视申报情况”）")
def get_checklist(code: str, services: ServicesDep, _: Throttled, on: date | None = None) -> Checklist:
    day = on or utcnow().date()
    return checklist(services.library.evaluator_for(code, day), code, None, on=day)


@router.post("/{code}/checklist", summary="按申报事实给出本案应交的材料（形式、份数、是否可容缺）")
async def post_checklist(code: str, body: ChecklistIn, services: ServicesDep, _: Throttled) -> Checklist:
    day = body.on or utcnow().date()

    def work() -> Checklist:
        return checklist(services.library.evaluator_for(code, day), code, body.declared, on=day)

    return await run_in_threadpool(work)
