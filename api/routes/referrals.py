"""首问负责: the desk refers a question it cannot answer to the owning department, with a due date in
working days; the department answers (the answer becomes an FAQ draft of the item) and it comes back to
the desk's list; overdue referrals are visible to the hall."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import Principal, ServicesDep, SessionDep, require
from api.models import Role
from kb import referrals
from kb.models import Referral
from kb.schemas import Actor
from rules.calendar import add_working_days
from rules.models import utcnow
from window import audit

router = APIRouter(prefix="/kb/referrals", tags=["kb"])

Desk = Annotated[Principal, Depends(require(Role.STAFF, Role.CONSULT, Role.CLERK, Role.ADMIN))]
StaffOnly = Annotated[Principal, Depends(require(Role.STAFF, Role.ADMIN))]


class ReferralIn(BaseModel):
    query: str = Field(min_length=2, max_length=2000, description="群众的问题")
    department: str = Field(min_length=1, max_length=100, description="负责答复的部门")
    item: str | None = Field(default=None, max_length=20)
    contact: str = Field(default="", max_length=200, description="联系方式（群众同意告知时才保存）")
    consent: bool = False


class ReferralAnswer(BaseModel):
    answer: str = Field(min_length=1, max_length=5000)
    item: str | None = Field(default=None, max_length=20, description="答复所属事项（生成 FAQ 草稿）")


class ReferralOut(BaseModel):
    id: int
    query: str
    item: str | None
    department: str
    asked_by: str
    status: str
    due_on: date
    overdue: bool
    answer: str
    answered_by: str
    answered_at: datetime | None
    faq_target: str | None
    created_at: datetime


def _out(row: Referral, today: date) -> ReferralOut:
    data = row.model_dump(exclude={"contact"})
    return ReferralOut(**data, overdue=referrals.overdue(row, today=today))


def _actor(principal: Principal) -> Actor:
    role = "admin" if principal.role == Role.ADMIN.value else "staff"
    return Actor(name=principal.actor, department=principal.department, role=role)


@router.post("", status_code=201, summary="转交部门答复（首问负责，限时若干工作日）")
def refer(body: ReferralIn, session: SessionDep, services: ServicesDep, desk: Desk) -> ReferralOut:
    today = utcnow().date()
    due = add_working_days(today, services.settings.referral_due_working_days)
    row = referrals.refer(
        session,
        actor=_actor(desk),
        query=body.query,
        department=body.department,
        due_on=due,
        item=body.item,
        contact=body.contact,
        consent=body.consent,
    )
    audit.record(
        session,
        actor=desk.actor,
        role=desk.role,
        action="referral.create",
        target=f"referral:{row.id}",
        after={"department": row.department, "due_on": row.due_on.isoformat()},
    )
    return _out(row, today)


@router.get("", summary="转交的问题：咨询台看自己转交的，部门看转给本部门的；overdue=true 只看已超期的")
def list_referrals(
    session: SessionDep,
    services: ServicesDep,
    who: Desk,
    mine: bool = Query(default=False, description="只看我转交的"),
    overdue: bool = Query(default=False),
    status: str | None = Query(default=None, pattern="^(open|answered)$"),
) -> list[ReferralOut]:
    today = utcnow().date()
    # department staff see the referrals to their own department; the hall's own staff also see every
    # department's overdue ones (the hall follows them up), as the desk and admins do
    hall = who.department == services.settings.hall_department and overdue
    department = who.department if who.role == Role.STAFF.value and not mine and not hall else None
    rows = referrals.list_referrals(
        session,
        department=department,
        asked_by=who.actor if mine else None,
        status=status,
        overdue_on=today if overdue else None,
    )
    return [_out(r, today) for r in rows]


@router.post("/{referral_id}/answer", summary="部门答复转交的问题（答复回到咨询台，并生成 FAQ 草稿）")
def answer(
    referral_id: int, body: ReferralAnswer, session: SessionDep, services: ServicesDep, staff: StaffOnly
) -> ReferralOut:
    item = body.item or referrals.get_referral(session, referral_id=referral_id).item
    owner, name = None, ""
    if item:
        loaded = services.library.loaded(item, utcnow().date())
        owner, name = loaded.item.department, loaded.item.name
    row = referrals.answer_referral(
        session,
        actor=_actor(staff),
        referral_id=referral_id,
        answer=body.answer,
        item=item,
        item_name=name,
        owner=owner,
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="referral.answer",
        target=f"referral:{row.id}",
        after={"faq_target": row.faq_target},
    )
    return _out(row, utcnow().date())
