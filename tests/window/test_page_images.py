"""Page images kept for the clerk's evidence view (``window.page_images``): the pages a pre-review run
leaves are staged without encoding, encoded in the background, served whole while that happens, and
what a crashed process left is cleaned up; a page unlike its Document is never kept."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import window.page_images as page_images_module
from core.errors import NotFound
from prereview.documents import Document, FileError, Page, PageSource
from prereview.pipeline import UploadedFile
from prereview.reader import ReadLimits
from window import PageImages
from window.page_images import JPEG_QUALITY, STALE_WORK_S

# --- pages the pre-review run leaves (PageImages.sink): staged, encoded in the background ------------------

SHA = "ab" * 32


class ReadAgain:
    """Stands in for reading the file again in the ReaderPool: records that it was asked."""

    def __init__(self, pages: int = 2) -> None:
        self.calls = 0
        self.pages = pages

    def __call__(self, path: Path, *, name: str) -> list[bytes]:
        self.calls += 1
        return [f"read again {i}".encode() for i in range(self.pages)]


@pytest.fixture
def images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PageImages]:
    found = PageImages(cache_dir=tmp_path / "data" / "pages", limits=ReadLimits())
    monkeypatch.setattr(found, "_read", ReadAgain())
    yield found
    found.close()


def _run_output(work: Path, *, pages: int = 2, sha256: str = SHA, seed: int = 0) -> Document:
    """What the reader leaves in a run's work dir: upright page images (BMP) and the Document."""
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    out = []
    for i in range(pages):
        image = rng.integers(0, 255, size=(240 + 10 * i, 171, 3), dtype=np.uint8)  # odd width: padded rows
        path = work / f"{sha256[:16]}-p{i + 1:03d}.bmp"
        assert cv2.imwrite(str(path), image)
        out.append(Page(index=i, width=171, height=240 + 10 * i, source=PageSource.OCR, image_path=str(path)))
    return Document(name="scan.jpg", sha256=sha256, media_type="image/jpeg", pages=out)


def _keep(images: PageImages, tmp_path: Path, doc: Document, *, sha256: str = SHA) -> None:
    stored = tmp_path / "data" / "blobs" / sha256
    images.sink(shas={stored: sha256})(UploadedFile(path=stored, name="scan.jpg"), doc)


def _jpeg_of(path: str | None) -> bytes:
    """The page's JPEG as the reader path makes it (decoded BMP, quality JPEG_QUALITY)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    assert ok
    return data.tobytes()


def _page(images: PageImages, number: int, *, sha256: str = SHA) -> bytes:
    return images.page(path=Path("/nonexistent"), sha256=sha256, name="scan.jpg", number=number, keep=True)


def settled(images: PageImages, sha256: str = SHA, timeout: float = 20.0) -> Path:
    """Wait until the file is settled and the encoder idle: it deletes the staged images after renaming
    them under ``.work``, so a look at the folders before it is idle may still see them there."""
    final, deadline = images.cache_dir / sha256, time.monotonic() + timeout
    while not (final.is_dir() and not (images.cache_dir / ".pending" / sha256).exists()) or images._queued:
        assert time.monotonic() < deadline, "the background encoder did not settle the file"
        time.sleep(0.02)
    return final


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_runs_pages_are_staged_without_encoding_then_kept(images: PageImages, tmp_path: Path) -> None:
    doc = _run_output(tmp_path / "run" / "blob")
    with images._file_lock(SHA):  # holds the background encoder back: the pending state, observed
        _keep(images, tmp_path, doc)
        pending = images.cache_dir / ".pending" / SHA
        assert _files_under(images.cache_dir) == [f".pending/{SHA}/p001.bmp", f".pending/{SHA}/p002.bmp"]
        # the run's own images, hard-linked (no copy, no JPEG on the run's path)
        assert (pending / "p001.bmp").stat().st_ino == Path(str(doc.pages[0].image_path)).stat().st_ino
        early = _page(images, 2)  # asked for while pending: encoded from the run's image there and then
        assert early == _jpeg_of(doc.pages[1].image_path)
        with pytest.raises(NotFound, match="只有 2 页"):
            _page(images, 3)
    final = settled(images)
    assert _files_under(images.cache_dir) == [f"{SHA}/p001.jpg", f"{SHA}/p002.jpg"]  # nothing staged is left
    assert (final / "p002.jpg").read_bytes() == early
    assert _page(images, 1) == _jpeg_of(doc.pages[0].image_path)
    assert images._read.calls == 0  # type: ignore[attr-defined]


def test_two_runs_of_the_same_file_stage_it_once(images: PageImages, tmp_path: Path) -> None:
    first, second = _run_output(tmp_path / "run1" / "blob"), _run_output(tmp_path / "run2" / "blob")
    with images._file_lock(SHA):
        _keep(images, tmp_path, first)
        _keep(images, tmp_path, second)
        staged = images.cache_dir / ".pending" / SHA / "p001.bmp"
        assert staged.stat().st_ino == Path(str(first.pages[0].image_path)).stat().st_ino
    settled(images)
    _keep(images, tmp_path, _run_output(tmp_path / "run3" / "blob"))  # kept already: nothing staged again
    assert _files_under(images.cache_dir) == [f"{SHA}/p001.jpg", f"{SHA}/p002.jpg"]


def test_runs_staging_at_the_same_moment_leave_one_complete_set(
    images: PageImages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process stages the file between this run's check and its rename: this run's copy goes."""
    other = _run_output(tmp_path / "other" / "blob", seed=1)
    real = page_images_module._document_pages

    def meanwhile(doc: Document, **kw: object) -> object:
        if doc is not other:  # this run has looked: nothing staged yet. Now the other one stages it.
            assert PageImages(cache_dir=images.cache_dir, limits=ReadLimits())._stage(SHA, other)
        return real(doc, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(page_images_module, "_document_pages", meanwhile)
    with images._file_lock(SHA):
        _keep(images, tmp_path, _run_output(tmp_path / "run" / "blob"))
        assert _files_under(images.cache_dir / ".work") == []
        assert (images.cache_dir / ".pending" / SHA / "p001.bmp").stat().st_ino == Path(
            str(other.pages[0].image_path)
        ).stat().st_ino
    assert images._stage(SHA, other) is False


def test_a_page_asked_for_as_the_encoder_settles_it(
    images: PageImages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged image goes between the request's look and its read: the answer comes from the cache."""
    doc = _run_output(tmp_path / "run" / "blob")
    # no background encoder: this test settles the file itself, at the worst moment
    monkeypatch.setattr(images, "_enqueue", lambda sha256: None)
    assert images._stage(SHA, doc)
    real = page_images_module._jpeg
    raced: list[Path] = []

    def settle_first(path: Path) -> bytes | None:
        if not raced:
            raced.append(path)
            images._settle(SHA)
        return real(path)

    monkeypatch.setattr(page_images_module, "_jpeg", settle_first)
    assert (
        _page(images, 2)
        == (images.cache_dir / SHA / "p002.jpg").read_bytes()
        == _jpeg_of(doc.pages[1].image_path)
    )
    assert not raced[0].exists() and images._read.calls == 0  # type: ignore[attr-defined]


def test_pages_served_while_the_encoder_runs_are_whole(images: PageImages, tmp_path: Path) -> None:
    shas = [f"{i:02d}" * 32 for i in range(4)]
    docs = {
        sha: _run_output(tmp_path / f"run{i}" / "blob", pages=3, sha256=sha, seed=i)
        for i, sha in enumerate(shas)
    }
    expected = {
        (sha, n): _jpeg_of(doc.pages[n - 1].image_path) for sha, doc in docs.items() for n in (1, 2, 3)
    }
    for sha, doc in docs.items():
        _keep(images, tmp_path, doc, sha256=sha)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda key: (key, _page(images, key[1], sha256=key[0])), list(expected) * 3))
    assert all(body == expected[key] for key, body in got)
    for sha in shas:
        settled(images, sha)
    assert images._read.calls == 0  # type: ignore[attr-defined]


def test_what_a_crashed_process_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A half-written JPEG folder is never served; a staged file is encoded by the next process."""
    cache = tmp_path / "data" / "pages"
    crashed = PageImages(cache_dir=cache, limits=ReadLimits())
    doc = _run_output(tmp_path / "run" / "blob")
    with crashed._file_lock(SHA):
        assert crashed._stage(SHA, doc)  # staged, then the process died before its encoder ran
    half = cache / ".work" / "tmpcrash"
    half.mkdir()
    (half / "p001.jpg").write_bytes(_jpeg_of(doc.pages[0].image_path)[:100])
    os.utime(half, (time.time() - 2 * STALE_WORK_S,) * 2)
    later = PageImages(cache_dir=cache, limits=ReadLimits())
    monkeypatch.setattr(later, "_read", ReadAgain())
    try:
        assert _page(later, 1) == _jpeg_of(doc.pages[0].image_path)  # from the staged image, not the half one
        settled(later)
        assert _files_under(cache) == [f"{SHA}/p001.jpg", f"{SHA}/p002.jpg"]  # the stale half folder swept
        assert later._read.calls == 0  # type: ignore[attr-defined]
    finally:
        later.close()


def test_a_damaged_staged_image_is_read_again(images: PageImages, tmp_path: Path) -> None:
    doc = _run_output(tmp_path / "run" / "blob")
    with images._file_lock(SHA):
        _keep(images, tmp_path, doc)
        (images.cache_dir / ".pending" / SHA / "p001.bmp").write_bytes(b"BM garbage")
    assert _page(images, 1) == b"read again 0"  # the reader's answer, kept
    settled(images)
    assert (images.cache_dir / SHA / "p002.jpg").read_bytes() == b"read again 1"


def _hostile(doc: Document, how: str, tmp_path: Path) -> Document:
    first = doc.pages[0]
    path = Path(str(first.image_path))
    if how == "symlink":
        elsewhere = tmp_path / "elsewhere.bmp"
        path.rename(elsewhere)
        path.symlink_to(elsewhere)
    elif how == "second name":  # a hard link to some other file (another case's upload, say)
        os.link(path, tmp_path / "another-name.bmp")
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:-7])
    elif how == "not a bmp":
        Image.new("RGB", (171, 240), "white").save(path, format="PNG")
    elif how == "wrong size":
        return doc.model_copy(update={"pages": [first.model_copy(update={"width": 172}), *doc.pages[1:]]})
    elif how == "page without image":
        return doc.model_copy(update={"pages": [first, doc.pages[1].model_copy(update={"image_path": None})]})
    elif how == "pages out of order":
        return doc.model_copy(update={"pages": list(reversed(doc.pages))})
    elif how == "another file":
        return doc.model_copy(update={"sha256": "cd" * 32})
    elif how == "read error":
        return doc.model_copy(update={"error": FileError(code="corrupt", message="文件已损坏")})
    return doc


@pytest.mark.parametrize(
    "how",
    [
        "symlink",
        "second name",
        "truncated",
        "not a bmp",
        "wrong size",
        "page without image",
        "pages out of order",
        "another file",
        "read error",
        "too many pages",
    ],
)
def test_pages_unlike_their_document_are_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    images = PageImages(cache_dir=tmp_path / "data" / "pages", limits=ReadLimits(max_pages=3))
    monkeypatch.setattr(images, "_read", ReadAgain())
    doc = _run_output(tmp_path / "run" / "blob", pages=4 if how == "too many pages" else 2)
    try:
        _keep(images, tmp_path, _hostile(doc, how, tmp_path))
        assert _files_under(images.cache_dir) == []
        assert _page(images, 1) == b"read again 0" and images._read.calls == 1  # type: ignore[attr-defined]
    finally:
        images.close()
