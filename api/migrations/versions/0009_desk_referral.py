"""The consultation desk: concepts as entries of their own (kb_term, versioned like FAQs) and the
questions it refers to the owning department (kb_referral, 首问负责).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "kb_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", _str(60), nullable=False),
        sa.Column("term", _str(50), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("department", _str(100), nullable=False),
        sa.Column("status", _str(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.Column("updated_by", _str(100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_term_target", "kb_term", ["target"], unique=True)
    op.create_index("ix_kb_term_department", "kb_term", ["department"])
    op.create_index("ix_kb_term_status", "kb_term", ["status"])
    op.create_table(
        "kb_term_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", _str(20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("actor", _str(100), nullable=False),
        sa.Column("note", _str(500), nullable=False),
        _at("at"),
        sa.ForeignKeyConstraint(["term_id"], ["kb_term.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("term_id", "version"),
    )
    op.create_index("ix_kb_term_version_term_id", "kb_term_version", ["term_id"])
    op.create_table(
        "kb_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("item", _str(20), nullable=True),
        sa.Column("department", _str(100), nullable=False),
        sa.Column("asked_by", _str(100), nullable=False),
        sa.Column("contact", _str(200), nullable=False),
        sa.Column("status", _str(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", _str(100), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("faq_target", _str(40), nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    for name in ("department", "asked_by", "status", "due_on"):
        op.create_index(f"ix_kb_referral_{name}", "kb_referral", [name])


def downgrade() -> None:
    for name in ("department", "asked_by", "status", "due_on"):
        op.drop_index(f"ix_kb_referral_{name}", table_name="kb_referral")
    op.drop_table("kb_referral")
    op.drop_index("ix_kb_term_version_term_id", table_name="kb_term_version")
    op.drop_table("kb_term_version")
    for name in ("status", "department", "target"):
        op.drop_index(f"ix_kb_term_{name}", table_name="kb_term")
    op.drop_table("kb_term")
