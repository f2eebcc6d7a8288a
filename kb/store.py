"""Persisting the index so a restart does not re-embed everything.

Layout of the index directory::

    CURRENT            name of the live generation (replaced atomically)
    gen-<time>-<rand>/ meta.json, entries.jsonl, bm25.npz, vectors.faiss, alive.npy
    .lock              flock: one writer (reindex or save) at a time across workers

A generation is written under a temporary name, fsynced, renamed, and only then named in
CURRENT; a crash at any point leaves CURRENT naming the previous complete generation, and the
leftovers are swept at the next save.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from core.files import atomic_write, move_dir
from kb.bm25 import BM25Index
from kb.embed import Embedder
from kb.index import Entry, KnowledgeIndex
from kb.text import Tokenizer
from kb.vectors import VectorStore

FORMAT = 3  # 2: a guide section's first vector is the question it answers (kb/chunk.py); 3: terms' aliases


class IndexMismatch(Exception):
    """The stored index was built differently (model, dimension, tokens, format): rebuild it."""


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir / name
    return path if name and path.is_dir() else None


def read_meta(index_dir: Path) -> dict[str, Any] | None:
    gen = current_generation(index_dir)
    if gen is None:
        return None
    return dict(json.loads((gen / "meta.json").read_text(encoding="utf-8")))


def save(index: KnowledgeIndex, index_dir: Path, *, extra_meta: dict[str, Any] | None = None) -> Path:
    """Write a new generation and make it current. Caller holds :func:`writer_lock`."""
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir(parents=True)
    with index._write_lock:
        _write_generation(index, tmp, extra_meta or {})
    final = index_dir / name
    move_dir(tmp, final)  # a new name: no other writer has it
    with atomic_write(index_dir / "CURRENT") as fh:
        fh.write(name.encode("utf-8"))
    _sweep(index_dir, keep=name)
    return final


def _write_generation(index: KnowledgeIndex, path: Path, extra: dict[str, Any]) -> None:
    meta = {
        "format": FORMAT,
        "model_id": index.model_id,
        "dim": index.embedder.dim,
        "token_fields": list(index.tokenizer.fields),
        "chunk_chars": index.chunk_chars,
        "entries": len(index),
        "saved_at": time.time(),
        **extra,
    }
    (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    with open(path / "entries.jsonl", "w", encoding="utf-8") as fh:
        for entry in index.entries:
            fh.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
    savez: Any = np.savez  # numpy's stub mistakes ** arrays for its keyword options
    savez(path / "bm25.npz", **index.bm25.to_arrays())
    np.savez(
        path / "maps.npz",
        slot_entry=np.frombuffer(index.slot_entry, dtype=np.int32).copy(),
        pos_entry=np.frombuffer(index.pos_entry, dtype=np.int32).copy(),
    )
    (path / "pos_text.json").write_text(json.dumps(index.pos_text, ensure_ascii=False), encoding="utf-8")
    index.vectors.save(path)


def load(
    index_dir: Path, *, embedder: Embedder, tokenizer: Tokenizer, approx_above: int = 50_000
) -> KnowledgeIndex:
    """The current generation, or :class:`IndexMismatch` if there is none or it does not fit."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMismatch("no stored index")
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    expected = {
        "format": FORMAT,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "token_fields": list(tokenizer.fields),
    }
    for key, value in expected.items():
        if meta.get(key) != value:
            raise IndexMismatch(f"stored index has {key}={meta.get(key)!r}, want {value!r}")
    index = KnowledgeIndex(
        embedder=embedder, tokenizer=tokenizer, chunk_chars=meta["chunk_chars"], approx_above=approx_above
    )
    try:
        _read_generation(index, gen, approx_above)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexMismatch(f"stored index unreadable: {exc}") from exc
    return index


def _read_generation(index: KnowledgeIndex, gen: Path, approx_above: int) -> None:
    with open(gen / "entries.jsonl", encoding="utf-8") as fh:
        entries = [Entry(**json.loads(line)) for line in fh if line.strip()]
    with np.load(gen / "bm25.npz") as data:
        index.bm25 = BM25Index.from_arrays(dict(data))
    with np.load(gen / "maps.npz") as maps:
        index.slot_entry.frombytes(maps["slot_entry"].astype(np.int32).tobytes())
        index.pos_entry.frombytes(maps["pos_entry"].astype(np.int32).tobytes())
    index.pos_text = json.loads((gen / "pos_text.json").read_text(encoding="utf-8"))
    index.vectors = VectorStore.load(gen, dim=index.embedder.dim, approx_above=approx_above)
    if len(index.pos_text) != len(index.vectors) or len(index.slot_entry) != len(index.bm25):
        raise ValueError("stored maps and indexes disagree in size")
    index.restore_entries(entries)


def _sweep(index_dir: Path, *, keep: str) -> None:
    for path in index_dir.iterdir():
        if (
            path.is_dir()
            and path.name != keep
            and (path.name.startswith("gen-") or path.name.startswith(".tmp-"))
        ):
            shutil.rmtree(path, ignore_errors=True)
