"""Counters shared by every process (case and notice numbers), a case's human number, and the official
notices as first issued (their numbers).

Cases created before this revision keep no number (the pages show the start of their id).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counter",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_case_number", ["number"])
    op.create_table(
        "issued_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("run_id", "kind", name="uq_issued_notice_run_kind"),
    )
    with op.batch_alter_table("issued_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_notice_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("issued_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_notice_case_id"))
    op.drop_table("issued_notice")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint("uq_case_number", type_="unique")
        batch_op.drop_column("number")
    op.drop_table("counter")
