"""One case end to end: read every file, recognise materials, extract fields, judge with the rules.

    pre = Prereviewer(evaluator=evaluator, workers=2)
    result = pre.run(item="JT-001", review_date=date(2026, 3, 2), declared={...}, files=[UploadedFile(...)])
    result.answer()  # the scored form of ../shared/cases/README.md, plus messages and evidence

Untrusted files are read in worker processes (ReaderPool: OCR loaded once per worker, a hard time
limit per file). A file that cannot be read gets a per-file error; the rest of the case is judged.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from prereview.documents import Document, Page
from prereview.errors import ReadingBudgetSpent
from prereview.fair import FairQueue, ReadingBudget
from prereview.judging import DocumentSink, FileReport, PrereviewResult, UploadedFile, judge
from prereview.ocr import RapidOcrEngine
from prereview.ocr_openvino import OcrRuntime
from prereview.plan import FileParts, ReadJob, joined, plan_reading
from prereview.pool import OcrFactory, ReaderPool
from prereview.progress import ProgressSink, Tracker
from prereview.reader import ReadLimits
from prereview.visual.marks import PageMarksFound
from rules.evaluate import Evaluator

# The values a run takes and gives are defined with the judging (prereview.judging) and named here too:
# callers of a run import them from the pipeline.
__all__ = ["DocumentSink", "FileReport", "PrereviewResult", "Prereviewer", "UploadedFile", "confined"]


class Prereviewer:
    """Built once (it owns the OCR worker processes); ``run`` is thread-safe.

    Concurrent runs share the readers fairly (``FairQueue``: one file of each case in turn), and
    ``case_budget_s`` caps the reading time of one case: a file starts with at most what is left of it,
    and once it is spent the run stops with ``ReadingBudgetSpent`` naming the files not read."""

    def __init__(
        self,
        *,
        evaluator: Evaluator,
        workers: int = 2,
        limits: ReadLimits | None = None,
        ocr_threads: int = 1,
        ocr_model_dir: Path | None = None,
        ocr_det_runtime: OcrRuntime = "onnxruntime",
        ocr_rec_runtime: OcrRuntime = "onnxruntime",
        work_dir: Path | None = None,
        case_budget_s: float | None = None,
        ocr_factory: OcrFactory | None = None,
        nice: int = 0,
    ) -> None:
        self.evaluator = evaluator
        self.limits = limits or ReadLimits()
        self.case_budget_s = case_budget_s
        factory = ocr_factory or partial(
            RapidOcrEngine,
            threads=ocr_threads,
            model_dir=ocr_model_dir,
            det_runtime=ocr_det_runtime,
            rec_runtime=ocr_rec_runtime,
        )
        self._pool = ReaderPool(limits=self.limits, ocr_factory=factory, workers=workers, nice=nice)
        self._queue = FairQueue(workers=workers)
        self._work_dir = work_dir

    def start(self) -> None:
        self._pool.start()

    def close(self) -> None:
        self._queue.close()
        self._pool.close()

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
    ) -> PrereviewResult:
        """``keep`` sees every file's Document while its page images still exist (only images inside the
        file's own work directory: see `confined`); ``progress`` is told how far the run is
        (`prereview.progress`)."""
        self.evaluator.loaded(item)  # fails fast on an unknown item, before any reading
        tracker = Tracker([f.name for f in files], progress)
        with tempfile.TemporaryDirectory(prefix="yichuang-", dir=self._work_dir) as tmp:
            line = secrets.token_hex(8)  # this case's line in the reading queue
            docs = self._read_all(files, Path(tmp), tracker, line)
            if keep is not None:
                for file, doc in zip(files, docs, strict=True):
                    keep(file, confined(doc, Path(tmp) / file.path.name))
            return judge(
                self.evaluator,
                item=item,
                review_date=review_date,
                declared=declared,
                files=files,
                docs=docs,
                case_id=case_id,
                reread=self._pool.reread,
                tracker=tracker,
                elsewhere=partial(self._marks_elsewhere, line),
                ring_ocr=self._pool,
            )

    def _survey(self, files: list[UploadedFile], line: str) -> list[list[float] | None]:
        """`prereview.plan.survey` of the files in a worker while the readers are free; when other cases'
        files wait for them, the files' sizes (planning is not worth one more turn in the queue)."""
        if self._queue.waiting():
            return [[float(_size(f.path))] for f in files]
        # in the case's line like its files: a survey straight to the pool would not wait its turn
        return self._queue.submit(
            line, partial(self._pool.survey, [(f.path, f.name) for f in files])
        ).result()

    def _marks_elsewhere(
        self, line: str, asks: Sequence[tuple[Page, str]]
    ) -> list[Future[PageMarksFound | None]]:
        """Marks looked for in the reader workers at once, in the case's line (`PageMarks.look_ahead`), when
        they are free; when other cases' files wait for them, here, as the checks ask."""
        if self._queue.waiting():
            return [_done(None) for _ in asks]
        return [self._queue.submit(line, partial(self._pool.marks, page, kind)) for page, kind in asks]

    def _read_all(self, files: list[UploadedFile], tmp: Path, tracker: Tracker, line: str) -> list[Document]:
        """Every file read, in the files' order, as `prereview.plan` shares them out: longest jobs first,
        a long scan in parts read at once by several workers."""
        jobs = plan_reading(self._survey(files, line), workers=self._pool.size)
        parts = {
            i: FileParts(
                sum(1 for j in jobs if j.file == i),
                page=partial(tracker.page, i),
                read=partial(tracker.file_read, i),
            )
            for i in range(len(files))
        }
        budget = ReadingBudget(self.case_budget_s)
        futures = [
            (
                job,
                self._queue.submit(
                    line,
                    partial(budget.timed, partial(self._read, files[job.file], tmp, job, parts[job.file])),
                ),
            )
            for job in jobs
        ]
        docs: list[Document | None] = []
        for i in range(len(files)):
            mine = sorted(
                ((job.first, future.result()) for job, future in futures if job.file == i), key=lambda p: p[0]
            )
            read = [doc for _, doc in mine]
            docs.append(
                None if any(doc is None for doc in read) else joined([d for d in read if d is not None])
            )
        unread = [f.name for f, d in zip(files, docs, strict=True) if d is None]
        if unread:
            slow = [
                d.name for d in docs if d is not None and d.error is not None and d.error.code == "timeout"
            ]
            raise ReadingBudgetSpent(budget_s=budget.seconds or 0.0, unread=unread, slow=slow)
        return [d for d in docs if d is not None]

    def _read(
        self, file: UploadedFile, tmp: Path, job: ReadJob, parts: FileParts, left: float | None
    ) -> Document:
        parts.page(job.first, 0, None)
        doc = self._pool.read(
            file.path,
            name=file.name,
            work_dir=tmp / file.path.name,
            timeout=left,
            on_page=partial(parts.page, job.first),
            pages=job.pages,
        )
        parts.ended(doc)
        return doc


def confined(doc: Document, work_dir: Path) -> Document:
    """``doc`` as a sink may take it: the reader process is untrusted, so a page image that does not resolve
    to a file directly in the file's own work directory (a path elsewhere, a symlink out) is not handed on."""
    home = os.path.realpath(work_dir)
    pages = [
        p
        if p.image_path and os.path.dirname(os.path.realpath(p.image_path)) == home
        else p.model_copy(update={"image_path": None})
        for p in doc.pages
    ]
    return doc.model_copy(update={"pages": pages})


def _done(value: PageMarksFound | None) -> Future[PageMarksFound | None]:
    future: Future[PageMarksFound | None] = Future()
    future.set_result(value)
    return future


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
