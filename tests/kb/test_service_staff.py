import pytest
from sqlmodel import Session

from kb import service
from kb.errors import EntryNotFound, InvalidEntry, NotYourDepartment
from kb.schemas import Actor
from kb.service_staff import COHORT_CHANGE, GLOSSARY_CHANGE
from tests.kb.conftest import FAQ_DIR

WATER = Actor(name="王五", department="安和市水利局")
ROADS = Actor(name="赵六", department="安和市交通运输局")


def test_glossary_seed_edit_and_ownership(session: Session) -> None:
    assert service.seed_glossary(session) > 20
    assert service.seed_glossary(session) == 0
    assert service.glossary_terms(session)["执照"] == ["营业执照"]
    seq = service.last_change(session)
    service.upsert_term(session, actor=WATER, term="取水证", expansions=["取水许可证", "取水许可"])
    service.upsert_term(session, actor=WATER, term="井证", expansions=["取水许可证"])
    assert {t for _, t in service.changes_since(session, seq=seq)} == {GLOSSARY_CHANGE}
    with pytest.raises(NotYourDepartment):
        service.upsert_term(session, actor=ROADS, term="井证", expansions=["别的"])
    with pytest.raises(InvalidEntry):
        service.upsert_term(session, actor=WATER, term="空", expansions=[" "])
    service.delete_term(session, actor=WATER, term="井证")
    assert "井证" not in service.glossary_terms(session)


def test_feedback_is_recorded_and_summarised(session: Session) -> None:
    service.seed_faqs(session, faq_dir=FAQ_DIR)
    for helpful in (True, False, False):
        service.record_feedback(
            session, query="自来水要办吗", target="SL-001#Q1", helpful=helpful, actor="desk"
        )
    service.record_feedback(session, query="货车", target="JT-001#Q2", helpful=True)
    summary = service.feedback_summary(session)
    assert (summary[0].target, summary[0].helpful, summary[0].not_helpful) == ("SL-001#Q1", 1, 2)
    assert [s.target for s in service.feedback_summary(session, department="安和市交通运输局")] == [
        "JT-001#Q2"
    ]
    assert len(service.list_feedback(session, target="SL-001#Q1")) == 3
    with pytest.raises(InvalidEntry):
        service.record_feedback(session, query=" ", target="SL-001#Q1", helpful=True)


def test_unanswered_questions_group_and_close(session: Session) -> None:
    service.seed_faqs(session, faq_dir=FAQ_DIR)
    a = service.log_unanswered(session, query="护照在哪换？", best_target="SC-001#Q1", best_confidence=0.1)
    b = service.log_unanswered(session, query="护照 在哪换")
    assert a is not None and b is not None and a.id == b.id and b.count == 2
    assert service.log_unanswered(session, query="？") is None
    assert [u.query for u in service.list_unanswered(session)] == ["护照在哪换？"]
    seq = service.last_change(session)
    assert a.id is not None
    service.mark_unanswered(session, actor=WATER, id=a.id, status="out_of_scope")
    assert {t for _, t in service.changes_since(session, seq=seq)} == {COHORT_CHANGE}
    assert service.out_of_scope_questions(session) == ["护照在哪换？"]
    assert service.list_unanswered(session) == []
    with pytest.raises(EntryNotFound):
        service.mark_unanswered(
            session, actor=WATER, id=a.id, status="answered", resolved_target="SL-001#Q99"
        )
    service.mark_unanswered(session, actor=WATER, id=a.id, status="answered", resolved_target="SL-001#Q1")
    with pytest.raises(InvalidEntry):
        service.mark_unanswered(session, actor=WATER, id=a.id, status="gone")
