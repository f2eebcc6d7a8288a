"""A real uvicorn server on the loopback address, real default limits: bad uploads (a 200 MB file
streamed, an .exe renamed .pdf, an empty file, a 20,000 x 20,000 PNG, a corrupt PDF, a PDF bomb)
each get a clear answer and the service stays up."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import create_app
from tests.fixtures.api_app import huge_png_header, make_settings, pdf_bomb, pdf_bytes
from tests.fixtures.fake_prereviewer import FakePrereviewer
from window import Runner, ThreadDispatcher

V1 = "/api/v1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    settings = make_settings(
        tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        max_file_bytes=30 * 1024 * 1024,
        max_case_bytes=200 * 1024 * 1024,
    )

    def threads(runner: Runner) -> ThreadDispatcher:
        return ThreadDispatcher(runner, threads=2)

    app = create_app(settings=settings, prereviewer=FakePrereviewer, dispatcher=threads, knowledge_base=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_bad_uploads_do_not_bring_the_service_down(live: str) -> None:
    with httpx.Client(base_url=live, timeout=60) as http:
        case = http.post(f"{V1}/cases", json={"item": "JT-001", "review_date": "2026-02-12"}).json()
        me = {"X-Case-Token": case["token"]}
        url = f"{V1}/cases/{case['id']}/files"

        def send(name: str, data: bytes, ctype: str = "application/pdf") -> httpx.Response:
            return http.post(url, params={"slot": "M1"}, headers=me, files=[("files", (name, data, ctype))])

        def huge() -> Iterator[bytes]:  # 200 MB, streamed (chunked): never held in memory
            boundary = b"xyzBOUNDARYxyz"
            yield (
                b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
            )
            yield b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
            chunk = b"0" * (1024 * 1024)
            for _ in range(200):
                yield chunk
            yield b"\r\n--" + boundary + b"--\r\n"

        started = time.monotonic()
        r = http.post(
            url,
            headers={**me, "Content-Type": "multipart/form-data; boundary=xyzBOUNDARYxyz"},
            content=huge(),
        )
        assert r.status_code == 413 and r.json()["reason"] == "too_large", r.text
        assert time.monotonic() - started < 30
        assert send("营业执照.pdf", b"MZ\x90\x00" + b"\x00" * 4096).status_code == 415
        assert send("空.pdf", b"").status_code == 422
        assert send("scan.png", huge_png_header(20_000, 20_000), "image/png").status_code == 422
        assert send("broken.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog\ngarbage").status_code == 201
        assert send("bomb.pdf", pdf_bomb()).status_code == 201
        assert send("ok.pdf", pdf_bytes()).status_code == 201
        r = http.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 20}, headers=me)
        assert r.status_code == 202 and r.json()["status"] == "done"
        assert http.get("/healthz").json() == {"status": "ok"}
        assert len(http.get(f"{V1}/cases/{case['id']}", headers=me).json()["files"]) == 3
