"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Each test gets an empty database (a new SQLite file, or a new PostgreSQL schema) and runs the
real revisions; alembic's autogenerate comparison against every registered model must then find
nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import api.models  # noqa: F401  (registers the service's tables)
import kb.models  # noqa: F401  (and the knowledge base's)
from api.migrate import downgrade, upgrade
from core.db import make_engine
from tests.fixtures.api_app import pg_schema_scope, pg_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('migrate') / 'm.db'}")
        yield engine
        engine.dispose()
        return
    with pg_schema_scope("migrate_test") as schema:
        engine = make_engine(pg_url(schema))
        try:
            yield engine
        finally:
            engine.dispose()


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), SQLModel.metadata))


def _kb_tables(engine: Engine) -> set[str]:
    return {t for t in inspect(engine).get_table_names() if t.startswith("kb_")}


def _model_kb_tables() -> set[str]:
    return {t.name for t in SQLModel.metadata.sorted_tables if t.name.startswith("kb_")}


def test_migrations_match_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert _kb_tables(empty_engine) == _model_kb_tables()
    assert _diff(empty_engine) == []


def test_kb_revision_downgrades_and_upgrades_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "0001")
    assert _kb_tables(empty_engine) == set()
    upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_tables_made_by_the_old_create_all_are_adopted(empty_engine: Engine) -> None:
    """Databases started before the KB had a migration: 0001 applied, kb tables made at start-up."""
    upgrade(empty_engine, "0001")
    kb_tables = [t for t in SQLModel.metadata.sorted_tables if t.name.startswith("kb_")]
    SQLModel.metadata.create_all(empty_engine, tables=kb_tables)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO kb_change (target, at) VALUES ('SC-001#Q1', CURRENT_TIMESTAMP)"))
    upgrade(empty_engine)
    assert _diff(empty_engine) == []
    with empty_engine.connect() as conn:  # adopted, not recreated: the row is still there
        assert conn.execute(text("SELECT target FROM kb_change")).scalar_one() == "SC-001#Q1"
