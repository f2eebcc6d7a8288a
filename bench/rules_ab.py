"""bench/rules.py's columns for two trees in one process, their batches alternated: A/B on a busy machine.

    .venv/bin/python bench/rules_ab.py --against /tmp/old-main [--items JT,YJS] [--pairs 16]

Separate runs of bench/rules.py on a machine shared with other work differ by a third from one minute
to the next, more than most speed changes. Here each tree's rules package is imported side by side
(its modules under their own names, its rule book and evaluator its own) and every item is judged in
batches of ``--batch`` cases, A then B then B then A…, so that both see the same load. Per item and
column: the median CPU µs per case of each tree and the median of the batch-by-batch ratios B/A
(this tree is B).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and bench/rules.py would shadow the rules package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench.rules_unlike

import argparse
import gc
import importlib
import os
import statistics
import time
from types import ModuleType
from typing import Any

from bench.rules_unlike import unlike_data

HERE = Path(__file__).resolve().parent.parent
_PACKAGES = ("rules", "core")  # what the rules package imports of the tree


def _load(tree: Path) -> tuple[dict[str, ModuleType], Any, Any]:
    """The tree's rules modules, an evaluator of its rule book and one whose host remembers no engine
    answer, imported afresh from ``tree``."""
    for name in [n for n in sys.modules if n.split(".")[0] in _PACKAGES]:
        del sys.modules[name]  # the other tree's stay referenced by the evaluator made from them
    sys.path.insert(0, str(tree))
    try:
        names = ("rules.book", "rules.casefacts", "rules.engine", "rules.evaluate", "rules.scenarios")
        mods = {n: importlib.import_module(n) for n in names}
    finally:
        sys.path.remove(str(tree))
    book = mods["rules.book"].RuleBook.load(tree / "corpus" / "rules")
    evaluator = mods["rules.evaluate"].Evaluator
    return (
        mods,
        evaluator(items=book.items, catalog=book.catalog),
        evaluator(items=book.items, catalog=book.catalog, host=_forgetful(mods["rules.engine"].RuleHost)),
    )


def _forgetful(host_type: Any) -> Any:
    """A host that remembers no answer: ``RuleHost(remember=False)``, or for a tree before that option,
    one whose ``remembered`` asks the engine every time (what the option does)."""
    try:
        return host_type(remember=False)
    except TypeError:
        host = host_type()
        host.remembered = host.evaluate_encoded
        return host


def _batch(side: tuple[Any, list[Any], Any, Any], start: int, n: int) -> tuple[float, ...]:
    """CPU µs per case of ``n`` new cases, of ``n`` new ones with no answer memory, of ``n`` judged
    again, then of ``n`` unlike the scenarios with no answer memory (bench/rules.py's columns)."""
    case_type, cases, evaluator, forgetful = side
    picked = [cases[(start + k) % len(cases)] for k in range(n)]
    fresh = [case_type.model_validate(c.model_dump()) for c in picked]
    cold = [case_type.model_validate(c.model_dump()) for c in picked]
    item, catalog = evaluator.loaded(picked[0].item).item, evaluator._catalog
    others = [
        case_type.model_validate(unlike_data(c, start + k, item=item, catalog=catalog))
        for k, c in enumerate(picked)
    ]
    gc.collect()
    gc.freeze()
    try:
        t0 = time.process_time()
        for case in fresh:
            evaluator.evaluate(case)
        t1 = time.process_time()
        for case in cold:
            forgetful.evaluate(case)
        t2 = time.process_time()
        for case in picked:
            evaluator.evaluate(case)
        t3 = time.process_time()
        for case in others:
            forgetful.evaluate(case)
        t4 = time.process_time()
    finally:
        gc.unfreeze()
    return tuple((b - a) / n * 1e6 for a, b in ((t0, t1), (t1, t2), (t2, t3), (t3, t4)))


def _item(path: Path, trees: dict[str, tuple[dict[str, ModuleType], Any, Any]], pairs: int, n: int) -> str:
    sides = {}
    for name, (mods, evaluator, forgetful) in trees.items():
        scenarios = mods["rules.scenarios"]
        file = scenarios.load_scenarios(path)
        cases = [scenarios.case_of(file, s) for s in file.scenarios]
        for case in cases:
            evaluator.evaluate(case)  # warm-up: rulesets opened, these cases' facts prepared
            forgetful.evaluate(case)
        sides[name] = (mods["rules.casefacts"].CaseFacts, cases, evaluator, forgetful)
    times: dict[str, list[tuple[float, ...]]] = {"A": [], "B": []}
    for p in range(pairs):
        for name in "AB" if p % 2 == 0 else "BA":
            times[name].append(_batch(sides[name], p * n, n))
    out = [file.item]
    for col, label in enumerate(("new", "new, no memory", "again", "unlike, no memory")):
        a, b = [t[col] for t in times["A"]], [t[col] for t in times["B"]]
        ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
        mid_a, mid_b = statistics.median(a), statistics.median(b)
        out.append(f"{label}: A {mid_a:.0f} µs, B {mid_b:.0f} µs, B/A {ratio:.3f}")
    return " | ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", type=Path, required=True, help="tree A (a worktree of main)")
    parser.add_argument("--items", default="", help="item code prefixes, comma-separated (default all)")
    parser.add_argument("--pairs", type=int, default=16)
    parser.add_argument("--batch", type=int, default=150)
    args = parser.parse_args()
    trees = {"A": _load(args.against.resolve()), "B": _load(HERE)}
    wanted = [w for w in args.items.split(",") if w]
    for path in sorted((HERE / "corpus" / "scenarios").glob("*.yaml")):
        if not wanted or any(path.stem.startswith(w) for w in wanted):
            print(_item(path, trees, args.pairs, args.batch), flush=True)
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
