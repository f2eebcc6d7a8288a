"""How a case's files are shared out to the reader workers: the longest jobs first, long scans in parts.

A case is read when its last job ends. Ordered by bytes, a 12 MP photo (big file, one page) went before
a multi-page scan (small file, many pages), so the longest job started last and one worker read it
while the other idled. Here every file is first surveyed (`survey`, in a worker: the file is untrusted)
for the work of each of its pages, cheaply: an image's size from its header, a PDF's pages from
pdfium's look at their objects (scanned or text layer, pixels at the render scale). `plan_reading`
then cuts a PDF with more work than a few jobs' share into runs of pages, and orders every job longest
first; `joined` puts a file's parts back together in page order. A part that fails fails its file,
with the part's error and no pages, as reading the file whole would have.

    works = [survey(path, name, limits) for ...]        # in a worker
    for job in plan_reading(works, workers=2): ...       # job.file, job.pages (None: whole file), job.work
    doc = joined([part_1, part_2])
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from prereview.documents import Document
from prereview.images import MAX_WORK_SIDE
from prereview.pdf import page_work
from prereview.reader import ReadLimits
from prereview.sniff import Kind, check_readable, sniff_file

# A text-layer page is rendered for the visual checks but never OCRed: about a tenth of the work of an
# OCR page of its pixels (measured on the samples: ~0.1 s against ~1 s).
TEXT_PAGE_SHARE = 0.1
# Parts per worker a case's work is cut into at most: finer parts balance the workers better at the
# end of a case, and each costs a few milliseconds (opening the file again).
PARTS_PER_WORKER = 3


def survey(path: Path, name: str, limits: ReadLimits) -> list[float] | None:
    """The work of each page of a file: the pixels it is OCRed at (a share of them for a text-layer page);
    None when the file cannot be told (reading it says what is wrong with it)."""
    try:
        kind = check_readable(sniff_file(path, name=name), max_bytes=limits.max_bytes)
        if kind is Kind.PDF:
            pages = page_work(path, max_pages=limits.max_pages, max_pixels=limits.max_pixels, dpi=limits.dpi)
            return [p.pixels * (1.0 if p.ocr else TEXT_PAGE_SHARE) for p in pages]
        with Image.open(path) as im:  # the header only
            width, height = im.size
            frames = int(getattr(im, "n_frames", 1))
        scale = min(1.0, MAX_WORK_SIDE / max(width, height, 1))  # photos are read at most this big
        return [width * height * scale * scale] * min(frames, limits.max_pages)
    except Exception:
        return None


@dataclass(frozen=True)
class ReadJob:
    file: int  # index in the case's files
    pages: range | None  # None: the whole file
    work: float

    @property
    def first(self) -> int:
        return 0 if self.pages is None else self.pages.start


def plan_reading(works: list[list[float] | None], *, workers: int) -> list[ReadJob]:
    """The reading jobs of a case whose files' page works are `works` (`survey`), longest first (ties in
    file order). A file that could not be surveyed counts as much as the largest one that could: it
    starts early (a broken file fails fast; an unknown one may be long)."""
    known = [sum(w) for w in works if w]
    unknown = max(known, default=1.0)
    total = sum(known) + unknown * sum(1 for w in works if not w)
    share = total / max(workers * PARTS_PER_WORKER, 1)  # the most work one part should hold
    jobs: list[ReadJob] = []
    for i, pages in enumerate(works):
        if not pages:
            jobs.append(ReadJob(i, None, unknown))
        elif workers < 2 or len(pages) < 2 or sum(pages) <= share:
            jobs.append(ReadJob(i, None, sum(pages)))
        else:
            jobs += [ReadJob(i, run, sum(pages[run.start : run.stop])) for run in _runs(pages, share)]
    return sorted(jobs, key=lambda j: -j.work)


def _runs(pages: list[float], share: float) -> list[range]:
    """Consecutive pages in runs of about `share` work each (at least one page a run), as even as can be."""
    parts = max(1, min(len(pages), round(sum(pages) / share)))
    target = sum(pages) / parts
    runs: list[range] = []
    start, acc = 0, 0.0
    for i, work in enumerate(pages):
        acc += work
        left_parts = parts - len(runs) - 1
        if left_parts and acc >= target * (len(runs) + 1) - work / 2 and len(pages) - i - 1 >= left_parts:
            runs.append(range(start, i + 1))
            start = i + 1
    runs.append(range(start, len(pages)))
    return runs


def joined(parts: list[Document]) -> Document:
    """One file's parts, in page order, as one Document; the first part that failed fails the file (its
    error, no pages)."""
    failed = next((p for p in parts if p.error is not None), None)
    if failed is not None:
        return failed.model_copy(update={"pages": []})
    return parts[0].model_copy(update={"pages": [page for part in parts for page in part.pages]})


class FileParts:
    """Progress of one file read in parts: pages read summed over its parts, and ``read`` once the last
    part is in. Thread-safe (parts end in the reading threads)."""

    def __init__(self, parts: int, *, page: Callable[[int, int | None], None], read: Callable[[int], None]):
        self._parts = parts
        self._page, self._read = page, read
        self._done: dict[int, int] = {}
        self._pages = 0
        self._ended = 0
        self._failed = False
        self._lock = threading.Lock()

    def page(self, part: int, done: int, total: int | None) -> None:
        with self._lock:
            self._done[part] = done
            self._page(sum(self._done.values()), total)

    def ended(self, doc: Document) -> None:
        with self._lock:
            self._ended += 1
            self._pages += len(doc.pages)
            self._failed = self._failed or doc.error is not None
            if self._ended == self._parts:
                self._read(0 if self._failed else self._pages)
