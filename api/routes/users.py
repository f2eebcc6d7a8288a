"""Accounts and the audit log: the administrator's business, and nobody else's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import col, select

from api import login_guard
from api.deps import DbId, Principal, SessionDep, require
from api.models import Role, User
from api.security import change_password, create_user, revoke_tokens
from api.user_schemas import AuditOut, UserIn, UserOut, UserPatch
from rules.models import utcnow
from window import CaseNotFound, audit

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


@router.get("/users", summary="账号列表（含因登录失败过多而须等待的账号）")
def list_users(session: SessionDep, _: Admin) -> list[UserOut]:
    rows = list(session.exec(select(User).order_by(col(User.id))))
    locked = login_guard.locked_until(session, usernames=[u.username for u in rows], now=utcnow())
    return [
        UserOut.model_validate(u, from_attributes=True).model_copy(
            update={"locked_until": locked.get(u.username)}
        )
        for u in rows
    ]


@router.post("/users", status_code=201, summary="新建账号")
def add_user(body: UserIn, session: SessionDep, admin: Admin) -> UserOut:
    user = create_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        department=body.department,
        display_name=body.display_name,
    )
    audit.record(
        session,
        actor=admin.actor,
        role=admin.role,
        action="user.create",
        target=f"user:{user.username}",
        after={"role": user.role, "department": user.department},
    )
    return UserOut.model_validate(user, from_attributes=True)


@router.patch(
    "/users/{user_id}", summary="停用、启用账号或重设密码（重设、停用、启用都使该账号的全部令牌失效）"
)
def patch_user(user_id: DbId, body: UserPatch, session: SessionDep, admin: Admin) -> UserOut:
    user = _user(session, user_id)
    before = {"active": user.active, "display_name": user.display_name}
    revoked = 0
    if body.active is not None and body.active != user.active:
        user.active = body.active
        # a deactivated account's tokens end now, and reactivating it must not bring them back
        revoked = revoke_tokens(session, user_id=user_id)
    if body.display_name is not None:
        user.display_name = body.display_name
    if body.password is not None:
        revoked += change_password(session, user=user, password=body.password)
        login_guard.unlock(session, username=user.username)  # the administrator has just reset it
    session.add(user)
    audit.record(
        session,
        actor=admin.actor,
        role=admin.role,
        action="user.update",
        target=f"user:{user.username}",
        before=before,
        after={
            "active": user.active,
            "display_name": user.display_name,
            "password_changed": body.password is not None,
            "tokens_revoked": revoked,
        },
    )
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/users/{user_id}/unlock", summary="解锁：因登录失败过多而须等待的账号立即可以登录")
def unlock_user(user_id: DbId, session: SessionDep, admin: Admin) -> UserOut:
    user = _user(session, user_id)
    was_locked = login_guard.unlock(session, username=user.username)
    audit.record(
        session,
        actor=admin.actor,
        role=admin.role,
        action="user.unlock",
        target=f"user:{user.username}",
        after={"had_failures": was_locked},
    )
    return UserOut.model_validate(user, from_attributes=True)


def _user(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise CaseNotFound("没有这个账号")
    return user


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
    rows = audit.search(
        session, action=action, target=target, actor=actor, since=since, limit=limit, offset=offset
    )
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]
