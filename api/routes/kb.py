"""Knowledge base: search (public), FAQ maintenance (department staff, own department), feedback,
unanswered questions and hit testing (staff and the consultation desk). Every FAQ change is audited.

The KnowledgeBase (embedding model, index) is built once in the lifespan (``api.knowledge``); while
it is not there the routes that search answer 503.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import DbId, Principal, PrincipalDep, ServicesDep, SessionDep, Throttled, require
from api.kb_schemas import FaqOut, TermOut
from api.models import Role
from core.errors import Forbidden, NotFound, Unavailable
from kb import drafts
from kb import service as kb_service
from kb import terms as kb_terms
from kb.base import KnowledgeBase
from kb.models import Faq, Term
from kb.schemas import (
    Actor,
    FaqIn,
    FaqStatus,
    HitTestCase,
    HitTestReport,
    SearchResult,
)
from rules import service as rule_service
from window import audit

router = APIRouter(prefix="/kb", tags=["kb"])

StaffOnly = Annotated[Principal, Depends(require(Role.STAFF))]
Desk = Annotated[Principal, Depends(require(Role.STAFF, Role.CONSULT))]


def _kb(services: ServicesDep) -> KnowledgeBase:
    if services.kb is None:
        raise Unavailable("知识库暂不可用")
    return services.kb


def _actor(principal: Principal) -> Actor:
    return Actor(name=principal.actor, department=principal.department, role="staff")


class FeedbackIn(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    target: str = Field(min_length=3, max_length=40)
    helpful: bool
    comment: str = Field(default="", max_length=1000)


class UnansweredMark(BaseModel):
    status: str = Field(pattern="^(open|answered|out_of_scope)$")
    resolved_target: str | None = Field(default=None, max_length=40)


class RollbackFaq(BaseModel):
    to_version: int = Field(ge=1, le=1_000_000)


def _out(faq: Faq) -> FaqOut:
    return FaqOut.model_validate(faq, from_attributes=True)


def _snap(faq: Faq) -> dict[str, Any]:
    return {"version": faq.version, "status": faq.status, "question": faq.question, "answer": faq.answer}


def _audit(
    session: Session, principal: Principal, action: str, faq: Faq, before: dict[str, Any] | None
) -> None:
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role,
        action=f"faq.{action}",
        target=f"faq:{faq.target}",
        before=before,
        after=_snap(faq),
    )


@router.get("/search", summary="检索（FAQ、办事指南、术语；答案因事项而异时在 clarify 里列出可选事项）")
def search(
    session: SessionDep,
    services: ServicesDep,
    _: Throttled,
    q: str = Query(min_length=1, max_length=500),
    item: str | None = Query(default=None, max_length=20),
    department: str | None = Query(default=None, max_length=100),
    k: int = Query(default=5, ge=1, le=50),
) -> SearchResult:
    return _kb(services).search(session, query=q, k=k, item=item, department=department)


@router.get("/faqs", summary="FAQ 列表（未登录只见已发布的）")
def list_faqs(
    session: SessionDep,
    principal: PrincipalDep,
    item: str | None = Query(default=None, max_length=20),
    department: str | None = Query(default=None, max_length=100),
) -> list[FaqOut]:
    status = None if principal.is_user else FaqStatus.PUBLISHED
    rows = kb_service.list_faqs(session, item=item, department=department, status=status)
    pending = (
        drafts.pending_targets(session, targets=[f.target for f in rows]) if principal.is_user else set()
    )
    return [_out(f).model_copy(update={"pending": f.target in pending}) for f in rows]


def _owner(session: Session, item: str, *, fallback: str | None = None) -> str:
    """The department that owns the item (its rules), whatever department a request names."""
    owner = rule_service.owner(session, item=item) or fallback
    if owner is None:
        raise NotFound(f"没有事项 {item}，不能为它新建 FAQ")
    return owner


def _existing(session: Session, target: str) -> tuple[dict[str, Any], str]:
    faq = kb_service.get_faq(session, target=target)
    return _snap(faq), _owner(session, faq.item, fallback=faq.department)


@router.post(
    "/faqs", status_code=201, summary="新建 FAQ（只能是本部门事项的；部门取自事项，不看请求中的 department）"
)
def create_faq(body: FaqIn, session: SessionDep, staff: StaffOnly) -> FaqOut:
    faq = kb_service.create_faq(session, actor=_actor(staff), data=body, owner=_owner(session, body.item))
    _audit(session, staff, "create", faq, None)
    return _out(faq)


@router.post("/faqs/{target}/retire", summary="停用 FAQ（本部门事项的）")
def retire_faq(target: str, session: SessionDep, staff: StaffOnly) -> FaqOut:
    before, owner = _existing(session, target)
    faq = kb_service.retire_faq(session, actor=_actor(staff), target=target, owner=owner)
    _audit(session, staff, "retire", faq, before)
    return _out(faq)


@router.post("/faqs/{target}/rollback", summary="FAQ 回滚到某一版（本部门事项的）")
def rollback_faq(target: str, body: RollbackFaq, session: SessionDep, staff: StaffOnly) -> FaqOut:
    before, owner = _existing(session, target)
    actor = _actor(staff)
    to_version = body.to_version
    faq = kb_service.rollback_faq(session, actor=actor, target=target, to_version=to_version, owner=owner)
    _audit(session, staff, "rollback", faq, before)
    return _out(faq)


@router.get("/faqs/{target}/history", summary="FAQ 的全部版本")
def faq_history(target: str, session: SessionDep, _: Desk) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "action": v.action,
            "actor": v.actor,
            "at": v.at,
            "note": v.note,
            "snapshot": v.snapshot,
        }
        for v in kb_service.faq_history(session, target=target)
    ]


def _term_out(row: Term) -> TermOut:
    return TermOut.model_validate(row, from_attributes=True)


@router.get("/terms", summary="术语词条（概念释义，政务服务中心维护；未登录只见已发布的）")
def list_terms(session: SessionDep, _: Throttled) -> list[TermOut]:
    return [_term_out(t) for t in kb_terms.list_terms(session, status=FaqStatus.PUBLISHED)]


@router.get("/terms/{target}/history", summary="术语词条的全部版本")
def term_history(target: str, session: SessionDep, _: Desk) -> list[dict[str, Any]]:
    return [
        {"version": v.version, "action": v.action, "actor": v.actor, "at": v.at, "snapshot": v.snapshot}
        for v in kb_terms.term_history(session, target=target)
    ]


@router.post("/feedback", status_code=201, summary="对检索结果的反馈（有用 / 没用）")
def feedback(body: FeedbackIn, session: SessionDep, principal: Throttled) -> dict[str, int]:
    row = kb_service.record_feedback(
        session,
        query=body.query,
        target=body.target,
        helpful=body.helpful,
        actor=principal.actor,
        comment=body.comment,
    )
    return {"id": row.id or 0}


@router.get("/feedback/summary", summary="各条目的反馈统计（差评多的在前）")
def feedback_summary(session: SessionDep, principal: Desk) -> list[dict[str, Any]]:
    department = principal.department if principal.has(Role.STAFF) else None
    return [r.model_dump() for r in kb_service.feedback_summary(session, department=department)]


@router.get("/unanswered", summary="未能回答的问题")
def unanswered(
    session: SessionDep,
    _: Desk,
    status: str | None = Query(default="open", max_length=20),
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    return [r.model_dump() for r in kb_service.list_unanswered(session, status=status, limit=limit)]


@router.post("/unanswered/{question_id}", summary="处理未解答问题（已解答 / 不属于本知识库）")
def mark(question_id: DbId, body: UnansweredMark, session: SessionDep, principal: Desk) -> dict[str, Any]:
    row = kb_service.mark_unanswered(
        session,
        actor=_actor(principal),
        id=question_id,
        status=body.status,
        resolved_target=body.resolved_target,
    )
    return dict(row.model_dump())


@router.post("/hit-test", summary="命中测试：一组问题和应命中的条目 → 召回率、MRR")
def hit_test(
    cases: list[HitTestCase], services: ServicesDep, _: Desk, k: int = Query(default=10, ge=1, le=50)
) -> HitTestReport:
    if len(cases) > 500:
        raise Forbidden("一次最多 500 个问题")
    return _kb(services).hit_test(cases, k=k)
