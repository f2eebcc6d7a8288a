"""The ``yichuang`` command: rules, check, kb, serve, worker, admin."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer
from sqlmodel import Session

import kb.models  # noqa: F401  (registers the KB tables)
from api.admin_cli import app as admin_app
from api.guides import sync_guides
from api.knowledge import book_items
from api.migrate import upgrade
from api.serve_cli import serve, worker
from core.config import get_settings
from core.db import Database, make_engine
from kb.cli import ItemSource
from kb.cli import app as kb_app
from kb.finder import ItemCard
from prereview.cli import check
from rules.book import RuleBook
from rules.cli import app as rules_app

app = typer.Typer(help="一窗 yichuang：综合窗口收件预审、规则与知识库", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.command("check")(check)


def _kb_guides(ctx: typer.Context) -> None:
    """Before any kb command: the guide sections follow the current rule files, and the item finder
    knows the items as the service does (rule files and the hall's navigation data)."""
    settings = get_settings()
    db = Database(make_engine(settings.effective_database_url))
    upgrade(db.bind)  # the same migrations as the service: a database first touched here still serves later
    book = RuleBook.load(settings.corpus_dir / "rules")
    with db.scope() as session:
        sync_guides(session, book=book)
    source: ItemSource = partial(_items_of, book=book)
    ctx.obj = source


def _items_of(session: Session, *, book: RuleBook) -> list[ItemCard]:
    return book_items(session, settings=get_settings(), book=book)


app.add_typer(kb_app, name="kb", callback=_kb_guides)
app.add_typer(admin_app, name="admin")
app.command()(serve)
app.command()(worker)

__all__ = ["Annotated", "app"]
