"""Uploaded file -> `Document`: the one entry point of the reading layer.

    read_file(path, name=..., limits=ReadLimits(), ocr=engine, work_dir=None) -> Document

`read_file` reads in this process (trusted files, tests, the CLI); `prereview.pool.ReaderPool` reads
untrusted uploads with it in worker processes that each load the OCR engine once, under a hard time
limit. Neither ever raises for a bad file: a corrupt, encrypted, oversized, disguised, empty or
timed-out file gives `Document(error=FileError(code, message))` with a message for the applicant, in
Chinese.

Page images for visual checks (seals, signatures): pass `work_dir` and every page's upright RGB image
(turned and deskewed exactly as its `lines` boxes are measured; for a text-PDF page, the page
rendered at `Page.dpi`) is written there as an uncompressed BMP (lossless, and ten times faster to
write and read than PNG: a case's pages are a temporary working set), its path in `Page.image_path`.
`load_page_image(page)` gives it back as an RGB `numpy` array. Without `work_dir` no image is kept.

Per page the reader records `source` (text layer or OCR), `rotation`/`skew` (how it was turned
upright), `ocr_seconds`, `blank` (nothing legible) and `blur` (variance of the Laplacian of the
grey page scaled to `BLUR_SIDE` pixels on its long side; None for text-layer pages).
Sharp scans score in the thousands, a phone photo out of focus below ~100.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from prereview.documents import Document, Page, PageSource
from prereview.errors import ReadFailed, ReadTimeout, UnreadableFile
from prereview.images import load_images
from prereview.ocr import OcrEngine
from prereview.orient import read_page_image
from prereview.pdf import DEFAULT_DPI, open_pdf, read_pdf
from prereview.sniff import Kind, check_readable, sniff_file

log = logging.getLogger(__name__)

BLUR_SIDE = 1024


class ReadLimits(BaseModel):
    """Caps on one uploaded file; the defaults match `core.config.Settings`."""

    max_bytes: int = Field(default=30 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=60, gt=0)
    max_pixels: int = Field(default=60_000_000, gt=0)  # per image or rendered page
    timeout_seconds: float = Field(default=60.0, gt=0)
    dpi: float = Field(default=DEFAULT_DPI, gt=0)  # PDF render and text-layer coordinate scale


PageDone = Callable[[int, int | None], None]  # (pages read, pages total or None) after each page


def read_file(
    path: Path,
    *,
    name: str,
    limits: ReadLimits,
    ocr: OcrEngine,
    work_dir: Path | None = None,
    on_page: PageDone | None = None,
    pages: range | None = None,
) -> Document:
    """Read one uploaded file; `name` is the applicant's file name (only its extension is looked at).
    `on_page` is told after each page how many are read, of how many. `pages`: only these pages of a
    PDF (a part of the file; `prereview.plan` joins the parts), of how many the file holds."""
    path = Path(path)
    doc = Document(name=name or path.name)
    try:
        sniffed = sniff_file(path, name=doc.name)
        doc.media_type = sniffed.media_type
        kind = check_readable(sniffed, max_bytes=limits.max_bytes)
        doc.sha256 = file_sha256(path)
        deadline = time.monotonic() + limits.timeout_seconds
        total = page_count(path, kind) if on_page is not None else None
        read = _pages(path, kind, limits=limits, ocr=ocr, work_dir=work_dir, sha256=doc.sha256, pages=pages)
        for page in read:
            doc.pages.append(page)
            if on_page is not None:
                on_page(len(doc.pages), total)
            if time.monotonic() > deadline:
                raise ReadTimeout(
                    f"文件处理超过 {limits.timeout_seconds:g} 秒仍未完成，请拆分或压缩后重新上传。"
                )
    except UnreadableFile as exc:
        return doc.model_copy(update={"pages": [], "error": exc.to_file_error()})
    except Exception:  # a bug or a parser crash on this file must not sink the whole case
        log.exception("reading %s failed", doc.name)
        return doc.model_copy(update={"pages": [], "error": ReadFailed().to_file_error()})
    return doc


def page_count(path: Path, kind: Kind) -> int | None:
    """How many pages the file holds, cheaply (None when it cannot be told before reading)."""
    try:
        if kind is Kind.PDF:
            doc = open_pdf(path)
            try:
                return len(doc)
            finally:
                doc.close()
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    except Exception:  # the reading proper reports what is wrong with the file
        return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pages(
    path: Path,
    kind: Kind,
    *,
    limits: ReadLimits,
    ocr: OcrEngine,
    work_dir: Path | None,
    sha256: str,
    pages: range | None = None,
) -> Iterator[Page]:
    def image_path(index: int) -> Path | None:
        return None if work_dir is None else Path(work_dir) / f"{sha256[:16]}-p{index + 1:03d}.bmp"

    if kind is Kind.PDF:
        pdf_pages = read_pdf(
            path,
            max_pages=limits.max_pages,
            max_pixels=limits.max_pixels,
            dpi=limits.dpi,
            render_text_pages=work_dir is not None,
            pages=pages,
        )
        for raw in pdf_pages:
            if raw.lines is not None:
                page = Page(
                    index=raw.index,
                    width=raw.width,
                    height=raw.height,
                    source=PageSource.TEXT,
                    lines=raw.lines,
                    blank=not raw.lines,
                    dpi=raw.dpi,
                )
                yield _with_image(page, raw.image, image_path(raw.index))
            else:
                assert raw.image is not None
                yield _ocr_page(raw.image, raw.index, ocr=ocr, dpi=raw.dpi, save_to=image_path(raw.index))
        return
    frames = load_images(path, kind=kind, max_pixels=limits.max_pixels, max_pages=limits.max_pages)
    for index, image in enumerate(frames):
        yield _ocr_page(image, index, ocr=ocr, dpi=None, save_to=image_path(index))


def _ocr_page(
    image: np.ndarray, index: int, *, ocr: OcrEngine, dpi: float | None, save_to: Path | None
) -> Page:
    started = time.perf_counter()
    result = read_page_image(image, ocr)
    seconds = time.perf_counter() - started
    height, width = result.image.shape[:2]
    page = Page(
        index=index,
        width=width,
        height=height,
        source=PageSource.OCR,
        rotation=result.rotation,
        skew=result.skew,
        lines=result.lines,
        blank=not any(len(line.text) >= 2 for line in result.lines),
        blur=round(blur_score(result.image), 1),
        ocr_seconds=round(seconds, 3),
        dpi=dpi,
    )
    return _with_image(page, result.image, save_to)


def _with_image(page: Page, image: np.ndarray | None, save_to: Path | None) -> Page:
    if image is None or save_to is None:
        return page
    save_to.parent.mkdir(parents=True, exist_ok=True)
    # lossless: seal colour and thin signature strokes matter
    if not cv2.imwrite(str(save_to), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {save_to}")
    page.image_path = str(save_to)
    return page


def blur_score(image: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image scaled to `BLUR_SIDE` on its long side (low = blurred)."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = BLUR_SIDE / max(grey.shape)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def load_page_image(page: Page) -> np.ndarray:
    """The upright RGB image of a page read with a `work_dir` (raises FileNotFoundError otherwise)."""
    if not page.image_path:
        raise FileNotFoundError(f"page {page.index} has no stored image: read the file with a work_dir")
    bgr = cv2.imread(page.image_path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(page.image_path)
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
