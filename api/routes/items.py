"""Items: list and search, the rules in effect, the applicant's checklist. Public (no account)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api import knowledge
from api.deps import ServicesDep, SessionDep, Throttled
from kb.finder import ItemFinder, ItemMatch
from rules import service as rule_service
from rules.checklist import Checklist, checklist
from rules.models import RuleVersion, utcnow
from rules.questions import Question, questions

router = APIRouter(prefix="/items", tags=["items"])
_FAINT, _NEAR_TOP = 0.3, 0.6  # item search: matches below either are noise beside the best one


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


class ItemFound(BaseModel):
    code: str
    name: str
    department: str
    bundle: bool
    window: str
    promise: str
    promise_days: int
    prepare: list[str] = Field(description="要准备的材料（必要材料）")
    events: list[str]
    why: str = Field(description="命中方式：编码 / 名称 / 俗称 / 办事目标 / 拼音 / 语义 / 常办 / 分类")
    matched: str = ""
    score: float


@router.get(
    "/find", summary="事项查找（俗称、办事目标、拼音、错别字；按部门或主题浏览；咨询台与自助预检共用）"
)
def find_items(
    session: SessionDep,
    services: ServicesDep,
    _: Throttled,
    q: str = Query(default="", max_length=100),
    department: str | None = Query(default=None, max_length=100),
    event: str | None = Query(default=None, max_length=50),
    limit: int = Query(default=10, ge=1, le=50),
) -> list[ItemFound]:
    finder = (
        services.kb.finder
        if services.kb is not None and services.kb.finder.cards
        else ItemFinder(
            knowledge.current_items(session, settings=services.settings, library=services.library)
        )
    )
    if department or event:
        matches = [
            ItemMatch(card=c, score=0.0, why="分类")
            for c in finder.browse(department=department, event=event)
        ]
        if q.strip():
            found = {m.card.code: m for m in finder.find(q, limit=50)}
            matches = [found[m.card.code] for m in matches if m.card.code in found]
    else:  # a search box lists what was meant, not everything faintly like it
        matches = finder.find(q, limit=limit)
        if q.strip() and matches:
            floor = max(_FAINT, matches[0].score * _NEAR_TOP)
            matches = [m for m in matches if m.score >= floor]
    return [
        ItemFound(
            **m.card.model_dump(include=set(ItemFound.model_fields)),
            why=m.why,
            matched=m.matched,
            score=m.score,
        )
        for m in matches[:limit]
    ]


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
