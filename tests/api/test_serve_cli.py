"""``yichuang serve`` as an operator starts it (a real process: uvicorn applies forwarded headers there and
nowhere else): X-Forwarded-For is believed only from the proxies YICHUANG_TRUSTED_PROXIES names."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import typer

from api.serve_cli import trusted_proxies
from tests.fixtures.api_app import CORPUS

ROOT = Path(__file__).resolve().parents[2]
YICHUANG = Path(sys.executable).parent / "yichuang"
KB_CACHE = ROOT / "build" / "e2e-cache" / "kb-index"  # shared with tests/e2e: the shipped FAQs embedded once


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(data_dir: Path, **env: str) -> Iterator[str]:
    port = _free_port()
    environ = {
        **os.environ,
        "YICHUANG_DATA_DIR": str(data_dir),
        "YICHUANG_DATABASE_URL": "",
        "YICHUANG_CORPUS_DIR": str(CORPUS),
        "YICHUANG_KB_INDEX_DIR": str(KB_CACHE),
        "YICHUANG_WORKERS": "1",
        "YICHUANG_APPLICANT_RATE_PER_MINUTE": "3",
        **env,
    }
    environ.pop("FORWARDED_ALLOW_IPS", None)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / f"serve-{port}.log").open("wb")
    proc = subprocess.Popen(
        [str(YICHUANG), "serve", "--port", str(port)],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (data_dir / f"serve-{port}.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "yichuang serve did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _statuses(url: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=30) as http:
        return [http.get("/api/v1/items", headers={"X-Forwarded-For": f}).status_code for f in forwarded]


@pytest.mark.slow
def test_forwarded_for_is_believed_only_from_trusted_proxies(tmp_path: Path) -> None:
    rotating = [f"203.0.113.{i}" for i in range(1, 6)]
    with serve(tmp_path / "data") as url:  # default: no proxy trusted
        # every request is the loopback peer's, whatever the header says: the fourth is over 3 a minute
        assert _statuses(url, rotating) == [200, 200, 200, 429, 429]
    with serve(tmp_path / "data", YICHUANG_TRUSTED_PROXIES="127.0.0.1") as url:
        assert _statuses(url, rotating) == [200] * 5  # behind the proxy: five clients
        assert _statuses(url, ["198.51.100.7"] * 4) == [200, 200, 200, 429]  # one client, its own limit


def test_trusted_proxies_setting_is_checked() -> None:
    assert trusted_proxies("") == []
    assert trusted_proxies(" 10.0.0.1, 10.1.0.0/16 ,::1") == ["10.0.0.1", "10.1.0.0/16", "::1"]
    with pytest.raises(typer.BadParameter, match="not an address"):
        trusted_proxies("10.0.0.1,proxy.example")
