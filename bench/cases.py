"""Pre-review the sample cases end to end and score them, public and hard side by side.

    .venv/bin/python bench/cases.py [--cases ../shared/cases/public --cases ...] [--workers 2] [--cache DIR]
                                    [--held-out]

Prints, per set (public; hard X01–X03, which cues and thresholds may be chosen on; hard X04–X05, held
out), verdict accuracy, findings precision/recall, uncertain points per case and the expected findings
raised only as uncertain; then per set the time per case p50/p95, the CPU seconds per case p50/p95
and per OCRed page (user+sys of this process and its reader workers: what a shared machine does not
inflate), per-page OCR time, peak memory (this process plus its reader workers) and findings by code
per set. With ``--cache DIR`` the
Documents read (and their page images) are written to DIR for bench/cases_cached.py.
Hard X04–X05 are held out: left out unless ``--held-out`` is given, and then reported as figures
only (no per-case line, no answer written, no cached Documents).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and shadow the packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import json
import os
import statistics
import time

import psutil
from rich.console import Console
from rich.table import Table

from bench.doccache import store
from bench.scoring import Scores, group_of
from prereview.cases import find_cases, load_case
from prereview.cli import build_prereviewer
from prereview.documents import Document, PageSource
from prereview.pipeline import UploadedFile

ROOT = Path(__file__).resolve().parent.parent


def held_out(folder: Path) -> bool:
    """Whether a case folder is one of hard X04–X05, held out from tuning."""
    return group_of(folder).endswith("(held out)")


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _tree() -> list[psutil.Process]:
    me = psutil.Process()
    return [me, *me.children(recursive=True)]


def tree_cpu_seconds() -> float:
    """User+sys CPU seconds of this process and its reader workers so far: what a loaded, shared
    machine does not inflate the way it does wall time."""
    total = 0.0
    for proc in _tree():
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def tree_rss_mb() -> float:
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--cases", type=Path, action="append", help="case folders (repeatable; default: public and hard)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "cases")
    parser.add_argument(
        "--cache", type=Path, default=None, help="write the Documents read here (bench/doccache.py)"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="judge hard X04–X05 too, as figures only (never their details)",
    )
    args = parser.parse_args()
    roots = args.cases or [ROOT.parent / "shared" / "cases" / name for name in ("public", "hard")]
    pre = build_prereviewer(args.workers)
    pre.start()
    args.out.mkdir(parents=True, exist_ok=True)
    scores = Scores()
    times: dict[str, list[float]] = {}
    cpus: dict[str, list[tuple[float, int]]] = {}  # per case: CPU seconds, pages OCRed
    page_ocr: list[float] = []
    peak = 0.0
    folders = [folder for root in roots for folder in find_cases(root)]
    if not args.held_out:
        folders = [f for f in folders if not held_out(f)]
    err = Console(stderr=True)
    try:
        for folder in folders:
            case = load_case(folder)
            hidden = held_out(folder)
            ocr_pages = [0]

            def keep(
                f: UploadedFile,
                d: Document,
                c: str = case.case_id,
                hidden: bool = hidden,
                n: list[int] = ocr_pages,
            ) -> None:
                n[0] += sum(1 for p in d.pages if p.source is PageSource.OCR)
                if args.cache and not hidden:
                    store(args.cache, c, f, d)

            cpu = tree_cpu_seconds()
            start = time.perf_counter()
            result = pre.run(
                item=case.item,
                review_date=case.review_date,
                declared=case.declared,
                files=case.uploads(folder),
                case_id=case.case_id,
                keep=keep,
            )
            times.setdefault(group_of(folder), []).append(time.perf_counter() - start)
            cpus.setdefault(group_of(folder), []).append((tree_cpu_seconds() - cpu, ocr_pages[0]))
            peak = max(peak, tree_rss_mb())
            answer = result.answer()
            if not hidden:
                (args.out / f"{case.case_id}.json").write_text(
                    json.dumps(answer, ensure_ascii=False, indent=2)
                )
            page_ocr += [f.ocr_seconds / f.pages for f in result.files if f.pages and f.ocr_seconds]
            expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
            scores.add(folder, expected, answer)
            if hidden:
                continue  # figures only: details of held-out cases are not for tuning
            err.print(
                f"{case.case_id}: {answer['verdict']} (expected {expected['verdict']}) "
                f"{times[group_of(folder)][-1]:.1f}s"
            )
    finally:
        pre.close()
    out = Console()
    out.print(scores.table(f"pre-review on {len(folders)} cases"))
    speed = Table(title=f"time (load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())})")
    for col in ("set", "case p50 s", "case p95 s", "CPU p50 s", "CPU p95 s", "CPU s/OCR page"):
        speed.add_column(col, justify="right")
    for name, values in times.items():
        cpu_s = [c for c, _ in cpus[name]]
        pages = sum(n for _, n in cpus[name])
        speed.add_row(
            name,
            f"{statistics.median(values):.1f}",
            f"{pct(values, 0.95):.1f}",
            f"{statistics.median(cpu_s):.2f}",
            f"{pct(cpu_s, 0.95):.2f}",
            f"{sum(cpu_s) / pages:.2f}" if pages else "-",
        )
    out.print(speed)
    out.print(
        f"OCR s/page p50 {pct(page_ocr, 0.5):.2f}, p95 {pct(page_ocr, 0.95):.2f}; peak RSS {peak:.0f} MB "
        "(this process and its reader workers)"
    )
    for group in scores.groups:
        out.print(scores.by_code(group))


if __name__ == "__main__":
    main()
