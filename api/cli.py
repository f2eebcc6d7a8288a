"""The ``yichuang`` command: rules, check, kb, serve."""

from __future__ import annotations

import typer

from rules.cli import app as rules_app

app = typer.Typer(help="一窗 yichuang：综合窗口收件预审、规则与知识库", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
