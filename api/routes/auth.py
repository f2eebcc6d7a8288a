"""Sign in (bearer tokens), change one's password, who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api import login_guard
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.errors import LoginRequired, NotAllowed
from api.models import User
from api.security import change_password, login, logout, verify_password
from api.user_schemas import PasswordIn, TokenOut, UserOut
from core.config import Settings
from rules.models import utcnow
from window import audit

router = APIRouter(prefix="/auth", tags=["auth"])


def login_policy(settings: Settings) -> login_guard.LoginPolicy:
    return login_guard.LoginPolicy(
        free_failures=settings.login_free_failures,
        backoff_s=settings.login_backoff_s,
        backoff_max_s=settings.login_backoff_max_s,
    )


@router.post("/token", summary="登录，取得令牌（同一用户名连续失败后须等待，失败越多等待越久）")
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    services: ServicesDep,
    request: Request,
) -> TokenOut:
    services.login_limiter.hit(f"login:{request.client.host if request.client else ''}")
    # counted in a unit of work of its own: it stays counted when this request's session rolls back (401)
    with services.db.scope() as attempt:
        policy = login_policy(services.settings)
        login_guard.reserve(attempt, username=form.username, policy=policy, now=utcnow())
    value, user = login(
        session, username=form.username, password=form.password, ttl_hours=services.settings.token_ttl_hours
    )
    login_guard.succeeded(session, username=form.username)
    return TokenOut(
        access_token=value,
        expires_in=int(services.settings.token_ttl_hours * 3600),
        role=user.role,
        department=user.department,
    )


@router.get("/me", summary="当前登录的用户")
def me(principal: PrincipalDep, session: SessionDep) -> UserOut:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    user = session.get(User, principal.user_id)
    assert user is not None
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/password", status_code=204, summary="修改本人密码（本账号的全部令牌随即失效，请重新登录）")
def new_password(
    body: PasswordIn, principal: PrincipalDep, session: SessionDep, services: ServicesDep
) -> None:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    user = session.get(User, principal.user_id)
    assert user is not None
    with services.db.scope() as attempt:  # the current password is guessed no faster than at sign-in
        login_guard.reserve(
            attempt, username=user.username, policy=login_policy(services.settings), now=utcnow()
        )
    if not verify_password(user.password_hash, body.current_password):
        raise NotAllowed("当前密码不正确")
    login_guard.succeeded(session, username=user.username)
    revoked = change_password(session, user=user, password=body.new_password)
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role,
        action="user.password",
        target=f"user:{user.username}",
        after={"tokens_revoked": revoked},
    )


@router.post("/logout", status_code=204, summary="注销当前令牌")
def sign_out(request: Request, session: SessionDep, principal: PrincipalDep) -> None:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    header = request.headers.get("authorization", "")
    logout(session, header.split(" ", 1)[-1].strip())
