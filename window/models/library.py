"""The tables of what a rule version and the hall hold beside the cases: the materials' samples
(``window.samples``) and the local 电子证照 library with its look-ups (``window.licences``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from rules.models import utcnow

__all__ = [
    "Licence",
    "LicenceFetch",
    "MaterialSample",
]


class MaterialSample(SQLModel, table=True):
    """A material's sample (材料样本) as one rule version shows it: a file (image or PDF) and the notes drawn
    on it. A version without its own row for a material shows the one of the version it was based on, else
    of the latest earlier published version (``window.samples``); only a draft's rows may change."""

    __tablename__ = "material_sample"
    __table_args__ = (UniqueConstraint("version_id", "material", name="uq_material_sample"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("rule_version.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    item_code: str = Field(index=True, max_length=16)
    material: str = Field(max_length=16)
    sha256: str = Field(max_length=64)  # in the samples' blob store
    name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    size: int
    # the pages as images (in the same store): [{sha256, media_type}]; an image file is its own one page
    pages: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{page, box: [x0, y0, x1, y1] as fractions of the page, note, code: the review point's finding code}]
    notes: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(max_length=80)
    updated_at: datetime = Field(default_factory=utcnow)


class Licence(SQLModel, table=True):
    """A licence of the local 电子证照 library (imported by an administrator): its GB/T 36902 目录信息 and
    its file in the licences' blob store."""

    __tablename__ = "licence"
    __table_args__ = (UniqueConstraint("licence_type", "number", name="uq_licence_type_number"),)
    id: int | None = Field(default=None, primary_key=True)
    licence_type: str = Field(index=True, max_length=60)  # 证照类型
    number: str = Field(max_length=100)  # 证照编号
    holder: str = Field(max_length=200)  # 持证主体
    holder_code: str = Field(index=True, max_length=64)  # 持证主体代码
    issuer: str = Field(default="", max_length=200)  # 颁发机构
    issued_on: date | None = None  # 颁发日期
    valid_from: date | None = None  # 有效期起始
    valid_until: date | None = None  # 有效期截止 (None: 长期)
    status: str = Field(default="valid", max_length=16)  # a window.licences.LicenceStatus
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    imported_by: str = Field(max_length=80)
    imported_at: datetime = Field(default_factory=utcnow)


class LicenceFetch(SQLModel, table=True):
    """One look-up of the 电子证照 library for a case's material (also in the audit log): what was asked,
    the outcome, and the licence's catalogue fields and file when it was found."""

    __tablename__ = "licence_fetch"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False))
    material: str = Field(max_length=16)
    licence_type: str = Field(max_length=60)
    outcome: str = Field(max_length=16)  # found | not_found | unavailable | not_valid
    licence: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    sha256: str | None = Field(default=None, max_length=64)  # the licence's file, in the licences' store
    media_type: str = Field(default="", max_length=100)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    requested_by: str = Field(default="", max_length=80)
    at: datetime = Field(default_factory=utcnow)
