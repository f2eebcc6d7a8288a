"""The service's own tables: accounts, their bearer tokens and the sign-in backoff.

They are who may ask (sign-in, roles), not what the window handles: the case domain (``window``)
knows a person only by user id and name, so the accounts stay with the HTTP face that checks them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from rules.models import utcnow

__all__ = ["ApiToken", "LoginAttempt", "Role", "User"]


class Role(StrEnum):
    ADMIN = "admin"  # accounts and the audit log; no business actions
    CLERK = "clerk"  # 综合窗口收件人员
    STAFF = "staff"  # 部门工作人员, bound to one department
    CONSULT = "consult"  # 咨询台


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=80)
    display_name: str = Field(default="", max_length=80)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=16)  # a Role
    department: str | None = Field(default=None, max_length=100)  # staff only
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    token_hash: str = Field(primary_key=True, max_length=64)  # sha256 of the bearer token
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins of one user name (an existing account or not: both are treated alike), in the
    database so that every API process counts them together (api.login_guard)."""

    __tablename__ = "login_attempt"
    username: str = Field(primary_key=True, max_length=80)
    failures: int = 0  # since the last successful sign-in or unlock
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None
