"""Uploads stored content-addressed (``window.storage``): the same file twice is stored once, read-only,
and deleted only when no case file refers to it any more."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from core.db import Database
from window import BlobStore, Case, CaseFile, Channel


def _received(store: BlobStore, data: bytes) -> tuple[Path, str]:
    tmp = store.tmp / f"up-{hashlib.md5(data).hexdigest()}"
    tmp.write_bytes(data)
    return tmp, hashlib.sha256(data).hexdigest()


def test_a_file_is_stored_under_its_sha256_once_and_read_only(store: BlobStore) -> None:
    tmp, sha = _received(store, b"%PDF-1.7 one")
    path = store.put(tmp, sha)
    assert path == store.root / sha[:2] / sha[2:4] / sha and path.read_bytes() == b"%PDF-1.7 one"
    assert stat.S_IMODE(path.stat().st_mode) == 0o440 and not tmp.exists()
    again, _ = _received(store, b"%PDF-1.7 one")
    assert store.put(again, sha) == path and not again.exists()  # the second copy is dropped
    assert store.exists(sha)


def test_only_a_sha256_names_a_blob(store: BlobStore) -> None:
    for name in ("../../etc/passwd", "ab" * 31, "AB" * 32):
        with pytest.raises(ValueError):
            store.path(name)


def test_blobs_go_when_no_case_file_refers_to_them(store: BlobStore, window_db: Database) -> None:
    kept_tmp, kept = _received(store, b"kept")
    gone_tmp, gone = _received(store, b"gone")
    store.put(kept_tmp, kept)
    store.put(gone_tmp, gone)
    with window_db.scope() as session:
        session.add(Case(id="c1", item="JT-001", channel=Channel.CLERK.value))
        session.flush()
        session.add(CaseFile(case_id="c1", sha256=kept, name="a.pdf", size=4, media_type="application/pdf"))
        session.flush()
        assert store.delete_unreferenced(session, {kept, gone}) == 1
    assert store.exists(kept) and not store.exists(gone)
