"""The comprehensive window (综合窗口): the case domain between the HTTP face (``api``) and the
pre-review (``prereview``). Nothing here imports ``api``.

Public surface (re-exported below): the tables (``window.models``), the errors (``window.errors``), blob
storage, masking of what a reader may not see, page images, runs and who executes them, and what a
process builds once (``window.runtime``). The operations are modules taking the caller's session and
never committing: ``window.cases`` (create, files, decide, retention), ``window.settlements``
(请核对), ``window.counters`` (numbers), ``window.runs`` (queue, execute, recover), ``window.audit``
and ``window.notices``.
"""

from window import (
    audit,
    cases,
    clock,
    counters,
    decisions,
    errors,
    handover,
    impact,
    licence_fetch,
    licences,
    models,
    notices,
    outbox,
    page_images,
    reminders,
    runs,
    samples,
    settlements,
    stats,
    storage,
    tolerance,
    workdays,
)
from window.dispatchers import InlineDispatcher, QueueDispatcher, ThreadDispatcher
from window.errors import CaseNotFound, StateConflict, StoredFileMissing, UploadRefused
from window.hall import Hall
from window.masking import CaseMasker, MaskingFilter, install_log_masking
from window.models import (
    AuditEvent,
    Case,
    CaseClock,
    CaseFile,
    CaseStatus,
    Channel,
    ClerkDecision,
    ClockPause,
    Counter,
    HolidayDay,
    IssuedNotice,
    Notification,
    Run,
    RunStatus,
    Settlement,
    Supplement,
)
from window.page_images import PageImages, kept
from window.runs import Dispatcher, PrereviewEngine, Runner, recover
from window.runtime import (
    blob_store,
    build_hall,
    build_page_images,
    build_prereviewer,
    licence_fetcher,
    licence_store,
    read_limits,
    rule_library,
    sample_store,
)
from window.settlements import Action, Point, Suggestion
from window.storage import BlobStore, Received
from window.worker import run_worker

__all__ = [
    "Action",
    "AuditEvent",
    "BlobStore",
    "Case",
    "CaseClock",
    "CaseFile",
    "CaseMasker",
    "CaseNotFound",
    "CaseStatus",
    "Channel",
    "ClerkDecision",
    "ClockPause",
    "Counter",
    "Dispatcher",
    "Hall",
    "HolidayDay",
    "InlineDispatcher",
    "IssuedNotice",
    "MaskingFilter",
    "Notification",
    "PageImages",
    "Point",
    "PrereviewEngine",
    "QueueDispatcher",
    "Received",
    "Run",
    "RunStatus",
    "Runner",
    "Settlement",
    "StateConflict",
    "StoredFileMissing",
    "Suggestion",
    "Supplement",
    "ThreadDispatcher",
    "UploadRefused",
    "audit",
    "blob_store",
    "build_hall",
    "build_page_images",
    "build_prereviewer",
    "cases",
    "clock",
    "counters",
    "decisions",
    "errors",
    "handover",
    "impact",
    "install_log_masking",
    "kept",
    "licence_fetch",
    "licence_fetcher",
    "licence_store",
    "licences",
    "models",
    "notices",
    "outbox",
    "page_images",
    "read_limits",
    "recover",
    "reminders",
    "rule_library",
    "run_worker",
    "runs",
    "sample_store",
    "samples",
    "settlements",
    "stats",
    "storage",
    "tolerance",
    "workdays",
]
