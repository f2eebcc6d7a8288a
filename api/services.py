"""The heavy things the service builds once (in the lifespan) and every request shares."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from api.ratelimit import RateLimiter
from core.config import Settings
from core.db import Database
from kb.base import KnowledgeBase
from rules.live import RuleLibrary
from rules.service import RuleContext
from window import BlobStore, Dispatcher, Hall, PageImages, PrereviewEngine, licence_store, sample_store
from window.impact import FactsCache


@dataclass
class Services:
    settings: Settings
    hall: Hall  # names, contact and numbering printed on notices
    db: Database
    store: BlobStore
    library: RuleLibrary
    pages: PageImages  # the evidence view's page images
    dispatcher: Dispatcher  # who executes the runs this process queues
    limiter: RateLimiter  # requests without an account, per address
    login_limiter: RateLimiter  # sign-in requests, per address
    # None where this process only queues runs for `yichuang worker` processes (YICHUANG_QUEUE=procrastinate)
    prereviewer: PrereviewEngine | None = None
    kb: KnowledgeBase | None = None  # None while the knowledge base is not built: its routes answer 503
    sweeper: threading.Event | None = None  # set to stop the retention sweeper
    facts_cache: FactsCache = field(default_factory=FactsCache)  # stored run facts, for impact previews

    @property
    def context(self) -> RuleContext:
        return self.library.context

    @property
    def sample_store(self) -> BlobStore:
        return sample_store(self.settings)

    @property
    def licence_store(self) -> BlobStore:
        return licence_store(self.settings)
