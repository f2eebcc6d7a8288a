"""KnowledgeBase lifecycle: build, persist, check against the database, follow changes, reindex."""

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from kb import service, store
from kb.base import KnowledgeBase
from kb.finder import ItemFinder
from kb.intent import INTENTS
from kb.models import KbChange
from kb.schemas import Actor, FaqIn, FaqPatch
from tests.kb.conftest import FakeEmbedder

WATER = Actor(name="王五", department="安和市水利局")


class CountingEmbedder(FakeEmbedder):
    def __init__(self, model_id: str = "fake-hash-256") -> None:
        super().__init__()
        self.model_id = model_id
        self.passages = 0

    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.passages += len(texts)
        return super().embed_passages(texts)


def _open(session: Session, index_dir: Path | None, embedder: FakeEmbedder | None = None) -> KnowledgeBase:
    base = KnowledgeBase.open(session, embedder=embedder or CountingEmbedder(), index_dir=index_dir)
    base.catch_up_interval = 0.0
    return base


def _targets(base: KnowledgeBase, session: Session | None, query: str, **kw: object) -> list[str]:
    return [h.target for h in base.search(session, query=query, log_unanswered=False, **kw).hits]  # type: ignore[arg-type]


def test_new_and_edited_entries_are_searchable_without_rebuild(seeded: Session) -> None:
    base = _open(seeded, None)
    data = FaqIn(
        item="SL-001",
        item_name="取水许可",
        department="安和市水利局",
        question="取水许可证遗失了如何补领？",
        answer="向原审批机关申请补发取水许可证。",
    )
    target = service.create_faq(seeded, actor=WATER, data=data, publish=True).target
    assert _targets(base, seeded, "取水许可证遗失补领")[0] == target
    service.update_faq(
        seeded, actor=WATER, target=target, patch=FaqPatch(question="取水许可证被偷了怎么办？")
    )
    assert base.catch_up(seeded) == 1
    assert base.index.entry(target).title == "取水许可证被偷了怎么办？"  # type: ignore[union-attr]
    service.retire_faq(seeded, actor=WATER, target=target)
    assert target not in _targets(base, seeded, "取水许可证遗失补领")


def test_a_change_committed_after_a_later_one_is_still_applied(seeded: Session) -> None:
    """On PostgreSQL a change's number is handed out when it is written and seen when it commits:
    change n+1 can be seen before change n."""
    base = _open(seeded, None)
    first = service.create_faq(seeded, actor=WATER, data=_water("井证遗失怎么补？"), publish=True).target
    second = service.create_faq(seeded, actor=WATER, data=_water("取水量超了怎么办？"), publish=True).target
    base.catch_up(seeded)
    n = service.last_change(seeded)
    for target, question, seq in (
        (second, "取水量超过许可了怎么办？", n + 2),
        (first, "井证丢了怎么补？", n + 1),
    ):
        faq = service.get_faq(seeded, target=target)
        faq.question = question  # the row as its transaction wrote it, and its change, numbered out of order
        seeded.add(faq)
        seeded.add(KbChange(seq=seq, target=target))
        seeded.flush()
        assert base.catch_up(seeded) == 1
        assert base.index.entry(target).title == question  # type: ignore[union-attr]
    assert base.changes.holes == []


def _water(question: str) -> FaqIn:
    return FaqIn(
        item="SL-001", item_name="取水许可", department=WATER.department, question=question, answer="见指南。"
    )


def test_filters_and_validity(seeded: Session) -> None:
    base = _open(seeded, None)
    assert {t.split("#")[0] for t in _targets(base, seeded, "审批要多长时间", item="SL-001")} == {"SL-001"}
    depts = {
        h.department for h in base.search(seeded, query="审批要多长时间", department="安和市应急管理局").hits
    }
    assert depts == {"安和市应急管理局"}
    data = FaqIn(
        item="SL-001",
        department="安和市水利局",
        question="2030年取水新政策有哪些变化？",
        answer="新政策。",
        valid_from=date(2030, 1, 1),
    )
    target = service.create_faq(seeded, actor=WATER, data=data, publish=True).target
    assert target not in _targets(base, seeded, "2030年取水新政策", today=date(2029, 6, 1))
    assert target in _targets(base, seeded, "2030年取水新政策", today=date(2030, 6, 1))


def test_hits_explain_themselves(seeded: Session) -> None:
    hit = _open(seeded, None).search(seeded, query="取水许可证有效期多久", log_unanswered=False).hits[0]
    assert hit.target == "SL-001#Q11"
    assert hit.why.vector_score is not None and "有效" in hit.why.keyword_terms and hit.why.matched_text


def test_repeated_questions_skip_the_encoder_and_rank_the_same(seeded: Session) -> None:
    embedder = CountingEmbedder()
    base = _open(seeded, None, embedder)
    first = _targets(base, seeded, "取水许可证有效期多久")
    calls = embedder.calls
    assert _targets(base, seeded, "取水许可证有效期多久") == first and embedder.calls == calls
    base.searcher.query_vectors.clear()
    assert _targets(base, seeded, "取水许可证有效期多久") == first and embedder.calls == calls + 1


def test_the_question_is_encoded_beside_the_keyword_search(seeded: Session) -> None:
    class ThreadRecorder(CountingEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.threads: list[str] = []

        def embed_queries(self, texts: list[str]):  # type: ignore[no-untyped-def]
            self.threads.append(threading.current_thread().name)
            return super().embed_queries(texts)

    embedder = ThreadRecorder()
    base = _open(seeded, None, embedder)
    assert _targets(base, seeded, "取水许可证有效期多久")[0] == "SL-001#Q11"
    assert embedder.threads and all(name.startswith("kb-encode") for name in embedder.threads)
    assert _targets(base, seeded, "取水许可证有效期多久", mode="keyword")[0] == "SL-001#Q11"
    assert len(embedder.threads) == 1  # keyword-only searches never wait for the encoder


def test_glossary_and_typos_rewrite_the_query(seeded: Session) -> None:
    base = _open(seeded, None)
    r = base.search(seeded, query="禁彩区能打井吗，取水证怎么办", log_unanswered=False)
    assert r.corrections == {"禁彩区": "禁采区"} and r.expansions == {"取水证": "取水许可证"}
    service.upsert_term(seeded, actor=WATER, term="井证", expansions=["取水许可证"])
    assert base.search(seeded, query="井证", log_unanswered=False).expansions == {"井证": "取水许可证"}


def test_unconfident_questions_are_logged(seeded: Session) -> None:
    base = _open(seeded, None)
    base.searcher.confidence.threshold = 1.01  # nothing is good enough
    r = base.search(seeded, query="护照快过期了在哪换")
    assert not r.confident
    assert [u.query for u in service.list_unanswered(seeded)] == ["护照快过期了在哪换"]


def test_index_is_persisted_and_checked_against_the_database(seeded: Session, tmp_path: Path) -> None:
    first = CountingEmbedder()
    _open(seeded, tmp_path, first)
    built = first.passages
    again = CountingEmbedder()
    data = FaqIn(item="SL-001", department="安和市水利局", question="取水口要装计量设施吗？", answer="要。")
    service.create_faq(seeded, actor=WATER, data=data, publish=True)
    base = _open(seeded, tmp_path, again)
    phrases = CountingEmbedder()
    ItemFinder(base.finder.cards, embedder=phrases)  # the item finder's phrases, embedded at every open
    fixed = len(base.searcher.cohort) + len(INTENTS) + phrases.passages  # all outside the index
    assert again.passages - fixed == 2  # only the new FAQ (question, question+answer), not the corpus
    assert built > 200
    other = CountingEmbedder(model_id="another-model")
    _open(seeded, tmp_path, other)
    assert other.passages >= built  # a different model rebuilds everything
    assert store.read_meta(tmp_path)["model_id"] == "another-model"  # type: ignore[index]


def test_crash_during_reindex_keeps_the_previous_index(
    seeded: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _open(seeded, tmp_path)
    before = store.current_generation(tmp_path)

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "_write_generation", boom)
    with pytest.raises(OSError):
        base.reindex(seeded)
    assert store.current_generation(tmp_path) == before
    assert _targets(base, seeded, "取水许可证有效期多久")[0] == "SL-001#Q11"
    monkeypatch.undo()
    report = base.reindex(seeded)
    assert len(report.added) == len(base.index)
    assert store.current_generation(tmp_path) != before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".tmp", "gen-"))] == [
        store.current_generation(tmp_path).name  # type: ignore[union-attr]
    ]
    reopened = _open(seeded, tmp_path)
    assert _targets(reopened, seeded, "取水许可证有效期多久")[0] == "SL-001#Q11"
