"""Sign in (bearer tokens) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.errors import LoginRequired
from api.models import User
from api.schemas import TokenOut, UserOut
from api.security import login, logout

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", summary="登录，取得令牌")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, services: ServicesDep,
          request: Request) -> TokenOut:  # fmt: skip
    services.limiter.hit(f"login:{request.client.host if request.client else ''}")
    value, user = login(session, username=form.username, password=form.password,
                        ttl_hours=services.settings.token_ttl_hours)  # fmt: skip
    return TokenOut(access_token=value, expires_in=int(services.settings.token_ttl_hours * 3600), role=user.role,
                    department=user.department)  # fmt: skip


@router.get("/me", summary="当前登录的用户")
def me(principal: PrincipalDep, session: SessionDep) -> UserOut:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    user = session.get(User, principal.user_id)
    assert user is not None
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/logout", status_code=204, summary="注销当前令牌")
def sign_out(request: Request, session: SessionDep, principal: PrincipalDep) -> None:
    if principal.user_id is None:
        raise LoginRequired("请先登录")
    header = request.headers.get("authorization", "")
    logout(session, header.split(" ", 1)[-1].strip())
