"""Sharing a case's reading out to the workers: longest jobs first, a long scan in parts put back
together in page order, and a part that fails failing its own file only."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import DarkPageCrash, FakeOcr, a4_page, save_jpeg, scanned_pdf, text_pdf, write

from prereview.documents import Document, FileError, Page, PageSource
from prereview.images import MAX_WORK_SIDE
from prereview.pipeline import Prereviewer, UploadedFile
from prereview.plan import PARTS_PER_WORKER, TEXT_PAGE_SHARE, FileParts, ReadJob, joined, plan_reading, survey
from prereview.reader import ReadLimits
from rules.book import RuleBook
from rules.evaluate import Evaluator

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LIMITS = ReadLimits()


def test_the_longest_job_goes_first_and_a_long_scan_is_cut_into_runs_of_pages() -> None:
    photo, scan_page, text_page = 5.0, 3.9, 0.4
    works: list[list[float] | None] = [[photo], [text_page] * 2, [scan_page] * 6, [photo], [text_page]]
    jobs = plan_reading(works, workers=2)
    scan = [j for j in jobs if j.file == 2]
    assert len(scan) > 1  # 23.4 of 34.2 units of work: more than one worker's share
    runs = sorted((j.pages for j in scan if j.pages is not None), key=lambda r: r.start)
    assert [i for r in runs for i in r] == list(range(6)) and len(runs) == len(scan)
    assert max(j.work for j in scan) <= 2 * scan_page  # no part much over a sixth of the case's work
    assert [j.work for j in jobs] == sorted((j.work for j in jobs), reverse=True)
    assert jobs[0].file == 2 and jobs[-1].file == 4  # the scan's parts first, the one text page last
    assert {j.file for j in jobs if j.pages is None} == {0, 1, 3, 4}  # short files stay whole
    # the photos are tied: they keep the files' order
    assert [j.file for j in jobs if j.work == photo] == [0, 3]


def test_runs_of_pages_cover_the_file_once_in_order() -> None:
    for pages in ([1.0] * 7, [1.0, 1.0, 1.0, 5.0, 1.0], [2.0] * 2, [0.5] * 40):
        works: list[list[float] | None] = [pages, [1.0]]
        runs = [j.pages for j in plan_reading(works, workers=2) if j.file == 0]
        runs_sorted = sorted((r for r in runs if r is not None), key=lambda r: r.start)
        covered = [i for r in runs_sorted for i in r] if runs_sorted else list(range(len(pages)))
        assert covered == list(range(len(pages)))
        assert len(runs) <= 2 * PARTS_PER_WORKER


def test_one_worker_reads_every_file_whole_and_an_unknown_file_counts_as_the_largest() -> None:
    assert all(j.pages is None for j in plan_reading([[1.0] * 10, [1.0]], workers=1))
    jobs = plan_reading([[1.0], None, [3.0]], workers=2)
    assert jobs[0] == ReadJob(1, None, 3.0) or jobs[0].file == 2
    assert next(j for j in jobs if j.file == 1).work == 3.0
    assert [j.file for j in plan_reading([None, None], workers=2)] == [0, 1]


def test_the_survey_tells_scans_photos_and_text_pages_apart(tmp_path: Path) -> None:
    scan = survey(scanned_pdf(tmp_path / "scan.pdf", [a4_page()] * 3), "scan.pdf", LIMITS)
    text = survey(text_pdf(tmp_path / "form.pdf", [["第一页"], ["第二页"]]), "form.pdf", LIMITS)
    assert scan is not None and len(scan) == 3 and text is not None and len(text) == 2
    assert text[0] == pytest.approx(scan[0] * TEXT_PAGE_SHARE)  # same A4 pixels, not OCRed
    big = save_jpeg(Image.new("RGB", (4000, 3000), "white"), tmp_path / "photo.jpg")
    photo = survey(big, "photo.jpg", LIMITS)
    assert photo is not None and photo[0] == pytest.approx(MAX_WORK_SIDE * MAX_WORK_SIDE * 0.75)
    assert survey(write(tmp_path / "bad.pdf", b"%PDF-1.4 nothing else"), "bad.pdf", LIMITS) is None
    assert survey(write(tmp_path / "empty.pdf", b""), "empty.pdf", LIMITS) is None


def _page(index: int) -> Page:
    return Page(index=index, width=10, height=10, source=PageSource.OCR)


def test_parts_are_joined_in_page_order_and_a_failed_part_fails_the_file() -> None:
    one = Document(name="a.pdf", media_type="application/pdf", sha256="x", pages=[_page(0), _page(1)])
    two = Document(name="a.pdf", media_type="application/pdf", sha256="x", pages=[_page(2)])
    doc = joined([one, two])
    assert [p.index for p in doc.pages] == [0, 1, 2] and doc.sha256 == "x" and doc.error is None
    bad = Document(
        name="a.pdf", media_type="application/pdf", error=FileError(code="timeout", message="超时")
    )
    failed = joined([one, bad])
    assert failed.pages == [] and failed.error is not None and failed.error.code == "timeout"


def test_file_parts_sum_pages_and_tell_once_when_the_last_part_is_in() -> None:
    told: list[tuple[int, int | None]] = []
    read: list[int] = []
    parts = FileParts(2, page=lambda done, total: told.append((done, total)), read=read.append)
    parts.page(0, 1, 4)
    parts.page(2, 1, 4)
    parts.page(0, 2, 4)
    parts.ended(Document(name="a.pdf", pages=[_page(0), _page(1)]))
    assert read == []
    parts.page(2, 2, 4)
    parts.ended(Document(name="a.pdf", pages=[_page(2), _page(3)]))
    assert told == [(1, 4), (2, 4), (3, 4), (4, 4)] and read == [4]


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    book = RuleBook.load(CORPUS / "rules")
    return Evaluator(items=book.items, catalog=book.catalog)


def _read_case(evaluator: Evaluator, files: list[UploadedFile], ocr: type[FakeOcr]) -> list[Document]:
    docs: list[Document] = []
    pre = Prereviewer(evaluator=evaluator, workers=2, ocr_factory=ocr)
    try:
        pre.run(
            item="JT-001",
            review_date=date(2026, 2, 12),
            declared={},
            files=files,
            keep=lambda _, doc: docs.append(doc),
        )
    finally:
        pre.close()
    return docs


@pytest.mark.slow
def test_a_scan_read_in_parts_comes_back_whole_in_page_order(evaluator: Evaluator, tmp_path: Path) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [a4_page()] * 6)
    form = text_pdf(tmp_path / "form.pdf")
    works = [survey(scan, "scan.pdf", LIMITS), survey(form, "form.pdf", LIMITS)]
    assert len([j for j in plan_reading(works, workers=2) if j.file == 0]) > 1  # it is read in parts
    docs = _read_case(
        evaluator,
        [UploadedFile(path=scan, name="scan.pdf", slot="M1"), UploadedFile(path=form, name="form.pdf")],
        FakeOcr,
    )
    whole = docs[0]
    assert whole.error is None and [p.index for p in whole.pages] == list(range(6))
    assert all(p.source is PageSource.OCR and p.lines[0].text == "测试文字" for p in whole.pages)
    images = [p.image_path for p in whole.pages]
    assert all(images) and len(set(images)) == 6
    assert docs[1].ok and docs[1].pages[0].source is PageSource.TEXT


@pytest.mark.slow
def test_a_part_that_crashes_fails_its_file_with_a_clear_error_and_nothing_else(
    evaluator: Evaluator, tmp_path: Path
) -> None:
    dark = Image.new("RGB", (827, 1169), (10, 10, 10))
    scan = scanned_pdf(tmp_path / "scan.pdf", [a4_page(), a4_page(), a4_page(), a4_page(), dark])
    other = scanned_pdf(tmp_path / "other.pdf", [a4_page()])
    form = text_pdf(tmp_path / "form.pdf")
    works = [survey(p, p.name, LIMITS) for p in (scan, other, form)]
    assert len([j for j in plan_reading(works, workers=2) if j.file == 0]) > 1
    files = [UploadedFile(path=p, name=p.name) for p in (scan, other, form)]
    docs = _read_case(evaluator, files, DarkPageCrash)
    broken = docs[0]
    assert broken.pages == [] and broken.error is not None and broken.error.code == "corrupt"
    assert broken.error.message.startswith("文件解析时出错") and broken.sha256
    assert docs[1].ok and len(docs[1].pages) == 1 and docs[2].ok
