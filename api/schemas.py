"""Request and response bodies (pure pydantic values). Every timestamp sent is aware (UTC, with its
offset): the pages show it in the reader's local time as it is, without guessing a zone."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from api.models import Role
from prereview.progress import FileProgress, RunProgress, Stage
from rules.codes import VERDICT_LABELS, Verdict
from window import Action, Case, CaseFile, CaseMasker, ClerkDecision, Point, Run, Settlement, Suggestion
from window.decisions import Listed, Plan
from window.notices import Notice


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    department: str | None = None


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Role
    department: str | None = Field(default=None, max_length=100)
    display_name: str = Field(default="", max_length=80)


class UserPatch(BaseModel):
    active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    display_name: str | None = Field(default=None, max_length=80)


class PasswordIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    department: str | None
    active: bool
    created_at: AwareDatetime
    locked_until: AwareDatetime | None = Field(
        default=None, description="登录失败过多，须等到此时（管理员可解锁）"
    )


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


class VersionIn(BaseModel):
    yaml_text: str = Field(min_length=1, max_length=1_000_000, description="规则文件全文（YAML）")
    scenarios_yaml: str | None = Field(
        default=None, max_length=1_000_000, description="本版本的场景文件；不填则用语料中的场景"
    )
    label: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=500)
    based_on: int | None = Field(default=None, ge=1, le=2_147_483_647)


class VersionPatch(BaseModel):
    yaml_text: str | None = Field(default=None, min_length=1, max_length=1_000_000)
    scenarios_yaml: str | None = Field(default=None, max_length=1_000_000)
    note: str | None = Field(default=None, max_length=500)


class AcceptIn(BaseModel):
    """Accept what the draft now decides for one scenario as its new expectation."""

    name: str = Field(min_length=1, max_length=300, description="场景名称")
    reason: str = Field(min_length=2, max_length=500, description="为什么接受（记入场景文件和审计日志）")


class CheckIn(BaseModel):
    """Text to check as it stands in the editor, without saving it (default: the version's own)."""

    yaml_text: str | None = Field(default=None, min_length=1, max_length=1_000_000)
    scenarios_yaml: str | None = Field(default=None, max_length=1_000_000)


class VersionOut(BaseModel):
    id: int
    item_code: str
    department: str
    number: int
    label: str
    status: str
    rule_hash: str
    based_on: int | None
    effective_from: date | None
    note: str
    created_by: str
    created_at: AwareDatetime
    published_by: str | None
    published_at: AwareDatetime | None
    yaml_text: str | None = None
    scenarios_yaml: str | None = None


class PublishIn(BaseModel):
    effective_from: date | None = Field(default=None, description="生效日期；不填为今天")


class RollbackIn(BaseModel):
    to_version: int = Field(ge=1, le=2_147_483_647, description="回滚到的版本 id")
    effective_from: date | None = None


class ScenarioOut(BaseModel):
    name: str
    passed: bool
    problems: list[str]
    findings: list[str]


class ScenariosOut(BaseModel):
    passed: int
    failed: int
    outcomes: list[ScenarioOut]


class AuditOut(BaseModel):
    id: int
    at: AwareDatetime
    actor: str
    role: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    digest: str | None = Field(default=None, description="屏蔽前内容的 sha256，用于核对原文")
