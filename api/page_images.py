"""Page images of uploaded files, for the clerk's evidence view.

An evidence box is measured on the page as the pre-review saw it: turned upright and deskewed for a
photo or a scan, rendered at the reader's dpi for a text PDF. Only the reader itself reproduces that
frame, so a page image is made by reading the file again in a ``ReaderPool`` (the same sandboxed
worker process and code as the pre-review), not by decoding it here. Reading is the slow part (OCR
decides the orientation), so every page of a file is kept as JPEG under ``data_dir/pages/<sha256>``:
the file is content-addressed, so the images never go stale. Applicants' self-check files are not
kept: their uploads are deleted after the retention, and so must be every copy of them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from functools import partial
from pathlib import Path
from typing import Any

from api.errors import StateConflict
from core.errors import NotFound

JPEG_QUALITY = 85  # a scanned A4 page at 200 dpi: ~300 KB instead of 3 MB of PNG; boxes stay sharp enough


class PageImages:
    """Thread-safe; the reader's worker process starts on the first request, not with the service."""

    def __init__(self, *, cache_dir: Path, limits: Any, ocr_threads: int = 1) -> None:
        self.cache_dir = cache_dir
        self._limits = limits
        self._ocr_threads = ocr_threads
        self._pool: Any = None
        self._lock = threading.Lock()
        self._file_locks: dict[str, threading.Lock] = {}

    def page(self, *, path: Path, sha256: str, name: str, number: int, keep: bool) -> bytes:
        """The JPEG of page ``number`` (1-based) of the stored file at ``path``."""
        cached = self._cached(sha256, number)
        if cached is not None:
            return cached
        with self._file_lock(sha256):  # two clerks opening the same file: it is read once
            cached = self._cached(sha256, number)
            if cached is not None:
                return cached
            pages = self._read(path, name=name)
            if number > len(pages):
                raise NotFound(f"这个文件只有 {len(pages)} 页，没有第 {number} 页")
            if keep:
                self._store(sha256, pages)
            return pages[number - 1]

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def _cached(self, sha256: str, number: int) -> bytes | None:
        folder = self.cache_dir / sha256
        path = folder / f"p{number:03d}.jpg"
        if path.is_file():
            return path.read_bytes()
        if folder.is_dir():
            raise NotFound(f"这个文件只有 {len(list(folder.glob('p*.jpg')))} 页，没有第 {number} 页")
        return None

    def _file_lock(self, sha256: str) -> threading.Lock:
        with self._lock:
            return self._file_locks.setdefault(sha256, threading.Lock())

    def _reader(self) -> Any:
        with self._lock:
            if self._pool is None:
                from prereview.ocr import RapidOcrEngine
                from prereview.reader import ReaderPool

                self._pool = ReaderPool(limits=self._limits, ocr_factory=partial(RapidOcrEngine, threads=self._ocr_threads))
                atexit.register(self.close)
            return self._pool

    def _read(self, path: Path, *, name: str) -> list[bytes]:
        import cv2

        with tempfile.TemporaryDirectory(prefix="yichuang-pages-") as tmp:
            doc = self._reader().read(path, name=name, work_dir=Path(tmp))
            if doc.error is not None:
                raise StateConflict(f"这个文件无法读取，没有页面图像：{doc.error.message}")
            out = []
            for page in doc.pages:
                image = cv2.imread(page.image_path or "", cv2.IMREAD_COLOR)
                if image is None:
                    raise StateConflict("页面图像生成失败，请稍后重试")
                ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
                if not ok:
                    raise StateConflict("页面图像生成失败，请稍后重试")
                out.append(jpeg.tobytes())
            return out

    def _store(self, sha256: str, pages: list[bytes]) -> None:
        # written to a sibling folder and renamed: a reader never sees half of a file's pages
        final = self.cache_dir / sha256
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{sha256[:8]}-", dir=self.cache_dir))
        for i, data in enumerate(pages, 1):
            (work / f"p{i:03d}.jpg").write_bytes(data)
        try:
            work.rename(final)
        except OSError:  # another process stored it first
            shutil.rmtree(work, ignore_errors=True)


_BUILD = threading.Lock()


def page_images(services: Any) -> PageImages:
    """The service's PageImages (built on first use: most processes never show a page)."""
    with _BUILD:
        found = services.extras.get("page_images")
        if not isinstance(found, PageImages):
            from prereview.reader import ReadLimits

            settings = services.settings
            limits = ReadLimits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages,
                                max_pixels=settings.max_pixels, timeout_seconds=settings.parse_timeout_s)  # fmt: skip
            found = PageImages(cache_dir=settings.data_dir / "pages", limits=limits)
            services.extras["page_images"] = found
        return found
