"""Knowledge-base operations on FAQs and guide sections. Keyword-only arguments; never commits.

Every change to an entry writes a :class:`~kb.models.KbChange` row in the same transaction, so
the search index of every worker picks it up once the caller's session scope commits. Glossary,
feedback and unanswered questions are in :mod:`kb.service_staff` (re-exported here).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from kb.errors import DuplicateEntry, EntryNotFound, InvalidEntry, NotYourDepartment, StaleVersion
from kb.models import Faq, FaqVersion, GuideSection, utcnow
from kb.schemas import (
    FAQ_TARGET_RE,
    SYSTEM,
    Actor,
    FaqIn,
    FaqPatch,
    FaqStatus,
    GuideSectionIn,
    SyncReport,
)
from kb.service_index import changes_since, index_documents, last_change
from kb.service_staff import (
    delete_term,
    feedback_summary,
    glossary_terms,
    list_feedback,
    list_unanswered,
    log_unanswered,
    mark_unanswered,
    note_change,
    out_of_scope_questions,
    purge_unanswered,
    record_feedback,
    seed_glossary,
    upsert_term,
)

__all__ = [
    "changes_since",
    "create_faq",
    "delete_term",
    "ensure_can_edit",
    "ensure_fresh",
    "faq_history",
    "feedback_summary",
    "get_faq",
    "glossary_terms",
    "guide_sections",
    "index_documents",
    "last_change",
    "list_faqs",
    "list_feedback",
    "list_unanswered",
    "log_unanswered",
    "mark_unanswered",
    "out_of_scope_questions",
    "publish_faq",
    "purge_unanswered",
    "record_feedback",
    "retire_faq",
    "rollback_faq",
    "seed_faqs",
    "seed_glossary",
    "sync_guide",
    "update_faq",
    "upsert_term",
]

_SNAPSHOT_FIELDS = ("question", "answer", "alternatives", "tags", "status", "valid_from", "valid_until")


def ensure_can_edit(actor: Actor, department: str) -> None:
    """Staff change entries of their own department only; admins and the system any."""
    if actor.role in ("admin", "system"):
        return
    if actor.department != department:
        raise NotYourDepartment(
            f"{actor.name} ({actor.department or '无部门'}) 不能修改 {department} 的条目",
            detail={"department": department},
        )


# -- FAQs -----------------------------------------------------------------------------------


def get_faq(session: Session, *, target: str) -> Faq:
    faq = session.exec(select(Faq).where(Faq.target == target)).first()
    if faq is None:
        raise EntryNotFound(f"没有条目 {target}", detail={"target": target})
    return faq


def list_faqs(
    session: Session,
    *,
    item: str | None = None,
    department: str | None = None,
    status: FaqStatus | None = None,
) -> list[Faq]:
    stmt = select(Faq)
    if item:
        stmt = stmt.where(Faq.item == item)
    if department:
        stmt = stmt.where(Faq.department == department)
    if status:
        stmt = stmt.where(Faq.status == status.value)
    return list(session.exec(stmt.order_by(col(Faq.item), col(Faq.id))))


def create_faq(
    session: Session, *, actor: Actor, data: FaqIn, publish: bool = False, owner: str | None = None
) -> Faq:
    """``owner``: the department that owns ``data.item``; given, the entry is filed under it whatever
    department ``data`` names, and only that department's staff may create it."""
    if owner is not None:
        data = data.model_copy(update={"department": owner})
    ensure_can_edit(actor, data.department)
    target = data.target or _next_target(session, data.item)
    if session.exec(select(Faq.id).where(Faq.target == target)).first() is not None:
        raise DuplicateEntry(f"条目 {target} 已存在", detail={"target": target})
    faq = Faq(
        target=target,
        **data.model_dump(exclude={"target"}),
        status=(FaqStatus.PUBLISHED if publish else FaqStatus.DRAFT).value,
        updated_by=actor.name,
    )
    session.add(faq)
    session.flush()
    _snapshot(session, faq, action="create", actor=actor)
    return faq


def _next_target(session: Session, item: str) -> str:
    """ITEM#Q(n+1): numbers are never reused, retired entries keep theirs."""
    numbers = [
        int(m.group(2))
        for t in session.exec(select(Faq.target).where(Faq.item == item))
        if (m := FAQ_TARGET_RE.match(t))
    ]
    return f"{item}#Q{max(numbers, default=0) + 1}"


def update_faq(
    session: Session,
    *,
    actor: Actor,
    target: str,
    patch: FaqPatch,
    expected_version: int | None = None,
    owner: str | None = None,
) -> Faq:
    faq = _editable(session, actor, target, expected_version, owner)
    changes = patch.model_dump(exclude_unset=True, exclude={"clear_validity"})
    if patch.clear_validity:
        changes.update(valid_from=None, valid_until=None)
    for name, value in changes.items():
        setattr(faq, name, value)
    if faq.valid_from and faq.valid_until and faq.valid_until < faq.valid_from:
        raise InvalidEntry("valid_until 早于 valid_from")
    return _bump(session, faq, action="edit", actor=actor)


def publish_faq(
    session: Session,
    *,
    actor: Actor,
    target: str,
    expected_version: int | None = None,
    owner: str | None = None,
) -> Faq:
    faq = _editable(session, actor, target, expected_version, owner)
    faq.status = FaqStatus.PUBLISHED.value
    return _bump(session, faq, action="publish", actor=actor)


def retire_faq(
    session: Session,
    *,
    actor: Actor,
    target: str,
    expected_version: int | None = None,
    note: str = "",
    owner: str | None = None,
) -> Faq:
    faq = _editable(session, actor, target, expected_version, owner)
    faq.status = FaqStatus.RETIRED.value
    return _bump(session, faq, action="retire", actor=actor, note=note)


def rollback_faq(
    session: Session, *, actor: Actor, target: str, to_version: int, owner: str | None = None
) -> Faq:
    """Restore the content and status of an earlier version, as a new version."""
    faq = _editable(session, actor, target, None, owner)
    old = session.exec(
        select(FaqVersion).where(FaqVersion.faq_id == faq.id, FaqVersion.version == to_version)
    ).first()
    if old is None:
        raise EntryNotFound(
            f"{target} 没有第 {to_version} 版", detail={"target": target, "version": to_version}
        )
    for name in _SNAPSHOT_FIELDS:
        value = old.snapshot.get(name)
        if name.startswith("valid_") and value:
            value = date.fromisoformat(value)
        setattr(faq, name, value)
    return _bump(session, faq, action="rollback", actor=actor, note=f"回滚到第 {to_version} 版")


def faq_history(session: Session, *, target: str) -> list[FaqVersion]:
    faq = get_faq(session, target=target)
    stmt = select(FaqVersion).where(FaqVersion.faq_id == faq.id).order_by(col(FaqVersion.version))
    return list(session.exec(stmt))


def _editable(
    session: Session, actor: Actor, target: str, expected_version: int | None, owner: str | None
) -> Faq:
    """``owner``: the department that owns the FAQ's item (the caller knows the items; kb does not).
    Given, it decides who may edit, and an entry filed under another department is put right."""
    faq = get_faq(session, target=target)
    ensure_can_edit(actor, owner or faq.department)
    if owner is not None:
        faq.department = owner
    ensure_fresh(target=target, version=faq.version, expected=expected_version)
    return faq


def ensure_fresh(*, target: str, version: int, expected: int | None) -> None:
    """An edit made on ``expected`` (when the editor says which version it loaded) must still be on top."""
    if expected is not None and expected != version:
        raise StaleVersion(
            f"{target} 已被他人修改（当前第 {version} 版），请重新打开再改",
            detail={"target": target, "version": version},
        )


def _bump(session: Session, faq: Faq, *, action: str, actor: Actor, note: str = "") -> Faq:
    faq.version += 1
    faq.updated_at = utcnow()
    faq.updated_by = actor.name
    session.add(faq)
    session.flush()
    _snapshot(session, faq, action=action, actor=actor, note=note)
    return faq


def _snapshot(session: Session, faq: Faq, *, action: str, actor: Actor, note: str = "") -> None:
    snap: dict[str, Any] = {}
    for name in _SNAPSHOT_FIELDS:
        value = getattr(faq, name)
        snap[name] = value.isoformat() if isinstance(value, date) else value
    assert faq.id is not None
    session.add(
        FaqVersion(
            faq_id=faq.id, version=faq.version, action=action, snapshot=snap, actor=actor.name, note=note
        )
    )
    note_change(session, faq.target)


def seed_faqs(session: Session, *, faq_dir: Path, publish: bool = True) -> int:
    """Load ``corpus/faq/*.yaml`` entries whose targets are not in the database yet."""
    known = set(session.exec(select(Faq.target)))
    added = 0
    for path in sorted(faq_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for row in doc.get("faqs", []):
            if row["id"] in known:
                continue
            data = FaqIn(
                item=doc["item"],
                item_name=doc.get("item_name", ""),
                department=doc["department"],
                question=row["question"],
                answer=row["answer"],
                target=row["id"],
                alternatives=row.get("alternatives", []),
                tags=row.get("tags", []),
            )
            create_faq(session, actor=SYSTEM, data=data, publish=publish)
            added += 1
    return added


# -- guide sections -------------------------------------------------------------------------


def sync_guide(
    session: Session, *, item: str, department: str, sections: list[GuideSectionIn], item_name: str = ""
) -> SyncReport:
    """Make the item's guide sections exactly ``sections`` (the rule file is the source of truth)."""
    if any(s.item != item for s in sections):
        raise InvalidEntry(f"sections must all belong to {item}")
    existing = {g.target: g for g in session.exec(select(GuideSection).where(GuideSection.item == item))}
    report = SyncReport()
    for s in sections:
        digest = hashlib.sha256(f"{s.title}\n{s.text}\n{department}".encode()).hexdigest()
        row = existing.pop(s.target, None)
        if row is not None and row.content_hash == digest:
            continue
        if row is None:
            row = GuideSection(
                target=s.target,
                item=item,
                department=department,
                section=s.section.value,
                title=s.title,
                text=s.text,
                content_hash=digest,
            )
            report.added.append(s.target)
        else:
            report.updated.append(s.target)
        row.item_name = s.item_name or item_name
        row.department, row.title, row.text, row.content_hash = department, s.title, s.text, digest
        row.updated_at = utcnow()
        session.add(row)
        note_change(session, s.target)
    for target, row in existing.items():
        session.delete(row)
        report.removed.append(target)
        note_change(session, target)
    session.flush()
    return report


def guide_sections(session: Session, *, item: str | None = None) -> list[GuideSection]:
    stmt = select(GuideSection)
    if item:
        stmt = stmt.where(GuideSection.item == item)
    return list(session.exec(stmt.order_by(col(GuideSection.target))))
