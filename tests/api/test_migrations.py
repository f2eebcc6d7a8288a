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

import api.models  # noqa: F401  (registers the service's tables: accounts)
import kb.models  # noqa: F401  (the knowledge base's)
import window.models  # noqa: F401  (and the window's)
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
    # the kb tables of that time: those added since (0009) were never made by create_all
    later = {"kb_term", "kb_term_version", "kb_referral", "kb_draft"}
    kb_tables = [
        t for t in SQLModel.metadata.sorted_tables if t.name.startswith("kb_") and t.name not in later
    ]
    SQLModel.metadata.create_all(empty_engine, tables=kb_tables)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO kb_change (target, at) VALUES ('SC-001#Q1', CURRENT_TIMESTAMP)"))
    upgrade(empty_engine)
    assert _diff(empty_engine) == []
    with empty_engine.connect() as conn:  # adopted, not recreated: the row is still there
        assert conn.execute(text("SELECT target FROM kb_change")).scalar_one() == "SC-001#Q1"


def test_personal_data_kept_before_is_masked_by_the_upgrade(empty_engine: Engine) -> None:
    """Revision 0004 masks what earlier versions kept in full (the audit log's reasons, unanswered
    questions, feedback), keeps a digest of each audit event, and leaves the audit log append-only."""
    import json

    import sqlalchemy as sa

    from core.privacy import digest

    upgrade(empty_engine, "0003")
    reason = {"reason": "申请人张三明，身份证 362321197610263830，电话 13812345678"}
    audit = sa.text(
        "INSERT INTO audit_event (at, actor, role, action, target, after) "
        "VALUES (CURRENT_TIMESTAMP, 'clerk1', 'clerk', 'override', 'case:x', :a)"
    ).bindparams(sa.bindparam("a", type_=sa.JSON))
    question = sa.text(
        "INSERT INTO kb_unanswered (key, query, best_confidence, count, status, resolved_by, "
        "first_at, last_at) VALUES (:k, :q, 0, :n, 'open', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with empty_engine.begin() as conn:
        conn.execute(audit, {"a": reason})
        for phone, n in (("13812345678", 2), ("13800005678", 3)):  # the same question once masked
            conn.execute(question, {"k": f"电话{phone}怎么办", "q": f"电话{phone}怎么办？", "n": n})
        conn.execute(
            sa.text(
                "INSERT INTO kb_feedback (query, target, helpful, comment, actor, at) VALUES "
                "('我叫张三明', 'JT-001#Q1', false, '电话 13812345678', '', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(empty_engine)
    assert _diff(empty_engine) == []
    with empty_engine.connect() as conn:
        after, proof = conn.execute(sa.text("SELECT after, digest FROM audit_event")).one()
        after = json.loads(after) if isinstance(after, str) else after
        assert after == {"reason": "申请人张*明，身份证 362321********3830，电话 138****5678"}
        assert proof == digest({"before": None, "after": reason})
        rows = conn.execute(sa.text("SELECT query, count FROM kb_unanswered")).all()
        assert [tuple(r) for r in rows] == [("电话138****5678怎么办？", 5)]
        assert tuple(conn.execute(sa.text("SELECT query, comment FROM kb_feedback")).one()) == (
            "我叫张*明",
            "电话 138****5678",
        )
    with pytest.raises(Exception, match="append-only"), empty_engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_event SET actor = 'someone else'"))


def test_settlement_revision_downgrades_and_upgrades_again(empty_engine: Engine) -> None:
    """Revision 0006 adds the clerks' settlements of uncertain points, one per run and review point."""
    import sqlalchemy as sa

    upgrade(empty_engine)
    assert {"id", "case_id", "run_id", "subject", "code", "action", "note", "settled_by", "settled_at"} == {
        c["name"] for c in inspect(empty_engine).get_columns("settlement")
    }
    with empty_engine.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO "case" (id, item, department, channel, declared, applicant_name, status, '
                "total_bytes, created_at) VALUES ('c1', 'JT-001', '', 'clerk', '{}', '', 'open', 0, "
                "CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO run (case_id, number, status, review_date, file_ids, rule_hash, attempts, "
                "requested_by, client_address, created_at) VALUES ('c1', 1, 'done', '2026-02-12', '[]', "
                "'', 0, 'clerk1', '', CURRENT_TIMESTAMP)"
            )
        )
    point = sa.text(
        "INSERT INTO settlement (case_id, run_id, subject, code, action, note, settled_by, settled_at) "
        "SELECT 'c1', id, 'M1', 'NOT_SIGNED', :action, '', 1, CURRENT_TIMESTAMP FROM run"
    )
    with empty_engine.begin() as conn:
        conn.execute(point, {"action": "confirm"})
    with pytest.raises(sa.exc.IntegrityError), empty_engine.begin() as conn:
        conn.execute(point, {"action": "dismiss"})  # one row per run and point: a change updates it
    downgrade(empty_engine, "0005")
    assert "settlement" not in inspect(empty_engine).get_table_names()
    upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_samples_revision_downgrades_and_upgrades_again(empty_engine: Engine) -> None:
    """Revision 0012 adds the material samples and the local 电子证照 library with its look-ups."""
    tables = {"material_sample", "licence", "licence_fetch"}
    upgrade(empty_engine)
    assert tables <= set(inspect(empty_engine).get_table_names())
    downgrade(empty_engine, "0011")
    assert not tables & set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine)
    assert _diff(empty_engine) == []
