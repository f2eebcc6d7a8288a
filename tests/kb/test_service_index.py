"""What the search index reads: published entries as documents, and the change feed."""

from sqlmodel import Session

from kb import service, service_index
from kb.schemas import Actor, FaqIn
from tests.kb.conftest import FAQ_DIR

WATER = "安和市水利局"


def test_documents_are_the_published_entries_and_follow_the_change_feed(session: Session) -> None:
    service.seed_faqs(session, faq_dir=FAQ_DIR)
    seq = service_index.last_change(session)
    draft = service.create_faq(
        session,
        actor=Actor(name="王五", department=WATER),
        data=FaqIn(
            item="SL-001", item_name="取水许可", department=WATER, question="井证丢了？", answer="补发。"
        ),
    ).target
    docs = {d.target: d for d in service_index.index_documents(session)}
    assert "SL-001#Q11" in docs and docs["SL-001#Q11"].kind == "faq" and draft not in docs
    only = service_index.index_documents(session, targets=["SL-001#Q11", draft])
    assert [d.target for d in only] == ["SL-001#Q11"]
    changed = service_index.changes_since(session, seq=seq)
    assert draft in {target for _, target in changed} and all(n > seq for n, _ in changed)
    assert [n for n, _ in changed] == sorted(n for n, _ in changed)
    assert service_index.changes_since(session, seq=changed[-1][0]) == []
