"""``yichuang kb ...``: search, reindex, hit testing and upkeep from the command line.

Standalone too (``python -m kb.cli``): with an empty database it seeds the shipped FAQs and
glossary. Machine output (``--batch``, ``--json``) goes to stdout, one JSON object a line;
progress and notes go to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session

import kb.models  # noqa: F401  (registers the tables for create_all)
from core.config import Settings, get_settings
from core.db import Database, create_all, make_engine
from core.errors import AppError
from kb import service, terms
from kb.base import KnowledgeBase
from kb.embed import make_embedder
from kb.finder import ItemCard
from kb.hit_test import load_cases, ranked_targets
from kb.passages import PassageCache, passage_cache, shipped_path
from kb.schemas import Actor, HitTestCase, HitTestReport, SearchResult

app = typer.Typer(help="知识库：检索、重建索引、命中测试", no_args_is_help=True)
err = Console(stderr=True)
# The item finder's cards come from the rule files, which kb does not read: the ``yichuang`` command
# (api) hands in a source of them as the click context's object. Standalone, the finder knows the
# items by the names their entries carry.
ItemSource = Callable[[Session], list[ItemCard]]


def _items(ctx: typer.Context, session: Session) -> list[ItemCard]:
    return ctx.obj(session) if callable(ctx.obj) else []


@contextmanager
def _session(settings: Settings) -> Iterator[tuple[Engine, Session]]:
    engine = make_engine(settings.effective_database_url)
    create_all(engine)
    with Database(engine).scope() as session:
        yield engine, session


def _seed_if_empty(session: Session, settings: Settings) -> None:
    if not service.list_faqs(session):
        n = service.seed_faqs(session, faq_dir=settings.corpus_dir / "faq")
        err.print(f"[dim]seeded {n} FAQs from {settings.corpus_dir / 'faq'}[/dim]")
    service.seed_glossary(session)
    _seed_terms(session, settings)
    session.flush()


def _seed_terms(session: Session, settings: Settings) -> int:
    """The concepts of the shipped glossary (corpus/glossary.md), owned by the hall's department."""
    glossary = settings.corpus_dir / "glossary.md"
    if not glossary.exists():
        return 0
    return terms.seed_terms(session, path=glossary, department=settings.hall_department)


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def _opened(
    ctx: typer.Context,
    session: Session,
    settings: Settings,
    *,
    label: str = "indexing",
    keep_index: bool = True,
) -> Iterator[tuple[KnowledgeBase, PassageCache]]:
    """The knowledge base, its passages embedded through the vector cache until the block ends."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    embedder = make_embedder(
        backend=settings.embedding_backend,
        model_path=settings.embedding_model_path,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
        threads=settings.embedding_threads,
    )
    cache = passage_cache(embedder, corpus_dir=settings.corpus_dir, cache_dir=settings.effective_kb_index_dir)
    try:
        with _progress(label) as progress:
            base = KnowledgeBase.open(
                session,
                embedder=cache,
                items=_items(ctx, session),
                wordings=terms.load_wordings(settings.corpus_dir / "term_wordings.yaml"),
                index_dir=settings.effective_kb_index_dir if keep_index else None,
                keyword_weight=settings.kb_keyword_weight,
                approx_above=settings.kb_approx_above,
                progress=progress,
            )
        yield base, cache
    finally:
        cache.close()


def _fail(exc: AppError) -> None:
    err.print(f"[red]{exc.message}[/red]")
    raise typer.Exit(2)


def batch_line(case_id: str, result: SearchResult) -> dict[str, Any]:
    hits = [
        {
            "target": h.target,
            "score": h.score,
            "kind": h.kind,
            "vector_score": h.why.vector_score,
            "keyword_terms": h.why.keyword_terms[:12],
        }
        for h in result.hits
    ]
    return {
        "id": case_id,
        "confident": result.confident,
        "confidence": result.confidence,
        "hits": hits,
        "clarify": [c.item for c in result.clarify],  # the items to ask back about (evaluation contract)
    }


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="问题")] = None,
    batch: Annotated[
        Path | None, typer.Option(help="JSONL of {id, query, ...}; prints one JSON line each")
    ] = None,
    k: Annotated[int, typer.Option(help="hits per query")] = 10,
    item: Annotated[str | None, typer.Option(help="only this item, e.g. SL-001")] = None,
    department: Annotated[str | None, typer.Option(help="only this department")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the full result as JSON")] = False,
) -> None:
    """Search the knowledge base: one question, or a batch file."""
    if (query is None) == (batch is None):
        err.print("give a QUERY or --batch FILE")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        with _session(settings) as (_engine, session):
            _seed_if_empty(session, settings)
            with _opened(ctx, session, settings) as (base, _cache):
                if batch is not None:
                    for case in load_cases(batch):
                        result = base.search(None, query=case.query, k=k, item=item, department=department)
                        sys.stdout.write(json.dumps(batch_line(case.id, result), ensure_ascii=False) + "\n")
                    return
                assert query is not None
                result = base.search(session, query=query, k=k, item=item, department=department)
    except AppError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
    else:
        _print_result(result)


def _print_result(result: SearchResult) -> None:
    out = Console()
    if result.rewritten != result.query:
        out.print(f"[dim]理解为：{result.rewritten}[/dim]")
    verdict = (
        "[green]有把握[/green]" if result.confident else "[yellow]没有可靠答案（已记入未解答问题）[/yellow]"
    )
    out.print(f"{verdict}  置信度 {result.confidence:.2f}  用时 {result.took_ms:.0f} ms")
    table = Table(show_lines=True)
    for name in ("#", "条目", "分数", "为何命中", "内容"):
        table.add_column(name)
    for i, hit in enumerate(result.hits, 1):
        why = []
        if hit.why.vector_score is not None:
            why.append(f"向量 {hit.why.vector_score:.3f} (#{hit.why.vector_rank})")
        if hit.why.keyword_terms:
            why.append("关键词 " + " ".join(hit.why.keyword_terms[:8]))
        table.add_row(str(i), hit.target, f"{hit.score:.2f}", "\n".join(why), f"{hit.title}\n{hit.snippet}")
    out.print(table)


@app.command()
def reindex(ctx: typer.Context) -> None:
    """Rebuild the index from the database (the old one serves until the new one is complete)."""
    settings = get_settings()
    with _session(settings) as (_engine, session):
        _seed_if_empty(session, settings)
        with (
            _opened(ctx, session, settings, label="loading") as (base, _cache),
            _progress("reindexing") as progress,
        ):
            report = base.reindex(session, progress=progress)
    err.print(f"indexed {len(report.added)} entries into {settings.effective_kb_index_dir}")


@app.command("hit-test")
def hit_test(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="JSONL of {id, query, targets}")] = None,
    query: Annotated[str | None, typer.Option(help="test one question instead of a file")] = None,
    expect: Annotated[
        list[str] | None, typer.Option(help="expected target(s) of --query; none = out of scope")
    ] = None,
    k: Annotated[int, typer.Option(help="hits considered")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """命中测试: recall@1/@5, MRR, out-of-scope rejection, and the misses."""
    settings = get_settings()
    try:
        if (file is None) == (query is None):
            err.print("give a FILE or --query")
            raise typer.Exit(2)
        cases = load_cases(file) if file else [HitTestCase(id="q", query=query or "", targets=expect or [])]
        with _session(settings) as (_engine, session):
            _seed_if_empty(session, settings)
            with _opened(ctx, session, settings) as (base, _cache):
                report = base.hit_test(cases, k=k)
    except AppError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=1) + "\n")
    else:
        print_report(report, cases)


def print_report(report: HitTestReport, cases: list[HitTestCase]) -> None:
    out = Console()
    out.print(
        f"in scope {report.n_in_scope}: R@1 {report.recall_at_1:.3f}  R@5 {report.recall_at_5:.3f}  "
        f"MRR {report.mrr:.3f}  false abstentions {report.false_abstention_rate:.3f}"
    )
    if report.no_answer_rate is not None:
        out.print(f"out of scope {report.n_out_of_scope}: no-answer rate {report.no_answer_rate:.3f}")
    misses = report.misses
    if misses:
        table = Table(title=f"misses ({len(misses)})")
        for name in ("id", "query", "expected", "got", "confident"):
            table.add_column(name)
        for m in misses:
            table.add_row(
                m.id, m.query, " ".join(m.targets[:3]) or "(out of scope)", " ".join(m.top), str(m.confident)
            )
        out.print(table)


@app.command()
def calibrate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL with answerable and out-of-scope questions")],
) -> None:
    """Fit the confidence model to labelled questions (for a new embedding model)."""
    settings = get_settings()
    cases = load_cases(file)
    with _session(settings) as (_engine, session):
        _seed_if_empty(session, settings)
        with _opened(ctx, session, settings) as (base, _cache):
            report = base.calibrate(cases)
    print_report(report, cases)


@app.command()
def unanswered(limit: int = 50) -> None:
    """Questions the knowledge base could not answer, most frequent first."""
    settings = get_settings()
    with _session(settings) as (_engine, session):
        rows = service.list_unanswered(session, limit=limit)
        table = Table()
        for name in ("id", "次数", "问题", "最接近", "最近一次"):
            table.add_column(name)
        for r in rows:
            table.add_row(
                str(r.id), str(r.count), r.query, r.best_target or "", f"{r.last_at:%Y-%m-%d %H:%M}"
            )
    Console().print(table)


@app.command()
def feedback(
    department: Annotated[str | None, typer.Option(help="only this department's FAQs")] = None,
) -> None:
    """Helpful / not-helpful votes per entry, most disliked first."""
    settings = get_settings()
    with _session(settings) as (_engine, session):
        rows = service.feedback_summary(session, department=department)
    table = Table()
    for name in ("条目", "有用", "没用"):
        table.add_column(name)
    for r in rows:
        table.add_row(r.target, str(r.helpful), str(r.not_helpful))
    Console().print(table)


@app.command()
def glossary(
    term: Annotated[str | None, typer.Argument(help="add or change this term")] = None,
    expansions: Annotated[list[str] | None, typer.Argument(help="what it stands for")] = None,
) -> None:
    """List the query-time glossary, or set TERM to EXPANSIONS (as an administrator)."""
    settings = get_settings()
    try:
        with _session(settings) as (_engine, session):
            service.seed_glossary(session)
            if term:
                service.upsert_term(
                    session, actor=Actor(name="cli", role="admin"), term=term, expansions=expansions or []
                )
            terms = service.glossary_terms(session)
    except AppError as exc:
        _fail(exc)
    for t, exps in terms.items():
        sys.stdout.write(f"{t}\t{' / '.join(exps)}\n")


@app.command("export-vectors")
def export_vectors(ctx: typer.Context) -> None:
    """Refresh the passage vectors shipped with the corpus after the corpus changed: `make kb-vectors`.

    Writes the vectors of every passage the knowledge base embeds for this database (entries, cohort
    and the item finder's phrases) to <corpus>/kb/; unchanged passages keep their stored vectors,
    only new ones are embedded. Run it on a fresh database (the make target does), which holds just
    the seed corpus.
    """
    settings = get_settings()
    with _session(settings) as (_engine, session):
        _seed_if_empty(session, settings)
        with _opened(ctx, session, settings, keep_index=False) as (_base, cache):
            path = shipped_path(settings.corpus_dir, cache.model_id)
            n, changed = cache.export(path)
    state = "written" if changed else "already up to date"
    err.print(f"{n} passage vectors ({cache.embedded} embedded now) of {cache.model_id}: {path} {state}")


@app.command()
def seed() -> None:
    """Load the shipped FAQs and glossary terms that are not in the database yet."""
    settings = get_settings()
    with _session(settings) as (_engine, session):
        n = service.seed_faqs(session, faq_dir=settings.corpus_dir / "faq")
        g = service.seed_glossary(session)
        glossary = settings.corpus_dir / "glossary.md"
        t = (
            terms.seed_terms(session, path=glossary, department=settings.hall_department)
            if glossary.exists()
            else 0
        )
    err.print(f"added {n} FAQs, {g} glossary terms and {t} concept entries")


__all__ = ["ItemSource", "app", "batch_line", "ranked_targets"]

if __name__ == "__main__":
    app()
