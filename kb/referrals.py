"""首问负责 (平桥 第十一条): the desk refers a question it cannot answer to the department that owns it.

The department's answer comes back to the desk's list (and becomes an FAQ draft of the item, for the
department to polish and publish), so the next person asking is answered at once. The due date is
given by the caller in working days already counted (kb knows no calendar); a referral still open
after it is overdue, and the hall sees it. Free text from the public is masked before it is stored;
a contact is kept only when the applicant agreed to be told. Never commits.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from core.privacy import mask_text
from kb.errors import AlreadyAnswered, EntryNotFound, InvalidEntry
from kb.models import Referral, utcnow
from kb.schemas import Actor, FaqIn
from kb.service import create_faq, ensure_can_edit

__all__ = ["answer_referral", "get_referral", "list_referrals", "overdue", "refer"]


def refer(
    session: Session,
    *,
    actor: Actor,
    query: str,
    department: str,
    due_on: date,
    item: str | None = None,
    contact: str = "",
    consent: bool = False,
) -> Referral:
    query = query.strip()
    if len(query) < 2 or not department.strip():
        raise InvalidEntry("转交需要问题和负责答复的部门")
    row = Referral(
        query=mask_text(query[:2000]),
        item=item or None,
        department=department.strip(),
        asked_by=actor.name,
        contact=contact.strip()[:200] if consent else "",
        due_on=due_on,
    )
    session.add(row)
    session.flush()
    return row


def get_referral(session: Session, *, referral_id: int) -> Referral:
    row = session.get(Referral, referral_id)
    if row is None:
        raise EntryNotFound(f"没有转交问题 {referral_id}", detail={"id": referral_id})
    return row


def answer_referral(
    session: Session,
    *,
    actor: Actor,
    referral_id: int,
    answer: str,
    item: str | None = None,
    item_name: str = "",
    owner: str | None = None,
) -> Referral:
    """The owning department answers; the answer becomes a draft FAQ of the item (``owner``: the
    department that owns the item, as for FAQs)."""
    row = get_referral(session, referral_id=referral_id)
    ensure_can_edit(actor, row.department)
    if row.status == "answered":
        raise AlreadyAnswered("这个问题已经答复过了", detail={"id": referral_id})
    answer = answer.strip()
    if not answer:
        raise InvalidEntry("答复不能为空")
    item = item or row.item
    if item:
        data = FaqIn(
            item=item, item_name=item_name, department=row.department, question=row.query, answer=answer
        )
        row.faq_target = create_faq(session, actor=actor, data=data, owner=owner).target
    row.item, row.answer, row.status = item, answer, "answered"
    row.answered_by, row.answered_at = actor.name, utcnow()
    session.add(row)
    session.flush()
    return row


def list_referrals(
    session: Session,
    *,
    department: str | None = None,
    asked_by: str | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
) -> list[Referral]:
    """``overdue_on``: only those still open after their due date as of that day."""
    stmt = select(Referral)
    if department:
        stmt = stmt.where(Referral.department == department)
    if asked_by:
        stmt = stmt.where(Referral.asked_by == asked_by)
    if status:
        stmt = stmt.where(Referral.status == status)
    if overdue_on is not None:
        stmt = stmt.where(Referral.status == "open", col(Referral.due_on) < overdue_on)
    return list(session.exec(stmt.order_by(col(Referral.id).desc())))


def overdue(row: Referral, *, today: date) -> bool:
    return row.status == "open" and row.due_on < today
