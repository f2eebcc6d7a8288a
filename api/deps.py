"""Request dependencies: the session, the services built in the lifespan, who is asking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as FastApiPath
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.errors import LoginRequired, NotAllowed
from api.models import Role
from api.security import user_for_token
from api.services import Services
from core.tokens import token_digest
from window import Case, CaseMasker, CaseNotFound, Channel

APPLICANT = Channel.APPLICANT.value  # the role of whoever holds a case token: the case's own applicant


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """The request's unit of work: committed when the handler returns, rolled back if it raises."""
    with services.db.scope() as session:
        yield session


# scope="function": the commit happens when the handler returns, before the response is sent — a client
# that reads a 201 can use what it created at once, from any process.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="POST /api/v1/auth/token 取得的令牌")
_case_token = APIKeyHeader(name="X-Case-Token", auto_error=False, description="申请人自助预检的案件令牌")


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user, an applicant holding a case token, or nobody."""

    role: str  # a Role value, "applicant" or "" (anonymous)
    username: str = ""
    user_id: int | None = None
    department: str | None = None
    case_token: str | None = None
    address: str = ""

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def actor(self) -> str:
        return self.username or ("applicant" if self.case_token else "anonymous")

    def has(self, *roles: Role) -> bool:
        return self.role in {r.value for r in roles}


def get_principal(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    case_token: Annotated[str | None, Depends(_case_token)],
) -> Principal:
    address = request.client.host if request.client else ""
    if bearer is not None:
        # a unit of work of its own, over before the handler runs: an upload streaming for a minute must
        # not hold a database connection all the while (concurrent uploads would empty the pool)
        with services.db.scope() as session:
            user = user_for_token(session, bearer.credentials)
        if user is None:
            raise LoginRequired("登录已失效，请重新登录")
        return Principal(
            role=user.role,
            username=user.username,
            user_id=user.id,
            department=user.department,
            address=address,
        )
    if case_token:
        return Principal(role=APPLICANT, case_token=case_token, address=address)
    return Principal(role="", address=address)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting signed-in users of ``roles`` only (401 without a login, 403 otherwise)."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.is_user:
            raise LoginRequired("请先登录")
        if not principal.has(*roles):
            names = "、".join(_ROLE_ZH[r] for r in roles)
            raise NotAllowed(f"只有{names}可以执行此操作")
        return principal

    return check


_ROLE_ZH = {
    Role.ADMIN: "系统管理员",
    Role.CLERK: "综合窗口人员",
    Role.STAFF: "部门工作人员",
    Role.CONSULT: "咨询台人员",
}


def throttle(services: ServicesDep, principal: PrincipalDep) -> Principal:
    """Requests without an account are rate-limited per client address."""
    if not principal.is_user:
        services.limiter.hit(principal.address or "unknown")
    return principal


Throttled = Annotated[Principal, Depends(throttle)]


def case_for(session: Session, principal: Principal, case_id: str, *, write: bool = False) -> Case:
    """The case if ``principal`` may see it (write: may change it); 404 for an applicant's wrong token."""
    case = session.get(Case, case_id) if len(case_id) <= 32 else None
    if principal.role == APPLICANT:
        if (
            case is None
            or case.token_hash is None
            or case.token_hash != token_digest(principal.case_token or "")
        ):
            raise CaseNotFound("没有这个案件")
        return case
    if not principal.is_user:
        raise LoginRequired("请先登录，或携带案件令牌（X-Case-Token）")
    if case is None:
        raise CaseNotFound("没有这个案件")
    if principal.has(Role.CLERK):
        return case
    if write:
        raise NotAllowed("只有综合窗口人员可以办理案件")
    if principal.has(Role.CONSULT):
        return case
    if principal.has(Role.STAFF) and case.department == principal.department:
        return case
    if principal.has(Role.STAFF):
        raise NotAllowed("部门工作人员只能查看本部门事项的案件")
    raise NotAllowed("系统管理员不办理业务")


def sees_identity(principal: Principal) -> bool:
    """Clerks and the applicant see identity and phone numbers unmasked; every other role masked."""
    return principal.role in (Role.CLERK.value, APPLICANT)


def case_masker(case: Case, principal: Principal) -> CaseMasker:
    """What ``principal`` reads of ``case``: in full, or masked (``sees_identity``)."""
    return CaseMasker(
        declared=case.declared, applicant_name=case.applicant_name, masked=not sees_identity(principal)
    )


DbId = Annotated[int, FastApiPath(ge=1, le=2_147_483_647, description="id")]
