"""Knowledge-base tables (SQLModel; SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Faq(SQLModel, table=True):
    __tablename__ = "kb_faq"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(index=True, unique=True, max_length=40)  # ITEM#QN, never reused
    item: str = Field(index=True, max_length=20)
    item_name: str = Field(default="", max_length=200)
    department: str = Field(index=True, max_length=100)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    alternatives: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", index=True, max_length=20)  # FaqStatus
    valid_from: date | None = None
    valid_until: date | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=100)


class FaqVersion(SQLModel, table=True):
    """A full snapshot after every change: history, audit and rollback source."""

    __tablename__ = "kb_faq_version"
    __table_args__ = (UniqueConstraint("faq_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    faq_id: int = Field(foreign_key="kb_faq.id", index=True)
    version: int
    action: str = Field(max_length=20)  # create | edit | publish | retire | rollback
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    actor: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow)


class GuideSection(SQLModel, table=True):
    """A service-guide section rendered from a rule file; replaced whenever the rule file changes."""

    __tablename__ = "kb_guide_section"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(index=True, unique=True, max_length=40)  # ITEM#section
    item: str = Field(index=True, max_length=20)
    item_name: str = Field(default="", max_length=200)
    department: str = Field(index=True, max_length=100)
    section: str = Field(max_length=20)
    title: str = Field(max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class GlossaryTerm(SQLModel, table=True):
    __tablename__ = "kb_glossary_term"

    id: int | None = Field(default=None, primary_key=True)
    term: str = Field(index=True, unique=True, max_length=50)
    expansions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    department: str | None = Field(default=None, max_length=100)  # who maintains it; None = shared
    updated_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class Feedback(SQLModel, table=True):
    __tablename__ = "kb_feedback"

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(sa_column=Column(Text, nullable=False))
    target: str = Field(index=True, max_length=40)
    helpful: bool
    comment: str = Field(default="", max_length=1000)
    actor: str = Field(default="", max_length=100)
    at: datetime = Field(default_factory=utcnow)


class UnansweredQuestion(SQLModel, table=True):
    """Questions the search could not answer confidently, grouped by their normalised text."""

    __tablename__ = "kb_unanswered"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=200)  # normalised question
    query: str = Field(sa_column=Column(Text, nullable=False))
    item: str | None = Field(default=None, max_length=20)
    department: str | None = Field(default=None, max_length=100)
    best_target: str | None = Field(default=None, max_length=40)
    best_confidence: float = 0.0
    count: int = 1
    status: str = Field(default="open", index=True, max_length=20)  # open | answered | out_of_scope
    resolved_target: str | None = Field(default=None, max_length=40)
    resolved_by: str = Field(default="", max_length=100)
    first_at: datetime = Field(default_factory=utcnow)
    last_at: datetime = Field(default_factory=utcnow)


class KbChange(SQLModel, table=True):
    """Change log the search index of every worker follows (within a second of the commit)."""

    __tablename__ = "kb_change"

    seq: int | None = Field(default=None, primary_key=True)
    target: str = Field(max_length=60)  # an entry target, or "@glossary" / "@cohort"
    at: datetime = Field(default_factory=utcnow)


class Term(SQLModel, table=True):
    """A concept people ask about (容缺受理, 补正 …): the hall's own entry, not one department's."""

    __tablename__ = "kb_term"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(index=True, unique=True, max_length=60)  # term:<词条>, never renamed or reused
    term: str = Field(max_length=50)
    definition: str = Field(sa_column=Column(Text, nullable=False))
    basis: str = Field(sa_column=Column(Text, nullable=False))  # 依据, in words
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    department: str = Field(index=True, max_length=100)
    status: str = Field(default="draft", index=True, max_length=20)  # FaqStatus
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=100)


class TermVersion(SQLModel, table=True):
    """A full snapshot after every change of a term, as for FAQs."""

    __tablename__ = "kb_term_version"
    __table_args__ = (UniqueConstraint("term_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(foreign_key="kb_term.id", index=True)
    version: int
    action: str = Field(max_length=20)  # create | edit | publish | retire | rollback
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    actor: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow)


class Referral(SQLModel, table=True):
    """首问负责: a question the desk could not answer, referred to the department that owns it."""

    __tablename__ = "kb_referral"

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(sa_column=Column(Text, nullable=False))
    item: str | None = Field(default=None, max_length=20)
    department: str = Field(index=True, max_length=100)  # who must answer
    asked_by: str = Field(index=True, max_length=100)  # the desk colleague who took the question
    contact: str = Field(default="", max_length=200)  # kept only when the applicant agreed to be told
    status: str = Field(default="open", index=True, max_length=20)  # open | answered
    due_on: date = Field(index=True)
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    answered_by: str = Field(default="", max_length=100)
    answered_at: datetime | None = None
    faq_target: str | None = Field(default=None, max_length=40)  # the FAQ draft the answer became
    created_at: datetime = Field(default_factory=utcnow)


class EntryDraft(SQLModel, table=True):
    """The pending edit of a live entry (FAQ or term): the live version keeps serving searches until
    the draft passes its hit test and is published. An entry never yet published is its own draft."""

    __tablename__ = "kb_draft"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(index=True, unique=True, max_length=60)
    kind: str = Field(max_length=10)  # faq | term
    department: str = Field(index=True, max_length=100)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_version: int = 1  # the live version the draft was made from
    source: str = Field(default="", max_length=60)  # e.g. referral:12
    created_by: str = Field(default="", max_length=100)
    updated_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
