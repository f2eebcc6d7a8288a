"""The rule versions table: every draft, published and retired version of an item's rule file.

A version in effect on a date is the published version of that item with the latest
``effective_from`` not after the date (publishing retires every published version of the item whose
``effective_from`` is on or after the new one's, so the published versions of an item, ordered by
``effective_from``, are also ordered by publication).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class RuleVersion(SQLModel, table=True):
    __tablename__ = "rule_version"
    __table_args__ = (UniqueConstraint("item_code", "number", name="uq_rule_version_item_number"),)

    id: int | None = Field(default=None, primary_key=True)
    item_code: str = Field(index=True, max_length=16)
    department: str = Field(index=True, max_length=100)
    number: int  # 1, 2, 3 … per item
    label: str = Field(max_length=60)  # "v3" or what the department called it
    yaml_text: str = Field(sa_column=Column(Text, nullable=False))
    scenarios_yaml: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rule_hash: str = Field(default="", max_length=32)  # of the parsed item, "" while the draft is invalid
    status: str = Field(default=VersionStatus.DRAFT.value, max_length=16, index=True)  # a VersionStatus
    based_on: int | None = None  # the version the draft started from
    effective_from: date | None = None  # set on publishing
    note: str = Field(default="", max_length=500)
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    published_by: str | None = Field(default=None, max_length=80)
    published_at: datetime | None = None
