"""The comprehensive window (综合窗口): the case domain between the HTTP face (``api``) and the
pre-review (``prereview``). Nothing here imports ``api``.

Public surface (re-exported below): the tables (``window.models``), the errors (``window.errors``), blob
storage, masking of what a reader may not see, page images, runs and who executes them, and what a
process builds once (``window.runtime``). The operations are modules taking the caller's session and
never committing: ``window.cases`` (create, files, decide, retention), ``window.settlements``
(请核对), ``window.runs`` (queue, execute, recover), ``window.audit`` and ``window.notices``.
"""

from window import audit, cases, errors, impact, models, notices, page_images, runs, settlements, storage
from window.dispatchers import InlineDispatcher, QueueDispatcher, ThreadDispatcher
from window.errors import CaseNotFound, StateConflict, StoredFileMissing, UploadRefused
from window.masking import CaseMasker, MaskingFilter, install_log_masking
from window.models import (
    AuditEvent,
    Case,
    CaseFile,
    CaseStatus,
    Channel,
    ClerkDecision,
    Run,
    RunStatus,
    Settlement,
)
from window.page_images import PageImages, kept
from window.runs import Dispatcher, PrereviewEngine, Runner, recover
from window.runtime import blob_store, build_page_images, build_prereviewer, read_limits, rule_library
from window.settlements import Action, Point, Suggestion
from window.storage import BlobStore, Received
from window.worker import run_worker

__all__ = [
    "Action",
    "AuditEvent",
    "BlobStore",
    "Case",
    "CaseFile",
    "CaseMasker",
    "CaseNotFound",
    "CaseStatus",
    "Channel",
    "ClerkDecision",
    "Dispatcher",
    "InlineDispatcher",
    "MaskingFilter",
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
    "ThreadDispatcher",
    "UploadRefused",
    "audit",
    "blob_store",
    "build_page_images",
    "build_prereviewer",
    "cases",
    "errors",
    "impact",
    "install_log_masking",
    "kept",
    "models",
    "notices",
    "page_images",
    "read_limits",
    "recover",
    "rule_library",
    "run_worker",
    "runs",
    "settlements",
    "storage",
]
