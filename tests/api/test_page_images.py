"""Page images of uploaded files (GET /cases/{id}/files/{file}/pages/{n}), read by the real reader
worker process: the frame the evidence boxes are measured in, kept for clerks' cases only."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

import api.page_images as page_images_module
from api.app import create_app
from api.models import Role
from api.page_images import JPEG_QUALITY, STALE_WORK_S, PageImages, page_images
from api.services import Services, build_prereviewer
from api.worker import ThreadDispatcher
from core.errors import NotFound
from prereview.documents import Document, FileError, Page, PageSource
from prereview.pipeline import UploadedFile
from prereview.reader import ReadLimits
from tests.api.test_cases import new_case, upload
from tests.api.test_cases import run as run_case
from tests.fixtures.api_app import ApiHarness, People, add_user, make_settings, pdf_bytes, png_bytes

V1 = "/api/v1"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture
def clerk_case(client: TestClient, people: People, harness: ApiHarness) -> Iterator[dict[str, object]]:
    case = new_case(client, people.clerk)
    yield case
    page_images(harness.services).close()


def _image(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image


def test_text_pdf_page_at_the_reader_dpi_and_kept(
    client: TestClient, people: People, harness: ApiHarness, clerk_case: dict[str, object]
) -> None:
    case_id = clerk_case["id"]
    row = upload(client, str(case_id), people.clerk, "M1", "申请表.pdf").json()[0]
    url = f"{V1}/cases/{case_id}/files/{row['id']}/pages"
    r = client.get(f"{url}/1", headers=people.clerk)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert _image(r.content).size == (1654, 2339)  # A4 at the reader's 200 dpi: the boxes' frame
    kept = harness.services.settings.data_dir / "pages" / row["sha256"] / "p001.jpg"
    assert kept.read_bytes() == r.content
    again = client.get(f"{url}/1", headers=people.clerk)
    assert again.content == r.content
    missing = client.get(f"{url}/2", headers=people.clerk)
    assert missing.status_code == 404 and "只有 1 页" in missing.json()["message"]


def test_only_clerks_see_page_images(
    client: TestClient, people: People, clerk_case: dict[str, object]
) -> None:
    case_id = clerk_case["id"]
    row = upload(client, str(case_id), people.clerk, "M1", "申请表.pdf").json()[0]
    url = f"{V1}/cases/{case_id}/files/{row['id']}/pages/1"
    # identity numbers on the page: whoever sees them masked in the case does not see the page
    assert client.get(url, headers=people.consult).status_code == 403
    assert client.get(url, headers=people.staff_jt).status_code == 403
    assert client.get(url).status_code == 401
    other = new_case(client, people.clerk)
    r = client.get(f"{V1}/cases/{other['id']}/files/{row['id']}/pages/1", headers=people.clerk)
    assert r.status_code == 404 and r.json()["message"]


def test_applicant_uploads_are_not_kept(client: TestClient, people: People, harness: ApiHarness) -> None:
    case = new_case(client)
    row = upload(client, case["id"], {"X-Case-Token": case["token"]}, "M1", "申请表.pdf").json()[0]
    try:
        r = client.get(f"{V1}/cases/{case['id']}/files/{row['id']}/pages/1", headers=people.clerk)
        assert r.status_code == 200 and _image(r.content).size == (1654, 2339)
        assert not (harness.services.settings.data_dir / "pages" / row["sha256"]).exists()
    finally:
        page_images(harness.services).close()


def test_unreadable_file_says_why(client: TestClient, people: People, clerk_case: dict[str, object]) -> None:
    files = [("files", ("坏.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog\ngarbage", "application/pdf"))]
    row = client.post(f"{V1}/cases/{clerk_case['id']}/files", files=files, headers=people.clerk).json()[0]
    r = client.get(f"{V1}/cases/{clerk_case['id']}/files/{row['id']}/pages/1", headers=people.clerk)
    assert r.status_code == 409 and "无法读取" in r.json()["message"]


def _sideways_photo() -> bytes:
    """A page of Chinese text photographed lying on its side (turned 90°)."""
    page = Image.new("RGB", (900, 1200), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(["道路货物运输经营申请表", "申请人名称 安和市宏远货运有限公司", "统一社会信用代码",
                              "负责人 邹军哲", "通信地址 安和市人民路一号", "联系电话 0791 8888 6666"]):  # fmt: skip
        draw.text((60, 80 + i * 120), line, fill="black", font=font)
    buf = io.BytesIO()
    page.rotate(90, expand=True).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.ocr
@pytest.mark.slow
def test_photo_page_comes_back_upright(
    client: TestClient, people: People, clerk_case: dict[str, object]
) -> None:
    files = [("files", ("IMG_0001.png", _sideways_photo(), "image/png"))]
    row = client.post(f"{V1}/cases/{clerk_case['id']}/files", files=files, headers=people.clerk).json()[0]
    r = client.get(f"{V1}/cases/{clerk_case['id']}/files/{row['id']}/pages/1", headers=people.clerk)
    assert r.status_code == 200
    width, height = _image(r.content).size
    assert height > width  # the reader turned it upright, as its boxes are measured


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


def _settled(images: PageImages, sha256: str = SHA, timeout: float = 20.0) -> Path:
    final, deadline = images.cache_dir / sha256, time.monotonic() + timeout
    while not (final.is_dir() and not (images.cache_dir / ".pending" / sha256).exists()):
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
    final = _settled(images)
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
    _settled(images)
    _keep(images, tmp_path, _run_output(tmp_path / "run3" / "blob"))  # kept already: nothing staged again
    assert _files_under(images.cache_dir) == [f"{SHA}/p001.jpg", f"{SHA}/p002.jpg"]


def test_runs_staging_at_the_same_moment_leave_one_complete_set(images: PageImages, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
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
            str(other.pages[0].image_path)).stat().st_ino  # fmt: skip
    assert images._stage(SHA, other) is False


def test_a_page_asked_for_as_the_encoder_settles_it(images: PageImages, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
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
        _settled(images, sha)
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
        _settled(later)
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
    _settled(images)
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
        path.write_bytes(png_bytes(171, 240))
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


@pytest.mark.parametrize("how", ["symlink", "second name", "truncated", "not a bmp", "wrong size", "page without image",
                                 "pages out of order", "another file", "read error", "too many pages"])  # fmt: skip
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


def test_only_runs_of_cases_whose_pages_are_kept_hand_them_over(client: TestClient, people: People,
                                                                harness: ApiHarness,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    seen: list[object] = []
    fake = harness.services.prereviewer
    real_run = fake.run  # type: ignore[union-attr]

    def run(**kw: object) -> object:
        seen.append(kw.get("keep"))
        return real_run(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(fake, "run", run)
    try:
        clerk = new_case(client, people.clerk)
        upload(client, clerk["id"], people.clerk, "M1", "申请表.pdf")
        applicant = new_case(client)
        upload(client, applicant["id"], {"X-Case-Token": applicant["token"]}, "M1", "申请表.pdf")
        run_case(client, clerk["id"], people.clerk)
        run_case(client, applicant["id"], {"X-Case-Token": applicant["token"]})
        assert callable(seen[0]) and seen[1] is None
    finally:
        page_images(harness.services).close()


@pytest.mark.ocr
@pytest.mark.slow
def test_a_clerks_run_leaves_the_pages_the_evidence_view_shows(tmp_path: Path) -> None:
    """A real run (real Prereviewer, reader worker processes) of a clerk's case: its pages are shown
    without the page reader ever starting, and they are the very JPEGs reading the file again gives."""
    settings = make_settings(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'pages.db'}", workers=1)

    def real(services: Services) -> ThreadDispatcher:
        services.prereviewer = build_prereviewer(settings=services.settings, library=services.library)
        return ThreadDispatcher(services.execute_run, threads=1)

    with TestClient(create_app(settings=settings, dispatcher=real, kb=None)) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        clerk = add_user(services.db, "clerk-pages", Role.CLERK)
        case = new_case(client, clerk)
        sent = [
            ("申请表.pdf", pdf_bytes()),
            ("IMG_0001.png", _sideways_photo()),
            ("坏.pdf", b"%PDF-1.7\ngarbage"),
        ]
        rows = client.post(f"{V1}/cases/{case['id']}/files", headers=clerk,
                           files=[("files", (n, body, "application/octet-stream")) for n, body in sent]).json()  # fmt: skip
        pdf, photo, broken = rows
        run_case(client, case["id"], clerk)
        runs = client.get(f"{V1}/cases/{case['id']}/runs/1", params={"wait": 110}, headers=clerk).json()
        assert runs["status"] == "done", runs
        url = f"{V1}/cases/{case['id']}/files"
        first = {r["id"]: client.get(f"{url}/{r['id']}/pages/1", headers=clerk) for r in (pdf, photo)}
        images = page_images(services)
        assert images._pool is None  # served from the run's pages: the file was not read again
        assert all(r.status_code == 200 and r.headers["content-type"] == "image/jpeg" for r in first.values())
        assert _image(first[pdf["id"]].content).size == (1654, 2339)
        width, height = _image(first[photo["id"]].content).size
        assert height > width  # upright, as the run read it
        for row in (pdf, photo):
            assert (_settled(images, row["sha256"]) / "p001.jpg").read_bytes() == first[row["id"]].content
        missing = client.get(f"{url}/{pdf['id']}/pages/2", headers=clerk)
        assert missing.status_code == 404 and "只有 1 页" in missing.json()["message"]
        bad = client.get(f"{url}/{broken['id']}/pages/1", headers=clerk)  # the run left no pages: read again
        assert bad.status_code == 409 and "无法读取" in bad.json()["message"] and images._pool is not None
        for row in (pdf, photo):  # reading the file again gives the same frame and the same bytes
            again = images._read(services.store.path(row["sha256"]), name=row["name"])
            assert again == [first[row["id"]].content]
        # an applicant's self-check run leaves nothing behind
        mine = new_case(client)
        me = {"X-Case-Token": mine["token"]}
        other = upload(client, mine["id"], me, "M1", "另一份申请表.pdf").json()[0]
        run_case(client, mine["id"], me)
        done = client.get(f"{V1}/cases/{mine['id']}/runs/1", params={"wait": 60}, headers=me).json()
        assert done["status"] == "done"
        images.close()  # lets any encoding finish
        assert not any(
            other["sha256"] in str(p) for p in services.settings.data_dir.joinpath("pages").rglob("*")
        )
