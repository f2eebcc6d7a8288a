"""Request and response bodies of cases, their files and pre-review runs, and the hand-over of a
self-check (pure pydantic values). Every timestamp sent is aware (UTC, with its offset): the pages show
it in the reader's local time as it is, without guessing a zone."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from api.decision_schemas import DecisionOut, SettlementOut, SuggestionOut
from prereview.progress import FileProgress, RunProgress, Stage
from rules.codes import VERDICT_LABELS, Verdict
from window import Case, CaseFile, CaseMasker, ClerkDecision, Run, Settlement, Suggestion


class CaseIn(BaseModel):
    item: str = Field(
        min_length=1, max_length=16, description="事项或“一件事”编码，如 JT-001、YJS-001", examples=["JT-001"]
    )
    declared: dict[str, Any] = Field(default_factory=dict, description="申报事实（declared-facts.md）")
    review_date: date | None = Field(default=None, description="审查日；不填则为每次预审当天")


class FileOut(BaseModel):
    id: int
    name: str
    slot: str | None
    size: int
    media_type: str
    sha256: str
    active: bool
    created_at: AwareDatetime

    @classmethod
    def of(cls, row: CaseFile, masker: CaseMasker | None = None) -> FileOut:
        name = masker.text(row.name) if masker is not None else row.name  # "邹军哲身份证.jpg"
        return cls(
            id=row.id or 0,
            name=name,
            slot=row.slot,
            size=row.size,
            media_type=row.media_type,
            sha256=row.sha256,
            active=row.active,
            created_at=row.created_at,
        )


class ProgressOut(BaseModel):
    stage: Stage
    pages_done: int
    pages_total: int | None = Field(description="全部文件的总页数（尚有文件未打开时为空）")
    files: list[FileProgress]

    @classmethod
    def of(cls, stored: dict[str, Any], masker: CaseMasker | None) -> ProgressOut:
        state = RunProgress.model_validate(stored)
        if masker is not None and masker.masked:  # file names may carry persons' names
            for f in state.files:
                f.name = masker.text(f.name)
        done, total = state.pages
        return cls(stage=state.stage, pages_done=done, pages_total=total, files=state.files)


class RunOut(BaseModel):
    number: int
    status: str
    review_date: date
    rule_hash: str
    verdict: str | None
    verdict_label: str | None
    tolerance_deadline: date | None = None
    findings: list[dict[str, Any]] = Field(default_factory=list)
    uncertain: list[dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "请核对：拿不准的问题（与 findings 同形，doubt 为拿不准的原因，evidence 为所见）；"
            "不计入结论，由收件人员逐一确认或排除"
        ),
    )
    files: list[dict[str, Any]] = Field(
        default_factory=list, description="每个文件的读取结果（类型、页数、识别为哪份材料、错误）"
    )
    file_ids: list[int]
    progress: ProgressOut | None = Field(
        default=None, description="进行中：每个文件所处的阶段（读取、识别、核对）与已读页数/总页数"
    )
    error: str | None
    requested_by: str
    created_at: AwareDatetime
    started_at: AwareDatetime | None
    finished_at: AwareDatetime | None

    @classmethod
    def of(cls, run: Run, masker: CaseMasker | None = None) -> RunOut:
        decision = run.decision or {}
        findings = list(decision.get("findings", []))
        uncertain = list(decision.get("uncertain", []))
        files = list(run.files or [])
        error = run.error
        if masker is not None and masker.masked:  # OCR'd text, file names, persons' set labels
            findings = masker.value("findings", findings)
            uncertain = masker.value("uncertain", uncertain)
            files = masker.value("files", files)
            error = masker.text(error) if error else error
        verdict = run.verdict
        return cls(
            number=run.number,
            status=run.status,
            review_date=run.review_date,
            rule_hash=run.rule_hash,
            verdict=verdict,
            verdict_label=VERDICT_LABELS[Verdict(verdict)] if verdict else None,
            tolerance_deadline=decision.get("tolerance_deadline"),
            findings=findings,
            uncertain=uncertain,
            files=files,
            file_ids=list(run.file_ids or []),
            progress=ProgressOut.of(run.progress, masker) if run.progress else None,
            error=error,
            requested_by=run.requested_by,
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
        )


class AnswerOut(BaseModel):
    """The scored form of a finished run (cases README: expected.json)."""

    case_id: str
    verdict: str
    findings: list[dict[str, str]]
    uncertain: list[dict[str, Any]] = Field(
        default_factory=list,
        description="请核对的点：material 或 condition、code、reason、messages、evidence",
    )
    tolerance_deadline: date | None


class CaseOut(BaseModel):
    id: str
    number: str | None = Field(
        description="案件编号（如 安和综窗〔2026〕第000123号）：给人看、给人说的号；id 是接口里的键"
    )
    item: str
    department: str
    channel: str
    status: str
    applicant_name: str
    declared: dict[str, Any]
    review_date: date | None
    created_at: AwareDatetime
    expires_at: AwareDatetime | None
    taken_from: str | None = Field(default=None, description="由预检码转入：原自助预检的案件号")
    files: list[FileOut] = Field(default_factory=list)
    runs: list[RunOut] = Field(default_factory=list)
    decisions: list[DecisionOut] = Field(default_factory=list)
    suggestion: SuggestionOut | None = Field(
        default=None, description="最近一次完成的预审，按核对结果计算的建议"
    )
    settlements: list[SettlementOut] = Field(default_factory=list, description="最近一次完成的预审的核对结果")
    token: str | None = Field(
        default=None, description="申请人案件令牌：只在创建时返回一次，之后以 X-Case-Token 头携带"
    )

    @classmethod
    def of(
        cls,
        case: Case,
        *,
        masker: CaseMasker,
        files: list[CaseFile] | None = None,
        runs: list[Run] | None = None,
        decisions: list[ClerkDecision] | None = None,
        suggestion: Suggestion | None = None,
        settlements: list[Settlement] | None = None,
        token: str | None = None,
    ) -> CaseOut:
        return cls(
            id=case.id,
            number=case.number,
            item=case.item,
            department=case.department,
            channel=case.channel,
            status=case.status,
            applicant_name=masker.applicant(case.applicant_name),
            declared=masker.facts(case.declared),
            review_date=case.review_date,
            created_at=case.created_at,
            expires_at=case.expires_at,
            taken_from=case.taken_from,
            files=[FileOut.of(f, masker) for f in files or []],
            runs=[RunOut.of(r, masker) for r in runs or []],
            decisions=[DecisionOut.of(d, masker) for d in decisions or []],
            suggestion=SuggestionOut.of(suggestion) if suggestion is not None else None,
            settlements=[SettlementOut.of(r, run=suggestion.run, masker=masker) for r in settlements or []]
            if suggestion is not None
            else [],
            token=token,
        )


class CaseSummary(BaseModel):
    id: str
    number: str | None = Field(description="案件编号")
    item: str
    channel: str
    status: str
    applicant_name: str
    created_at: AwareDatetime


class HandoverOut(BaseModel):
    code: str = Field(description="预检码（XXXX-XXXX，不含易混淆的字符）")
    expires_at: AwareDatetime | None = Field(description="有效至（自助预检的保存期限）")
    qr: str = Field(description="预检码的二维码（SVG，data: URI）")


class HandoverIn(BaseModel):
    code: str = Field(min_length=4, max_length=40, description="预检码（大小写、空格和连字符不论）")


class TakenOverOut(BaseModel):
    case_id: str
    item: str
    applicant_name: str
