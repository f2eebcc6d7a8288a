"""Personal data masked where it is kept for long: the audit log gets a ``digest`` column (sha256 of an
event's before/after as written) and its existing events, the unanswered questions and the search
feedback are masked once (core.privacy). New rows are masked as they are written.

The audit log is append-only: its triggers are lifted for this one rewrite and put back at once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from core.privacy import digest, mask_text, mask_value

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    conn = op.get_bind()
    _lift_append_only(conn, lift=True)
    try:
        _mask_audit(conn)
    finally:
        _lift_append_only(conn, lift=False)
    _mask_questions(conn)
    for row in conn.execute(sa.text("SELECT id, query, comment FROM kb_feedback")).mappings().all():
        conn.execute(
            sa.text("UPDATE kb_feedback SET query = :q, comment = :c WHERE id = :id"),
            {"q": mask_text(row["query"]), "c": mask_text(row["comment"] or ""), "id": row["id"]},
        )


def downgrade() -> None:  # what was masked stays masked
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("digest")


def _lift_append_only(conn: sa.Connection, *, lift: bool) -> None:
    if conn.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE audit_event {'DISABLE' if lift else 'ENABLE'} TRIGGER audit_event_no_change")
    elif lift:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    else:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _mask_audit(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT id, before, after FROM audit_event")).mappings().all()
    update = sa.text("UPDATE audit_event SET before = :b, after = :a, digest = :d WHERE id = :id").bindparams(
        sa.bindparam("b", type_=sa.JSON(none_as_null=True)),
        sa.bindparam("a", type_=sa.JSON(none_as_null=True)),
    )
    for row in rows:
        before, after = _json(row["before"]), _json(row["after"])
        conn.execute(
            update,
            {
                "b": mask_value("", before),
                "a": mask_value("", after),
                "d": digest({"before": before, "after": after}),
                "id": row["id"],
            },
        )


def _mask_questions(conn: sa.Connection) -> None:
    """Masked questions may group together: their counts are added up in one row."""
    from kb.service_staff import normalize_key

    rows = (
        conn.execute(sa.text("SELECT id, key, query, count FROM kb_unanswered ORDER BY id")).mappings().all()
    )
    groups: dict[str, list[Any]] = {}
    for row in rows:
        query = mask_text(row["query"])
        groups.setdefault(normalize_key(query), []).append((row, query))
    for key, members in groups.items():
        (first, query), others = members[0], members[1:]
        for other, _ in others:
            conn.execute(sa.text("DELETE FROM kb_unanswered WHERE id = :id"), {"id": other["id"]})
        if others or query != first["query"]:
            total = sum(int(m["count"]) for m, _ in members)
            conn.execute(
                sa.text("UPDATE kb_unanswered SET key = :k, query = :q, count = :n WHERE id = :id"),
                {"k": key, "q": query, "n": total, "id": first["id"]},
            )
