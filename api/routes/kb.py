"""Knowledge base: search (public), FAQ maintenance (department staff, own department), feedback,
unanswered questions and hit testing (staff and the consultation desk). Every FAQ change is audited.

Wired in when ``kb`` is importable; the KnowledgeBase (embedding model, index) is built once in the
lifespan, and while it is not there the routes answer 503.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlmodel import Session, SQLModel

from api import audit
from api.deps import DbId, Principal, PrincipalDep, ServicesDep, SessionDep, Throttled, require
from api.models import Role
from core.errors import Forbidden, NotFound, Unavailable
from rules import service as rule_service
from rules.models import utcnow

log = logging.getLogger("yichuang.api.kb")
router = APIRouter(prefix="/kb", tags=["kb"])

try:
    import kb.models as _kb_models
    from kb import service as kb_service
    from kb.schemas import FaqIn, FaqPatch, FaqStatus, HitTestCase, HitTestReport, SearchResult

    _AVAILABLE = True
except ImportError:  # pragma: no cover - kb is written alongside
    _AVAILABLE = False


def available() -> bool:
    return _AVAILABLE


def kb_tables() -> list[Any]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name.startswith("kb_")]


def prepare(db: Any, *, corpus_dir: Any) -> None:
    """Seed the shipped FAQs and glossary (under the startup lock); the tables come from the
    migrations (revision 0002), which the start runs first."""
    with db.scope() as session:
        if not kb_service.list_faqs(session):
            n = kb_service.seed_faqs(session, faq_dir=corpus_dir / "faq")
            log.info("seeded %d FAQs", n)
        kb_service.seed_glossary(session)


def sync_item_guides(session: Session, *, catalog: Any, items: dict[str, Any]) -> int:
    """Render the guide sections of these loaded items (the rules in effect) into the KB."""
    if not _AVAILABLE:
        return 0
    from api.guides import sync_guides
    from rules.book import RuleBook

    return sync_guides(session, book=RuleBook(catalog=catalog, items=items, errors=[]))


def purge_questions(session: Session, *, older_than: Any) -> int:
    """The retention of the unanswered questions (kb.service.purge_unanswered)."""
    if not _AVAILABLE:
        return 0
    return int(kb_service.purge_unanswered(session, before=utcnow() - older_than))


def build(services: Any, *, embedder: Any = None) -> Any:
    """Open the KB index (embedding what changed since it was saved)."""
    from kb.base import KnowledgeBase
    from kb.embed import make_embedder
    from kb.passages import passage_cache

    settings = services.settings
    embedder = embedder or make_embedder(backend=settings.embedding_backend, model_path=settings.embedding_model_path,
                             query_prefix=settings.embedding_query_prefix,
                             passage_prefix=settings.embedding_passage_prefix,
                             threads=settings.embedding_threads)  # fmt: skip
    # passages embedded before (shipped with the corpus, or by an earlier build) are not embedded again
    cache = passage_cache(embedder, corpus_dir=settings.corpus_dir, cache_dir=settings.effective_kb_index_dir)
    try:
        with services.db.scope() as session:
            return KnowledgeBase.open(session, embedder=cache, index_dir=settings.effective_kb_index_dir,
                                      keyword_weight=settings.kb_keyword_weight,
                                      approx_above=settings.kb_approx_above,
                                      query_cache=settings.kb_query_cache)  # fmt: skip
    finally:
        cache.close()


if _AVAILABLE:
    from kb.schemas import Actor

    StaffOnly = Annotated[Principal, Depends(require(Role.STAFF))]
    Desk = Annotated[Principal, Depends(require(Role.STAFF, Role.CONSULT))]

    def _kb(services: ServicesDep) -> Any:
        if services.kb is None:
            raise Unavailable("知识库暂不可用")
        return services.kb

    def _actor(principal: Principal) -> Actor:
        return Actor(name=principal.actor, department=principal.department, role="staff")

    class FaqOut(BaseModel):
        target: str
        item: str
        item_name: str
        department: str
        question: str
        answer: str
        alternatives: list[str]
        tags: list[str]
        status: str
        valid_from: date | None
        valid_until: date | None
        version: int
        updated_by: str

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

    def _out(faq: Any) -> FaqOut:
        return FaqOut.model_validate(faq, from_attributes=True)

    def _snap(faq: Any) -> dict[str, Any]:
        return {"version": faq.version, "status": faq.status, "question": faq.question, "answer": faq.answer}

    def _audit(session: Session, principal: Principal, action: str, faq: Any, before: dict[str, Any] | None) -> None:
        audit.record(session, actor=principal.actor, role=principal.role, action=f"faq.{action}",
                     target=f"faq:{faq.target}", before=before, after=_snap(faq))  # fmt: skip

    @router.get("/search", summary="检索（FAQ 与办事指南）")
    def search(session: SessionDep, services: ServicesDep, _: Throttled,
               q: str = Query(min_length=1, max_length=500), item: str | None = Query(default=None, max_length=20),
               department: str | None = Query(default=None, max_length=100),
               k: int = Query(default=5, ge=1, le=50)) -> SearchResult:  # fmt: skip
        return _kb(services).search(session, query=q, k=k, item=item, department=department)  # type: ignore[no-any-return]

    @router.get("/faqs", summary="FAQ 列表（未登录只见已发布的）")
    def list_faqs(session: SessionDep, principal: PrincipalDep, item: str | None = Query(default=None, max_length=20),
                  department: str | None = Query(default=None, max_length=100)) -> list[FaqOut]:  # fmt: skip
        status = None if principal.is_user else FaqStatus.PUBLISHED
        return [_out(f) for f in kb_service.list_faqs(session, item=item, department=department, status=status)]

    def _owner(session: Session, item: str, *, fallback: str | None = None) -> str:
        """The department that owns the item (its rules), whatever department a request names."""
        owner = rule_service.owner(session, item=item) or fallback
        if owner is None:
            raise NotFound(f"没有事项 {item}，不能为它新建 FAQ")
        return owner

    def _existing(session: Session, target: str) -> tuple[dict[str, Any], str]:
        faq = kb_service.get_faq(session, target=target)
        return _snap(faq), _owner(session, faq.item, fallback=faq.department)

    @router.post("/faqs", status_code=201, summary="新建 FAQ（只能是本部门事项的；部门取自事项，不看请求中的 department）")
    def create_faq(body: FaqIn, session: SessionDep, staff: StaffOnly) -> FaqOut:
        faq = kb_service.create_faq(session, actor=_actor(staff), data=body, owner=_owner(session, body.item))
        _audit(session, staff, "create", faq, None)
        return _out(faq)

    @router.patch("/faqs/{target}", summary="修改 FAQ（本部门事项的）")
    def update_faq(target: str, body: FaqPatch, session: SessionDep, staff: StaffOnly) -> FaqOut:
        before, owner = _existing(session, target)
        faq = kb_service.update_faq(session, actor=_actor(staff), target=target, patch=body, owner=owner)
        _audit(session, staff, "edit", faq, before)
        return _out(faq)

    @router.post("/faqs/{target}/publish", summary="发布 FAQ（本部门事项的）")
    def publish_faq(target: str, session: SessionDep, staff: StaffOnly) -> FaqOut:
        before, owner = _existing(session, target)
        faq = kb_service.publish_faq(session, actor=_actor(staff), target=target, owner=owner)
        _audit(session, staff, "publish", faq, before)
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
        return [{"version": v.version, "action": v.action, "actor": v.actor, "at": v.at, "note": v.note,
                 "snapshot": v.snapshot} for v in kb_service.faq_history(session, target=target)]  # fmt: skip

    @router.post("/feedback", status_code=201, summary="对检索结果的反馈（有用 / 没用）")
    def feedback(body: FeedbackIn, session: SessionDep, principal: Throttled) -> dict[str, int]:
        row = kb_service.record_feedback(session, query=body.query, target=body.target, helpful=body.helpful,
                                         actor=principal.actor, comment=body.comment)  # fmt: skip
        return {"id": row.id or 0}

    @router.get("/feedback/summary", summary="各条目的反馈统计（差评多的在前）")
    def feedback_summary(session: SessionDep, principal: Desk) -> list[dict[str, Any]]:
        department = principal.department if principal.has(Role.STAFF) else None
        return [r.model_dump() for r in kb_service.feedback_summary(session, department=department)]

    @router.get("/unanswered", summary="未能回答的问题")
    def unanswered(session: SessionDep, _: Desk, status: str | None = Query(default="open", max_length=20),
                   limit: int = Query(default=100, ge=1, le=1000)) -> list[dict[str, Any]]:  # fmt: skip
        return [r.model_dump() for r in kb_service.list_unanswered(session, status=status, limit=limit)]

    @router.post("/unanswered/{question_id}", summary="处理未解答问题（已解答 / 不属于本知识库）")
    def mark(question_id: DbId, body: UnansweredMark, session: SessionDep, principal: Desk) -> dict[str, Any]:
        row = kb_service.mark_unanswered(session, actor=_actor(principal), id=question_id, status=body.status,
                                         resolved_target=body.resolved_target)  # fmt: skip
        return dict(row.model_dump())

    @router.post("/hit-test", summary="命中测试：一组问题和应命中的条目 → 召回率、MRR")
    def hit_test(cases: list[HitTestCase], services: ServicesDep, _: Desk,
                 k: int = Query(default=10, ge=1, le=50)) -> HitTestReport:  # fmt: skip
        if len(cases) > 500:
            raise Forbidden("一次最多 500 个问题")
        return _kb(services).hit_test(cases, k=k)  # type: ignore[no-any-return]

    _ = _kb_models  # the tables are registered by importing kb.models
