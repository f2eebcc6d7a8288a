"""The 延长办理期限告知书 (将乐 四(三)): a case that cannot finish in its 承诺时限 is extended once, and the
applicant is told in writing why and until when. A notice kind like the others (``content.EXTENSION``):
the same layout, template machinery, numbering and PDF."""

from __future__ import annotations

from rules.spec import Item
from window.errors import StateConflict
from window.hall import Hall
from window.models import Case, CaseClock
from window.notices.content import EXTENSION, KINDS, Notice, department_of
from window.workdays import WorkCalendar

__all__ = ["build_extension_notice"]


def build_extension_notice(
    *,
    case: Case,
    clock: CaseClock,
    item: Item,
    calendar: WorkCalendar,
    hall: Hall,
    number: str,
    rule_hash: str = "",
) -> Notice:
    """The notice of the clock's extension; ``number`` its own (from the notice counter); ``rule_hash``: the
    rule version the case was accepted under."""
    if not clock.extension_days or clock.extended_on is None:
        raise StateConflict("本案没有延期，不能出具延期告知书")
    spec = KINDS[EXTENSION]
    return Notice(
        kind=spec.code,
        title=spec.title,
        template=spec.template,
        number=number,
        hall=hall,
        authority=department_of(item),
        window=item.basic.window,
        item_code=item.code,
        item_name=item.name,
        applicant=case.applicant_name or "申请人",
        case_number=case.number or case.id[:8],
        issued_on=clock.extended_on,
        rule_hash=rule_hash,
        reason=clock.extension_reason,
        promise_date=clock.due_on,
        provisional_note=clock.provisional_note if clock.provisional else "",
        accepted_on=clock.accepted_on,
        before_date=calendar.add(clock.accepted_on, clock.promise_days + clock.paused_days).day,
        extension_days=clock.extension_days,
        paused_days=clock.paused_days,
    )
