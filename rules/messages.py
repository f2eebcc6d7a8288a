"""What a finding says to the applicant, in the words the notices use (README §10)."""

from __future__ import annotations

from rules.codes import CODE_LABELS, Code
from rules.compiled import ActionSpec
from rules.spec import Item
from rules.verdict import Finding


def message_for(finding: Finding, item: Item, action: ActionSpec) -> str:
    label = CODE_LABELS[finding.code]
    if finding.condition:
        cond = item.condition(finding.condition)
        reason = f"：{cond.on_fail}" if cond.on_fail else ""
        return f"不符合受理条件 {cond.id}「{cond.text}」{reason}"
    assert finding.material is not None
    material = item.material(finding.material)
    who = f"（第 {finding.set_index + 1} 份）" if finding.set_index is not None and material.per else ""
    head = f"{material.id} {material.name}{who}"
    detail = {
        Code.MISSING: "未提交",
        Code.UNREADABLE: f"「{finding.field}」无法辨认"
        if finding.field
        else "文件无法辨认（空白、模糊或残缺）",
        Code.WRONG_DOCUMENT: "提交的不是本材料" + (f"，{action.note}" if action.note else ""),
        Code.FIELD_EMPTY: f"「{finding.field}」未填写",
        Code.PAGES_MISSING: f"缺少{finding.field}" if finding.field else "份数不足",
        Code.EXPIRED: f"「{finding.field}」已过期",
        Code.STALE: f"「{finding.field}」不在规定的时间范围内",
        Code.INVALID_ID: f"「{finding.field}」不是有效的公民身份号码",
        Code.INVALID_USCC: f"「{finding.field}」不是有效的统一社会信用代码",
        Code.NAME_MISMATCH: f"「{finding.field}」与申报信息或其他材料不一致",
        Code.ID_MISMATCH: f"「{finding.field}」与申报信息或其他材料不一致",
        Code.NOT_SIGNED: "缺少签字",
        Code.NOT_SEALED: "缺少印章",
        Code.NOT_ELIGIBLE: "",
    }[finding.code]
    note = f"（{action.note}）" if action.note and finding.code not in (Code.WRONG_DOCUMENT,) else ""
    tolerable = (
        "（可容缺，其余问题补正后可申请容缺受理）"
        if finding.tolerable and finding.code is Code.MISSING
        else ""
    )
    return f"{head}：{label}——{detail}{note}{tolerable}"
