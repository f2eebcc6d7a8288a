"""Passwords (argon2), bearer tokens and applicant case tokens (random, stored only as sha256)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.errors import LoginRequired
from api.models import ApiToken, Role, User
from core.errors import BadInput, Conflict
from core.tokens import new_token, token_digest
from rules.models import utcnow

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    department: str | None = None,
    display_name: str = "",
) -> User:
    if len(password) < 8:
        raise BadInput("密码至少 8 位")
    if role is Role.STAFF and not department:
        raise BadInput("部门工作人员必须绑定一个部门（department）")
    if role is not Role.STAFF and department:
        raise BadInput("只有部门工作人员（staff）绑定部门")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"用户名 {username} 已存在")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        department=department,
        display_name=display_name or username,
    )
    session.add(user)
    session.flush()
    return user


@cache
def _dummy_hash() -> str:
    """A hash of a password nobody knows, made with the same parameters as every real one."""
    return _hasher.hash(secrets.token_urlsafe(24))


def login(session: Session, *, username: str, password: str, ttl_hours: float) -> tuple[str, User]:
    user = session.exec(select(User).where(User.username == username)).first()
    # a name that does not exist costs the same argon2 work as a wrong password: the answer's timing
    # must not tell which names are accounts
    correct = verify_password(user.password_hash if user is not None else _dummy_hash(), password)
    if user is None or not user.active or not correct:
        raise LoginRequired("用户名或密码错误")
    token = new_token()
    session.add(
        ApiToken(
            token_hash=token_digest(token),
            user_id=user.id or 0,
            expires_at=utcnow() + timedelta(hours=ttl_hours),
        )
    )
    return token, user


def user_for_token(session: Session, token: str) -> User | None:
    row = session.get(ApiToken, token_digest(token))
    if row is None or row.expires_at < utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def logout(session: Session, token: str) -> None:
    row = session.get(ApiToken, token_digest(token))
    if row is not None:
        session.delete(row)


def revoke_tokens(session: Session, *, user_id: int) -> int:
    """End every session of the account (password changed or reset, account deactivated or reactivated)."""
    result = session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def change_password(session: Session, *, user: User, password: str) -> int:
    """Set a new password and revoke every token of the account; returns how many were revoked."""
    if len(password) < 8:
        raise BadInput("密码至少 8 位")
    user.password_hash = hash_password(password)
    session.add(user)
    return revoke_tokens(session, user_id=user.id or 0)
