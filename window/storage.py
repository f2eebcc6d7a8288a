"""Uploaded files, content-addressed under ``data_dir/blobs`` (outside any web root): the path of a
file is its sha256, so the same scan uploaded twice is stored once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, func, select

from core.files import move_file
from prereview.sniff import Kind
from window.models import CaseFile


@dataclass
class Received:
    """An uploaded file, received in full into a temporary file beside the store and checked, not yet
    stored (``BlobStore.put``)."""

    name: str
    tmp: Path
    size: int = 0
    sha256: str = ""
    media_type: str = ""
    kind: Kind = Kind.UNKNOWN


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, tmp: Path, sha256: str) -> Path:
        """Move a received temporary file into place (or drop it when the content is stored already)."""
        dest = self.path(sha256)
        if dest.exists():
            tmp.unlink(missing_ok=True)
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        move_file(tmp, dest)
        os.chmod(dest, 0o440)
        return dest

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete_unreferenced(self, session: Session, sha256s: set[str]) -> int:
        """Delete the blobs no case file row refers to any more; returns how many were deleted."""
        deleted = 0
        for sha in sha256s:
            refs = session.exec(
                select(func.count()).select_from(CaseFile).where(CaseFile.sha256 == sha)
            ).one()
            if refs == 0:
                try:
                    self.path(sha).unlink()
                    deleted += 1
                except FileNotFoundError:
                    pass
        return deleted
