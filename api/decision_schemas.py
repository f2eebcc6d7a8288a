"""Request and response bodies of the clerk's decision and of settling uncertain points (pure pydantic
values). Every timestamp sent is aware (UTC, with its offset)."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, Field

from rules.codes import Verdict
from window import Action, CaseMasker, ClerkDecision, Point, Settlement, Suggestion
from window.decisions import Listed, Plan
from window.notices import Notice


class DecisionIn(BaseModel):
    verdict: Verdict
    reason: str = Field(default="", max_length=2000, description="改变预审建议时必填")
    refer_to: str = Field(
        default="", max_length=200, description="不予受理且属于其他机关管辖时：应向哪个机关申请"
    )
    listed: list[Listed] | None = Field(
        default=None,
        max_length=100,
        description="补正：文书列出的问题；容缺受理：申请人承诺补交的容缺材料。不填：按预审发现的",
    )


class DecisionPreviewOut(BaseModel):
    """A decision checked but not recorded, with the notice it will print (the confirm step)."""

    run: int
    verdict: str
    suggested: str
    overridden: bool
    correcting: bool = Field(description="更正已作出、文书尚未打印的收件决定")
    listed: list[Listed] | None
    notice: Notice

    @classmethod
    def of(cls, plan: Plan, notice: Notice) -> DecisionPreviewOut:
        return cls(
            run=plan.run,
            verdict=plan.verdict.value,
            suggested=plan.suggested.value,
            overridden=plan.overridden,
            correcting=plan.correcting is not None,
            listed=plan.listed,
            notice=notice,
        )


class DecisionOut(BaseModel):
    id: int
    run_id: int
    suggested: str
    verdict: str
    overridden: bool
    reason: str
    refer_to: str
    listed: list[Listed] | None = None
    decided_by: int
    decided_at: AwareDatetime
    printed_at: AwareDatetime | None = Field(default=None, description="正式文书打印时间：此后不能更正")

    @classmethod
    def of(cls, row: ClerkDecision, masker: CaseMasker | None = None) -> DecisionOut:
        reason = masker.text(row.reason) if masker is not None else row.reason  # free text of the clerk's
        return cls(
            id=row.id or 0,
            run_id=row.run_id,
            suggested=row.suggested,
            verdict=row.verdict,
            overridden=row.overridden,
            reason=reason,
            refer_to=row.refer_to,
            listed=None if row.listed is None else [Listed.model_validate(r) for r in row.listed],
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            printed_at=row.printed_at,
        )


def _pair(point: Point) -> dict[str, str]:
    return {"condition" if point[0].startswith("C") else "material": point[0], "code": point[1]}


class SettleIn(BaseModel):
    action: Action = Field(description="confirm：确认为问题（计入结论）；dismiss：不是问题")
    note: str = Field(default="", max_length=500, description="备注（可不填）")
    run: int | None = Field(
        default=None, ge=1, le=10_000, description="核对的是第几次预审（页面所见）；已有更新的预审完成时拒绝"
    )


class SettlementOut(BaseModel):
    run: int
    material: str | None = None
    condition: str | None = None
    code: str
    action: str
    note: str
    settled_by: int
    settled_at: AwareDatetime

    @classmethod
    def of(cls, row: Settlement, *, run: int, masker: CaseMasker | None = None) -> SettlementOut:
        note = masker.text(row.note) if masker is not None else row.note  # the clerk's free text
        condition = row.subject if row.subject.startswith("C") else None
        return cls(
            run=run,
            material=None if condition else row.subject,
            condition=condition,
            code=row.code,
            action=row.action,
            note=note,
            settled_by=row.settled_by,
            settled_at=row.settled_at,
        )


class SuggestionOut(BaseModel):
    """The suggestion of the latest finished run with its uncertain points settled as they are now."""

    run: int
    verdict: str = Field(description="确认的点计为问题、未核对的点暂按“不是问题”计算的结论")
    verdict_label: str
    tolerance_deadline: date | None
    uncertain: int = Field(description="本次预审请核对的点数")
    open: int = Field(description="尚未核对的点数")
    settled: bool = Field(description="全部核对完毕：收件决定以此结论为预审建议")
    confirmed: list[dict[str, str]] = Field(default_factory=list)
    dismissed: list[dict[str, str]] = Field(default_factory=list)

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionOut:
        d = s.decision
        return cls(
            run=s.run,
            verdict=d.verdict.value,
            verdict_label=d.verdict_label,
            tolerance_deadline=d.tolerance_deadline,
            uncertain=len(s.points),
            open=s.open,
            settled=s.open == 0,
            confirmed=[_pair(p) for p in s.confirmed],
            dismissed=[_pair(p) for p in s.dismissed],
        )


class SettlementsOut(BaseModel):
    run: int
    settlements: list[SettlementOut]
    suggestion: SuggestionOut
