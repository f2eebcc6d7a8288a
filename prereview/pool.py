"""The sandbox: untrusted uploads are parsed in worker processes (`ReaderPool`), each with its own OCR
engine, under a hard time limit per file, at a lower CPU priority than the service.

    with ReaderPool(limits=ReadLimits(), ocr_factory=partial(RapidOcrEngine, threads=2), nice=10) as pool:
        doc = pool.read(path, name="身份证.jpg", work_dir=case_dir / "pages")

Reading a case takes whole cores for seconds; at `nice` the workers give way to the web server and the
consultation desk's searches (a few milliseconds of CPU each) instead of making them wait their turn,
and still have the cores to themselves when nothing else runs.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import resource
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import numpy as np

from prereview.documents import Box, Document, Page, TextLine
from prereview.errors import CorruptFile, ReadTimeout, UnreadableFile
from prereview.ocr import OcrEngine, OcrUnavailable
from prereview.plan import survey
from prereview.reader import PageDone, ReadLimits, file_sha256, load_page_image, read_file
from prereview.reread import reread_stored
from prereview.sniff import sniff_file
from prereview.visual.marks import PageMarksFound, find_marks

log = logging.getLogger(__name__)

OcrFactory = Callable[[], OcrEngine]


class ReaderPool:
    """Reads untrusted uploads in worker processes under a hard time limit.

    Each worker builds its OCR engine once with `ocr_factory` (a picklable callable, for example
    `functools.partial(RapidOcrEngine, threads=2)`), then reads file after file. A file that runs past
    `limits.timeout_seconds` (plus `grace_seconds` for the worker to give up by itself) gets its worker
    killed and replaced; a worker that dies on a file (a parser crash) is replaced too. `memory_mb` caps
    each worker's address space; `nice` is added to each worker's niceness (0: the caller's priority).
    `read` is thread-safe: up to `workers` files are read at once.

        with ReaderPool(limits=ReadLimits(), ocr_factory=partial(RapidOcrEngine, threads=2)) as pool:
            doc = pool.read(path, name="身份证.jpg", work_dir=case_dir / "pages")
    """

    def __init__(
        self,
        *,
        limits: ReadLimits,
        ocr_factory: OcrFactory,
        workers: int = 1,
        memory_mb: int | None = None,
        nice: int = 0,
        grace_seconds: float = 5.0,
        start_timeout: float = 180.0,
    ) -> None:
        self.limits = limits
        self._grace = grace_seconds
        self._workers = [
            _Worker(ocr_factory, memory_mb=memory_mb, nice=nice, start_timeout=start_timeout)
            for _ in range(workers)
        ]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for worker in self._workers:
            self._idle.put(worker)

    def start(self) -> None:
        """Start every worker now (otherwise each starts on its first file); raises OcrUnavailable."""
        for worker in self._workers:
            worker.ensure_started()

    def read(
        self,
        path: Path,
        *,
        name: str,
        work_dir: Path | None = None,
        timeout: float | None = None,
        on_page: PageDone | None = None,
        pages: range | None = None,
    ) -> Document:
        """Like `read_file`; raises only OcrUnavailable, when a worker cannot start (an operator's problem).
        ``timeout``: a shorter time limit for this file (what is left of its case's reading budget);
        ``on_page``: told in this process as the worker reads each page; ``pages``: only these pages of
        a PDF (one part of it: `prereview.plan`)."""
        limits = self.limits
        if timeout is not None and timeout < limits.timeout_seconds:
            limits = limits.model_copy(update={"timeout_seconds": max(timeout, 0.01)})
        worker = self._idle.get()
        try:
            worker.ensure_started()
            folder = None if work_dir is None else str(work_dir)
            job = (str(path), name, limits, folder, on_page is not None, pages)
            outcome = worker.run(job, timeout=limits.timeout_seconds + self._grace, on_page=on_page)
        finally:
            self._idle.put(worker)
        if isinstance(outcome, Document):
            return outcome
        error: UnreadableFile = (
            ReadTimeout()
            if outcome == "timeout"
            else CorruptFile("文件解析时出错，文件可能已损坏，请重新导出或扫描后上传。")
        )
        return _failed(Path(path), name=name, error=error)

    def survey(self, files: Sequence[tuple[Path, str]]) -> list[list[float] | None]:
        """`prereview.plan.survey` of each (path, name), in one worker job; None for a file that cannot
        be told, and for every file when the worker fails or takes longer than `SURVEY_SECONDS`."""
        worker = self._idle.get()
        try:
            worker.ensure_started()
            outcome = worker.run(
                (SURVEY, [(str(p), n) for p, n in files], self.limits), timeout=SURVEY_SECONDS
            )
        finally:
            self._idle.put(worker)
        works: list[list[float] | None] = [None] * len(files)
        if isinstance(outcome, list) and len(outcome) == len(files):  # the worker is untrusted
            for i, work in enumerate(outcome):
                if isinstance(work, list) and work and all(isinstance(w, float | int) for w in work):
                    works[i] = [max(float(w), 0.0) for w in work]
        return works

    def marks(self, page: Page, kind: str) -> PageMarksFound | None:
        """`find_marks` on the page's stored image, in a worker (idle once a case is read); None when the
        worker fails."""
        worker = self._idle.get()
        try:
            worker.ensure_started()
            outcome = worker.run((MARKS, page, kind), timeout=self.limits.timeout_seconds)
        finally:
            self._idle.put(worker)
        return outcome if isinstance(outcome, PageMarksFound) else None

    @property
    def size(self) -> int:
        """How many files are read at once."""
        return len(self._workers)

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """The OCR engine's `recognize` of a small image (a seal's ring unrolled), in a worker: the
        judging step's process has no engine of its own. [] when the worker fails."""
        worker = self._idle.get()
        try:
            worker.ensure_started()
            outcome = worker.run((RECOGNIZE, image), timeout=self.limits.timeout_seconds)
        finally:
            self._idle.put(worker)
        if not isinstance(outcome, list):
            return []
        return [line for line in outcome if isinstance(line, TextLine)]  # the worker is untrusted

    def reread(self, page: Page, boxes: Sequence[Box]) -> list[tuple[str, float]]:
        """`prereview.reread.reread_boxes` on the page's stored image, in a worker (where the OCR engine
        is); ("", 0.0) for each box when the page has no image or the worker fails."""
        if not page.image_path or not boxes:
            return [("", 0.0)] * len(boxes)
        worker = self._idle.get()
        try:
            worker.ensure_started()
            outcome = worker.run((REREAD, page.image_path, list(boxes)), timeout=self.limits.timeout_seconds)
        finally:
            self._idle.put(worker)
        return outcome if isinstance(outcome, list) else [("", 0.0)] * len(boxes)

    def worker_pids(self) -> list[int]:
        """The process ids of the workers running now (for monitoring)."""
        return [pid for worker in self._workers if (pid := worker.pid) is not None]

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _failed(path: Path, *, name: str, error: UnreadableFile) -> Document:
    doc = Document(name=name or path.name, error=error.to_file_error())
    try:
        doc.media_type = sniff_file(path, name=doc.name).media_type
        doc.sha256 = file_sha256(path)
    except OSError:
        pass
    return doc


class _Worker:
    def __init__(
        self, factory: OcrFactory, *, memory_mb: int | None, nice: int, start_timeout: float
    ) -> None:
        self._factory = factory
        self._memory_mb = memory_mb
        self._nice = nice
        self._start_timeout = start_timeout
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def ensure_started(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self.kill()
        # Not a plain fork: the parent may run threads (the web server) that a fork would copy mid-lock.
        # A fork server is a clean single-threaded process that imported the reader once, so a worker
        # replacing a killed one starts in a fraction of a second instead of re-importing everything.
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["prereview.pool", "rapidocr"])
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_worker_main,
            args=(child, self._factory, self._memory_mb, self._nice),
            daemon=True,
            name="yichuang-reader",
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            ready = parent.poll(self._start_timeout)
            status, detail = parent.recv() if ready else ("timeout", "no answer")
        except (EOFError, OSError):
            status, detail = "died", f"exit code {process.exitcode}"
        if status != "ready":
            self.kill()
            raise OcrUnavailable(f"the reader worker did not start: {status}: {detail}")

    def run(
        self, job: tuple[object, ...], *, timeout: float, on_page: PageDone | None = None
    ) -> Document | list[Any] | PageMarksFound | str:
        assert self._conn is not None
        deadline = time.monotonic() + timeout
        try:
            self._conn.send(job)
            while True:  # page messages, then the result
                if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                    self.kill()
                    return "timeout"
                result = self._conn.recv()
                if not (isinstance(result, tuple) and result and result[0] == PAGE):
                    break
                if on_page is not None:
                    _tell(on_page, result[1], result[2])
        except (EOFError, OSError):
            self.kill()
            return "died"
        return result if isinstance(result, Document | list | PageMarksFound) else "died"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            try:
                self._conn.send(None)
                self._process.join(5)
            except OSError:
                pass
        self.kill()

    def kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(10)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _worker_main(conn: Connection, factory: OcrFactory, memory_mb: int | None, nice: int) -> None:
    if nice:
        os.nice(nice)  # before the engine starts its threads: they inherit it
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        engine = factory()
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        if job[0] == REREAD:
            conn.send(reread_stored(engine, *job[1:]))
            continue
        if job[0] == MARKS:
            conn.send(_marks(engine, *job[1:]))
            continue
        if job[0] == RECOGNIZE:
            conn.send(_recognize(engine, job[1]))
            continue
        if job[0] == SURVEY:
            conn.send([survey(Path(path), name, job[2]) for path, name in job[1]])
            continue
        path, name, limits, work_dir, report, pages = job

        def page_done(done: int, total: int | None) -> None:
            conn.send((PAGE, done, total))

        doc = read_file(
            Path(path),
            name=name,
            limits=limits,
            ocr=engine,
            work_dir=None if work_dir is None else Path(work_dir),
            on_page=page_done if report else None,
            pages=pages,
        )
        conn.send(doc)


def _recognize(engine: OcrEngine, image: np.ndarray) -> list[TextLine] | str:
    try:
        return engine.recognize(image)
    except Exception:
        log.exception("recognising an image for the judging step failed")
        return "failed"


def _marks(engine: OcrEngine, page: Page, kind: str) -> PageMarksFound | str:
    try:
        return find_marks(load_page_image(page), page, kind, ocr=engine)
    except FileNotFoundError:
        # a look-ahead job that had started when its case ended (PageMarks.settle cancels only those
        # not started) finds the case's page images gone: nobody waits for it, nothing is wrong
        log.info("page image gone before its marks were looked for: %s", page.image_path)
        return "failed"
    except Exception:  # looked for again in the caller's process
        log.exception("looking for marks on %s failed", page.image_path)
        return "failed"


def _tell(on_page: PageDone, done: object, total: object) -> None:
    """Hand on a worker's page message (the worker is untrusted: only plain counts pass)."""
    if isinstance(done, int) and (total is None or isinstance(total, int)):
        try:
            on_page(done, total)
        except Exception:  # progress is a courtesy: never the reason a file is not read
            log.exception("the page callback failed")


MARKS = "marks"  # a worker job: (MARKS, page, kind) -> `find_marks` on its stored image
RECOGNIZE = "recognize"  # a worker job: (RECOGNIZE, small image) -> the engine's `recognize` of it
SURVEY = "survey"  # a worker job: (SURVEY, [(path, name)], limits) -> `plan.survey` of each
SURVEY_SECONDS = 10.0  # a survey takes milliseconds a file: longer, and the case is read unplanned
REREAD = "reread"  # a worker job: (REREAD, page image path, boxes) -> (text, score) per box
PAGE = "page"  # a worker's message while reading: (PAGE, pages read, pages total or None)
