"""The FastAPI application: ``create_app()`` builds it; the lifespan builds the heavy services once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import errors, web
from api.bodies import BodyGuard
from api.headers import SecurityHeaders, content_security_policy
from api.routes import (
    auth,
    cases,
    clock,
    decisions,
    hall,
    handover,
    items,
    kb,
    kb_drafts,
    licences,
    notices,
    referrals,
    rule_form,
    rules_admin,
    runs,
    samples,
    settlements,
    users,
)
from api.startup import DispatcherFactory, PrereviewerFactory, start, stop
from core.config import Settings, get_settings
from core.db import Database
from kb.embed import Embedder
from rules.service import RuleContext
from window.notices import style_hashes as notice_style_hashes

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"

TAGS = [
    {"name": "auth", "description": "登录、令牌"},
    {"name": "items", "description": "事项、现行规则、申请材料清单"},
    {"name": "cases", "description": "案件、上传、预审、结论、收件决定"},
    {"name": "notices", "description": "受理通知书、补正告知书、容缺受理通知书、不予受理决定书（PDF/HTML）"},
    {"name": "rules", "description": "部门收件标准的版本管理：草稿、校验、场景、对比、发布、回滚"},
    {"name": "kb", "description": "知识库：检索、FAQ 维护、反馈、未解答问题、命中测试"},
    {"name": "admin", "description": "账号与审计日志（系统管理员）"},
]


def create_app(
    *,
    settings: Settings | None = None,
    db: Database | None = None,
    context: RuleContext | None = None,
    prereviewer: PrereviewerFactory | None = None,
    dispatcher: DispatcherFactory | None = None,
    migrate: bool = True,
    knowledge_base: bool = True,
    embedder: Embedder | None = None,
) -> FastAPI:
    """The app. ``yichuang serve`` passes nothing and gets everything from the settings; tests pass a
    database bound to a rolled-back transaction, a stand-in Prereviewer (made from the rule library)
    and a dispatcher (made from the Runner), leave the knowledge base out (its routes answer 503) or
    give it a quick ``embedder`` instead of the configured model."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = start(
            settings=settings,
            db=db,
            context=context,
            prereviewer=prereviewer,
            dispatcher=dispatcher,
            migrate=migrate,
            knowledge_base=knowledge_base,
            embedder=embedder,
        )
        app.state.services = services
        try:
            yield
        finally:
            stop(services)

    app = FastAPI(
        title="一窗 yichuang",
        version="1.0",
        summary="综合窗口收件预审服务",
        description=(
            "申请人上传的材料按部门收件标准预审；收件人员确认结论并出具文书。所有接口位于 /api/v1 下。"
        ),
        openapi_tags=TAGS,
        lifespan=lifespan,
        # /docs is the service's own page (api.web): FastAPI's pages load Swagger UI and ReDoc from a CDN
        # and run an inline script, neither of which a hall's closed network and strict CSP allow
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    errors.install(app)
    _guard(app, settings)
    _route(app)

    @app.get("/healthz", tags=["admin"], summary="存活检查")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _guard(app: FastAPI, settings: Settings) -> None:
    """Request bodies capped and checked; strict security headers on every answer."""
    app.add_middleware(
        BodyGuard,
        max_bytes=settings.max_body_bytes,
        max_depth=settings.max_json_depth,
        max_digits=settings.max_json_digits,
    )
    app.add_middleware(
        SecurityHeaders,
        csp=content_security_policy(style_hashes=notice_style_hashes()),
        api_prefix=API_PREFIX,
    )


def _route(app: FastAPI) -> None:
    """Every resource under /api/v1, then the pages."""
    root = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        items,
        cases,
        runs,
        decisions,
        settlements,
        notices,
        handover,
        clock,
        hall,
        rules_admin,
        rule_form,
        users,
        kb,
        kb_drafts,
        referrals,
        samples,
        licences,
    ):
        root.include_router(module.router)
    app.include_router(root)
    web.install(app)
