"""Page images of uploaded files, for the clerk's evidence view.

An evidence box is measured on the page as the pre-review saw it: turned upright and deskewed for a
photo or a scan, rendered at the reader's dpi for a text PDF. Only the reader itself produces that
frame, so a page image comes from a reading of the file, never from decoding it here. Every page of a
file is kept as JPEG under ``data_dir/pages/<sha256>``: the file is content-addressed, so the images
never go stale. Applicants' self-check files are not kept: their uploads are deleted after the
retention, and so must be every copy of them.

The pre-review run has read every file already. Its ``keep`` sink (`PageImages.sink`) hard-links the
run's page images (the reader's upright BMPs) into ``pages/.pending/<sha256>`` before the run's
temporary directory goes, and a background thread encodes them, so the run pays no encoding and the
clerk's first look needs no second reading. A page asked for while its file is pending is encoded
from the pending image there and then. Pages no run left (a file that failed to read, a case read
before this existed) are read again in a sandboxed ``ReaderPool``, the same worker process and code
as the pre-review: slow, since OCR decides the orientation. Every folder under ``pages`` is complete
or absent (written under ``pages/.work`` and renamed into place), so whichever process writes one or
dies while writing, no request ever sees half of a file's pages or half of a JPEG.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import os
import queue
import shutil
import stat
import struct
import tempfile
import threading
import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from core.errors import NotFound
from core.files import move_dir
from prereview.documents import Document
from prereview.ocr import RapidOcrEngine
from prereview.ocr_openvino import OcrRuntime
from prereview.pipeline import DocumentSink, UploadedFile
from prereview.pool import ReaderPool
from prereview.reader import ReadLimits
from window.errors import StateConflict
from window.models import Channel

__all__ = ["PageImages", "kept"]

log = logging.getLogger("yichuang.api")

JPEG_QUALITY = 85  # a scanned A4 page at 200 dpi: ~300 KB instead of 3 MB of PNG; boxes stay sharp enough
STALE_WORK_S = 3600.0  # a folder under .work this old was left by a writer that died
BMP_HEADER = 54  # what the reader writes: file header + BITMAPINFOHEADER, 24 bits a pixel, no palette


def kept(channel: str) -> bool:
    """Whether a case's page images may be kept (the rule the evidence view and the runs share)."""
    return channel != Channel.APPLICANT.value


class PageImages:
    """Thread-safe; the reader's worker process starts on the first page no run left, not with the service."""

    def __init__(
        self,
        *,
        cache_dir: Path,
        limits: ReadLimits,
        ocr_threads: int = 1,
        ocr_model_dir: Path | None = None,
        ocr_det_runtime: OcrRuntime = "onnxruntime",
        ocr_rec_runtime: OcrRuntime = "onnxruntime",
        nice: int = 0,
    ) -> None:
        self.cache_dir = cache_dir
        # the runs' own models and runtimes: a page is shown as it was read
        self._ocr_model_dir = ocr_model_dir
        self._ocr_runtimes = (ocr_det_runtime, ocr_rec_runtime)
        self._limits = limits
        self._ocr_threads = ocr_threads
        self._nice = nice
        self._pool: ReaderPool | None = None
        self._lock = threading.Lock()
        self._file_locks: dict[str, threading.Lock] = {}
        self._jobs: queue.SimpleQueue[str | None] | None = None  # the encoder's, while it runs
        self._encoder: threading.Thread | None = None
        self._queued: set[str] = set()

    def page(self, *, path: Path, sha256: str, name: str, number: int, keep: bool) -> bytes:
        """The JPEG of page ``number`` (1-based) of the stored file at ``path``."""
        cached = self._cached(sha256, number)
        if cached is None:
            cached = self._pending_page(sha256, number)
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

    def sink(self, *, shas: Mapping[Path, str]) -> DocumentSink:
        """A ``keep`` for `Prereviewer.run` (prereview.pipeline.DocumentSink): stages the page images of
        each file (``shas``: its stored path -> sha256) for the cache. Only for cases whose pages are kept."""

        def keep(file: UploadedFile, doc: Document) -> None:
            sha256 = shas.get(Path(file.path))
            if sha256 is None:
                return
            try:
                if self._stage(sha256, doc):
                    self._enqueue(sha256)
            except Exception:  # the evidence view's cache must never fail a run
                log.exception("the page images of %s could not be kept", sha256[:12])

        return keep

    def close(self) -> None:
        """Stops the reader process and the encoder (after its current file: the rest stay pending on
        disk)."""
        with self._lock:
            pool, self._pool = self._pool, None
            jobs, encoder = self._jobs, self._encoder
            self._jobs, self._encoder = None, None
        if pool is not None:
            pool.close()
        if jobs is not None and encoder is not None:
            jobs.put(None)
            encoder.join(timeout=30)

    # --- the cache and what the runs staged ---------------------------------------------------------

    def _cached(self, sha256: str, number: int) -> bytes | None:
        folder = self.cache_dir / sha256
        path = folder / f"p{number:03d}.jpg"
        if path.is_file():
            return path.read_bytes()
        if not folder.is_dir():
            return None
        if path.is_file():  # the encoder renamed the whole folder into place between the two looks
            return path.read_bytes()
        raise NotFound(f"这个文件只有 {_count(folder, 'jpg')} 页，没有第 {number} 页")

    def _pending(self, sha256: str) -> Path:
        return self.cache_dir / ".pending" / sha256

    def _pending_page(self, sha256: str, number: int) -> bytes | None:
        folder = self._pending(sha256)
        count = _count(folder, "bmp")
        if not count:
            return None
        self._enqueue(sha256)  # the process that staged it may have died before encoding it
        if number > count:
            raise NotFound(f"这个文件只有 {count} 页，没有第 {number} 页")
        # None when the encoder settled it meanwhile (the cache has it now) or it is damaged (read again)
        return _jpeg(folder / f"p{number:03d}.bmp") or self._cached(sha256, number)

    def _stage(self, sha256: str, doc: Document) -> bool:
        """Hard-link a run's page images into ``.pending/<sha256>``: no encoding on the run's path."""
        if (self.cache_dir / sha256).is_dir() or self._pending(sha256).is_dir():
            return False  # kept already, or another run of the same file staged it
        pages = _document_pages(doc, sha256=sha256, max_pages=self._limits.max_pages)
        if pages is None:
            return False
        work = self._work_dir()
        try:
            if not all(
                _take(src, work / f"p{i:03d}.bmp", size=size) for i, (src, size) in enumerate(pages, 1)
            ):
                shutil.rmtree(work, ignore_errors=True)
                return False
            self._pending(sha256).parent.mkdir(exist_ok=True)
            # False: another run staged it first. No flush to the disk on the run's path: staged
            # images found damaged are read again.
            return move_dir(work, self._pending(sha256), durable=False)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
            raise

    def _settle(self, sha256: str) -> None:
        """Encode a staged file's pages into the cache, then drop the staged images."""
        pending = self._pending(sha256)
        final = self.cache_dir / sha256
        with self._file_lock(sha256):
            count = _count(pending, "bmp")
            if count and not final.is_dir():
                pages = [_jpeg(pending / f"p{i:03d}.bmp") for i in range(1, count + 1)]
                if all(pages):
                    self._store(sha256, [p for p in pages if p])
                elif not final.is_dir():  # another process may have settled it meanwhile
                    log.warning("staged page images of %s are damaged: read again when shown", sha256[:12])
            _discard(pending, trash=self.cache_dir / ".work")

    def _store(self, sha256: str, pages: list[bytes]) -> None:
        work = self._work_dir()
        for i, data in enumerate(pages, 1):
            (work / f"p{i:03d}.jpg").write_bytes(data)
        move_dir(work, self.cache_dir / sha256)  # False: another process stored it first

    def _work_dir(self) -> Path:
        (self.cache_dir / ".work").mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.cache_dir / ".work"))

    # --- the background encoder ----------------------------------------------------------------------

    def _enqueue(self, sha256: str) -> None:
        with self._lock:
            if self._jobs is None or self._encoder is None:
                self._jobs, self._queued = queue.SimpleQueue(), set()
                self._encoder = threading.Thread(
                    target=self._encode, args=(self._jobs,), name="page-images", daemon=True
                )
                self._encoder.start()
                self._jobs.put("")  # first: `_recover`
            if sha256 not in self._queued:
                self._queued.add(sha256)
                self._jobs.put(sha256)

    def _encode(self, jobs: queue.SimpleQueue[str | None]) -> None:
        _lower_priority()
        while (sha256 := jobs.get()) is not None and self._jobs is jobs:
            try:
                if sha256:
                    self._settle(sha256)
                else:
                    self._recover()
            except Exception:
                log.exception("page images of %s could not be encoded", sha256[:12] or "earlier runs")
            finally:
                with self._lock:
                    self._queued.discard(sha256)

    def _recover(self) -> None:
        """What a process that died left: half-written folders (never shown) go, staged files are encoded."""
        work = self.cache_dir / ".work"
        for folder in work.iterdir() if work.is_dir() else []:
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > STALE_WORK_S:
                    shutil.rmtree(folder, ignore_errors=True)
        pending = self.cache_dir / ".pending"
        for folder in pending.iterdir() if pending.is_dir() else []:
            self._enqueue(folder.name)

    # --- reading the file again ------------------------------------------------------------------------

    def _file_lock(self, sha256: str) -> threading.Lock:
        with self._lock:
            return self._file_locks.setdefault(sha256, threading.Lock())

    def _reader(self) -> ReaderPool:
        with self._lock:
            if self._pool is None:
                ocr = partial(
                    RapidOcrEngine,
                    threads=self._ocr_threads,
                    model_dir=self._ocr_model_dir,
                    det_runtime=self._ocr_runtimes[0],
                    rec_runtime=self._ocr_runtimes[1],
                )
                self._pool = ReaderPool(limits=self._limits, ocr_factory=ocr, nice=self._nice)
                atexit.register(self.close)
            return self._pool

    def _read(self, path: Path, *, name: str) -> list[bytes]:
        with tempfile.TemporaryDirectory(prefix="yichuang-pages-") as tmp:
            doc = self._reader().read(path, name=name, work_dir=Path(tmp))
            if doc.error is not None:
                raise StateConflict(f"这个文件无法读取，没有页面图像：{doc.error.message}")
            out = []
            for page in doc.pages:
                jpeg = _jpeg(Path(page.image_path or ""))
                if jpeg is None:
                    raise StateConflict("页面图像生成失败，请稍后重试")
                out.append(jpeg)
            return out


def _jpeg(path: Path) -> bytes | None:
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        return None
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return jpeg.tobytes() if ok else None


def _count(folder: Path, suffix: str) -> int:
    try:
        return sum(1 for p in folder.iterdir() if p.name.startswith("p") and p.name.endswith(f".{suffix}"))
    except OSError:
        return 0


def _document_pages(
    doc: Document, *, sha256: str, max_pages: int
) -> list[tuple[Path, tuple[int, int]]] | None:
    """Each page's image and size, or None unless the reader left an image for every page of the file."""
    if doc.error is not None or not doc.pages or len(doc.pages) > max_pages or doc.sha256 not in ("", sha256):
        return None
    out = []
    for i, page in enumerate(doc.pages):
        if page.index != i or not page.image_path:
            return None
        out.append((Path(page.image_path), (round(page.width), round(page.height))))
    return out


def _take(src: Path, dst: Path, *, size: tuple[int, int]) -> bool:
    """Hard-link (across filesystems: copy) the reader's image ``src`` to ``dst`` if it is what the
    Document says: a plain 24-bit BMP of ``size`` (width, height), not a symlink, not a second name of
    some other file. The reader process is untrusted; the checks read 54 bytes, never the pixels."""
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        plain = stat.S_ISREG(st.st_mode) and st.st_nlink == 1  # not a second name of some other file
        if not plain or st.st_size != _bmp_bytes(*size) or os.pread(fd, BMP_HEADER, 0) != _bmp_header(*size):
            return False
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            with os.fdopen(os.dup(fd), "rb") as source, dst.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            return True
        linked = os.lstat(dst)
        return (linked.st_dev, linked.st_ino) == (st.st_dev, st.st_ino)  # not swapped since it was checked
    finally:
        os.close(fd)


def _bmp_bytes(width: int, height: int) -> int:
    return BMP_HEADER + ((3 * width + 3) & ~3) * height  # rows padded to four bytes


def _bmp_header(width: int, height: int) -> bytes:
    """The header OpenCV writes for a 24-bit BMP (what the reader saves a page as)."""
    size = _bmp_bytes(width, height)
    return struct.pack(
        "<2sIHHIIiiHHIIiiII", b"BM", size, 0, 0, BMP_HEADER, 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0
    )


def _discard(folder: Path, *, trash: Path) -> None:
    """Removes ``folder`` at once for every reader (renamed away first, then deleted)."""
    trash.mkdir(parents=True, exist_ok=True)
    gone = Path(tempfile.mkdtemp(dir=trash)) / "x"
    with contextlib.suppress(FileNotFoundError):
        folder.rename(gone)
    shutil.rmtree(gone.parent, ignore_errors=True)


def _lower_priority() -> None:
    """The encoder yields the CPU to runs and requests (on Linux a thread has a nice value of its own)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
