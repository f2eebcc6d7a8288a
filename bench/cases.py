"""Pre-review every public sample case end to end and score it.

    .venv/bin/python bench/cases.py [--cases ../shared/cases/public] [--workers 2] [--cache DIR]

Prints verdict accuracy, findings precision/recall (overall and by code), per-case time p50/p95,
per-page OCR time and peak memory (this process plus its reader workers). With ``--cache DIR`` the
Documents read (and their page images) are written to DIR for bench/cases_cached.py.
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
import statistics
import time
from collections import Counter

import psutil
from rich.console import Console
from rich.table import Table

from bench.doccache import store
from prereview.cases import find_cases, load_case
from prereview.cli import build_prereviewer

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def tree_rss_mb() -> float:
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=ROOT.parent / "shared" / "cases" / "public")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "cases")
    parser.add_argument("--cache", type=Path, default=None, help="write the Documents read here (bench/doccache.py)")
    args = parser.parse_args()
    pre = build_prereviewer(args.workers)
    pre.start()
    args.out.mkdir(parents=True, exist_ok=True)
    ok = 0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    times: list[float] = []
    page_ocr: list[float] = []
    peak = 0.0
    folders = find_cases(args.cases)
    try:
        for folder in folders:
            case = load_case(folder)
            start = time.perf_counter()
            result = pre.run(item=case.item, review_date=case.review_date, declared=case.declared,
                             files=case.uploads(folder), case_id=case.case_id,
                             keep=(lambda f, d, c=case.case_id: store(args.cache, c, f, d)) if args.cache else None)  # fmt: skip
            times.append(time.perf_counter() - start)
            peak = max(peak, tree_rss_mb())
            answer = result.answer()
            (args.out / f"{case.case_id}.json").write_text(json.dumps(answer, ensure_ascii=False, indent=2))
            page_ocr += [f.ocr_seconds / f.pages for f in result.files if f.pages and f.ocr_seconds]
            expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
            ok += answer["verdict"] == expected["verdict"]
            want = {(f.get("material") or f.get("condition"), f["code"]) for f in expected["findings"]}
            got = {(f.get("material") or f.get("condition"), f["code"]) for f in answer["findings"]}
            for _, code in want & got:
                tp[code] += 1
            for _, code in got - want:
                fp[code] += 1
            for _, code in want - got:
                fn[code] += 1
            Console(stderr=True).print(f"{case.case_id}: {answer['verdict']} (expected {expected['verdict']}) {times[-1]:.1f}s")
    finally:
        pre.close()
    n = len(folders)
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    table = Table(title=f"pre-review on {n} cases ({args.cases})")
    for col in ("verdict acc", "findings P", "findings R", "case p50 s", "case p95 s", "OCR s/page p50", "OCR s/page p95", "peak RSS MB"):
        table.add_column(col, justify="right")
    table.add_row(f"{ok / max(n, 1):.2f}", f"{t / max(t + f_p, 1):.2f}", f"{t / max(t + f_n, 1):.2f}",
                  f"{statistics.median(times):.1f}", f"{pct(times, 0.95):.1f}", f"{pct(page_ocr, 0.5):.2f}",
                  f"{pct(page_ocr, 0.95):.2f}", f"{peak:.0f}")  # fmt: skip
    by_code = Table(title="findings by code")
    for col in ("code", "expected", "found", "correct", "P", "R"):
        by_code.add_column(col, justify="right")
    for code in sorted(set(tp) | set(fp) | set(fn)):
        e, g = tp[code] + fn[code], tp[code] + fp[code]
        by_code.add_row(code, str(e), str(g), str(tp[code]), f"{tp[code] / g:.2f}" if g else "-", f"{tp[code] / e:.2f}" if e else "-")
    Console().print(table)
    Console().print(by_code)


if __name__ == "__main__":
    main()
