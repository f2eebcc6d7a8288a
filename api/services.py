"""The heavy things the service builds once (in the lifespan) and every request shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.ratelimit import RateLimiter
from api.runs import Dispatcher, PrereviewerLike
from api.storage import BlobStore
from core.config import Settings
from core.db import Database
from rules import service as rule_service
from rules.live import RuleLibrary
from rules.service import RuleContext

log = logging.getLogger("yichuang.api")


@dataclass
class Services:
    settings: Settings
    db: Database
    store: BlobStore
    context: RuleContext
    library: RuleLibrary
    limiter: RateLimiter  # requests without an account, per address
    # sign-in requests, per address
    login_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=0))
    dispatcher: Dispatcher | None = None
    prereviewer: PrereviewerLike | None = None
    kb: Any = None  # kb.service's service object, when kb is there
    extras: dict[str, Any] = field(default_factory=dict)

    def execute_run(self, run_id: int) -> object:
        from api.page_images import page_images
        from api.runs import execute

        pages = page_images(self) if self.prereviewer is not None else None  # the run's page images, kept
        return execute(run_id, db=self.db, prereviewer=self.prereviewer, store=self.store, pages=pages)


def make_library(*, db: Database, context: RuleContext, ttl: float = 2.0) -> RuleLibrary:
    def resolve(on: date) -> dict[str, str]:
        with db.scope() as session:
            return {code: v.yaml_text for code, v in rule_service.all_in_effect(session, on=on).items()}

    return RuleLibrary(context=context, resolve=resolve, ttl=ttl)


def build_prereviewer(*, settings: Settings, library: RuleLibrary) -> PrereviewerLike | None:
    """The real Prereviewer (OCR process pool), or None while prereview.pipeline is not there."""
    try:
        from prereview.pipeline import Prereviewer
        from prereview.reader import ReadLimits
    except ImportError:
        log.warning("prereview.pipeline is not importable: pre-review runs will fail until it is installed")
        return None
    limits = ReadLimits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages,
                        max_pixels=settings.max_pixels, timeout_seconds=settings.parse_timeout_s)  # fmt: skip
    pre = Prereviewer(
        evaluator=library.evaluator(),
        workers=settings.workers,
        limits=limits,
        case_budget_s=settings.case_read_budget_s,
    )
    start = getattr(pre, "start", None)
    if callable(start):
        start()  # the OCR worker processes: started now, not on the first case
    out: PrereviewerLike = pre
    return out
