"""Request and response bodies of the case clock, 容缺 补交, reminders, the outbox and the statistics."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from window import CaseClock, ClockPause, Notification, Supplement
from window.clock import ClockView, Stage
from window.tolerance import Precheck


class PauseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=40, description="本事项的计时暂停事由之一，如 专家评审")
    note: str = Field(default="", max_length=500)
    on: date | None = Field(default=None, description="暂停日（默认今天）")


class ResumeIn(BaseModel):
    on: date | None = Field(default=None, description="恢复计时日（默认今天）")


class ExtendIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="延期理由（载入延期告知书）")
    days: int | None = Field(default=None, ge=1, le=30, description="延长的工作日数（默认按系统设置）")


class TransferIn(BaseModel):
    to: str = Field(default="", max_length=100, description="承办部门（默认事项的实施部门）")


class StageIn(BaseModel):
    stage: Stage


class SupplementDecisionIn(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=500)


class OutcomeIn(BaseModel):
    outcome: str = Field(min_length=1, max_length=500, description="部门对未完成补交的处理结果")


class PauseOut(BaseModel):
    reason: str
    note: str
    started_on: date
    ended_on: date | None
    working_days: int

    @classmethod
    def of(cls, row: ClockPause) -> PauseOut:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class SupplementOut(BaseModel):
    id: int
    material: str
    file_ids: list[int]
    submitted_at: AwareDatetime
    decision: str
    note: str
    decided_by: str
    decided_at: AwareDatetime | None
    precheck: Precheck

    @classmethod
    def of(cls, row: Supplement, precheck: Precheck) -> SupplementOut:
        return cls(**row.model_dump(include=set(cls.model_fields) - {"precheck"}), precheck=precheck)


class ClockOut(BaseModel):
    case_id: str
    item: str
    department: str
    verdict: str
    procedure: str
    promise_days: int
    accepted_on: date
    due_on: date
    provisional: bool
    provisional_note: str
    paused_days: int
    paused_since: date | None
    extension_days: int
    extension_reason: str
    extended_on: date | None
    stage: str
    transferred_to: str
    transferred_by: str
    transferred_at: AwareDatetime | None
    done_at: AwareDatetime | None
    result_ready_at: AwareDatetime | None
    notified_at: AwareDatetime | None
    collected_at: AwareDatetime | None
    tolerance_deadline: date | None
    tolerance_materials: list[str]
    tolerance_state: str
    tolerance_outcome: str
    view: ClockView
    pauses: list[PauseOut]
    supplements: list[SupplementOut]

    @classmethod
    def of(
        cls, row: CaseClock, *, view: ClockView, pauses: list[PauseOut], supplements: list[SupplementOut]
    ) -> ClockOut:
        fields = set(cls.model_fields) - {"view", "pauses", "supplements"}
        return cls(**row.model_dump(include=fields), view=view, pauses=pauses, supplements=supplements)


class HolidayIn(BaseModel):
    day: date
    workday: bool = Field(description="true：调休上班日；false：法定节假日")
    name: str = Field(default="", max_length=40)


class HolidaysIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    days: list[HolidayIn] = Field(min_length=1, max_length=120)


class HolidaysOut(BaseModel):
    year: int
    known: bool
    days: list[HolidayIn]
    recomputed: int = 0


class NotificationOut(BaseModel):
    id: int
    case_id: str | None
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    status: str
    attempts: int
    created_at: AwareDatetime
    sent_at: AwareDatetime | None

    @classmethod
    def of(cls, row: Notification) -> NotificationOut:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class StatsOut(BaseModel):
    since: date
    until: date
    department: str | None
    figures: list[dict[str, Any]]


class ToleranceCaseOut(BaseModel):
    clock: ClockOut
    applicant: str  # masked for department staff


class StageRow(BaseModel):
    case_id: str
    item: str
    department: str
    applicant: str  # masked for department staff
    due_on: date
    stage: str
    stage_label: str
