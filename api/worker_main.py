"""A procrastinate worker process: builds the Prereviewer once, retries stalled jobs, picks up runs
that lost their job, then executes jobs until stopped."""

from __future__ import annotations

import logging

from api.masking import install_log_masking
from api.migrate import upgrade
from api.ratelimit import RateLimiter
from api.runs import recover
from api.services import Services, build_prereviewer, make_library
from api.storage import BlobStore
from api.worker import QueueDispatcher
from core.config import Settings
from core.db import Database, make_engine, startup_lock
from rules.service import RuleContext

log = logging.getLogger("yichuang.worker")


def run_worker(*, settings: Settings, concurrency: int, wait: bool = True, services: Services | None = None) -> None:
    install_log_masking()
    if services is None:
        db = Database(make_engine(settings.effective_database_url))
        with startup_lock(db):
            upgrade(db.bind)
        context = RuleContext.from_corpus(settings.corpus_dir / "rules", scenarios_dir=settings.corpus_dir / "scenarios")
        library = make_library(db=db, context=context)
        services = Services(settings=settings, db=db, store=BlobStore(settings.data_dir / "blobs"), context=context,
                            library=library, limiter=RateLimiter(per_minute=0))  # fmt: skip
        services.prereviewer = build_prereviewer(settings=settings, library=library)
    queue = QueueDispatcher(database_url=settings.effective_database_url, execute=services.execute_run)
    try:
        with startup_lock(services.db):
            queue.apply_schema()
        queue.close()
        stalled = queue.retry_stalled()
        if stalled:
            log.info("retried %d stalled job(s)", stalled)
        recover(db=services.db, dispatcher=queue)
        queue.close()  # the worker opens its own async pool
        queue.run_worker(concurrency=concurrency, wait=wait)
    finally:
        queue.close()
        if services.prereviewer is not None:
            services.prereviewer.close()
