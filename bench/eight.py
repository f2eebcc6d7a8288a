"""The speed target: a case of 8 files (4 phone photos, 4 PDFs) judged end to end.

    .venv/bin/python bench/eight.py [--cases ../shared/cases/public] [--rounds 3] [--photo-side 0]
                                    [--workers 2] [--seed 0]

From every sample case with at least 4 photos and 4 PDFs it takes 4 photos and 4 PDFs (seeded; the
PDFs as they are, so text PDFs keep their text layer) and judges that 8-file case through
`Prereviewer` with the real reader pool. The first case after the pool started is reported as cold;
then every case is judged `--rounds` times (warm: workers and models loaded, as in the service).
``--photo-side 4000`` first scales each photo up to a 12-megapixel phone camera's size (the pixels a
browser upload of an uncompressed photo brings; the text is no sharper, the work is real).

Prints per-case wall time (cold, warm p50/p95/max), CPU seconds (user+sys of this process and its
reader workers: what a loaded, shared machine does not inflate) per case and per OCRed page, pages
OCRed per case (text-layer pages must be 0), OCR wall seconds per OCRed page (median), time spent
reading vs judging, peak RSS (the sum of every process's own peak, VmHWM), and the load average
before and after. Held-out cases (hard X04–X05) are left out unless ``--held-out`` is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import os
import statistics
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass

import cv2
import numpy as np
import psutil
from rich.console import Console
from rich.table import Table

from bench.cases import _tree, pct, tree_cpu_seconds
from bench.harden import has_text_layer
from bench.scoring import group_of
from prereview.cases import find_cases, load_case
from prereview.cli import build_prereviewer
from prereview.documents import Document, PageSource
from prereview.pipeline import Prereviewer, UploadedFile

ROOT = Path(__file__).resolve().parent.parent
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}


@dataclass
class EightCase:
    case_id: str
    item: str
    review_date: object
    declared: dict[str, object]
    files: list[UploadedFile]


def eight_file_cases(
    cases: Path, *, seed: int, photo_side: int, tmp: Path, held_out: bool = False
) -> list[EightCase]:
    out = []
    for folder in find_cases(cases):
        if not held_out and group_of(folder).endswith("(held out)"):
            continue
        case = load_case(folder)
        uploads = case.uploads(folder)
        photos = [f for f in uploads if f.path.suffix.lower() in PHOTO_SUFFIXES]
        pdfs = [f for f in uploads if f.path.suffix.lower() == ".pdf"]
        if len(photos) < 4 or len(pdfs) < 4:
            continue
        rng = np.random.default_rng(zlib.crc32(f"{seed}:{case.case_id}".encode()))
        chosen = [photos[i] for i in sorted(rng.choice(len(photos), 4, replace=False))]
        chosen += [pdfs[i] for i in sorted(rng.choice(len(pdfs), 4, replace=False))]
        if photo_side:
            chosen = [_enlarged(f, photo_side, tmp / case.case_id) if f in photos else f for f in chosen]
        out.append(
            EightCase(
                case_id=f"{case.case_id}-8",
                item=case.item,
                review_date=case.review_date,
                declared=case.declared,
                files=chosen,
            )
        )
    return out


def _enlarged(file: UploadedFile, side: int, folder: Path) -> UploadedFile:
    image = cv2.imread(str(file.path), cv2.IMREAD_COLOR)
    f = side / max(image.shape[:2])
    big = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (file.path.stem + ".jpg")
    cv2.imwrite(str(target), big, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return file.model_copy(update={"path": target, "name": target.name})


@dataclass
class Run:
    seconds: float
    read_seconds: float  # wall time until every file was read
    ocr_pages: int
    ocr_seconds: float
    text_pages_ocred: int
    pages: int
    cpu_seconds: float  # user+sys of this process and its reader workers
    ocr_page_seconds: list[float]
    all_busy: float  # share of the case's wall time every reader worker had a job


class BusySampler:
    """Samples, every few milliseconds while a case runs, how many reader workers hold a job (those not
    waiting in the pool's idle queue): the share of samples with all of them busy is what scheduling
    the case's reading changes."""

    def __init__(self, pre: Prereviewer, every: float = 0.005) -> None:
        self._pool = pre._pool
        self._every = every
        self._samples = 0
        self._all = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._samples += 1
            self._all += self._pool._idle.qsize() == 0

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self._all / max(self._samples, 1)


def tree_peak_rss_mb() -> float:
    """Sum over this process and its workers of each one's peak resident set (VmHWM)."""
    total = 0
    for proc in _tree():
        with contextlib.suppress(OSError, psutil.Error):
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) * 1024
    return total / 2**20


def judge(pre: Prereviewer, case: EightCase) -> Run:
    docs: list[Document] = []
    read_done = [0.0]

    def keep(_: UploadedFile, doc: Document) -> None:
        read_done[0] = read_done[0] or time.perf_counter()
        docs.append(doc)

    cpu = tree_cpu_seconds()
    start = time.perf_counter()
    sampler = BusySampler(pre)
    pre.run(
        item=case.item,
        review_date=case.review_date,
        declared=case.declared,  # type: ignore[arg-type]
        files=case.files,
        case_id=case.case_id,
        keep=keep,
    )
    seconds = time.perf_counter() - start
    busy = sampler.stop()
    cpu = tree_cpu_seconds() - cpu
    pages = [p for d in docs for p in d.pages]
    ocr = [p for p in pages if p.source is PageSource.OCR]
    text_ocred = sum(
        1
        for d, f in zip(docs, case.files, strict=True)
        if f.path.suffix.lower() == ".pdf"
        and has_text_layer(f.path)
        and any(p.source is PageSource.OCR for p in d.pages)
    )
    return Run(
        seconds=seconds,
        read_seconds=read_done[0] - start,
        ocr_pages=len(ocr),
        ocr_seconds=sum(p.ocr_seconds for p in ocr),
        text_pages_ocred=text_ocred,
        pages=len(pages),
        cpu_seconds=cpu,
        ocr_page_seconds=[p.ocr_seconds for p in ocr],
        all_busy=busy,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=ROOT.parent / "shared" / "cases" / "public")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ocr-threads", type=int, default=1, help="onnxruntime threads per reader worker")
    parser.add_argument("--photo-side", type=int, default=0, help="scale photos up to this long side first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", action="store_true", help="include hard X04–X05 (held out)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory(prefix="eight-") as tmp:
        cases = eight_file_cases(
            args.cases, seed=args.seed, photo_side=args.photo_side, tmp=Path(tmp), held_out=args.held_out
        )
        started = time.perf_counter()
        pre = build_prereviewer(args.workers, ocr_threads=args.ocr_threads)
        pre.start()
        startup = time.perf_counter() - started
        try:
            cold = judge(pre, cases[0])
            warm: list[Run] = []
            for r in range(args.rounds):
                for case in cases:
                    warm.append(judge(pre, case))
                    if args.verbose:
                        w = warm[-1]
                        console.print(
                            f"round {r + 1} {case.case_id}: {w.seconds:.2f}s CPU {w.cpu_seconds:.2f}s "
                            f"all busy {w.all_busy:.0%} "
                            f"(read {w.read_seconds:.2f}s, {w.ocr_pages} OCR pages {w.ocr_seconds:.1f}s)"
                        )
            peak = tree_peak_rss_mb()
        finally:
            pre.close()
    _table(args, cases, startup=startup, cold=cold, warm=warm, peak=peak, load_before=load_before)


def _table(
    args: argparse.Namespace,
    cases: list[EightCase],
    *,
    startup: float,
    cold: Run,
    warm: list[Run],
    peak: float,
    load_before: tuple[float, float, float],
) -> None:
    times = [w.seconds for w in warm]
    cpu = [w.cpu_seconds for w in warm]
    ocr_pages = sum(w.ocr_pages for w in warm)
    page_seconds = [s for w in warm for s in w.ocr_page_seconds]
    load = " → ".join(", ".join(f"{v:.2f}" for v in la) for la in (load_before, os.getloadavg()))
    photos = f"photos scaled to {args.photo_side} px" if args.photo_side else "photos as uploaded"
    table = Table(
        title=f"8-file cases: {len(cases)} cases x {args.rounds} rounds, {args.workers} workers x "
        f"{args.ocr_threads} OCR threads, {photos}"
    )
    for col in (
        "start-up s",
        "cold s",
        "warm p50 s",
        "warm p95 s",
        "warm max s",
        "CPU p50 s",
        "CPU p95 s",
        "both busy p50",
        "read p50 s",
        "OCR pages/case",
        "OCR s/page p50",
        "OCR s/page mean",
        "CPU s/OCR page",
        "text PDFs OCRed",
        "peak RSS MB",
        "load avg before → after",
    ):
        table.add_column(col, justify="right")
    table.add_row(
        f"{startup:.1f}",
        f"{cold.seconds:.2f}",
        f"{statistics.median(times):.2f}",
        f"{pct(times, 0.95):.2f}",
        f"{max(times):.2f}",
        f"{statistics.median(cpu):.2f}",
        f"{pct(cpu, 0.95):.2f}",
        f"{statistics.median(w.all_busy for w in warm):.0%}",
        f"{statistics.median(w.read_seconds for w in warm):.2f}",
        f"{ocr_pages / len(warm):.1f}",
        f"{statistics.median(page_seconds) if page_seconds else 0:.2f}",
        f"{sum(w.ocr_seconds for w in warm) / max(ocr_pages, 1):.2f}",
        f"{sum(cpu) / max(ocr_pages, 1):.2f}",
        str(sum(w.text_pages_ocred for w in warm)),
        f"{peak:.0f}",
        load,
    )
    Console(width=240).print(table)


if __name__ == "__main__":
    main()
