"""Each run's facts as the rules engine took them (rules.stored), beside the facts it judged: an impact
preview replays a run without preparing its facts again. Stored under the key of the rules and the
preparing code they were made for (a record for other rules is stale, and the facts are prepared anew);
purged with ``facts``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engine_key", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("engine_input", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_column("engine_input")
        batch_op.drop_column("engine_key")
