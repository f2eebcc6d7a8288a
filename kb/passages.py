"""Passage vectors kept across builds, so a first start embeds only what changed since they were made.

Embedding the seed corpus is most of a fresh machine's start-up (a few hundred passages, a minute or
more on a shared two-core machine), yet the corpus changes rarely and the engine is deterministic:
the same text always gets the same vector, alone or in any batch. So vectors are looked up by the
sha256 of the exact text the model sees (its passage prefix included), per model:

* shipped with the corpus: ``<corpus_dir>/kb/passages-<model>.npz``, refreshed by ``make kb-vectors``
  (``yichuang kb export-vectors`` on a fresh database);
* written under the index directory: whatever the engine had to embed, so a rebuild after edits (a
  reindex, a new index format, a model switched back) reuses every unchanged passage.

A file of another model, or one that cannot be read, is ignored with a warning: the engine embeds
instead. Files are read without pickle.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from pathlib import Path

import numpy as np

from core.files import atomic_write
from kb.embed import Embedder

log = logging.getLogger(__name__)
FORMAT = 1
SHIPPED_DIR = "kb"  # under the corpus directory
_KEY_BYTES = 32


def file_name(model_id: str) -> str:
    return "passages-" + re.sub(r"[^A-Za-z0-9.@-]+", "_", model_id) + ".npz"


def shipped_path(corpus_dir: Path, model_id: str) -> Path:
    return corpus_dir / SHIPPED_DIR / file_name(model_id)


def passage_key(text: str, *, prefix: str = "") -> bytes:
    return hashlib.sha256((prefix + text).encode("utf-8")).digest()


class PassageVectors:
    """One model's vectors by passage key, in the order they were added (oldest first)."""

    def __init__(self, *, model_id: str, dim: int, rows: dict[bytes, np.ndarray] | None = None) -> None:
        self.model_id = model_id
        self.dim = dim
        self.rows: dict[bytes, np.ndarray] = rows if rows is not None else {}

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def read(cls, path: Path | None, *, model_id: str, dim: int) -> PassageVectors:
        """The vectors in ``path``; none when it is missing, of another model, or unreadable."""
        empty = cls(model_id=model_id, dim=dim)
        if path is None or not path.exists():
            return empty
        try:
            with np.load(path, allow_pickle=False) as data:
                fmt, stored_id = int(data["format"]), str(data["model_id"])
                keys, vectors = data["keys"], data["vectors"]
        except Exception as exc:  # any unreadable file: the engine embeds instead
            log.warning("ignoring passage vectors %s: unreadable (%s)", path, exc)
            return empty
        problem = _problem(fmt, stored_id, keys, vectors, model_id=model_id, dim=dim)
        if problem:
            log.warning("ignoring passage vectors %s: %s", path, problem)
            return empty
        rows = {keys[i].tobytes(): vectors[i] for i in range(len(keys))}
        return cls(model_id=model_id, dim=dim, rows=rows)

    def write(self, path: Path) -> None:
        """Replace ``path`` atomically (a reader never sees half a file; concurrent writers: last wins)."""
        keys = np.frombuffer(b"".join(self.rows), dtype=np.uint8).reshape(-1, _KEY_BYTES)
        vectors = (
            np.stack(list(self.rows.values())).astype(np.float32, copy=False)
            if self.rows
            else np.zeros((0, self.dim), np.float32)
        )
        with atomic_write(path) as fh:
            np.savez(fh, format=np.int64(FORMAT), model_id=np.str_(self.model_id), keys=keys, vectors=vectors)

    def same_as(self, other: PassageVectors) -> bool:
        return (
            self.model_id == other.model_id
            and list(self.rows) == list(other.rows)
            and all(np.array_equal(v, other.rows[k]) for k, v in self.rows.items())
        )


def _problem(
    fmt: int, stored_id: str, keys: np.ndarray, vectors: np.ndarray, *, model_id: str, dim: int
) -> str:
    if fmt != FORMAT:
        return f"format {fmt}, want {FORMAT}"
    if stored_id != model_id:
        return f"made by {stored_id!r}, the embedder is {model_id!r}"
    if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != _KEY_BYTES:
        return f"keys of shape {keys.shape} and type {keys.dtype}"
    if vectors.dtype != np.float32 or vectors.shape != (len(keys), dim):
        return f"vectors of shape {vectors.shape} and type {vectors.dtype}, want ({len(keys)}, {dim})"
    if not np.isfinite(vectors).all():
        return "vectors that are not finite"
    return ""


class PassageCache:
    """An embedder whose passages come from stored vectors when their text was embedded before.

    Meant for builds (the start-up index, a reindex, the cohort): the tables load on the first
    passage asked for, and :meth:`close` saves what the engine had to embed and lets them go;
    afterwards passages go straight to the engine (a single edit at run time rarely repeats a text).
    Queries always go to the engine.
    """

    def __init__(
        self, embedder: Embedder, *, shipped: Path | None, writable: Path | None, max_rows: int = 100_000
    ) -> None:
        self.inner = embedder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self.shipped_path = shipped
        self.writable_path = writable
        self.max_rows = max_rows
        self.hits = 0
        self.embedded = 0
        # the text the model sees: sentence-transformers backends add their prefix inside embed_passages
        self._prefix = str(getattr(embedder, "passage_prefix", ""))
        self._shipped: PassageVectors | None = None
        self._stored: PassageVectors | None = None
        self._new: dict[bytes, np.ndarray] = {}
        self._used: dict[bytes, np.ndarray] = {}  # every passage asked for while open, for export
        self._open = True
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not self._open:
            return self.inner.embed_passages(texts)
        keys = [passage_key(t, prefix=self._prefix) for t in texts]
        with self._lock:
            found = self._lookup(keys)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            fresh = self.inner.embed_passages(list(todo.values()))
            found.update(zip(todo, np.asarray(fresh, dtype=np.float32), strict=True))
        with self._lock:
            self.hits += len(keys) - len(todo)
            self.embedded += len(todo)
            self._new.update((k, found[k]) for k in todo)
            self._used.update(found)
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([found[k] for k in keys])  # copies: callers never share the tables' rows

    def _lookup(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        if self._shipped is None or self._stored is None:
            self._shipped = PassageVectors.read(self.shipped_path, model_id=self.model_id, dim=self.dim)
            self._stored = PassageVectors.read(self.writable_path, model_id=self.model_id, dim=self.dim)
            log.info(
                "passage vectors of %s: %d shipped, %d cached",
                self.model_id,
                len(self._shipped),
                len(self._stored),
            )
        found: dict[bytes, np.ndarray] = {}
        for key in keys:
            vec = self._used.get(key)
            if vec is None:
                vec = self._shipped.rows.get(key)
            if vec is None:
                vec = self._stored.rows.get(key)
            if vec is not None:
                found[key] = vec
        return found

    def flush(self) -> int:
        """Add what the engine embedded to the writable file; returns how many vectors were new."""
        with self._lock:
            if not self._new or self.writable_path is None:
                return 0
            new = dict(self._new)
            disk = PassageVectors.read(self.writable_path, model_id=self.model_id, dim=self.dim)
            rows = disk.rows  # re-read: another worker may have added its own since we loaded
            shipped = self._shipped.rows if self._shipped is not None else {}
            for key, vec in self._used.items():
                if key not in shipped:
                    rows.pop(key, None)
                    rows[key] = vec  # to the end: used by this build, so kept the longest
            for key in list(rows)[: max(0, len(rows) - self.max_rows)]:
                del rows[key]
            try:
                PassageVectors(model_id=self.model_id, dim=self.dim, rows=rows).write(self.writable_path)
            except OSError as exc:
                log.warning("could not save passage vectors to %s: %s", self.writable_path, exc)
                return 0
            for key in new:
                self._new.pop(key, None)
            return len(new)

    def close(self) -> None:
        """Save, report and let the tables go; later passages go straight to the engine."""
        saved = self.flush()
        with self._lock:
            if self._open and (self.hits or self.embedded):
                log.info(
                    "passages: %d from stored vectors, %d embedded (%d saved)",
                    self.hits,
                    self.embedded,
                    saved,
                )
            self._open = False
            self._shipped = self._stored = None
            self._used = {}
            self._new = {}

    def export(self, path: Path) -> tuple[int, bool]:
        """Write the vectors of every passage asked for since opening to ``path`` (the shipped file).

        Returns how many, and whether the file changed: one that already holds exactly these is
        left untouched (it is versioned, and an export that changes nothing should change no bytes).
        """
        with self._lock:
            table = PassageVectors(model_id=self.model_id, dim=self.dim, rows=dict(self._used))
        if table.same_as(PassageVectors.read(path, model_id=self.model_id, dim=self.dim)):
            return len(table), False
        table.write(path)
        return len(table), True


def passage_cache(embedder: Embedder, *, corpus_dir: Path, cache_dir: Path) -> PassageCache:
    """The embedder with the corpus's shipped vectors and a writable cache in ``cache_dir``."""
    name = file_name(embedder.model_id)
    return PassageCache(embedder, shipped=corpus_dir / SHIPPED_DIR / name, writable=cache_dir / name)
