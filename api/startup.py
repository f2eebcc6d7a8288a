"""What the service does as it starts and stops: migrate and seed (one process at a time), build the
services, hand unfinished runs on again, open the knowledge base, apply the retention every ten minutes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from api import knowledge
from api.migrate import upgrade
from api.ratelimit import RateLimiter
from api.services import Services
from core.config import Settings
from core.db import Database, make_engine, startup_lock
from kb.base import KnowledgeBase
from kb.embed import Embedder
from rules import publishing
from rules.live import RuleLibrary
from rules.service import RuleContext
from window import (
    BlobStore,
    Dispatcher,
    PageImages,
    PrereviewEngine,
    QueueDispatcher,
    Runner,
    ThreadDispatcher,
    blob_store,
    build_hall,
    build_page_images,
    build_prereviewer,
    install_log_masking,
    licence_fetcher,
    recover,
    rule_library,
    sample_store,
)
from window import samples as window_samples
from window.cases import purge_expired

log = logging.getLogger("yichuang.api")

PrereviewerFactory = Callable[[RuleLibrary], PrereviewEngine]
DispatcherFactory = Callable[[Runner], Dispatcher]


def start(
    *,
    settings: Settings,
    db: Database | None,
    context: RuleContext | None,
    prereviewer: PrereviewerFactory | None,
    dispatcher: DispatcherFactory | None,
    migrate: bool,
    knowledge_base: bool,
    embedder: Embedder | None,
) -> Services:
    """The services of one process. Without ``dispatcher`` runs go where the settings say (and the
    retention sweeper runs); without ``prereviewer`` the real one is built, unless this process only
    queues runs for ``yichuang worker`` processes (YICHUANG_QUEUE=procrastinate)."""
    install_log_masking()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = db or Database(make_engine(settings.effective_database_url))
    rules_dir = settings.corpus_dir / "rules"
    context = context or RuleContext.from_corpus(rules_dir, scenarios_dir=settings.corpus_dir / "scenarios")
    library = rule_library(db=db, context=context)
    queue = None
    if dispatcher is None and settings.queue == "procrastinate":
        queue = QueueDispatcher(database_url=settings.effective_database_url)
    with startup_lock(db):  # several processes starting at once migrate and seed one after the other
        if migrate:
            upgrade(db.bind)
        _seed(db, rules_dir=rules_dir, context=context, samples=sample_store(settings))
        if knowledge_base:
            _prepare_kb(db, settings=settings, library=library)
        if queue is not None:
            queue.apply_schema()
    store, pages = blob_store(settings), build_page_images(settings)
    engine: PrereviewEngine | None = None
    runs: Dispatcher | None = queue  # a queue: this process defers, `yichuang worker` processes execute
    if runs is None:
        engine = (prereviewer or _real_prereviewer(settings))(library)
        licences = licence_fetcher(settings=settings, db=db, library=library)
        runner = Runner(db=db, store=store, prereviewer=engine, pages=pages, licences=licences)
        runs = (dispatcher or _threads(settings))(runner)
    services = _services(settings, db=db, store=store, library=library, pages=pages, runs=runs, engine=engine)
    recover(db=db, dispatcher=runs)
    if dispatcher is None:
        services.sweeper = _start_sweeper(services)
    if knowledge_base:
        services.kb = _open_kb(db, settings=settings, library=library, embedder=embedder)
    return services


def _services(
    settings: Settings,
    *,
    db: Database,
    store: BlobStore,
    library: RuleLibrary,
    pages: PageImages,
    runs: Dispatcher,
    engine: PrereviewEngine | None,
) -> Services:
    return Services(
        settings=settings,
        hall=build_hall(settings),
        db=db,
        store=store,
        library=library,
        pages=pages,
        dispatcher=runs,
        limiter=RateLimiter(per_minute=settings.applicant_rate_per_minute),
        login_limiter=RateLimiter(per_minute=settings.login_rate_per_minute),
        prereviewer=engine,
    )


def _real_prereviewer(settings: Settings) -> PrereviewerFactory:
    return lambda library: build_prereviewer(settings=settings, library=library)


def _threads(settings: Settings) -> DispatcherFactory:
    return lambda runner: ThreadDispatcher(runner, threads=settings.run_threads)


def stop(services: Services) -> None:
    if services.sweeper is not None:
        services.sweeper.set()
    services.dispatcher.close()
    if services.prereviewer is not None:
        services.prereviewer.close()
    services.pages.close()  # its reader process, if a page was ever shown


def _seed(db: Database, *, rules_dir: Path, context: RuleContext, samples: BlobStore) -> None:
    """The rule versions of the shipped rule files, for the items that have none yet, and the shipped
    material samples of those seed versions."""
    with db.scope() as session:
        added = publishing.seed(session, rules_dir=rules_dir, context=context)
        if added:
            log.info("seeded rule versions: %s", ", ".join(v.item_code for v in added))
        seeded = window_samples.seed(session, samples_dir=rules_dir.parent / "samples", store=samples)
        if seeded:
            log.info("seeded %d material samples", seeded)


def _prepare_kb(db: Database, *, settings: Settings, library: RuleLibrary) -> None:
    try:
        knowledge.prepare(db, settings=settings, library=library)
    except Exception:  # the desk's search is down, the window is not: the KB's routes answer 503
        log.exception("the knowledge base tables could not be prepared")


def _open_kb(
    db: Database, *, settings: Settings, library: RuleLibrary, embedder: Embedder | None
) -> KnowledgeBase | None:
    try:
        return knowledge.open_index(db, settings=settings, library=library, embedder=embedder)
    except Exception:  # as above: a failed index (a model that cannot load) leaves the KB's routes 503
        log.exception("the knowledge base could not be started; its routes answer 503")
        return None


def _start_sweeper(services: Services, *, every_s: float = 600.0) -> threading.Event:
    """Apply the retention every ten minutes (see ``sweep``); setting the event stops it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                sweep(services)
            except Exception:
                log.exception("applying the retention failed")
            stop.wait(every_s)

    threading.Thread(target=loop, name="retention-sweeper", daemon=True).start()
    return stop


def sweep(services: Services) -> None:
    """Delete what is kept no longer: the uploads (and what was read from them) of applicants' self-checks
    past YICHUANG_APPLICANT_RETENTION_HOURS, and unanswered questions not asked again for
    YICHUANG_KB_QUESTION_RETENTION_DAYS."""
    with services.db.scope() as session:
        purge_expired(session, store=services.store)
    with services.db.scope() as session:
        keep = timedelta(days=services.settings.kb_question_retention_days)
        knowledge.purge_questions(session, older_than=keep)
