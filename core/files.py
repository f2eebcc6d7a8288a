"""Files and folders put in place at once: a reader finds the old one or the new one, never half of either.

What is put in place is written beside its final name first, flushed to the disk (fsync), renamed, and
then the folder holding it is flushed too, so that after a crash, power loss included, the disk holds
one whole version or the other: a rename that only reached the page cache can be lost, and a file
renamed before its data reached the disk can come back empty.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through; it replaces `path` when the block ends without an error,
    and is deleted otherwise. Concurrent writers of one path: the last to finish wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(3)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            yield fh
        move_file(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def move_file(src: Path, dest: Path) -> None:
    """Put the finished file `src` in place of `dest` (on the same file system), replacing any file there."""
    _sync(src)
    os.replace(src, dest)
    sync_dir(dest.parent)


def move_dir(src: Path, dest: Path, *, durable: bool = True) -> bool:
    """Give the finished folder `src` the name `dest` in one step (on the same file system).

    False, with `src` deleted, when a folder `dest` is there already: another writer finished first.
    ``durable=False`` keeps the rename's all-or-nothing but skips the flushes, for a cache that is read
    again when it is found damaged and whose writer must not wait for the disk."""
    if durable:
        for file in src.iterdir():
            if file.is_file():
                _sync(file)
        sync_dir(src)
    try:
        src.rename(dest)
    except OSError as exc:
        shutil.rmtree(src, ignore_errors=True)
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            return False
        raise
    if durable:
        sync_dir(dest.parent)
    return True


def sync_dir(path: Path) -> None:
    """Flush a folder's entries (the names created, renamed or deleted in it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync(file: Path) -> None:
    with open(file, "rb") as fh:
        os.fsync(fh.fileno())
