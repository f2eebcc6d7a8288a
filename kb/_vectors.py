"""Dense vectors in faiss, addressed by position, with deletion by tombstone.

Exact inner-product search (``IndexFlatIP``) up to ``hnsw_above`` vectors; past that an HNSW
graph, whose search cost barely grows with size (exact search at 100k x 384 reads 150 MB per
query and is bandwidth-bound at ~10 ms). Neither faiss index removes cheaply, so a deleted
vector only loses its ``alive`` bit and searches pass an ``IDSelectorBitmap`` of the live (and
filter-allowed) positions; a rebuild compacts.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

faiss.omp_set_num_threads(1)  # single queries: a second thread costs more than it saves


class VectorStore:
    def __init__(self, dim: int, *, hnsw_above: int = 50_000, hnsw_m: int = 32, ef_search: int = 96) -> None:
        self.dim = dim
        self.hnsw_above = hnsw_above
        self.hnsw_m = hnsw_m
        self.ef_search = ef_search
        self._index: faiss.Index = faiss.IndexFlatIP(dim)
        self._alive = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @property
    def live_count(self) -> int:
        return int(self._alive.sum())

    def add(self, vectors: np.ndarray) -> np.ndarray:
        """Append vectors; returns their positions."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        start = len(self)
        if self.kind == "flat" and start + len(vectors) > self.hnsw_above:
            self._to_hnsw()
        if len(vectors) >= 1000:  # bulk loads do profit from both cores
            faiss.omp_set_num_threads(2)
        try:
            self._index.add(vectors)
        finally:
            faiss.omp_set_num_threads(1)
        self._alive = np.concatenate([self._alive, np.ones(len(vectors), dtype=bool)])
        return np.arange(start, start + len(vectors), dtype=np.int64)

    def _to_hnsw(self) -> None:
        old = self._index
        hnsw = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        if old.ntotal:
            faiss.omp_set_num_threads(2)
            try:
                hnsw.add(old.reconstruct_n(0, old.ntotal))
            finally:
                faiss.omp_set_num_threads(1)
        self._index = hnsw

    def remove(self, positions: np.ndarray | list[int]) -> None:
        self._alive[np.asarray(positions, dtype=np.int64)] = False

    def vector(self, position: int) -> np.ndarray:
        return np.asarray(self._index.reconstruct(int(position)), dtype=np.float32)

    def search(
        self, query: np.ndarray, *, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k live positions (and cosines) for one normalised query vector."""
        n = len(self)
        if n == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        live = self._alive if allowed is None else self._alive & allowed[:n]
        if not live.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        bitmap = None if live.all() else np.packbits(live, bitorder="little")
        params, _selector = self._params(bitmap, n)  # both must outlive the search call
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        scores, ids = self._index.search(q, min(k, n), params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def _params(self, bitmap: np.ndarray | None, n: int) -> tuple[faiss.SearchParameters, object]:
        sel = None if bitmap is None else faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = self.ef_search
        else:
            params = faiss.SearchParameters()
        if sel is not None:
            params.sel = sel
        return params, sel

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path / "vectors.faiss"))
        np.save(path / "alive.npy", self._alive)

    @classmethod
    def load(cls, path: Path, *, dim: int, hnsw_above: int = 50_000) -> VectorStore:
        store = cls(dim, hnsw_above=hnsw_above)
        store._index = faiss.read_index(str(path / "vectors.faiss"))
        if store._index.d != dim:
            raise ValueError(f"index dimension {store._index.d} != model dimension {dim}")
        store._alive = np.load(path / "alive.npy")
        if len(store._alive) != store._index.ntotal:
            raise ValueError("vector count and tombstone map disagree")
        return store

    def memory_bytes(self) -> int:
        per = self.dim * 4 + (self.hnsw_m * 2 * 4 if self.kind == "hnsw" else 0)
        return len(self) * per
