"""``yichuang check``: pre-review a case folder (or every case folder below a directory)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.config import get_settings
from core.errors import AppError
from prereview.cases import find_cases, load_case
from prereview.pipeline import Prereviewer, PrereviewResult
from prereview.reader import ReadLimits
from rules.book import RuleBook
from rules.codes import CODE_LABELS, VERDICT_LABELS, Verdict
from rules.evaluate import Evaluator
from rules.verdict import Finding

console = Console(stderr=True)


def build_prereviewer(workers: int, *, ocr_threads: int = 1) -> Prereviewer:
    settings = get_settings()
    book = RuleBook.load(settings.corpus_dir / "rules")
    limits = ReadLimits(
        max_bytes=settings.max_file_bytes,
        max_pages=settings.max_pages,
        max_pixels=settings.max_pixels,
        timeout_seconds=settings.parse_timeout_s,
    )
    return Prereviewer(
        evaluator=Evaluator(items=book.items, catalog=book.catalog),
        workers=workers,
        limits=limits,
        ocr_threads=ocr_threads,
        ocr_model_dir=settings.ocr_model_dir,
        ocr_det_runtime=settings.ocr_det_runtime,
        ocr_rec_runtime=settings.ocr_rec_runtime,
        nice=settings.reader_nice,
    )


def check(
    path: Annotated[Path, typer.Argument(help="a case folder (case.json + files/) or a folder of them")],
    out: Annotated[
        Path | None, typer.Option(help="write OUT/<case_id>.json for every case below PATH")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json | table")] = "json",
    explain: Annotated[bool, typer.Option(help="show the evidence behind each finding")] = False,
    workers: Annotated[int, typer.Option(help="reader processes")] = 2,
) -> None:
    """Pre-review uploaded materials: verdict, every defect at once, with evidence."""
    folders = find_cases(path)
    if not folders:
        console.print(f"[red]{path}: 没有找到案件（含 case.json 的目录）[/red]")
        raise typer.Exit(1)
    pre = build_prereviewer(workers)
    try:
        if out is None and len(folders) == 1:
            result = _run(pre, folders[0])
            _print(result, fmt=fmt, explain=explain)
            return
        _run_many(pre, folders, out or Path("out"))
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        pre.close()


def _run(pre: Prereviewer, folder: Path) -> PrereviewResult:
    case = load_case(folder)
    return pre.run(
        item=case.item,
        review_date=case.review_date,
        declared=case.declared,
        files=case.uploads(folder),
        case_id=case.case_id,
    )


def _run_many(pre: Prereviewer, folders: list[Path], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("预审", total=len(folders))
        for folder in folders:
            progress.update(task, description=f"预审 {folder.name}")
            try:
                result = _run(pre, folder)
                target = out / f"{result.decision.case_id or folder.name}.json"
                target.write_text(json.dumps(result.answer(), ensure_ascii=False, indent=2), encoding="utf-8")
            except AppError as exc:  # one bad case is reported; the run goes on
                failed += 1
                progress.console.print(f"[red]{folder.name}: {exc.message}[/red]")
            progress.advance(task)
    console.print(f"{len(folders) - failed} cases written to {out}, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _print(result: PrereviewResult, *, fmt: str, explain: bool) -> None:
    answer = result.answer()
    if fmt == "json":
        if not explain:
            for key in ("findings", "uncertain"):
                answer[key] = [{k: v for k, v in f.items() if k != "evidence"} for f in answer[key]]
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2) + "\n")
        return
    d = result.decision
    out = Console()
    verdict = VERDICT_LABELS[Verdict(d.verdict)]
    out.print(
        f"[bold]{d.item}[/bold] 审查日 {d.review_date}  结论：[bold]{verdict}[/bold] ({d.verdict.value})"
    )
    if d.tolerance_deadline:
        out.print(f"容缺补交截止日：{d.tolerance_deadline}")
    out.print(_table("问题", d.findings, explain=explain))
    if d.uncertain:
        out.print("[yellow]请核对（不能确定，不计入结论；确认后按问题处理）：[/yellow]")
        out.print(_table("请核对", d.uncertain, explain=explain))
    for report in result.files:
        if report.error:
            out.print(f"[yellow]{report.name}: {report.error.message}[/yellow]")


def _table(title: str, findings: list[Finding], *, explain: bool) -> Table:
    table = Table(show_lines=explain)
    for col in ("材料/条件", title, "说明", *(["依据（文件 · 页 · 读到的文字）"] if explain else [])):
        table.add_column(col)
    for f in findings:
        said = "；".join(dict.fromkeys(g.message for g in (f, *f.joined)))
        message = f"{said}（{f.doubt}）" if f.doubt else said
        codes = "、".join(dict.fromkeys(CODE_LABELS[g.code] for g in (f, *f.joined)))
        row: list[Any] = [f.material or f.condition, codes, message]
        if explain:
            row.append(
                "\n".join(f"{e.file} · 第{(e.page or 0) + 1}页 · {e.text[:60]}" for e in f.evidence) or f.rule
            )
        table.add_row(*row)
    return table
