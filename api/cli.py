"""The ``yichuang`` command: rules, serve, worker, admin (the lead adds check and kb)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.admin_cli import app as admin_app
from api.serve_cli import serve, worker
from rules.cli import app as rules_app

app = typer.Typer(help="一窗 yichuang：综合窗口收件预审、规则与知识库", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(admin_app, name="admin")
app.command()(serve)
app.command()(worker)

__all__ = ["Annotated", "app"]
