"""Drafts are drafts: a live entry's edit is kept apart until published; publishing runs the entry's
questions against the knowledge base as it would be after publishing and refuses when they miss."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from kb import drafts, service, terms
from kb.base import KnowledgeBase
from kb.errors import HitTestFailed, NotYourDepartment
from kb.models import EntryDraft, FaqVersion
from kb.schemas import Actor, FaqIn, FaqPatch, TermPatch
from tests.kb.conftest import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
HALL = "安和市政务服务中心"
JT = "安和市交通运输局"
STAFF = Actor(name="李四", department=JT)
HALL_STAFF = Actor(name="王五", department=HALL)


@pytest.fixture
def base(seeded: Session) -> KnowledgeBase:
    terms.seed_terms(seeded, path=ROOT / "corpus" / "glossary.md", department=HALL)
    seeded.flush()
    kb = KnowledgeBase.open(seeded, embedder=FakeEmbedder(), index_dir=None)
    kb.catch_up_interval = 0.0
    return kb


def _new_faq(session: Session) -> str:
    data = FaqIn(
        item="JT-001",
        department=JT,
        question="道路运输证遗失了怎么补办",
        answer="携带营业执照和经办人身份证到交通运输专窗申请补发，当场办结。",
        alternatives=["运输证丢了怎么办"],
    )
    return service.create_faq(session, actor=STAFF, data=data).target


def _top(kb: KnowledgeBase, session: Session, query: str) -> str:
    return kb.search(session, query=query, log_unanswered=False).hits[0].target


def test_a_new_faq_is_published_only_after_its_questions_find_it(
    base: KnowledgeBase, seeded: Session
) -> None:
    target = _new_faq(seeded)
    report = drafts.check_faq(base, seeded, target=target)
    assert [c.source for c in report.checks] == ["question", "alternative"]
    assert report.ok, report
    assert _top(base, seeded, "道路运输证遗失了怎么补办") != target  # still a draft: not searchable
    faq, _ = drafts.publish_faq(base, seeded, actor=STAFF, target=target)
    assert faq.status == "published"
    seeded.flush()
    assert _top(base, seeded, "道路运输证遗失了怎么补办") == target
    note = seeded.exec(
        select(FaqVersion.note).where(FaqVersion.faq_id == faq.id, FaqVersion.version == faq.version)
    )
    assert "命中测试通过" in note.one()


def test_an_edit_of_a_live_faq_is_a_draft_until_published(base: KnowledgeBase, seeded: Session) -> None:
    target = _new_faq(seeded)
    drafts.publish_faq(base, seeded, actor=STAFF, target=target)
    seeded.flush()
    view = drafts.save_faq_draft(
        seeded, actor=STAFF, target=target, patch=FaqPatch(answer="改为网上申请补发，三个工作日内寄出。")
    )
    seeded.flush()
    assert view.pending and view.fields["answer"].startswith("改为网上")
    live = service.get_faq(seeded, target=target)
    assert live.answer.startswith("携带营业执照") and live.status == "published"
    hit = base.search(seeded, query="道路运输证遗失了怎么补办", log_unanswered=False).hits[0]
    assert hit.target == target and hit.answer.startswith("携带营业执照")  # the live version serves
    drafts.publish_faq(base, seeded, actor=STAFF, target=target)
    seeded.flush()
    hit = base.search(seeded, query="道路运输证遗失了怎么补办", log_unanswered=False).hits[0]
    assert hit.answer.startswith("改为网上")
    assert seeded.exec(select(EntryDraft).where(EntryDraft.target == target)).first() is None


def test_a_failing_hit_test_refuses_publishing_and_says_which_entry_won(
    base: KnowledgeBase, seeded: Session
) -> None:
    target = _new_faq(seeded)
    won_by = service.list_faqs(seeded, item="JT-001")[0]
    with pytest.raises(HitTestFailed) as refused:
        drafts.publish_faq(base, seeded, actor=STAFF, target=target, extra=[won_by.question])
    assert "命中测试未通过" in refused.value.message
    failed = [c for c in refused.value.detail["checks"] if not c["ok"]]
    assert [c["query"] for c in failed] == [won_by.question]
    assert failed[0]["winner"] == won_by.target and failed[0]["source"] == "extra"
    assert service.get_faq(seeded, target=target).status == "draft"
    # the index is back as it was: the draft is not searchable, the live entry is
    assert _top(base, seeded, won_by.question) == won_by.target
    assert base.index.entry(target) is None


def test_only_the_owning_department_saves_or_publishes(base: KnowledgeBase, seeded: Session) -> None:
    target = _new_faq(seeded)
    other = Actor(name="赵六", department="安和市市场监督管理局")
    with pytest.raises(NotYourDepartment):
        drafts.save_faq_draft(seeded, actor=other, target=target, patch=FaqPatch(answer="别的部门的回答"))
    with pytest.raises(NotYourDepartment):
        drafts.publish_faq(base, seeded, actor=other, target=target)


def test_a_term_edit_is_a_draft_hit_tested_then_published(base: KnowledgeBase, seeded: Session) -> None:
    target = "term:容缺受理"
    before = terms.get_term(seeded, target=target).definition
    with pytest.raises(NotYourDepartment):
        drafts.save_term_draft(seeded, actor=STAFF, target=target, patch=TermPatch(basis="x"))
    view = drafts.save_term_draft(
        seeded, actor=HALL_STAFF, target=target, patch=TermPatch(aliases=["容缺办理", "先受理后补交"])
    )
    assert view.pending and terms.get_term(seeded, target=target).definition == before
    report = drafts.check_term(base, seeded, target=target)
    assert [c.query for c in report.checks][:1] == ["容缺受理是什么意思"]
    row, report = drafts.publish_term(base, seeded, actor=HALL_STAFF, target=target)
    assert report.ok and row.aliases == ["容缺办理", "先受理后补交"]
    assert [v.actor for v in terms.term_history(seeded, target=target)][-1] == "王五"
