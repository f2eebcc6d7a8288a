from pathlib import Path

import faiss
import numpy as np
import pytest

from kb.vectors import VectorStore


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True))


@pytest.mark.parametrize("approx_above", [1_000, 10])
def test_search_finds_itself_respects_tombstones_and_filters(approx_above: int) -> None:
    store = VectorStore(16, approx_above=approx_above)
    x = _unit(40)
    assert list(store.add(x[:20])) == list(range(20))
    store.add(x[20:])
    assert store.kind == ("ivf" if approx_above == 10 else "flat")
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


def test_approximate_store_finds_the_exact_neighbours_and_narrow_filters() -> None:
    x = _unit(3000, dim=32, seed=3)
    store = VectorStore(32, approx_above=1000)
    for start in range(0, 3000, 500):
        store.add(x[start : start + 500])
    assert store.kind == "ivf" and len(store) == 3000
    queries = _unit(30, dim=32, seed=4)
    exact = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    found = [len(set(store.search(q, k=10)[0]) & set(e)) / 10 for q, e in zip(queries, exact, strict=True)]
    assert np.mean(found) >= 0.9
    # three allowed vectors somewhere in the store: found wherever their cells are
    allowed = np.zeros(3000, bool)
    allowed[[17, 1500, 2999]] = True
    assert set(store.search(queries[0], k=10, allowed=allowed)[0]) == {17, 1500, 2999}
    assert np.allclose(store.vector(1500), x[1500], atol=1e-3)  # half precision


def test_approximate_store_round_trips_and_old_hnsw_stores_still_load(tmp_path: Path) -> None:
    x = _unit(60)
    store = VectorStore(16, approx_above=10)
    store.add(x)
    store.remove([3])
    store.save(tmp_path)
    again = VectorStore.load(tmp_path, dim=16)
    assert again.kind == "ivf" and again.live_count == 59
    assert list(again.search(x[7], k=1)[0]) == [7] and 3 not in again.search(x[3], k=60)[0]
    assert np.allclose(again.vectors(), x, atol=1e-3)
    hnsw = faiss.IndexHNSWFlat(16, 8, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(x)
    faiss.write_index(hnsw, str(tmp_path / "vectors.faiss"))
    legacy = VectorStore.load(tmp_path, dim=16)
    assert legacy.kind == "hnsw" and list(legacy.search(x[7], k=1)[0]) == [7]
