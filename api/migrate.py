"""Alembic, run from code: ``yichuang serve`` upgrades the database to head before it listens."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config(bind: Engine | Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["bind"] = bind
    return cfg


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    command.upgrade(config(bind), revision)


def downgrade(bind: Engine | Connection, revision: str) -> None:
    command.downgrade(config(bind), revision)
