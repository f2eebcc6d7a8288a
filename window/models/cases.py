"""The window's tables of a case: the case with its files, runs, settlements and decisions, the
notices issued, the counters and the audit log.

People appear here by their user id (``created_by``, ``decided_by``, ``settled_by``) and their name
(``actor``) only: the accounts themselves are the service's sign-in (``api.models``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from rules.models import utcnow

__all__ = [
    "AuditEvent",
    "Case",
    "CaseFile",
    "CaseStatus",
    "Channel",
    "ClerkDecision",
    "Counter",
    "IssuedNotice",
    "Run",
    "RunStatus",
    "Settlement",
]


class Channel(StrEnum):
    """How a case came in."""

    APPLICANT = "applicant"  # the public self-check: no account, a case token
    CLERK = "clerk"  # at the window


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CaseStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    PURGED = "purged"  # an applicant's self-check whose uploads were deleted after the retention


class Counter(SQLModel, table=True):
    """A named sequence shared by every process ("case:2026", "notice:ACCEPT:2026"): ``window.counters``
    takes the next value under the row's lock, so two processes never get the same one."""

    __tablename__ = "counter"
    name: str = Field(primary_key=True, max_length=64)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class Case(SQLModel, table=True):
    __tablename__ = "case"
    id: str = Field(primary_key=True, max_length=32)  # the key in URLs and the API
    # what people read and say (安和综窗〔2026〕第000123号): given when the case is created, unique
    number: str | None = Field(default=None, max_length=64, unique=True)
    item: str = Field(index=True, max_length=16)
    department: str = Field(default="", index=True, max_length=100)
    channel: str = Field(max_length=16)  # a Channel
    declared: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    applicant_name: str = Field(default="", max_length=200)
    review_date: date | None = None  # fixed review date (tests, bench); None means the day of each run
    token_hash: str | None = Field(default=None, index=True, max_length=64)  # the applicant's case token
    status: str = Field(default=CaseStatus.OPEN.value, max_length=16, index=True)
    total_bytes: int = 0
    created_by: int | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    expires_at: datetime | None = Field(default=None, index=True)  # applicant cases: uploads deleted then
    # a finished self-check's 预检码 (its sha256): a clerk redeems it once to take the case over
    handover_hash: str | None = Field(default=None, index=True, max_length=64)
    taken_from: str | None = Field(default=None, max_length=32)  # a clerk case: the self-check it took over


class CaseFile(SQLModel, table=True):
    __tablename__ = "case_file"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    sha256: str = Field(index=True, max_length=64)
    name: str = Field(max_length=255)
    slot: str | None = Field(default=None, max_length=16)
    size: int
    media_type: str = Field(max_length=100)
    active: bool = True  # part of the next run; withdrawn files stay for the history
    created_at: datetime = Field(default_factory=utcnow)


class Run(SQLModel, table=True):
    __tablename__ = "run"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_run_case_number"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    number: int
    status: str = Field(default=RunStatus.QUEUED.value, max_length=16, index=True)
    review_date: date
    file_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rule_hash: str = Field(default="", max_length=32)
    verdict: str | None = Field(default=None, max_length=16)
    decision: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    files: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The facts the decision was made from (rules.CaseFacts as JSON: declared facts and every material's
    # readings as evaluated), so that a run can be judged again under another rule version or taken over
    # from a self-check without reading its files again. Unmasked like the decision's evidence, masked
    # for readers who may not see identity, and purged with the self-check's files.
    facts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The same facts as the rules engine took them (rules.stored: ``Evaluator.engine_input`` as JSON), under
    # the key of the rules they were made for: an impact preview replays the run without preparing its
    # facts again. Never shown to a reader; purged with ``facts``.
    engine_key: str = Field(default="", max_length=80)
    engine_input: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # while it runs: per file its stage (读取/识别/核对) and pages read of pages total (window.progress)
    progress: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    attempts: int = 0
    requested_by: str = Field(default="", max_length=80)
    client_address: str = Field(default="", max_length=64)  # who asked, for the per-address cap
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ClerkDecision(SQLModel, table=True):
    __tablename__ = "clerk_decision"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("run.id"), nullable=False))
    suggested: str = Field(max_length=16)
    verdict: str = Field(max_length=16)
    overridden: bool = False
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    refer_to: str = Field(default="", max_length=200)  # REJECT: the competent authority, if another one
    # what the notice lists (补正: the defects, 容缺: the missing 容缺 materials), as the clerk chose them:
    # [{"subject": "M3", "code": "EXPIRED", "note": ""}]; None: as the run found them
    listed: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    decided_by: int
    decided_at: datetime = Field(default_factory=utcnow)
    # the official notice left the system (printed or downloaded): from then on the decision is final
    printed_at: datetime | None = None


class IssuedNotice(SQLModel, table=True):
    """An official notice as first printed: its number is taken once, and printing it again shows the
    same number. Self-check copies and notices before a decision are drafts and get none."""

    __tablename__ = "issued_notice"
    __table_args__ = (UniqueConstraint("run_id", "kind", name="uq_issued_notice_run_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=24)  # a notice kind (window.notices.KINDS)
    number: str = Field(max_length=64, unique=True)
    issued_at: datetime = Field(default_factory=utcnow)


class Settlement(SQLModel, table=True):
    """How the clerk settled one uncertain point (请核对) of a run: confirmed as a defect or dismissed. One
    row per point and run, changed in place until the decision is recorded (every change is audited);
    the department's statistics count them per review point (material or condition + code)."""

    __tablename__ = "settlement"
    __table_args__ = (UniqueConstraint("run_id", "subject", "code", name="uq_settlement_point"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("run.id", ondelete="CASCADE"), nullable=False))
    subject: str = Field(max_length=16)  # the material ("M3") or condition ("C2") the point is about
    code: str = Field(max_length=24)  # a rules.codes.Code
    action: str = Field(max_length=16)  # "confirm" | "dismiss"
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    settled_by: int
    settled_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=80)  # username, "applicant", "system" or "worker"
    role: str = Field(default="", max_length=16)
    # verdict, settle, override, decision, rule.publish, rule.rollback, faq.*
    action: str = Field(index=True, max_length=40)
    target: str = Field(index=True, max_length=120)  # "case:…", "rule:JT-001", "faq:…"
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # masked
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # masked
    # sha256 of {"before", "after"} as they were before masking (core.privacy.digest): proof of what
    # was written without keeping identity and phone numbers forever
    digest: str | None = Field(default=None, max_length=64)
