"""``yichuang admin …``: the first administrator and other accounts, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from api.migrate import upgrade
from api.models import Role
from api.security import create_user
from core.config import get_settings
from core.db import Database, make_engine
from core.errors import AppError
from window import audit

app = typer.Typer(help="账号管理（第一个管理员用这里创建）", no_args_is_help=True)


@app.command("create-user")
def create_user_cmd(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[Role, typer.Option(help="admin | clerk | staff | consult")] = Role.ADMIN,
    department: Annotated[
        str | None, typer.Option(help="staff only: the department, e.g. 安和市交通运输局")
    ] = None,
    password: Annotated[
        str | None, typer.Option(help="default: asked for (hidden)", envvar="YICHUANG_NEW_PASSWORD")
    ] = None,
    display_name: Annotated[str, typer.Option(help="shown name")] = "",
) -> None:
    """Create an account (migrating the database first if needed)."""
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    settings = get_settings()
    db = Database(make_engine(settings.effective_database_url))
    upgrade(db.bind)
    try:
        with db.scope() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                role=role,
                department=department,
                display_name=display_name,
            )
            audit.record(
                session,
                actor="cli",
                role="system",
                action="user.create",
                target=f"user:{username}",
                after={"role": user.role, "department": user.department},
            )
    except AppError as exc:
        typer.secho(exc.message, fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"created {role.value} {username}" + (f" ({department})" if department else ""))
