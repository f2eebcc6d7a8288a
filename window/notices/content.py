"""What a notice says (standards README §10), as a pure value: the facts, lists and dates of each kind of
notice. How they are worded and laid out is the templates' business (``templates/``), the same for the
HTML and the PDF.

A kind of notice is a ``NoticeKind`` in ``KINDS`` (title, the mark in its number, its body template);
adding one is an entry there, a body template under ``templates/kinds/`` and the builder that fills
the fields it uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rules.calendar import add_working_days
from rules.codes import CODE_LABELS, Code, Verdict
from rules.expr import FactRef, refs
from rules.spec import Condition, FactCatalog, Item, Material
from rules.verdict import Decision, Finding
from window.hall import Hall
from window.workdays import Counted

__all__ = [
    "EXTENSION",
    "KINDS",
    "ConditionRow",
    "DefectRow",
    "Notice",
    "NoticeKind",
    "SampleLink",
    "basis_of",
    "build_notice",
    "declared_for",
    "department_of",
    "legal_citations",
]


EXTENSION = "EXTENSION"  # the case clock's one extension (not a verdict)


class NoticeKind(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str  # ACCEPT, CORRECTION, … (the API's ``kind``)
    title: str
    mark: str  # in the notice number: 安和综窗〔2026〕补字第000012号
    template: str  # the body, under templates/kinds/


KINDS: dict[str, NoticeKind] = {
    k.code: k
    for k in (
        NoticeKind(code=Verdict.ACCEPT.value, title="受理通知书", mark="受", template="accept.html"),
        NoticeKind(
            code=Verdict.CORRECTION.value, title="补正材料一次性告知书", mark="补", template="correction.html"
        ),
        NoticeKind(
            code=Verdict.TOLERANCE.value, title="容缺受理通知书", mark="容", template="tolerance.html"
        ),
        NoticeKind(code=Verdict.REJECT.value, title="不予受理决定书", mark="不受", template="reject.html"),
        NoticeKind(code=EXTENSION, title="延长办理期限告知书", mark="延", template="extension.html"),
    )
}

# 补正要求 per finding code: what the applicant must do about it
REQUIREMENTS = {
    Code.MISSING: "请提交该材料",
    Code.UNREADABLE: "请重新扫描或拍摄清晰、完整的文件后提交",
    Code.WRONG_DOCUMENT: "请提交本材料（见材料说明）",
    Code.EXPIRED: "请提交在有效期内的材料",
    Code.STALE: "请提交在规定时间范围内出具的材料",
    Code.INVALID_ID: "请核对并更正公民身份号码",
    Code.INVALID_USCC: "请核对并更正统一社会信用代码",
    Code.NAME_MISMATCH: "请核对名称（姓名），使材料与申报信息一致",
    Code.ID_MISMATCH: "请核对号码，使材料与申报信息一致",
    Code.FIELD_EMPTY: "请填写完整后提交",
    Code.NOT_SIGNED: "请由相关人员签字后提交",
    Code.NOT_SEALED: "请加盖印章后提交",
    Code.PAGES_MISSING: "请补齐缺少的面、页或部分",
    Code.NOT_ELIGIBLE: "",
}
# a law's article as the standards cite it: 《危险化学品经营许可证管理办法》第七条, …第十一条第二款第三项
_CITATION = re.compile(r"《[^《》]+》第[一二三四五六七八九十百零〇]+条(?:第[一二三四五六七八九十]+[款项])*")
_RULE = re.compile(
    r"materials\[(M\d+)\](?:\.checks\[(\d+)\]|\.when)?|conditions\[(C\d+)\]|required_facts\[(\w+)\]"
)


class DefectRow(BaseModel):
    material: str  # "M3 负责人身份证明"
    problem: str  # 问题中文名称
    detail: str  # 具体说明
    requirement: str  # 补正要求
    basis: str = ""  # 依据: the law where the standard cites one, else the standard's clause in words
    tolerable: bool = False


class ConditionRow(BaseModel):
    condition: str  # "C3 拟投入车辆中至少有 1 辆总质量超过 4500 千克的货车"
    reason: str
    legal_basis: str
    refer_to: str = ""
    declared: str = ""  # what the applicant declared that the condition judged: 注册资本 8 万元


class SampleLink(BaseModel):
    """The public sample page of a material to be corrected: a short link, printed with its QR code."""

    material: str  # "M3 负责人身份证明"
    url: str


class Notice(BaseModel):
    """Everything a notice states; ``kind`` is a key of ``KINDS``. Fields a kind does not use stay empty."""

    kind: str
    title: str
    template: str
    number: str  # empty on a draft: a self-check copy or a notice before the clerk's decision
    draft: bool = False
    hall: Hall
    authority: str  # 实施部门, whose seal the window applies by delegation
    window: str  # 受理窗口 as the item's standard names it
    item_code: str
    item_name: str
    applicant: str
    case_number: str  # what people read; the id stays in the API
    issued_on: date
    rule_hash: str
    # 受理
    promise: str = ""  # 承诺时限 as the standard words it
    promise_days: int = 0
    promise_date: date | None = None
    provisional_note: str = ""  # why the 承诺办结日 is provisional (a year without the holiday schedule)
    result: str = ""  # 办理结果
    # 补正
    defects: list[DefectRow] = Field(default_factory=list)
    setting_basis: str = ""  # 设定依据 of the item
    # 容缺
    missing: list[DefectRow] = Field(default_factory=list)  # the tolerable materials still missing
    deadline: date | None = None
    tolerance_days: int | None = None
    # 不予受理
    conditions: list[ConditionRow] = Field(default_factory=list)
    refer_to: str = ""  # the competent authority, when another one is
    reason: str = ""  # the clerk's words (an override's reason)
    # 延期 (the clock's one extension; promise_date is the new date)
    accepted_on: date | None = None
    before_date: date | None = None  # the 承诺办结日 before the extension
    extension_days: int = 0
    paused_days: int = 0
    # 补正 / 容缺: what a correct material looks like (set by ``service.compose`` when samples are published)
    samples: list[SampleLink] = Field(default_factory=list)

    @property
    def tolerable_listed(self) -> bool:
        return any(d.tolerable for d in self.defects)


def legal_citations(text: str) -> list[str]:
    """The articles of law ``text`` cites (《…》第…条…), in order, each once."""
    return list(dict.fromkeys(_CITATION.findall(text)))


def department_of(item: Item) -> str:
    """The department whose seal the window applies: the item's 实施部门 without its notes."""
    return re.split(r"[（(；;]", item.basic.department, maxsplit=1)[0].strip() or item.department


def _material(item: Item, material_id: str | None) -> Material | None:
    try:
        return item.material(material_id) if material_id else None
    except KeyError:
        return None


def basis_of(item: Item, finding: Finding) -> str:
    """依据 in words: the law the standard cites for this point, else where the standard says it
    (收件标准 三、申请材料 M2 第 4 项审查要点). The point's own wording is in the finding's message."""
    m = _RULE.fullmatch(finding.rule or "")
    if m is None:
        return ""
    material_id, check, condition, fact = m.groups()
    if condition:
        cond = item.condition(condition)
        return cond.legal_basis or f"收件标准 二、受理条件 {cond.id}"
    if fact:
        return f"收件标准 申报事实「{finding.field}」" if finding.field else "收件标准 申报事实"
    material = _material(item, material_id)
    if material is None:
        return ""
    if check is None:
        cited = legal_citations(material.necessity_note)
        return "；".join(cited) or f"收件标准 三、申请材料 {material.id}"
    index = int(check)
    note = material.checks[index].note if 0 <= index < len(material.checks) else ""
    cited = legal_citations(note)
    if cited:
        return "；".join(cited)
    return f"收件标准 三、申请材料 {material.id} 第 {index + 1} 项审查要点"


def _row(item: Item, finding: Finding) -> DefectRow:
    material = _material(item, finding.material)
    name = f"{material.id} {material.name}" if material else (finding.condition or "")
    if finding.set_label:
        name += f"（{finding.set_label}）"
    message = finding.message or CODE_LABELS[finding.code]
    detail = message.split("——", 1)[1] if "——" in message else message  # the head repeats the material
    tolerable = finding.tolerable and finding.code is Code.MISSING
    if tolerable and material is not None and material.tolerance_days and "可容缺" not in detail:
        detail += f"（可容缺，补交期限 {material.tolerance_days} 个工作日）"
    return DefectRow(
        material=name,
        problem=CODE_LABELS[finding.code],
        detail=detail,
        requirement=REQUIREMENTS[finding.code],
        basis=basis_of(item, finding),
        tolerable=tolerable,
    )


def declared_for(cond: Condition, declared: Mapping[str, Any], catalog: FactCatalog) -> str:
    """The declared facts a condition judged, in words with their units (a derived fact by the facts it
    is made from): 注册资本 8 万元；住所所在区域 本市所辖县、县级市."""
    names: list[str] = []
    for ref in refs(cond.require):
        if isinstance(ref, FactRef):
            name = ref.name.split("__", 1)[0]
            spec = catalog.get(name)
            names += list(spec.from_facts) if spec is not None and spec.from_facts else [name]
    shown = []
    for name in dict.fromkeys(names):
        spec = catalog.get(name)
        value = declared.get(name)
        if spec is None or value is None or isinstance(value, list | dict):
            continue
        shown.append(f"{spec.subject} {spec.with_unit(value)}")
    return "；".join(shown)


def _conditions(
    item: Item, decision: Decision, declared: Mapping[str, Any], catalog: FactCatalog | None
) -> list[ConditionRow]:
    rows = []
    for f in decision.findings:
        if f.code is not Code.NOT_ELIGIBLE or not f.condition:
            continue
        cond = item.condition(f.condition)
        rows.append(
            ConditionRow(
                condition=f"{cond.id} {cond.text}",
                reason=cond.on_fail or f.message,
                legal_basis=cond.legal_basis,
                refer_to=cond.refer_to,
                declared=declared_for(cond, declared, catalog) if catalog is not None else "",
            )
        )
    return rows


def build_notice(
    *,
    kind: str,
    item: Item,
    decision: Decision,
    hall: Hall,
    applicant: str,
    case_number: str,
    number: str = "",
    draft: bool = False,
    reason: str = "",
    refer_to: str = "",
    declared: Mapping[str, Any] | None = None,
    catalog: FactCatalog | None = None,
    due: Counted | None = None,
) -> Notice:
    """The notice of ``kind`` for a decision; ``reason``/``refer_to`` are the clerk's (an override);
    ``number`` the notice's own (none on a draft); with ``declared`` and the fact ``catalog`` an unmet
    condition also says what was declared; ``due`` the case clock's 承诺办结日 where it has started."""
    spec = KINDS[kind]
    issued = decision.review_date
    notice = Notice(
        kind=spec.code,
        title=spec.title,
        template=spec.template,
        number="" if draft else number,
        draft=draft,
        hall=hall,
        authority=department_of(item),
        window=item.basic.window,
        item_code=item.code,
        item_name=item.name,
        applicant=applicant or "申请人",
        case_number=case_number,
        issued_on=issued,
        rule_hash=decision.rule_hash,
        reason=reason.strip(),
    )
    if spec.code == Verdict.ACCEPT:
        days = item.basic.promise_days
        notice.promise, notice.promise_days, notice.result = item.basic.promise, days, item.basic.result
        notice.promise_date = due.day if due else add_working_days(issued, days) if days > 0 else issued
        notice.provisional_note = due.note if due and due.provisional else ""
    elif spec.code == Verdict.CORRECTION:
        notice.defects = [_row(item, f) for f in decision.findings if f.code is not Code.NOT_ELIGIBLE]
        notice.setting_basis = item.basic.basis
    elif spec.code == Verdict.TOLERANCE:
        notice.deadline, notice.tolerance_days = decision.tolerance_deadline, decision.tolerance_days
        notice.missing = [_row(item, f) for f in decision.findings if f.code is Code.MISSING and f.tolerable]
    elif spec.code == Verdict.REJECT:
        notice.conditions = _conditions(item, decision, declared or {}, catalog)
        notice.refer_to = refer_to.strip() or next((c.refer_to for c in notice.conditions if c.refer_to), "")
    return notice
