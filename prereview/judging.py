"""A case judged from its files as read: materials recognised on the pages, their fields and marks
assembled with the doubts reading leaves, and the rules' decision — plus the values a run hands back
(`UploadedFile` in, `FileReport` and `PrereviewResult` out). `prereview.pipeline` reads the files first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from prereview.assemble import Located, MarkFinder, assemble
from prereview.documents import Document, FileError, Page, TextLine
from prereview.doubts import (
    absence_doubts,
    astray,
    with_astray_doubts,
    with_count_doubts,
    with_part_doubts,
    with_signing_doubts,
    with_status_doubts,
    with_unread_doubts,
)
from prereview.pagemarks import MarksElsewhere, PageMarks, owed_marks
from prereview.progress import Stage, Tracker
from prereview.readings import SealCover
from prereview.recognise import PageView, classify, region_judge
from prereview.regions import regions
from prereview.reread import Reread
from prereview.signing import place_signing_pages
from prereview.signoff import MarkDoubts
from prereview.visual.rings import TextRecognizer
from rules.casefacts import CaseFacts, MaterialEvidence, MaterialStatus
from rules.evaluate import Evaluator
from rules.spec import Item
from rules.verdict import Decision, Finding

__all__ = ["DocumentSink", "FileReport", "PrereviewResult", "UploadedFile", "judge", "materials_of"]

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
    # the same facts as the rules engine took them (rules.stored), kept with the run for replays
    engine_input: dict[str, Any] | None = None

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
    joined = [j for f in details for j in f.joined]
    out: dict[str, Any] = {
        **pair,
        "messages": list(dict.fromkeys(f.message for f in (*details, *joined))),
        "evidence": [
            e.model_dump(exclude_none=True) for e in dict.fromkeys(e for f in details for e in f.evidence)
        ],
    }
    if joined:  # the same reading's other defects, settled with this point (rules.verdict.one_per_reading)
        out["also"] = list(dict.fromkeys(j.code.value for j in joined))
    reasons = list(dict.fromkeys(f.doubt for f in details if f.doubt))
    if reasons:
        out["reason"] = "；".join(reasons)
    return out


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
    ring_ocr: TextRecognizer | None = None,
) -> PrereviewResult:
    """The case judged from its files as read (their page images still on disk: seals and signatures
    are looked for on them; by ``elsewhere`` at once, those the checks will ask about). ``ring_ocr``
    reads seals' ring texts where whose seal it is matters (`prereview.sealowner`)."""
    if tracker is not None:
        tracker.stage(Stage.RECOGNISING)
    marks = PageMarks(ocr=ring_ocr, reread=reread)
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
            sealed=marks.sealed_chars,
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
    decision = evaluator.evaluate(case)
    return PrereviewResult(
        decision=decision, files=reports, facts=case, engine_input=evaluator.engine_input(case)
    )


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
    sealed: SealCover | None = None,
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
        sealed=sealed,
    )
    evidence = with_signing_doubts(located, with_status_doubts(item, located, evidence), marks=marks)
    evidence = with_count_doubts(item, located, with_part_doubts(item, located, evidence))
    unread: dict[str | None, list[str]] = {}
    for file, doc in zip(files, docs, strict=True):
        if doc.error is not None:
            unread.setdefault(file.slot, []).append(file.name)
    evidence = with_unread_doubts(item, unread, evidence)
    evidence = with_astray_doubts(astray(unread, evidence), evidence)
    for mid, found in evidence.items():
        if found.status is MaterialStatus.UNREADABLE and not found.doubt:
            doubt = _blur_doubt([p.view.page for p in located if p.file_name in found.files])
            evidence[mid] = found.model_copy(update={"doubt": doubt})
    return evidence, absence_doubts(item, located, evidence, unread=unread), reports


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
