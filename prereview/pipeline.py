"""One case end to end: read every file, recognise materials, extract fields, judge with the rules.

    pre = Prereviewer(evaluator=evaluator, workers=2)
    result = pre.run(item="JT-001", review_date=date(2026, 3, 2), declared={...}, files=[UploadedFile(...)])
    result.answer()  # the scored form of ../shared/cases/README.md, plus messages and evidence

Untrusted files are read in worker processes (ReaderPool: OCR loaded once per worker, a hard time
limit per file). A file that cannot be read gets a per-file error; the rest of the case is judged.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from prereview.assemble import Located, assemble
from prereview.documents import Document, FileError, Mark, Page
from prereview.ocr import RapidOcrEngine
from prereview.reader import ReaderPool, ReadLimits, load_page_image
from prereview.recognise import PageView, classify
from prereview.visual.marks import PageMarksFound, find_marks
from rules.casefacts import CaseFacts
from rules.evaluate import Evaluator
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
    """Built once (it owns the OCR worker processes); ``run`` is thread-safe."""

    def __init__(self, *, evaluator: Evaluator, workers: int = 2, limits: ReadLimits | None = None,
                 ocr_threads: int = 1, work_dir: Path | None = None) -> None:  # fmt: skip
        self.evaluator = evaluator
        self.limits = limits or ReadLimits()
        self._pool = ReaderPool(limits=self.limits, ocr_factory=partial(RapidOcrEngine, threads=ocr_threads),
                                workers=workers)  # fmt: skip
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prereview-read")
        self._work_dir = work_dir

    def start(self) -> None:
        self._pool.start()

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self._pool.close()

    def run(self, *, item: str, review_date: date, declared: dict[str, Any], files: list[UploadedFile],
            case_id: str = "", keep: DocumentSink | None = None) -> PrereviewResult:  # fmt: skip
        """``keep`` sees every file's Document while its page images still exist (only images inside the
        file's own work directory: see `confined`)."""
        loaded = self.evaluator.loaded(item)  # fails fast on an unknown item, before any reading
        with tempfile.TemporaryDirectory(prefix="yichuang-", dir=self._work_dir) as tmp:
            docs = self._read_all(files, Path(tmp))
            if keep is not None:
                for file, doc in zip(files, docs, strict=True):
                    keep(file, confined(doc, Path(tmp) / file.path.name))
            located, reports, unreadable, wrong = _recognise(loaded.item, files, docs, declared=declared)
            marks = PageMarks()
            evidence = assemble(
                loaded.item,
                located,
                unreadable_slots=unreadable,
                wrong_slots=wrong,
                marks=marks,
                doubts=marks,
            )
        case = CaseFacts(
            case_id=case_id, item=item, review_date=review_date, declared=declared, materials=evidence
        )
        return PrereviewResult(decision=self.evaluator.evaluate(case), files=reports)

    def _read_all(self, files: list[UploadedFile], tmp: Path) -> list[Document]:
        """Every file read, in the files' order. The biggest files go first: with a few workers, starting
        the longest jobs first (scans and photos outweigh text PDFs) ends the last one soonest."""
        order = sorted(range(len(files)), key=lambda i: -_size(files[i].path))
        futures = {i: self._threads.submit(self._read, files[i], tmp) for i in order}
        return [futures[i].result() for i in range(len(files))]

    def _read(self, file: UploadedFile, tmp: Path) -> Document:
        return self._pool.read(file.path, name=file.name, work_dir=tmp / file.path.name)


def confined(doc: Document, work_dir: Path) -> Document:
    """``doc`` as a sink may take it: the reader process is untrusted, so a page image that does not resolve
    to a file directly in the file's own work directory (a path elsewhere, a symlink out) is not handed on."""
    home = os.path.realpath(work_dir)
    pages = [p if p.image_path and os.path.dirname(os.path.realpath(p.image_path)) == home
             else p.model_copy(update={"image_path": None}) for p in doc.pages]  # fmt: skip
    return doc.model_copy(update={"pages": pages})


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _recognise(item: Any, files: list[UploadedFile], docs: list[Document], *, declared: dict[str, Any]
               ) -> tuple[list[Located], list[FileReport], dict[str, list[str]], dict[str, list[str]]]:  # fmt: skip
    views = [PageView.of(i, page, files[i].slot) for i, doc in enumerate(docs) for page in doc.pages]
    labels = classify(views, item, declared=declared)
    located = [
        Located(view=v, label=lab, file_name=files[v.file].name) for v, lab in zip(views, labels, strict=True)
    ]
    reports: list[FileReport] = []
    unreadable: dict[str, list[str]] = {}
    wrong: dict[str, list[str]] = {}
    for i, (file, doc) in enumerate(zip(files, docs, strict=True)):
        mine = [p for p in located if p.view.file == i]
        materials = list(dict.fromkeys(p.label.material for p in mine if p.label.material))
        looks_like = next((p.label.other for p in mine if p.label.other), "")
        reports.append(FileReport(name=file.name, media_type=doc.media_type, pages=len(doc.pages), slot=file.slot,
                                  materials=materials, looks_like=looks_like, error=doc.error,
                                  ocr_seconds=round(sum(p.ocr_seconds for p in doc.pages), 3)))  # fmt: skip
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
    legible = [ln for ln in page.lines if ln.score >= 0.8 and len(ln.text.strip()) >= 2]
    return len(legible) < 3 or (page.blur is not None and page.blur < UNREADABLE_BLUR and len(legible) < 6)


class PageMarks:
    """The `MarkFinder` and `MarkDoubts` of one case: seals and signatures of a page, each looked for
    once, each page image loaded once for both (a few recent images are kept: a set's checks ask for
    its pages in turn)."""

    KEEP_IMAGES = 4

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], PageMarksFound] = {}
        self._images: dict[str, np.ndarray] = {}

    def __call__(self, page: Page, kind: str) -> list[Mark]:
        return self._read(page, kind).marks

    def doubt(self, page: Page, kind: str) -> str:
        return self._read(page, kind).doubt

    def places(self, page: Page) -> int:
        return self._read(page, "signature").places

    def _read(self, page: Page, kind: str) -> PageMarksFound:
        if page.image_path is None:
            return PageMarksFound()
        key = (page.image_path, kind)
        if key not in self._found:
            self._found[key] = find_marks(self._image(page), page, kind)
        return self._found[key]

    def _image(self, page: Page) -> np.ndarray:
        path = str(page.image_path)
        image = self._images.pop(path, None)
        if image is None:
            image = load_page_image(page)
        self._images[path] = image  # most recent last
        while len(self._images) > self.KEEP_IMAGES:
            self._images.pop(next(iter(self._images)))
        return image
