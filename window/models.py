"""The window's tables: cases with their files, runs, settlements and decisions, and the audit log.

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
    "CaseClock",
    "CaseFile",
    "CaseStatus",
    "Channel",
    "ClerkDecision",
    "ClockPause",
    "Counter",
    "HolidayDay",
    "IssuedNotice",
    "Licence",
    "LicenceFetch",
    "MaterialSample",
    "Notification",
    "Run",
    "RunStatus",
    "Settlement",
    "Supplement",
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


class CaseClock(SQLModel, table=True):
    """The time limit of an accepted case (受理 or 容缺受理), from the printed notice to collection: the
    承诺办结日 with its pauses and its one extension, the transfer to the department, the result's way to
    the applicant, and for 容缺 the 补交 deadline and its outcome (``window.clock``)."""

    __tablename__ = "case_clock"
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    )
    item: str = Field(index=True, max_length=16)
    department: str = Field(default="", index=True, max_length=100)
    verdict: str = Field(max_length=16)  # ACCEPT or TOLERANCE
    procedure: str = Field(default="", max_length=40)  # RS-001: 告知承诺制 / 一般程序
    promise_days: int = 0  # 0 = 当场办结
    accepted_on: date
    due_on: date = Field(index=True)
    provisional: bool = False  # due_on counted in a year without the State Council's schedule
    provisional_note: str = Field(default="", max_length=200)
    paused_days: int = 0  # working days of finished pauses, added to the limit
    paused_since: date | None = None
    extension_days: int = 0
    extension_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    extended_on: date | None = None
    stage: str = Field(default="accepted", index=True, max_length=16)  # a window.clock.Stage
    transferred_to: str = Field(default="", max_length=100)
    transferred_by: str = Field(default="", max_length=80)
    transferred_at: datetime | None = None
    done_at: datetime | None = None
    result_ready_at: datetime | None = None
    notified_at: datetime | None = None
    collected_at: datetime | None = None
    tolerance_days: int = 0  # 补交 working days after the 受理日 (容缺受理)
    tolerance_deadline: date | None = Field(default=None, index=True)
    tolerance_materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tolerance_state: str = Field(default="", max_length=16)  # "" | pending | submitted | met | failed
    tolerance_outcome: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    started_by: str = Field(default="", max_length=80)
    started_at: datetime = Field(default_factory=utcnow)


class ClockPause(SQLModel, table=True):
    """A stop of the clock for a step the 承诺时限 leaves out (专家评审, 现场查勘, 听证, 公示 …)."""

    __tablename__ = "clock_pause"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    reason: str = Field(max_length=40)  # one of the item's 计时暂停事由
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    started_on: date
    ended_on: date | None = None
    working_days: int = 0  # set when the clock resumes
    started_by: str = Field(default="", max_length=80)
    ended_by: str = Field(default="", max_length=80)


class Supplement(SQLModel, table=True):
    """The applicant's 补交 of a 容缺 material: its pre-check run, and the department's decision on it."""

    __tablename__ = "supplement"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    material: str = Field(max_length=16)
    file_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    run_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("run.id"), nullable=True))
    submitted_by: str = Field(default="", max_length=80)
    submitted_at: datetime = Field(default_factory=utcnow)
    decision: str = Field(default="", max_length=16)  # "" | accepted | refused
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_by: str = Field(default="", max_length=80)
    decided_at: datetime | None = None


class Notification(SQLModel, table=True):
    """A message to an applicant waiting for the operator's channel (短信, e-mail): the outbox. Rows are
    written in the unit of work that caused them and sent by an adapter (``window.outbox``)."""

    __tablename__ = "notification"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str | None = Field(
        default=None,
        sa_column=Column(String(32), ForeignKey("case.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    kind: str = Field(max_length=40)  # result_ready, extension, tolerance_due, referral …
    channel: str = Field(default="sms", max_length=16)
    recipient: str = Field(default="", max_length=200)
    subject: str = Field(default="", max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", index=True, max_length=16)  # pending | sent | failed
    attempts: int = 0
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class HolidayDay(SQLModel, table=True):
    """A day of the State Council's schedule for a year chinese-calendar has no data for, loaded by an
    administrator: a holiday (workday false) or a weekend made a working day (workday true)."""

    __tablename__ = "holiday_day"
    day: date = Field(primary_key=True)
    workday: bool = False
    name: str = Field(default="", max_length=40)
    loaded_by: str = Field(default="", max_length=80)
    loaded_at: datetime = Field(default_factory=utcnow)


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
