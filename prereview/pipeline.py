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
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from prereview.assemble import Located, MarkFinder, assemble
from prereview.documents import Document, FileError, Page, TextLine
from prereview.doubts import absence_doubts, with_part_doubts, with_signing_doubts, with_status_doubts
from prereview.errors import ReadingBudgetSpent
from prereview.fair import FairQueue, ReadingBudget
from prereview.ocr import RapidOcrEngine
from prereview.pagemarks import MarksElsewhere, PageMarks, owed_marks
from prereview.plan import FileParts, ReadJob, joined, plan_reading
from prereview.pool import OcrFactory, ReaderPool
from prereview.progress import ProgressSink, Stage, Tracker
from prereview.reader import ReadLimits
from prereview.recognise import PageView, classify, region_judge
from prereview.regions import regions
from prereview.reread import Reread
from prereview.signing import place_signing_pages
from prereview.signoff import MarkDoubts
from prereview.visual.marks import PageMarksFound
from rules.casefacts import CaseFacts, MaterialEvidence, MaterialStatus
from rules.evaluate import Evaluator
from rules.spec import Item
from rules.verdict import Decision, Finding

UNREADABLE_BLUR = 25.0  # variance of the Laplacian below which an OCR page with no text is a blur


class UploadedFile(BaseModel):
    path: Path
    name: str
    slot: str | None = None


DocumentSink = Callable[[UploadedFile, Document], None]


class FileReport(BaseModel):
    name: str
    media_type: str = ""
    pages: int = 0
    slot: str | None = None
    materials: list[str] = Field(default_factory=list)  # what its pages were recognised as
    looks_like: str = ""  # a look-alike document it was recognised as instead
    error: FileError | None = None
    ocr_seconds: float = 0.0


class PrereviewResult(BaseModel):
    decision: Decision
    files: list[FileReport]
    facts: CaseFacts | None = None  # what was judged: the declared facts and every material's readings

    def answer(self) -> dict[str, Any]:
        """The case contract's answer: verdict, findings pairs, uncertain points, tolerance_deadline —
        plus details (messages and evidence per pair, the reason an uncertain point is not settled)."""
        d = self.decision
        return {
            "case_id": d.case_id,
            "item": d.item,
            "rule_hash": d.rule_hash,
            "verdict": d.verdict.value,
            "findings": [_detailed(pair, d.findings) for pair in d.pairs()],
            "uncertain": [_detailed(pair, d.uncertain) for pair in d.uncertain_pairs()],
            "tolerance_deadline": d.tolerance_deadline.isoformat() if d.tolerance_deadline else None,
            "files": [f.model_dump(exclude_none=True) for f in self.files],
        }


def _detailed(pair: dict[str, str], findings: list[Finding]) -> dict[str, Any]:
    key = pair.get("material") or pair.get("condition")
    details = [f for f in findings if (f.material or f.condition) == key and f.code.value == pair["code"]]
    out: dict[str, Any] = {
        **pair,
        "messages": [f.message for f in details],
        "evidence": [e.model_dump(exclude_none=True) for f in details for e in f.evidence],
    }
    reasons = list(dict.fromkeys(f.doubt for f in details if f.doubt))
    if reasons:
        out["reason"] = "；".join(reasons)
    return out


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
        work_dir: Path | None = None,
        case_budget_s: float | None = None,
        ocr_factory: OcrFactory | None = None,
        nice: int = 0,
    ) -> None:
        self.evaluator = evaluator
        self.limits = limits or ReadLimits()
        self.case_budget_s = case_budget_s
        factory = ocr_factory or partial(RapidOcrEngine, threads=ocr_threads)
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


def judge(
    evaluator: Evaluator,
    *,
    item: str,
    review_date: date,
    declared: dict[str, Any],
    files: list[UploadedFile],
    docs: list[Document],
    case_id: str = "",
    reread: Reread | None = None,
    tracker: Tracker | None = None,
    elsewhere: MarksElsewhere | None = None,
) -> PrereviewResult:
    """The case judged from its files as read (their page images still on disk: seals and signatures
    are looked for on them; by ``elsewhere`` at once, those the checks will ask about)."""
    if tracker is not None:
        tracker.stage(Stage.RECOGNISING)
    marks = PageMarks()
    spec = evaluator.loaded(item).item

    def look_ahead(located: list[Located]) -> None:
        if elsewhere is not None:
            marks.look_ahead(owed_marks(spec, located), elsewhere)

    try:
        evidence, absent, reports = materials_of(
            spec,
            files,
            docs,
            declared=declared,
            marks=marks,
            doubts=marks,
            reread=reread,
            look_ahead=look_ahead,
        )
    finally:
        marks.settle()
    case = CaseFacts(
        case_id=case_id,
        item=item,
        review_date=review_date,
        declared=declared,
        materials=evidence,
        absence_doubts=absent,
    )
    if tracker is not None:
        tracker.stage(Stage.CHECKING)
    return PrereviewResult(decision=evaluator.evaluate(case), files=reports, facts=case)


def materials_of(
    item: Item,
    files: list[UploadedFile],
    docs: list[Document],
    *,
    declared: dict[str, Any],
    marks: MarkFinder,
    doubts: MarkDoubts | None = None,
    reread: Reread | None = None,
    look_ahead: Callable[[list[Located]], None] | None = None,
) -> tuple[dict[str, MaterialEvidence], dict[str, str], list[FileReport]]:
    """What the case's files hold, as `CaseFacts` takes it: per material its evidence (with the doubts
    recognition and reading have about it) and, for materials not found, why their absence may not be
    sure; plus what each file was recognised as. `reread` reads doubtful values a second time."""
    located, reports, unreadable, wrong = _recognise(item, files, docs, declared=declared)
    if look_ahead is not None:
        look_ahead(located)
    evidence = assemble(
        item,
        located,
        unreadable_slots=unreadable,
        wrong_slots=wrong,
        marks=marks,
        reread=reread,
        declared=declared,
        doubts=doubts,
    )
    evidence = with_signing_doubts(located, with_status_doubts(item, located, evidence), marks=marks)
    evidence = with_part_doubts(item, located, evidence)
    for mid, found in evidence.items():
        if found.status is MaterialStatus.UNREADABLE and not found.doubt:
            doubt = _blur_doubt([p.view.page for p in located if p.file_name in found.files])
            evidence[mid] = found.model_copy(update={"doubt": doubt})
    return evidence, absence_doubts(item, located, evidence), reports


def _recognise(
    item: Any, files: list[UploadedFile], docs: list[Document], *, declared: dict[str, Any]
) -> tuple[list[Located], list[FileReport], dict[str, list[str]], dict[str, list[str]]]:
    judge = region_judge(item, declared=declared)
    views = [
        PageView.of(i, part, files[i].slot)
        for i, doc in enumerate(docs)
        for page in doc.pages
        for part in regions(page, judge)
    ]
    labels = classify(views, item, declared=declared)
    place_signing_pages(views, labels, item)
    located = [
        Located(view=v, label=lab, file_name=files[v.file].name) for v, lab in zip(views, labels, strict=True)
    ]
    reports: list[FileReport] = []
    unreadable: dict[str, list[str]] = {}
    wrong: dict[str, list[str]] = {}
    for i, (file, doc) in enumerate(zip(files, docs, strict=True)):
        mine = [p for p in located if p.view.file == i]
        materials = list(dict.fromkeys(m for p in mine for m in (p.label.material, *p.label.shared) if m))
        looks_like = next((p.label.other for p in mine if p.label.other), "")
        reports.append(
            FileReport(
                name=file.name,
                media_type=doc.media_type,
                pages=len(doc.pages),
                slot=file.slot,
                materials=materials,
                looks_like=looks_like,
                error=doc.error,
                ocr_seconds=round(sum(p.ocr_seconds for p in doc.pages), 3),
            )
        )
        if not file.slot or file.slot in materials:
            continue
        if doc.error is not None or all(_illegible(p.view.page) for p in mine):
            unreadable.setdefault(file.slot, []).append(file.name)
        elif not materials or file.slot not in materials:
            wrong.setdefault(file.slot, []).append(file.name)
    return located, reports, unreadable, wrong


def _illegible(page: Page) -> bool:
    if page.blank:
        return True
    legible = _legible(page)
    return len(legible) < 3 or (page.blur is not None and page.blur < UNREADABLE_BLUR and len(legible) < 6)


def _legible(page: Page) -> list[TextLine]:
    return [ln for ln in page.lines if ln.score >= 0.8 and len(ln.text.strip()) >= 2]


def _blur_doubt(pages: list[Page]) -> str:
    """An unreadable file judged so for its blur while some lines were still read: doubtful."""
    for page in pages:
        read = _legible(page)
        if not page.blank and len(read) >= 3:
            return (
                f"第 {page.index + 1} 页照片模糊（清晰度 {page.blur or 0:.0f}），但仍读出 {len(read)} "
                "行文字，"
                "是否整份无法辨认请核对"
            )
    return ""
