from datetime import date

import pytest
from sqlmodel import Session

from kb import service
from kb.errors import DuplicateEntry, EntryNotFound, InvalidEntry, NotYourDepartment, StaleVersion
from kb.schemas import SYSTEM, Actor, FaqIn, FaqPatch, FaqStatus, GuideSectionIn, Section
from tests.kb.conftest import FAQ_DIR

WATER = "安和市水利局"
CLERK = Actor(name="王五", department=WATER)
OUTSIDER = Actor(name="赵六", department="安和市交通运输局")
ADMIN = Actor(name="admin", role="admin")


def _new(session: Session, actor: Actor = CLERK, **kw: object) -> str:
    data = FaqIn(
        item="SL-001",
        item_name="取水许可",
        department=WATER,
        question="取水许可证丢了怎么补办？",
        answer="向原审批机关申请补发。",
        **kw,
    )
    return service.create_faq(session, actor=actor, data=data).target


def test_create_assigns_next_number_and_starts_as_draft(session: Session) -> None:
    service.seed_faqs(session, faq_dir=FAQ_DIR)
    target = _new(session)
    assert target == "SL-001#Q12"
    faq = service.get_faq(session, target=target)
    assert faq.status == FaqStatus.DRAFT and faq.version == 1
    assert target not in {d.target for d in service.index_documents(session)}


def test_edit_publish_retire_rollback_are_versioned(session: Session) -> None:
    target = _new(session)
    service.publish_faq(session, actor=CLERK, target=target)
    service.update_faq(
        session, actor=CLERK, target=target, patch=FaqPatch(answer="新答案"), expected_version=2
    )
    service.retire_faq(session, actor=CLERK, target=target)
    assert target not in {d.target for d in service.index_documents(session)}
    faq = service.rollback_faq(session, actor=CLERK, target=target, to_version=2)
    assert faq.status == FaqStatus.PUBLISHED and faq.answer == "向原审批机关申请补发。" and faq.version == 5
    history = service.faq_history(session, target=target)
    assert [v.action for v in history] == ["create", "publish", "edit", "retire", "rollback"]
    assert history[2].snapshot["answer"] == "新答案"


def test_only_own_department_may_change(session: Session) -> None:
    with pytest.raises(NotYourDepartment):
        _new(session, actor=OUTSIDER)
    target = _new(session)
    with pytest.raises(NotYourDepartment):
        service.update_faq(session, actor=OUTSIDER, target=target, patch=FaqPatch(answer="x"))
    service.update_faq(session, actor=ADMIN, target=target, patch=FaqPatch(answer="管理员改的"))


def test_stale_version_and_missing_entries(session: Session) -> None:
    target = _new(session)
    with pytest.raises(StaleVersion):
        service.update_faq(
            session, actor=CLERK, target=target, patch=FaqPatch(answer="x"), expected_version=7
        )
    with pytest.raises(EntryNotFound):
        service.publish_faq(session, actor=CLERK, target="SL-001#Q99")
    with pytest.raises(EntryNotFound):
        service.rollback_faq(session, actor=CLERK, target=target, to_version=9)
    with pytest.raises(DuplicateEntry):
        _new(session, target=target)


def test_validity_dates(session: Session) -> None:
    target = _new(session, valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31))
    with pytest.raises(InvalidEntry):
        service.update_faq(session, actor=CLERK, target=target, patch=FaqPatch(valid_until=date(2024, 1, 1)))
    faq = service.update_faq(session, actor=CLERK, target=target, patch=FaqPatch(clear_validity=True))
    assert faq.valid_from is None and faq.valid_until is None


def test_seed_is_idempotent(session: Session) -> None:
    first = service.seed_faqs(session, faq_dir=FAQ_DIR)
    assert first >= 70
    assert service.seed_faqs(session, faq_dir=FAQ_DIR) == 0
    assert len(service.list_faqs(session, item="SL-001", status=FaqStatus.PUBLISHED)) == 11


def _section(section: Section, text: str) -> GuideSectionIn:
    return GuideSectionIn(
        target=f"SL-001#{section.value}",
        item="SL-001",
        section=section,
        title=f"取水许可 {section.value}",
        text=text,
    )


def test_sync_guide_follows_the_rule_file(session: Session) -> None:
    r = service.sync_guide(
        session,
        item="SL-001",
        department=WATER,
        sections=[_section(Section.BASIC, "承诺件"), _section(Section.MATERIALS, "M1 申请书")],
    )
    assert sorted(r.added) == ["SL-001#basic", "SL-001#materials"]
    seq = service.last_change(session)
    r = service.sync_guide(
        session,
        item="SL-001",
        department=WATER,
        sections=[_section(Section.BASIC, "承诺件"), _section(Section.CONDITIONS, "C1")],
    )
    assert (r.added, r.updated, r.removed) == (["SL-001#conditions"], [], ["SL-001#materials"])
    changed = {target for _, target in service.changes_since(session, seq=seq)}
    assert changed == {"SL-001#conditions", "SL-001#materials"}
    r = service.sync_guide(
        session,
        item="SL-001",
        department=WATER,
        sections=[_section(Section.BASIC, "即办件"), _section(Section.CONDITIONS, "C1")],
    )
    assert r.updated == ["SL-001#basic"]
    docs = {d.target: d for d in service.index_documents(session, targets=["SL-001#basic"])}
    assert docs["SL-001#basic"].body == "即办件" and docs["SL-001#basic"].kind == "guide"


def test_guide_section_target_must_match() -> None:
    with pytest.raises(ValueError):
        GuideSectionIn(target="SL-001#basic", item="SL-001", section=Section.REJECT, title="t", text="x")


def test_system_and_admin_may_edit_any_department_staff_only_their_own(session: Session) -> None:
    for actor in (SYSTEM, ADMIN):
        assert service.ensure_can_edit(actor, "任何部门") is None
    assert service.ensure_can_edit(CLERK, WATER) is None
    with pytest.raises(NotYourDepartment, match="不能修改"):
        service.ensure_can_edit(OUTSIDER, WATER)
