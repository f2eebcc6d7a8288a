"""The sandbox: worker processes that read untrusted uploads under a time limit, at a lower priority."""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import (
    FORM_LINES,
    CrashingOcr,
    FakeOcr,
    SlowOcr,
    a4_page,
    broken_factory,
    photo_of,
    save_jpeg,
    scanned_pdf,
    text_image,
    text_pdf,
)

from prereview.ocr import OcrUnavailable, RapidOcrEngine
from prereview.pool import ReaderPool
from prereview.reader import ReadLimits, load_page_image
from tests.prereview._pages import page

LIMITS = ReadLimits()


def test_pool_kills_a_stuck_worker_and_carries_on(tmp_path: Path) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [a4_page()])
    form = text_pdf(tmp_path / "form.pdf")
    limits = ReadLimits(timeout_seconds=1.0)
    with ReaderPool(limits=limits, ocr_factory=functools.partial(SlowOcr, 60.0), grace_seconds=0.5) as pool:
        pool.start()
        started = time.monotonic()
        stuck = pool.read(scan, name="scan.pdf")
        assert time.monotonic() - started < 10
        assert stuck.error is not None and stuck.error.code == "timeout"
        assert stuck.media_type == "application/pdf" and stuck.sha256
        fine = pool.read(form, name="form.pdf")  # a fresh worker reads the next file
        assert fine.ok and fine.pages[0].lines[0].text == FORM_LINES[0]


def test_pool_survives_a_crashing_parser(tmp_path: Path) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [a4_page()])
    with ReaderPool(limits=LIMITS, ocr_factory=CrashingOcr) as pool:
        crashed = pool.read(scan, name="scan.pdf")
        assert crashed.error is not None and crashed.error.code == "corrupt"
        assert pool.read(text_pdf(tmp_path / "form.pdf"), name="form.pdf").ok


def test_pool_reports_an_engine_that_cannot_load() -> None:
    with (
        ReaderPool(limits=LIMITS, ocr_factory=broken_factory) as pool,
        pytest.raises(OcrUnavailable, match="no models"),
    ):
        pool.start()


def test_workers_read_at_a_lower_priority(tmp_path: Path) -> None:
    """`nice` is added to every worker's niceness (and its engine's threads'), a replaced worker's too;
    the calling process keeps its own."""
    own = os.getpriority(os.PRIO_PROCESS, 0)
    with ReaderPool(limits=LIMITS, ocr_factory=FakeOcr, workers=2, nice=7) as pool:
        pool.start()
        pids = pool.worker_pids()
        assert len(pids) == 2
        assert [psutil.Process(pid).nice() for pid in pids] == [min(19, own + 7)] * 2
        assert pool.read(text_pdf(tmp_path / "form.pdf"), name="form.pdf").ok
    with ReaderPool(limits=LIMITS, ocr_factory=CrashingOcr, nice=7) as pool:
        pool.read(scanned_pdf(tmp_path / "scan.pdf", [a4_page()]), name="scan.pdf")  # kills its worker
        pool.start()
        assert [psutil.Process(pid).nice() for pid in pool.worker_pids()] == [min(19, own + 7)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == own


def test_workers_keep_the_callers_priority_by_default() -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    with ReaderPool(limits=LIMITS, ocr_factory=FakeOcr) as pool:
        pool.start()
        assert [psutil.Process(pid).nice() for pid in pool.worker_pids()] == [own]


@pytest.mark.ocr
def test_pool_with_the_real_engine(tmp_path: Path) -> None:
    photo = save_jpeg(photo_of(text_image(), turn=180), tmp_path / "photo.jpg")
    with ReaderPool(limits=LIMITS, ocr_factory=functools.partial(RapidOcrEngine, threads=2)) as pool:
        doc = pool.read(photo, name="photo.jpg", work_dir=tmp_path / "pages")
    assert doc.ok and doc.pages[0].rotation == 180 and doc.pages[0].lines[0].text == FORM_LINES[0]
    assert load_page_image(doc.pages[0]).shape[:2] == (doc.pages[0].height, doc.pages[0].width)


def test_marks_of_a_page_whose_images_are_gone_are_none_and_the_worker_stays(tmp_path: Path) -> None:
    """A case that ended takes its page images along while a look-ahead job may still run."""
    gone = page().model_copy(update={"image_path": str(tmp_path / "gone-p001.bmp")})
    with ReaderPool(limits=LIMITS, ocr_factory=FakeOcr) as pool:
        pool.start()
        pids = pool.worker_pids()
        assert pool.marks(gone, "seal") is None
        assert pool.worker_pids() == pids


def test_the_judging_step_recognises_and_reads_seal_rings_in_the_workers(tmp_path: Path) -> None:
    """The judging step's process has no OCR engine: ring texts are read by the workers' own."""
    from visual_images import blank_page, draw_seal

    from prereview.documents import PageSource
    from prereview.visual.marks import NAMED_SEAL

    img = blank_page()
    draw_seal(img, 600, 700, 150)
    path = tmp_path / "sealed.bmp"
    img.save(path)
    sealed = page(source=PageSource.OCR).model_copy(update={"image_path": str(path)})
    with ReaderPool(limits=LIMITS, ocr_factory=functools.partial(FakeOcr, "安和市测试科技有限公司")) as pool:
        assert [ln.text for ln in pool.recognize(load_page_image(sealed)[:64, :256])] == [
            "安和市测试科技有限公司"
        ]
        named = pool.marks(sealed, NAMED_SEAL)
        plain = pool.marks(sealed, "seal")
    assert (
        named is not None and [m.text for m in named.marks] == ["安和市测试科技有限公司"] and named.reads == 1
    )
    assert plain is not None and [m.text for m in plain.marks] == [""]
