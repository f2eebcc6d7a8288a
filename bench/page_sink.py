"""What keeping a run's page images for the evidence view costs the run, and what it saves the clerk.

    .venv/bin/python bench/page_sink.py [--cases ../shared/cases/public] [--max-cases 3] [--rounds 2]
                                        [--workers 2]

Takes the 8-file cases of bench/eight.py (4 photos, 4 PDFs) and judges each through `Prereviewer` with
the real reader pool, alternately without ``keep`` and with `PageImages.sink` (a fresh cache each
time, so every page is staged). Prints the sink's own time per page (hard links on one filesystem;
copies when the cache is on another, here /dev/shm), the background encoder's time per page, the
run's wall time with and without the sink, and the first evidence view: from the run's pages
(pending or kept) against reading the file again in a ReaderPool (the path before).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.eight import EightCase, eight_file_cases
from prereview.cli import build_prereviewer
from prereview.pipeline import Prereviewer, UploadedFile
from window import PageImages

ROOT = Path(__file__).resolve().parent.parent


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Timed:
    """A PageImages whose sink and encoder record their time, per page."""

    def __init__(self, cache_dir: Path, limits: Any) -> None:
        self.images = PageImages(cache_dir=cache_dir, limits=limits)
        self.sink_s = 0.0
        self.encode_s = 0.0
        self.pages = 0
        settle = self.images._settle

        def timed_settle(sha256: str) -> None:
            start = time.perf_counter()
            settle(sha256)
            self.encode_s += time.perf_counter() - start

        self.images._settle = timed_settle  # type: ignore[method-assign]

    def keep(self, case: EightCase) -> Callable[[UploadedFile, Any], None]:
        sink = self.images.sink(shas={f.path: sha_of(f.path) for f in case.files})

        def keep(file: UploadedFile, doc: Any) -> None:
            start = time.perf_counter()
            sink(file, doc)
            self.sink_s += time.perf_counter() - start
            self.pages += len(doc.pages)

        return keep

    def settled(self, case: EightCase, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        pending = self.images.cache_dir / ".pending"
        while pending.is_dir() and any(pending.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return sum(1 for f in case.files if (self.images.cache_dir / sha_of(f.path)).is_dir())


def judge(pre: Prereviewer, case: EightCase, keep: Any = None) -> float:
    start = time.perf_counter()
    pre.run(
        item=case.item,
        review_date=case.review_date,
        declared=case.declared,  # type: ignore[arg-type]
        files=case.files,
        case_id=case.case_id,
        keep=keep,
    )
    return time.perf_counter() - start


def first_views(pre: Prereviewer, case: EightCase, tmp: Path) -> dict[str, list[float]]:
    """Seconds to the first page of each file: from a pending run image, from the kept JPEG, and by
    reading the file again (a ReaderPool started for the first one, as the service's first view)."""
    out: dict[str, list[float]] = {"pending": [], "kept": [], "read again": []}
    timed = Timed(tmp / "views", pre.limits)
    timed.images._enqueue = lambda sha256: None  # type: ignore[method-assign]  # stays pending
    judge(pre, case, timed.keep(case))
    for f in case.files:
        sha = sha_of(f.path)
        if not (timed.images.cache_dir / ".pending" / sha).is_dir():
            continue
        for state in ("pending", "kept"):
            start = time.perf_counter()
            timed.images.page(path=f.path, sha256=sha, name=f.name, number=1, keep=True)
            out[state].append(time.perf_counter() - start)
            if state == "pending":
                timed.images._settle(sha)
    again = PageImages(cache_dir=tmp / "again", limits=pre.limits)
    try:
        for f in case.files:
            start = time.perf_counter()
            again.page(path=f.path, sha256=sha_of(f.path), name=f.name, number=1, keep=False)
            out["read again"].append(time.perf_counter() - start)
    finally:
        again.close()
    out["read again, first file (starts the pool)"] = out["read again"][:1]
    out["read again"] = out["read again"][1:]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=ROOT.parent / "shared" / "cases" / "public")
    parser.add_argument("--max-cases", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="page-sink-") as tmp_name:
        tmp = Path(tmp_name)
        cases = eight_file_cases(args.cases, seed=0, photo_side=0, tmp=tmp / "photos")[: args.max_cases]
        pre = build_prereviewer(args.workers)
        pre.start()
        try:
            judge(pre, cases[0])  # warm
            plain: list[float] = []
            kept: list[float] = []
            modes: dict[str, list[Timed]] = {
                "hard link (same filesystem)": [],
                "copy (cache on /dev/shm)": [],
            }
            shm: list[Path] = []
            for r in range(args.rounds):
                for i, case in enumerate(cases):
                    mode = list(modes)[(r + i) % 2]
                    base = tmp if mode.startswith("hard") else Path(tempfile.mkdtemp(dir="/dev/shm"))
                    shm += [] if base == tmp else [base]
                    timed = Timed(base / f"pages-{r}-{i}", pre.limits)
                    runs = (
                        [("plain", None), ("sink", timed)]
                        if (r + i) % 2
                        else [("sink", timed), ("plain", None)]
                    )
                    for name, t in runs:
                        seconds = judge(pre, case, t.keep(case) if t else None)
                        (kept if name == "sink" else plain).append(seconds)
                    timed.settled(case)
                    timed.images.close()
                    modes[mode].append(timed)
            for folder in shm:
                shutil.rmtree(folder, ignore_errors=True)
            views = first_views(pre, cases[0], tmp)
        finally:
            pre.close()
    _print(cases, args, plain=plain, kept=kept, modes=modes, views=views)


def _print(
    cases: list[EightCase],
    args: argparse.Namespace,
    *,
    plain: list[float],
    kept: list[float],
    modes: dict[str, list[Timed]],
    views: dict[str, list[float]],
) -> None:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    console = Console()
    table = Table(
        title=(
            f"the sink: {len(cases)} 8-file cases x {args.rounds} rounds, {args.workers} workers; load {load}"
        )
    )
    for col in ("staging", "runs", "pages", "sink ms/page", "sink ms/run", "encode ms/page (background)"):
        table.add_column(col, justify="right")
    for mode, timed in modes.items():
        pages = sum(t.pages for t in timed)
        if pages:
            table.add_row(
                mode,
                str(len(timed)),
                str(pages),
                f"{1000 * sum(t.sink_s for t in timed) / pages:.2f}",
                f"{1000 * sum(t.sink_s for t in timed) / len(timed):.1f}",
                f"{1000 * sum(t.encode_s for t in timed) / pages:.1f}",
            )
    console.print(table)
    walls = Table(title="run wall time, s (runs alternate: with / without the sink)")
    for col in ("keep", "runs", "p50", "mean", "max"):
        walls.add_column(col, justify="right")
    for name, values in (("none", plain), ("PageImages.sink", kept)):
        walls.add_row(
            name,
            str(len(values)),
            f"{statistics.median(values):.2f}",
            f"{statistics.mean(values):.2f}",
            f"{max(values):.2f}",
        )
    console.print(walls)
    first = Table(title=f"first view of page 1, {cases[0].case_id}, ms per file")
    for col in ("served from", "files", "p50", "max"):
        first.add_column(col, justify="right")
    for name, values in views.items():
        if values:
            first.add_row(
                name, str(len(values)), f"{1000 * statistics.median(values):.1f}", f"{1000 * max(values):.1f}"
            )
    console.print(first)


if __name__ == "__main__":
    main()
