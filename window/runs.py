"""Pre-review runs: queue one, execute one (in a worker), pick up the unfinished ones after a restart.

A run is a row first (status ``queued``), committed, then handed to the dispatcher; whoever executes
it marks it ``running``, calls the Prereviewer outside any transaction and stores the decision. A run
is never lost: a process that starts finds every run still ``queued`` or ``running`` and hands it on
again (executing a run twice gives the same answer; a finished run is never executed again).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlmodel import Session, col, func, select

from core.db import Database
from core.errors import AppError
from prereview.pipeline import DocumentSink, PrereviewResult, UploadedFile
from prereview.progress import ProgressSink, RunProgress
from rules.live import LiveEvaluator
from rules.models import utcnow
from window.errors import StoredFileMissing
from window.licence_fetch import LicenceFetcher
from window.models import Case, CaseFile, Run, RunStatus
from window.outcome import Outcome, finish
from window.page_images import PageImages, kept
from window.storage import BlobStore

__all__ = [
    "Dispatcher",
    "PrereviewEngine",
    "ProgressWriter",
    "Runner",
    "execute",
    "in_progress_from",
    "queue_run",
    "recover",
]

log = logging.getLogger("yichuang.runs")


class PrereviewEngine(Protocol):
    """What judges a run's files: ``prereview.pipeline.Prereviewer``, or a test's stand-in for it."""

    def run(
        self,
        *,
        item: str,
        review_date: date,
        declared: dict[str, Any],
        files: list[UploadedFile],
        case_id: str = "",
        keep: DocumentSink | None = None,
        progress: ProgressSink | None = None,
    ) -> PrereviewResult: ...

    def close(self) -> None: ...


class Dispatcher(Protocol):
    """Who executes a queued run, off the request path (``window.dispatchers``)."""

    def submit(self, run_id: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Runner:
    """Executes runs by id: what a dispatcher's threads or a worker process call."""

    db: Database
    store: BlobStore
    prereviewer: PrereviewEngine
    pages: PageImages | None = None  # handed the page images of the runs whose pages are kept
    licences: LicenceFetcher | None = None  # 电子证照库调取 for clerks' cases; None: no source configured

    def __call__(self, run_id: int) -> str | None:
        return execute(
            run_id,
            db=self.db,
            prereviewer=self.prereviewer,
            store=self.store,
            pages=self.pages,
            licences=self.licences,
        )


@dataclass(frozen=True)
class _Job:
    """What a run reads and judges, taken from the database in its first unit of work."""

    case_id: str
    item: str
    declared: dict[str, Any]
    review_date: date
    rows: list[CaseFile]  # the run's file rows still there
    expected: int  # how many files the run was queued with
    keep: DocumentSink | None = None
    channel: str = ""
    requested_by: str = ""


def today() -> date:
    return datetime.now(UTC).date()


def queue_run(session: Session, *, case: Case, requested_by: str, client_address: str = "") -> Run:
    """A new run of the case's active files (the caller dispatches it after the commit)."""
    files = list(
        session.exec(
            select(CaseFile)
            .where(CaseFile.case_id == case.id, col(CaseFile.active))
            .order_by(col(CaseFile.id))
        )
    )
    number = (session.exec(select(func.max(Run.number)).where(Run.case_id == case.id)).one() or 0) + 1
    run = Run(
        case_id=case.id,
        number=number,
        review_date=case.review_date or today(),
        file_ids=[f.id for f in files if f.id is not None],
        requested_by=requested_by,
        client_address=client_address[:64],
    )
    session.add(run)
    session.flush()
    return run


def in_progress_from(session: Session, *, client_address: str) -> int:
    """Runs queued or running that were requested from this address."""
    stmt = (
        select(func.count())
        .select_from(Run)
        .where(
            Run.client_address == client_address[:64],
            col(Run.status).in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
        )
    )
    return int(session.exec(stmt).one())


def execute(
    run_id: int,
    *,
    db: Database,
    prereviewer: PrereviewEngine,
    store: BlobStore,
    pages: PageImages | None = None,
    licences: LicenceFetcher | None = None,
) -> str | None:
    """Execute one run; returns its final status (None when it was finished already or is gone). ``pages``
    is handed the page images the run read, when the case's pages are kept (the evidence view's cache);
    ``licences`` fetches what a clerk's case did not upload and the 电子证照 library holds."""
    with db.scope() as session:
        job = _begin(session, run_id, store=store, pages=pages)
    if job is None:
        return None
    outcome = _judge(
        run_id,
        job,
        prereviewer=prereviewer,
        store=store,
        licences=licences,
        progress=ProgressWriter(db, run_id),
    )
    with db.scope() as session:
        return finish(session, run_id, outcome)


def _begin(session: Session, run_id: int, *, store: BlobStore, pages: PageImages | None) -> _Job | None:
    """Mark the run ``running`` and take what it needs, or None when it is finished already or gone."""
    run = session.get(Run, run_id)
    if run is None or run.status in (RunStatus.DONE.value, RunStatus.FAILED.value):
        return None
    case = session.get(Case, run.case_id)
    if case is None:
        return None
    stmt = select(CaseFile).where(col(CaseFile.id).in_(run.file_ids or [-1]))
    rows = {f.id: f for f in session.exec(stmt)}
    run.status = RunStatus.RUNNING.value
    run.started_at = utcnow()
    run.attempts += 1
    session.add(run)
    present = [rows[i] for i in run.file_ids if i in rows]
    shas = {store.path(r.sha256): r.sha256 for r in present}
    keep = pages.sink(shas=shas) if pages is not None and kept(case.channel) else None
    return _Job(
        case_id=case.id,
        item=case.item,
        declared=dict(case.declared),
        review_date=run.review_date,
        rows=present,
        expected=len(run.file_ids),
        keep=keep,
        channel=case.channel,
        requested_by=run.requested_by,
    )


def _judge(
    run_id: int,
    job: _Job,
    *,
    prereviewer: PrereviewEngine,
    store: BlobStore,
    licences: LicenceFetcher | None,
    progress: ProgressSink | None = None,
) -> Outcome:
    """The pre-review of the run's files, outside any transaction (it takes minutes)."""
    files = [UploadedFile(path=store.path(r.sha256), name=r.name, slot=r.slot) for r in job.rows]
    try:
        _check_stored(run_id, job.case_id, job.rows, store, expected=job.expected)
        with LiveEvaluator.at(job.review_date):
            result = prereviewer.run(
                item=job.item,
                review_date=job.review_date,
                declared=job.declared,
                files=files,
                case_id=job.case_id,
                keep=job.keep,
                progress=progress,
            )
            # and none vanished while it was being read
            _check_stored(run_id, job.case_id, job.rows, store, expected=job.expected)
            result, fetched = _fetch(result, job, licences)
    except StoredFileMissing as exc:  # the hall's storage failed, not the applicant: no verdict at all
        return Outcome(error=exc.message)
    except Exception as exc:
        log.exception("run %s of case %s failed", run_id, job.case_id)
        return Outcome(error=_public_error(exc))
    return Outcome(
        decision=result.decision.model_dump(mode="json"),
        reports=[f.model_dump(mode="json") for f in result.files],
        facts=result.facts.model_dump(mode="json") if result.facts else None,
        engine_input=result.engine_input if result.facts else None,
        fetches=[f.model_dump(mode="json") for f in fetched],
    )


def _fetch(
    result: PrereviewResult, job: _Job, licences: LicenceFetcher | None
) -> tuple[PrereviewResult, list[Any]]:
    """The run's result with what the 电子证照 library holds; as it was when that fails (the case is judged
    on its uploads alone: a look-up never costs a verdict)."""
    if licences is None:
        return result, []
    try:
        return licences.complete(
            result, channel=job.channel, case_id=job.case_id, requested_by=job.requested_by
        )
    except Exception:
        log.exception("licence look-ups of case %s failed; judged on its uploads", job.case_id)
        return result, []


class ProgressWriter:
    """A run's progress as the page reads it (``Run.progress``): written in a unit of work of its own, at
    most every ``every`` seconds, and at once when the stage or a file's stage changes; called from the
    reading threads."""

    def __init__(self, db: Database, run_id: int, *, every: float = 0.5) -> None:
        self.db, self.run_id, self.every = db, run_id, every
        self._lock = threading.Lock()
        self._last = 0.0
        self._stages: list[str] = []

    def __call__(self, state: RunProgress) -> None:
        stages = [state.stage.value, *(f.stage.value for f in state.files)]
        with self._lock:
            now = time.monotonic()
            if stages == self._stages and now - self._last < self.every:
                return
            self._last, self._stages = now, stages
            with self.db.scope() as session:
                run = session.get(Run, self.run_id)
                if run is not None and run.status == RunStatus.RUNNING.value:
                    run.progress = state.model_dump(mode="json")
                    session.add(run)


def _check_stored(
    run_id: int, case_id: str, rows: list[CaseFile], store: BlobStore, *, expected: int
) -> None:
    """Every file of the run is on disk, or the run fails naming the missing ones: judging without a file
    the applicant did upload would ask for a 补正 of what the hall lost."""
    lost = [r for r in rows if not store.exists(r.sha256)]
    if not lost and len(rows) == expected:
        return
    where = "; ".join(f"file {r.id} {r.name!r} sha256 {r.sha256} at {store.path(r.sha256)}" for r in lost)
    log.error(
        "run %s of case %s: stored upload(s) missing from the blob store: %s%s",
        run_id,
        case_id,
        where or "-",
        f" ({expected - len(rows)} file row(s) gone)" if len(rows) != expected else "",
    )
    names = "、".join(f"「{r.name}」" for r in lost) or "部分文件"
    raise StoredFileMissing(
        f"服务器存储中找不到已上传的文件：{names}。这是本系统存储的故障，不是材料的问题，"
        "未作出预审结论。请重新上传该文件后再提交预审（上传的若是重新扫描的文件，"
        "请先撤回找不到的那一份）。"
    )


def _public_error(exc: Exception) -> str:
    if isinstance(exc, AppError):
        return exc.message
    return "预审执行失败，请稍后重新提交预审"


def unfinished(session: Session) -> list[int]:
    stmt = select(Run.id).where(col(Run.status).in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
    return [i for i in session.exec(stmt.order_by(col(Run.id))) if i is not None]


def recover(*, db: Database, dispatcher: Dispatcher) -> list[int]:
    """Hand every queued or running run to the dispatcher again (on start)."""
    with db.scope() as session:
        ids = unfinished(session)
    for run_id in ids:
        dispatcher.submit(run_id)
    if ids:
        log.info("picked up %d unfinished run(s): %s", len(ids), ids)
    return ids
