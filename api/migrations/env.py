"""Alembic environment: the bind comes from ``api.migrate`` (config.attributes["bind"])."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import api.models  # noqa: F401  (registers the service's tables: accounts)
import kb.models  # noqa: F401  (the knowledge base's: autogenerate compares them too)
import window.models  # noqa: F401  (and the window's: cases, runs, settlements, audit)

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")  # fmt: skip
    with context.begin_transaction():
        context.run_migrations()


bind = context.config.attributes.get("bind")
if bind is None:
    from core.config import get_settings
    from core.db import make_engine

    bind = make_engine(get_settings().effective_database_url)
if isinstance(bind, Engine):
    with bind.begin() as conn:
        _run(conn)
else:
    _run(bind)
