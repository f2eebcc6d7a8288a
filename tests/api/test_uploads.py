"""Bad uploads get a clear 4xx (and nothing is stored), decided by magic bytes and caps while streaming."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from api.models import Role
from tests.fixtures.api_app import ApiHarness, People, huge_png_header, pdf_bomb, pdf_bytes, png_bytes
from tests.fixtures.live_api import LiveApi

V1 = "/api/v1"


def _case(client: TestClient, people: People) -> str:
    r = client.post(f"{V1}/cases", json={"item": "JT-001", "review_date": "2026-02-12"}, headers=people.clerk)
    return str(r.json()["id"])


def _send(
    client: TestClient, case_id: str, people: People, name: str, data: bytes, ctype: str = "application/pdf"
):  # type: ignore[no-untyped-def]
    return client.post(
        f"{V1}/cases/{case_id}/files",
        params={"slot": "M1"},
        headers=people.clerk,
        files=[("files", (name, data, ctype))],
    )


def _stored(client: TestClient, case_id: str, people: People) -> int:
    return len(client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()["files"])


def test_good_files_are_stored_content_addressed(
    client: TestClient, people: People, harness: ApiHarness
) -> None:
    case_id = _case(client, people)
    data = pdf_bytes()
    r = _send(client, case_id, people, "申请表.pdf", data)
    assert r.status_code == 201
    row = r.json()[0]
    assert row["media_type"] == "application/pdf" and row["size"] == len(data) and row["slot"] == "M1"
    path = harness.services.store.path(row["sha256"])
    assert path.read_bytes() == data and str(harness.services.settings.data_dir) in str(path)
    again = _send(client, case_id, people, "copy.pdf", data).json()[0]  # same bytes: stored once
    assert again["sha256"] == row["sha256"]
    r = _send(
        client, case_id, people, "photo.jpg", png_bytes(), "image/jpeg"
    )  # a PNG named .jpg is read as PNG
    assert r.status_code == 201 and r.json()[0]["media_type"] == "image/png"
    assert not list(harness.services.store.tmp.iterdir())


def test_exe_renamed_pdf_is_refused(client: TestClient, people: People) -> None:
    case_id = _case(client, people)
    r = _send(client, case_id, people, "营业执照.pdf", b"MZ\x90\x00" + b"\x00" * 2000)
    assert r.status_code == 415
    assert r.json()["reason"] == "disguised" and "PDF" in r.json()["message"]
    r = _send(client, case_id, people, "archive.zip", b"PK\x03\x04" + b"\x00" * 100)
    assert r.status_code == 415 and r.json()["reason"] == "unsupported"
    assert _stored(client, case_id, people) == 0


def test_empty_file_is_refused(client: TestClient, people: People) -> None:
    case_id = _case(client, people)
    r = _send(client, case_id, people, "empty.pdf", b"")
    assert r.status_code == 422 and r.json()["reason"] == "empty"


def test_oversized_file_stops_the_read(client: TestClient, people: People, harness: ApiHarness) -> None:
    case_id = _case(client, people)
    big = b"%PDF-1.4\n" + b"0" * (harness.services.settings.max_file_bytes + 10)
    r = _send(client, case_id, people, "big.pdf", big)
    assert r.status_code == 413 and r.json()["reason"] == "too_large"
    assert _stored(client, case_id, people) == 0
    assert not list(harness.services.store.tmp.iterdir())


def test_case_byte_cap(client: TestClient, people: People, harness: ApiHarness) -> None:
    case_id = _case(client, people)
    part = b"%PDF-1.4\n" + b"1" * (harness.services.settings.max_file_bytes - 100)
    codes = [_send(client, case_id, people, f"p{i}.pdf", part + bytes([i])).status_code for i in range(3)]
    assert codes == [201, 201, 413]


def test_huge_image_is_refused_by_its_header(client: TestClient, people: People) -> None:
    case_id = _case(client, people)
    r = _send(client, case_id, people, "scan.png", huge_png_header(20_000, 20_000), "image/png")
    assert r.status_code == 422 and r.json()["reason"] == "too_many_pixels"
    assert "图片尺寸过大" in r.json()["message"]
    small = _send(
        client, case_id, people, "ok.png", huge_png_header(9_000, 5_000), "image/png"
    )  # 45 Mpx > 40
    assert small.status_code == 422 and "9000×5000" in small.json()["message"]


def test_corrupt_image_is_refused(client: TestClient, people: People) -> None:
    case_id = _case(client, people)
    r = _send(client, case_id, people, "photo.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50, "image/jpeg")
    assert r.status_code == 422 and r.json()["reason"] == "corrupt"


def test_corrupt_pdf_and_pdf_bomb_are_left_to_the_reader(client: TestClient, people: People) -> None:
    """Their magic bytes are a PDF's: they are stored, and the reader reports them per file in the run."""
    case_id = _case(client, people)
    assert _send(client, case_id, people, "broken.pdf", b"%PDF-1.7\n1 0 obj <<>>\ngarbage").status_code == 201
    assert _send(client, case_id, people, "bomb.pdf", pdf_bomb()).status_code == 201
    r = client.post(f"{V1}/cases/{case_id}/runs", params={"wait": 5}, headers=people.clerk)
    assert r.status_code == 202 and r.json()["status"] == "done"


def test_not_multipart_and_no_file(client: TestClient, people: People) -> None:
    case_id = _case(client, people)
    r = client.post(
        f"{V1}/cases/{case_id}/files",
        content=b"hello",
        headers={**people.clerk, "Content-Type": "text/plain"},
    )
    assert r.status_code == 415
    r = client.post(
        f"{V1}/cases/{case_id}/files",
        data={"note": "x"},
        files=[("other", ("", b"", "text/plain"))],
        headers=people.clerk,
    )
    assert r.status_code == 422


def test_file_count_cap(client: TestClient, people: People, harness: ApiHarness) -> None:
    harness.services.settings.max_case_files = 2
    case_id = _case(client, people)
    files = [("files", (f"{i}.png", png_bytes(8 + i, 8), "image/png")) for i in range(3)]
    r = client.post(f"{V1}/cases/{case_id}/files", files=files, headers=people.clerk)
    assert r.status_code == 413 and r.json()["reason"] == "too_many_files"
    assert _stored(client, case_id, people) == 0


def _racing(n: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``n`` requests at once (a barrier releases them together), each from its own thread."""
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        barrier.wait()
        return send(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.live_settings(max_case_files=5, max_case_bytes=350 * 1024)
def test_case_caps_hold_under_concurrent_uploads(live_api: LiveApi) -> None:
    """16 uploads to one case at once on a real server and database: no more files and bytes are stored
    than the caps allow (before: 105 files against a cap of 60); the rest are refused with 413."""
    clerk = live_api.account("clerk_race", Role.CLERK)
    with httpx.Client(base_url=live_api.url, timeout=60) as http:
        case = http.post("/api/v1/cases", json={"item": "JT-001"}, headers=clerk).json()["id"]

        def upload(i: int, size: int = 40 * 1024) -> httpx.Response:
            data = b"%PDF-1.4\n" + secrets.token_bytes(size)
            return http.post(
                f"/api/v1/cases/{case}/files",
                headers=clerk,
                files=[("files", (f"scan{i}.pdf", data, "application/pdf"))],
            )

        answers = _racing(16, upload)
        assert {r.status_code for r in answers} <= {201, 413}
        refused = [r.json()["reason"] for r in answers if r.status_code == 413]
        assert sum(r.status_code == 201 for r in answers) == 5 and set(refused) == {"too_many_files"}
        assert len(http.get(f"/api/v1/cases/{case}", headers=clerk).json()["files"]) == 5

        big = http.post("/api/v1/cases", json={"item": "JT-001"}, headers=clerk).json()["id"]
        case = big
        answers = _racing(8, lambda i: upload(i, 100 * 1024))  # 8 x 100 KB against 350 KB
        assert sum(r.status_code == 201 for r in answers) == 3
        stored = http.get(f"/api/v1/cases/{big}", headers=clerk).json()["files"]
        assert sum(f["size"] for f in stored) <= 350 * 1024 and len(stored) == 3
