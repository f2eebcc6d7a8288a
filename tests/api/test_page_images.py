"""Page images of uploaded files (GET /cases/{id}/files/{file}/pages/{n}), read by the real reader
worker process: the frame the evidence boxes are measured in, kept for clerks' cases only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from api.app import create_app
from api.models import Role
from api.services import Services
from tests.api.test_cases import new_case, upload
from tests.api.test_cases import run as run_case
from tests.fixtures.api_app import ApiHarness, People, add_user, make_settings, pdf_bytes
from tests.window.test_page_images import settled
from window import Runner, ThreadDispatcher

V1 = "/api/v1"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture
def clerk_case(client: TestClient, people: People, harness: ApiHarness) -> Iterator[dict[str, object]]:
    case = new_case(client, people.clerk)
    yield case
    harness.services.pages.close()


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


def test_only_clerks_and_the_applicant_see_page_images(
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
    url = f"{V1}/cases/{case['id']}/files/{row['id']}/pages/1"
    try:
        r = client.get(url, headers=people.clerk)
        assert r.status_code == 200 and _image(r.content).size == (1654, 2339)
        assert not (harness.services.settings.data_dir / "pages" / row["sha256"]).exists()
        # the applicant sees the evidence of their own case, and of no other
        mine = client.get(url, headers={"X-Case-Token": case["token"]})
        assert mine.status_code == 200 and mine.headers["content-type"] == "image/jpeg"
        other = new_case(client)
        assert client.get(url, headers={"X-Case-Token": other["token"]}).status_code == 404
    finally:
        harness.services.pages.close()


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
    for i, line in enumerate(
        [
            "道路货物运输经营申请表",
            "申请人名称 安和市宏远货运有限公司",
            "统一社会信用代码",
            "负责人 邹军哲",
            "通信地址 安和市人民路一号",
            "联系电话 0791 8888 6666",
        ]
    ):
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


def test_only_runs_of_cases_whose_pages_are_kept_hand_them_over(
    client: TestClient, people: People, harness: ApiHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
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
        harness.services.pages.close()


@pytest.mark.ocr
@pytest.mark.slow
def test_a_clerks_run_leaves_the_pages_the_evidence_view_shows(tmp_path: Path) -> None:
    """A real run (real Prereviewer, reader worker processes) of a clerk's case: its pages are shown
    without the page reader ever starting, and they are the very JPEGs reading the file again gives."""
    settings = make_settings(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'pages.db'}", workers=1)

    def one_thread(runner: Runner) -> ThreadDispatcher:  # the real Prereviewer: none is given
        return ThreadDispatcher(runner, threads=1)

    with TestClient(create_app(settings=settings, dispatcher=one_thread, knowledge_base=False)) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        clerk = add_user(services.db, "clerk-pages", Role.CLERK)
        case = new_case(client, clerk)
        sent = [
            ("申请表.pdf", pdf_bytes()),
            ("IMG_0001.png", _sideways_photo()),
            ("坏.pdf", b"%PDF-1.7\ngarbage"),
        ]
        rows = client.post(
            f"{V1}/cases/{case['id']}/files",
            headers=clerk,
            files=[("files", (n, body, "application/octet-stream")) for n, body in sent],
        ).json()
        pdf, photo, broken = rows
        run_case(client, case["id"], clerk)
        runs = client.get(f"{V1}/cases/{case['id']}/runs/1", params={"wait": 110}, headers=clerk).json()
        assert runs["status"] == "done", runs
        url = f"{V1}/cases/{case['id']}/files"
        first = {r["id"]: client.get(f"{url}/{r['id']}/pages/1", headers=clerk) for r in (pdf, photo)}
        images = services.pages
        assert images._pool is None  # served from the run's pages: the file was not read again
        assert all(r.status_code == 200 and r.headers["content-type"] == "image/jpeg" for r in first.values())
        assert _image(first[pdf["id"]].content).size == (1654, 2339)
        width, height = _image(first[photo["id"]].content).size
        assert height > width  # upright, as the run read it
        for row in (pdf, photo):
            assert (settled(images, row["sha256"]) / "p001.jpg").read_bytes() == first[row["id"]].content
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
