"""Files and folders put in place at once (core.files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.files import atomic_write, move_dir, move_file


@pytest.fixture
def fsynced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The descriptors flushed to the disk, in order."""
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_atomic_write_replaces_the_file_and_leaves_nothing_beside_it(
    tmp_path: Path, fsynced: list[int]
) -> None:
    path = tmp_path / "deep" / "calibration.json"
    for text in ("old", "new"):
        with atomic_write(path) as fh:
            fh.write(text.encode())
    assert path.read_text() == "new"
    assert [p.name for p in path.parent.iterdir()] == ["calibration.json"]
    assert len(fsynced) == 4  # each time the file, then its folder


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path) as fh:
        fh.write(b"half")
        raise RuntimeError("disk full")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.npz"]


def test_move_file_replaces_what_is_there(tmp_path: Path) -> None:
    (tmp_path / "received").write_text("upload")
    (tmp_path / "blob").write_text("earlier")
    move_file(tmp_path / "received", tmp_path / "blob")
    assert (tmp_path / "blob").read_text() == "upload" and not (tmp_path / "received").exists()


def test_move_dir_flushes_the_files_then_names_the_folder(tmp_path: Path, fsynced: list[int]) -> None:
    work = tmp_path / ".work"
    work.mkdir()
    for name in ("p001.jpg", "p002.jpg"):
        (work / name).write_bytes(b"jpeg")
    assert move_dir(work, tmp_path / "sha")
    assert sorted(p.name for p in (tmp_path / "sha").iterdir()) == ["p001.jpg", "p002.jpg"]
    assert len(fsynced) == 4  # two files, the folder, the folder holding it


def test_move_dir_to_a_taken_name_gives_way(tmp_path: Path, fsynced: list[int]) -> None:
    (tmp_path / "sha").mkdir()
    (tmp_path / "sha" / "p001.jpg").write_bytes(b"first")
    work = tmp_path / ".work"
    work.mkdir()
    (work / "p001.jpg").write_bytes(b"second")
    assert not move_dir(work, tmp_path / "sha", durable=False)
    assert not work.exists() and (tmp_path / "sha" / "p001.jpg").read_bytes() == b"first"
    assert fsynced == []  # a cache's staging does not wait for the disk
