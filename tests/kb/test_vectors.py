from pathlib import Path

import numpy as np
import pytest

from kb._vectors import VectorStore


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True))


@pytest.mark.parametrize("hnsw_above", [1_000, 10])
def test_search_finds_itself_respects_tombstones_and_filters(hnsw_above: int) -> None:
    store = VectorStore(16, hnsw_above=hnsw_above)
    x = _unit(40)
    assert list(store.add(x[:20])) == list(range(20))
    store.add(x[20:])
    assert store.kind == ("hnsw" if hnsw_above == 10 else "flat")
    ids, scores = store.search(x[5], k=3)
    assert ids[0] == 5 and scores[0] == pytest.approx(1.0, abs=1e-4)
    store.remove([5])
    assert 5 not in store.search(x[5], k=10)[0]
    allowed = np.zeros(40, bool)
    allowed[[7, 8]] = True
    assert set(store.search(x[5], k=10, allowed=allowed)[0]) == {7, 8}


def test_save_and_load(tmp_path: Path) -> None:
    store = VectorStore(16)
    x = _unit(5)
    store.add(x)
    store.remove([1])
    store.save(tmp_path)
    again = VectorStore.load(tmp_path, dim=16)
    assert again.live_count == 4
    assert list(again.search(x[2], k=1)[0]) == [2]
    with pytest.raises(ValueError):
        VectorStore.load(tmp_path, dim=32)


def test_empty_store() -> None:
    ids, scores = VectorStore(4).search(np.ones(4, np.float32) / 2, k=3)
    assert len(ids) == 0 and len(scores) == 0
