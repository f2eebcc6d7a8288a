"""The FastAPI application: ``create_app()`` builds it; the lifespan builds the heavy services once."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI

from api import errors
from api.bodies import BodyGuard
from api.headers import SecurityHeaders, content_security_policy
from api.masking import install_log_masking
from api.notices.render import style_hashes as notice_style_hashes
from api.ratelimit import RateLimiter
from api.runs import Dispatcher, PrereviewerLike, recover
from api.services import Services, build_prereviewer, make_library
from api.storage import BlobStore
from core.config import Settings, get_settings
from core.db import Database, make_engine, startup_lock
from rules import service as rule_service
from rules.models import utcnow
from rules.service import RuleContext

log = logging.getLogger("yichuang.api")

API_PREFIX = "/api/v1"
DispatcherFactory = Callable[[Services], Dispatcher]

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
    prereviewer: PrereviewerLike | None = None,
    dispatcher: DispatcherFactory | None = None,
    migrate: bool = True,
    kb: Any = "auto",
    kb_embedder: Any = None,
) -> FastAPI:
    """The app. Tests pass a database bound to a rolled-back transaction, a fake Prereviewer and an
    inline dispatcher; ``yichuang serve`` passes nothing and gets the real ones from the settings.
    ``kb``: "auto" builds the knowledge base when kb is importable (with ``kb_embedder`` instead of the
    configured model, in tests); None leaves it out (its routes answer 503)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = _start(settings=settings, db=db, context=context, prereviewer=prereviewer,
                          dispatcher=dispatcher, migrate=migrate, kb=kb)  # fmt: skip
        if kb == "auto":
            services.kb = _build_kb(services, embedder=kb_embedder)
        app.state.services = services
        try:
            yield
        finally:
            _stop(services)

    app = FastAPI(
        title="一窗 yichuang",
        version="1.0",
        summary="综合窗口收件预审服务",
        description="申请人上传的材料按部门收件标准预审；收件人员确认结论并出具文书。所有接口位于 /api/v1 下。",
        openapi_tags=TAGS,
        lifespan=lifespan,
        # /docs is the service's own page (api.web): FastAPI's pages load Swagger UI and ReDoc from a CDN
        # and run an inline script, neither of which a hall's closed network and strict CSP allow
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    errors.install(app)
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
    from api.routes import auth, cases, items, notices, rules_admin, settlements, users
    from api.routes import kb as kb_routes

    root = APIRouter(prefix=API_PREFIX)
    for module in (auth, items, cases, settlements, notices, rules_admin, users):
        root.include_router(module.router)
    if kb_routes.available():
        root.include_router(kb_routes.router)
    app.include_router(root)
    from api import web

    web.install(app)

    @app.get("/healthz", tags=["admin"], summary="存活检查")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _start(
    *,
    settings: Settings,
    db: Database | None,
    context: RuleContext | None,
    prereviewer: PrereviewerLike | None,
    dispatcher: DispatcherFactory | None,
    migrate: bool,
    kb: Any,
) -> Services:
    install_log_masking()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if db is None:
        db = Database(make_engine(settings.effective_database_url))
    rules_dir = settings.corpus_dir / "rules"
    context = context or RuleContext.from_corpus(rules_dir, scenarios_dir=settings.corpus_dir / "scenarios")
    queue: Any = None
    with startup_lock(db):  # several processes starting at once migrate and seed one after the other
        if migrate:
            from api.migrate import upgrade

            upgrade(db.bind)
        with db.scope() as session:
            added = rule_service.seed(session, rules_dir=rules_dir, context=context)
            if added:
                log.info("seeded rule versions: %s", ", ".join(v.item_code for v in added))
        if kb == "auto":
            _prepare_kb(db, settings, make_library(db=db, context=context))
        if dispatcher is None and settings.queue == "procrastinate":
            from api.worker import QueueDispatcher

            queue = QueueDispatcher(database_url=settings.effective_database_url)
            queue.apply_schema()
    library = make_library(db=db, context=context)
    services = Services(settings=settings, db=db, store=BlobStore(settings.data_dir / "blobs"), context=context,
                        library=library, limiter=RateLimiter(per_minute=settings.applicant_rate_per_minute))  # fmt: skip
    services.login_limiter = RateLimiter(per_minute=settings.login_rate_per_minute)
    services.kb = None if kb == "auto" else kb  # built by the lifespan, after the start
    if dispatcher is not None:
        services.prereviewer = prereviewer
        services.dispatcher = dispatcher(services)
    elif settings.queue == "procrastinate":
        services.dispatcher = queue  # this process defers; `yichuang worker` processes execute
    else:
        from api.worker import ThreadDispatcher

        services.prereviewer = prereviewer or build_prereviewer(settings=settings, library=library)
        services.dispatcher = ThreadDispatcher(services.execute_run, threads=settings.run_threads)
    assert services.dispatcher is not None
    recover(db=db, dispatcher=services.dispatcher)
    if dispatcher is None:
        _start_sweeper(services)
    return services


def _stop(services: Services) -> None:
    stop = services.extras.get("sweeper_stop")
    if isinstance(stop, threading.Event):
        stop.set()
    if services.dispatcher is not None:
        services.dispatcher.close()
    if services.prereviewer is not None:
        services.prereviewer.close()
    pages = services.extras.get("page_images")  # its reader process, if a page was ever shown
    if pages is not None:
        pages.close()


def _prepare_kb(db: Database, settings: Settings, library: Any) -> None:
    """KB tables, the shipped FAQs and glossary, and the service-guide sections of the rules in effect."""
    from api.routes import kb as kb_routes

    if kb_routes.available():
        try:
            kb_routes.prepare(db, corpus_dir=settings.corpus_dir)
            with db.scope() as session:
                items = library.items_on(utcnow().date())
                kb_routes.sync_item_guides(session, catalog=library.context.catalog, items=items)
        except Exception:
            log.exception("the knowledge base tables could not be prepared")


def _build_kb(services: Services, *, embedder: Any = None) -> Any:
    from api.routes import kb as kb_routes

    if not kb_routes.available():
        return None
    try:
        return kb_routes.build(services, embedder=embedder)
    except Exception:
        log.exception("the knowledge base could not be started; its routes answer 503")
        return None


def _start_sweeper(services: Services, *, every_s: float = 600.0) -> None:
    """Apply the retention every ten minutes (see ``sweep``)."""
    stop = threading.Event()
    services.extras["sweeper_stop"] = stop

    def loop() -> None:
        while not stop.is_set():
            try:
                sweep(services)
            except Exception:
                log.exception("applying the retention failed")
            stop.wait(every_s)

    threading.Thread(target=loop, name="retention-sweeper", daemon=True).start()


def sweep(services: Services) -> None:
    """Delete what is kept no longer: the uploads (and what was read from them) of applicants' self-checks
    past YICHUANG_APPLICANT_RETENTION_HOURS, and unanswered questions not asked again for
    YICHUANG_KB_QUESTION_RETENTION_DAYS."""
    from api.cases_service import purge_expired
    from api.routes import kb as kb_routes

    with services.db.scope() as session:
        purge_expired(session, store=services.store)
    with services.db.scope() as session:
        keep = timedelta(days=services.settings.kb_question_retention_days)
        kb_routes.purge_questions(session, older_than=keep)
