"""Accounts and the audit log: the administrator's business, and nobody else's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import col, select

from api import audit
from api.deps import DbId, Principal, SessionDep, require
from api.errors import CaseNotFound
from api.models import Role, User
from api.schemas import AuditOut, UserIn, UserOut, UserPatch
from api.security import create_user, hash_password

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


@router.get("/users", summary="账号列表")
def list_users(session: SessionDep, _: Admin) -> list[UserOut]:
    rows = session.exec(select(User).order_by(col(User.id)))
    return [UserOut.model_validate(u, from_attributes=True) for u in rows]


@router.post("/users", status_code=201, summary="新建账号")
def add_user(body: UserIn, session: SessionDep, admin: Admin) -> UserOut:
    user = create_user(session, username=body.username, password=body.password, role=body.role,
                       department=body.department, display_name=body.display_name)  # fmt: skip
    audit.record(session, actor=admin.actor, role=admin.role, action="user.create", target=f"user:{user.username}",
                 after={"role": user.role, "department": user.department})  # fmt: skip
    return UserOut.model_validate(user, from_attributes=True)


@router.patch("/users/{user_id}", summary="停用、启用账号或重设密码")
def patch_user(user_id: DbId, body: UserPatch, session: SessionDep, admin: Admin) -> UserOut:
    user = session.get(User, user_id)
    if user is None:
        raise CaseNotFound("没有这个账号")
    before = {"active": user.active, "display_name": user.display_name}
    if body.active is not None:
        user.active = body.active
    if body.display_name is not None:
        user.display_name = body.display_name
    if body.password is not None:
        user.password_hash = hash_password(body.password)
    session.add(user)
    audit.record(session, actor=admin.actor, role=admin.role, action="user.update", target=f"user:{user.username}",
                 before=before, after={"active": user.active, "display_name": user.display_name,
                                       "password_changed": body.password is not None})  # fmt: skip
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/audit", summary="审计日志（只增不改）")
def audit_log(
    session: SessionDep,
    _: Admin,
    action: str | None = Query(default=None, max_length=40),
    target: str | None = Query(default=None, max_length=120, description="前缀，如 case: 或 rule:JT-001"),
    actor: str | None = Query(default=None, max_length=80),
    since: datetime | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> list[AuditOut]:
    rows = audit.search(session, action=action, target=target, actor=actor, since=since, limit=limit, offset=offset)
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]
