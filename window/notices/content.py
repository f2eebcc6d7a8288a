"""What a notice says (standards README §10), as a pure value both the HTML and the PDF print."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field

from rules.calendar import add_working_days
from rules.codes import CODE_LABELS, Code, Verdict
from rules.spec import Item
from rules.verdict import Decision, Finding
from window.workdays import Counted

TITLES = {
    Verdict.ACCEPT: "受理通知书",
    Verdict.CORRECTION: "补正材料一次性告知书",
    Verdict.TOLERANCE: "容缺受理通知书",
    Verdict.REJECT: "不予受理决定书",
}
CODES = {Verdict.ACCEPT: "受", Verdict.CORRECTION: "补", Verdict.TOLERANCE: "容", Verdict.REJECT: "不受"}

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
CORRECTION_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第四项"
REMEDY = (
    "申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)
DELIVERY = "办理结果由安和市政务服务中心综合窗口统一出件：可选择窗口领取、邮寄送达或自助柜领取。"
RESUBMIT = (
    "请按本告知书一次性补正全部材料后，通过本省政务服务网或到安和市政务服务中心综合窗口重新提交；"
    "重新提交的，以重新预审之日为审查日。"
)


class DefectRow(BaseModel):
    material: str  # "M3 负责人身份证明"
    problem: str  # 问题中文名称
    detail: str  # 具体说明
    requirement: str  # 补正要求
    basis: str = ""  # the rule and its wording
    tolerable: bool = False


class ConditionRow(BaseModel):
    condition: str  # "C3 拟投入车辆中至少有 1 辆总质量超过 4500 千克的货车"
    reason: str
    legal_basis: str
    refer_to: str = ""


class Notice(BaseModel):
    kind: Verdict
    title: str
    number: str
    authority: str  # 实施部门
    window: str
    item_code: str
    item_name: str
    applicant: str
    case_id: str
    issued_on: date
    rule_hash: str
    draft: bool = False  # an applicant's self-check: not an official document
    opening: str = ""
    paragraphs: list[str] = Field(default_factory=list)
    defects: list[DefectRow] = Field(default_factory=list)
    conditions: list[ConditionRow] = Field(default_factory=list)
    missing: list[DefectRow] = Field(default_factory=list)  # 容缺: the tolerable materials still missing
    deadline: date | None = None
    promise_date: date | None = None
    commitment: str = ""
    refer_to: str = ""
    remedy: str = ""
    seal_note: str = ""


def _department(item: Item) -> str:
    return re.split(r"[（(；;]", item.basic.department, maxsplit=1)[0].strip() or item.department


def _check_note(item: Item, finding: Finding) -> str:
    m = re.match(r"materials\[(M\d+)\]\.checks\[(\d+)\]", finding.rule or "")
    if not m:
        return ""
    try:
        checks = item.material(m.group(1)).checks
    except KeyError:
        return ""
    index = int(m.group(2))
    return checks[index].note if 0 <= index < len(checks) else ""


def _row(item: Item, finding: Finding) -> DefectRow:
    material = item.material(finding.material) if finding.material else None
    name = f"{material.id} {material.name}" if material else (finding.condition or "")
    if finding.set_label:
        name += f"（{finding.set_label}）"
    note = _check_note(item, finding)
    basis = f"收件标准 {item.code} {finding.rule}" + (f"：{note}" if note else "") if finding.rule else note
    message = finding.message or CODE_LABELS[finding.code]
    detail = message.split("——", 1)[1] if "——" in message else message  # the head repeats the material
    if material is not None and material.tolerance_days and finding.code is Code.MISSING:
        detail += f"（可容缺，补交期限 {material.tolerance_days} 个工作日）" if "可容缺" not in detail else ""
    return DefectRow(
        material=name,
        problem=CODE_LABELS[finding.code],
        detail=detail,
        requirement=REQUIREMENTS[finding.code],
        basis=basis,
        tolerable=finding.tolerable and finding.code is Code.MISSING,
    )


def build_notice(
    *,
    kind: Verdict,
    item: Item,
    decision: Decision,
    applicant: str,
    case_id: str,
    draft: bool = False,
    reason: str = "",
    refer_to: str = "",
    due: Counted | None = None,
) -> Notice:
    """The notice of ``kind`` for a decision; ``reason``/``refer_to`` are the clerk's (an override);
    ``due`` the case clock's 承诺办结日 where it has started."""
    issued = decision.review_date
    authority = _department(item)
    notice = Notice(
        kind=kind,
        title=TITLES[kind],
        number=f"安和政务〔{issued.year}〕{CODES[kind]}字第 {case_id[:8].upper()} 号",
        authority=authority,
        window=item.basic.window,
        item_code=item.code,
        item_name=item.name,
        applicant=applicant or "申请人",
        case_id=case_id,
        issued_on=issued,
        rule_hash=decision.rule_hash,
        draft=draft,
        seal_note=f"{authority}（行政许可专用章，由综合窗口按授权代为加盖）",
    )
    if kind is Verdict.ACCEPT:
        days = item.basic.promise_days
        notice.promise_date = due.day if due else add_working_days(issued, days) if days > 0 else issued
        notice.opening = (
            f"你（单位）于 {issued:%Y年%m月%d日} 提出的{item.name}申请，"
            "申请材料齐全、符合法定形式，本机关决定予以受理。"
        )
        notice.paragraphs = [
            f"受理日：{issued:%Y年%m月%d日}。",
            f"承诺时限：{item.basic.promise}；承诺办结日：{notice.promise_date:%Y年%m月%d日}"
            + (
                "（即办件，当场办结）"
                if notice.promise_date == issued
                else "（按工作日计算，法定节假日不计）"
            )
            + "。",
            f"办理结果：{item.basic.result or '依法作出的许可决定'}。",
            DELIVERY,
        ]
        if due and due.provisional:
            notice.paragraphs.append(f"注：承诺办结日为暂定日期——{due.note}。")
    elif kind is Verdict.CORRECTION:
        notice.opening = (
            f"你（单位）于 {issued:%Y年%m月%d日} 提出的{item.name}申请，"
            "经核对，申请材料不齐全或者不符合法定形式。"
            f"依据{CORRECTION_BASIS}，现一次性告知需要补正的全部内容如下："
        )
        notice.defects = [_row(item, f) for f in decision.findings if f.code is not Code.NOT_ELIGIBLE]
        if reason:
            notice.paragraphs.append(f"收件人员说明：{reason}")
        notice.paragraphs += [
            "标注“可容缺”的材料：其余问题全部补正后，可申请容缺受理，在承诺期限内补交。",
            RESUBMIT,
            f"设定依据：{item.basic.basis}",
        ]
    elif kind is Verdict.TOLERANCE:
        notice.deadline = decision.tolerance_deadline
        notice.missing = [_row(item, f) for f in decision.findings if f.code is Code.MISSING and f.tolerable]
        notice.opening = (
            f"你（单位）于 {issued:%Y年%m月%d日} 提出的{item.name}申请，"
            "除下列可容缺材料外，其余申请材料齐全、"
            "符合法定形式。根据本市容缺受理规定，经你（单位）书面承诺，本机关决定予以容缺受理。"
        )
        deadline = f"{notice.deadline:%Y年%m月%d日}" if notice.deadline else "（见承诺书）"
        notice.paragraphs = [
            f"受理日：{issued:%Y年%m月%d日}；补交截止日：{deadline}"
            f"（受理日之后第 {decision.tolerance_days or '—'} 个工作日，受理日当天不计）。",
            "逾期未补交，或者补交的材料仍不符合要求的，由审批部门按规定终止办理或者依法作出不予许可的决定。",
        ]
        names = "、".join(r.material for r in notice.missing) or "上述材料"
        notice.commitment = (
            f"本人（本单位）{notice.applicant}申请办理{item.name}，现承诺：于 {deadline} 前补交{names}，"
            "并对所补交材料的真实性、合法性负责。逾期未补交或者补交的材料不符合要求的，"
            "自愿承担终止办理或者不予许可的后果。"
        )
    else:
        notice.opening = (
            f"你（单位）于 {issued:%Y年%m月%d日} 提出的{item.name}申请，"
            "经审查，不符合受理条件，本机关决定不予受理。理由如下："
        )
        for f in decision.findings:
            if f.code is not Code.NOT_ELIGIBLE or not f.condition:
                continue
            cond = item.condition(f.condition)
            notice.conditions.append(
                ConditionRow(
                    condition=f"{cond.id} {cond.text}",
                    reason=cond.on_fail or f.message,
                    legal_basis=cond.legal_basis,
                    refer_to=cond.refer_to,
                )
            )
        if reason:
            notice.paragraphs.append(f"理由：{reason}")
        competent = refer_to or next((c.refer_to for c in notice.conditions if c.refer_to), "")
        if competent:
            notice.refer_to = competent
            notice.paragraphs.append(f"本申请事项依法不属于本机关职权范围，请向{competent}提出申请。")
        notice.remedy = REMEDY
    return notice
