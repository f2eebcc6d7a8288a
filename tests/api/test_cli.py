"""``yichuang kb ...`` through the whole command: the item finder knows the items as the service does,
and the shipped passage vectors cover its phrases."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.knowledge import book_items
from core.config import get_settings
from core.db import Database, create_all, make_engine
from kb import cli as kb_cli
from kb import service
from kb.base import KnowledgeBase
from kb.passages import PassageCache, PassageVectors, file_name, passage_key
from rules.book import RuleBook
from tests.kb.conftest import ROOT, FakeEmbedder

runner = CliRunner()


class Counting(FakeEmbedder):
    """Remembers every passage that reached the engine."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts: list[str]) -> object:
        self.passages.extend(texts)
        return super().embed_passages(texts)


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    corpus = tmp_path / "corpus"
    for part in ("faq", "rules"):
        shutil.copytree(ROOT / "corpus" / part, corpus / part)
    for name in ("finder.yaml", "glossary.md"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    monkeypatch.setenv("YICHUANG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YICHUANG_DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    monkeypatch.setenv("YICHUANG_CORPUS_DIR", str(corpus))
    monkeypatch.setattr(kb_cli, "make_embedder", lambda **_kw: FakeEmbedder())
    get_settings.cache_clear()
    yield corpus
    get_settings.cache_clear()


def test_a_start_with_shipped_vectors_never_embeds_the_finders_phrases(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["kb", "export-vectors"])
    assert result.exit_code == 0, result.output
    shipped = corpus / "kb" / file_name(FakeEmbedder.model_id)
    engine = make_engine(f"sqlite:///{tmp_path / 'start.db'}")
    create_all(engine)
    counting = Counting()
    with Database(engine).scope() as session:
        service.seed_faqs(session, faq_dir=corpus / "faq")
        service.seed_glossary(session)
        items = book_items(session, settings=get_settings(), book=RuleBook.load(corpus / "rules"))
        assert any("开饭馆" in c.goals for c in items)  # the hall's navigation data is in the cards
        cache = PassageCache(counting, shipped=shipped, writable=None)
        base = KnowledgeBase.open(session, embedder=cache, index_dir=None, items=items)
        cache.close()
    phrases = [t for _, _, t in base.finder._meant]
    assert phrases and cache.hits >= len(phrases)
    reached = set(counting.passages)
    missing = [p for p in phrases if p in reached or f"我想{p}" in reached]
    assert not missing
    assert all(passage_key(f"我想{g}") in _keys(shipped) for c in items for g in c.goals)


def _keys(path: Path) -> set[bytes]:
    return set(PassageVectors.read(path, model_id=FakeEmbedder.model_id, dim=FakeEmbedder.dim).rows)


def test_batch_search_routes_a_goal_by_the_halls_navigation_data(corpus: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "r", "query": "想开饭馆，要办什么手续", "targets": []}\n', encoding="utf-8")
    result = runner.invoke(app, ["kb", "search", "--batch", str(queries), "--k", "3"])
    assert result.exit_code == 0, result.output
    line = json.loads(next(ln for ln in result.stdout.splitlines() if ln.startswith("{")))
    assert line["hits"][0]["target"] == "YJS-001#basic"
