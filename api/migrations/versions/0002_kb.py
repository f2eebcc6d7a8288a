"""Knowledge-base tables: FAQs and their versions, guide sections, glossary, feedback, unanswered
questions and the change log the search indexes follow.

Before this revision the service created these tables itself (``create_all`` at start-up), so a
database may already hold them while ``alembic_version`` says 0001: such tables are adopted as
they are (they were made from the same models), only the missing ones are created.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.sql.schema import SchemaItem

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)


# table -> (columns and constraints, [(indexed column, unique)]); in creation order (FKs last)
def _tables() -> dict[str, tuple[list[SchemaItem], list[tuple[str, bool]]]]:
    return {
        "kb_change": (
            [
                sa.Column("seq", sa.Integer(), nullable=False),
                sa.Column("target", _str(60), nullable=False),
                _at("at"),
                sa.PrimaryKeyConstraint("seq"),
            ],
            [],
        ),
        "kb_faq": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("target", _str(40), nullable=False),
                sa.Column("item", _str(20), nullable=False),
                sa.Column("item_name", _str(200), nullable=False),
                sa.Column("department", _str(100), nullable=False),
                sa.Column("question", sa.Text(), nullable=False),
                sa.Column("answer", sa.Text(), nullable=False),
                sa.Column("alternatives", sa.JSON(), nullable=False),
                sa.Column("tags", sa.JSON(), nullable=False),
                sa.Column("status", _str(20), nullable=False),
                sa.Column("valid_from", sa.Date(), nullable=True),
                sa.Column("valid_until", sa.Date(), nullable=True),
                sa.Column("version", sa.Integer(), nullable=False),
                _at("created_at"),
                _at("updated_at"),
                sa.Column("updated_by", _str(100), nullable=False),
                sa.PrimaryKeyConstraint("id"),
            ],
            [("department", False), ("item", False), ("status", False), ("target", True)],
        ),
        "kb_feedback": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("query", sa.Text(), nullable=False),
                sa.Column("target", _str(40), nullable=False),
                sa.Column("helpful", sa.Boolean(), nullable=False),
                sa.Column("comment", _str(1000), nullable=False),
                sa.Column("actor", _str(100), nullable=False),
                _at("at"),
                sa.PrimaryKeyConstraint("id"),
            ],
            [("target", False)],
        ),
        "kb_glossary_term": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("term", _str(50), nullable=False),
                sa.Column("expansions", sa.JSON(), nullable=False),
                sa.Column("department", _str(100), nullable=True),
                sa.Column("updated_by", _str(100), nullable=False),
                _at("updated_at"),
                sa.PrimaryKeyConstraint("id"),
            ],
            [("term", True)],
        ),
        "kb_guide_section": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("target", _str(40), nullable=False),
                sa.Column("item", _str(20), nullable=False),
                sa.Column("item_name", _str(200), nullable=False),
                sa.Column("department", _str(100), nullable=False),
                sa.Column("section", _str(20), nullable=False),
                sa.Column("title", _str(200), nullable=False),
                sa.Column("text", sa.Text(), nullable=False),
                sa.Column("content_hash", _str(64), nullable=False),
                _at("updated_at"),
                sa.PrimaryKeyConstraint("id"),
            ],
            [("department", False), ("item", False), ("target", True)],
        ),
        "kb_unanswered": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("key", _str(200), nullable=False),
                sa.Column("query", sa.Text(), nullable=False),
                sa.Column("item", _str(20), nullable=True),
                sa.Column("department", _str(100), nullable=True),
                sa.Column("best_target", _str(40), nullable=True),
                sa.Column("best_confidence", sa.Float(), nullable=False),
                sa.Column("count", sa.Integer(), nullable=False),
                sa.Column("status", _str(20), nullable=False),
                sa.Column("resolved_target", _str(40), nullable=True),
                sa.Column("resolved_by", _str(100), nullable=False),
                _at("first_at"),
                _at("last_at"),
                sa.PrimaryKeyConstraint("id"),
            ],
            [("key", True), ("status", False)],
        ),
        "kb_faq_version": (
            [
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("faq_id", sa.Integer(), nullable=False),
                sa.Column("version", sa.Integer(), nullable=False),
                sa.Column("action", _str(20), nullable=False),
                sa.Column("snapshot", sa.JSON(), nullable=False),
                sa.Column("actor", _str(100), nullable=False),
                sa.Column("note", _str(500), nullable=False),
                _at("at"),
                sa.ForeignKeyConstraint(["faq_id"], ["kb_faq.id"]),
                sa.PrimaryKeyConstraint("id"),
                sa.UniqueConstraint("faq_id", "version"),
            ],
            [("faq_id", False)],
        ),
    }


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, (columns, indexes) in _tables().items():
        if name in existing:  # made by the pre-migration create_all: adopt it
            continue
        op.create_table(name, *columns)
        for column, unique in indexes:
            op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=unique)


def downgrade() -> None:
    for name, (_columns, indexes) in reversed(_tables().items()):
        for column, _unique in indexes:
            op.drop_index(op.f(f"ix_{name}_{column}"), table_name=name)
        op.drop_table(name)
