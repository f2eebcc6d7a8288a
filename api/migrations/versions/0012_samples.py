"""Material samples (材料样本) per rule version; the local 电子证照 library and every look-up of it (#18).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "version_id", sa.Integer(), sa.ForeignKey("rule_version.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("material", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "material", name="uq_material_sample"),
    )
    with op.batch_alter_table("material_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_sample_version_id"), ["version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_material_sample_item_code"), ["item_code"], unique=False)

    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("holder_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("licence_type", "number", name="uq_licence_type_number"),
    )
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_licence_type"), ["licence_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_licence_holder_code"), ["holder_code"], unique=False)

    op.create_table(
        "licence_fetch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "case_id", sa.String(length=32), sa.ForeignKey("case.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False),
        sa.Column("material", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("licence_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("licence", sa.JSON(), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("licence_fetch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_fetch_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licence_fetch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_fetch_case_id"))
    op.drop_table("licence_fetch")
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_holder_code"))
        batch_op.drop_index(batch_op.f("ix_licence_licence_type"))
    op.drop_table("licence")
    with op.batch_alter_table("material_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_sample_item_code"))
        batch_op.drop_index(batch_op.f("ix_material_sample_version_id"))
    op.drop_table("material_sample")
