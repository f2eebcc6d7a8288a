"""Facts → verdict throughput per item on one core, and memory after 100k evaluations.

    .venv/bin/python bench/rules.py [--n 100000]

Each item's scenario file supplies the cases (declared facts + material facts); they are evaluated
round-robin on a single thread (durable-rules serialises calls into its C engine anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and this file would shadow the rules package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import gc
import resource
import time

from rich.console import Console
from rich.table import Table

from rules.book import RuleBook
from rules.evaluate import Evaluator
from rules.scenarios import case_of, load_scenarios

ROOT = Path(__file__).resolve().parent.parent / "corpus"


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="evaluations for the memory run")
    parser.add_argument("--per-item", type=int, default=3_000, help="evaluations per item for throughput")
    args = parser.parse_args()
    book = RuleBook.load(ROOT / "rules")
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    table = Table(title="rules: facts → verdict, one thread")
    for col in ("item", "rules (p1+p2)", "cases", "cases/s", "µs/case"):
        table.add_column(col, justify="right")
    all_cases = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        file = load_scenarios(path)
        cases = [case_of(file, s) for s in file.scenarios]
        all_cases += cases
        for case in cases[:50]:
            evaluator.evaluate(case)  # warm-up
        start = time.perf_counter()
        for k in range(args.per_item):
            evaluator.evaluate(cases[k % len(cases)])
        elapsed = time.perf_counter() - start
        compiled = evaluator._compiled[file.item]
        table.add_row(
            file.item,
            f"{len(compiled.phase1)}+{len(compiled.phase2)}",
            str(args.per_item),
            f"{args.per_item / elapsed:,.0f}",
            f"{elapsed / args.per_item * 1e6:,.0f}",
        )
    Console().print(table)
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    for k in range(args.n):
        evaluator.evaluate(all_cases[k % len(all_cases)])
    elapsed = time.perf_counter() - start
    gc.collect()
    after = rss_mb()
    mem = Table(title=f"memory over {args.n:,} evaluations (all items, round-robin)")
    for col in ("RSS before MB", "RSS after MB", "growth MB", "overall cases/s"):
        mem.add_column(col, justify="right")
    mem.add_row(f"{before:.1f}", f"{after:.1f}", f"{after - before:+.1f}", f"{args.n / elapsed:,.0f}")
    Console().print(mem)


if __name__ == "__main__":
    main()
