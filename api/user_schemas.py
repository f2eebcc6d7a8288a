"""Request and response bodies of accounts, sign-in and the audit log (pure pydantic values). Every
timestamp sent is aware (UTC, with its offset): the pages show it in the reader's local time as it is."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from api.models import Role


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    department: str | None = None


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Role
    department: str | None = Field(default=None, max_length=100)
    display_name: str = Field(default="", max_length=80)


class UserPatch(BaseModel):
    active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    display_name: str | None = Field(default=None, max_length=80)


class PasswordIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    department: str | None
    active: bool
    created_at: AwareDatetime
    locked_until: AwareDatetime | None = Field(
        default=None, description="登录失败过多，须等到此时（管理员可解锁）"
    )


class AuditOut(BaseModel):
    id: int
    at: AwareDatetime
    actor: str
    role: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    digest: str | None = Field(default=None, description="屏蔽前内容的 sha256，用于核对原文")
