"""Decisions that list what their notice says and become final when it is printed; a self-check's 预检码
for the hand-over to the window; a run's progress while it reads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clerk_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("printed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handover_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("taken_from", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_case_handover_hash", ["handover_hash"], unique=False)
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_column("progress")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_handover_hash")
        batch_op.drop_column("taken_from")
        batch_op.drop_column("handover_hash")
    with op.batch_alter_table("clerk_decision", schema=None) as batch_op:
        batch_op.drop_column("printed_at")
        batch_op.drop_column("listed")
