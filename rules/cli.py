"""``yichuang rules …``: validate rule files, run their scenarios, print an applicant's checklist."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from core.config import get_settings
from core.errors import AppError
from rules.book import RuleBook
from rules.checklist import checklist
from rules.evaluate import Evaluator
from rules.scenarios import load_scenarios, run_file

app = typer.Typer(help="部门收件标准：校验、场景测试、材料清单", no_args_is_help=True)
console = Console()
DirOption = Annotated[Path | None, typer.Option("--dir", help="rule files directory (default: corpus/rules)")]


def _dir(directory: Path | None) -> Path:
    return directory or get_settings().corpus_dir / "rules"


def _fail(exc: AppError) -> None:
    console.print(f"[red]{exc.message}[/red]")
    raise typer.Exit(1)


@app.command()
def validate(directory: DirOption = None) -> None:
    """Check every rule file (schema, references, expressions) and print what is wrong."""
    try:
        book = RuleBook.load(_dir(directory), strict=False)
    except AppError as exc:
        _fail(exc)
        return
    for code, loaded in sorted(book.items.items()):
        console.print(
            f"[green]ok[/green]   {loaded.source:14} {code} {loaded.item.name}  hash={loaded.rule_hash}"
        )
    for error in book.errors:
        console.print(f"[red]bad[/red]  {error.file}")
        for where, what in error.problems:
            console.print(f"       {where or '(file)'}: {what}")
    if book.errors:
        raise typer.Exit(1)


@app.command("test")
def test_scenarios(
    items: Annotated[list[str] | None, typer.Argument(help="item codes (default: all)")] = None,
    directory: DirOption = None,
    scenarios: Annotated[
        Path | None, typer.Option(help="scenario directory (default: corpus/scenarios)")
    ] = None,
) -> None:
    """Run the scenario files against the rules; exit 1 if any scenario fails."""
    try:
        book = RuleBook.load(_dir(directory))
        evaluator = Evaluator(items=book.items, catalog=book.catalog)
        folder = scenarios or get_settings().corpus_dir / "scenarios"
        files = sorted(folder.glob("*.yaml"))
        failed = total = 0
        for path in files:
            file = load_scenarios(path)
            if items and file.item not in items:
                continue
            for outcome in run_file(file, evaluator):
                total += 1
                if outcome.passed:
                    console.print(f"[green]pass[/green] {outcome.item} {outcome.name}")
                else:
                    failed += 1
                    console.print(
                        f"[red]FAIL[/red] {outcome.item} {outcome.name}: {'; '.join(outcome.problems)}"
                    )
    except AppError as exc:
        _fail(exc)
        return
    console.print(f"{total - failed} passed, {failed} failed")
    if failed or not total:
        raise typer.Exit(1)


@app.command()
def show(
    item: Annotated[str, typer.Argument(help="item code, e.g. JT-001")],
    facts: Annotated[Path | None, typer.Option(help="JSON file of declared facts (or a case.json)")] = None,
    on: Annotated[str | None, typer.Option(help="review date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    directory: DirOption = None,
) -> None:
    """Print the applicant's checklist for ITEM (for the given declared facts)."""
    try:
        book = RuleBook.load(_dir(directory))
        evaluator = Evaluator(items=book.items, catalog=book.catalog)
        declared = _read_facts(facts) if facts else None
        result = checklist(evaluator, item, declared, on=date.fromisoformat(on) if on else date.today())
    except AppError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    table = Table(title=f"{result.item} {result.item_name} 申请材料清单")
    for col in ("编号", "材料", "形式及份数", "必要性", "本案应交"):
        table.add_column(col)
    for e in result.entries:
        due = {"yes": "[bold]应交[/bold]", "no": "不需要", "depends": "视申报情况"}[e.due]
        if e.due == "yes" and e.tolerance_days:
            due += f"（可容缺 {e.tolerance_days} 个工作日）"
        table.add_row(e.material, e.name, e.form, e.necessity, due)
    console.print(table)
    for problem in result.problems:
        console.print(f"[yellow]{problem}[/yellow]")


def _read_facts(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"{path}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("declared"), dict):
        return dict(data["declared"])
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path}: expected a JSON object of declared facts")
    return data
