"""Facts → verdict throughput per item on one core, and memory after 100k evaluations.

    .venv/bin/python bench/rules.py [--n 100000]

Each item's scenario file supplies the cases (declared facts + material facts); they are evaluated
round-robin on a single thread (durable-rules serialises calls into its C engine anyway). Three column
groups per item:

- "new": every evaluation on a case object not seen before, so its facts are prepared for the engine
  first. The engine's answers are remembered by payload (``RuleHost.remembered``) as in service, and
  these cases are copies of the scenario cases, so every payload recurs: the engine itself is hardly
  run, and the column is what preparing facts and building the decision cost.
- "new, no answer memory": the same new cases judged by an evaluator whose host remembers no answer
  (``RuleHost(remember=False)``): every phase is put to the engine, as for a case whose facts no
  earlier case gave. The honest figure for a case unlike those before it.
- "unlike, no answer memory": as the column before, on cases unlike the scenarios (bench/rules_unlike.py:
  each scenario case written again with other names, numbers and dates, the k-th case its k-th
  rewrite), so that no memory of a reading, a set's facts or an engine answer helps: what a case of
  a real applicant costs.
- "again": the cases judged again (facts prepared once, as a replay under a draft that compiles alike
  or a scenario run re-judges them), answers remembered.

Rates are per CPU second of this process (one core,
whatever else the machine runs; the load average is printed) and per wall-clock second. What exists
before a run is frozen for the collector (``gc.freeze``) unless ``--gc``: the cases made for the run
are thousands of objects, and a full collection over them would land on one item's figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and this file would shadow the rules package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench.rules_unlike

import argparse
import gc
import os
import resource
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from bench.rules_unlike import unlike
from rules.book import RuleBook
from rules.casefacts import CaseFacts
from rules.engine import RuleHost
from rules.evaluate import Evaluator
from rules.scenarios import case_of, load_scenarios

ROOT = Path(__file__).resolve().parent.parent / "corpus"


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def timed(run: Callable[[], object], *, freeze: bool = True) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call. With ``freeze`` what exists before it (the rule books,
    the cases made for it) is left out of the collector's passes: a full pass over a heap of thousands
    of cases costs a third of a second and otherwise lands on whichever item's figure triggers it."""
    if freeze:
        gc.collect()
        gc.freeze()
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        run()
    finally:
        if freeze:
            gc.unfreeze()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="evaluations for the memory run")
    parser.add_argument("--per-item", type=int, default=3_000, help="evaluations per item for throughput")
    parser.add_argument(
        "--gc", action="store_true", help="count the collector's full passes too (no gc.freeze)"
    )
    args = parser.parse_args()
    book = RuleBook.load(ROOT / "rules")
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    forgetful = Evaluator(items=book.items, catalog=book.catalog, host=RuleHost(remember=False))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    heap = "full collections counted" if args.gc else "heap before each run frozen"
    table = Table(
        title=f"rules: facts → verdict, one thread (load average {load} on {os.cpu_count()} cores; {heap})"
    )
    for col in ("item", "rules (p1+p2)", "cases"):
        table.add_column(col, justify="right")
    for phase in ("new", "new, no answer memory", "unlike, no answer memory", "again"):
        for col in ("cases/CPU-s", "µs", "cases/wall-s"):
            table.add_column(f"{phase}: {col}", justify="right")
    all_cases = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        file = load_scenarios(path)
        cases = [case_of(file, s) for s in file.scenarios]
        all_cases += cases
        for case in cases:
            evaluator.evaluate(case)  # warm-up: rulesets opened, these cases' facts prepared
            forgetful.evaluate(case)
        n = args.per_item
        fresh = [CaseFacts.model_validate(cases[k % len(cases)].model_dump()) for k in range(n)]
        new_cpu, new_wall = timed(
            lambda fresh=fresh: [evaluator.evaluate(case) for case in fresh], freeze=not args.gc
        )
        fresh = [CaseFacts.model_validate(cases[k % len(cases)].model_dump()) for k in range(n)]
        cold_cpu, cold_wall = timed(
            lambda fresh=fresh: [forgetful.evaluate(case) for case in fresh], freeze=not args.gc
        )
        item = book.items[file.item].item
        fresh = [unlike(cases[k % len(cases)], k, item=item, catalog=book.catalog) for k in range(n)]
        unlike_cpu, unlike_wall = timed(
            lambda fresh=fresh: [forgetful.evaluate(case) for case in fresh], freeze=not args.gc
        )
        again = [cases[k % len(cases)] for k in range(n)]
        again_cpu, again_wall = timed(
            lambda again=again: [evaluator.evaluate(case) for case in again], freeze=not args.gc
        )
        compiled = evaluator.compiled(file.item)
        table.add_row(
            file.item,
            f"{len(compiled.phase1)}+{len(compiled.phase2)}",
            str(n),
            f"{n / new_cpu:,.0f}",
            f"{new_cpu / n * 1e6:,.0f}",
            f"{n / new_wall:,.0f}",
            f"{n / cold_cpu:,.0f}",
            f"{cold_cpu / n * 1e6:,.0f}",
            f"{n / cold_wall:,.0f}",
            f"{n / unlike_cpu:,.0f}",
            f"{unlike_cpu / n * 1e6:,.0f}",
            f"{n / unlike_wall:,.0f}",
            f"{n / again_cpu:,.0f}",
            f"{again_cpu / n * 1e6:,.0f}",
            f"{n / again_wall:,.0f}",
        )
        del fresh, again
    Console().print(table)
    gc.collect()
    before = rss_mb()
    cpu, elapsed = timed(lambda: [evaluator.evaluate(all_cases[k % len(all_cases)]) for k in range(args.n)])
    gc.collect()
    after = rss_mb()
    mem = Table(title=f"memory over {args.n:,} evaluations (all items, round-robin)")
    for col in ("RSS before MB", "RSS after MB", "growth MB", "cases/CPU-s", "cases/wall-s"):
        mem.add_column(col, justify="right")
    mem.add_row(
        f"{before:.1f}",
        f"{after:.1f}",
        f"{after - before:+.1f}",
        f"{args.n / cpu:,.0f}",
        f"{args.n / elapsed:,.0f}",
    )
    Console().print(mem)


if __name__ == "__main__":
    main()
