"""Drafts are drafts (#16): FAQs and terms are saved as drafts (a live entry keeps serving searches
until its edit is published), hit-tested against the knowledge base as it would be after publishing,
and published only when every one of their questions finds them. FAQs belong to the department that
owns their item; terms to the hall's own department (#15). Every save and publish is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from api.deps import Principal, ServicesDep, SessionDep
from api.kb_schemas import FaqDraftIn, FaqPublished, PublishIn, TermDraftIn, TermOut, TermPublished
from api.routes.kb import Desk, StaffOnly, _actor, _audit, _existing, _out, _term_out
from core.errors import Unavailable
from kb import drafts
from kb import terms as kb_terms
from kb.base import KnowledgeBase
from kb.models import Term
from kb.schemas import DraftView, FaqPatch, PublishCheck, TermIn, TermPatch
from kb.service import ensure_can_edit
from window import audit

router = APIRouter(prefix="/kb", tags=["kb"])


def _kb(services: ServicesDep) -> KnowledgeBase:
    if services.kb is None:
        raise Unavailable("知识库暂不可用：发布前的命中测试做不了，请稍后再测试、发布（草稿已保存）")
    return services.kb


# -- FAQs -------------------------------------------------------------------------------------


@router.get("/faqs/{target}/draft", summary="FAQ 的草稿（没有未发布修改时即当前内容）")
def faq_draft(target: str, session: SessionDep, _: Desk) -> DraftView:
    return drafts.faq_draft(session, target=target)


@router.patch("/faqs/{target}", summary="保存 FAQ 草稿（从不发布：已发布的条目在发布修改前照常使用）")
def save_faq(target: str, body: FaqDraftIn, session: SessionDep, staff: StaffOnly) -> DraftView:
    before, owner = _existing(session, target)
    patch = FaqPatch(**body.model_dump(exclude={"expected_version"}, exclude_unset=True))
    view = drafts.save_faq_draft(
        session,
        actor=_actor(staff),
        target=target,
        patch=patch,
        owner=owner,
        expected_version=body.expected_version,
    )
    _record(session, staff, "faq.draft", f"faq:{target}", before, view)
    return view


@router.post(
    "/faqs/{target}/check", summary="命中测试：FAQ 的各个问法按发布后的知识库检索，是否都以本条目作答"
)
def check_faq(
    target: str, body: PublishIn, session: SessionDep, services: ServicesDep, staff: StaffOnly
) -> PublishCheck:
    _, owner = _existing(session, target)
    ensure_can_edit(_actor(staff), owner)
    return drafts.check_faq(_kb(services), session, target=target, extra=body.questions, owner=owner)


@router.post("/faqs/{target}/publish", summary="发布 FAQ（先做命中测试，未通过则不发布，409 附各问题的结果）")
def publish_faq(
    target: str, body: PublishIn, session: SessionDep, services: ServicesDep, staff: StaffOnly
) -> FaqPublished:
    before, owner = _existing(session, target)
    ensure_can_edit(_actor(staff), owner)  # who may, before whether the index is there
    kb = _kb(services)
    faq, report = drafts.publish_faq(
        kb, session, actor=_actor(staff), target=target, extra=body.questions, owner=owner
    )
    _audit(session, staff, "publish", faq, before)
    return FaqPublished(entry=_out(faq), check=report)


# -- terms ------------------------------------------------------------------------------------


@router.get("/terms/manage", summary="全部术语词条（含草稿），供政务服务中心维护")
def manage_terms(session: SessionDep, _: StaffOnly) -> list[TermOut]:
    rows = kb_terms.list_terms(session)
    pending = drafts.pending_targets(session, targets=[t.target for t in rows])
    return [_term_out(t).model_copy(update={"pending": t.target in pending}) for t in rows]


@router.post("/terms", status_code=201, summary="新建术语词条（政务服务中心；草稿，命中测试通过后发布）")
def create_term(body: TermIn, session: SessionDep, services: ServicesDep, staff: StaffOnly) -> TermOut:
    row = kb_terms.create_term(
        session, actor=_actor(staff), data=body, department=services.settings.hall_department
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="term.create",
        target=row.target,
        after=_term_snap(row),
    )
    return _term_out(row)


@router.get("/terms/{target}/draft", summary="术语词条的草稿（没有未发布修改时即当前内容）")
def term_draft(target: str, session: SessionDep, _: Desk) -> DraftView:
    return drafts.term_draft(session, target=target)


@router.patch("/terms/{target}", summary="保存术语词条草稿（政务服务中心；从不发布）")
def save_term(target: str, body: TermDraftIn, session: SessionDep, staff: StaffOnly) -> DraftView:
    before = _term_snap(kb_terms.get_term(session, target=target))
    patch = TermPatch(**body.model_dump(exclude={"expected_version"}, exclude_unset=True))
    view = drafts.save_term_draft(
        session, actor=_actor(staff), target=target, patch=patch, expected_version=body.expected_version
    )
    _record(session, staff, "term.draft", target, before, view)
    return view


@router.post("/terms/{target}/check", summary="命中测试：按发布后的知识库问“…是什么意思”，是否都以本词条作答")
def check_term(
    target: str, body: PublishIn, session: SessionDep, services: ServicesDep, _: StaffOnly
) -> PublishCheck:
    return drafts.check_term(_kb(services), session, target=target, extra=body.questions)


@router.post("/terms/{target}/publish", summary="发布术语词条（先做命中测试，未通过则不发布）")
def publish_term(
    target: str, body: PublishIn, session: SessionDep, services: ServicesDep, staff: StaffOnly
) -> TermPublished:
    before = _term_snap(kb_terms.get_term(session, target=target))
    row, report = drafts.publish_term(
        _kb(services), session, actor=_actor(staff), target=target, extra=body.questions
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="term.publish",
        target=target,
        before=before,
        after={**_term_snap(row), "check": report.summary},
    )
    return TermPublished(entry=_term_out(row), check=report)


def _term_snap(row: Term) -> dict[str, Any]:
    return {"version": row.version, "status": row.status, "definition": row.definition}


def _record(
    session: Session, who: Principal, action: str, target: str, before: dict[str, Any], view: DraftView
) -> None:
    audit.record(
        session,
        actor=who.actor,
        role=who.role,
        action=action,
        target=target,
        before=before,
        after={"pending": view.pending, "version": view.version, **view.fields},
    )
