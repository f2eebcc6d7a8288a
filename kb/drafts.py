"""Drafts are drafts (#16): one save / hit-test / publish path for FAQs and terms. Never commits.

Saving never publishes. An entry that is not live (a new FAQ, one a referral's answer became, a
retired one) is its own draft and is edited in place; an edit of a live entry is kept apart (an
:class:`~kb.models.EntryDraft`) while the live version keeps serving searches. Publishing first
searches each of the entry's questions (and the staff member's extra test questions) against the
knowledge base as it would be after publishing; unless every one comes back with the entry as its
answer the publish is refused (:class:`~kb.errors.HitTestFailed`, the per-question report as its
detail). Versions and their authors are kept by :mod:`kb.service` and :mod:`kb.terms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from sqlmodel import Session, col, select

from kb import service, service_index, terms
from kb.base import KnowledgeBase
from kb.errors import HitTestFailed, InvalidEntry
from kb.models import EntryDraft, Faq, FaqVersion, Referral, Term, TermVersion, utcnow
from kb.preview import search_as_published
from kb.schemas import (
    Actor,
    DraftView,
    FaqPatch,
    FaqStatus,
    IndexDoc,
    PublishCheck,
    QuestionCheck,
    SearchResult,
    TermPatch,
)

__all__ = [
    "check_faq",
    "check_term",
    "faq_draft",
    "pending_targets",
    "publish_faq",
    "publish_term",
    "save_faq_draft",
    "save_term_draft",
    "term_draft",
]

FAQ_FIELDS = ("question", "answer", "alternatives", "tags", "valid_from", "valid_until")
TERM_FIELDS = ("definition", "basis", "aliases")
MAX_EXTRA = 20
Source = Literal["question", "alternative", "extra"]


# -- saving -----------------------------------------------------------------------------------


def save_faq_draft(
    session: Session,
    *,
    actor: Actor,
    target: str,
    patch: FaqPatch,
    owner: str | None = None,
    expected_version: int | None = None,
) -> DraftView:
    """``expected_version``: the live version the editor was opened on (someone published meanwhile)."""
    faq = service.get_faq(session, target=target)
    service.ensure_can_edit(actor, owner or faq.department)
    service.ensure_fresh(target=target, version=faq.version, expected=expected_version)
    if faq.status != FaqStatus.PUBLISHED.value:
        service.update_faq(session, actor=actor, target=target, patch=patch, owner=owner)
        return faq_draft(session, target=target)
    changes = patch.model_dump(exclude_unset=True, exclude={"clear_validity"})
    if patch.clear_validity:
        changes.update(valid_from=None, valid_until=None)
    merged = {**_faq_fields(faq), **_draft_fields(session, target), **_jsonable(changes)}
    if merged["valid_from"] and merged["valid_until"] and merged["valid_until"] < merged["valid_from"]:
        raise InvalidEntry("失效日期早于生效日期")
    _keep(session, actor=actor, target=target, kind="faq", department=owner or faq.department,
          fields=merged, version=faq.version)  # fmt: skip
    return faq_draft(session, target=target)


def save_term_draft(
    session: Session, *, actor: Actor, target: str, patch: TermPatch, expected_version: int | None = None
) -> DraftView:
    row = terms.get_term(session, target=target)
    service.ensure_can_edit(actor, row.department)
    service.ensure_fresh(target=target, version=row.version, expected=expected_version)
    if row.status != FaqStatus.PUBLISHED.value:
        terms.update_term(session, actor=actor, target=target, patch=patch)
        return term_draft(session, target=target)
    changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    merged = {**_term_fields(row), **_draft_fields(session, target), **changes}
    _keep(session, actor=actor, target=target, kind="term", department=row.department,
          fields=merged, version=row.version)  # fmt: skip
    return term_draft(session, target=target)


def _keep(
    session: Session,
    *,
    actor: Actor,
    target: str,
    kind: str,
    department: str,
    fields: dict[str, Any],
    version: int,
) -> None:
    draft = _draft(session, target)
    if draft is None:
        draft = EntryDraft(
            target=target, kind=kind, department=department, base_version=version, created_by=actor.name
        )
    draft.department, draft.fields = department, fields
    draft.updated_by, draft.updated_at = actor.name, utcnow()
    session.add(draft)
    session.flush()


# -- reading ----------------------------------------------------------------------------------


def faq_draft(session: Session, *, target: str) -> DraftView:
    faq = service.get_faq(session, target=target)
    draft = _draft(session, target)
    referral = session.exec(select(Referral.id).where(Referral.faq_target == target)).first()
    return DraftView(
        target=target,
        kind="faq",
        department=faq.department,
        status=FaqStatus(faq.status),
        version=faq.version,
        pending=draft is not None,
        fields={**_faq_fields(faq), **(draft.fields if draft else {})},
        base_version=draft.base_version if draft else faq.version,
        updated_by=draft.updated_by if draft else faq.updated_by,
        source=f"referral:{referral}" if referral is not None else "",
    )


def term_draft(session: Session, *, target: str) -> DraftView:
    row = terms.get_term(session, target=target)
    draft = _draft(session, target)
    return DraftView(
        target=target,
        kind="term",
        department=row.department,
        status=FaqStatus(row.status),
        version=row.version,
        pending=draft is not None,
        fields={**_term_fields(row), **(draft.fields if draft else {})},
        base_version=draft.base_version if draft else row.version,
        updated_by=draft.updated_by if draft else row.updated_by,
    )


def pending_targets(session: Session, *, targets: Sequence[str] | None = None) -> set[str]:
    stmt = select(EntryDraft.target)
    if targets is not None:
        stmt = stmt.where(col(EntryDraft.target).in_(list(targets)))
    return set(session.exec(stmt))


# -- hit test and publish ---------------------------------------------------------------------


def check_faq(
    kb: KnowledgeBase, session: Session, *, target: str, extra: Sequence[str] = (), owner: str | None = None
) -> PublishCheck:
    """The FAQ's question, its other phrasings and ``extra`` against the KB as if the draft were live."""
    view = faq_draft(session, target=target)
    f = view.fields
    candidate = Faq(
        target=target,
        item=(faq := service.get_faq(session, target=target)).item,
        item_name=faq.item_name,
        department=owner or faq.department,
        question=str(f["question"]),
        answer=str(f["answer"]),
        alternatives=list(_strs(f["alternatives"])),
        tags=list(_strs(f["tags"])),
        valid_from=_day(f["valid_from"]),
        valid_until=_day(f["valid_until"]),
    )
    questions: list[tuple[str, Source]] = [(candidate.question, "question")]
    questions += [(a, "alternative") for a in candidate.alternatives]
    return _check(kb, session, target, service_index._faq_doc(candidate), questions, extra)


def check_term(
    kb: KnowledgeBase, session: Session, *, target: str, extra: Sequence[str] = ()
) -> PublishCheck:
    """The term, asked as people ask it ("…是什么意思"), under its own name and each other name."""
    view = term_draft(session, target=target)
    row = terms.get_term(session, target=target)
    f = view.fields
    candidate = Term(
        target=target,
        term=row.term,
        definition=str(f["definition"]),
        basis=str(f["basis"]),
        aliases=list(_strs(f["aliases"])),
        department=row.department,
    )
    questions: list[tuple[str, Source]] = [(f"{row.term}是什么意思", "question")]
    questions += [(f"{a}是什么意思", "alternative") for a in candidate.aliases]
    return _check(kb, session, target, service_index._term_doc(candidate), questions, extra)


def publish_faq(
    kb: KnowledgeBase,
    session: Session,
    *,
    actor: Actor,
    target: str,
    extra: Sequence[str] = (),
    owner: str | None = None,
) -> tuple[Faq, PublishCheck]:
    faq = service.get_faq(session, target=target)
    service.ensure_can_edit(actor, owner or faq.department)
    report = check_faq(kb, session, target=target, extra=extra, owner=owner)
    if not report.ok:
        raise HitTestFailed(report.summary, detail=report.model_dump())
    draft = _draft(session, target)
    if draft is not None:
        for name in FAQ_FIELDS:
            value = draft.fields.get(name, getattr(faq, name))
            setattr(faq, name, _day(value) if name.startswith("valid_") else value)
        session.delete(draft)
    faq = service.publish_faq(session, actor=actor, target=target, owner=owner)
    _note(session, FaqVersion, FaqVersion.faq_id, faq.id, faq.version, report.summary)
    return faq, report


def publish_term(
    kb: KnowledgeBase, session: Session, *, actor: Actor, target: str, extra: Sequence[str] = ()
) -> tuple[Term, PublishCheck]:
    row = terms.get_term(session, target=target)
    service.ensure_can_edit(actor, row.department)
    report = check_term(kb, session, target=target, extra=extra)
    if not report.ok:
        raise HitTestFailed(report.summary, detail=report.model_dump())
    draft = _draft(session, target)
    if draft is not None:
        for name in TERM_FIELDS:
            setattr(row, name, draft.fields.get(name, getattr(row, name)))
        session.delete(draft)
    row = terms.publish_term(session, actor=actor, target=target)
    _note(session, TermVersion, TermVersion.term_id, row.id, row.version, report.summary)
    return row, report


def _check(
    kb: KnowledgeBase,
    session: Session,
    target: str,
    doc: IndexDoc,
    questions: list[tuple[str, Source]],
    extra: Sequence[str],
) -> PublishCheck:
    extra = [q.strip() for q in extra if q.strip()]
    if len(extra) > MAX_EXTRA:
        raise InvalidEntry(f"测试问题最多 {MAX_EXTRA} 个")
    asked = [*questions, *((q, "extra") for q in extra)]
    results = search_as_published(kb, session, candidates=[doc], queries=[q for q, _ in asked])
    checks = [_judge(target, q, src, r) for (q, src), r in zip(asked, results, strict=True)]
    failed = [c for c in checks if not c.ok]
    if failed:
        summary = (
            f"命中测试未通过：{len(failed)}/{len(checks)} 个问题找不到本条目，不能发布。"
            "请修改问题、其他问法或回答后重新测试。"
        )
    else:
        summary = f"命中测试通过：{len(checks)} 个问题都以本条目作答"
    return PublishCheck(target=target, ok=not failed, summary=summary, checks=checks)


def _judge(target: str, query: str, source: Source, result: SearchResult) -> QuestionCheck:
    ranked: list[str] = []
    for hit in result.hits:
        if hit.target not in ranked:
            ranked.append(hit.target)
    rank = ranked.index(target) + 1 if target in ranked else None
    asked_back = any(o.target == target for o in result.clarify)
    top = result.hits[0] if result.hits else None
    winner = top if top is not None and top.target != target else None
    ok = (rank == 1 and result.confident) or asked_back
    if ok:
        why = "追问时列出本条目供选择" if asked_back and not result.confident else "第 1 条，有把握"
    elif rank is None:
        why = "检索结果里没有本条目"
    elif rank > 1:
        why = f"本条目排第 {rank}，先出来的是别的条目"
    else:
        why = "本条目排第 1，但检索没有把握（不会作为答案给出）"
    return QuestionCheck(
        query=query,
        source=source,
        rank=rank,
        confident=result.confident,
        asked_back=asked_back,
        winner=winner.target if winner else None,
        winner_title=winner.title if winner else "",
        ok=ok,
        why=why,
    )


# -- helpers ----------------------------------------------------------------------------------


def _draft(session: Session, target: str) -> EntryDraft | None:
    return session.exec(select(EntryDraft).where(EntryDraft.target == target)).first()


def _draft_fields(session: Session, target: str) -> dict[str, Any]:
    draft = _draft(session, target)
    return dict(draft.fields) if draft else {}


def _faq_fields(faq: Faq) -> dict[str, Any]:
    return _jsonable({name: getattr(faq, name) for name in FAQ_FIELDS})


def _term_fields(row: Term) -> dict[str, Any]:
    return {name: getattr(row, name) for name in TERM_FIELDS}


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _strs(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _note(session: Session, table: Any, key: Any, row_id: int | None, version: int, note: str) -> None:
    """The publish's version records what its hit test found."""
    snap = session.exec(select(table).where(key == row_id, table.version == version)).first()
    if snap is not None:
        snap.note = note[:500]
        session.add(snap)
