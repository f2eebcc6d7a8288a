"""Page images of uploaded files (GET /cases/{id}/files/{file}/pages/{n}), read by the real reader
worker process: the frame the evidence boxes are measured in, kept for clerks' cases only."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from api.page_images import page_images
from tests.api.test_cases import new_case, upload
from tests.fixtures.api_app import ApiHarness, People

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


def test_only_clerks_see_page_images(client: TestClient, people: People, clerk_case: dict[str, object]) -> None:
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
def test_photo_page_comes_back_upright(client: TestClient, people: People, clerk_case: dict[str, object]) -> None:
    files = [("files", ("IMG_0001.png", _sideways_photo(), "image/png"))]
    row = client.post(f"{V1}/cases/{clerk_case['id']}/files", files=files, headers=people.clerk).json()[0]
    r = client.get(f"{V1}/cases/{clerk_case['id']}/files/{row['id']}/pages/1", headers=people.clerk)
    assert r.status_code == 200
    width, height = _image(r.content).size
    assert height > width  # the reader turned it upright, as its boxes are measured
