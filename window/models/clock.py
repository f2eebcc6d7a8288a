"""The tables of an accepted case's time limit (``window.clock``): the clock with its pauses, the
容缺 补交, the notification outbox and the State Council's schedule an administrator loads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from rules.models import utcnow

__all__ = [
    "CaseClock",
    "ClockPause",
    "HolidayDay",
    "Notification",
    "Supplement",
]


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
