"""The 延长办理期限告知书 (将乐 四(三)): a case that cannot finish in its 承诺时限 is extended once, and the
applicant is told in writing why and until when. Printed by the same HTML template and PDF as the other
notices."""

from __future__ import annotations

from rules.codes import Verdict
from rules.spec import Item
from window.errors import StateConflict
from window.models import Case, CaseClock
from window.notices.content import Notice, _department
from window.workdays import WorkCalendar

__all__ = ["build_extension_notice"]

EXTENSION_BASIS = "《中华人民共和国行政许可法》第四十二条第一款"


def build_extension_notice(
    *, case: Case, clock: CaseClock, item: Item, calendar: WorkCalendar, rule_hash: str = ""
) -> Notice:
    """The notice of the clock's extension; ``rule_hash``: the rule version the case was accepted under."""
    if not clock.extension_days or clock.extended_on is None:
        raise StateConflict("本案没有延期，不能出具延期告知书")
    authority = _department(item)
    before = calendar.add(clock.accepted_on, clock.promise_days + clock.paused_days).day
    notice = Notice(
        kind=Verdict(clock.verdict),
        title="延长办理期限告知书",
        number=f"安和政务〔{clock.extended_on.year}〕延字第 {case.id[:8].upper()} 号",
        authority=authority,
        window=item.basic.window,
        item_code=item.code,
        item_name=item.name,
        applicant=case.applicant_name or "申请人",
        case_id=case.id,
        issued_on=clock.extended_on,
        rule_hash=rule_hash,
        seal_note=f"{authority}（行政许可专用章，由综合窗口按授权代为加盖）",
        promise_date=clock.due_on,
    )
    notice.opening = (
        f"你（单位）于 {clock.accepted_on:%Y年%m月%d日} 提出的{item.name}申请，本机关已于当日受理，"
        f"原承诺办结日为 {before:%Y年%m月%d日}。"
    )
    notice.paragraphs = [
        f"延期理由：{clock.extension_reason}。",
        f"依据{EXTENSION_BASIS}，经本机关负责人批准，办理期限延长 {clock.extension_days} 个工作日，"
        f"新的承诺办结日为 {clock.due_on:%Y年%m月%d日}（按工作日计算，法定节假日不计）。",
        "办理期限只延长一次；办结后将通知你（单位）领取办理结果。",
    ]
    if clock.paused_days:
        notice.paragraphs.insert(
            1, f"此前依规不计入承诺时限的环节共 {clock.paused_days} 个工作日，已顺延计入上述日期。"
        )
    if clock.provisional:
        notice.paragraphs.append(f"注：{clock.provisional_note}。")
    return notice
